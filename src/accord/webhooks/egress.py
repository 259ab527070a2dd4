"""Outgoing HTTP for webhooks, safe against server-side request forgery (SSRF).

- Only http and https URLs, without user info; the host is resolved here and EVERY address it
  resolves to must be public: private, loopback, link-local, multicast, reserved, unspecified,
  shared (CGNAT 100.64/10) and cloud metadata addresses (169.254.169.254, fd00:ec2::254) are refused.
- The connection goes to the address that was checked (http.client to the IP, with the Host header
  and, for https, the SNI and certificate check on the name): a DNS answer that changes between the
  check and the connection (DNS rebinding) cannot redirect it.
- Redirects are not followed (a 3xx is a failed attempt); connect timeout 5 s, 10 s in all; the
  response is read up to RESPONSE_CAP bytes.
- ACCORD_WEBHOOK_ALLOWED_HOSTS (settings) lists internal hosts an admin allows ("127.0.0.1",
  "hooks.internal", "10.0.0.5:8080"): for those names or addresses the address checks are skipped.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings

CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
RESPONSE_CAP = 64 * 1024
METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
CGNAT = ipaddress.ip_network("100.64.0.0/10")


class Refused(ValueError):
    """The URL may not be called (says why, in words for the person who set it)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written (lower case), for the Host header and TLS
    port: int
    path: str  # path and query
    allowed: bool  # listed in ACCORD_WEBHOOK_ALLOWED_HOSTS


@dataclass
class Response:
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str = ""
    duration_ms: int = 0
    address: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def allowed_hosts() -> set[str]:
    raw = getattr(settings, "ACCORD_WEBHOOK_ALLOWED_HOSTS", ()) or ()
    if isinstance(raw, str):
        raw = raw.split(",")
    return {h.strip().lower() for h in raw if h and h.strip()}


def parse(url: str) -> Target:
    """The URL's parts, or Refused: http(s) only, a host, no user info, a valid port."""
    if not isinstance(url, str) or not url.strip():
        raise Refused("Enter the URL the events are sent to.")
    url = url.strip()
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise Refused("A URL cannot contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(f"Not a valid URL ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Refused("Only http:// and https:// URLs can receive webhooks.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise Refused("Put no user name or password in the URL: verify the signature instead.")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise Refused("The URL has no host.")
    try:
        host.encode("idna")
    except UnicodeError:
        raise Refused("The URL's host name is not valid.") from None
    port = port or (443 if scheme == "https" else 80)
    if not 0 < port < 65536:
        raise Refused("The URL's port is not valid.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    allowed = allowed_hosts()
    listed = host in allowed or f"{host}:{port}" in allowed
    return Target(scheme=scheme, host=host, port=port, path=path, allowed=listed)


def forbidden_reason(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """Why this address may not be called ("" when it is public)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return forbidden_reason(ip.ipv4_mapped)
    if ip in METADATA:
        return "a cloud metadata address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "an unspecified address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT:
        return "a shared (CGNAT) address"
    if ip.is_reserved:
        return "a reserved address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "a reserved address"
    return ""


def _literal(host: str):
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolve(host: str, port: int) -> list[str]:
    """Every address the name resolves to (a seam for tests)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def check_literal(target: Target) -> None:
    """At save time: refuse an IP address (or localhost) that is not public, unless allowed."""
    if target.allowed:
        return
    if target.host == "localhost" or target.host.endswith(".localhost"):
        raise Refused(
            "localhost is this server: it cannot receive webhooks (an admin may allow it)."
        )
    ip = _literal(target.host)
    if ip is not None and (why := forbidden_reason(ip)):
        raise Refused(f"{ip} is {why}: webhooks go to public addresses only.")


def addresses(target: Target) -> list[str]:
    """The checked addresses to connect to, or Refused (every address must be public)."""
    check_literal(target)
    ip = _literal(target.host)
    if ip is not None:
        return [str(ip)]
    try:
        found = resolve(target.host, target.port)
    except (OSError, UnicodeError) as exc:
        raise Refused(f"{target.host} could not be resolved ({exc.__class__.__name__}).") from None
    if not found:
        raise Refused(f"{target.host} has no address.")
    if not target.allowed:
        for raw in found:
            why = forbidden_reason(ipaddress.ip_address(raw.split("%")[0]))
            if why:
                raise Refused(
                    f"{target.host} resolves to {raw}, {why}: webhooks go to public addresses only."
                )
    return found


class _PinnedHTTPS(http.client.HTTPSConnection):
    """Connects to the checked address; TLS (SNI, certificate) for the host name."""

    def __init__(self, address: str, host: str, port: int, timeout: float, context: ssl.SSLContext):
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), timeout=CONNECT_TIMEOUT)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, address: str, host: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), timeout=CONNECT_TIMEOUT)


def post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST once; never raises for network trouble (the Response says what happened)."""
    started = time.monotonic()
    out = Response()
    conn = None
    try:
        target = parse(url)
        address = addresses(target)[0]
        out.address = address
        remaining = TOTAL_TIMEOUT
        if target.scheme == "https":
            conn = _PinnedHTTPS(
                address, target.host, target.port, remaining, ssl.create_default_context()
            )
        else:
            conn = _PinnedHTTP(address, target.host, target.port, remaining)
        default_port = 443 if target.scheme == "https" else 80
        host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
        if ":" in target.host and not target.host.startswith("["):  # an IPv6 literal
            host_header = f"[{target.host}]" + (
                "" if target.port == default_port else f":{target.port}"
            )
        conn.putrequest("POST", target.path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host_header)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        if conn.sock is not None:
            conn.sock.settimeout(max(0.1, TOTAL_TIMEOUT - (time.monotonic() - started)))
        response = conn.getresponse()
        out.status = response.status
        out.headers = {k: v for k, v in response.getheaders()}
        chunks, size = [], 0
        while size < RESPONSE_CAP:
            left = TOTAL_TIMEOUT - (time.monotonic() - started)
            if left <= 0:
                out.error = f"The response took longer than {TOTAL_TIMEOUT:.0f} s."
                break
            if conn.sock is not None:
                conn.sock.settimeout(left)
            chunk = (
                response.read1(min(16384, RESPONSE_CAP - size))
                if hasattr(response, "read1")
                else response.read(min(16384, RESPONSE_CAP - size))
            )
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        out.body = b"".join(chunks)
        if 300 <= response.status < 400:
            out.error = f"Redirect to {response.getheader('Location', '?')[:200]} not followed."
    except Refused as exc:
        out.error = f"Refused: {exc}"
    except TimeoutError:
        out.error = f"Timed out (connect {CONNECT_TIMEOUT:.0f} s, {TOTAL_TIMEOUT:.0f} s in all)."
    except ssl.SSLError as exc:
        out.error = f"TLS error: {exc.__class__.__name__}: {str(exc)[:200]}"
    except (OSError, http.client.HTTPException) as exc:
        out.error = f"{exc.__class__.__name__}: {str(exc)[:200]}"
    finally:
        if conn is not None:
            conn.close()
    out.duration_ms = int((time.monotonic() - started) * 1000)
    return out
