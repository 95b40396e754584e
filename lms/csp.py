"""Content-Security-Policy: a strict policy for the site, a looser one for the Wagtail admin.

The site's templates carry no inline script or style (scripts are static files; a template that
really needs an inline script gives it `nonce="{{ request.csp_nonce }}"`), so the site policy
allows scripts and styles from our own origin only. Wagtail's admin still writes inline scripts
and styles in several widgets (wagtail/wagtail#1288), so paths under the admin get
CONTENT_SECURITY_POLICY_ADMIN, which adds 'unsafe-inline' for both; everything else is as strict.
"""

from dataclasses import replace

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.urls import reverse

# Chromium's PDF viewer is a plugin inside the PDF's own document: a policy on the PDF response
# (object-src 'none') would stop certificates from displaying in the browser.
EXEMPT_CONTENT_TYPES = ("application/pdf",)


def admin_prefix() -> str:
    return reverse("wagtailadmin_home")


class PathPolicyCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith(EXEMPT_CONTENT_TYPES):
            response._csp_exempt = True
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None or not request.path_info.startswith(admin_prefix()):
            return parts
        admin_policy = default_config(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        return replace(parts, config=admin_policy)
