"""The glossary API: the same rules as the pages, errors naming their fields."""

from accord.glossary.models import Term, TermName


def test_propose_get_patch_agree_and_list(cast, api):
    admin = api(cast.tokens["admin"])
    body = {
        "name": "Release",
        "synonyms": ["Version"],
        "definitions": {
            "marketing": "New features announced together",
            "it": "A tagged build of new features",
        },
    }
    created = admin.post("/workspaces/acme/glossary/terms", body)
    assert created.status_code == 201, created.content
    term = created.json()
    assert (
        term["status"] == "draft"
        and term["definitions"] == body["definitions"]
        and term["proposed_by"] == "admin@acme.test"
    )
    patched = admin.patch(
        f"/workspaces/acme/glossary/terms/{term['id']}",
        {"version": term["version"], "examples": "4.2"},
    )
    assert patched.json()["examples"] == "4.2"
    agreed = admin.post(
        f"/workspaces/acme/glossary/terms/{term['id']}/agree",
        {"version": patched.json()["version"]},
    )
    assert agreed.json()["status"] == "agreed" and agreed.json()["agreed_by"] == "admin@acme.test"
    listed = api(cast.tokens["viewer"]).get("/workspaces/acme/glossary/terms", {"q": "vers"}).json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "Release"
    assert (
        api(cast.tokens["viewer"])
        .get("/workspaces/acme/glossary/terms", {"status": "draft"})
        .json()["count"]
        == 0
    )


def test_a_word_defined_twice_is_a_409_naming_the_field(cast, api, term):
    admin = api(cast.tokens["admin"])
    response = admin.post(
        "/workspaces/acme/glossary/terms",
        {"name": "Onboarding", "synonyms": ["ACTIVATION"], "definitions": {"it": "x"}},
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "synonyms"
    assert Term.objects.count() == 1 and TermName.objects.count() == 2


def test_empty_definitions_and_a_multi_line_name_are_422(cast, api):
    admin = api(cast.tokens["admin"])
    empty = admin.post(
        "/workspaces/acme/glossary/terms",
        {"name": "Lead", "definitions": {"marketing": "", "it": " "}},
    )
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "definitions"
    lines = admin.post(
        "/workspaces/acme/glossary/terms", {"name": "Lead\nscore", "definitions": {"it": "x"}}
    )
    assert lines.status_code == 422 and lines.json()["errors"][0]["field"] == "name"
    assert not Term.objects.exists()


def test_flag_review_mark_import_and_export(cast, api, term):
    contributor, admin = api(cast.tokens["contributor"]), api(cast.tokens["admin"])
    flagged = contributor.post(
        f"/workspaces/acme/glossary/terms/{term.pk}/flag", {"note": "Two meanings"}
    )
    assert flagged.json()["needs_review"] and flagged.json()["flag_note"] == "Two meanings"
    assert (
        contributor.post(f"/workspaces/acme/glossary/terms/{term.pk}/review", {}).status_code == 403
    )
    assert not admin.post(
        f"/workspaces/acme/glossary/terms/{term.pk}/review", {"note": "Settled"}
    ).json()["needs_review"]
    marked = (
        api(cast.tokens["viewer"])
        .get(
            "/workspaces/acme/glossary/mark",
            {"text": "Our *activated accounts*", "audience": "it"},
        )
        .json()
    )
    assert marked["terms"] == [{"id": term.pk, "name": "Activation"}]
    assert (
        "activated_at timestamp" in marked["html"]
        and "A trial account reaching" not in marked["html"]
    )
    imported = api(cast.tokens["editor"]).post(
        "/workspaces/acme/glossary/import", {"csv": "name,it\nUptime,Minutes up\n"}
    )
    assert imported.status_code == 201 and imported.json()["created"] == 1
    exported = api(cast.tokens["viewer"]).get("/workspaces/acme/glossary/export")
    assert exported["Content-Type"].startswith("text/csv") and b"Uptime" in exported.content
