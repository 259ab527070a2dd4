"""Bench data: a workspace `bench` with an admin, teams and N people, and an API token.

Built through the services where they exist (workspace, teams, token); the many people are inserted
in bulk with the values, team links and audit entries `services.person_create` would write.

Run as `python -m accord.bench.seed --people N` against the database DATABASE_URL names: it
migrates, refuses a database holding anything but bench data (see foreign_data), seeds, and prints
`{"slug": ..., "token": ..., "people": N}` on stdout.
"""

import argparse
import json
import os
import sys

BENCH_SLUG = "bench"
TEAM_KINDS = "product marketing it sales support design analytics custom".split()
FIRST = (
    "Ada Ben Chloe Dev Elena Farid Grace Hiro Ines Jonas Kemi Liam Maya Nils Olga Pavel Quinn Rosa "
    "Sami Tara"
).split()
LAST = (
    "Adams Bauer Costa Dubois Eriksen Fischer Garcia Haddad Ivanova Jensen Kowalski Larsen Moreau "
    "Novak Okafor Petrov Quispe Rossi Schmidt Tanaka Urban Varga Weber Xu Yilmaz Zhang Almeida "
    "Brennan Chen Dalton Ekström Ferreira Gupta Holm Ito Jovanović Kim Lopez Mensah Nguyen Ortiz "
    "Park Quinn Reyes Silva Torres Ueda Vasquez Wright Young"
).split()
TITLES = [
    "Product Manager", "Engineer", "Designer", "Marketing Manager", "Analyst", "Support Lead",
    "Account Executive", "SRE", "Researcher", "Content Lead",
]  # fmt: skip
SKILLS = [
    "SQL", "Python", "roadmapping", "SEO", "copywriting", "Kubernetes", "user research",
    "negotiation", "prototyping", "dbt", "A/B testing", "accessibility", "PostgreSQL", "budgeting",
    "onboarding", "TypeScript", "triage", "positioning", "Terraform", "APIs",
]  # fmt: skip
INTERESTS = [
    "AI", "pricing", "integrations", "observability", "brand", "retention", "security",
    "data visualization", "automation", "enterprise",
]  # fmt: skip


def seed_people(people: int = 1000, teams: int = 8, slug: str = BENCH_SLUG):
    """A workspace of `people` people in all (its admin is one); returns (workspace, raw token)."""
    from django.db import transaction

    from accord.accounts.models import User
    from accord.audit.models import AuditEntry
    from accord.audit.services import acting_via, snapshot
    from accord.workspaces import services
    from accord.workspaces.models import Membership, Person

    if people < 1:
        raise ValueError("The bench workspace needs at least one person (its admin).")
    with transaction.atomic(), acting_via("bench"):
        admin = User.objects.create_user(f"{slug}-admin@bench.invalid", None, name="Bench Admin")
        workspace = services.workspace_create(user=admin, name=f"Bench {slug}", slug=slug)
        owner = Membership.objects.select_related("workspace", "user").get(
            workspace=workspace, user=admin
        )
        team_list = [
            services.team_create(
                member=owner, name=f"Team {i + 1:02d}", kind=TEAM_KINDS[i % len(TEAM_KINDS)]
            )
            for i in range(teams)
        ]
        rows = []
        for i in range(1, people):  # the admin is listed already (workspace_create)
            first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
            rows.append(
                Person(
                    workspace=workspace,
                    name=f"{first} {last} {i:04d}",
                    email=f"{first}.{i:04d}@{slug}.invalid".lower(),
                    title=TITLES[i % len(TITLES)],
                    skills=services._clean_words(
                        [SKILLS[(i + k * 7) % len(SKILLS)] for k in range(3)], "skills"
                    ),
                    interests=services._clean_words(
                        [INTERESTS[(i + k * 3) % len(INTERESTS)] for k in range(2)], "interests"
                    ),
                )
            )
        created = Person.objects.bulk_create(rows, batch_size=500)
        links, entries = [], []
        Link = Person.teams.through
        for i, person in enumerate(created, start=1):
            picks = {i % teams, (3 * i + 1) % teams} if teams else set()  # one or two teams
            member_of = sorted(team_list[k].pk for k in picks)
            links.extend(Link(person_id=person.pk, team_id=team_id) for team_id in member_of)
            entries.append(
                AuditEntry(
                    workspace=workspace,
                    actor=admin,
                    actor_label=admin.email,
                    via="bench",
                    action="created",
                    object_type="person",
                    object_id=str(person.pk),
                    object_label=person.name[:300],
                    after={**snapshot(person, services.PERSON_FIELDS), "team_ids": member_of},
                )
            )
        Link.objects.bulk_create(links, batch_size=1000)
        AuditEntry.objects.bulk_create(entries, batch_size=500)
        _token, raw = services.token_create(member=owner, name="bench")
    return workspace, raw


def foreign_data(slug: str) -> str | None:
    """Why the database may not be seeded with workspace `slug`, or None when it may.

    The bench seeds only a database that is empty or holds nothing but other bench data (users
    @bench.invalid, workspaces bench*): several seedings share the one bench database of an
    invocation.
    """
    from django.db import connection

    from accord.accounts.models import User
    from accord.workspaces.models import Workspace

    name = connection.settings_dict["NAME"]
    if (
        User.objects.exclude(email__endswith="@bench.invalid").exists()
        or Workspace.objects.exclude(slug__startswith=BENCH_SLUG).exists()
    ):
        return (
            f"the database {name!r} already holds users or workspaces; the bench only seeds an "
            "empty database (`make bench` creates one)."
        )
    if Workspace.objects.filter(slug=slug).exists():
        return f"the database {name!r} already holds the bench workspace {slug!r}."
    return None


def migrated_and_free(slug: str) -> bool:
    """Migrate the bench database; False (said on stderr) when workspace `slug` may not be seeded."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    refusal = foreign_data(slug)
    if refusal:
        print(f"bench: {refusal}", file=sys.stderr)
    return refusal is None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accord.bench.seed")
    parser.add_argument("--people", type=int, default=1000)
    ns = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    import django

    django.setup()

    if not migrated_and_free(BENCH_SLUG):
        return 2
    workspace, raw = seed_people(ns.people)
    print(json.dumps({"slug": workspace.slug, "token": raw, "people": ns.people}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
