"""How glossary terms read in the history (registered with accord.audit.history)."""

from django.urls import reverse

from accord.audit import history as h

from .marking import AUDIENCE_LABELS, AUDIENCES
from .models import Term, TermStatus


def _tell(entry, lookup: h.Lookup) -> h.Told | None:
    if entry.action == "flagged":
        note = (entry.after or {}).get("flag_note", "")
        return h.Told(
            f"flagged conflicting definitions of {h.OBJ}",
            [h.Detail("", markdown=note)] if note else [],
        )
    if entry.action == "reviewed":
        note = (entry.after or {}).get("note", "")
        return h.Told(
            f"settled the review of {h.OBJ}", [h.Detail("", markdown=note)] if note else []
        )
    return None


def register() -> None:
    h.register_resolver(
        "glossary term",
        lambda ws, ids: dict(
            Term.objects.filter(workspace_id=ws, pk__in=ids).values_list("pk", "name")
        ),
    )
    fields = {
        "name": h.Field("Term"),
        "synonyms": h.Field("Synonyms", kind="list"),
        "status": h.Field("Status", kind="choice", choices=dict(TermStatus.choices)),
        "owner_id": h.Field("Owner", kind="ref", ref="person"),
        "examples": h.Field("Examples", kind="markdown"),
        "related": h.Field("Related terms", kind="refs", ref="glossary term"),
        **{
            f"definition_{a}": h.Field(f"{AUDIENCE_LABELS[a]} definition", kind="markdown")
            for a in AUDIENCES
        },
    }
    h.register(h.ObjectType(
        key="glossary term", noun="term", resolver="glossary term", title="Glossary term",
        url=lambda slug, pk: reverse("glossary_term", args=[slug, pk]),
        tell=_tell, quiet={"name"}, fields=fields,
        actions={"agreed": f"agreed the definitions of {h.OBJ}"},
        action_titles={"agreed": "Agreed", "flagged": "Flagged", "reviewed": "Reviewed"},
    ))  # fmt: skip
