"""An invitation belongs to the invited address, and its token never waits in the task queue."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accord.accounts.models import User
from accord.core.errors import Forbidden
from accord.workspaces import services
from accord.workspaces.models import Invitation, Membership

LINK = re.compile(r"/invitations/(\S+)")
PASSWORD = "a-Strong-test-passw0rd"


@pytest.fixture
def invitation(cast, django_capture_on_commit_callbacks):
    """Dave is invited as an admin; returns (invitation, raw token)."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.invitation_create(member=cast.members["admin"], email="dave@example.test", role="admin")


@pytest.fixture
def carol(db):
    return User.objects.create_user("carol@example.test", PASSWORD, name="Carol")


def _joined(user, cast) -> bool:
    return Membership.objects.filter(user=user, workspace=cast.workspace).exists()


# ---------------------------------------------------------------- bound to the invited address


def test_another_account_cannot_accept_it(cast, invitation, carol):
    _, raw = invitation
    with pytest.raises(Forbidden) as exc:
        services.invitation_accept(user=carol, token=raw)
    assert "d•••@example.test" in exc.value.detail
    assert not _joined(carol, cast)
    assert services.invitation_by_token(raw).state == "pending"  # still there for Dave


def test_the_invited_address_accepts_whatever_its_letter_case(cast, invitation):
    _, raw = invitation
    dave = User.objects.create_user("Dave@Example.TEST", PASSWORD, name="Dave")
    membership = services.invitation_accept(user=dave, token=raw)
    assert membership.role == "admin" and _joined(dave, cast)


def test_the_page_says_whom_it_is_for_and_offers_to_sign_out(cast, invitation, carol):
    _, raw = invitation
    client = Client()
    client.force_login(carol)
    page = client.get(reverse("invitation", args=[raw])).content.decode()
    assert "d•••@example.test" in page and "dave@example.test" not in page
    assert 'data-testid="wrong-account"' in page and "Join as" not in page
    assert f'action="{reverse("accounts:logout")}"' in page

    refused = client.post(reverse("invitation", args=[raw]))
    assert refused.status_code == 403
    assert "d•••@example.test" in refused.content.decode()
    assert not _joined(carol, cast)

    signed_out = client.post(reverse("accounts:logout"), {"next": reverse("invitation", args=[raw])})
    assert signed_out["Location"] == reverse("invitation", args=[raw])
    assert "Create account and join" in client.get(signed_out["Location"]).content.decode()


def test_sign_out_goes_only_to_paths_of_this_site(carol):
    client = Client()
    client.force_login(carol)
    response = client.post(reverse("accounts:logout"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("accounts:login")


def test_the_api_refuses_another_account(cast, invitation, carol):
    _, raw = invitation
    client = Client()
    client.force_login(carol)
    response = client.post("/api/v1/invitations/accept", {"token": raw}, content_type="application/json")
    assert response.status_code == 403
    assert "d•••@example.test" in response.json()["detail"]
    assert not _joined(carol, cast)


# ---------------------------------------------------------------- no token at rest in the task queue


def test_the_invitation_task_gets_an_id_and_mails_a_working_link(cast, db_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, raw = services.invitation_create(member=cast.members["admin"], email="dave@example.test")
    assert mail.outbox == []
    queued = "\n".join(db_tasks.rows())
    assert raw not in queued and raw.split("_", 1)[1] not in queued

    db_tasks.run()

    [message] = mail.outbox
    mailed = LINK.search(message.body).group(1)
    assert mailed == raw  # the link shown to the admin and the mailed one are the same
    dave = User.objects.create_user("dave@example.test", PASSWORD)
    services.invitation_accept(user=dave, token=mailed)
    rows = "\n".join(db_tasks.rows())
    assert rows and raw not in rows and raw.split("_", 1)[1] not in rows
    assert "token_nonce" not in rows and Invitation.objects.get(pk=invitation.pk).token_nonce not in rows
