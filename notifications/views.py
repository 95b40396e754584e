from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services


@login_required
def inbox(request):
    return render(request, "notifications/inbox.html", selectors.inbox(request.user))


@require_POST
@login_required
def mark_all_read(request):
    services.mark_all_read(request.user)
    return redirect("notifications:inbox")
