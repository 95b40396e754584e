from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import MaterialViewSet, PressWorkViewSet, material_policy, press_work_policy
from .models import Material, PressWork

register_permission_policy(PressWork, press_work_policy)
register_permission_policy(Material, material_policy)


@hooks.register("register_admin_viewset")
def register_content_viewsets():
    return [PressWorkViewSet("press_works"), MaterialViewSet("materials")]
