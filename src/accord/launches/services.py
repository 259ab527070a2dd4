"""Every write to launches: the launch, its positioning versions and their review, the two maps,
the checklist (and its templates) and the calendar feeds.

Keyword-only, one transaction each, permission checked, audit entry written: a refused write
changes nothing (a launch with a bad campaign is not created without it).
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accord.audit.services import record, snapshot
from accord.core.cleaning import clean_text
from accord.core.concurrency import save_versioned
from accord.core.errors import Conflict, FieldError, Invalid, NotFound
from accord.core.tokens import hash_token, new_token
from accord.ideas.models import Idea
from accord.initiatives.models import Initiative
from accord.roadmaps.models import RoadmapItem, RoadmapKind
from accord.workspaces.models import Membership, Person, Role
from accord.workspaces.permissions import require

from .models import (
    DEFAULT_FUNNEL,
    Approval,
    BrandAttribute,
    ChecklistTemplate,
    Department,
    FunnelStage,
    Launch,
    LaunchCalendarFeed,
    LaunchTask,
    Positioning,
    TaskStatus,
    TemplateTask,
    Tier,
)

LAUNCH_FIELDS = [
    "name", "description", "release_id", "initiative_id", "owner_id", "tier", "launch_date", "window_end",
]  # fmt: skip
POSITIONING_FIELDS = ["problem", "audience", "usp", "differentiators", "pitch", "proof_points"]
TASK_FIELDS = ["title", "owner_id", "offset_days", "department", "status", "blocked_reason"]
MAX_LIST = 200  # campaigns, features of an attribute, flows of a stage, tasks of a template
MAX_OFFSET = 366
TEAM_KINDS = ["product", "marketing", "it", "sales", "support", "design", "analytics", "custom"]

# The checklist a workspace starts with (any tier): (title, days from the launch date, department).
DEFAULT_TEMPLATE = [
    ("Positioning approved by product and marketing", -28, "marketing"),
    ("Pricing and packaging confirmed", -21, "product"),
    ("Sales enablement: pitch deck and battlecard", -14, "marketing"),
    ("Release notes and help articles drafted", -10, "product"),
    ("Support team trained", -7, "support"),
    ("Launch blog post and email scheduled", -3, "marketing"),
    ("Go / no-go meeting", -1, "product"),
    ("Announce: blog, email, social", 0, "marketing"),
    ("Post-launch review of the funnel numbers", 14, "analytics"),
]
DEFAULT_TEMPLATE_NAME = "Standard launch"

_UNSET = object()


# ---------------------------------------------------------------- lookups and checks


def get_launch(member: Membership, launch_id: int) -> Launch:
    launch = (
        Launch.objects.select_related("release", "release__roadmap")
        .filter(pk=launch_id, workspace_id=member.workspace_id)
        .first()
    )
    if launch is None:
        raise NotFound("No such launch in this workspace.")
    return launch


def _get(model, member: Membership, pk: int, what: str):
    obj = (
        model.objects.select_related("launch")
        .filter(pk=pk, launch__workspace_id=member.workspace_id)
        .first()
    )
    if obj is None:
        raise NotFound(f"No such {what} in this workspace.")
    return obj


def _release(member: Membership, item_id: int) -> RoadmapItem:
    item = (
        RoadmapItem.objects.select_related("roadmap")
        .filter(pk=item_id, workspace_id=member.workspace_id)
        .first()
    )
    if item is None:
        raise Invalid.field("release_item_id", "No such roadmap item in this workspace.")
    if item.roadmap.kind != RoadmapKind.PRODUCT:
        raise Invalid.field(
            "release_item_id",
            f"A release is an item of a product roadmap; “{item.roadmap.name}” is a {item.roadmap.get_kind_display().lower()} roadmap.",
        )
    if item.end_date is None:
        raise Invalid.field(
            "release_item_id",
            "The release has no dates on its roadmap yet; give it an end date first.",
        )
    return item


def _campaigns(member: Membership, item_ids: list[int]) -> list[RoadmapItem]:
    ids = list(dict.fromkeys(item_ids))
    if len(ids) > MAX_LIST:
        raise Invalid.field("campaign_item_ids", f"At most {MAX_LIST} campaigns.")
    items = {
        i.pk: i
        for i in RoadmapItem.objects.select_related("roadmap").filter(
            pk__in=ids, workspace_id=member.workspace_id
        )
    }
    for pk in ids:
        item = items.get(pk)
        if item is None:
            raise Invalid.field("campaign_item_ids", f"No roadmap item {pk} in this workspace.")
        if item.roadmap.kind != RoadmapKind.MARKETING:
            raise Invalid.field(
                "campaign_item_ids",
                f"“{item.title}” is on “{item.roadmap.name}”, a {item.roadmap.get_kind_display().lower()} roadmap; campaigns come from a marketing roadmap.",
            )
    return [items[pk] for pk in ids]


def _initiative(member: Membership, initiative_id: int | None) -> int | None:
    if initiative_id is None:
        return None
    if not Initiative.objects.filter(pk=initiative_id, workspace_id=member.workspace_id).exists():
        raise Invalid.field("initiative_id", "No such initiative in this workspace.")
    return initiative_id


def _person(member: Membership, person_id: int | None, field: str) -> int | None:
    if person_id is None:
        return None
    if not Person.objects.filter(pk=person_id, workspace_id=member.workspace_id).exists():
        raise Invalid.field(field, "No such person in this workspace.")
    return person_id


def _tier(value: int) -> int:
    if value not in Tier.values:
        raise Invalid.field("tier", "Use tier 1, 2 or 3.")
    return value


def _offset(value: int, field: str = "offset_days") -> int:
    if not -MAX_OFFSET <= value <= MAX_OFFSET:
        raise Invalid.field(
            field, f"Between -{MAX_OFFSET} and {MAX_OFFSET} days from the launch date."
        )
    return value


def _department(value: str, field: str = "department") -> str:
    if value and value not in TEAM_KINDS:
        raise Invalid.field(field, f"Use one of {', '.join(TEAM_KINDS)}, or leave it empty.")
    return value


def _check_dates(launch: Launch, release: RoadmapItem | None) -> None:
    if release is not None and release.end_date and launch.launch_date < release.end_date:
        raise Invalid.field(
            "launch_date",
            f"The launch date {launch.launch_date.isoformat()} is before its release “{release.title}” ends "
            f"({release.end_date.isoformat()}). Launch on or after that day, or move the release.",
        )
    if launch.window_end is not None and launch.window_end < launch.launch_date:
        raise Invalid.field("window_end", "The launch window ends before the launch date.")


def _launch_state(launch: Launch) -> dict:
    return {
        **snapshot(launch, LAUNCH_FIELDS),
        "campaigns": sorted(c.pk for c in launch.campaigns.all()),
    }


def _record(member, action, obj, object_type, label, before=None, after=None):
    record(workspace=member.workspace, actor=member.user, action=action, obj=obj, object_type=object_type,
           object_label=label, before=before, after=after)  # fmt: skip


# ---------------------------------------------------------------- launches


@transaction.atomic
def launch_create(
    *,
    member: Membership,
    name: str,
    release_item_id: int,
    launch_date: date | None = None,
    window_end: date | None = None,
    tier: int = Tier.TIER_2,
    campaign_item_ids: list[int] | None = None,
    initiative_id: int | None = None,
    owner_id: int | None = None,
    description: str = "",
    template_id: int | None = None,
    checklist: bool = True,
) -> Launch:
    """A launch on `launch_date` (default: the day its release ends), with the standard funnel and
    (unless checklist=False) the checklist of the template for its tier."""
    require(member, "launch.manage")
    release = _release(member, release_item_id)
    launch = Launch(
        workspace_id=member.workspace_id,
        name=clean_text(name, "name", required=True, max_length=200),
        description=clean_text(description, "description", max_length=20000, multiline=True),
        release=release,
        initiative_id=_initiative(member, initiative_id),
        owner_id=_person(member, owner_id, "owner_id"),
        tier=_tier(tier),
        launch_date=launch_date or release.end_date,
        window_end=window_end,
    )
    _check_dates(launch, release)
    campaigns = _campaigns(member, campaign_item_ids or [])
    launch.save()
    launch.campaigns.set(campaigns)
    FunnelStage.objects.bulk_create(
        [FunnelStage(launch=launch, name=n, position=i) for i, n in enumerate(DEFAULT_FUNNEL)]
    )
    _record(member, "created", launch, "launch", launch.name, after=_launch_state(launch))
    if checklist:
        _generate(member, launch, template_id)
    return launch


@transaction.atomic
def launch_update(
    *,
    member: Membership,
    launch_id: int,
    version: int,
    name: str | None = None,
    description: str | None = None,
    release_item_id: int | None = None,
    campaign_item_ids: list[int] | None = None,
    initiative_id=_UNSET,
    owner_id=_UNSET,
    tier: int | None = None,
    launch_date: date | None = None,
    window_end=_UNSET,
) -> Launch:
    """Only what is given changes; initiative_id, owner_id and window_end may be cleared with None."""
    require(member, "launch.manage")
    launch = get_launch(member, launch_id)
    before = _launch_state(launch)
    if name is not None:
        launch.name = clean_text(name, "name", required=True, max_length=200)
    if description is not None:
        launch.description = clean_text(
            description, "description", max_length=20000, multiline=True
        )
    release = launch.release
    if release_item_id is not None:
        release = _release(member, release_item_id)
        launch.release = release
    if initiative_id is not _UNSET:
        launch.initiative_id = _initiative(member, initiative_id)
    if owner_id is not _UNSET:
        launch.owner_id = _person(member, owner_id, "owner_id")
    if tier is not None:
        launch.tier = _tier(tier)
    if launch_date is not None:
        launch.launch_date = launch_date
    if window_end is not _UNSET:
        launch.window_end = window_end
    if launch_date is not None or release_item_id is not None or window_end is not _UNSET:
        _check_dates(launch, release)
    campaigns = _campaigns(member, campaign_item_ids) if campaign_item_ids is not None else None
    save_versioned(launch, version, ["name", "description", "release", "initiative_id", "owner_id", "tier",
                                     "launch_date", "window_end"])  # fmt: skip
    if campaigns is not None:
        launch.campaigns.set(campaigns)
    _record(
        member, "updated", launch, "launch", launch.name, before=before, after=_launch_state(launch)
    )
    return launch


@transaction.atomic
def launch_delete(*, member: Membership, launch_id: int) -> None:
    require(member, "launch.manage")
    launch = get_launch(member, launch_id)
    _record(member, "deleted", launch, "launch", launch.name, before=_launch_state(launch))
    launch.delete()


# ---------------------------------------------------------------- positioning and its review


@transaction.atomic
def positioning_save(
    *,
    member: Membership,
    launch_id: int,
    based_on: int | None = None,
    note: str = "",
    **fields: str,
) -> Positioning:
    """A new version (number + 1). `based_on`: the version the editor started from; when someone
    saved another version since, nothing is saved (409). The new version starts unreviewed."""
    require(member, "launch.manage")
    launch = get_launch(member, launch_id)
    Launch.objects.select_for_update().filter(pk=launch.pk).first()  # one numbering at a time
    latest = launch.positionings.aggregate(n=Max("number"))["n"] or 0
    if based_on is not None and based_on != latest:
        raise Conflict(
            f"Someone saved version {latest} since you opened version {based_on}. Reload and compare.",
        )
    unknown = set(fields) - set(POSITIONING_FIELDS)
    if unknown:
        raise Invalid.field(sorted(unknown)[0], "Not a positioning field.")
    values = {
        f: clean_text(fields.get(f, ""), f, max_length=5000, multiline=True)
        for f in POSITIONING_FIELDS
    }
    if not any(values.values()):
        raise Invalid.field(
            "problem", "Write at least one part of the positioning (the problem, to start)."
        )
    current = launch.positionings.filter(number=latest).first()
    if current is not None and all(getattr(current, f) == v for f, v in values.items()):
        raise Invalid.field("problem", f"Nothing changed since version {latest}.")
    version = Positioning.objects.create(
        launch=launch, number=latest + 1, note=clean_text(note, "note", max_length=300),
        created_by=member.user, **values,
    )  # fmt: skip
    before = (
        snapshot(current, POSITIONING_FIELDS) if current else {f: "" for f in POSITIONING_FIELDS}
    )
    _record(member, "created", version, "positioning", launch.name, before=before,
            after={**snapshot(version, POSITIONING_FIELDS), "number": version.number})  # fmt: skip
    return version


def _departments_of(member: Membership) -> set[str]:
    return set(
        Person.objects.filter(workspace_id=member.workspace_id, user_id=member.user_id)
        .values_list("teams__kind", flat=True)
        .distinct()
    ) - {None}


@transaction.atomic
def positioning_approve(
    *, member: Membership, positioning_id: int, department: str, comment: str = ""
) -> Approval:
    """Approve the latest version for product or marketing: someone of a team of that kind (or an
    admin) approves; each department once per version. A newer version starts a new review."""
    require(member, "launch.review")
    version = _get(Positioning, member, positioning_id, "positioning version")
    launch = version.launch
    if department not in Department.values:
        raise Invalid.field("department", "Positioning is reviewed by product and marketing.")
    latest = launch.positionings.aggregate(n=Max("number"))["n"]
    if version.number != latest:
        raise Invalid.field(
            "positioning_id",
            f"Version {version.number} is superseded by version {latest}: review the latest.",
        )
    if department not in _departments_of(member) and member.role != Role.ADMIN:
        raise Invalid.field(
            "department",
            f"You are in no {Department(department).label.lower()} team, so you cannot approve for it.",
        )
    if version.approvals.filter(department=department).exists():
        msg = f"{Department(department).label} already approved version {version.number}."
        raise Conflict(msg, [FieldError("department", msg)])
    approval = Approval.objects.create(
        positioning=version, department=department, by=member.user,
        comment=clean_text(comment, "comment", max_length=500),
    )  # fmt: skip
    _record(member, "approved", version, "positioning", launch.name,
            after={"number": version.number, "department": department, "comment": approval.comment})  # fmt: skip
    return approval


# ---------------------------------------------------------------- the two maps


def _features(member: Membership, item_ids: list[int], idea_ids: list[int]) -> tuple[list, list]:
    item_ids, idea_ids = list(dict.fromkeys(item_ids)), list(dict.fromkeys(idea_ids))
    if len(item_ids) > MAX_LIST or len(idea_ids) > MAX_LIST:
        raise Invalid.field("item_ids", f"At most {MAX_LIST} features of each kind.")
    items = list(RoadmapItem.objects.filter(workspace_id=member.workspace_id, pk__in=item_ids))
    if len(items) != len(item_ids):
        raise Invalid.field("item_ids", "No such roadmap item in this workspace.")
    ideas = list(Idea.objects.filter(workspace_id=member.workspace_id, pk__in=idea_ids))
    if len(ideas) != len(idea_ids):
        raise Invalid.field("idea_ids", "No such idea in this workspace.")
    return items, ideas


def _attribute_state(a: BrandAttribute) -> dict:
    return {
        "name": a.name,
        "items": sorted(i.pk for i in a.items.all()),
        "ideas": sorted(i.pk for i in a.ideas.all()),
    }


def _unique_name(qs, name: str, field: str, what: str, exclude: int | None = None) -> None:
    if qs.filter(name__iexact=name).exclude(pk=exclude).exists():
        msg = f"This launch already has {what} “{name}”."
        raise Conflict(msg, [FieldError(field, msg)])


@transaction.atomic
def attribute_create(
    *, member: Membership, launch_id: int, name: str, item_ids: list[int] | None = None,
    idea_ids: list[int] | None = None,
) -> BrandAttribute:  # fmt: skip
    require(member, "launch.manage")
    launch = get_launch(member, launch_id)
    name = clean_text(name, "name", required=True, max_length=120)
    _unique_name(launch.attributes, name, "name", "the brand attribute")
    items, ideas = _features(member, item_ids or [], idea_ids or [])
    attr = BrandAttribute.objects.create(
        launch=launch, name=name, position=launch.attributes.count()
    )
    attr.items.set(items)
    attr.ideas.set(ideas)
    _record(
        member,
        "created",
        attr,
        "brand attribute",
        f"{name} ({launch.name})",
        after=_attribute_state(attr),
    )
    return attr


@transaction.atomic
def attribute_update(
    *, member: Membership, attribute_id: int, name: str | None = None, item_ids: list[int] | None = None,
    idea_ids: list[int] | None = None,
) -> BrandAttribute:  # fmt: skip
    require(member, "launch.manage")
    attr = _get(BrandAttribute, member, attribute_id, "brand attribute")
    before = _attribute_state(attr)
    if name is not None:
        attr.name = clean_text(name, "name", required=True, max_length=120)
        _unique_name(
            attr.launch.attributes, attr.name, "name", "the brand attribute", exclude=attr.pk
        )
        attr.save(update_fields=["name"])
    items, ideas = _features(member, item_ids or [], idea_ids or [])
    if item_ids is not None:
        attr.items.set(items)
    if idea_ids is not None:
        attr.ideas.set(ideas)
    _record(member, "updated", attr, "brand attribute", f"{attr.name} ({attr.launch.name})",
            before=before, after=_attribute_state(attr))  # fmt: skip
    return attr


@transaction.atomic
def attribute_delete(*, member: Membership, attribute_id: int) -> None:
    require(member, "launch.manage")
    attr = _get(BrandAttribute, member, attribute_id, "brand attribute")
    _record(
        member,
        "deleted",
        attr,
        "brand attribute",
        f"{attr.name} ({attr.launch.name})",
        before=_attribute_state(attr),
    )
    attr.delete()


def _flows(flows: list[str]) -> list[str]:
    if len(flows) > MAX_LIST:
        raise Invalid.field("flows", f"At most {MAX_LIST} user flows.")
    cleaned = [clean_text(f, "flows", max_length=200) for f in flows]
    return list(dict.fromkeys(f for f in cleaned if f))


@transaction.atomic
def stage_create(
    *, member: Membership, launch_id: int, name: str, flows: list[str] | None = None
) -> FunnelStage:
    require(member, "launch.manage")
    launch = get_launch(member, launch_id)
    name = clean_text(name, "name", required=True, max_length=80)
    _unique_name(launch.funnel_stages, name, "name", "the funnel stage")
    position = (launch.funnel_stages.aggregate(p=Max("position"))["p"] or 0) + 1
    stage = FunnelStage.objects.create(
        launch=launch, name=name, flows=_flows(flows or []), position=position
    )
    _record(
        member,
        "created",
        stage,
        "funnel stage",
        f"{name} ({launch.name})",
        after={"name": name, "flows": stage.flows},
    )
    return stage


@transaction.atomic
def stage_update(
    *, member: Membership, stage_id: int, name: str | None = None, flows: list[str] | None = None
) -> FunnelStage:
    require(member, "launch.manage")
    stage = _get(FunnelStage, member, stage_id, "funnel stage")
    before = {"name": stage.name, "flows": stage.flows}
    if name is not None:
        stage.name = clean_text(name, "name", required=True, max_length=80)
        _unique_name(
            stage.launch.funnel_stages, stage.name, "name", "the funnel stage", exclude=stage.pk
        )
    if flows is not None:
        stage.flows = _flows(flows)
    stage.save(update_fields=["name", "flows"])
    _record(member, "updated", stage, "funnel stage", f"{stage.name} ({stage.launch.name})",
            before=before, after={"name": stage.name, "flows": stage.flows})  # fmt: skip
    return stage


@transaction.atomic
def stage_delete(*, member: Membership, stage_id: int) -> None:
    require(member, "launch.manage")
    stage = _get(FunnelStage, member, stage_id, "funnel stage")
    _record(member, "deleted", stage, "funnel stage", f"{stage.name} ({stage.launch.name})",
            before={"name": stage.name, "flows": stage.flows})  # fmt: skip
    stage.delete()


# ---------------------------------------------------------------- checklist templates


def ensure_default_template(workspace_id: int) -> None:
    """The standard checklist, for a workspace that has no template yet."""
    if ChecklistTemplate.objects.filter(workspace_id=workspace_id).exists():
        return
    template = ChecklistTemplate.objects.create(
        workspace_id=workspace_id, name=DEFAULT_TEMPLATE_NAME
    )
    TemplateTask.objects.bulk_create(
        [TemplateTask(template=template, title=t, offset_days=o, department=d, position=i)
         for i, (t, o, d) in enumerate(DEFAULT_TEMPLATE)]
    )  # fmt: skip


def _template_tasks(tasks: list[dict]) -> list[TemplateTask]:
    if not tasks:
        raise Invalid.field("tasks", "A template needs at least one task.")
    if len(tasks) > MAX_LIST:
        raise Invalid.field("tasks", f"At most {MAX_LIST} tasks.")
    out = []
    for i, t in enumerate(tasks):
        out.append(TemplateTask(
            title=clean_text(t.get("title"), f"tasks.{i}.title", required=True, max_length=200),
            offset_days=_offset(t.get("offset_days", 0), f"tasks.{i}.offset_days"),
            department=_department(t.get("department", ""), f"tasks.{i}.department"), position=i,
        ))  # fmt: skip
    return out


@transaction.atomic
def template_create(
    *, member: Membership, name: str, tier: int | None = None, tasks: list[dict]
) -> ChecklistTemplate:
    require(member, "launch.manage")
    ensure_default_template(member.workspace_id)
    name = clean_text(name, "name", required=True, max_length=120)
    if ChecklistTemplate.objects.filter(
        workspace_id=member.workspace_id, name__iexact=name
    ).exists():
        msg = f"A checklist template “{name}” exists already."
        raise Conflict(msg, [FieldError("name", msg)])
    rows = _template_tasks(tasks)
    template = ChecklistTemplate.objects.create(
        workspace_id=member.workspace_id, name=name, tier=_tier(tier) if tier is not None else None
    )
    for row in rows:
        row.template = template
    TemplateTask.objects.bulk_create(rows)
    _record(member, "created", template, "launch template", name,
            after={"tier": template.tier, "tasks": [r.title for r in rows]})  # fmt: skip
    return template


@transaction.atomic
def template_delete(*, member: Membership, template_id: int) -> None:
    require(member, "launch.manage")
    template = ChecklistTemplate.objects.filter(
        pk=template_id, workspace_id=member.workspace_id
    ).first()
    if template is None:
        raise NotFound("No such checklist template in this workspace.")
    _record(
        member,
        "deleted",
        template,
        "launch template",
        template.name,
        before={"tier": template.tier},
    )
    template.delete()


def _pick_template(
    member: Membership, launch: Launch, template_id: int | None
) -> ChecklistTemplate:
    ensure_default_template(member.workspace_id)
    templates = ChecklistTemplate.objects.filter(workspace_id=member.workspace_id)
    if template_id is not None:
        template = templates.filter(pk=template_id).first()
        if template is None:
            raise Invalid.field("template_id", "No such checklist template in this workspace.")
        return template
    return (
        templates.filter(tier=launch.tier).first()
        or templates.filter(tier__isnull=True).order_by("name").first()
        or templates.first()
    )


def _owners_by_department(workspace_id: int) -> dict[str, int]:
    """For each team kind, the first person (by name) in a team of that kind."""
    owners: dict[str, int] = {}
    rows = Person.objects.filter(workspace_id=workspace_id, teams__isnull=False).order_by(
        "name", "pk"
    )
    for pk, kind in rows.values_list("pk", "teams__kind"):
        owners.setdefault(kind, pk)
    return owners


def _generate(member: Membership, launch: Launch, template_id: int | None) -> list[LaunchTask]:
    template = _pick_template(member, launch, template_id)
    have = {t.lower() for t in launch.tasks.values_list("title", flat=True)}
    owners = _owners_by_department(member.workspace_id)
    start = launch.tasks.count()
    new = [
        LaunchTask(launch=launch, title=t.title, offset_days=t.offset_days, department=t.department,
                   owner_id=owners.get(t.department, launch.owner_id), position=start + i)
        for i, t in enumerate(template.tasks.all()) if t.title.lower() not in have
    ]  # fmt: skip
    LaunchTask.objects.bulk_create(new)
    if new:
        _record(member, "generated", launch, "launch", launch.name,
                after={"template": template.name, "tasks": len(new)})  # fmt: skip
    return new


@transaction.atomic
def checklist_generate(
    *, member: Membership, launch_id: int, template_id: int | None = None
) -> list[LaunchTask]:
    """Add the template's tasks the checklist does not have yet (by title); the tier's template by default."""
    require(member, "launch.manage")
    return _generate(member, get_launch(member, launch_id), template_id)


# ---------------------------------------------------------------- checklist tasks


@transaction.atomic
def task_create(
    *, member: Membership, launch_id: int, title: str, offset_days: int = 0, owner_id: int | None = None,
    department: str = "",
) -> LaunchTask:  # fmt: skip
    require(member, "launch.manage")
    launch = get_launch(member, launch_id)
    task = LaunchTask(
        launch=launch, title=clean_text(title, "title", required=True, max_length=200),
        offset_days=_offset(offset_days), owner_id=_person(member, owner_id, "owner_id"),
        department=_department(department), position=launch.tasks.count(),
    )  # fmt: skip
    task.save()
    _record(
        member,
        "created",
        task,
        "launch task",
        f"{task.title} ({launch.name})",
        after=snapshot(task, TASK_FIELDS),
    )
    return task


@transaction.atomic
def task_update(
    *, member: Membership, task_id: int, version: int, status: str | None = None, blocked_reason: str | None = None,
    title: str | None = None, offset_days: int | None = None, owner_id=_UNSET, department: str | None = None,
) -> LaunchTask:  # fmt: skip
    """Status (and why it is blocked): contributors up, e.g. the task's owner ticking it off.
    Title, due offset, owner and department: editors (launch.manage)."""
    require(member, "launch.task.update")
    if (
        title is not None
        or offset_days is not None
        or owner_id is not _UNSET
        or department is not None
    ):
        require(member, "launch.manage")
    task = _get(LaunchTask, member, task_id, "launch task")
    before = snapshot(task, TASK_FIELDS)
    if title is not None:
        task.title = clean_text(title, "title", required=True, max_length=200)
    if offset_days is not None:
        task.offset_days = _offset(offset_days)
    if owner_id is not _UNSET:
        task.owner_id = _person(member, owner_id, "owner_id")
    if department is not None:
        task.department = _department(department)
    if blocked_reason is not None:
        task.blocked_reason = clean_text(blocked_reason, "blocked_reason", max_length=300)
    if status is not None:
        if status not in TaskStatus.values:
            raise Invalid.field("status", f"Use one of {', '.join(TaskStatus.values)}.")
        if status == TaskStatus.DONE and task.status != TaskStatus.DONE:
            task.done_at, task.done_by = timezone.now(), member.user
        elif status != TaskStatus.DONE:
            task.done_at, task.done_by = None, None
        task.status = status
    if task.status == TaskStatus.BLOCKED and not task.blocked_reason:
        raise Invalid.field(
            "blocked_reason", "Say what blocks the task, so someone can unblock it."
        )
    if task.status != TaskStatus.BLOCKED:
        task.blocked_reason = ""
    save_versioned(task, version, [*TASK_FIELDS, "done_at", "done_by"])
    _record(member, "updated", task, "launch task", f"{task.title} ({task.launch.name})",
            before=before, after=snapshot(task, TASK_FIELDS))  # fmt: skip
    return task


@transaction.atomic
def task_delete(*, member: Membership, task_id: int) -> None:
    require(member, "launch.manage")
    task = _get(LaunchTask, member, task_id, "launch task")
    _record(
        member,
        "deleted",
        task,
        "launch task",
        f"{task.title} ({task.launch.name})",
        before=snapshot(task, TASK_FIELDS),
    )
    task.delete()


# ---------------------------------------------------------------- the calendar feed


@transaction.atomic
def feed_create(*, member: Membership) -> tuple[LaunchCalendarFeed, str]:
    """A token-protected iCalendar URL of all launches; the raw token is returned once."""
    require(member, "share_link.manage")
    raw, digest = new_token("lcal")
    feed = LaunchCalendarFeed.objects.create(
        workspace_id=member.workspace_id, token_hash=digest, created_by=member.user
    )
    _record(member, "created", feed, "launch calendar feed", member.workspace.name)
    return feed, raw


@transaction.atomic
def feed_revoke(*, member: Membership, feed_id: int) -> None:
    require(member, "share_link.manage")
    feed = LaunchCalendarFeed.objects.filter(
        pk=feed_id, workspace_id=member.workspace_id, revoked_at__isnull=True
    ).first()
    if feed is None:
        raise NotFound("No such launch calendar feed in this workspace.")
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    _record(member, "revoked", feed, "launch calendar feed", member.workspace.name)


def feed_resolve(raw: str) -> LaunchCalendarFeed:
    feed = (
        LaunchCalendarFeed.objects.select_related("workspace")
        .filter(token_hash=hash_token(raw or ""), revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        raise NotFound("This calendar feed does not exist or was revoked.")
    return feed


def due_date(launch_date: date, offset_days: int) -> date:
    return launch_date + timedelta(days=offset_days)
