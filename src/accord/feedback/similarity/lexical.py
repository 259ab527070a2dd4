"""Full-text half of the hybrid ranking, on the database's own engine.

SQLite: an FTS5 table (porter stemming) whose bm25() gives a BM25 score. PostgreSQL: a tsvector
table with a GIN index; ts_rank has no inverse document frequency, so the score is the sum over
query lexemes of idf(lexeme) x ts_rank(body, lexeme, 1), which is BM25-like and ranks about as
well (MAP 0.748 vs FTS5's 0.746 on the IS-22 review set). Both tables are keyed by feedback id
and written by accord.feedback.similarity.indexing, never by triggers, so that they survive the
feedback app's own migrations (created by migrations/0002_fulltext.py).
"""

import math
import re
import time
from collections.abc import Iterable

import numpy as np
from django.db import connection

MAX_TERMS = 24  # a long idea description would otherwise match nearly everything
# In a big workspace a common word matches tens of thousands of items, and scoring every match is
# what costs. The query then keeps its rarest terms up to this many postings (always at least
# one term): the dropped words are those BM25 weighs least. Small workspaces use every term.
POSTING_BUDGET = 8000
WORD = re.compile(r"\w+", re.UNICODE)
# Words too common to say what a text is about; PostgreSQL's 'english' config drops them too.
STOPWORDS = frozenset(
    """a about an and are as at be been but by can could did do does for from had has have he her
    i if in into is it its me my no not of on or our she so than that the their them then there
    these they this to too us was we were what when where which who why will with would you your
    am any all just also very get got""".split()
)


def query_terms(text: str) -> list[str]:
    """The distinct words of a query, stop words out, at most MAX_TERMS (the first ones)."""
    seen: dict[str, None] = {}
    for word in WORD.findall(text.lower()):
        if word not in STOPWORDS and len(word) > 1:
            seen.setdefault(word, None)
    return list(seen)[:MAX_TERMS]


def upsert(rows: Iterable[tuple[int, int, str]]) -> None:
    """(feedback_id, workspace_id, text) rows: index them, replacing what was there."""
    rows = list(rows)
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.executemany(
                "INSERT INTO similarity_fts (feedback_id, workspace_id, body)"
                " VALUES (%s, %s, to_tsvector('english', %s))"
                " ON CONFLICT (feedback_id) DO UPDATE SET body = excluded.body",
                rows,
            )
        else:
            ids = [r[0] for r in rows]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                cursor.execute(
                    # Only placeholders are formatted in: the ids travel as parameters.
                    f"DELETE FROM similarity_fts WHERE rowid IN ({','.join(['%s'] * len(chunk))})",  # noqa: S608
                    chunk,
                )
            cursor.executemany(
                "INSERT INTO similarity_fts (rowid, workspace_id, body) VALUES (%s, %s, %s)", rows
            )


def prune() -> int:
    """Drop rows of deleted feedback (a trigger does it on PostgreSQL; the FTS5 table cannot have one)."""
    if connection.vendor == "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM similarity_fts WHERE rowid NOT IN (SELECT id FROM feedback_feedback)"
        )
        return cursor.rowcount


def search(
    workspace_id: int,
    text: str,
    limit: int | None,
    *,
    budgeted: bool = False,
    members: np.ndarray | None = None,
) -> dict[int, float]:
    """feedback id -> lexical score (higher is better, > 0) of the workspace's best `limit`
    matches. budgeted: drop the commonest terms beyond POSTING_BUDGET (for big workspaces).
    members: the workspace's indexed feedback ids, sorted; SQLite then keeps the workspace's
    matches in memory, which is several times faster than reading each match's workspace_id."""
    terms = query_terms(text)
    if not terms:
        return {}
    if connection.vendor == "postgresql":
        return _search_postgresql(workspace_id, terms, limit, budgeted, members)
    return _search_sqlite(workspace_id, terms, limit, budgeted, members)


def _within_budget(frequencies: dict[str, int]) -> list[str]:
    """The rarest terms whose postings add up to at most POSTING_BUDGET (at least the rarest)."""
    kept, total = [], 0
    for term in sorted((t for t, n in frequencies.items() if n), key=lambda t: frequencies[t]):
        if kept and total + frequencies[term] > POSTING_BUDGET:
            break
        kept.append(term)
        total += frequencies[term]
    return kept


def _quoted(terms: list[str]) -> str:
    return " OR ".join(f'"{t}"' for t in terms)  # \w+ words: quoting makes them plain terms


_frequencies: dict[str, tuple[float, int]] = {}  # term -> (when counted, postings), all workspaces
FREQUENCY_TTL_S = 300.0  # the budget is a cost estimate: a few minutes old is precise enough


def _postings(terms: list[str]) -> dict[str, int]:
    """How many indexed items (all workspaces) contain each term (SQLite) or lexeme (PostgreSQL)."""
    now = time.monotonic()
    stale = [t for t in terms if now - _frequencies.get(t, (-FREQUENCY_TTL_S, 0))[0] >= FREQUENCY_TTL_S]
    if stale:
        with connection.cursor() as cursor:
            for term in stale:  # the length of a posting list: about a millisecond each
                if connection.vendor == "postgresql":
                    cursor.execute("SELECT count(*) FROM similarity_fts WHERE body @@ %s::tsquery", [term])
                else:
                    cursor.execute("SELECT count(*) FROM similarity_fts WHERE similarity_fts MATCH %s", [_quoted([term])])
                _frequencies[term] = (now, cursor.fetchone()[0])
    return {t: _frequencies[t][1] for t in terms}


def _search_sqlite(
    workspace_id: int, terms: list[str], limit: int | None, budgeted: bool, members: np.ndarray | None
) -> dict[int, float]:
    if budgeted:
        terms = _within_budget(_postings(terms))
        if not terms:
            return {}
    with connection.cursor() as cursor:
        if members is None:
            sql = (
                "SELECT rowid, -bm25(similarity_fts) FROM similarity_fts"
                " WHERE similarity_fts MATCH %s AND workspace_id = %s ORDER BY bm25(similarity_fts)"
            )
            cursor.execute(sql + (" LIMIT %s" if limit is not None else ""),
                           [_quoted(terms), workspace_id, *([limit] if limit is not None else [])])
            return {int(rowid): float(score) for rowid, score in cursor.fetchall() if score > 0}
        cursor.execute(
            "SELECT rowid, -bm25(similarity_fts) FROM similarity_fts WHERE similarity_fts MATCH %s",
            [_quoted(terms)],
        )
        found = np.array(cursor.fetchall(), dtype=np.float64).reshape(-1, 2)
    ids = found[:, 0].astype(np.int64)
    pos = np.minimum(np.searchsorted(members, ids), max(len(members) - 1, 0))
    keep = (members[pos] == ids) & (found[:, 1] > 0) if len(members) else np.zeros(len(ids), bool)
    ids, scores = ids[keep], found[keep, 1]
    if limit is not None and len(ids) > limit:
        top = np.argpartition(-scores, limit - 1)[:limit]
        ids, scores = ids[top], scores[top]
    return dict(zip(ids.tolist(), scores.tolist(), strict=True))


def _search_postgresql(
    workspace_id: int, terms: list[str], limit: int | None, budgeted: bool, members: np.ndarray | None
) -> dict[int, float]:
    with connection.cursor() as cursor:
        # The database's own stemmer decides the lexemes; keep plain ones (safe in a tsquery).
        cursor.execute(
            "SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('english', %s)))", [" ".join(terms)]
        )
        lexemes = sorted(lex for (lex,) in cursor.fetchall() if WORD.fullmatch(lex))
        if not lexemes:
            return {}
        if budgeted:
            # Big workspace: cached posting counts choose the lexemes (see POSTING_BUDGET).
            df = _postings(lexemes)
            kept = _within_budget(df)
            if members is None:
                cursor.execute("SELECT count(*) FROM similarity_fts WHERE workspace_id = %s", [workspace_id])
                total = cursor.fetchone()[0]
            else:
                total = len(members)
        else:
            # One count per lexeme; the SQL gets placeholders only, the lexemes travel as parameters.
            counts = ", ".join("count(*) FILTER (WHERE body @@ %s::tsquery)" for _ in lexemes)
            cursor.execute(
                f"SELECT (SELECT count(*) FROM similarity_fts WHERE workspace_id = %s), {counts}"  # noqa: S608
                " FROM similarity_fts WHERE workspace_id = %s AND body @@ %s::tsquery",
                [workspace_id, *lexemes, workspace_id, " | ".join(lexemes)],
            )
            total, *frequencies = cursor.fetchone()
            df = dict(zip(lexemes, frequencies, strict=True))
            kept = [lex for lex in lexemes if df[lex]]
        weighted = [(lex, math.log(1 + (total - df[lex] + 0.5) / (df[lex] + 0.5))) for lex in kept]
        if not weighted:
            return {}
        score = " + ".join("%s * ts_rank(body, %s::tsquery, 1)" for _ in weighted)
        sql = (
            f"SELECT feedback_id, {score} AS s FROM similarity_fts"  # noqa: S608 (placeholders only)
            " WHERE workspace_id = %s AND body @@ %s::tsquery ORDER BY s DESC, feedback_id"
        )
        params: list = [*(v for lex, idf in weighted for v in (idf, lex)), workspace_id,
                        " | ".join(lex for lex, _ in weighted)]
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        cursor.execute(sql, params)
        return {int(fid): float(s) for fid, s in cursor.fetchall() if s > 0}
