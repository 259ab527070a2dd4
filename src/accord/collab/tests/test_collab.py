"""Comments, mentions and watching on discussable objects: services, history, notification
recipients, the comment section on the pages, the API."""

import pytest

from accord.audit import history
from accord.audit.models import AuditEntry
from accord.collab import mentions, selectors, services
from accord.collab.models import Comment, Watch
from accord.collab.recipients import mentioned, watchers
from accord.collab.registry import DISCUSSABLE
from accord.core.errors import Forbidden, Invalid, NotFound

pytestmark = pytest.mark.django_db


def _idea(member, title="Dark mode"):
    from accord.ideas.services import idea_create

    return idea_create(member=member, title=title)


def _mention(member) -> str:
    return mentions.markup(member.user.display_name, member.user_id)


def test_every_discussed_type_is_registered_under_its_audit_type():
    assert {"idea", "roadmap item", "feedback", "goal", "key result", "initiative", "launch", "change",
            "post-mortem"} <= set(DISCUSSABLE)  # fmt: skip
    for key in DISCUSSABLE:
        assert key in history.TYPES  # the comment sentences joined the app's own history type


def test_comment_with_a_mention_is_stored_audited_and_told(cast):
    admin, viewer = cast.members["admin"], cast.members["viewer"]
    idea = _idea(admin)
    comment = services.comment_add(
        member=cast.members["contributor"], kind="idea", object_id=idea.pk,
        body=f"Can we ship it in May, {_mention(viewer)}? <script>x()</script> **soon**",
    )  # fmt: skip
    assert comment.mentions == [viewer.user_id]
    entry = AuditEntry.objects.filter(
        object_type="idea", object_id=str(idea.pk), action="commented"
    ).get()
    assert entry.after["mentions"] == [viewer.user_id]
    assert entry.after["comment_id"] == comment.pk
    assert "@Viewer" in entry.after["excerpt"] and "user:" not in entry.after["excerpt"]
    assert entry.after["excerpt"].endswith(" soon")  # plain text: "**soon**" without its Markdown
    story = history.tell([entry])[0]
    assert story.text == "Contributor commented on idea Dark mode"
    assert any("Can we ship it in May, @Viewer?" in d.text for d in story.details)
    assert any(d.text == "Mentioned Viewer" for d in story.details)
    # the mentioned member and the commenter watch; the creator too (an audit listener)
    reasons = dict(
        Watch.objects.filter(object_type="idea", object_id=idea.pk).values_list("user_id", "reason")
    )
    assert reasons == {
        admin.user_id: "created",
        viewer.user_id: "mentioned",
        cast.members["contributor"].user_id: "manual",
    }
    # rendered: sanitised Markdown, the mention as a name
    html = selectors.thread(viewer, DISCUSSABLE["idea"], idea.pk).comments[0].html
    assert f'<span class="mention" data-user="{viewer.user_id}">@Viewer</span>' in html
    assert "<strong>soon</strong>" in html and "<script" not in html


def test_mentions_by_email_and_only_of_members(cast):
    admin = cast.members["admin"]
    idea = _idea(admin)
    c = services.comment_add(member=admin, kind="idea", object_id=idea.pk,
                             body=f"@editor@acme.test and @admin@other.test and @[Otto](user:{cast.outsider.user_id})")  # fmt: skip
    assert c.mentions == [cast.members["editor"].user_id]
    assert c.body.startswith(_mention(cast.members["editor"]))
    assert "@admin@other.test" in c.body  # not a member: left as typed
    assert not Watch.objects.filter(user_id=cast.outsider.user_id).exists()


def test_recipients_for_notifications(cast):
    from accord.workspaces.models import Person

    admin, viewer, editor = cast.members["admin"], cast.members["viewer"], cast.members["editor"]
    idea = _idea(admin)
    services.watch(member=editor, kind="idea", object_id=idea.pk)
    services.comment_add(
        member=admin, kind="idea", object_id=idea.pk, body=f"Hi {_mention(viewer)}"
    )
    entry = AuditEntry.objects.filter(action="commented").get()
    assert mentioned(entry) == {viewer.user_id: "mentioned"}
    assert watchers(entry) == {
        admin.user_id: "watching",
        editor.user_id: "watching",
        viewer.user_id: "watching",
    }
    # the people responsible for an object count as watchers, unless they stopped watching it
    from accord.goals.services import goal_create

    owner = Person.objects.create(workspace=cast.workspace, name="Viewer", user=viewer.user)
    goal = goal_create(
        member=admin, title="Grow", period_kind="quarter", period="2026-Q3", owner_id=owner.pk
    )
    created = AuditEntry.objects.filter(object_type="goal", action="created").get()
    assert watchers(created) == {admin.user_id: "watching", viewer.user_id: "responsible"}
    services.unwatch(member=viewer, kind="goal", object_id=goal.pk)
    assert watchers(created) == {admin.user_id: "watching"}
    # someone starting or stopping to watch is nobody else's news
    watched = AuditEntry.objects.filter(object_type="idea", action="watched").first()
    assert watched is not None and watchers(watched) == {}
    assert selectors.watch_state(viewer, DISCUSSABLE["goal"], goal.pk) == ""


def test_edit_delete_and_who_may(cast):
    admin, contributor, editor, viewer = (
        cast.members[r] for r in ("admin", "contributor", "editor", "viewer")
    )
    idea = _idea(admin)
    c = services.comment_add(member=contributor, kind="idea", object_id=idea.pk, body="First")
    with pytest.raises(Forbidden):
        services.comment_add(member=viewer, kind="idea", object_id=idea.pk, body="Viewers read")
    with pytest.raises(Forbidden):
        services.comment_edit(member=editor, comment_id=c.pk, body="Not mine")
    with pytest.raises(Forbidden):
        services.comment_delete(member=editor, comment_id=c.pk)
    with pytest.raises(Invalid) as empty:
        services.comment_add(member=contributor, kind="idea", object_id=idea.pk, body="   ")
    assert empty.value.errors[0].field == "body"
    with pytest.raises(Invalid):
        services.comment_add(member=contributor, kind="idea", object_id=idea.pk, body="x" * 20_001)
    edited = services.comment_edit(
        member=contributor, comment_id=c.pk, body=f"First, {_mention(editor)}"
    )
    assert edited.edited_at and edited.mentions == [editor.user_id]
    assert AuditEntry.objects.filter(action="comment_edited").get().after["mentions"] == [
        editor.user_id
    ]
    services.comment_delete(member=admin, comment_id=c.pk)  # admins moderate
    assert Comment.objects.get(pk=c.pk).deleted_at is not None
    assert selectors.thread(viewer, DISCUSSABLE["idea"], idea.pk).count == 0
    with pytest.raises(NotFound):
        services.comment_edit(member=contributor, comment_id=c.pk, body="gone")


def test_other_workspaces_and_unknown_kinds_are_404(cast):
    other_idea = _idea(cast.outsider, "Theirs")
    with pytest.raises(NotFound):
        services.comment_add(
            member=cast.members["admin"], kind="idea", object_id=other_idea.pk, body="Hi"
        )
    with pytest.raises(NotFound):
        services.watch(member=cast.members["admin"], kind="portal", object_id=1)
    mine = services.comment_add(
        member=cast.outsider, kind="idea", object_id=other_idea.pk, body="Mine"
    )
    with pytest.raises(NotFound):
        services.comment_delete(member=cast.members["admin"], comment_id=mine.pk)


def test_deleting_the_object_takes_its_comments(cast):
    from accord.ideas.models import Idea

    admin = cast.members["admin"]
    idea = _idea(admin)
    services.comment_add(member=admin, kind="idea", object_id=idea.pk, body="Bye")
    Idea.objects.filter(pk=idea.pk).delete()
    assert not Comment.objects.exists() and not Watch.objects.exists()


def test_thread_reads_in_constant_queries(
    cast, django_assert_num_queries, django_assert_max_num_queries
):
    admin = cast.members["admin"]
    idea = _idea(admin)
    entry = DISCUSSABLE["idea"]
    for i in range(2):
        services.comment_add(
            member=admin,
            kind="idea",
            object_id=idea.pk,
            body=f"{i} {_mention(cast.members['viewer'])}",
        )
    with django_assert_max_num_queries(5) as few:
        selectors.thread(admin, entry, idea.pk)
    for i in range(6):
        services.comment_add(member=cast.members["editor"], kind="idea", object_id=idea.pk,
                             body=f"{i} {_mention(cast.members['contributor'])} {_mention(admin)}")  # fmt: skip
    with django_assert_num_queries(len(few.captured_queries)):
        assert selectors.thread(admin, entry, idea.pk).count == 8
    entry = AuditEntry.objects.filter(action="commented").first()
    with django_assert_num_queries(2):
        assert len(watchers(entry)) == 4


def test_people_to_mention(cast):
    admin = cast.members["admin"]
    found = selectors.mentionable(admin, DISCUSSABLE["idea"], "edi")
    assert [p["name"] for p in found] == ["Editor"]
    assert (
        len(selectors.mentionable(admin, DISCUSSABLE["idea"], "")) == 4
    )  # the members of acme only


# ---------------------------------------------------------------- pages


def test_comment_section_on_pages_and_htmx_posts(cast, client):
    admin = cast.members["admin"]
    idea = _idea(admin)
    client.force_login(admin.user)
    page = client.get(f"/w/acme/ideas/{idea.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        f'id="discussion-idea-{idea.pk}"' in html
        and "Add a comment" in html
        and 'data-testid="unwatch"' in html
    )
    assert "Context:" not in html  # the template's own comment stays out of the page
    url = f"/w/acme/discuss/idea/{idea.pk}/comments"
    r = client.post(
        url, {"body": f"Looks good {_mention(cast.members['editor'])}"}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert (
        '<span class="mention"' in body
        and "@Editor" in body
        and 'data-testid="comment-count" aria-label="1 comment"' in body
    )
    r = client.post(url, {"body": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "Body is required." in r.content.decode()
    r = client.post(url, {"body": "Plain post"})
    assert r.status_code == 302 and r["Location"].endswith(
        f"/ideas/{idea.pk}#discussion-idea-{idea.pk}"
    )
    people = client.get(f"/w/acme/discuss/idea/{idea.pk}/people", {"q": "vie"}).json()
    assert people == {
        "people": [
            {"id": cast.members["viewer"].user_id, "name": "Viewer", "email": "viewer@acme.test"}
        ]
    }
    r = client.post(f"/w/acme/discuss/idea/{idea.pk}/watch", {"watch": "0"}, HTTP_HX_REQUEST="true")
    assert 'data-testid="watch"' in r.content.decode()
    assert client.get("/w/acme/watching").status_code == 200
    assert client.get(f"/w/acme/discuss/idea/{_idea(cast.outsider).pk}").status_code == 404


@pytest.mark.parametrize(
    "kind", ["roadmap item", "goal", "feedback", "post-mortem", "launch", "change", "initiative"]
)
def test_every_detail_page_shows_the_section(cast, client, kind):
    from tests.api import test_authorization as t

    make = {"roadmap item": t._rm_item, "goal": t._goal, "feedback": t._feedback, "post-mortem": t._postmortem,
            "launch": t._launch, "change": t._change, "initiative": t._initiative}[kind]  # fmt: skip
    obj = make(cast)
    entry = DISCUSSABLE[kind]
    services.comment_add(
        member=cast.members["admin"], kind=kind, object_id=obj.pk, body="On the page"
    )
    client.force_login(cast.members["viewer"].user)
    page = client.get(entry.url(obj))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="discussion-{entry.slug}-{obj.pk}"' in html and "On the page" in html
    assert "Add a comment" not in html  # viewers read


# ---------------------------------------------------------------- API


def test_api_round_trip(cast, api):
    admin, editor = cast.members["admin"], cast.members["editor"]
    idea = _idea(admin)
    base = f"/workspaces/acme/discussions/idea/{idea.pk}"
    r = api(cast.tokens["contributor"]).post(f"{base}/comments", {"body": "Hi @editor@acme.test"})
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["mentions"] == [{"user_id": editor.user_id, "name": "Editor"}]
    assert out["body"] == f"Hi {_mention(editor)}" and "@Editor" in out["html"]
    listed = api(cast.tokens["viewer"]).get(f"{base}/comments").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == out["id"]
    r = api(cast.tokens["contributor"]).patch(
        f"/workspaces/acme/discussion-comments/{out['id']}", {"body": "Edited"}
    )
    assert r.status_code == 200 and r.json()["edited_at"]
    assert api(cast.tokens["editor"]).get(f"{base}/watch").json() == {
        "watching": True,
        "reason": "mentioned",
    }
    assert api(cast.tokens["editor"]).delete(f"{base}/watch").status_code == 204
    assert api(cast.tokens["editor"]).get(f"{base}/watch").json() == {
        "watching": False,
        "reason": "",
    }
    assert api(cast.tokens["viewer"])._call("put", f"{base}/watch").json() == {
        "watching": True,
        "reason": "manual",
    }
    mine = api(cast.tokens["viewer"]).get("/workspaces/acme/watches").json()
    assert [(w["kind"], w["label"]) for w in mine["items"]] == [("idea", "Dark mode")]
    assert api(cast.tokens["viewer"]).get(f"{base}/people?q=ad").json()[0]["name"] == "Ada Admin"
    assert (
        api(cast.tokens["admin"])
        .get(f"/workspaces/acme/discussions/portal/{idea.pk}/comments")
        .status_code
        == 422
    )
    assert api(cast.tokens["admin"]).post(f"{base}/comments", {"body": ""}).status_code == 422
    assert (
        api(cast.tokens["contributor"])
        .delete(f"/workspaces/acme/discussion-comments/{out['id']}")
        .status_code
        == 204
    )


def test_demo_threads(cast):
    from tests.api import test_authorization as t

    from accord.collab import demo

    idea, launch = _idea(cast.members["admin"]), t._launch(cast)
    demo.load({"owner": cast.members["admin"], "workspace": cast.workspace})
    idea_thread = selectors.thread(cast.members["viewer"], DISCUSSABLE["idea"], idea.pk)
    assert idea_thread.count == 3 and idea_thread.comments[0].mentioned == {
        cast.members["editor"].user_id: "Editor"
    }
    assert selectors.thread(cast.members["viewer"], DISCUSSABLE["launch"], launch.pk).count == 2


def test_key_result_drawer_shows_its_own_section(cast, client):
    from tests.api import test_authorization as t

    kr = t._kr(cast)
    services.comment_add(
        member=cast.members["admin"], kind="key result", object_id=kr.pk, body="Leads are late"
    )
    client.force_login(cast.members["editor"].user)
    from accord.core.overlays import DRAWER

    html = client.get(
        f"/w/acme/goals/key-results/{kr.pk}/drawer", HTTP_HX_REQUEST="true", HTTP_HX_TARGET=DRAWER
    ).content.decode()
    assert (
        f'id="discussion-key-result-{kr.pk}"' in html
        and "Leads are late" in html
        and "Add a comment" in html
    )
    page = client.get(f"/w/acme/goals/{kr.goal_id}").content.decode()
    assert f'id="discussion-goal-{kr.goal_id}"' in page and "Leads are late" not in page
