"""Signing in and out, throttling, passwords and sessions."""

import logging
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accord.accounts import services
from accord.accounts.models import User
from accord.core.errors import Invalid

PASSWORD = "a-Strong-test-passw0rd"
LOGIN = reverse("accounts:login")
ACCOUNT = reverse("accounts:account")


@pytest.fixture
def user(db):
    return User.objects.create_user("ada@example.test", PASSWORD, name="Ada")


@pytest.fixture
def security_log(caplog):
    """Records of "accord.security", which does not propagate to the root logger caplog watches."""
    logger = logging.getLogger("accord.security")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="accord.security")
    yield caplog
    logger.removeHandler(caplog.handler)


def _sign_in(client, email=" Ada@Example.test ", password=PASSWORD, ip="192.0.2.1", **data):
    return client.post(LOGIN, {"email": email, "password": password, **data}, REMOTE_ADDR=ip)


# ---------------------------------------------------------------- signing in


def test_signing_in_rotates_the_session_key(client, user):
    session = client.session
    session["before"] = "sign-in"
    session.save()
    old_key = session.session_key
    response = _sign_in(client)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert client.get(ACCOUNT).status_code == 200


def test_the_session_cookie_is_http_only_and_same_site(client, user):
    _sign_in(client)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_a_wrong_password_gets_401_and_no_session(client, user):
    response = _sign_in(client, password="not-the-password")
    assert response.status_code == 401
    assert "do not match" in response.content.decode()
    assert client.get(ACCOUNT).status_code == 302


def test_signing_in_goes_on_to_a_local_next_page_only(client, user):
    assert _sign_in(client, next="/w/acme/people")["Location"] == "/w/acme/people"
    client.post(reverse("accounts:logout"))
    assert _sign_in(client, next="https://evil.example/")["Location"] == reverse("home")


def test_a_deactivated_user_cannot_sign_in(client, user):
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert _sign_in(client).status_code == 401


def test_an_old_password_hash_is_upgraded_at_sign_in(client, user, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert User.objects.get(pk=user.pk).password.startswith("md5$")
    assert _sign_in(client).status_code == 302
    assert User.objects.get(pk=user.pk).password.startswith("argon2")


# ---------------------------------------------------------------- throttling


def test_five_failures_from_one_address_get_429_even_with_the_right_password(client, user):
    for _ in range(settings.LOGIN_THROTTLE_FAILURES):
        assert _sign_in(client, password="guess").status_code == 401
    response = _sign_in(client)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert client.get(ACCOUNT).status_code == 302


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(client, user):
    for _ in range(settings.LOGIN_THROTTLE_FAILURES + 2):
        _sign_in(client, password="guess", ip="203.0.113.66")
    assert _sign_in(client, password="guess", ip="203.0.113.66").status_code == 429
    assert _sign_in(Client(), ip="192.0.2.1").status_code == 302


def test_failures_count_per_email(client, user):
    User.objects.create_user("bob@example.test", PASSWORD)
    for _ in range(settings.LOGIN_THROTTLE_FAILURES):
        _sign_in(client, password="guess")
    assert _sign_in(client, email="bob@example.test").status_code == 302


def test_failures_older_than_the_window_do_not_count(client, user):
    from datetime import timedelta

    from django.utils import timezone

    from accord.accounts.models import LoginFailure

    for _ in range(settings.LOGIN_THROTTLE_FAILURES):
        _sign_in(client, password="guess")
    LoginFailure.objects.update(
        at=timezone.now() - timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS + 1)
    )
    assert _sign_in(client).status_code == 302


# ---------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    "password", ["password123", "qwertyuiop", "Sh0rt!", "1234567890123", "ada@example.test"]
)
def test_weak_passwords_are_rejected(db, password):
    with pytest.raises(Invalid) as exc:
        services.user_create(email="ada@example.test", password=password, name="Ada")
    assert {e.field for e in exc.value.errors} == {"password"}
    assert not User.objects.filter(email="ada@example.test").exists()


def test_a_weak_new_password_is_refused_on_the_account_page(client, user):
    client.force_login(user)
    response = client.post(
        ACCOUNT,
        {
            "action": "password",
            "old_password": PASSWORD,
            "new_password": "password123",
            "new_password2": "password123",
        },
    )
    assert response.status_code == 422
    assert 'id="err_new_password"' in response.content.decode()
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_changing_the_password_needs_the_current_one(client, user):
    client.force_login(user)
    new = "another-Strong-passw0rd"
    response = client.post(
        ACCOUNT,
        {"action": "password", "old_password": "wrong", "new_password": new, "new_password2": new},
    )
    assert response.status_code == 422
    assert 'id="err_old_password"' in response.content.decode()


def test_a_password_change_keeps_this_session_and_ends_the_others(user):
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    assert elsewhere.get(ACCOUNT).status_code == 200
    new = "another-Strong-passw0rd"
    response = here.post(
        ACCOUNT,
        {"action": "password", "old_password": PASSWORD, "new_password": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert here.get(ACCOUNT).status_code == 200
    response = elsewhere.get(ACCOUNT)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert User.objects.get(pk=user.pk).check_password(new)


def test_a_password_change_through_the_api_also_ends_other_sessions(user):
    here, elsewhere = Client(enforce_csrf_checks=False), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    new = "another-Strong-passw0rd"
    response = here.post(
        "/api/v1/me/password",
        {"old_password": PASSWORD, "new_password": new},
        content_type="application/json",
    )
    assert response.status_code == 204
    assert here.get("/api/v1/me").status_code == 200
    assert elsewhere.get("/api/v1/me").status_code == 401


# ---------------------------------------------------------------- sessions


def test_a_deactivated_users_session_ends(client, user):
    client.force_login(user)
    assert client.get(ACCOUNT).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(ACCOUNT)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_a_session_ends_a_fixed_time_after_sign_in_however_active(client, user, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 3600
    client.force_login(user)
    assert client.get(ACCOUNT).status_code == 200  # starts the clock
    session = client.session
    session["accord_session_started"] = int(time.time()) - 3500
    session.save()
    assert client.get(ACCOUNT).status_code == 200
    session = client.session
    session["accord_session_started"] = int(time.time()) - 3601
    session.save()
    response = client.get(ACCOUNT)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get(ACCOUNT).status_code == 302


def test_sign_out_is_post_only_and_ends_the_session(client, user):
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(ACCOUNT).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert client.get(ACCOUNT).status_code == 302


def test_sign_out_needs_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("accounts:logout")).status_code == 403
    assert client.get(ACCOUNT).status_code == 200


# ---------------------------------------------------------------- security log


def test_sign_in_successes_and_failures_are_logged_without_the_password(client, user, security_log):
    _sign_in(client, password="Wrong-Secret-123")
    _sign_in(client)
    records = [r for r in security_log.records if r.name == "accord.security"]
    events = [getattr(r, "event", None) for r in records]
    assert "login_failed" in events and "login_succeeded" in events
    failed = next(r for r in records if getattr(r, "event", None) == "login_failed")
    assert failed.email == "ada@example.test" and failed.ip == "192.0.2.1"
    succeeded = next(r for r in records if getattr(r, "event", None) == "login_succeeded")
    assert succeeded.user_id == user.pk
    for record in records:
        dumped = repr(vars(record)) + record.getMessage()
        assert "Wrong-Secret-123" not in dumped and PASSWORD not in dumped


def test_sign_out_is_logged(client, user, security_log):
    client.force_login(user)
    client.post(reverse("accounts:logout"))
    assert any(
        getattr(r, "event", None) == "logout" and r.user_id == user.pk for r in security_log.records
    )


# ---------------------------------------------------------------- hashing in production


def _hashers_with(env: dict) -> list[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"ACCORD_TESTING", "ACCORD_DEBUG"}}
    code = "import accord.settings as s; print(s.TESTING); print(*s.PASSWORD_HASHERS, sep='\\n')"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.split()


def test_argon2_hashes_passwords_in_production(tmp_path):
    testing, first, *_ = _hashers_with(
        {"ACCORD_DATA_DIR": str(tmp_path), "ACCORD_SECRET_KEY": "x" * 60}
    )
    assert testing == "False"
    assert first == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_the_test_suite_hashes_fast_but_still_knows_argon2(tmp_path):
    testing, first, *rest = _hashers_with(
        {"ACCORD_DATA_DIR": str(tmp_path), "ACCORD_TESTING": "true"}
    )
    assert (testing, first) == ("True", "django.contrib.auth.hashers.MD5PasswordHasher")
    assert rest[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.TESTING and settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")
