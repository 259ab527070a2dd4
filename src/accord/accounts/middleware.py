import time

from django.conf import settings
from django.contrib.auth import logout

_STARTED = "accord_session_started"


class AbsoluteSessionTimeoutMiddleware:
    """End a session a fixed time after sign-in, however active it has been (idle expiry is the cookie age)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(_STARTED)
            now = int(time.time())
            if started is None:
                request.session[_STARTED] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return self.get_response(request)
