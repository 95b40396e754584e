from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import render


def forbidden_as_403(view):
    """Answer an out-of-scope request with a plain 403.

    Wagtail's admin turns PermissionDenied into a redirect to the dashboard; for scoped
    data a clear 403 is the contract (and what tests with an outsider check).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return render(request, "403.html", status=403)

    return wrapper
