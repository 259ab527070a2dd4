"""Writes to feedback: capture, edit, triage, batches and imports, customers, links to ideas.

Every write checks the permission, records the audit entry, refreshes the evidence criteria it
affects (accord.feedback.evidence) and, on commit, tells listeners which texts changed
(signals.feedback_text_changed: the similarity index re-embeds them).
"""

from collections.abc import Callable, Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from accord.audit.services import acting_via, record, snapshot
from accord.core.concurrency import save_versioned
from accord.core.errors import Conflict, FieldError, Invalid, NotFound
from accord.ideas.models import Idea, IdeaStatus
from accord.ideas.services.common import get_idea
from accord.workspaces.models import Membership, Workspace
from accord.workspaces.permissions import can, require

from . import evidence
from .models import Customer, Feedback, FeedbackLink, FeedbackStatus, Importance, Source
from .rows import CleanRow, CustomerSpec, clean_customer, clean_row, clean_status
from .signals import feedback_text_changed

FEEDBACK_FIELDS = ["title", "text", "source", "customer_id", "status", "received_at"]
CUSTOMER_FIELDS = ["name", "email", "company", "segment", "revenue_weight"]
MAX_BATCH = 1000


def _announce(feedback_ids: list[int]) -> None:
    """After commit: the similarity helper (re)embeds these texts. Never inside the transaction."""
    ids = list(feedback_ids)
    if ids:
        transaction.on_commit(
            lambda: feedback_text_changed.send(sender=Feedback, feedback_ids=ids)
        )


def _raise_row(row: CleanRow) -> None:
    if row.errors:
        raise Invalid(row.errors[0][1], [FieldError(f, m) for f, m in row.errors])


def get_feedback(member: Membership, feedback_id: int, *, for_update: bool = False) -> Feedback:
    qs = Feedback.objects.select_for_update() if for_update else Feedback.objects
    try:
        return qs.get(pk=feedback_id, workspace_id=member.workspace_id)
    except Feedback.DoesNotExist as exc:
        raise NotFound("No such feedback in this workspace.") from exc


def get_customer(member: Membership, customer_id: int) -> Customer:
    try:
        return Customer.objects.get(pk=customer_id, workspace_id=member.workspace_id)
    except Customer.DoesNotExist as exc:
        raise NotFound("No such customer in this workspace.") from exc


# ---------------------------------------------------------------- customers


def _customer_ref(member: Membership, customer_id: int) -> Customer:
    # A customer id in a body that is not in this workspace is bad input, not a missing page.
    customer = Customer.objects.filter(pk=customer_id, workspace_id=member.workspace_id).first()
    if customer is None:
        raise Invalid.field("customer_id", "No such customer in this workspace.")
    return customer


def customers_for(workspace_id: int, specs: Iterable[CustomerSpec]) -> dict[tuple, Customer]:
    """Find or create the customers these specs name (by e-mail, else by name and company), in a
    few queries whatever their number. An existing customer keeps its data; only what it lacks
    (company, segment, a zero revenue weight) is filled in. Returns spec.key -> Customer."""
    wanted: dict[tuple, CustomerSpec] = {}
    for spec in specs:
        wanted.setdefault(spec.key, spec)
    if not wanted:
        return {}
    emails = [k[0] for k in wanted if k[0]]
    names = {k[1] for k in wanted if not k[0]}
    found: dict[tuple, Customer] = {}
    qs = (
        Customer.objects.filter(workspace_id=workspace_id)
        .annotate(lower_name=Lower("name"))
        .filter(Q(email__in=emails) | Q(email="", lower_name__in=names))
    )
    for c in qs:
        key = (c.email, "", "") if c.email else ("", c.name.lower(), c.company.lower())
        found.setdefault(key, c)
    now = timezone.now()
    missing = [
        Customer(
            workspace_id=workspace_id,
            name=spec.name or spec.email.split("@")[0] or spec.company,
            email=spec.email,
            company=spec.company,
            segment=spec.segment,
            revenue_weight=spec.revenue_weight or 0.0,
            created_at=now,
            updated_at=now,
        )
        for key, spec in wanted.items()
        if key not in found
    ]
    if missing:
        Customer.objects.bulk_create(missing, batch_size=1000)
        if missing[0].pk is None:  # a backend that does not return ids from bulk inserts
            missing = list(Customer.objects.filter(workspace_id=workspace_id, created_at=now))
        for c in missing:
            key = (c.email, "", "") if c.email else ("", c.name.lower(), c.company.lower())
            found.setdefault(key, c)
    filled = []
    for key, spec in wanted.items():
        c = found[key]
        changed = False
        for name in ("company", "segment"):
            if not getattr(c, name) and getattr(spec, name):
                setattr(c, name, getattr(spec, name))
                changed = True
        if not c.revenue_weight and spec.revenue_weight:
            c.revenue_weight = spec.revenue_weight
            changed = True
        if changed:
            filled.append(c)
    if filled:
        Customer.objects.bulk_update(filled, ["company", "segment", "revenue_weight"], batch_size=1000)
        evidence.refresh_for(workspace_id, _ideas_of_customers([c.pk for c in filled]))
    return found


def _ideas_of_customers(customer_ids: list[int]) -> list[int]:
    return list(
        FeedbackLink.objects.filter(feedback__customer_id__in=customer_ids)
        .values_list("idea_id", flat=True)
        .distinct()
    )


def _ideas_of_feedback(feedback_ids: list[int]) -> list[int]:
    return list(
        FeedbackLink.objects.filter(feedback_id__in=feedback_ids)
        .values_list("idea_id", flat=True)
        .distinct()
    )


def _named_customer(data: dict) -> CustomerSpec:
    """A customer's fields, cleaned; the name is required (errors name the customer's fields)."""
    errors: list = []
    spec = clean_customer(data, errors)
    if not errors and (spec is None or not spec.name):
        errors.append(("name", "Name is required."))
    if errors or spec is None:
        raise Invalid(errors[0][1], [FieldError(f.replace("customer_", ""), m) for f, m in errors])
    return spec


@transaction.atomic
def customer_create(
    *,
    member: Membership,
    name: str,
    email: str = "",
    company: str = "",
    segment: str = "",
    revenue_weight: float | None = None,
) -> Customer:
    require(member, "feedback.create")
    spec = _named_customer(
        {"name": name, "email": email, "company": company, "segment": segment, "revenue_weight": revenue_weight}
    )
    if spec.email and Customer.objects.filter(workspace_id=member.workspace_id, email=spec.email).exists():
        raise Conflict("A customer with this e-mail exists.", [FieldError("email", "already used")])
    customer = Customer.objects.create(
        workspace_id=member.workspace_id,
        name=spec.name,
        email=spec.email,
        company=spec.company,
        segment=spec.segment,
        revenue_weight=spec.revenue_weight or 0.0,
    )
    record(workspace=member.workspace, actor=member.user, action="created", obj=customer,
           after=snapshot(customer, CUSTOMER_FIELDS))
    return customer


@transaction.atomic
def customer_update(
    *,
    member: Membership,
    customer_id: int,
    version: int,
    name: str | None = None,
    email: str | None = None,
    company: str | None = None,
    segment: str | None = None,
    revenue_weight: float | None = None,
) -> Customer:
    require(member, "customer.edit")
    customer = get_customer(member, customer_id)
    before = snapshot(customer, CUSTOMER_FIELDS)
    merged = {
        "name": customer.name if name is None else name,
        "email": customer.email if email is None else email,
        "company": customer.company if company is None else company,
        "segment": customer.segment if segment is None else segment,
        "revenue_weight": customer.revenue_weight if revenue_weight is None else revenue_weight,
    }
    spec = _named_customer(merged)
    if (
        spec.email
        and spec.email != customer.email
        and Customer.objects.filter(workspace_id=member.workspace_id, email=spec.email).exists()
    ):
        raise Conflict("A customer with this e-mail exists.", [FieldError("email", "already used")])
    customer.name, customer.email, customer.company = spec.name, spec.email, spec.company
    customer.segment, customer.revenue_weight = spec.segment, spec.revenue_weight or 0.0
    save_versioned(customer, version, CUSTOMER_FIELDS)
    if before["revenue_weight"] != customer.revenue_weight:
        evidence.refresh_for(member.workspace_id, _ideas_of_customers([customer.pk]))
    record(workspace=member.workspace, actor=member.user, action="updated", obj=customer,
           before=before, after=snapshot(customer, CUSTOMER_FIELDS))
    return customer


@transaction.atomic
def customer_delete(*, member: Membership, customer_id: int) -> None:
    """Erase a customer (e.g. on a data-protection request); their feedback stays, anonymous."""
    require(member, "customer.delete")
    customer = get_customer(member, customer_id)
    ideas = _ideas_of_customers([customer.pk])
    record(workspace=member.workspace, actor=member.user, action="deleted", obj=customer,
           before=snapshot(customer, CUSTOMER_FIELDS))
    customer.delete()
    evidence.refresh_for(member.workspace_id, ideas)


# ---------------------------------------------------------------- feedback


def _feedback_snapshot(fb: Feedback) -> dict:
    return snapshot(fb, FEEDBACK_FIELDS)


def _customer_of(member: Membership, customer_id: int | None, customer: dict | None) -> Customer | None:
    if customer_id:
        return _customer_ref(member, customer_id)
    if not customer:
        return None
    errors: list = []
    spec = clean_customer(customer, errors)
    if errors:
        raise Invalid(errors[0][1], [FieldError(f"customer.{f.replace('customer_', '')}", m) for f, m in errors])
    if spec is None:
        return None
    return customers_for(member.workspace_id, [spec])[spec.key]


@transaction.atomic
def feedback_create(
    *,
    member: Membership,
    text: str,
    source: str = Source.INTERNAL,
    title: str = "",
    customer_id: int | None = None,
    customer: dict | None = None,
    received_at: datetime | None = None,
) -> Feedback:
    """Capture one piece of feedback. `customer` (name/email/company/segment/revenue_weight) finds or
    creates the customer; `customer_id` names an existing one."""
    require(member, "feedback.create")
    row = clean_row({"text": text, "title": title, "source": source, "received_at": received_at})
    _raise_row(row)
    fb = Feedback.objects.create(
        workspace_id=member.workspace_id,
        text=row.text,
        title=row.title,
        source=row.source,
        customer=_customer_of(member, customer_id, customer),
        captured_by=member.user,
        received_at=row.received_at or timezone.now(),
    )
    record(workspace=member.workspace, actor=member.user, action="created", obj=fb,
           after=_feedback_snapshot(fb))
    _announce([fb.pk])
    return fb


@transaction.atomic
def feedback_create_public(
    *, workspace: Workspace, text: str, email: str, name: str = "", title: str = "", verified: bool = False
) -> Feedback:
    """A customer's submission on the public portal: no member; the audit trail says "portal".

    Only a `verified` address (its owner opened a link mailed to it) makes the feedback its
    customer's. Otherwise the address is kept as `unverified_email`: no customer, no segment, no
    revenue weight and no evidence until `feedback_sender_verified`.
    """
    row = clean_row(
        {"text": text, "title": title, "source": Source.PORTAL, "customer_name": name,
         "customer_email": email}
    )
    if not row.errors and (row.customer is None or not row.customer.email):
        row.errors.append(("email", "E-mail is required."))
    row.errors = [(f.replace("customer_", ""), m) for f, m in row.errors]
    _raise_row(row)
    fb = Feedback.objects.create(
        workspace=workspace,
        text=row.text,
        title=row.title,
        source=Source.PORTAL,
        customer=customers_for(workspace.pk, [row.customer])[row.customer.key] if verified else None,
        unverified_email="" if verified else row.customer.email,
    )
    with acting_via("portal"):
        record(workspace=workspace, actor=None, action="created", obj=fb,
               after={**_feedback_snapshot(fb), "unverified_email": fb.unverified_email})
    _announce([fb.pk])
    return fb


@transaction.atomic
def feedback_sender_verified(*, workspace: Workspace, email: str, name: str = "") -> int:
    """A portal sender proved their address: their unverified feedback joins the customer of that
    address (found or created) and counts as evidence from now on. Returns how many items."""
    items = list(
        Feedback.objects.select_for_update().filter(workspace_id=workspace.pk, unverified_email=email)
    )
    if not items:
        return 0
    errors: list = []
    spec = clean_customer({"name": name, "email": email}, errors)
    customer = customers_for(workspace.pk, [spec])[spec.key]
    now = timezone.now()
    with acting_via("portal"):
        for fb in items:
            fb.customer, fb.unverified_email = customer, ""
            fb.updated_at, fb.version = now, fb.version + 1
            record(workspace=workspace, actor=None, action="sender_verified", obj=fb,
                   before={"customer_id": None, "unverified_email": email},
                   after={"customer_id": customer.pk, "unverified_email": ""})  # fmt: skip
    Feedback.objects.bulk_update(items, ["customer", "unverified_email", "updated_at", "version"])
    evidence.refresh_for(workspace.pk, _ideas_of_feedback([fb.pk for fb in items]))
    return len(items)


def _may_edit(member: Membership, fb: Feedback) -> None:
    """Editors edit anyone's feedback; contributors their own."""
    own = fb.captured_by_id == member.user_id and can(member, "feedback.create")
    if not own:
        require(member, "feedback.edit")


@transaction.atomic
def feedback_update(
    *,
    member: Membership,
    feedback_id: int,
    version: int,
    text: str | None = None,
    title: str | None = None,
    source: str | None = None,
    status: str | None = None,
    received_at: datetime | None = None,
    customer_id: int | None = None,
    customer: dict | None = None,
    clear_customer: bool = False,
) -> Feedback:
    fb = get_feedback(member, feedback_id)
    _may_edit(member, fb)
    before = _feedback_snapshot(fb)
    row = clean_row(
        {
            "text": fb.text if text is None else text,
            "title": fb.title if title is None else title,
            "source": fb.source if source is None else source,
            "received_at": fb.received_at if received_at is None else received_at,
        }
    )
    _raise_row(row)
    fb.text, fb.title, fb.source = row.text, row.title, row.source
    fb.received_at = row.received_at or fb.received_at
    if status is not None and status != fb.status:
        fb.status = _triage_status(fb, status)
    if clear_customer:
        fb.customer = None
    elif customer_id or customer:
        fb.customer = _customer_of(member, customer_id, customer)
        fb.unverified_email = ""  # a member vouches for the customer they chose
    save_versioned(fb, version, [*FEEDBACK_FIELDS, "unverified_email"])
    if before["customer_id"] != fb.customer_id:
        evidence.refresh_for(member.workspace_id, _ideas_of_feedback([fb.pk]))
    record(workspace=member.workspace, actor=member.user, action="updated", obj=fb,
           before=before, after=_feedback_snapshot(fb))
    if (before["text"], before["title"]) != (fb.text, fb.title):
        _announce([fb.pk])
    return fb


def _triage_status(fb: Feedback, status: str) -> str:
    errors: list = []
    clean = clean_status(status, errors)
    if errors:
        raise Invalid.field("status", errors[0][1])
    if clean != FeedbackStatus.ARCHIVED and fb.links.exists():
        return FeedbackStatus.LINKED  # linked feedback stays linked until archived or unlinked
    return clean


@transaction.atomic
def feedback_delete(*, member: Membership, feedback_id: int) -> None:
    fb = get_feedback(member, feedback_id)
    _may_edit(member, fb)
    ideas = _ideas_of_feedback([fb.pk])
    record(workspace=member.workspace, actor=member.user, action="deleted", obj=fb,
           before=_feedback_snapshot(fb))
    fb.delete()
    evidence.refresh_for(member.workspace_id, ideas)


@transaction.atomic
def feedback_bulk(
    *, member: Membership, feedback_ids: list[int], status: str
) -> int:
    """Triage many items at once (mark reviewed, archive, back to new): all of them or none."""
    require(member, "feedback.edit")
    ids = list(dict.fromkeys(feedback_ids))
    if not ids or len(ids) > MAX_BATCH:
        raise Invalid.field("feedback_ids", f"Choose 1 to {MAX_BATCH} feedback items.")
    errors: list = []
    clean = clean_status(status, errors)
    if errors:
        raise Invalid.field("status", errors[0][1])
    items = list(Feedback.objects.filter(workspace_id=member.workspace_id, pk__in=ids))
    if len(items) != len(ids):
        raise Invalid.field("feedback_ids", "One or more items do not exist in this workspace.")
    linked = set(FeedbackLink.objects.filter(feedback_id__in=ids).values_list("feedback_id", flat=True))
    now = timezone.now()
    changed = []
    for fb in items:
        new = FeedbackStatus.LINKED if fb.pk in linked and clean != FeedbackStatus.ARCHIVED else clean
        if new != fb.status:
            record(workspace=member.workspace, actor=member.user, action="updated", obj=fb,
                   before={"status": fb.status}, after={"status": new})
            fb.status, fb.updated_at, fb.version = new, now, fb.version + 1
            changed.append(fb)
    Feedback.objects.bulk_update(changed, ["status", "updated_at", "version"], batch_size=1000)
    return len(changed)


# ---------------------------------------------------------------- batches and imports


def create_rows(
    *,
    member: Membership,
    rows: list[CleanRow],
    label: str,
    progress: Callable[[int, int], None] | None = None,
) -> list[Feedback]:
    """Create already-validated rows in bulk (a few queries per thousand rows) with one audit entry.

    Per-item audit entries would triple an import of 10,000 rows; the single entry names the count
    and the ids stay traceable through created_at and captured_by."""
    customers = customers_for(member.workspace_id, [r.customer for r in rows if r.customer])
    now = timezone.now()
    items = [
        Feedback(
            workspace_id=member.workspace_id,
            text=r.text,
            title=r.title,
            source=r.source,
            status=r.status,
            customer=customers[r.customer.key] if r.customer else None,
            captured_by=member.user,
            received_at=r.received_at or now,
            created_at=now,
            updated_at=now,
        )
        for r in rows
    ]
    for start in range(0, len(items), 1000):
        Feedback.objects.bulk_create(items[start : start + 1000])
        if progress:
            progress(min(start + 1000, len(items)), len(items))
    if items and items[0].pk is None:  # a backend that does not return ids from bulk inserts
        items = list(
            Feedback.objects.filter(workspace_id=member.workspace_id, created_at=now,
                                    captured_by=member.user).order_by("id")
        )
    record(
        workspace=member.workspace,
        actor=member.user,
        action="imported",
        object_type="feedback",
        object_id="",
        object_label=f"{len(items)} feedback items ({label})",
        after={"count": len(items), "first_id": items[0].pk if items else None,
               "last_id": items[-1].pk if items else None},
    )
    _announce([fb.pk for fb in items])
    return items


@transaction.atomic
def feedback_batch_create(*, member: Membership, items: list[dict]) -> list[Feedback]:
    """API batches: up to 1,000 rows, all or none; every bad row is named ("items[3].text")."""
    require(member, "feedback.create")
    if len(items) > MAX_BATCH:
        raise Invalid.field("items", f"At most {MAX_BATCH} items per batch.")
    if not items:
        raise Invalid.field("items", "Send at least one item.")
    rows: list[CleanRow] = []
    errors: list[FieldError] = []
    for n, data in enumerate(items):
        flat = dict(data)
        customer = flat.pop("customer", None) or {}
        flat.update({f"customer_{k}" if k in ("name", "email") else k: v for k, v in customer.items()})
        row = clean_row(flat, default_source=Source.API)
        errors.extend(FieldError(f"items[{n}].{f}", m) for f, m in row.errors)
        rows.append(row)
    customer_ids = {d["customer_id"] for d in items if d.get("customer_id")}
    known = set(
        Customer.objects.filter(workspace_id=member.workspace_id, pk__in=customer_ids).values_list("pk", flat=True)
    )
    for n, data in enumerate(items):
        if data.get("customer_id") and data["customer_id"] not in known:
            errors.append(FieldError(f"items[{n}].customer_id", "No such customer in this workspace."))
    if errors:
        bad = len({e.field.split("]")[0] for e in errors})
        raise Invalid(f"{bad} of {len(items)} items are invalid; nothing was created.", errors)
    created = create_rows(member=member, rows=rows, label="API batch")
    by_id = [d.get("customer_id") for d in items]
    with_ids = [(fb, cid) for fb, cid in zip(created, by_id, strict=True) if cid]
    for fb, cid in with_ids:
        fb.customer_id = cid
    Feedback.objects.bulk_update([fb for fb, _ in with_ids], ["customer_id"], batch_size=1000)
    return created


# ---------------------------------------------------------------- links


def _linkable_idea(member: Membership, idea_id: int) -> Idea:
    try:
        idea = get_idea(member, idea_id)
    except NotFound as exc:
        raise Invalid.field("idea_id", "No such idea in this workspace.") from exc
    if idea.status == IdeaStatus.MERGED:
        raise Conflict("This idea was merged into another; link the feedback to that one.")
    return idea


def _clean_quote(fb: Feedback, quote: str) -> str:
    quote = (quote or "").strip()
    if quote and quote not in fb.text:
        # Browsers select rendered text: whitespace may differ from the Markdown source.
        squeezed = " ".join(quote.split())
        if squeezed not in " ".join(fb.text.split()):
            raise Invalid.field("quote", "The quote must be a passage of the feedback text.")
        quote = squeezed
    if len(quote) > 5000:
        raise Invalid.field("quote", "At most 5000 characters.")
    return quote


def _clean_importance(importance: str) -> str:
    if importance not in Importance.values:
        raise Invalid.field("importance", f"Use one of {', '.join(Importance.values)}.")
    return importance


def _link_snapshot(link: FeedbackLink) -> dict:
    return snapshot(link, ["feedback_id", "idea_id", "quote", "importance"])


def _mark_linked(feedback_ids: list[int]) -> None:
    Feedback.objects.filter(pk__in=feedback_ids).exclude(
        status__in=[FeedbackStatus.LINKED, FeedbackStatus.ARCHIVED]
    ).update(status=FeedbackStatus.LINKED, updated_at=timezone.now())


@transaction.atomic
def link_create(
    *,
    member: Membership,
    feedback_id: int,
    idea_id: int,
    quote: str = "",
    importance: str = Importance.IMPORTANT,
) -> FeedbackLink:
    require(member, "feedback_link.create")
    fb = get_feedback(member, feedback_id, for_update=True)
    idea = _linkable_idea(member, idea_id)
    if FeedbackLink.objects.filter(feedback=fb, idea=idea).exists():
        raise Conflict("This feedback is already linked to this idea.",
                       [FieldError("idea_id", "already linked")])
    link = FeedbackLink.objects.create(
        feedback=fb,
        idea=idea,
        quote=_clean_quote(fb, quote),
        importance=_clean_importance(importance),
        created_by=member.user,
    )
    _mark_linked([fb.pk])
    evidence.refresh_for(member.workspace_id, [idea.pk])
    record(workspace=member.workspace, actor=member.user, action="created", obj=link,
           object_label=f"{fb} -> {idea}", after=_link_snapshot(link))
    return link


@transaction.atomic
def links_create(
    *, member: Membership, idea_id: int, feedback_ids: list[int], importance: str = Importance.IMPORTANT
) -> list[FeedbackLink]:
    """Link several items to one idea in one go (the idea page's "link selected"); items already
    linked to it are skipped."""
    require(member, "feedback_link.create")
    ids = list(dict.fromkeys(feedback_ids))
    if not ids or len(ids) > MAX_BATCH:
        raise Invalid.field("feedback_ids", f"Choose 1 to {MAX_BATCH} feedback items.")
    idea = _linkable_idea(member, idea_id)
    items = list(Feedback.objects.filter(workspace_id=member.workspace_id, pk__in=ids))
    if len(items) != len(ids):
        raise Invalid.field("feedback_ids", "One or more items do not exist in this workspace.")
    importance = _clean_importance(importance)
    taken = set(FeedbackLink.objects.filter(idea=idea, feedback_id__in=ids).values_list("feedback_id", flat=True))
    links = [
        FeedbackLink(feedback=fb, idea=idea, importance=importance, created_by=member.user)
        for fb in items
        if fb.pk not in taken
    ]
    FeedbackLink.objects.bulk_create(links)
    _mark_linked([link.feedback_id for link in links])
    evidence.refresh_for(member.workspace_id, [idea.pk])
    for link in links:
        record(workspace=member.workspace, actor=member.user, action="created",
               object_type="feedbacklink", object_id=link.pk or "",
               object_label=f"{link.feedback} -> {idea}", after=_link_snapshot(link))
    return links


def get_link(member: Membership, link_id: int) -> FeedbackLink:
    link = (
        FeedbackLink.objects.select_related("feedback", "idea")
        .filter(pk=link_id, feedback__workspace_id=member.workspace_id)
        .first()
    )
    if link is None:
        raise NotFound("No such link in this workspace.")
    return link


@transaction.atomic
def link_update(
    *, member: Membership, link_id: int, quote: str | None = None, importance: str | None = None
) -> FeedbackLink:
    link = get_link(member, link_id)
    _may_change_link(member, link)
    before = _link_snapshot(link)
    if quote is not None:
        link.quote = _clean_quote(link.feedback, quote)
    if importance is not None:
        link.importance = _clean_importance(importance)
    link.save(update_fields=["quote", "importance"])
    if before["importance"] != link.importance:
        evidence.refresh_for(member.workspace_id, [link.idea_id])
    record(workspace=member.workspace, actor=member.user, action="updated", obj=link,
           object_label=f"{link.feedback} -> {link.idea}", before=before, after=_link_snapshot(link))
    return link


def _may_change_link(member: Membership, link: FeedbackLink) -> None:
    """Editors change any link; contributors the links they made."""
    if not (link.created_by_id == member.user_id and can(member, "feedback_link.create")):
        require(member, "feedback_link.delete")


@transaction.atomic
def link_delete(*, member: Membership, link_id: int) -> None:
    link = get_link(member, link_id)
    _may_change_link(member, link)
    fb, idea_id = link.feedback, link.idea_id
    record(workspace=member.workspace, actor=member.user, action="deleted", obj=link,
           object_label=f"{fb} -> {link.idea}", before=_link_snapshot(link))
    link.delete()
    if fb.status == FeedbackStatus.LINKED and not fb.links.exists():
        Feedback.objects.filter(pk=fb.pk).update(status=FeedbackStatus.REVIEWED, updated_at=timezone.now())
    evidence.refresh_for(member.workspace_id, [idea_id])


def on_idea_status_changed(sender, idea, old_status: str, new_status: str, **kwargs) -> None:
    """Receiver of accord.ideas.signals.idea_status_changed (sent on commit): a merged idea's
    feedback moves to the idea it was merged into."""
    if new_status != IdeaStatus.MERGED:
        return
    target_id = Idea.objects.filter(pk=idea.pk).values_list("merged_into_id", flat=True).first()
    if target_id:
        with transaction.atomic():
            links_follow_merge(workspace_id=idea.workspace_id, source_id=idea.pk, target_id=target_id)


def links_follow_merge(*, workspace_id: int, source_id: int, target_id: int) -> None:
    """When an idea is merged into another, its feedback links move to the survivor (a link the
    survivor already has is kept once), and both ideas' evidence is refreshed."""
    taken = set(FeedbackLink.objects.filter(idea_id=target_id).values_list("feedback_id", flat=True))
    moving = FeedbackLink.objects.filter(idea_id=source_id)
    moving.exclude(feedback_id__in=taken).update(idea_id=target_id)
    moving.delete()
    evidence.refresh_for(workspace_id, [source_id, target_id])
