"""Reads of the similarity index: related feedback for an idea, duplicates and likely ideas for a
feedback item, themes of unlinked feedback, and how far embedding has got.

Each runs a few queries, not one per item; the vectors come from ranking.vectors (cached matrix).
"""

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.db.models import Exists, OuterRef

from accord.feedback.models import Feedback, FeedbackLink, FeedbackStatus
from accord.ideas.models import Idea, IdeaStatus

from . import engine, indexing, lexical, ranking
from .models import IdeaVector

# A suggestion needs a good hybrid score, or a close meaning even without shared words (a small
# workspace's full-text scores say little: a word in most items has no weight).
MIN_RELATED = 0.3
MIN_RELATED_COSINE = 0.4
DUPLICATE_MIN = 0.82  # cosine: restatements of the same request score 0.85-0.95
LIKELY_IDEA_MIN = 0.45  # cosine between a feedback text and an idea's text
THEME_SIMILARITY = 0.45  # cosine to a theme's centre: same topic, not only same product
THEME_MIN_SIZE = 3
THEME_ITEMS = 3000  # the most recent unlinked items are clustered
CLOSED_IDEAS = (IdeaStatus.MERGED, IdeaStatus.REJECTED, IdeaStatus.DONE)


class _Percent:
    score: float

    @property
    def percent(self) -> int:
        """The score as a whole percentage, for people."""
        return round(max(0.0, min(1.0, self.score)) * 100)


@dataclass(frozen=True)
class Scored(_Percent):
    feedback: Feedback
    score: float


@dataclass(frozen=True)
class LikelyIdea(_Percent):
    idea: Idea
    score: float


@dataclass(frozen=True)
class Theme:
    label: str  # the most distinctive words, e.g. "offline · download · playlists"
    summary: str  # the central item's opening words
    size: int
    revenue: float  # sum of the distinct customers' revenue weights
    items: list[Feedback]  # the central ones first


@dataclass(frozen=True)
class IndexStatus:
    total: int
    pending: int

    @property
    def done(self) -> int:
        return self.total - self.pending

    @property
    def percent(self) -> int:
        return 100 if not self.total else math.floor(100 * self.done / self.total)


def idea_text(idea: Idea) -> str:
    return "\n".join(part.strip() for part in (idea.title, idea.description, idea.problem) if part)


def idea_vectors(ideas: list[Idea]) -> dict[int, np.ndarray]:
    """idea id -> vector; embeds (and stores) only ideas whose text changed since last time."""
    wanted = {idea.pk: (idea, hashlib.sha256(idea_text(idea).encode()).hexdigest()) for idea in ideas}
    stored = {
        v.idea_id: v for v in IdeaVector.objects.filter(idea_id__in=list(wanted))
    }
    out: dict[int, np.ndarray] = {}
    stale = []
    for pk, (idea, digest) in wanted.items():
        hit = stored.get(pk)
        if hit is not None and hit.text_hash == digest:
            out[pk] = engine.from_bytes(hit.vector)
        else:
            stale.append((idea, digest))
    if stale:
        # A cache write inside a read: the vector is derived data, recomputed whenever missing.
        fresh = engine.embed([idea_text(idea) for idea, _ in stale])
        for (idea, digest), vector in zip(stale, fresh, strict=True):
            IdeaVector.objects.update_or_create(
                idea_id=idea.pk,
                defaults={"workspace_id": idea.workspace_id, "text_hash": digest,
                          "vector": engine.to_bytes(vector)},
            )
            out[idea.pk] = vector
    return out


def rank_for_idea(idea: Idea) -> list[tuple[int, float]]:
    """Every embedded feedback item of the workspace, best match first: the same ranking the
    idea page uses, without filters or cut (what the evaluation measures)."""
    vector = idea_vectors([idea])[idea.pk]
    ranked = ranking.hybrid(idea.workspace_id, idea_text(idea), vector, exhaustive=True)
    return [(pk, score) for pk, score, _ in ranked]


def related_for_idea(*, idea: Idea, limit: int = 10) -> list[Scored]:
    """Feedback that is probably about this idea and not linked to it yet (nor archived)."""
    vector = idea_vectors([idea])[idea.pk]
    ranked = [
        (pk, score)
        for pk, score, cosine in ranking.hybrid(idea.workspace_id, idea_text(idea), vector)
        if score >= MIN_RELATED or cosine >= MIN_RELATED_COSINE
    ]
    if not ranked:
        return []
    linked = FeedbackLink.objects.filter(feedback=OuterRef("pk"), idea=idea)
    top: list[tuple[int, float]] = []
    # Best first, a few more than needed at a time: usually one small query settles it.
    chunk = 3 * limit + 20
    for start in range(0, len(ranked), chunk):
        part = ranked[start : start + chunk]
        allowed = set(
            Feedback.objects.filter(workspace_id=idea.workspace_id, pk__in=[pk for pk, _ in part])
            .exclude(status=FeedbackStatus.ARCHIVED)
            .exclude(Exists(linked))
            .values_list("pk", flat=True)
        )
        top.extend((pk, s) for pk, s in part if pk in allowed)
        if len(top) >= limit:
            break
    top = top[:limit]
    rows = Feedback.objects.filter(pk__in=[pk for pk, _ in top]).select_related("customer").defer("embedding")
    found = {fb.pk: fb for fb in rows}
    return [Scored(found[pk], s) for pk, s in top if pk in found]


def is_indexed(feedback: Feedback) -> bool:
    """Has a current vector (an edit clears it until the text is embedded again)."""
    return Feedback.objects.filter(pk=feedback.pk, embedding__isnull=False).exists()


def _vector_of(feedback: Feedback) -> np.ndarray | None:
    data = Feedback.objects.filter(pk=feedback.pk).values_list("embedding", flat=True).first()
    return None if data is None else engine.from_bytes(data)


def duplicates_of(*, feedback: Feedback, limit: int = 5, min_score: float = DUPLICATE_MIN) -> list[Scored]:
    """Other feedback saying the same thing (cosine >= min_score), most similar first."""
    vector = _vector_of(feedback)
    if vector is None:
        return []
    near = [
        (pk, s)
        for pk, s in ranking.nearest(feedback.workspace_id, vector, limit + 1)
        if pk != feedback.pk and s >= min_score
    ]
    found = {
        fb.pk: fb
        for fb in Feedback.objects.filter(workspace_id=feedback.workspace_id, pk__in=[pk for pk, _ in near])
        .select_related("customer")
        .defer("embedding")
    }
    return [Scored(found[pk], s) for pk, s in near if pk in found][:limit]


def likely_ideas(*, feedback: Feedback, limit: int = 3, min_score: float = LIKELY_IDEA_MIN) -> list[LikelyIdea]:
    """Open ideas this feedback is probably about, not linked to it yet."""
    vector = _vector_of(feedback)
    if vector is None:
        return []
    ideas = list(
        Idea.objects.filter(workspace_id=feedback.workspace_id)
        .exclude(status__in=CLOSED_IDEAS)
        .exclude(feedback_links__feedback=feedback)
        .only("pk", "workspace_id", "title", "description", "problem", "status")
    )
    if not ideas:
        return []
    vectors = idea_vectors(ideas)
    scored = sorted(
        ((float(vectors[i.pk] @ vector), i) for i in ideas), key=lambda t: (-t[0], t[1].pk)
    )
    return [LikelyIdea(idea, s) for s, idea in scored if s >= min_score][:limit]


def index_status(*, workspace_id: int) -> IndexStatus:
    return IndexStatus(
        total=Feedback.objects.filter(workspace_id=workspace_id).count(),
        pending=indexing.pending_count(workspace_id),
    )


# ---------------------------------------------------------------- themes

_WORD = re.compile(r"[a-z][a-z-]{2,}")
# Words customers use in any request: they say nothing about what a theme is about.
FILLER = frozenset(
    """please thanks thank team hi hello hey love like would could should need needs want wants
    really just also make makes made much many more most some every best good great nice out day
    days time way ways thing things still even one two lot bit able use using used let lets
    quick request feature product app today honestly currently""".split()
)


def _words(text: str) -> set[str]:
    # Contractions are dropped whole ("can't"), hyphenated words kept ("e-mail").
    plain = re.sub(r"\b\w+'\w+\b", " ", text.lower())
    return {w.strip("-") for w in _WORD.findall(plain)} - lexical.STOPWORDS - FILLER


def themes(*, workspace_id: int, limit: int = 20) -> list[Theme]:
    """Groups of similar feedback that no idea covers yet: unlinked, not archived, embedded.

    Each theme grows around the item with the most close neighbours (cosine >= THEME_SIMILARITY),
    taking those not yet in a theme; the label is the words most frequent in the theme compared
    with all unlinked feedback (class-based TF-IDF)."""
    rows = list(
        Feedback.objects.filter(workspace_id=workspace_id, embedding__isnull=False)
        .exclude(status=FeedbackStatus.ARCHIVED)
        .exclude(Exists(FeedbackLink.objects.filter(feedback=OuterRef("pk"))))
        .order_by("-received_at", "-pk")
        .values_list("pk", "title", "text", "embedding")[:THEME_ITEMS]
    )
    if len(rows) < THEME_MIN_SIZE:
        return []
    ids = [row[0] for row in rows]
    matrix = np.frombuffer(b"".join(bytes(row[3]) for row in rows), dtype=np.float32).reshape(
        len(rows), engine.DIMENSION
    )
    close = (matrix @ matrix.T) >= THEME_SIMILARITY
    groups: list[list[int]] = []
    taken = np.zeros(len(ids), dtype=bool)
    for centre in np.argsort(-close.sum(axis=1), kind="stable"):
        if taken[centre]:
            continue
        members = np.flatnonzero(close[centre] & ~taken)
        if len(members) < THEME_MIN_SIZE:
            continue
        # Central items first: the most similar to the rest of the group.
        centrality = (matrix[members] @ matrix[members].T).mean(axis=1)
        groups.append([ids[m] for m in members[np.argsort(-centrality, kind="stable")]])
        taken[members] = True
        if len(groups) == limit:
            break
    if not groups:
        return []
    items = {
        fb.pk: fb
        for fb in Feedback.objects.filter(pk__in=[pk for g in groups for pk in g])
        .select_related("customer")
        .defer("embedding")
    }
    # Document frequencies over every candidate, to find each theme's distinctive words.
    words = {pk: _words(f"{title} {text}") for pk, title, text, _ in rows}
    df = Counter(w for ws in words.values() for w in ws)
    out = []
    for members in groups:
        tf = Counter(w for pk in members for w in words[pk])
        score = {
            w: (n / len(members)) * math.log(len(ids) / df[w]) for w, n in tf.items() if n >= 2
        }
        top: list[str] = []
        for word in sorted(score, key=lambda w: (-score[w], w)):
            if not any(_same_word(word, other) for other in top):
                top.append(word)
            if len(top) == 3:
                break
        central = items[members[0]]
        customers = {fb.customer_id: fb.customer.revenue_weight for fb in (items[m] for m in members) if fb.customer}
        out.append(
            Theme(
                label=" · ".join(top) or _opening(central),
                summary=_opening(central),
                size=len(members),
                revenue=float(sum(customers.values())),
                items=[items[m] for m in members],
            )
        )
    return sorted(out, key=lambda t: -t.size)


def _same_word(a: str, b: str) -> bool:
    """invoice / invoices, export / exports: one label word is enough."""
    return a.rstrip("s") == b.rstrip("s") or a.removesuffix("es") == b or b.removesuffix("es") == a


def _opening(feedback: Feedback, length: int = 110) -> str:
    text = (feedback.text or feedback.title).strip().split("\n")[0]
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"
