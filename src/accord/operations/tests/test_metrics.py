"""/metrics: hidden without its token, Prometheus text with it, figures per route (the URL pattern)."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture
def token(settings):
    settings.ACCORD_METRICS_TOKEN = TOKEN
    return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


def samples(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.content.decode())
        for s in family.samples
    }


def test_no_token_configured_means_no_page(client, settings):
    settings.ACCORD_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", TOKEN])
def test_a_wrong_or_missing_token_gets_a_404(client, token, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    assert client.get("/metrics", **extra).status_code == 404


def test_requests_are_counted_per_route_pattern_not_per_address(client, token):
    before = samples(client.get("/metrics", **token))
    key = ("accord_http_request_duration_seconds_count", (("method", "GET"), ("route", "/w/<slug:slug>/"), ("status", "3xx")))
    for slug in ("one", "two"):
        client.get(f"/w/{slug}/")  # signed out: a redirect to the sign-in page
    missing = ("accord_http_errors_total", (("method", "GET"), ("route", "(unmatched)"), ("status", "404")))
    client.get("/no-such-page")
    after = samples(client.get("/metrics", **token))
    assert after[key] - before.get(key, 0) == 2
    assert after[missing] - before.get(missing, 0) == 1
    assert not any("/w/one/" in str(labels) for _name, labels in after)  # no addresses as labels
    # Scrapes are not timed (a refused one counts as an error, above all a guess at the token).
    assert not any(
        name.startswith("accord_http_request_duration") and dict(labels).get("route") == "/metrics"
        for name, labels in after
    )


def test_the_scrape_reads_the_database_and_the_task_queue(client, token, db_tasks):
    from accord.feedback.similarity.tasks import index_feedback_task

    index_feedback_task.enqueue([])
    index_feedback_task.enqueue([])
    got = samples(client.get("/metrics", **token))
    assert got[("accord_database_up", ())] == 1
    assert got[("accord_task_queue_depth", (("backend", "default"), ("queue", "default")))] == 2
    db_tasks.run()
    got = samples(client.get("/metrics", **token))
    assert ("accord_task_queue_depth", (("backend", "default"), ("queue", "default"))) not in got
    finished = ("accord_task_duration_seconds_count", (("status", "successful"), ("task", "index_feedback_task")))
    assert got[finished] >= 2


def test_an_unhandled_exception_is_counted(client, token, monkeypatch):
    from django.urls import clear_url_caches

    from accord import urls

    def broken(request):
        raise RuntimeError("boom")

    client.raise_request_exception = False
    before = samples(client.get("/metrics", **token))
    with monkeypatch.context() as patch:
        patch.setattr(urls.urlpatterns[0], "callback", broken)
        clear_url_caches()
        assert client.get("/healthz").status_code == 500
    key = ("accord_http_exceptions_total", (("exception", "RuntimeError"), ("route", "/healthz")))
    assert samples(client.get("/metrics", **token))[key] - before.get(key, 0) == 1
