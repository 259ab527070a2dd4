"""Every write to post-mortems and their action items, and turning an action item into an idea or a
roadmap item (through the ideas and roadmaps services, so their permissions and history apply)."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accord.audit.services import record, snapshot
from accord.core.cleaning import clean_text
from accord.core.concurrency import save_versioned
from accord.core.errors import Conflict, FieldError, Invalid, NotFound
from accord.ideas import services as ideas
from accord.roadmaps import services as roadmaps
from accord.workspaces.models import Membership, Person
from accord.workspaces.permissions import require

from .models import ActionItem, PostMortem
from .services import resolve_subject

TEXTS = ["summary", "impact", "went_well", "went_badly", "contributing_factors"]
PM_FIELDS = [
    "title",
    "subject_kind",
    "subject_ref",
    "subject_label",
    "occurred_on",
    *TEXTS,
    "timeline",
]
ITEM_FIELDS = ["title", "owner_id", "due_date", "done_at", "idea_id", "roadmap_item_id"]
MAX_TIMELINE = 200

# The blameless template: what each part asks (shown in the form and the empty post-mortem).
PROMPTS = {
    "summary": "What happened, in order, as the people involved saw it at the time.",
    "impact": "Who was affected and how much: customers, campaigns, revenue, teams.",
    "went_well": "What helped: detection, people, tools, decisions worth repeating.",
    "went_badly": "Where the process, tools or information let people down (not who).",
    "contributing_factors": "The conditions that made it possible: systems, deadlines, missing checks, unclear ownership.",
}
BLAME_WORDS = (
    "blame",
    "fault",
    "careless",
    "negligent",
    "incompetent",
    "stupid",
    "should have known",
)


def blame_hints(post: PostMortem) -> list[str]:
    """Words that point at people rather than conditions (a nudge shown on the page, never a refusal)."""
    found = []
    for name in TEXTS:
        text = getattr(post, name).casefold()
        found += [w for w in BLAME_WORDS if w in text and w not in found]
    return found


def get_postmortem(member: Membership, postmortem_id: int) -> PostMortem:
    post = PostMortem.objects.filter(pk=postmortem_id, workspace_id=member.workspace_id).first()
    if post is None:
        raise NotFound("No such post-mortem in this workspace.")
    return post


def get_action_item(member: Membership, postmortem_id: int, item_id: int) -> ActionItem:
    item = (
        ActionItem.objects.select_related("postmortem")
        .filter(pk=item_id, postmortem_id=postmortem_id, workspace_id=member.workspace_id)
        .first()
    )
    if item is None:
        raise NotFound("No such action item on this post-mortem.")
    return item


def _timeline(raw: list | None) -> list[dict]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_TIMELINE:
        raise Invalid.field(
            "timeline", f"Give at most {MAX_TIMELINE} entries, each with a time and what happened."
        )
    entries, errors = [], []
    for i, entry in enumerate(raw):
        at = entry.get("at") if isinstance(entry, dict) else None
        if isinstance(at, str):
            at = parse_datetime(at) if "T" in at or " " in at else None
        if not isinstance(at, datetime):
            errors.append(
                FieldError(f"timeline.{i}.at", f"Entry {i + 1}: give its time as YYYY-MM-DDTHH:MM.")
            )
            continue
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        try:
            text = clean_text(
                entry.get("text"), f"timeline.{i}.text", required=True, max_length=1000
            )
        except Invalid:
            errors.append(
                FieldError(
                    f"timeline.{i}.text",
                    f"Entry {i + 1}: say what happened (at most 1,000 characters).",
                )
            )
            continue
        entries.append({"at": at.isoformat(), "text": text})
    if errors:
        raise Invalid(
            errors[0].message if len(errors) == 1 else f"{len(errors)} problems in the timeline.",
            errors,
        )
    return sorted(entries, key=lambda e: parse_datetime(e["at"]))


def _apply(post: PostMortem, values: dict) -> None:
    if "title" in values:
        post.title = clean_text(values["title"], "title", required=True, max_length=200)
    for name in TEXTS:
        if name in values:
            setattr(post, name, clean_text(values[name], name, max_length=20_000, multiline=True))
    if "occurred_on" in values:
        post.occurred_on = values["occurred_on"]
    if "timeline" in values:
        post.timeline = _timeline(values["timeline"])


@transaction.atomic
def postmortem_create(
    *, member: Membership, subject_kind: str, subject_ref: str, title: str = "", **values
) -> PostMortem:
    require(member, "postmortem.write")
    subject = resolve_subject(member, subject_kind, subject_ref)
    if subject is None:
        raise Invalid.field(
            "subject_kind", "A post-mortem is for a launch, a change, a campaign or an incident."
        )
    post = PostMortem(
        workspace_id=member.workspace_id, subject_kind=subject.kind, subject_ref=subject.ref,
        subject_label=subject.label, created_by=member.user,
    )  # fmt: skip
    _apply(post, {"title": title or f"Post-mortem: {subject.label}"[:200], **values})
    post.save()
    record(
        workspace=member.workspace,
        actor=member.user,
        action="created",
        obj=post,
        object_type="post-mortem",
        after=snapshot(post, PM_FIELDS),
    )
    return post


@transaction.atomic
def postmortem_update(
    *, member: Membership, postmortem_id: int, version: int, **values
) -> PostMortem:
    require(member, "postmortem.write")
    post = get_postmortem(member, postmortem_id)
    before = snapshot(post, PM_FIELDS)
    _apply(post, values)
    save_versioned(post, version, PM_FIELDS)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="updated",
        obj=post,
        object_type="post-mortem",
        before=before,
        after=snapshot(post, PM_FIELDS),
    )
    return post


@transaction.atomic
def postmortem_delete(*, member: Membership, postmortem_id: int) -> None:
    require(member, "postmortem.manage")
    post = get_postmortem(member, postmortem_id)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="deleted",
        obj=post,
        object_type="post-mortem",
        before={"title": post.title},
    )
    post.delete()


# ---------------------------------------------------------------- action items


def _owner(member: Membership, person_id: int | None) -> int | None:
    if person_id is None:
        return None
    if not Person.objects.filter(pk=person_id, workspace_id=member.workspace_id).exists():
        raise Invalid.field("owner_id", "No such person in this workspace.")
    return person_id


def _item_label(item: ActionItem) -> dict:
    return {**snapshot(item, ITEM_FIELDS), "postmortem": item.postmortem_id}


@transaction.atomic
def action_item_create(
    *,
    member: Membership,
    postmortem_id: int,
    title: str,
    owner_id: int | None = None,
    due_date: date | None = None,
) -> ActionItem:
    require(member, "postmortem.write")
    post = get_postmortem(member, postmortem_id)
    item = ActionItem(
        workspace_id=member.workspace_id, postmortem=post, title=clean_text(title, "title", required=True, max_length=200),
        owner_id=_owner(member, owner_id), due_date=due_date, position=post.action_items.count(),
    )  # fmt: skip
    item.save()
    record(
        workspace=member.workspace,
        actor=member.user,
        action="created",
        obj=item,
        object_type="action item",
        object_label=item.title,
        after=_item_label(item),
    )
    return item


_UNSET = object()


@transaction.atomic
def action_item_update(
    *,
    member: Membership,
    postmortem_id: int,
    action_item_id: int,
    version: int,
    title: str | None = None,
    owner_id: int | object | None = _UNSET,
    due_date: date | object | None = _UNSET,
    done: bool | None = None,
) -> ActionItem:
    require(member, "postmortem.write")
    item = get_action_item(member, postmortem_id, action_item_id)
    before = _item_label(item)
    if title is not None:
        item.title = clean_text(title, "title", required=True, max_length=200)
    if owner_id is not _UNSET:
        item.owner_id = _owner(member, owner_id)
    if due_date is not _UNSET:
        item.due_date = due_date
    if done is not None:
        item.done_at = (item.done_at or timezone.now()) if done else None
    save_versioned(item, version, ["title", "owner_id", "due_date", "done_at"])
    record(
        workspace=member.workspace,
        actor=member.user,
        action="updated",
        obj=item,
        object_type="action item",
        before=before,
        after=_item_label(item),
    )
    return item


@transaction.atomic
def action_item_delete(*, member: Membership, postmortem_id: int, action_item_id: int) -> None:
    require(member, "postmortem.write")
    item = get_action_item(member, postmortem_id, action_item_id)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="deleted",
        obj=item,
        object_type="action item",
        before=_item_label(item),
    )
    item.delete()


def _description(item: ActionItem) -> str:
    post = item.postmortem
    due = f" Due {item.due_date.isoformat()}." if item.due_date else ""
    return f"An action item of the post-mortem “{post.title}” ({post.subject_label}).{due}"


@transaction.atomic
def action_item_convert(
    *,
    member: Membership,
    postmortem_id: int,
    action_item_id: int,
    to: str,
    roadmap_id: int | None = None,
) -> ActionItem:
    """The action item becomes an idea or a roadmap item (linked both ways). Once only: a second
    conversion is a 409 naming what it already became."""
    require(member, "postmortem.write")
    item = get_action_item(member, postmortem_id, action_item_id)
    item = ActionItem.objects.select_for_update().select_related("postmortem").get(pk=item.pk)
    if item.idea_id or item.roadmap_item_id:
        what = f"idea #{item.idea_id}" if item.idea_id else f"roadmap item #{item.roadmap_item_id}"
        raise Conflict(
            f"This action item already became {what}.",
            [FieldError("action_item_id", f"already became {what}")],
        )
    if to == "idea":
        idea = ideas.idea_create(member=member, title=item.title, description=_description(item))
        item.idea = idea
    elif to == "roadmap_item":
        if roadmap_id is None:
            raise Invalid.field("roadmap_id", "Choose the roadmap the item goes on.")
        try:
            made = roadmaps.item_create(
                member=member,
                roadmap_id=roadmap_id,
                title=item.title,
                description=_description(item),
                bucket="next",
            )
        except NotFound:
            raise Invalid.field("roadmap_id", "No such roadmap in this workspace.") from None
        item.roadmap_item = made
    else:
        raise Invalid.field("to", "Use idea or roadmap_item.")
    ActionItem.objects.filter(pk=item.pk).update(
        idea=item.idea, roadmap_item=item.roadmap_item, version=item.version + 1
    )
    item.version += 1
    record(
        workspace=member.workspace, actor=member.user, action="converted", obj=item, object_type="action item",
        after={"postmortem": item.postmortem_id, "idea": item.idea_id, "roadmap_item": item.roadmap_item_id, "title": item.title},
    )  # fmt: skip
    return item
