"""Rate limits hold across server processes: two real processes share one database and its counts.

gunicorn runs several workers; a limit counted per process would let each worker grant the full
quota. Here the second process must see what the first one counted.
"""

import json
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.db import connection

from accord.core import ratelimit
from accord.core.models import RateCounter
from accord.core.tests.serving import child_env, copy_data_dir, database_url

# Transactions commit, so the other processes see the data (the database is emptied afterwards).
pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
import django
django.setup()
from django.test import Client, RequestFactory

plan = json.loads(sys.argv[1])
out = {}
if plan.get("setup"):
    from accord.accounts.models import User
    from accord.roadmaps import services as roadmaps
    from accord.workspaces import services as workspaces
    from accord.workspaces.models import Membership

    owner = User.objects.create_user("limits@example.test", "a-Strong-limit-passw0rd")
    workspace = workspaces.workspace_create(user=owner, name="Limits", slug="limits")
    member = Membership.objects.get(workspace=workspace, user=owner)
    roadmap = roadmaps.roadmap_create(member=member, name="Plan", lanes=["Build"])
    _link, out["share"] = roadmaps.share_link_create(
        member=member, name="Wall", views=[{"roadmap": roadmap.pk, "view": "timeline"}],
        password="correct horse battery",
    )
    plan["share"] = out["share"]
client = Client()
out["guess"] = [client.get(f"/share/shr_guess{n}", REMOTE_ADDR="10.9.9.1").status_code for n in range(plan["guess"])]
out["password"] = [
    client.post(f"/share/{plan['share']}", {"password": "wrong"}, REMOTE_ADDR="10.9.9.2").status_code
    for _ in range(plan["password"])
]
from accord.portal import limits
factory = RequestFactory()
out["vote"] = [limits.exceeded(factory.post("/", REMOTE_ADDR="10.9.9.3"), "vote") for _ in range(plan["vote"])]
out["login"] = [
    client.post("/accounts/login", {"email": "limits@example.test", "password": "wrong"}, REMOTE_ADDR="10.9.9.4").status_code
    for _ in range(plan["login"])
]
if plan.get("hits"):
    from accord.core import ratelimit
    out["hits"] = [ratelimit.hit("race", 600) for _ in range(plan["hits"])]
print(json.dumps(out))
"""


@pytest.fixture
def shared_env(request, tmp_path):
    """The environment of processes that share this test's database."""
    extra = {"ACCORD_TESTING": "true", "ACCORD_ALLOWED_HOSTS": "testserver"}
    if connection.vendor == "postgresql":
        return child_env(tmp_path, DATABASE_URL=database_url(connection.settings_dict), **extra)
    template = request.getfixturevalue("migrated_data_dir")
    return child_env(copy_data_dir(template, tmp_path / "data"), **extra)


def start(env, **plan):
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, json.dumps(plan)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def result(process) -> dict:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def test_limits_count_across_processes(shared_env):
    """What one process counted, the next one sees: the limits are global, not per worker."""
    from accord.roadmaps.views_public import MISS_LIMIT, PASSWORD_LIMIT

    first = result(start(shared_env, setup=True, guess=20, password=3, vote=6, login=3))
    assert set(first["guess"]) == {404} and set(first["password"]) == {401}
    assert first["vote"] == [0] * 6 and set(first["login"]) == {401}
    second = result(
        start(shared_env, share=first["share"], guess=MISS_LIMIT - 20 + 1, password=3, vote=5, login=3)
    )
    assert second["guess"] == [404] * (MISS_LIMIT - 20) + [429]
    assert second["password"] == [401] * (PASSWORD_LIMIT - 3) + [429]
    assert second["vote"][:4] == [0] * 4 and second["vote"][4] > 0  # the 11th vote of the hour
    assert second["login"] == [401, 401, 429]  # the sign-in throttle counts failures in the database


def test_two_processes_counting_at_once_lose_no_hit(shared_env):
    """The count is one atomic statement: 2 x 150 concurrent hits number 1..300, each once."""
    processes = [start(shared_env, guess=0, password=0, vote=0, login=0, hits=150) for _ in range(2)]
    counts = [result(p)["hits"] for p in processes]
    assert sorted(counts[0] + counts[1]) == list(range(1, 301))


def test_a_window_starts_again_after_it_ends(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now[0]))
    assert [ratelimit.hit("k", 60) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.hits("k") == 3 and ratelimit.hits("other") == 0
    now[0] += 60
    assert ratelimit.hits("k") == 0
    assert ratelimit.hit("k", 60) == 1
    assert RateCounter.objects.get(key="k").expires_at == now[0] + 60


def test_expired_counters_are_pruned(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now[0]))
    ratelimit.hit("old", 60)
    now[0] += 61
    monkeypatch.setattr(ratelimit, "PRUNE_ONE_IN", 1)
    ratelimit.hit("new", 60)
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["new"]


def test_a_long_key_is_counted_under_its_digest():
    key = "share-pw:1:" + "a" * 300
    assert ratelimit.hit(key, 60) == 1 and ratelimit.hit(key, 60) == 2
    assert ratelimit.hits(key) == 2
