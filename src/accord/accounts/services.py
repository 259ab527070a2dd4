"""Account writes: sign-in bookkeeping, password changes, admin creation."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accord.core.cleaning import clean_text
from accord.core.errors import FieldError, Invalid
from accord.core.logging import security_log

from .models import LoginFailure, User


def login_is_throttled(*, email: str, ip: str) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS)
    failures = LoginFailure.objects.filter(email=email.lower(), ip=ip, at__gte=since).count()
    return failures >= settings.LOGIN_THROTTLE_FAILURES


def login_failed(*, email: str, ip: str) -> None:
    LoginFailure.objects.create(email=email.lower()[:254], ip=ip)
    security_log.warning("login failed", extra={"event": "login_failed", "email": email.lower(), "ip": ip})


def login_succeeded(*, user: User, ip: str) -> None:
    LoginFailure.objects.filter(email=user.email, ip=ip).delete()
    security_log.info("login succeeded", extra={"event": "login_succeeded", "user_id": user.pk, "ip": ip})


def validate_new_password(password: str, user: User | None = None, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise Invalid("The password is not strong enough.", [FieldError(field, m) for m in exc.messages]) from exc


@transaction.atomic
def user_create(*, email: str, password: str, name: str = "", is_superuser: bool = False) -> User:
    email = email.strip().lower()
    if not email or "@" not in email:
        raise Invalid.field("email", "Enter a valid e-mail address.")
    if User.objects.filter(email=email).exists():
        raise Invalid.field("email", f"A user with the e-mail {email} already exists.")
    name = clean_text(name, "name", max_length=150)
    validate_new_password(password, User(email=email, name=name))
    if is_superuser:
        return User.objects.create_superuser(email, password, name=name)
    return User.objects.create_user(email, password, name=name)


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise Invalid.field("old_password", "Your current password is not correct.")
    validate_new_password(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    security_log.info("password changed", extra={"event": "password_changed", "user_id": user.pk})


@transaction.atomic
def profile_update(*, user: User, name: str) -> User:
    user.name = clean_text(name, "name", max_length=150)
    user.save(update_fields=["name"])
    return user
