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
from collections.abc import Iterable

from django.db import connection

MAX_TERMS = 24  # a long idea description would otherwise match nearly everything
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
    """Drop rows of deleted feedback (PostgreSQL cascades; the FTS5 table cannot have a key)."""
    if connection.vendor == "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM similarity_fts WHERE rowid NOT IN (SELECT id FROM feedback_feedback)"
        )
        return cursor.rowcount


def search(workspace_id: int, text: str, limit: int | None) -> dict[int, float]:
    """feedback id -> lexical score (higher is better, > 0) of the best `limit` matches."""
    terms = query_terms(text)
    if not terms:
        return {}
    if connection.vendor == "postgresql":
        return _search_postgresql(workspace_id, terms, limit)
    return _search_sqlite(workspace_id, terms, limit)


def _search_sqlite(workspace_id: int, terms: list[str], limit: int | None) -> dict[int, float]:
    match = " OR ".join(f'"{t}"' for t in terms)  # \w+ words: quoting makes them plain terms
    sql = (
        "SELECT rowid, -bm25(similarity_fts) FROM similarity_fts WHERE similarity_fts MATCH %s AND workspace_id = %s"
        " ORDER BY bm25(similarity_fts)"
    )
    params: list = [match, workspace_id]
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {int(rowid): float(score) for rowid, score in cursor.fetchall() if score > 0}


def _search_postgresql(workspace_id: int, terms: list[str], limit: int | None) -> dict[int, float]:
    with connection.cursor() as cursor:
        # The database's own stemmer decides the lexemes; keep plain ones (safe in a tsquery).
        cursor.execute(
            "SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('english', %s)))", [" ".join(terms)]
        )
        lexemes = sorted(lex for (lex,) in cursor.fetchall() if WORD.fullmatch(lex))
        if not lexemes:
            return {}
        any_of = " | ".join(lexemes)
        # One count per lexeme; the SQL gets placeholders only, the lexemes travel as parameters.
        counts = ", ".join("count(*) FILTER (WHERE body @@ %s::tsquery)" for _ in lexemes)
        cursor.execute(
            f"SELECT (SELECT count(*) FROM similarity_fts WHERE workspace_id = %s), {counts}"  # noqa: S608
            " FROM similarity_fts WHERE workspace_id = %s AND body @@ %s::tsquery",
            [workspace_id, *lexemes, workspace_id, any_of],
        )
        total, *frequencies = cursor.fetchone()
        weighted = [
            (lex, math.log(1 + (total - df + 0.5) / (df + 0.5)))
            for lex, df in zip(lexemes, frequencies, strict=True)
            if df
        ]
        if not weighted:
            return {}
        score = " + ".join("%s * ts_rank(body, %s::tsquery, 1)" for _ in weighted)
        sql = (
            f"SELECT feedback_id, {score} AS s FROM similarity_fts"  # noqa: S608 (placeholders only)
            " WHERE workspace_id = %s AND body @@ %s::tsquery ORDER BY s DESC, feedback_id"
        )
        params: list = [*(v for lex, idf in weighted for v in (idf, lex)), workspace_id, any_of]
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        cursor.execute(sql, params)
        return {int(fid): float(s) for fid, s in cursor.fetchall() if s > 0}
