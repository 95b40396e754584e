"""Wagtail page and collection permissions for the trainer groups.

A province trainer adds, edits and publishes anywhere in the curriculum. A district trainer
only has "add": Wagtail then lets them create lessons and edit the pages they own, never
province-wide lessons or another district's; their lessons go to a province trainer for
approval through the moderation workflow.
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupApprovalTask, GroupCollectionPermission, GroupPagePermission

from accounts.services import DISTRICT_TRAINERS_GROUP, PROVINCE_TRAINERS_GROUP

PAGE_PERMISSIONS = {
    PROVINCE_TRAINERS_GROUP: ["add_page", "change_page", "publish_page"],
    DISTRICT_TRAINERS_GROUP: ["add_page"],
}
MEDIA_PERMISSIONS = [("wagtailimages", "add_image"), ("wagtailimages", "choose_image"),
                     ("wagtaildocs", "add_document"), ("wagtaildocs", "choose_document")]


def grant_trainer_permissions(curriculum_root) -> None:
    """Idempotent: give both trainer groups their rights on the curriculum and media."""
    root_collection = Collection.get_first_root_node()
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for name, codenames in PAGE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=curriculum_root, permission=permission)
        for app_label, codename in MEDIA_PERMISSIONS:
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root_collection,
                                                            permission=permission)
    _province_trainers_approve()


def _province_trainers_approve() -> None:
    province_trainers = Group.objects.get(name=PROVINCE_TRAINERS_GROUP)
    for task in GroupApprovalTask.objects.filter(active=True):
        task.groups.add(province_trainers)
