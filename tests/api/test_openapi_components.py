"""Two API schemas must never share a component name in OpenAPI.

Django Ninja merges every operation's JSON-schema definitions into one `components.schemas` dict by
name, so a second class with the same name silently replaces the first one's documentation (ideas'
bulk body was once documented as feedback's). These tests record every merge while the schema is
built and fail on a name that arrives with two different definitions.
"""

from ninja import NinjaAPI, Router, Schema
from ninja.openapi.schema import OpenAPISchema


def component_clashes(api: NinjaAPI, monkeypatch) -> dict[str, list[dict]]:
    """Build api's OpenAPI schema; return {component name: [its differing definitions]}."""
    seen: dict[str, list[dict]] = {}
    merge = OpenAPISchema.add_schema_definitions

    def recording(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            variants = seen.setdefault(name, [])
            if definition not in variants:
                variants.append(definition)
        merge(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", recording)
    api.get_openapi_schema(path_prefix="/api/")
    return {name: variants for name, variants in seen.items() if len(variants) > 1}


def test_no_two_api_schemas_share_a_component_name(monkeypatch):
    from accord.api import api

    clashes = component_clashes(api, monkeypatch)

    assert not clashes, f"schema names used by different classes (rename one): {sorted(clashes)}"


def test_the_check_catches_a_clash(monkeypatch):
    """Two modules each with a `BulkIn`: the clash the test above exists to catch."""

    def bulk_in(field: str) -> type[Schema]:
        return type("BulkIn", (Schema,), {"__annotations__": {field: list[int]}})

    ideas, feedback = Router(), Router()

    @ideas.post("/ideas/bulk")
    def ideas_bulk(request, body: bulk_in("idea_ids")):  # type: ignore[valid-type]
        return None

    @feedback.post("/feedback/bulk")
    def feedback_bulk(request, body: bulk_in("feedback_ids")):  # type: ignore[valid-type]
        return None

    api = NinjaAPI(urls_namespace="clash-check")
    api.add_router("/", ideas)
    api.add_router("/", feedback)

    assert list(component_clashes(api, monkeypatch)) == ["BulkIn"]
