"""The member behind a web request, for every workspace page."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from accord.core.web import web_view

from .models import Membership
from .permissions import can
from .selectors import membership_in


def workspace_page(action: str = "workspace.view"):
    """Resolve /w/<slug>/: 404 unless the user is a member, 403 unless the role allows `action`."""

    def decorator(view):
        @web_view
        @wraps(view)
        def wrapper(request, slug: str, *args, **kwargs):
            member: Membership = membership_in(request.user, slug)
            request.member = member
            if not can(member, action):
                raise PermissionDenied(f"Your role ({member.role}) may not open this page.")
            if request.user.last_workspace_id != member.workspace_id:
                request.user.__class__.objects.filter(pk=request.user.pk).update(last_workspace=member.workspace)
            return view(request, member, *args, **kwargs)

        return wrapper

    return decorator
