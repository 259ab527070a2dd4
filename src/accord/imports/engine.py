"""What every import shares: the records a source file becomes, the status mapping, and writing them.

A source parser (sources/) turns a file into a `Plan`: one `Record` per issue, card, row, epic or
milestone, each with the external key it has in its tool ("PROJ-12", a Trello card id,
"owner/repo#12") and the status it has there. `apply` writes a plan through the owning apps'
services (so each object gets its own audit entry and history), one savepoint per record, and
returns a `Report` with one line per record: created, updated, skipped (with the reason) or refused
(with the field). Idempotent: an Origin row remembers each imported object, so a re-run updates
what changed and skips the rest; nothing is created twice.

Targets: ideas, roadmap items (epics become containers: items with the epic's children inside),
feedback (GitHub issues). Milestones (GitHub) become roadmap milestones.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.core.errors import Invalid, ServiceError
from accord.feedback import services as feedback_services
from accord.feedback.models import Feedback, FeedbackStatus, Source
from accord.ideas import services as idea_services
from accord.ideas.models import Idea, IdeaStatus
from accord.roadmaps import services as roadmap_services
from accord.roadmaps.models import ItemStatus, Lane, Milestone, Roadmap, RoadmapItem
from accord.roadmaps.services.common import get_roadmap, referenced
from accord.workspaces.models import Membership

from .models import ImportTarget, Origin

NO_STATUS = "(no status)"
MAX_TAGS = 30

# The statuses each target offers in the mapping (merged and scored follow from other actions).
STATUSES = {
    ImportTarget.IDEA: [
        (s.value, s.label) for s in IdeaStatus if s not in (IdeaStatus.SCORED, IdeaStatus.MERGED)
    ],
    ImportTarget.ITEM: list(ItemStatus.choices),
    ImportTarget.FEEDBACK: [
        (s.value, s.label) for s in FeedbackStatus if s != FeedbackStatus.LINKED
    ],
}
# The status a source status most likely means, by kind of status: todo, doing, blocked, parked, done, dropped.
_MEANINGS = {
    "todo": {
        "to do",
        "todo",
        "open",
        "backlog",
        "new",
        "ideas",
        "idea",
        "reopened",
        "triage",
        "selected for development",
        "ready",
    },
    "doing": {
        "in progress",
        "doing",
        "in review",
        "review",
        "code review",
        "in development",
        "development",
        "testing",
        "qa",
        "in qa",
        "wip",
        "started",
    },
    "blocked": {"blocked", "at risk", "impeded", "on hold (blocked)"},
    "parked": {"parked", "on hold", "icebox", "someday", "later"},
    "done": {
        "done",
        "closed",
        "resolved",
        "complete",
        "completed",
        "shipped",
        "released",
        "fixed",
        "closed (completed)",
    },
    "dropped": {
        "won't do",
        "wont do",
        "won't fix",
        "wontfix",
        "cancelled",
        "canceled",
        "rejected",
        "declined",
        "duplicate",
        "not planned",
        "closed (not planned)",
        "invalid",
    },
}
_TARGET_STATUS = {
    ImportTarget.IDEA: {
        "todo": "new",
        "doing": "planned",
        "blocked": "planned",
        "parked": "parked",
        "done": "done",
        "dropped": "rejected",
    },
    ImportTarget.ITEM: {
        "todo": "planned",
        "doing": "in_progress",
        "blocked": "at_risk",
        "parked": "planned",
        "done": "done",
        "dropped": "cancelled",
    },
    ImportTarget.FEEDBACK: {
        "todo": "new",
        "doing": "reviewed",
        "blocked": "reviewed",
        "parked": "reviewed",
        "done": "reviewed",
        "dropped": "archived",
    },
}
_CATEGORY = {"new": "todo", "indeterminate": "doing", "done": "done"}  # Jira's status categories


@dataclass
class Record:
    key: str  # the object's key in its tool
    row: int  # as the user finds it: the CSV row (header = 1), or the position in the file (from 1)
    title: str
    description: str = ""
    status: str = ""  # the source's status name, mapped by the status mapping
    tags: list[str] = field(default_factory=list)
    kind: str = "issue"  # issue, epic (a container) or milestone
    parent: str = ""  # the key of its epic (container)
    lane: str = ""  # a Trello list, a CSV lane column
    start_date: date | None = None
    end_date: date | None = None
    received_at: datetime | None = None
    percent_done: int | None = None
    skip: str = ""  # why it is not imported (a pull request, an archived card)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message): refused


@dataclass
class Plan:
    source: str
    name: str  # the project, board or repository: the name of a new roadmap
    key: str  # its key (the roadmap's origin)
    records: list[Record]
    categories: dict[str, str] = field(default_factory=dict)  # status -> Jira status category
    notes: list[str] = field(default_factory=list)  # how the source maps, shown with the preview


@dataclass
class Line:
    row: int
    key: str
    title: str
    action: str  # created, updated, skipped, refused
    reason: str = ""
    field: str = ""
    object_type: str = ""
    object_id: int | None = None


@dataclass
class Report:
    source: str
    target: str
    dry_run: bool
    lines: list[Line] = field(default_factory=list)
    status_map: dict[str, str] = field(default_factory=dict)
    status_counts: dict[str, int] = field(default_factory=dict)
    roadmap: str = ""
    notes: list[str] = field(default_factory=list)
    run_id: int | None = None

    def count(self, action: str) -> int:
        return sum(1 for line in self.lines if line.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("created", "updated", "skipped", "refused")}

    @property
    def refused(self) -> list[Line]:
        return [line for line in self.lines if line.action == "refused"]


def guess_status(name: str, target: str, category: str = "") -> str:
    """The Accord status a source status most likely means (the user may change it)."""
    raw = " ".join(name.replace("_", " ").replace("-", " ").split()).lower()
    for value, label in STATUSES[target]:
        if raw in (value.replace("_", " "), str(label).lower()):
            return value
    meaning = next((m for m, names in _MEANINGS.items() if raw in names), None) or _CATEGORY.get(
        category, "todo"
    )
    return _TARGET_STATUS[target][meaning]


def status_mapping(
    plan: Plan, target: str, chosen: dict[str, str] | None
) -> tuple[dict[str, str], dict[str, int]]:
    """Every source status of the plan -> an Accord status (the chosen one, else the guess), and their counts."""
    counts: dict[str, int] = {}
    for record in plan.records:
        if record.kind != "milestone" and not record.skip:
            counts[record.status or NO_STATUS] = counts.get(record.status or NO_STATUS, 0) + 1
    allowed = dict(STATUSES[target])
    mapping = {}
    for name in counts:
        value = (chosen or {}).get(name) or guess_status(
            "" if name == NO_STATUS else name, target, plan.categories.get(name, "")
        )
        if value not in allowed:
            raise Invalid.field(
                "status_map", f"{name!r} maps to {value[:40]!r}: use one of {', '.join(allowed)}."
            )
        mapping[name] = value
    unknown = [name for name in (chosen or {}) if name not in counts]
    if unknown:
        raise Invalid.field("status_map", f"The file has no status {unknown[0][:60]!r}.")
    return mapping, counts


# ---------------------------------------------------------------- writing


class _Writer:
    """Writes one plan's records into one target; `lines` is the report."""

    def __init__(
        self,
        member: Membership,
        plan: Plan,
        target: str,
        statuses: dict[str, str],
        roadmap_id: int | None,
    ):
        self.member, self.plan, self.target, self.statuses = member, plan, target, statuses
        self.roadmap_id = roadmap_id
        self.roadmap: Roadmap | None = None
        self.roadmap_created = False
        self.lanes: dict[str, int] = {}
        self.ids: dict[str, int] = {}  # record key -> the object written for it
        self.epic_titles = {r.key: r.title for r in plan.records if r.kind == "epic"}
        self.origins = {
            (o.object_type, o.external_key): o
            for o in Origin.objects.filter(workspace_id=member.workspace_id, source=plan.source)
        }

    # -- origins

    def _origin_object(self, object_type: str, key: str, model):
        origin = self.origins.get((object_type, key))
        if origin is None:
            return None
        return model.objects.filter(
            pk=origin.object_id, workspace_id=self.member.workspace_id
        ).first()

    def _remember(self, object_type: str, key: str, obj) -> None:
        origin = self.origins.get((object_type, key))
        now = timezone.now()
        if origin is None:
            origin = Origin.objects.create(
                workspace_id=self.member.workspace_id, source=self.plan.source, external_key=key,
                object_type=object_type, object_id=obj.pk,
            )  # fmt: skip
            self.origins[(object_type, key)] = origin
        elif origin.object_id != obj.pk:
            origin.object_id, origin.updated_at = obj.pk, now
            origin.save(update_fields=["object_id", "updated_at"])

    # -- the roadmap of items and milestones

    def ensure_roadmap(self) -> Roadmap:
        if self.roadmap is not None:
            return self.roadmap
        if self.roadmap_id:
            self.roadmap = referenced(get_roadmap, self.member, self.roadmap_id, "roadmap_id")
        else:
            self.roadmap = self._origin_object("roadmap", self.plan.key, Roadmap)
            if self.roadmap is None:
                self.roadmap = roadmap_services.roadmap_create(
                    member=self.member, name=self._free_name()
                )
                self.roadmap_created = True
        self._remember("roadmap", self.plan.key, self.roadmap)
        self.lanes = {
            lane.name.lower(): lane.pk for lane in Lane.objects.filter(roadmap=self.roadmap)
        }
        return self.roadmap

    def _free_name(self) -> str:
        base = (self.plan.name or self.plan.source.capitalize())[:100]
        taken = {
            n.lower()
            for n in Roadmap.objects.filter(workspace_id=self.member.workspace_id).values_list(
                "name", flat=True
            )
        }
        name, n = base, 2
        while name.lower() in taken:
            name, n = f"{base} ({n})", n + 1
        return name

    def lane_id(self, name: str) -> int | None:
        if not name:
            return None
        key = " ".join(name.split())[:120].lower()
        if key not in self.lanes:
            lane = roadmap_services.lane_create(
                member=self.member, roadmap_id=self.ensure_roadmap().pk, name=name
            )
            self.lanes[key] = lane.pk
        return self.lanes[key]

    # -- records

    def write(self, record: Record) -> Line:
        line = Line(record.row, record.key, record.title, "skipped")
        if record.errors:
            line.action, line.field, line.reason = (
                "refused",
                record.errors[0][0],
                record.errors[0][1],
            )
            return line
        if record.skip:
            line.reason = record.skip
            return line
        if record.kind == "epic" and self.target != ImportTarget.ITEM:
            line.reason = f"An epic: its issues carry the tag “{self.epic_tag(record.key)}”."
            return line
        try:
            with transaction.atomic():
                if record.kind == "milestone":
                    return self._milestone(record, line)
                if self.target == ImportTarget.IDEA:
                    return self._idea(record, line)
                if self.target == ImportTarget.ITEM:
                    return self._item(record, line)
                return self._feedback(record, line)
        except ServiceError as exc:
            line.action, line.reason = "refused", exc.detail
            line.field = exc.errors[0].field if exc.errors else ""
            return line
        except IntegrityError:  # another import of the same objects committed first
            line.action, line.reason = (
                "refused",
                "Imported at the same moment by another import: run this one again.",
            )
            return line

    def epic_tag(self, key: str) -> str:
        return f"Epic: {self.epic_titles.get(key, key)}"[:60]

    def _tags(self, record: Record) -> list[str]:
        tags = list(record.tags)
        if record.parent in self.epic_titles and self.target != ImportTarget.ITEM:
            tags.append(self.epic_tag(record.parent))
        if len({t.lower() for t in tags}) > MAX_TAGS:
            raise Invalid.field("tags", f"At most {MAX_TAGS} labels per object.")
        return tags

    def _done(
        self, line: Line, action: str, obj, object_type: str, changed: list[str] | None = None
    ) -> Line:
        line.action, line.object_type, line.object_id = action, object_type, obj.pk
        if action == "skipped":
            line.reason = "Unchanged since the last import."
        elif action == "updated":
            line.reason = "Changed: " + ", ".join(changed or []) + "."
        self.ids[line.key] = obj.pk
        return line

    def _status(self, record: Record) -> str:
        return self.statuses[record.status or NO_STATUS]

    def _idea(self, record: Record, line: Line) -> Line:
        status, tags = self._status(record), self._tags(record)
        idea = self._origin_object("idea", record.key, Idea)
        if idea is None:
            idea = idea_services.idea_create(
                member=self.member, title=record.title, description=record.description, tags=tags
            )
            if status != idea.status:
                idea = idea_services.idea_update(
                    member=self.member, idea_id=idea.pk, version=idea.version, status=status
                )
            self._remember("idea", record.key, idea)
            return self._done(line, "created", idea, "idea")
        want = {
            "title": record.title,
            "description": record.description,
            "status": status,
            "tags": sorted({t.lower() for t in tags}),
        }
        have = {
            "title": idea.title,
            "description": idea.description,
            "status": idea.status,
            "tags": sorted(t.name.lower() for t in idea.tags.all()),
        }
        changed = [k for k in want if want[k] != have[k]]
        if not changed:
            return self._done(line, "skipped", idea, "idea")
        idea_services.idea_update(
            member=self.member, idea_id=idea.pk, version=idea.version, title=record.title,
            description=record.description, status=status, tags=tags,
        )  # fmt: skip
        return self._done(line, "updated", idea, "idea", changed)

    def _item_fields(self, record: Record) -> dict:
        status = self._status(record)
        start, end = record.start_date, record.end_date
        if end and not start:
            start = end  # a due date alone: a bar ending (and starting) on it
        if start and not end:
            end = start
        if start and end and end < start:
            raise Invalid.field("end_date", "The end date is before the start date.")
        bucket = "" if start else ("next" if status == ItemStatus.PLANNED else "now")
        parent_id = self.ids.get(record.parent) if record.parent else None
        return {
            "title": record.title, "description": record.description, "status": status, "start_date": start,
            "end_date": end, "bucket": bucket, "lane_id": self.lane_id(record.lane), "parent_id": parent_id,
            "percent_done": 100 if status == ItemStatus.DONE and record.percent_done is None else (record.percent_done or 0),
        }  # fmt: skip

    def _item(self, record: Record, line: Line) -> Line:
        roadmap = self.ensure_roadmap()
        fields, tags = self._item_fields(record), self._tags(record)
        item = self._origin_object("roadmapitem", record.key, RoadmapItem)
        if item is None:
            item = roadmap_services.item_create(
                member=self.member, roadmap_id=roadmap.pk, tags=tags, **fields
            )
            self._remember("roadmapitem", record.key, item)
            return self._done(line, "created", item, "roadmapitem")
        have = {
            "title": item.title, "description": item.description, "status": item.status, "start_date": item.start_date,
            "end_date": item.end_date, "bucket": item.bucket, "lane_id": item.lane_id, "parent_id": item.parent_id,
            "percent_done": item.percent_done,
        }  # fmt: skip
        changed = [k for k in fields if fields[k] != have[k]]
        if sorted({t.lower() for t in tags}) != sorted(t.name.lower() for t in item.tags.all()):
            changed.append("tags")
        if not changed:
            return self._done(line, "skipped", item, "roadmapitem")
        dates = (
            {"start_date": fields["start_date"], "end_date": fields["end_date"]}
            if fields["start_date"]
            else {"undate": True}
        )
        roadmap_services.item_update(
            member=self.member, item_id=item.pk, version=item.version, title=fields["title"],
            description=fields["description"], status=fields["status"], percent_done=fields["percent_done"],
            bucket=fields["bucket"], lane_id=fields["lane_id"], clear_lane=fields["lane_id"] is None,
            parent_id=fields["parent_id"], clear_parent=fields["parent_id"] is None, tags=tags, **dates,
        )  # fmt: skip
        return self._done(
            line, "updated", item, "roadmapitem", [c.removesuffix("_id") for c in changed]
        )

    def _feedback(self, record: Record, line: Line) -> Line:
        status = self._status(record)
        text = record.description or record.title
        fb = self._origin_object("feedback", record.key, Feedback)
        if fb is None:
            fb = feedback_services.feedback_create(
                member=self.member,
                text=text,
                title=record.title,
                source=Source.IMPORT,
                received_at=record.received_at,
            )
            if status != fb.status:
                fb = feedback_services.feedback_update(
                    member=self.member, feedback_id=fb.pk, version=fb.version, status=status
                )
            self._remember("feedback", record.key, fb)
            return self._done(line, "created", fb, "feedback")
        want_status = (
            fb.status if fb.status == FeedbackStatus.LINKED else status
        )  # linking is Accord's own
        changed = [
            k
            for k, a, b in (
                ("text", text, fb.text),
                ("title", record.title, fb.title),
                ("status", want_status, fb.status),
            )
            if a != b
        ]
        if not changed:
            return self._done(line, "skipped", fb, "feedback")
        feedback_services.feedback_update(
            member=self.member, feedback_id=fb.pk, version=fb.version, text=text, title=record.title,
            status=want_status if want_status != fb.status else None,
        )  # fmt: skip
        return self._done(line, "updated", fb, "feedback", changed)

    def _milestone(self, record: Record, line: Line) -> Line:
        roadmap_id = self.ensure_roadmap().pk if self.target == ImportTarget.ITEM else None
        milestone = self._origin_object("milestone", record.key, Milestone)
        if milestone is None:
            milestone = roadmap_services.milestone_create(
                member=self.member, name=record.title, date_=record.end_date, roadmap_id=roadmap_id,
                description=record.description,
            )  # fmt: skip
            self._remember("milestone", record.key, milestone)
            return self._done(line, "created", milestone, "milestone")
        want = {
            "name": record.title[:120],
            "date": record.end_date,
            "description": record.description,
        }
        changed = [k for k in want if want[k] != getattr(milestone, k)]
        if not changed:
            return self._done(line, "skipped", milestone, "milestone")
        roadmap_services.milestone_update(
            member=self.member, milestone_id=milestone.pk, version=milestone.version, name=record.title,
            date_=record.end_date, description=record.description,
        )  # fmt: skip
        return self._done(line, "updated", milestone, "milestone", changed)


def _order(record: Record, parents: set[str]) -> int:
    """Milestones, then epics, then the other containers (a sub-task's parent), then the rest:
    a container is written before what it contains."""
    return {"milestone": 0, "epic": 1}.get(record.kind, 2 if record.key in parents else 3)


def apply(
    member: Membership, plan: Plan, target: str, statuses: dict[str, str], roadmap_id: int | None
) -> tuple[list[Line], str, bool]:
    """Write the plan (inside the caller's transaction). Returns the report lines (in file order),
    the roadmap's name (items and milestones) and whether the roadmap was created."""
    writer = _Writer(member, plan, target, statuses, roadmap_id)
    if target == ImportTarget.ITEM:
        writer.ensure_roadmap()  # an unknown roadmap_id is the request's fault (422), not a row's
    parents = {r.parent for r in plan.records if r.parent}
    seen: dict[str, int] = {}
    lines: dict[int, Line] = {}
    for index, record in sorted(
        enumerate(plan.records), key=lambda pair: (_order(pair[1], parents), pair[0])
    ):
        identity = f"{record.kind == 'milestone'}:{record.key}"
        if identity in seen:
            lines[index] = Line(
                record.row,
                record.key,
                record.title,
                "skipped",
                f"The same key as row {seen[identity]}: imported once.",
            )
            continue
        seen[identity] = record.row
        lines[index] = writer.write(record)
    return (
        [lines[i] for i in sorted(lines)],
        writer.roadmap.name if writer.roadmap else "",
        writer.roadmap_created,
    )
