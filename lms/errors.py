"""The 500 handler: Django's own, plus the request id, so an official can quote it to the help desk and the
operator finds the request's log lines (lms/observability.py)."""

from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def server_error(request, template_name="500.html"):
    template = loader.get_template(template_name)
    # No RequestContext: its processors query the database, which may be what failed.
    return HttpResponseServerError(template.render({"request_id": getattr(request, "request_id", "")}))
