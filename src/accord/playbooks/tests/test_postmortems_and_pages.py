"""Post-mortems (action items into ideas or roadmap items), the pages on the demo data, the home
card and the panels on the idea and roadmap item pages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accord.core.errors import Conflict, Forbidden, Invalid
from accord.ideas.models import Idea
from accord.playbooks import postmortems, selectors
from accord.playbooks.models import ActionItem, PlaybookRun, PostMortem
from accord.roadmaps.models import RoadmapItem
from accord.workspaces.models import Membership, Person

# ---------------------------------------------------------------- services (the cast)


def _post(member, **values):
    return postmortems.postmortem_create(
        member=member, subject_kind="incident", subject_ref="Checkout outage", **values
    )


def test_converting_an_action_item_twice_is_a_409_and_creates_nothing(cast, api):
    contributor = cast.members["contributor"]
    post = _post(contributor)
    item = postmortems.action_item_create(
        member=contributor, postmortem_id=post.pk, title="Alert on checkout errors"
    )
    postmortems.action_item_convert(
        member=contributor, postmortem_id=post.pk, action_item_id=item.pk, to="idea"
    )
    item.refresh_from_db()
    idea = Idea.objects.get(pk=item.idea_id)
    assert idea.title == "Alert on checkout errors" and "Checkout outage" in idea.description
    before = (Idea.objects.count(), RoadmapItem.objects.count())
    with pytest.raises(Conflict) as exc:
        postmortems.action_item_convert(
            member=contributor, postmortem_id=post.pk, action_item_id=item.pk, to="idea"
        )
    assert f"idea #{idea.pk}" in exc.value.detail
    url = f"/workspaces/acme/postmortems/{post.pk}/action-items/{item.pk}/convert"
    response = api(cast.tokens["editor"]).post(url, {"to": "idea"})
    assert response.status_code == 409 and response.json()["errors"][0]["field"] == "action_item_id"
    assert (Idea.objects.count(), RoadmapItem.objects.count()) == before


def test_an_action_item_becomes_a_roadmap_item_linked_both_ways(cast):
    from accord.roadmaps import services as roadmaps

    editor = cast.members["editor"]
    roadmap = roadmaps.roadmap_create(member=editor, name="Platform", lanes=["Now"])
    post = _post(editor)
    item = postmortems.action_item_create(
        member=editor, postmortem_id=post.pk, title="Automatic rollback"
    )
    with pytest.raises(Invalid) as exc:
        postmortems.action_item_convert(
            member=editor,
            postmortem_id=post.pk,
            action_item_id=item.pk,
            to="roadmap_item",
            roadmap_id=10**9,
        )
    assert exc.value.errors[0].field == "roadmap_id"
    item.refresh_from_db()
    assert item.roadmap_item_id is None and item.version == 1
    postmortems.action_item_convert(
        member=editor,
        postmortem_id=post.pk,
        action_item_id=item.pk,
        to="roadmap_item",
        roadmap_id=roadmap.pk,
    )
    made = RoadmapItem.objects.get(roadmap=roadmap)
    assert selectors.action_items_of_roadmap_item(item=made)[0].postmortem_id == post.pk
    with pytest.raises(Forbidden):  # contributors may not put things on roadmaps
        other = postmortems.action_item_create(member=editor, postmortem_id=post.pk, title="Second")
        postmortems.action_item_convert(
            member=cast.members["contributor"],
            postmortem_id=post.pk,
            action_item_id=other.pk,
            to="roadmap_item",
            roadmap_id=roadmap.pk,
        )


def test_closure_rate_and_overdue_items_on_the_owners_home(cast):
    from accord.workspaces import home

    editor = cast.members["editor"]
    person = Person.objects.get(workspace=cast.workspace, user=editor.user)
    post = _post(editor)
    today = timezone.localdate()
    late = postmortems.action_item_create(
        member=editor,
        postmortem_id=post.pk,
        title="Late",
        owner_id=person.pk,
        due_date=today - timedelta(days=1),
    )
    done = postmortems.action_item_create(
        member=editor,
        postmortem_id=post.pk,
        title="Done",
        owner_id=person.pk,
        due_date=today - timedelta(days=3),
    )
    postmortems.action_item_create(
        member=editor,
        postmortem_id=post.pk,
        title="Later",
        owner_id=person.pk,
        due_date=today + timedelta(days=3),
    )
    postmortems.action_item_update(
        member=editor, postmortem_id=post.pk, action_item_id=done.pk, version=1, done=True
    )
    row = selectors.postmortem(workspace=cast.workspace, postmortem_id=post.pk)
    assert (row.action_total, row.action_done, row.action_overdue) == (3, 1, 1)
    assert selectors.closure_rate(row.action_done, row.action_total) == 33
    card = home.CARDS["playbooks.overdue"].context(home.me_of(editor))
    assert [a.pk for a in card["rows"]] == [late.pk]
    assert home.CARDS["playbooks.overdue"].context(home.me_of(cast.members["viewer"])) is None


def test_timeline_entries_need_a_time_and_are_kept_in_order(cast, api):
    editor = cast.members["editor"]
    post = _post(
        editor,
        timeline=[
            {"at": "2026-03-01T10:30:00Z", "text": "Fixed"},
            {"at": "2026-03-01T10:00:00Z", "text": "Noticed"},
        ],
    )
    assert [e["text"] for e in post.timeline] == ["Noticed", "Fixed"]
    with pytest.raises(Invalid) as exc:
        postmortems.postmortem_update(
            member=editor,
            postmortem_id=post.pk,
            version=post.version,
            timeline=[{"at": "yesterday", "text": "x"}],
        )
    assert exc.value.errors[0].field == "timeline.0.at"
    assert PostMortem.objects.get(pk=post.pk).timeline == post.timeline
    response = api(cast.tokens["editor"]).get(f"/workspaces/acme/postmortems/{post.pk}")
    assert response.json()["prompts"]["contributing_factors"].startswith("The conditions")


def test_a_postmortem_needs_a_subject(cast):
    with pytest.raises(Invalid) as exc:
        postmortems.postmortem_create(
            member=cast.members["editor"], subject_kind="", subject_ref=""
        )
    assert exc.value.errors[0].field == "subject_kind"
    assert not PostMortem.objects.exists()


def test_blame_words_are_pointed_out(cast):
    post = _post(cast.members["editor"], went_badly="It was Bob's fault; careless deploy.")
    assert postmortems.blame_hints(post) == ["fault", "careless"]


def test_an_owner_of_another_workspace_is_refused(cast):
    other = Person.objects.filter(workspace=cast.other).first()
    post = _post(cast.members["editor"])
    with pytest.raises(Invalid) as exc:
        postmortems.action_item_create(
            member=cast.members["editor"], postmortem_id=post.pk, title="X", owner_id=other.pk
        )
    assert exc.value.errors[0].field == "owner_id"
    assert not ActionItem.objects.exists()


# ---------------------------------------------------------------- pages (the demo workspace, built once)


@pytest.fixture(scope="module")
def lumen_once(django_db_setup, module_transaction):
    from accord.demo.loader import load_demo

    with module_transaction():
        yield load_demo()[0]


@pytest.fixture
def lumen(lumen_once, db):
    from accord.demo.loader import ADMIN_EMAIL

    admin = Membership.objects.select_related("workspace", "user").get(
        workspace__slug=lumen_once, user__email=ADMIN_EMAIL
    )
    client = Client()
    client.force_login(admin.user)
    return lumen_once, admin, client


def test_demo_has_two_playbooks_runs_on_two_versions_and_a_postmortem(lumen):
    _slug, admin, _ = lumen
    ws = admin.workspace
    assert sorted(ws.playbooks.values_list("name", "version")) == [
        ("Incident response", 1),
        ("Tier 1 launch", 2),
    ]
    runs = {r.title: r for r in selectors.runs(workspace=ws)}
    assert (
        runs["Dashboards 3.0 launch"].playbook_version.number == 1
        and runs["Dashboards 3.0 launch"].finished_at
    )
    half = runs["Incident response: EU customers cannot sign in"]
    assert 0 < half.step_done < half.step_total
    post = ws.postmortems.get()
    items = list(post.action_items.all())
    assert sum(1 for a in items if a.idea_id) == 1 and len(items) == 4


def test_pages_render(lumen):
    slug, admin, client = lumen
    ws = admin.workspace
    pb = ws.playbooks.get(name="Tier 1 launch")
    run = ws.playbook_runs.get(title="Reporting 2.0 launch")
    post = ws.postmortems.get()
    pages = {
        f"/w/{slug}/playbooks": ["Tier 1 launch", "Runs in progress"],
        f"/w/{slug}/playbooks/{pb.pk}": ["Version 2", "Dashboards 3.0 launch", "Start a run"],
        f"/w/{slug}/playbooks/{pb.pk}/diff": ["Watch the dashboards on launch day", "Added"],
        f"/w/{slug}/playbooks/{pb.pk}/edit": ["Save as a new version"],
        f"/w/{slug}/playbooks/new": ["Create playbook"],
        f"/w/{slug}/playbooks/runs/{run.pk}": ["Reporting 2.0 launch", "Checklist"],
        f"/w/{slug}/postmortems": ["EU sign-in outage"],
        f"/w/{slug}/postmortems/new": ["Blameless"],
        f"/w/{slug}/postmortems/{post.pk}": ["Timeline", "Make it an idea", "Contributing factors"],
    }
    for url, texts in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for text in texts:
            assert text.lower() in body.lower(), (url, text)
    home = client.get(f"/w/{slug}/").content.decode()
    assert (
        "Your overdue action items" in home
        and "Add a marketing step to the incident playbook" in home
    )
    idea = Idea.objects.get(postmortem_actions__postmortem=post)
    assert "From a post-mortem" in client.get(f"/w/{slug}/ideas/{idea.pk}").content.decode()


def test_start_a_run_in_one_click_and_check_a_step_on_the_page(lumen):
    slug, admin, client = lumen
    pb = admin.workspace.playbooks.get(name="Incident response")
    response = client.post(f"/w/{slug}/playbooks/{pb.pk}/start")
    run = PlaybookRun.objects.filter(playbook=pb).order_by("-pk").first()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/playbooks/runs/{run.pk}"
    )
    step = run.steps.first()
    client.post(f"/w/{slug}/playbooks/runs/{run.pk}/steps/{step.pk}", {"done": "1"})
    step.refresh_from_db()
    assert step.done_at is not None
    assert "1 of" in client.get(f"/w/{slug}/playbooks/runs/{run.pk}").content.decode()


def test_the_playbook_form_shows_the_unknown_role_naming_the_step(lumen):
    slug, admin, client = lumen
    response = client.post(
        f"/w/{slug}/playbooks/new",
        {"name": "Webinar", "kind": "campaign", "step_title": ["Book a speaker", "Sign off"], "step_role": ["marketing", "legal"],
         "step_owner_title": ["", ""], "step_minutes": ["60", "30"], "step_required": ["required", "required"], "step_condition": ["", ""]},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Step 2 “Sign off”: no owner role “legal”" in response.content.decode()
    assert not admin.workspace.playbooks.filter(name="Webinar").exists()
