"""The demo's histories read in plain language on every page that shows one: the audit trail,
ideas, roadmap items, feedback, teams and people. No Python dict, no `lane_id`, no True/False, no
"Version" (but for "version 2 of the positioning"), no raw id: what a reader sees is names and words."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accord.audit.models import AuditEntry
from accord.demo.loader import ADMIN_EMAIL
from accord.workspaces.models import Workspace

RAW = re.compile(r"[{}\[\]]|\w_id\b|\w_ids\b|\bTrue\b|\bFalse\b|\bNone\b|\bnull\b|\bVersion\b|(?<!positioning )\bversion\b(?! \d+ of )|\bdecision_\w+|\bfeedbacklink\b")
TAG = re.compile(r"<(/?)ul\b[^>]*>")


@pytest.fixture(scope="module")
def demo_once(django_db_setup, module_transaction):
    with module_transaction():
        call_command("demo", stdout=StringIO(), stderr=StringIO())
        yield "lumen"


@pytest.fixture
def signed_in(demo_once, db, client):
    from accord.accounts.models import User

    client.force_login(User.objects.get(email=ADMIN_EMAIL))
    return client


def histories(html: str) -> list[str]:
    """The text of every <ul class="timeline"> (with the lists nested in it)."""
    found, at = [], 0
    while (start := html.find('<ul class="timeline', at)) >= 0:
        depth = 0
        for tag in TAG.finditer(html, start):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                found.append(html[start : tag.end()])
                at = tag.end()
                break
        else:
            raise AssertionError("an unclosed history list")
    assert found, "no history on the page"
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part)) for part in found]


def check(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    text = " ".join(histories(response.content.decode()))
    bad = RAW.search(text)
    assert bad is None, f"{url}: {bad.group(0)!r} in …{text[max(0, bad.start() - 120): bad.end() + 60]}…"
    return text


def test_every_page_of_the_audit_trail(signed_in):
    workspace = Workspace.objects.get(slug="lumen")
    pages = AuditEntry.objects.filter(workspace=workspace).count() // 50 + 1
    texts = [check(signed_in, reverse("audit", args=["lumen"]) + f"?page={n}") for n in range(1, pages + 1)]
    everything = " ".join(texts)
    assert "moved roadmap item Reporting 2.0 release 14 days later" in everything
    assert "changed the portal settings" in everything


def test_the_histories_of_ideas_items_feedback_teams_and_people(signed_in):
    workspace = Workspace.objects.get(slug="lumen")
    touched = {}
    for object_type, object_id in (
        AuditEntry.objects.filter(workspace=workspace).values_list("object_type", "object_id").distinct()
    ):
        touched.setdefault(object_type, []).append(object_id)
    urls = [reverse("idea_detail", args=["lumen", i]) for i in touched["idea"]]
    urls += [reverse("roadmap_item", args=["lumen", i]) for i in touched["roadmap item"]]
    urls += [reverse("team_detail", args=["lumen", i]) for i in touched["team"]]
    urls += [reverse("person_detail", args=["lumen", i]) for i in touched["person"] if i.isdigit()]
    # Feedback with more than its creation on record (triaged, edited), and a few others.
    updated = set(AuditEntry.objects.filter(workspace=workspace, object_type="feedback", action="updated").values_list("object_id", flat=True))
    urls += [reverse("feedback_detail", args=["lumen", i]) for i in sorted(updated)[:15] + touched["feedback"][:5] if i.isdigit()]
    for url in urls:
        check(signed_in, url)
    for item_id in touched["roadmap item"]:  # nor on the item's details
        html = signed_in.get(reverse("roadmap_item", args=["lumen", item_id])).content.decode()
        assert not re.search(r"\bVersion\b", re.sub(r"<[^>]+>", " ", html.split('id="content"')[1]))
