"""How imports read in the history (registered with accord.audit.history)."""

from django.urls import reverse

from accord.audit import history as h

from .models import ImportSource, ImportTarget

SOURCE_NAMES = {"jira": "Jira", "trello": "Trello", "github": "GitHub", "csv": "a spreadsheet"}


def _tell(entry, lookup: h.Lookup) -> h.Told | None:
    if entry.action != "imported":
        return None
    after = entry.after or {}
    target = dict(ImportTarget.choices).get(after.get("target"), "objects").lower()
    counts = ", ".join(f"{after.get(k, 0)} {k}" for k in ("created", "updated", "skipped"))
    return h.Told(
        f"imported {target} from {SOURCE_NAMES.get(after.get('source'), 'a file')} ({h.OBJ})",
        [h.Detail(f"{counts}.")],
    )


def register() -> None:
    h.register(h.ObjectType(
        key="import", noun="import", title="Import", tell=_tell,
        url=lambda slug, pk: reverse("imports_page", args=[slug]),
        fields={
            "source": h.Field("Source", kind="choice", choices=dict(ImportSource.choices)),
            "target": h.Field("Into", kind="choice", choices=dict(ImportTarget.choices)),
            "file": h.Field("File"),
        },
        action_titles={"imported": "Imported"},
    ))  # fmt: skip
