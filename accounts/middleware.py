"""After a reform merged or split their commune, a learner is asked once to confirm their commune today."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

SESSION_KEY = "confirm_commune"
# Pages a learner may open before confirming: the prompt itself, signing out, assets, the language switch.
FREE_PREFIXES = ("/accounts/", "/static/", "/media/", "/i18n/", "/admin/", "/learning/api/")


@receiver(user_logged_in, dispatch_uid="accounts.ask_to_confirm_commune")
def ask_to_confirm_commune(sender, request, user, **kwargs):
    """Read once at sign-in and kept in the session, so other requests pay no query for it."""
    profile = getattr(user, "learner_profile", None)  # staff have none (RelatedObjectDoesNotExist)
    if profile is not None and profile.needs_commune_confirmation:
        request.session[SESSION_KEY] = True


class CommuneConfirmationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.method == "GET" and request.session.get(SESSION_KEY)
                and not request.path.startswith(FREE_PREFIXES)):
            return redirect(f"{reverse('confirm_commune')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
