"""The ideas list and detail take the same number of queries for 5 ideas as for 50, and the list's
rows (selectors.idea_rows, no model instances) are exactly what IdeaOut makes of the ideas."""

import json
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ninja.responses import NinjaJSONEncoder

from accord.ideas import selectors, services
from accord.ideas.api import IdeaOut
from accord.ideas.models import Idea
from accord.workspaces import services as ws_services

TAGS = ["ui", "AI", "enterprise", "security"]


@pytest.fixture
def grow(cast, scorecard):
    """grow(n): the workspace acme gets ideas until it has n, varied in all the list shows."""
    editor = cast.members["editor"]
    teams = [ws_services.team_create(member=cast.members["admin"], name=f"Team {k}") for k in "AB"]

    def grow_to(n: int) -> None:
        for i in range(Idea.objects.filter(workspace=cast.workspace).count(), n):
            role = ("contributor", "editor", "admin")[i % 3]
            idea = services.idea_create(
                member=cast.members[role],
                title=f"Idea {i:02d}",
                department_id=teams[i % 2].pk if i % 4 else None,
                product_area="Reporting" if i % 2 else "",
                tags=TAGS[: i % (len(TAGS) + 1)],
            )
            if i % 5:  # some stay unscored
                values = {"value": 1 + i % 5, "effort": 1 + (i * 3) % 5}
                services.idea_set_inputs(
                    member=editor, idea_id=idea.pk, model_id=scorecard.pk, values=values
                )
            if i % 7 == 3:
                services.decide(member=editor, idea_id=idea.pk, kind="reject", reason="No.")

    return grow_to


def _queries(client_get, path, params=None) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client_get(path, params)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 50},
        {"status": "scored", "sort": "-score", "limit": 50},
        {"tag": "ai", "sort": "score", "limit": 50},
        {"sort": "-created", "q": "idea", "limit": 50},
    ],
)
def test_the_list_takes_as_many_queries_for_50_ideas_as_for_5(cast, api, grow, params):
    get = api(cast.tokens["viewer"]).get
    get("/workspaces/acme/ideas")  # the first use of a token also stamps last_used_at
    counts = {}
    for n in (5, 50):
        grow(n)
        counts[n], body = _queries(get, "/workspaces/acme/ideas", params)
        assert body["items"] and body["count"] <= n
    assert counts[5] == counts[50] <= 7  # token, model (+ criteria), page, tags, count


def test_the_detail_takes_as_many_queries_for_50_ideas_as_for_5(cast, api, grow, scorecard):
    get = api(cast.tokens["viewer"]).get
    services.scoring_model_create(member=cast.members["editor"], name="RICE", kind="rice")
    get("/workspaces/acme/ideas")
    counts = {}
    for n in (5, 50):
        grow(n)
        # The most decorated idea: tags, a department, scores under both models, a decision.
        decorated = Idea.objects.filter(
            workspace=cast.workspace, decisions__isnull=False, tags__isnull=False
        )
        idea = decorated.order_by("-pk").first()
        counts[n], body = _queries(get, f"/workspaces/acme/ideas/{idea.pk}")
        assert len(body["scores"]) == 2 and body["decisions"] and body["tags"]
    assert counts[5] == counts[50]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?limit=7&offset=5",
        "?status=scored&sort=-score",
        "?sort=score&tag=AI",
        "?tag=ui&sort=title&status=rejected",
        "?score_min=40&score_max=80",
        "?sort=-created&department_id=TEAM",
        "?criterion=effort&sort=-score",
        "?model_id=NONE",
    ],
)
def test_list_rows_match_the_model_serialization(cast, api, grow, scorecard, query):
    """The list builds rows, not model instances: they must equal what IdeaOut makes of ideas."""
    grow(30)
    other = services.scoring_model_create(
        member=cast.members["editor"], name="Other", kind="weighted", criteria=[{"key": "x"}]
    )
    team = cast.workspace.teams.order_by("name").first()
    query = query.replace("TEAM", str(team.pk)).replace("NONE", str(other.pk))
    params = {k: v[0] for k, v in parse_qs(query.lstrip("?")).items()}
    _count, body = _queries(api(cast.tokens["viewer"]).get, "/workspaces/acme/ideas", params)
    limit, offset = int(params.pop("limit", 50)), int(params.pop("offset", 0))
    model = other if "model_id" in params else scorecard
    params.pop("model_id", None)
    for key in ("department_id", "score_min", "score_max"):
        if key in params:
            params[key] = float(params[key]) if key.startswith("score") else int(params[key])
    ideas = selectors.ideas(workspace=cast.workspace, model=model, **params)
    outs = [IdeaOut.model_validate(i) for i in ideas[offset : offset + limit]]
    expected = json.loads(json.dumps(outs, cls=NinjaJSONEncoder))  # as the API renders them
    assert body["items"] == expected
    assert body["count"] == ideas.count()  # the count without the score join counts the same
    assert body["items"], "the query should list something"
