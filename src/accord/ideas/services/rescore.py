"""Compute scores from agreed inputs, for one idea or a whole model, and write them in bulk."""

import json
import math
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from operator import itemgetter

from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from accord.ideas import scoring
from accord.ideas.models import Criterion, IdeaScore, ModelKind, ScoringModel

KANO_KEYS = ("A", "O", "M", "I", "R", "Q")
# Ties for the majority go to the category that hurts most when ignored (as in accord.ideas.scoring).
KANO_TIE_ORDER = ("M", "O", "A", "I", "R", "Q")


def specs_of(criteria: Iterable[Criterion]) -> list[scoring.CriterionSpec]:
    return [
        scoring.CriterionSpec(
            key=c.key,
            name=c.name,
            role=c.role,
            weight=c.weight,
            scale_min=c.scale_min,
            scale_max=c.scale_max,
            allowed=tuple(c.allowed) if c.allowed else None,
        )
        for c in criteria
    ]


class Scorer:
    """Everything needed to score under one model, prepared once (criteria, compiled formula)."""

    def __init__(self, model: ScoringModel, criteria: list[Criterion] | None = None):
        self.model = model
        self.specs = specs_of(criteria if criteria is not None else model.criteria.all())
        self.options = model.options or {}
        formula_text = model.formula if model.kind == ModelKind.FORMULA else None
        self.formula = (
            scoring.compile_formula(formula_text, [s.key for s in self.specs])
            if formula_text
            else None
        )
        self._terms = self._weighted_terms() if model.kind == ModelKind.WEIGHTED else None

    def _weighted_terms(self) -> list[tuple[str, float, float, float, bool]] | None:
        """(key, weight, scale min, scale max, is benefit) of each benefit or cost criterion, for
        stored() to sum directly; None when a criterion has fixed steps or no positive maximum
        (then scoring.weighted_score does it all)."""
        terms = []
        for spec in self.specs:
            if spec.role not in ("benefit", "cost"):
                continue  # "input" criteria take no part in a weighted sum
            if spec.allowed is not None or not spec.scale_max > 0:
                return None
            benefit = spec.role == "benefit"
            terms.append((spec.key, float(spec.weight), spec.scale_min, spec.scale_max, benefit))
        return terms

    def score(self, inputs: dict) -> scoring.ScoreResult:
        if not inputs:
            return scoring.ScoreResult(
                value=None, undefined_reason="not scored yet", breakdown={}, explanation=""
            )
        if self.model.kind == ModelKind.KANO:
            return kano_result(inputs)
        try:
            return scoring.score(
                self.model.kind, self.specs, inputs, formula=self.formula, options=self.options
            )
        except scoring.ScoreUndefined as exc:
            return scoring.ScoreResult(
                value=None, undefined_reason=exc.reason, breakdown={}, explanation=""
            )

    def stored(self, inputs: dict) -> tuple[float | None, str, str]:
        """What rescore() writes for these inputs: (value to 4 places, category, undefined reason).

        Exactly what score() gives, without the breakdown and the explanation it also writes out
        and a stored score does not keep (for a weighted score that text cost four times the sum).
        A weighted score whose values are all plain numbers on their scales is summed here, term
        for term as scoring.weighted_score sums it; anything else goes through the scoring engine,
        which says what is wrong.
        """
        if not inputs:
            return None, "", "not scored yet"
        if self._terms is not None:
            parts = []
            for key, weight, low, high, benefit in self._terms:
                raw = inputs.get(key)
                if type(raw) is not float and type(raw) is not int:
                    break  # missing, text, true/false...: the engine decides
                x = float(raw)
                if not low <= x <= high:  # also NaN and infinities
                    break
                parts.append(weight * (x / high if benefit else (high + low - x) / high))
            else:
                return round(math.fsum(parts), 4), "", ""
        if self.model.kind == ModelKind.WEIGHTED:
            try:
                total, _contributions = scoring.weighted_score(self.specs, inputs)
            except scoring.ScoreUndefined as exc:
                return None, "", exc.reason[:300]
            return round(total, 4), "", ""
        result = self.score(inputs)
        value = None if result.value is None else round(result.value, 4)
        return value, result.category or "", (result.undefined_reason or "")[:300]


def kano_result(counts: dict) -> scoring.ScoreResult:
    """Kano inputs are the counts per category of the respondents' classified answers."""
    pairs_total = {k: int(counts.get(k, 0)) for k in KANO_KEYS}
    core = sum(pairs_total[k] for k in "AOMI")
    if not any(pairs_total.values()):
        return scoring.ScoreResult(
            value=None, undefined_reason="no answers yet", breakdown={}, explanation=""
        )
    majority = max(KANO_KEYS, key=lambda k: (pairs_total[k], -KANO_TIE_ORDER.index(k)))
    if core == 0:
        return scoring.ScoreResult(
            value=None,
            undefined_reason="only reverse or questionable answers",
            breakdown=pairs_total,
            explanation="",
            category=majority,
        )
    better, worse = scoring.kano_coefficients(pairs_total)
    a, o, m = (pairs_total[k] for k in "AOM")
    explanation = (
        f"Better = (A + O) / (A + O + M + I) = ({a} + {o}) / {core} = {better:.2f}; "
        f"Worse = -(O + M) / (A + O + M + I) = -({o} + {m}) / {core} = {worse:.2f}"
    )
    return scoring.ScoreResult(
        value=round(better, 4),
        undefined_reason=None,
        breakdown=pairs_total,
        explanation=explanation,
        category=majority,
        worse=round(worse, 4),
    )


CHUNK = 10_000  # scores per statement when PostgreSQL rescores many
PIPELINED = {"postgresql"}  # the databases whose driver waits for the server without the GIL
SQLITE_BULK_CACHE_KIB = 64 * 1024  # SQLite's page cache while it writes many scores


def rescore(model: ScoringModel, idea_ids: Iterable[int] | None = None) -> int:
    """Recompute the scores of the model's ideas (all, or the given ones). Returns how many were written.

    On PostgreSQL many scores (a weight change rescores every idea) go by chunks, and a helper
    thread decodes and scores the next chunk while the server writes this one (the driver lets go
    of the GIL while it waits), so the Python side costs hardly any time of its own. The helper
    only computes: every query stays in this thread and its transaction. SQLite works inside this
    process and takes the GIL back for every row it is given, so there a helper would only get
    in its way: it gets all the scores in one go.
    """
    scorer = Scorer(model, list(model.criteria.all()))
    rows = IdeaScore.objects.filter(model=model)
    if idea_ids is not None:
        rows = rows.filter(idea_id__in=list(idea_ids))
    # The inputs as JSON text, decoded by score_chunk (as JSONField would decode them).
    found = list(rows.values_list("id", Cast("inputs", output_field=TextField())))
    found.sort(key=itemgetter(0))  # each chunk a narrow range of ids (see bulk_write_scores)
    now = timezone.now()

    def score_chunk(chunk: list[tuple[int, str]]) -> list[tuple[int, float | None, str, str]]:
        return [(score_id, *scorer.stored(json.loads(text) or {})) for score_id, text in chunk]

    if connection.vendor not in PIPELINED or len(found) <= CHUNK:
        bulk_write_scores(score_chunk(found), now=now)
        return len(found)
    chunks = [found[i : i + CHUNK] for i in range(0, len(found), CHUNK)]
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rescore")
    try:
        for results in pool.map(score_chunk, chunks):  # in order; the next one is on its way
            bulk_write_scores(results, now=now)
    finally:
        pool.shutdown(cancel_futures=True)
    return len(found)


def bulk_write_scores(
    results: list[tuple[int, float | None, str, str]], *, now: datetime | None = None
) -> None:
    """One statement per chunk instead of one UPDATE per row: rescoring 100,000 ideas stays fast."""
    if not results:
        return
    now = now or timezone.now()
    table = IdeaScore._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids = [row[0] for row in results]
            # The id range lets the planner read just these rows by the primary key, not hash the
            # whole table for every chunk.
            try:
                # The rows as one JSON text: psycopg writes out text arrays element by element in
                # Python, which cost a quarter of a rescoring. JSON numbers keep floats exact.
                rows = json.dumps(results, allow_nan=False)
            except ValueError:  # NaN or infinity, which JSON has no numbers for
                rows = None
            if rows is not None:
                cursor.execute(
                    f"UPDATE {table} AS s SET value = (v.row->>1)::float8, category = v.row->>2, undefined_reason = v.row->>3, updated_at = %s "  # noqa: S608
                    "FROM json_array_elements(%s::json) AS v(row) "
                    "WHERE s.id = (v.row->>0)::bigint AND s.id BETWEEN %s AND %s",
                    [now, rows, min(ids), max(ids)],
                )
            else:
                _ids, values, categories, reasons = zip(*results, strict=True)
                cursor.execute(
                    f"UPDATE {table} AS s SET value = v.value, category = v.category, undefined_reason = v.reason, updated_at = %s "  # noqa: S608
                    "FROM unnest(%s::bigint[], %s::float8[], %s::text[], %s::text[]) AS v(id, value, category, reason) "
                    "WHERE s.id = v.id AND s.id BETWEEN %s AND %s",
                    [now, ids, list(values), list(categories), list(reasons), min(ids), max(ids)],
                )
        else:
            cache_size = None
            if len(results) > CHUNK:
                # Every score that changes moves in the two indexes on the value: with SQLite's
                # default page cache (2 MB) their pages would go back and forth to the OS, which
                # doubles the time. A bigger cache for this statement only.
                cursor.execute("PRAGMA cache_size")
                cache_size = int(cursor.fetchone()[0])
                cursor.execute(f"PRAGMA cache_size = {SQLITE_BULK_CACHE_KIB * -1}")
            try:
                cursor.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS accord_new_scores (id INTEGER PRIMARY KEY, value REAL, category TEXT, reason TEXT)"
                )
                cursor.execute("DELETE FROM accord_new_scores")
                cursor.executemany("INSERT INTO accord_new_scores VALUES (%s, %s, %s, %s)", results)
                cursor.execute(
                    f"UPDATE {table} SET value = n.value, category = n.category, undefined_reason = n.reason, updated_at = %s "  # noqa: S608
                    "FROM accord_new_scores AS n WHERE n.id = {table}.id".replace("{table}", table),
                    [now],
                )
                cursor.execute("DELETE FROM accord_new_scores")
            finally:
                if cache_size is not None:
                    cursor.execute(f"PRAGMA cache_size = {cache_size}")
