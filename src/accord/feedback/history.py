"""How feedback, customers and feedback links read in the history (registered with
accord.audit.history): "Sofia linked feedback “Export to Excel, please” to idea Excel export"."""

from django.urls import reverse

from accord.audit import history as h

from .models import Customer, Feedback, FeedbackLink, FeedbackStatus, Importance, Source

IMPORTANCE = dict(Importance.choices)


def _customers(workspace_id: int, ids: set) -> dict:
    return dict(Customer.objects.filter(workspace_id=workspace_id, pk__in=ids).values_list("pk", "name"))


def _feedback(workspace_id: int, ids: set) -> dict:
    rows = Feedback.objects.filter(workspace_id=workspace_id, pk__in=ids).only("id", "title", "text")
    return {fb.pk: h.excerpt(fb.title or fb.text, 80) for fb in rows}


def _links(workspace_id: int, ids: set) -> dict:
    return {pk: "" for pk in FeedbackLink.objects.filter(feedback__workspace_id=workspace_id, pk__in=ids).values_list("pk", flat=True)}


def _tell_link(entry, lookup: h.Lookup) -> h.Told | None:
    before, after = entry.before or {}, entry.after or {}
    state = {**before, **after}
    # The label says "<feedback> -> <idea>" as they were; an update keeps only what changed.
    recorded = [*entry.object_label.rsplit(" -> ", 1), ""]
    feedback = lookup.name("feedback", state.get("feedback_id")) or h.excerpt(recorded[0], 80)
    idea = lookup.name("idea", state.get("idea_id")) or recorded[1] or "a deleted idea"
    what = f"feedback “{feedback}”"
    if entry.action == "created":
        details = [h.Detail(f"Importance: {IMPORTANCE.get(after.get('importance'), '')}")] if after.get("importance") else []
        if after.get("quote"):
            details.insert(0, h.Detail(f"Quote: “{h.any_text(after['quote'])}”"))
        return h.Told(f"linked {what} to idea {idea}", details)
    if entry.action == "deleted":
        return h.Told(f"unlinked {what} from idea {idea}")
    changes = h.change_details(LINK, before, after, lookup)
    if len(changes) == 1:
        return h.Told(f"{changes[0].text} on the link of {what} to idea {idea}")
    return h.Told(f"changed the link of {what} to idea {idea}", [h.Detail(h.capfirst(d.text)) for d in changes])


def _link_needs(entry):
    state = {**(entry.before or {}), **(entry.after or {})}
    return [(r, state[k]) for k, r in (("feedback_id", "feedback"), ("idea_id", "idea")) if state.get(k)]


LINK = h.ObjectType(
    key="feedbacklink", noun="", title="Feedback link", resolver="feedbacklink", tell=_tell_link, needs=_link_needs,
    fields={"quote": h.Field("Quote"), "importance": h.Field("Importance", kind="choice", choices=IMPORTANCE),
            "feedback_id": h.Field("Feedback", kind="hidden"), "idea_id": h.Field("Idea", kind="hidden")},
)


def register() -> None:
    h.register_resolver("customer", _customers)
    h.register_resolver("feedback", _feedback)
    h.register_resolver("feedbacklink", _links)
    h.register(LINK)
    h.register(h.ObjectType(
        key="feedback", noun="feedback", resolver="feedback", url=lambda slug, pk: reverse("feedback_detail", args=[slug, pk]),
        quiet={"text"}, nobody="A portal visitor",
        fields={
            "title": h.Field("Title"), "text": h.Field("Text", kind="markdown"),
            "source": h.Field("Source", kind="choice", choices=dict(Source.choices)),
            "customer_id": h.Field("Customer", kind="ref", ref="customer"),
            "status": h.Field("Status", kind="choice", choices=dict(FeedbackStatus.choices)),
            "received_at": h.Field("Received", kind="date"), "unverified_email": h.Field("Sender (not confirmed yet)"),
        },
        actions={"sender_verified": f"confirmed the sender of {h.OBJ}", "imported": "imported {label}"},
        action_titles={"sender_verified": "Sender confirmed"},
    ))
    h.register(h.ObjectType(
        key="customer", noun="customer", resolver="customer", url=lambda slug, pk: reverse("customer_detail", args=[slug, pk]),
        quiet={"name"},
        fields={"name": h.Field("Name"), "email": h.Field("E-mail"), "company": h.Field("Company"),
                "segment": h.Field("Segment"), "revenue_weight": h.Field("Revenue weight", kind="number")},
    ))
