"""gunicorn's logger for `accord serve`: its access log as JSON lines, without secret tokens.

Share links, calendar feeds, scoreboards, invitations and portal confirmation links carry their
secret in the path; `accord serve` passes `--logger-class accord.core.access_log.RedactingLogger`.
Each access line is one JSON object (accord.core.logging.JsonFormatter) with the request line,
status, size, duration and the request id the app sent back (X-Request-ID), so a line of the
access log and the app's own lines for the same request share `request_id`.
"""

from gunicorn.glogging import Logger

from accord.core.logging import JsonFormatter, RedactSecrets


class RedactingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactSecrets) for f in log.filters):
                log.addFilter(RedactSecrets())
        for handler in self.access_log.handlers:
            handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        request_id = next((value for name, value in resp.headers if name.lower() == "x-request-id"), None)
        try:
            self.access_log.info(
                atoms["r"],
                extra={
                    "event": "access",
                    "status": resp.status_code,
                    "bytes": atoms["B"],
                    "duration_ms": round(request_time.total_seconds() * 1000, 1),
                    "remote": atoms["h"],
                    "referer": atoms["f"],
                    "user_agent": atoms["a"],
                    "request_id": request_id,
                },
            )
        except Exception:
            import traceback

            self.error(traceback.format_exc())
