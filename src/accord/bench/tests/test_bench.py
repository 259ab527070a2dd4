"""`accord bench`: registry, JSON output, a quick real run, and the people list it measures."""

import io
import json
import socket

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.bench import registry
from accord.bench.loadgen import percentile
from accord.bench.seed import seed_people

API_LIST = ["api_list_rps", "api_list_p50_ms", "api_list_p99_ms"]


def test_registry_knows_the_api_list_figures():
    assert set(API_LIST) <= set(registry.known())
    units = {name: registry.FIGURES[name].units[name] for name in API_LIST}
    assert units == {"api_list_rps": "req/s", "api_list_p50_ms": "ms", "api_list_p99_ms": "ms"}
    assert registry.select(["api_list_p99_ms", "api_list_rps"]) == [
        "api_list_rps",
        "api_list_p99_ms",
    ]


def test_unknown_figure_is_a_command_error_listing_the_known_ones():
    with pytest.raises(CommandError) as excinfo:
        call_command("bench", only=["api_list_rps", "no_such_figure"], stdout=io.StringIO())
    message = str(excinfo.value)
    assert "no_such_figure" in message
    assert all(name in message for name in API_LIST)


def test_cli_exits_non_zero_on_an_unknown_figure(capsys):
    from accord.cli import main

    assert main(["bench", "--json", "--only", "no_such_figure"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no_such_figure" in captured.err and "api_list_rps" in captured.err


def test_runs_shared_by_several_figures_run_once(monkeypatch):
    monkeypatch.setattr(registry, "FIGURES", {})
    calls = []

    @registry.measures(fake_a_ms="ms", fake_b="req/s")
    def fake(ctx):
        calls.append(ctx)
        return registry.Measured(values={"fake_a_ms": 1.234, "fake_b": 5}, size="tiny")

    @registry.measures(fake_c_s="s")
    def other(ctx):
        raise AssertionError("not asked for")

    names = registry.select(["fake_b", "fake_a_ms"])
    assert names == ["fake_a_ms", "fake_b"]
    assert registry.measure(names, "ctx") == {
        "fake_a_ms": {"value": 1.23, "unit": "ms", "size": "tiny"},
        "fake_b": {"value": 5.0, "unit": "req/s", "size": "tiny"},
    }
    assert calls == ["ctx"]
    with pytest.raises(ValueError, match="unit"):
        registry.measures(bad="minutes")


def test_percentile_interpolates_between_ranks():
    assert percentile([3.0], 99) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile(list(map(float, range(101))), 99) == pytest.approx(99.0)


@pytest.mark.django_db(transaction=True)  # the seeding and gunicorn run in other processes
def test_quick_run_prints_one_json_object():
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "bench", only=["api_list_p50_ms", "api_list_rps"], scale=0.02, stdout=out, stderr=err
    )
    result = json.loads(out.getvalue())  # nothing else on stdout
    assert result["database"] == connection.vendor
    assert set(result["machine"]) >= {"cpu_count", "cpu_model", "memory_gb", "python", "platform"}
    hostname = socket.gethostname()
    if len(hostname) >= 4:
        assert hostname not in out.getvalue()
    assert list(result["figures"]) == ["api_list_rps", "api_list_p50_ms"]
    p50, rps = result["figures"]["api_list_p50_ms"], result["figures"]["api_list_rps"]
    assert p50["unit"] == "ms" and rps["unit"] == "req/s"
    assert p50["value"] > 0 and rps["value"] > 0
    assert p50["size"] == rps["size"] and p50["size"].startswith("20 people per response")
    assert "gunicorn" in err.getvalue()  # progress goes to stderr


# ---------------------------------------------------------------- the people list it measures


def _get_people(client, token, query=""):
    response = client.get(
        f"/api/v1/workspaces/{token[0]}/people{query}", HTTP_AUTHORIZATION=f"Bearer {token[1]}"
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_people_list_takes_the_same_number_of_queries_for_10_and_100_people(client):
    counts = {}
    for n in (10, 100):
        workspace, raw = seed_people(n, slug=f"q{n}")
        _get_people(
            client, (workspace.slug, raw)
        )  # the first use of a token also stamps last_used_at
        with CaptureQueriesContext(connection) as queries:
            body = _get_people(client, (workspace.slug, raw), "?limit=1000")
        assert body["count"] == n and len(body["items"]) == n
        assert sum(len(p["teams"]) for p in body["items"]) >= n - 1  # the teams are there
        counts[n] = len(queries)
    assert counts[10] == counts[100] <= 4  # token, people, their teams, count


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "?limit=1000",
        "?limit=7&offset=5",
        "?q=0007",
        "?skill=sql",
        "?interest=ai&limit=3",
        "?offset=40",
    ],
)
def test_people_list_rows_match_the_model_serialization(client, query):
    """The list builds rows, not model instances: they must equal what PersonOut makes of people."""
    from urllib.parse import parse_qs

    from accord.workspaces import selectors
    from accord.workspaces.api import PersonOut
    from accord.workspaces.models import Team

    workspace, raw = seed_people(30, slug="rows")
    team = Team.objects.filter(workspace=workspace).order_by("name").first()
    body = _get_people(client, (workspace.slug, raw), query)
    params = {k: v[0] for k, v in parse_qs(query.lstrip("?")).items()}
    limit, offset = int(params.pop("limit", 50)), int(params.pop("offset", 0))
    people = selectors.people(workspace=workspace, **params)
    expected = [
        PersonOut.model_validate(p).model_dump(mode="json") for p in people[offset : offset + limit]
    ]
    assert body["items"] == expected
    assert body["count"] == people.count()
    by_team = _get_people(client, (workspace.slug, raw), f"?team_id={team.pk}&limit=1000")
    assert by_team["items"] == [
        PersonOut.model_validate(p).model_dump(mode="json")
        for p in selectors.people(workspace=workspace, team_id=team.pk)
    ]


@pytest.mark.django_db
def test_seeded_people_keep_the_services_invariants():
    from accord.audit.models import AuditEntry
    from accord.workspaces import services
    from accord.workspaces.models import Membership, Person

    workspace, raw = seed_people(25, teams=3, slug="inv")
    people = list(Person.objects.filter(workspace=workspace).prefetch_related("teams"))
    assert len(people) == 25
    emails = [p.email for p in people]
    assert len(set(emails)) == 25 and all(services._clean_email(e) == e for e in emails)
    assert all(services._clean_words(p.skills, "skills") == p.skills for p in people)
    assert all(t.workspace_id == workspace.pk for p in people for t in p.teams.all())
    member_emails = set(
        Membership.objects.filter(workspace=workspace).values_list("user__email", flat=True)
    )
    assert all((p.user is not None) == (p.email in member_emails) for p in people)
    created = AuditEntry.objects.filter(workspace=workspace, object_type="person", action="created")
    assert created.count() == 25
    assert services.token_authenticate(raw).workspace_id == workspace.pk
