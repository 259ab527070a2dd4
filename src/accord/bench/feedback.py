"""Figures for feedback similarity (accord.feedback.similarity), each in its own workspace:

- feedback_related_map: mean average precision of "related feedback" on the IS-22 reviews (9 app
  features as ideas, 410 annotated reviews as feedback; see similarity/evaluation.py), ranked with
  the product's code path. Needs the shared data folder beside the repository.
- feedback_import_10k_s / feedback_embed_per_s: a CSV of 10,000 generated feedback rows imported
  with the feedback app's importer (read, map, validate, create), then every row embedded and
  full-text indexed as `accord manage embed_feedback` does; the total seconds, and the embedding
  phase's items per second (ONNX int8 model on this machine's CPU).
- feedback_related_100k_p50_ms: p50 of the related-feedback query of an idea (selector
  related_for_idea: hybrid ranking, filtering, feedback rows) in a workspace of 100,000 feedback
  items (generated texts in the full-text index; random unit vectors instead of embeddings, which
  costs the same to rank), after one warm-up query that loads the vector matrix.

Seeding and measuring run in child processes against the bench database:
`python -m accord.bench.feedback quality|import|related ...` prints one JSON object on stdout.
"""

import argparse
import csv
import io
import json
import os
import random
import statistics
import sys
import time

from .context import BenchContext
from .registry import Measured, measures

IMPORT_ROWS = 10_000
RELATED_ITEMS = 100_000
RELATED_QUERIES = 40
RUN_TIMEOUT_S = 1200

SUBJECTS = [
    "export to Excel", "offline mode", "dark mode", "single sign-on", "the mobile app", "invoices",
    "notifications", "search", "the roadmap view", "API rate limits", "CSV import", "permissions",
    "the calendar sync", "dashboards", "comments", "the Jira integration", "two-factor login",
    "PDF reports", "custom fields", "the onboarding tour", "webhooks", "audit logs", "pricing page",
    "keyboard shortcuts", "the Slack integration", "time zones", "bulk editing", "templates",
]  # fmt: skip
OPENERS = [
    "We really need", "Please improve", "Our team keeps asking about", "It is hard to use",
    "Customers complain about", "I love the product but", "Can you add better", "Blocking issue with",
    "Nice to have:", "Our admins want",
]  # fmt: skip
DETAILS = [
    "it is slow when the workspace grows", "we lose time every week because of it",
    "the board meeting depends on this", "our competitor already has it",
    "it breaks when we have more than a hundred items", "the finance team cannot work without it",
    "people on the road need it on their phones", "it should respect our security policy",
    "it would save us a lot of copy and paste", "it confuses new users on day one",
    "we would pay more for a plan that has it", "the current workaround is a spreadsheet",
]  # fmt: skip
IDEAS = [
    ("Excel export", "Export roadmaps and lists to Excel for the board."),
    ("Offline mode", "Work without a connection on the mobile app and sync later."),
    ("Single sign-on", "Sign in with the company identity provider (SAML, OIDC)."),
    ("Faster search", "Search across everything quickly, even in big workspaces."),
    ("Slack notifications", "Send notifications to Slack channels."),
]  # fmt: skip


def feedback_text(rng: random.Random) -> str:
    """A plausible piece of feedback: 1-3 sentences, 15-60 words."""
    sentences = [
        f"{rng.choice(OPENERS)} {rng.choice(SUBJECTS)}, {rng.choice(DETAILS)}."
        for _ in range(rng.randint(1, 3))
    ]
    return " ".join(sentences)


# ---------------------------------------------------------------- the figures


def _child(ctx: BenchContext, *args: str) -> dict:
    out = ctx.python("accord.bench.feedback", *args, timeout=RUN_TIMEOUT_S)
    return json.loads(out.strip().splitlines()[-1])


@measures(feedback_related_map="MAP")
def related_quality(ctx: BenchContext) -> Measured:
    ctx.log("bench: ranking the IS-22 reviews for each feature")
    result = _child(ctx, "quality")
    ctx.log(
        f"bench: MAP hybrid {result['hybrid']:.3f}, embedding alone {result['embedding']:.3f}, "
        f"full-text alone {result['lexical']:.3f}"
    )
    size = (
        f"IS-22 reviews: {result['ideas']} feature descriptions as ideas x {result['feedback']} "
        f"annotated Google Play reviews as feedback, every review ranked for every idea "
        f"(embedding alone {result['embedding']:.3f}, full-text alone {result['lexical']:.3f})"
    )
    return Measured(values={"feedback_related_map": result["hybrid"]}, size=size)


@measures(feedback_import_10k_s="s", feedback_embed_per_s="items/s")
def import_and_embed(ctx: BenchContext) -> Measured:
    rows = ctx.scaled(IMPORT_ROWS, minimum=200)
    ctx.log(f"bench: importing and embedding {rows} feedback rows from CSV")
    result = _child(ctx, "import", "--rows", str(rows))
    ctx.log(
        f"bench: import {result['import_s']:.1f} s, embedding {result['embed_s']:.1f} s "
        f"({result['per_s']:.0f} items/s), total {result['total_s']:.1f} s"
    )
    size = (
        f"a {result['kib']} KiB CSV of {result['rows']} generated feedback rows (text, customer, "
        f"segment, date; {result['mean_words']:.0f} words on average) through the feedback "
        "importer, then every row embedded (all-MiniLM-L6-v2 int8 ONNX, CPU) and full-text indexed"
    )
    return Measured(
        values={"feedback_import_10k_s": result["total_s"], "feedback_embed_per_s": result["per_s"]},
        size=size,
    )


@measures(feedback_related_100k_p50_ms="ms")
def related_query(ctx: BenchContext) -> Measured:
    items = ctx.scaled(RELATED_ITEMS, minimum=1000)
    queries = ctx.scaled(RELATED_QUERIES, minimum=5)
    ctx.log(f"bench: seeding {items} feedback items for the related-feedback query")
    result = _child(ctx, "related", "--items", str(items), "--queries", str(queries))
    ctx.log(
        f"bench: seeded in {result['seed_s']:.0f} s; first query (loads the matrix) "
        f"{result['first_ms']:.0f} ms; p50 {result['p50_ms']:.1f} ms, max {result['max_ms']:.1f} ms"
    )
    size = (
        f"a workspace of {result['items']} feedback items; {result['queries']} related-feedback "
        f"queries of {len(IDEAS)} ideas (hybrid ranking, 10 results) after one warm-up that loads "
        f"the vector matrix ({result['first_ms']:.0f} ms); in-process selector call"
    )
    return Measured(values={"feedback_related_100k_p50_ms": result["p50_ms"]}, size=size)


# ---------------------------------------------------------------- the child processes


def _workspace(slug: str):
    """A fresh bench workspace and its admin membership (refuses a database with real data)."""
    from accord.accounts.models import User
    from accord.workspaces import services
    from accord.workspaces.models import Membership

    from .seed import foreign_data

    refusal = foreign_data(slug)
    if refusal:
        raise SystemExit(f"bench: {refusal}")
    admin = User.objects.create_user(f"{slug}-admin@bench.invalid", None, name="Bench Admin")
    workspace = services.workspace_create(user=admin, name=f"Bench {slug}", slug=slug)
    return Membership.objects.select_related("workspace", "user").get(workspace=workspace, user=admin)


def run_quality() -> dict:
    from accord.feedback.similarity import evaluation

    if not evaluation.data_path().exists():
        raise SystemExit(f"bench: the IS-22 data is missing ({evaluation.data_path()})")
    member = _workspace("bench-feedback-quality")
    result = evaluation.evaluate(member.workspace, evaluation.load())
    return {
        "hybrid": result.hybrid, "embedding": result.embedding, "lexical": result.lexical,
        "ideas": result.ideas, "feedback": result.feedback,
    }  # fmt: skip


def run_import(rows: int) -> dict:
    from accord.audit.services import acting_via
    from accord.feedback import importing
    from accord.feedback.similarity import engine, indexing

    rng = random.Random(5)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["text", "customer_name", "customer_email", "company", "segment", "date"])
    words = 0
    for n in range(rows):
        text = feedback_text(rng)
        words += len(text.split())
        company = f"Company {n % 700:03d}"
        writer.writerow([text, f"Contact {n % 700}", f"c{n % 700}@example.test", company,
                         ("enterprise", "smb", "mid-market")[n % 700 % 3], f"2026-{1 + n % 11:02d}-15"])
    data = out.getvalue().encode()
    member = _workspace("bench-feedback-import")
    engine.embedder()  # the model loads once per process, before the clock starts
    started = time.perf_counter()
    with acting_via("bench"):
        table = importing.read_table(data, "feedback.csv")
        result = importing.run_import(
            member=member, table=table, mapping=importing.guess_mapping(table.headers)
        )
    imported = time.perf_counter()
    embedded = indexing.index_pending(member.workspace_id)
    finished = time.perf_counter()
    if result.created != rows or embedded != rows:
        raise SystemExit(f"bench: imported {result.created} and embedded {embedded} of {rows} rows")
    return {
        "rows": rows, "kib": len(data) // 1024, "mean_words": words / rows,
        "import_s": imported - started, "embed_s": finished - imported,
        "total_s": finished - started, "per_s": rows / (finished - imported),
    }  # fmt: skip


def run_related(items: int, queries: int) -> dict:
    import numpy as np
    from django.db import transaction
    from django.utils import timezone

    from accord.feedback.models import Feedback
    from accord.feedback.similarity import engine, indexing, lexical, selectors
    from accord.ideas import services as idea_services

    rng = random.Random(7)
    vectors = engine.normalize(np.random.default_rng(7).standard_normal((items, engine.DIMENSION)))
    member = _workspace("bench-feedback-related")
    started = time.perf_counter()
    now = timezone.now()
    for start in range(0, items, 5000):
        with transaction.atomic():
            created = Feedback.objects.bulk_create(
                Feedback(workspace_id=member.workspace_id, text=feedback_text(rng),
                         embedding=engine.to_bytes(vectors[n]), embedded_at=now)
                for n in range(start, min(items, start + 5000))
            )  # fmt: skip
            lexical.upsert((fb.pk, fb.workspace_id, fb.text) for fb in created)
    indexing.bump([member.workspace_id])
    ideas = [
        idea_services.idea_create(member=member, title=title, description=description)
        for title, description in IDEAS
    ]
    seeded = time.perf_counter()
    first = time.perf_counter()
    selectors.related_for_idea(idea=ideas[0])  # loads the matrix and embeds the ideas once
    for idea in ideas[1:]:
        selectors.idea_vectors([idea])
    first_ms = (time.perf_counter() - first) * 1000
    timings = []
    for n in range(queries):
        t = time.perf_counter()
        related = selectors.related_for_idea(idea=ideas[n % len(ideas)], limit=10)
        timings.append((time.perf_counter() - t) * 1000)
        if not related:
            raise SystemExit("bench: a related-feedback query found nothing")
    return {
        "items": items, "queries": queries, "seed_s": seeded - started, "first_ms": first_ms,
        "p50_ms": statistics.median(timings), "max_ms": max(timings),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accord.bench.feedback")
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("quality")
    importing = sub.add_parser("import")
    importing.add_argument("--rows", type=int, default=IMPORT_ROWS)
    related = sub.add_parser("related")
    related.add_argument("--items", type=int, default=RELATED_ITEMS)
    related.add_argument("--queries", type=int, default=RELATED_QUERIES)
    ns = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if ns.what == "quality":
        result = run_quality()
    elif ns.what == "import":
        result = run_import(ns.rows)
    else:
        result = run_related(ns.items, ns.queries)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
