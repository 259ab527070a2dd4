"""A local webhook receiver on 127.0.0.1 (tests and the webhook bench): records every request.

with Receiver() as rx:           # rx.url is http://127.0.0.1:<port>/hook
    rx.statuses = [500, 200]     # answers, in turn (then 200)
    ...
    rx.wait(3)                   # until 3 requests arrived (or a timeout)
    rx.requests[0].headers["Accord-Webhook-Id"], rx.requests[0].body
"""

import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.time() on arrival


class Receiver:
    def __init__(self, response_body: bytes = b"ok", location: str = ""):
        self.requests: list[Received] = []
        self.statuses: list[int] = []
        self.response_body = response_body
        self.location = location
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver._arrived:
                    receiver.requests.append(
                        Received(self.path, dict(self.headers.items()), body, time.time())
                    )
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver._arrived.notify_all()
                self.send_response(status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(receiver.response_body)))
                self.end_headers()
                self.wfile.write(receiver.response_body)

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                # a sender that hangs up (a timeout test, a stopped bench) is not the receiver's error
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Receiver":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait(self, count: int, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._arrived.wait(left)
        return True
