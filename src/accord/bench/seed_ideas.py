"""Bench data for the ideas figures: a workspace `bench-ideas` with many ideas scored under a
weighted-scoring model, and the raters' ratings the agreed inputs come from.

What is built, deterministically (a fixed random seed):

- the workspace, its admin, teams and a few people (accord.bench.seed.seed_people), RATERS
  raters (members, through the services) and an API token of the admin;
- one weighted-scoring model (the default, through the services) with CRITERIA criteria on 1-5
  scales, benefits and costs mixed, weights 1-5;
- IDEAS ideas in bulk with a realistic mix of statuses (STATUS_MIX), 0-3 of TAGS tags each (a few
  tags are much more common than the rest), a department, a submitter and merged ones pointing at
  the idea they were merged into;
- for every idea that went through a round (all but the new and under-review ones): closed rounds
  of at most 500 ideas (round_open's limit), each rater's submitted participation and one rating
  per idea x criterion x rater (the criterion's "true" value, give or take one step), and its
  IdeaScore with `inputs` = the mean per criterion as round_close agrees it and the value, category
  and reason rescore() computes from them. About 1 % of the rated ideas miss one criterion (nobody
  rated it), so their score is undefined. New and under-review ideas have the empty score every
  idea gets (under-review ones sit in open rounds without ratings).

Not written: audit entries and score events of the ideas (they do not take part in the figures).

Run as `python -m accord.bench.seed_ideas --ideas N` against the database DATABASE_URL names: it
migrates, refuses a database holding anything but bench data, seeds, and prints one JSON object on
stdout: {"slug", "token", "model_id", "ideas", "rated_ideas", "ratings", "seconds"}.
`--rated-ideas M` rates only the first M of the ideas that went through a round (the others keep
their agreed inputs without the ratings behind them); by default all are rated.
"""

import argparse
import json
import os
import random
import sys
import time
from contextlib import contextmanager
from datetime import timedelta

from accord.bench.seed import migrated_and_free, seed_people

SLUG = "bench-ideas"
IDEAS = 100_000
CRITERIA = 10
RATERS = 5
PEOPLE = 50  # people listed in the workspace (departments come from its teams)
ROUND_SIZE = 500  # round_open takes at most 500 ideas
STATUS_MIX = {  # share of the ideas in each status
    "new": 0.12,
    "under_review": 0.08,
    "scored": 0.45,
    "planned": 0.12,
    "parked": 0.10,
    "rejected": 0.06,
    "done": 0.05,
    "merged": 0.02,
}
UNRATED = {"new", "under_review"}
TAGS = [
    "enterprise", "integrations", "reporting", "security", "AI", "pricing", "onboarding",
    "mobile", "performance", "compliance", "retention", "ui", "analytics", "billing", "api",
    "accessibility", "marketing", "self-serve", "notifications", "search",
]  # fmt: skip
TAG_WEIGHTS = [1 / (rank + 1) for rank in range(len(TAGS))]  # Zipf-like: "enterprise" is common
AREAS = [
    "Reporting",
    "Security",
    "Insights",
    "Analytics",
    "Integrations",
    "UI",
    "Platform",
    "Billing",
]
CRITERION_NAMES = [
    "Customer value", "Revenue impact", "Strategic fit", "Reach", "Urgency", "Effort", "Risk",
    "Cost to run", "Dependencies", "Confidence",
]  # fmt: skip
NOISE = (-1, 0, 0, 0, 1)  # a rater's distance from the "true" value


def criteria_rows(n: int = CRITERIA) -> list[dict]:
    """n criteria on 1-5 scales: about 60 % benefits and 40 % costs, weights 1 to 5."""
    rows = []
    for i in range(n):
        name = CRITERION_NAMES[i] if i < len(CRITERION_NAMES) else f"Criterion {i + 1}"
        rows.append(
            {
                "key": f"c{i + 1:02d}",
                "name": name,
                "role": "cost" if i % 5 in (2, 4) else "benefit",
                "weight": float(1 + (i * 3) % 5),
                "scale_min": 1,
                "scale_max": 5,
            }
        )
    return rows


def _statuses(rng: random.Random, n: int) -> list[str]:
    return rng.choices(list(STATUS_MIX), weights=list(STATUS_MIX.values()), k=n)


def seed_ideas(
    ideas: int = IDEAS,
    criteria: int = CRITERIA,
    raters: int = RATERS,
    rated_ideas: int | None = None,
    slug: str = SLUG,
    seed: int = 2024,
    log=lambda _msg: None,
) -> dict:
    """Seed the workspace; returns {"slug", "token", "model_id", "ideas", "rated_ideas", "ratings"}."""
    from django.db import connection, transaction
    from django.utils import timezone

    from accord.accounts.models import User
    from accord.audit.services import acting_via
    from accord.ideas import services as idea_services
    from accord.ideas.models import (
        Idea,
        IdeaScore,
        Participation,
        Rating,
        RoundStatus,
        ScoringRound,
        Tag,
    )
    from accord.ideas.services.rescore import Scorer
    from accord.ideas.services.rounds import consensus_value
    from accord.workspaces import services as ws_services
    from accord.workspaces.models import Membership, Team

    rng = random.Random(seed)
    now = timezone.now()
    if connection.vendor == "sqlite":
        # Millions of index entries: a page cache big enough that SQLite need not spill pages to
        # the write-ahead log again and again within the one transaction (seeding only).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")  # KiB: up to 1 GB
    with transaction.atomic(), acting_via("bench"):
        workspace, raw = seed_people(PEOPLE, slug=slug)
        owner = Membership.objects.select_related("workspace", "user").get(
            workspace=workspace, role="admin"
        )
        rater_users = []
        for i in range(1, raters + 1):
            user = User.objects.create_user(
                f"{slug}-rater-{i}@bench.invalid", None, name=f"Bench Rater {i}"
            )
            ws_services.member_add(member=owner, user=user, role="editor")
            rater_users.append(user)
        model = idea_services.scoring_model_create(
            member=owner,
            name="Bench weighted",
            kind="weighted",
            criteria=criteria_rows(criteria),
            is_default=True,
        )
        criterion_list = list(model.criteria.all())
        scorer = Scorer(model, criterion_list)
        teams = list(Team.objects.filter(workspace=workspace).order_by("pk"))
        tags = Tag.objects.bulk_create([Tag(workspace=workspace, name=name) for name in TAGS])
        submitters = [owner.user, *rater_users]

        started = time.perf_counter()
        statuses = _statuses(rng, ideas)
        span = timedelta(days=730)
        rows = [
            Idea(
                workspace=workspace,
                title=f"Idea {i:06d}: {rng.choice(AREAS).lower()} {rng.choice(TAGS)} improvement",
                description=f"Generated idea {i} for the bench.",
                problem="Customers ask for it.",
                department=rng.choice(teams) if teams and rng.random() < 0.9 else None,
                product_area=rng.choice(AREAS),
                submitter=rng.choice(submitters),
                status=status,
                created_at=now - span * (1 - i / ideas),
                updated_at=now - span * (1 - i / ideas),
            )
            for i, status in enumerate(statuses)
        ]
        created = Idea.objects.bulk_create(rows, batch_size=2000)
        # Merged ideas point at an earlier idea that is not merged itself.
        merged, last_open = [], None
        for idea in created:
            if idea.status == "merged" and last_open is not None:
                idea.merged_into_id = last_open
                merged.append(idea)
            elif idea.status != "merged":
                last_open = idea.pk
        Idea.objects.bulk_update(merged, ["merged_into"], batch_size=1000)
        log(f"bench: {len(created)} ideas in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        tag_ids = [t.pk for t in tags]
        links = []
        for idea in created:
            k = rng.choice((0, 1, 1, 2, 2, 3))
            picked = set(rng.choices(tag_ids, weights=TAG_WEIGHTS, k=k))
            links.extend((idea.pk, tag_id) for tag_id in sorted(picked))
        insert_rows(Idea.tags.through._meta.db_table, ("idea_id", "tag_id"), links)
        log(f"bench: {len(links)} tag links in {time.perf_counter() - started:.1f} s")

        # Rounds: the rated ideas in closed rounds, the under-review ones in open rounds.
        started = time.perf_counter()
        rated = [idea for idea in created if idea.status not in UNRATED]
        reviewing = [idea for idea in created if idea.status == "under_review"]
        closed = [rated[i : i + ROUND_SIZE] for i in range(0, len(rated), ROUND_SIZE)]
        opened = [reviewing[i : i + ROUND_SIZE] for i in range(0, len(reviewing), ROUND_SIZE)]
        rounds = ScoringRound.objects.bulk_create(
            [
                ScoringRound(
                    workspace=workspace,
                    model=model,
                    title=f"Bench round {n + 1}",
                    status=RoundStatus.CLOSED,
                    opened_by=owner.user,
                    opened_at=now - timedelta(days=30),
                    closed_at=now - timedelta(days=1),
                    version=2,
                )
                for n in range(len(closed))
            ]
            + [
                ScoringRound(
                    workspace=workspace,
                    model=model,
                    title=f"Bench open round {n + 1}",
                    opened_by=owner.user,
                    opened_at=now - timedelta(days=2),
                )
                for n in range(len(opened))
            ]
        )
        insert_rows(
            ScoringRound.ideas.through._meta.db_table,
            ("scoringround_id", "idea_id"),
            (
                (r.pk, idea.pk)
                for r, chunk in zip(rounds, closed + opened, strict=True)
                for idea in chunk
            ),
        )
        Participation.objects.bulk_create(
            [
                Participation(round=r, rater=u, submitted_at=now - timedelta(days=2))
                for r in rounds[: len(closed)]
                for u in rater_users
            ]
        )

        # Ratings and the inputs a round close agrees from them (the mean per criterion).
        rated_limit = len(rated) if rated_ideas is None else min(rated_ideas, len(rated))
        round_of = {idea.pk: rounds[n // ROUND_SIZE].pk for n, idea in enumerate(rated)}
        stamp = connection.ops.adapt_datetimefield_value(now - timedelta(days=2))
        inputs_of: dict[int, dict] = {}

        rater_ids = [u.pk for u in rater_users]
        n_raters = len(rater_ids)

        def rating_rows():
            for n, idea in enumerate(rated):
                idea_id, round_id = idea.pk, round_of[idea.pk]
                keep = [(c.pk, c.key, c.allowed) for c in criterion_list]
                if rng.random() < 0.01:  # nobody rated one criterion: the score stays undefined
                    keep.pop(rng.randrange(len(keep)))
                truths = rng.choices((1, 2, 3, 4, 5), k=len(keep))
                noise = rng.choices(NOISE, k=len(keep) * n_raters)
                inputs = {}
                for c_index, ((criterion_id, key, allowed), truth) in enumerate(
                    zip(keep, truths, strict=True)
                ):
                    first = c_index * n_raters
                    values = [
                        float(min(5, max(1, truth + d))) for d in noise[first : first + n_raters]
                    ]
                    if n < rated_limit:
                        for rater_id, value in zip(rater_ids, values, strict=True):
                            yield (round_id, idea_id, criterion_id, rater_id, value, stamp)
                    inputs[key] = consensus_value(values, allowed)
                inputs_of[idea_id] = inputs

        with foreign_keys_checked_once(Rating._meta.db_table):
            ratings = insert_rows(
                Rating._meta.db_table,
                ("round_id", "idea_id", "criterion_id", "rater_id", "value", "updated_at"),
                rating_rows(),
            )
        log(
            f"bench: {ratings} ratings of {rated_limit} ideas in "
            f"{time.perf_counter() - started:.1f} s"
        )

        started = time.perf_counter()
        scored_at = connection.ops.adapt_datetimefield_value(now - timedelta(days=1))

        def score_rows():
            for idea in created:
                inputs = inputs_of.get(idea.pk, {})
                value, category, reason = scorer.stored(inputs)  # what rescore() writes
                yield (idea.pk, model.pk, json.dumps(inputs), value, category, reason, scored_at)

        scores = insert_rows(
            IdeaScore._meta.db_table,
            (
                "idea_id",
                "model_id",
                "inputs",
                "value",
                "category",
                "undefined_reason",
                "updated_at",
            ),
            score_rows(),
        )
        log(f"bench: {scores} scores in {time.perf_counter() - started:.1f} s")
    return {
        "slug": workspace.slug,
        "token": raw,
        "model_id": model.pk,
        "ideas": len(created),
        "rated_ideas": rated_limit,
        "ratings": ratings,
    }


def insert_rows(table: str, columns: tuple[str, ...], rows) -> int:
    """Insert many rows of plain values: COPY on PostgreSQL, executemany in chunks on SQLite.

    Faster than bulk_create for millions of rows (no model instances). Returns how many.
    """
    from django.db import connection

    names = ", ".join(columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        chunk: list[tuple] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == 50_000:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


@contextmanager
def foreign_keys_checked_once(table: str):
    """On PostgreSQL, check the table's foreign keys once for all the rows inserted inside.

    Django's foreign keys are deferred: each inserted row queues a check per key until the
    commit (16 million for the ratings). Inside, the keys are dropped; on the way out they are
    added back, the same names and definitions, which validates every row in one join.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the checks queued so far
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        keys = cursor.fetchall()
        for name, _definition in keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    yield
    with connection.cursor() as cursor:
        for name, definition in keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _analyze(connection) -> None:
    """On PostgreSQL, what autovacuum does soon after a bulk load: planner statistics and the
    visibility map. SQLite is left as the app leaves it (no ANALYZE: the plans must not need it)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accord.bench.seed_ideas")
    parser.add_argument("--ideas", type=int, default=IDEAS)
    parser.add_argument("--criteria", type=int, default=CRITERIA)
    parser.add_argument("--raters", type=int, default=RATERS)
    parser.add_argument("--rated-ideas", type=int, default=None)
    ns = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    import django

    django.setup()

    if not migrated_and_free(SLUG):
        return 2
    started = time.perf_counter()
    seeded = seed_ideas(
        ns.ideas,
        ns.criteria,
        ns.raters,
        ns.rated_ideas,
        log=lambda msg: print(msg, file=sys.stderr, flush=True),
    )
    from django.db import connection

    _analyze(connection)
    seeded["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(seeded))
    return 0


if __name__ == "__main__":
    sys.exit(main())
