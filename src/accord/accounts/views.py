from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accord.core.errors import Invalid
from accord.core.web import field_errors, web_view

from . import services


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 (a placeholder, never bound)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    error, email, status = None, "", 200
    if request.method == "POST":
        email = request.POST.get("email", "").strip().lower()
        ip = client_ip(request)
        if services.login_is_throttled(email=email, ip=ip):
            error, status = "Too many failed attempts. Wait 15 minutes and try again.", 429
        else:
            user = authenticate(request, username=email, password=request.POST.get("password", ""))
            if user is None:
                services.login_failed(email=email, ip=ip)
                error, status = "That e-mail and password do not match.", 401
            else:
                login(request, user)  # rotates the session key
                services.login_succeeded(user=user, ip=ip)
                return redirect(next_url or "home")
    return render(request, "accounts/login.html", {"error": error, "email": email, "next": next_url}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or ""
    logout(request)
    messages.info(request, "You are signed out.")
    # e.g. back to an invitation meant for another address; only a path on this site
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("accounts:login")


@sensitive_post_parameters("old_password", "new_password", "new_password2")
@web_view
@require_http_methods(["GET", "POST"])
def account_view(request: HttpRequest) -> HttpResponse:
    errors: dict = {}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "profile":
                services.profile_update(user=request.user, name=request.POST.get("name", ""))
                messages.success(request, "Profile saved.")
                return redirect("accounts:account")
            if request.POST.get("new_password") != request.POST.get("new_password2"):
                raise Invalid.field("new_password2", "The two new passwords differ.")
            services.password_change(user=request.user, old_password=request.POST.get("old_password", ""), new_password=request.POST.get("new_password", ""))
        except Invalid as exc:
            errors = field_errors(exc)
        else:
            update_session_auth_hash(request, request.user)  # this session stays; the others end
            messages.success(request, "Password changed. Other sessions were signed out.")
            return redirect("accounts:account")
    return render(request, "accounts/account.html", {"errors": errors}, status=422 if errors else 200)
