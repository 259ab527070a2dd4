"""Keeping the index current: embed feedback texts and write their full-text rows.

Feedback.embedding IS NULL means "to do": an edit clears it at once (so a stale vector is never
used), then the texts are embedded inline when a few changed, or by the background worker in
chunks (imports). `accord manage embed_feedback` drains whatever is left, with progress.
"""

import logging
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from accord.feedback.models import Feedback

from . import engine, lexical
from .models import IndexState, new_stamp

log = logging.getLogger("accord.feedback.similarity")

INLINE_MAX = 8  # a handful of texts embed in well under a second: no need for the worker
INLINE_BATCH = 48  # at most this many waiting texts are embedded inline at once (~0.5 s)
TASK_CHUNK = 500  # one background task per this many texts (a few seconds of work)
BATCH = 256  # texts embedded and written per transaction


def document(title: str, text: str) -> str:
    """What is embedded and searched: the title (if any) and the text."""
    return f"{title.strip()}\n{text.strip()}".strip()


def index_feedback(feedback_ids: Iterable[int], *, only_pending: bool = False) -> int:
    """Embed and full-text index these feedback items; returns how many were written.

    A vector is written only if the text is still the one embedded (compare-and-set), so a worker
    that read an old text never overwrites the clearing done by a newer edit. only_pending skips
    items that already have a vector (a retried or duplicate task costs nothing)."""
    ids = sorted(set(feedback_ids))
    done = 0
    for start in range(0, len(ids), BATCH):
        qs = Feedback.objects.filter(pk__in=ids[start : start + BATCH])
        if only_pending:
            qs = qs.filter(embedding__isnull=True)
        rows = list(qs.order_by("pk").values_list("pk", "workspace_id", "title", "text"))
        if not rows:
            continue
        texts = [document(title, text) for _, _, title, text in rows]
        vectors = engine.embed(texts)
        now = timezone.now()
        with transaction.atomic():
            written = [
                (pk, ws, doc)
                for (pk, ws, title, text), doc, vector in zip(rows, texts, vectors, strict=True)
                if Feedback.objects.filter(pk=pk, title=title, text=text).update(
                    embedding=engine.to_bytes(vector), embedded_at=now
                )
            ]
            lexical.upsert(written)
            bump({ws for _, ws, _ in written})
        done += len(written)
    return done


def bump(workspace_ids: Iterable[int]) -> None:
    """Tell every process that these workspaces' vectors changed (see ranking.vectors). A random
    stamp, not a counter: a restored backup or a rolled-back test cannot bring an old one back."""
    for workspace_id in workspace_ids:
        IndexState.objects.update_or_create(workspace_id=workspace_id, defaults={"stamp": new_stamp()})


def pending(workspace_id: int | None = None):
    qs = Feedback.objects.filter(embedding__isnull=True)
    return qs if workspace_id is None else qs.filter(workspace_id=workspace_id)


def pending_count(workspace_id: int) -> int:
    return pending(workspace_id).count()


def index_pending(
    workspace_id: int | None = None, progress: Callable[[int, int], None] | None = None
) -> int:
    """Embed every item still to do (oldest first); progress(done, total) after each batch."""
    ids = list(pending(workspace_id).order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), BATCH):
        done += index_feedback(ids[start : start + BATCH], only_pending=True)
        if progress:
            progress(done, len(ids))
    lexical.prune()
    return done


def on_feedback_text_changed(sender, feedback_ids: list[int], **kwargs) -> None:
    """Receiver of accord.feedback.signals.feedback_text_changed (sent on commit)."""
    from .tasks import index_feedback_task

    ids = sorted(set(feedback_ids))
    if not ids:
        return
    # An edited text must not be matched by its old vector while it waits for the worker.
    cleared = Feedback.objects.filter(pk__in=ids, embedding__isnull=False)
    bump(set(cleared.values_list("workspace_id", flat=True)))
    cleared.update(embedding=None)
    if len(ids) > INLINE_MAX:
        for start in range(0, len(ids), TASK_CHUNK):
            index_feedback_task.enqueue(ids[start : start + TASK_CHUNK])
        return
    # A burst of single captures (a demo, a busy portal) commits many of these one after the
    # other: the first one embeds its neighbours still waiting too, in one batch, and the next
    # ones find their text done.
    waiting = list(pending().filter(pk__in=ids).values_list("pk", "workspace_id"))
    if not waiting:
        return
    others = pending().filter(workspace_id__in={ws for _, ws in waiting}).exclude(pk__in=ids)
    batch = [pk for pk, _ in waiting] + list(others.order_by("pk").values_list("pk", flat=True)[: INLINE_BATCH - len(waiting)])
    try:
        index_feedback(batch, only_pending=True)
    except engine.ModelMissing:
        log.warning("embedding model missing: %d feedback items left to embed", len(batch))
