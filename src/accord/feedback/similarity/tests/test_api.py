"""The similarity API: related feedback, similar items, themes, progress (roles: test_authorization)."""


from .test_similarity import INVOICES, NOISE, OFFLINE


def test_related_feedback_for_an_idea(api, cast, say, idea):
    items = [say(t) for t in OFFLINE + INVOICES + NOISE]
    offline = idea("Offline listening", "Download music and play it without a connection.")

    res = api(cast.tokens["viewer"]).get(f"/workspaces/acme/ideas/{offline.pk}/related-feedback", {"limit": 3})

    assert res.status_code == 200
    body = res.json()
    assert len(body) == 3
    assert {r["feedback"]["id"] for r in body} <= {fb.pk for fb in items[:4]}
    assert body[0]["score"] >= body[-1]["score"] > 0


def test_similar_items_and_likely_ideas(api, cast, say, idea):
    offline = idea("Offline listening", "Download music and play it without a connection.")
    first = say("Please add an export of the roadmap to Excel.")
    second = say("Could you add a way to export the roadmap into Excel?")
    third = say("On the plane I cannot play my songs because there is no internet.")
    client = api(cast.tokens["viewer"])

    dup = client.get(f"/workspaces/acme/feedback/{second.pk}/similar").json()
    assert [d["feedback"]["id"] for d in dup["duplicates"]] == [first.pk]
    ideas = client.get(f"/workspaces/acme/feedback/{third.pk}/similar").json()["ideas"]
    assert ideas[0]["idea_id"] == offline.pk


def test_themes_and_progress(api, cast, say):
    for t in OFFLINE + INVOICES + NOISE:
        say(t)
    client = api(cast.tokens["viewer"])

    themes = client.get("/workspaces/acme/feedback-themes").json()
    assert sorted(t["size"] for t in themes) == [3, 3]
    assert all(t["label"] and len(t["feedback_ids"]) == t["size"] for t in themes)
    assert client.get("/workspaces/acme/feedback-index").json() == {"total": 9, "pending": 0, "percent": 100}


def test_limit_is_validated(api, cast, idea):
    offline = idea("Offline listening")
    res = api(cast.tokens["viewer"]).get(f"/workspaces/acme/ideas/{offline.pk}/related-feedback", {"limit": 0})
    assert res.status_code == 422
