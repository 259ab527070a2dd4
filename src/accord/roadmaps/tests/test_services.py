"""Roadmaps through the services: item rules, containers, dependencies, portfolios, history, sharing."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accord.audit.models import AuditEntry
from accord.core.errors import Conflict, Forbidden, Invalid, NotFound, StaleVersion
from accord.core.tokens import hash_token
from accord.ideas import services as idea_services
from accord.ideas.models import Decision, IdeaStatus
from accord.roadmaps import selectors, services
from accord.roadmaps.models import ItemSnapshot, RoadmapItem, ShareLink

D = date(2030, 1, 1)


def day(n: int) -> date:
    return D + timedelta(days=n)


@pytest.fixture
def editor(cast):
    return cast.members["editor"]


@pytest.fixture
def roadmap(editor):
    return services.roadmap_create(member=editor, name="Product", lanes=["Build", "Ship"])


@pytest.fixture
def make_item(editor, roadmap):
    def make(title="Bar", start=0, end=10, **fields):
        if start is not None:
            fields.setdefault("start_date", day(start))
        if end is not None:
            fields.setdefault("end_date", day(end))
        return services.item_create(
            member=editor, roadmap_id=fields.pop("roadmap_id", roadmap.pk), title=title, **fields
        )

    return make


def field_of(err) -> str:
    return err.value.errors[0].field


# ---------------------------------------------------------------- roadmaps and lanes


def test_a_roadmap_gets_its_lanes_in_order_and_is_audited(editor, roadmap):
    assert [lane.name for lane in roadmap.lanes.all()] == ["Build", "Ship"]
    assert AuditEntry.objects.filter(object_type="roadmap", action="created").exists()
    lane = services.lane_create(member=editor, roadmap_id=roadmap.pk, name="Launch")
    assert lane.position > roadmap.lanes.get(name="Ship").position


def test_viewers_and_contributors_cannot_change_roadmaps(cast, roadmap):
    for role in ("viewer", "contributor"):
        with pytest.raises(Forbidden):
            services.roadmap_create(member=cast.members[role], name="Mine")
        with pytest.raises(Forbidden):
            services.item_create(
                member=cast.members[role], roadmap_id=roadmap.pk, title="X", bucket="now"
            )


def test_a_duplicate_lane_name_names_the_lane_field(editor):
    with pytest.raises(Invalid) as err:
        services.roadmap_create(member=editor, name="Dup", lanes=["A", "a"])
    assert field_of(err) == "lanes.1"


def test_only_a_portfolio_includes_roadmaps_and_never_itself(editor, roadmap):
    with pytest.raises(Invalid) as err:
        services.roadmap_create(
            member=editor, name="Not one", kind="marketing", includes=[roadmap.pk]
        )
    assert field_of(err) == "includes"
    portfolio = services.roadmap_create(
        member=editor, name="All", kind="portfolio", includes=[roadmap.pk]
    )
    with pytest.raises(Invalid):
        services.roadmap_update(
            member=editor,
            roadmap_id=portfolio.pk,
            version=portfolio.version,
            includes=[portfolio.pk],
        )


# ---------------------------------------------------------------- items: dated or in a bucket


def test_a_dated_item_has_no_bucket_and_an_undated_one_needs_a_bucket(editor, roadmap, make_item):
    dated = make_item(bucket="later")
    assert (dated.start_date, dated.end_date, dated.bucket) == (day(0), day(10), "")
    assert dated.is_dated
    undated = make_item("Later", start=None, end=None, bucket="later")
    assert (undated.start_date, undated.bucket) == (None, "later")
    with pytest.raises(Invalid) as err:
        make_item("Nowhere", start=None, end=None)
    assert field_of(err) == "bucket"
    with pytest.raises(Invalid) as err:
        make_item("Half", end=None)
    assert field_of(err) == "end_date"
    with pytest.raises(Invalid) as err:
        make_item("Odd", start=None, end=None, bucket="someday")
    assert field_of(err) == "bucket"


def test_an_end_before_the_start_is_a_field_error(editor, make_item):
    with pytest.raises(Invalid) as err:
        make_item(start=10, end=9)
    assert field_of(err) == "end_date"
    item = make_item()
    with pytest.raises(Invalid) as err:
        services.item_move(
            member=editor, item_id=item.pk, version=item.version, start_date=day(5), end_date=day(1)
        )
    assert field_of(err) == "end_date"
    item.refresh_from_db()
    assert (item.start_date, item.version) == (day(0), 1)


def test_undating_puts_an_item_in_a_bucket_and_dating_takes_it_out(editor, make_item):
    item = make_item()
    item = services.item_update(
        member=editor, item_id=item.pk, version=item.version, undate=True, bucket="now"
    )
    assert (item.start_date, item.end_date, item.bucket) == (None, None, "now")
    item = services.item_update(
        member=editor, item_id=item.pk, version=item.version, start_date=day(1), end_date=day(2)
    )
    assert (item.start_date, item.bucket) == (day(1), "")


def test_a_lane_of_another_roadmap_is_refused(editor, roadmap, make_item):
    other = services.roadmap_create(member=editor, name="Marketing", lanes=["Campaigns"])
    foreign_lane = other.lanes.get()
    with pytest.raises(Invalid) as err:
        make_item(lane_id=foreign_lane.pk)
    assert field_of(err) == "lane_id"
    item = make_item(lane_id=roadmap.lanes.first().pk)
    with pytest.raises(Invalid):
        services.item_update(
            member=editor, item_id=item.pk, version=item.version, lane_id=foreign_lane.pk
        )
    item.refresh_from_db()
    assert item.lane == roadmap.lanes.first()


def test_a_lane_of_another_workspace_is_refused(cast, make_item):
    outsider_map = services.roadmap_create(member=cast.outsider, name="Theirs", lanes=["X"])
    with pytest.raises(Invalid):
        make_item(lane_id=outsider_map.lanes.get().pk)


def test_containers_cannot_contain_themselves(editor, make_item):
    program = make_item("Program")
    project = make_item("Project", parent_id=program.pk)
    task = make_item("Task", parent_id=project.pk)
    assert task.parent == project
    for parent in (program, task):  # itself, or its own descendant
        fresh = RoadmapItem.objects.get(pk=program.pk)
        with pytest.raises(Invalid) as err:
            services.item_update(
                member=editor, item_id=program.pk, version=fresh.version, parent_id=parent.pk
            )
        assert field_of(err) == "parent_id"
    program.refresh_from_db()
    assert program.parent is None


def test_a_container_must_be_on_the_same_roadmap(editor, make_item):
    other = services.roadmap_create(member=editor, name="Other")
    elsewhere = make_item("Elsewhere", roadmap_id=other.pk)
    with pytest.raises(Invalid) as err:
        make_item(parent_id=elsewhere.pk)
    assert field_of(err) == "parent_id"


def test_a_stale_move_gets_409_and_the_first_move_stays(editor, make_item):
    item = make_item()
    first = services.item_move(
        member=editor, item_id=item.pk, version=1, start_date=day(3), end_date=day(13)
    )
    assert first.version == 2
    with pytest.raises(StaleVersion) as err:
        services.item_move(
            member=editor, item_id=item.pk, version=1, start_date=day(30), end_date=day(40)
        )
    assert err.value.status == 409
    assert err.value.current_version == 2
    assert "2" in err.value.errors[0].message
    item.refresh_from_db()
    assert (item.start_date, item.end_date, item.version) == (day(3), day(13), 2)


def test_every_change_writes_a_snapshot_and_an_audit_entry(editor, make_item):
    item = make_item()
    services.item_move(
        member=editor, item_id=item.pk, version=1, start_date=day(1), end_date=day(11)
    )
    services.item_delete(member=editor, item_id=item.pk)
    snaps = list(ItemSnapshot.objects.filter(item_id=item.pk).order_by("id"))
    assert [s.removed for s in snaps] == [False, False, True]
    assert snaps[1].data["start_date"] == day(1).isoformat()
    actions = AuditEntry.objects.filter(object_type="roadmap item", object_id=str(item.pk))
    assert sorted(actions.values_list("action", flat=True)) == ["created", "deleted", "updated"]


# ---------------------------------------------------------------- dependencies


def test_a_dependency_cycle_is_refused(editor, make_item):
    a, b, c = make_item("A"), make_item("B"), make_item("C")
    services.dependency_create(member=editor, predecessor_id=a.pk, successor_id=b.pk)
    services.dependency_create(member=editor, predecessor_id=b.pk, successor_id=c.pk)
    with pytest.raises(Invalid) as err:
        services.dependency_create(member=editor, predecessor_id=c.pk, successor_id=a.pk)
    assert field_of(err) == "successor_id"
    with pytest.raises(Invalid):
        services.dependency_create(member=editor, predecessor_id=a.pk, successor_id=a.pk)
    with pytest.raises(Invalid):  # the same pair twice
        services.dependency_create(member=editor, predecessor_id=a.pk, successor_id=b.pk)


def test_an_item_of_another_workspace_cannot_be_a_predecessor(cast, editor, make_item):
    theirs = services.roadmap_create(member=cast.outsider, name="Theirs")
    foreign = services.item_create(
        member=cast.outsider, roadmap_id=theirs.pk, title="F", bucket="now"
    )
    with pytest.raises(Invalid) as err:
        services.dependency_create(
            member=editor, predecessor_id=foreign.pk, successor_id=make_item().pk
        )
    assert field_of(err) == "predecessor_id"


def test_finish_to_start_and_start_to_start_violations_block_the_successor(cast, editor, make_item):
    today = day(100)
    release = make_item("Release", start=0, end=20)
    launch_early = make_item("Launch early", start=20, end=30)  # starts the day the release ends
    launch_ok = make_item("Launch ok", start=21, end=30)
    docs = make_item("Docs", start=-1, end=5)  # starts before the release starts
    notes = make_item("Notes", start=0, end=5)
    fs_bad = services.dependency_create(
        member=editor, predecessor_id=release.pk, successor_id=launch_early.pk
    )
    fs_ok = services.dependency_create(
        member=editor, predecessor_id=release.pk, successor_id=launch_ok.pk
    )
    ss_bad = services.dependency_create(
        member=editor, predecessor_id=release.pk, successor_id=docs.pk, kind="start_to_start"
    )
    ss_ok = services.dependency_create(
        member=editor, predecessor_id=release.pk, successor_id=notes.pk, kind="start_to_start"
    )
    state = selectors.dependency_state(workspace=cast.workspace, today=day(1))
    assert state.violated == {fs_bad.pk, ss_bad.pk}
    assert fs_ok.pk not in state.violated and ss_ok.pk not in state.violated
    assert state.blocked == {launch_early.pk, docs.pk}
    # Later, the release is late (past its end, not done): everything waiting for it is blocked.
    late = selectors.dependency_state(workspace=cast.workspace, today=today)
    assert release.pk in late.late
    assert late.blocked == {launch_early.pk, launch_ok.pk, docs.pk, notes.pk}
    services.item_update(member=editor, item_id=release.pk, version=release.version, status="done")
    done = selectors.dependency_state(workspace=cast.workspace, today=today)
    assert release.pk not in done.late
    assert done.blocked == {launch_early.pk, docs.pk}  # dates still conflict


def test_a_dependency_across_roadmaps_shows_on_both_timelines(editor, roadmap, make_item):
    marketing = services.roadmap_create(member=editor, name="Marketing")
    release = make_item("Release", start=0, end=20)
    campaign = make_item("Campaign", start=10, end=30, roadmap_id=marketing.pk)
    dep = services.dependency_create(
        member=editor, predecessor_id=release.pk, successor_id=campaign.pk
    )
    for rm in (roadmap, marketing):
        data = selectors.timeline(
            roadmap=selectors.roadmap(workspace=rm.workspace, roadmap_id=rm.pk), today=day(0)
        )
        assert [d.pk for d in data["dependencies"].dependencies] == [dep.pk]
        assert data["dependencies"].violated == {dep.pk}
        assert data["dependencies"].blocked == {campaign.pk}


# ---------------------------------------------------------------- portfolios


def test_a_portfolio_shows_its_roadmaps_items_and_an_edit_there_is_the_same_object(
    editor, roadmap, make_item
):
    marketing = services.roadmap_create(member=editor, name="Marketing", lanes=["Campaigns"])
    bar = make_item("Release", lane_id=roadmap.lanes.first().pk)
    campaign = make_item("Campaign", roadmap_id=marketing.pk, lane_id=marketing.lanes.get().pk)
    portfolio = services.roadmap_create(
        member=editor, name="Company", kind="portfolio", includes=[roadmap.pk, marketing.pk]
    )
    portfolio = selectors.roadmap(workspace=portfolio.workspace, roadmap_id=portfolio.pk)
    data = selectors.timeline(roadmap=portfolio, today=day(0))
    assert {i.pk for i in data["items"]} == {bar.pk, campaign.pk}
    assert {r.name for r in data["lanes"]} >= {"Product · Build", "Marketing · Campaigns"}
    # Moving the bar seen on the portfolio moves the product roadmap's bar: there is only one.
    shown = next(i for i in data["items"] if i.pk == bar.pk)
    services.item_move(
        member=editor, item_id=shown.pk, version=shown.version, start_date=day(7), end_date=day(17)
    )
    assert RoadmapItem.objects.filter(pk=bar.pk).count() == 1
    product = selectors.timeline(
        roadmap=selectors.roadmap(workspace=roadmap.workspace, roadmap_id=roadmap.pk)
    )
    assert next(i for i in product["items"] if i.pk == bar.pk).start_date == day(7)
    assert RoadmapItem.objects.count() == 2


def test_milestones_of_a_roadmap_include_the_shared_ones(editor, roadmap):
    other = services.roadmap_create(member=editor, name="Other")
    own = services.milestone_create(member=editor, name="GA", date_=day(5), roadmap_id=roadmap.pk)
    shared = services.milestone_create(member=editor, name="Board", date_=day(9))
    services.milestone_create(member=editor, name="Elsewhere", date_=day(7), roadmap_id=other.pk)
    assert list(selectors.milestones(roadmap=roadmap)) == [own, shared]
    with pytest.raises(StaleVersion):
        services.milestone_update(member=editor, milestone_id=own.pk, version=7, name="Late")


# ---------------------------------------------------------------- ideas onto the roadmap


def test_item_from_idea_promotes_the_idea_and_links_it(cast, editor, roadmap):
    team = cast.workspace.teams.create(name="Growth")
    idea = idea_services.idea_create(
        member=cast.members["contributor"],
        title="Dark mode",
        description="At night",
        tags=["ui"],
        department_id=team.pk,
    )
    item = services.item_from_idea(
        member=editor,
        roadmap_id=roadmap.pk,
        idea_id=idea.pk,
        reason="Top of the ranking",
        lane_id=roadmap.lanes.first().pk,
    )
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PLANNED
    decision = Decision.objects.get(idea=idea)
    assert (decision.kind, decision.reason, decision.decided_by) == (
        "promote",
        "Top of the ranking",
        editor.user,
    )
    assert (item.idea_id, item.title, item.description) == (idea.pk, "Dark mode", "At night")
    assert (item.bucket, item.start_date) == ("next", None)  # undated: the next bucket by default
    assert [t.name for t in item.tags.all()] == ["ui"]
    assert item.team_id == team.pk
    # A planned idea is not decided twice.
    services.item_from_idea(
        member=editor,
        roadmap_id=roadmap.pk,
        idea_id=idea.pk,
        reason="",
        start_date=day(0),
        end_date=day(3),
    )
    assert Decision.objects.filter(idea=idea).count() == 1


def test_item_from_idea_refuses_ideas_of_other_workspaces_and_rolls_back(cast, editor, roadmap):
    foreign = idea_services.idea_create(member=cast.outsider, title="Theirs")
    with pytest.raises(Invalid) as err:
        services.item_from_idea(
            member=editor, roadmap_id=roadmap.pk, idea_id=foreign.pk, reason="x"
        )
    assert field_of(err) == "idea_id"
    mine = idea_services.idea_create(member=editor, title="Mine")
    with pytest.raises(Invalid):  # the bar is invalid: the promotion is undone too
        services.item_from_idea(
            member=editor,
            roadmap_id=roadmap.pk,
            idea_id=mine.pk,
            reason="x",
            start_date=day(5),
            end_date=day(1),
        )
    mine.refresh_from_db()
    assert mine.status != IdeaStatus.PLANNED
    assert not Decision.objects.filter(idea=mine).exists()


# ---------------------------------------------------------------- share links and calendar feeds


def test_share_link_tokens_are_stored_hashed_and_resolve(editor, roadmap):
    link, raw = services.share_link_create(
        member=editor, name="Lobby", views=[{"roadmap": roadmap.pk}]
    )
    assert raw.startswith("shr_") and len(raw) > 40
    stored = ShareLink.objects.get(pk=link.pk)
    assert stored.token_hash == hash_token(raw) and raw not in stored.token_hash
    assert stored.views == [{"roadmap": roadmap.pk, "view": "timeline", "filters": {}}]
    assert services.share_link_resolve(raw) == link
    with pytest.raises(NotFound):
        services.share_link_resolve(raw + "x")


def test_share_links_are_revocable(editor, roadmap):
    link, raw = services.share_link_create(
        member=editor, name="Lobby", views=[{"roadmap": roadmap.pk}]
    )
    services.share_link_revoke(member=editor, link_id=link.pk)
    with pytest.raises(NotFound):
        services.share_link_resolve(raw)
    with pytest.raises(Conflict):
        services.share_link_revoke(member=editor, link_id=link.pk)


def test_share_links_expire(editor, roadmap):
    with pytest.raises(Invalid) as err:
        services.share_link_create(
            member=editor,
            name="Past",
            views=[{"roadmap": roadmap.pk}],
            expires_at=timezone.now() - timedelta(minutes=1),
        )
    assert field_of(err) == "expires_at"
    link, raw = services.share_link_create(
        member=editor,
        name="Soon",
        views=[{"roadmap": roadmap.pk}],
        expires_at=timezone.now() + timedelta(hours=1),
    )
    assert services.share_link_resolve(raw) == link
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(NotFound):
        services.share_link_resolve(raw)


def test_a_share_link_password_is_hashed_and_required(editor, roadmap):
    with pytest.raises(Invalid) as err:
        services.share_link_create(
            member=editor, name="Weak", views=[{"roadmap": roadmap.pk}], password="short"
        )
    assert field_of(err) == "password"
    link, raw = services.share_link_create(
        member=editor, name="Board", views=[{"roadmap": roadmap.pk}], password="board-only-2030"
    )
    stored = ShareLink.objects.get(pk=link.pk)
    assert stored.password_hash and "board-only-2030" not in stored.password_hash
    with pytest.raises(PermissionError):
        services.share_link_resolve(raw)
    with pytest.raises(PermissionError):
        services.share_link_resolve(raw, "wrong-password")
    assert services.share_link_resolve(raw, "board-only-2030") == link


def test_share_link_views_must_be_of_this_workspace(cast, editor, roadmap):
    theirs = services.roadmap_create(member=cast.outsider, name="Theirs")
    with pytest.raises(Invalid) as err:
        services.share_link_create(
            member=editor, name="Sneaky", views=[{"roadmap": roadmap.pk}, {"roadmap": theirs.pk}]
        )
    assert field_of(err) == "views.1.roadmap"
    with pytest.raises(Invalid) as err:
        services.share_link_create(
            member=editor, name="Kiosk", views=[{"roadmap": roadmap.pk}], rotate_seconds=3
        )
    assert field_of(err) == "rotate_seconds"
    with pytest.raises(Forbidden):
        services.share_link_create(
            member=cast.members["contributor"], name="No", views=[{"roadmap": roadmap.pk}]
        )


def test_calendar_feeds_are_hashed_and_revocable(editor, roadmap):
    feed, raw = services.calendar_feed_create(member=editor, roadmap_id=roadmap.pk)
    assert feed.token_hash == hash_token(raw)
    assert services.calendar_feed_resolve(raw) == feed
    services.calendar_feed_revoke(member=editor, feed_id=feed.pk)
    with pytest.raises(NotFound):
        services.calendar_feed_resolve(raw)


# ---------------------------------------------------------------- history


def _age_snapshots(days: int) -> None:
    ItemSnapshot.objects.update(at=timezone.now() - timedelta(days=days))


def test_diff_reports_moved_days_and_rescoped_durations(editor, roadmap, make_item):
    slips = make_item("Release", start=0, end=9)  # 10 days
    grows = make_item("Docs", start=0, end=4)  # 5 days
    stays = make_item("Stays", start=0, end=3)
    dropped = make_item("Dropped", start=0, end=3)
    to_later = make_item("To later", start=0, end=3)
    _age_snapshots(7)
    monday = timezone.now() - timedelta(days=3)
    services.item_move(
        member=editor, item_id=slips.pk, version=1, start_date=day(14), end_date=day(23)
    )
    services.item_move(
        member=editor, item_id=grows.pk, version=1, start_date=day(0), end_date=day(9)
    )
    services.item_update(
        member=editor, item_id=stays.pk, version=1, title="Stays put", status="at_risk"
    )
    services.item_update(member=editor, item_id=to_later.pk, version=1, undate=True, bucket="later")
    services.item_delete(member=editor, item_id=dropped.pk)
    added = make_item("New", start=None, end=None, bucket="now")

    result = selectors.diff(roadmap=roadmap, since=monday)
    assert [r["id"] for r in result["added"]] == [added.pk]
    assert [r["id"] for r in result["removed"]] == [dropped.pk]
    assert [(r["id"], r["days"]) for r in result["moved"]] == [(slips.pk, 14)]
    rescoped = {r["id"]: (r["duration_before"], r["duration_after"]) for r in result["rescoped"]}
    assert rescoped == {grows.pk: (5, 10), to_later.pk: (None, None)}
    changed = {r["id"]: r["fields"] for r in result["changed"]}
    assert changed == {stays.pk: ["status", "title"]}
    # Before anything changed, there is nothing to report.
    quiet = selectors.diff(roadmap=roadmap, since=timezone.now() - timedelta(days=6), until=monday)
    assert not any(quiet[k] for k in ("added", "removed", "moved", "rescoped", "changed"))
    with pytest.raises(Invalid) as err:
        selectors.diff(roadmap=roadmap, since=timezone.now(), until=monday)
    assert field_of(err) == "since"


def test_diff_shows_an_item_moved_to_another_roadmap_as_removed_there(editor, roadmap, make_item):
    marketing = services.roadmap_create(member=editor, name="Marketing")
    item = make_item("Wanders")
    _age_snapshots(7)
    since = timezone.now() - timedelta(days=1)
    services.item_update(member=editor, item_id=item.pk, version=1, roadmap_id=marketing.pk)
    assert [r["id"] for r in selectors.diff(roadmap=roadmap, since=since)["removed"]] == [item.pk]
    assert [r["id"] for r in selectors.diff(roadmap=marketing, since=since)["added"]] == [item.pk]
