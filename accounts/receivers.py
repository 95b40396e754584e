from .signals import learners_changed


def on_profile_deleted(sender, instance, **kwargs):
    learners_changed.send(sender=sender, user_ids=[instance.user_id],
                          commune_ids={instance.commune_id, instance.commune_before_reform_id})
