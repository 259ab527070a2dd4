"""Ranking quality on real data: IS-22 (Dabrowski et al., Information Systems 114, 2023, MIT).

Nine app feature descriptions ("Offline listening", "Bid item", ...) play ideas, 410 Google Play
reviews play feedback, each annotated relevant or not to one feature. Every review is ranked for
every feature with the product's own code path (indexing.index_feedback, then
selectors.rank_for_idea) and the mean average precision is reported, for the hybrid and for each
half alone (same code, lexical weight 0 or 1).

The CSV stays in the shared data folder beside the repository, as its SOURCES.md asks
(`../shared/data/feedback/`); ACCORD_SHARED_DATA points elsewhere.
"""

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from accord.feedback.models import Feedback, Source
from accord.ideas.models import Idea
from accord.workspaces.models import Workspace

from . import indexing, ranking, selectors

CSV_NAME = "feedback/is22_feature_specific_reviews.csv"


def data_path() -> Path:
    root = os.environ.get("ACCORD_SHARED_DATA")
    base = Path(root) if root else Path(__file__).resolve().parents[5] / "shared" / "data"
    return base / CSV_NAME


@dataclass(frozen=True)
class Review:
    text: str
    feature: str
    relevant: bool


def load(path: Path | None = None) -> list[Review]:
    with open(path or data_path(), newline="", encoding="utf-8") as f:
        return [
            Review(row["review_text"], row["feature_query"], row["relevant"] == "True")
            for row in csv.DictReader(f)
        ]


def average_precision(ranked: list[int], relevant: set[int]) -> float:
    hits, total = 0, 0.0
    for rank, pk in enumerate(ranked, start=1):
        if pk in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant) if relevant else 0.0


@dataclass(frozen=True)
class Result:
    hybrid: float
    embedding: float
    lexical: float
    ideas: int
    feedback: int


def evaluate(workspace: Workspace, reviews: list[Review]) -> Result:
    """Load the reviews into this (empty) workspace, index them, rank, score. Leaves the data."""
    items = Feedback.objects.bulk_create(
        Feedback(workspace=workspace, text=r.text, source=Source.REVIEW) for r in reviews
    )
    indexing.index_feedback(fb.pk for fb in items)
    ideas = {
        feature: Idea.objects.create(workspace=workspace, title=feature)
        for feature in dict.fromkeys(r.feature for r in reviews)
    }
    relevant: dict[str, set[int]] = {f: set() for f in ideas}
    for fb, review in zip(items, reviews, strict=True):
        if review.relevant:
            relevant[review.feature].add(fb.pk)
    scores: dict[str, list[float]] = {"hybrid": [], "embedding": [], "lexical": []}
    for feature, idea in ideas.items():
        scores["hybrid"].append(
            average_precision([pk for pk, _ in selectors.rank_for_idea(idea)], relevant[feature])
        )
        vector = selectors.idea_vectors([idea])[idea.pk]
        text = selectors.idea_text(idea)
        for half, weight in (("embedding", 0.0), ("lexical", 1.0)):
            ranked = ranking.hybrid(workspace.pk, text, vector, exhaustive=True, lexical_weight=weight)
            scores[half].append(average_precision([pk for pk, *_ in ranked], relevant[feature]))
    return Result(
        **{k: sum(v) / len(v) for k, v in scores.items()}, ideas=len(ideas), feedback=len(items)
    )
