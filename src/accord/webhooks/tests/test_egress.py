"""SSRF safety: what URLs may be saved, and what each delivery connects to."""

import json

import pytest

from accord.core.errors import Invalid
from accord.webhooks import egress, services

pytestmark = pytest.mark.django_db

REFUSED = [
    ("ftp://example.com/hook", "Only http"),
    ("file:///etc/passwd", "Only http"),
    ("http://user:pw@example.com/", "user name"),
    ("http://127.0.0.1:8000/", "loopback"),
    ("http://localhost/", "localhost"),
    ("http://[::1]/", "loopback"),
    ("http://10.1.2.3/", "private"),
    ("http://192.168.0.10/", "private"),
    ("http://172.16.5.4/", "private"),
    ("http://169.254.169.254/latest/meta-data", "metadata"),
    ("http://[fd00:ec2::254]/", "metadata"),
    ("http://169.254.10.10/", "link-local"),
    ("http://100.64.1.1/", "CGNAT"),
    ("http://224.0.0.1/", "multicast"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://240.0.0.1/", "reserved"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http:///nohost", "no host"),
    ("http://example.com:99999/", "port"),
]


@pytest.mark.parametrize(("url", "why"), REFUSED)
def test_unsafe_urls_are_refused_when_saved(url, why):
    with pytest.raises(Invalid) as exc:
        services.clean_url(url)
    assert exc.value.errors[0].field == "url"
    assert why.lower() in exc.value.detail.lower()


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch):
    monkeypatch.setattr(egress, "resolve", lambda host, port: ["93.184.215.14", "10.0.0.7"])
    with pytest.raises(Invalid, match=r"resolves to 10\.0\.0\.7, a private address"):
        services.clean_url("https://intranet.example.com/hook")
    monkeypatch.setattr(egress, "resolve", lambda host, port: ["93.184.215.14"])
    assert (
        services.clean_url(" https://hooks.example.com/hook ") == "https://hooks.example.com/hook"
    )


def test_allowed_internal_hosts(settings, monkeypatch):
    settings.ACCORD_WEBHOOK_ALLOWED_HOSTS = ["hooks.internal", "127.0.0.1"]
    monkeypatch.setattr(egress, "resolve", lambda host, port: ["10.0.0.7"])
    assert services.clean_url("http://hooks.internal/x") == "http://hooks.internal/x"
    assert services.clean_url("http://127.0.0.1:9000/x") == "http://127.0.0.1:9000/x"
    with pytest.raises(Invalid):
        services.clean_url("http://other.internal/x")


def test_each_delivery_connects_to_the_address_it_checked(receiver, settings, monkeypatch):
    """DNS rebinding: the name answered a public address when saved, then loopback. Each attempt
    resolves again and refuses; an allowed name is connected to by the checked IP, Host kept."""
    calls = []

    def resolve(host, port):
        calls.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(egress, "resolve", resolve)
    url = f"http://rebind.example.com:{receiver.port}/hook"
    out = egress.post(url, b"{}", {"Content-Type": "application/json"})
    assert out.status is None and "resolves to 127.0.0.1, a loopback address" in out.error
    assert not receiver.requests
    settings.ACCORD_WEBHOOK_ALLOWED_HOSTS = ["rebind.example.com"]
    out = egress.post(url, b'{"a": 1}', {"Content-Type": "application/json"})
    assert out.ok and out.address == "127.0.0.1"
    assert receiver.requests[0].headers["Host"] == f"rebind.example.com:{receiver.port}"
    assert json.loads(receiver.requests[0].body) == {"a": 1}


def test_redirects_are_not_followed_and_responses_are_capped(receiver):
    receiver.statuses = [302]
    receiver.location = "http://169.254.169.254/latest/meta-data"
    out = egress.post(receiver.url, b"{}", {})
    assert out.status == 302 and not out.ok and "not followed" in out.error
    assert len(receiver.requests) == 1
    receiver.location, receiver.response_body = "", b"y" * (egress.RESPONSE_CAP * 3)
    out = egress.post(receiver.url, b"{}", {})
    assert out.ok and len(out.body) == egress.RESPONSE_CAP


def test_a_silent_receiver_times_out(settings, monkeypatch):
    import socket

    settings.ACCORD_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    monkeypatch.setattr(egress, "TOTAL_TIMEOUT", 0.5)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        out = egress.post(f"http://127.0.0.1:{server.getsockname()[1]}/", b"{}", {})
    assert out.status is None and "Timed out" in out.error
