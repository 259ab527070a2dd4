"""gunicorn's logger for `accord serve`: its access and error logs without secret tokens.

Share links, calendar feeds, scoreboards, invitations and portal confirmation links carry their
secret in the path; `accord serve` passes `--logger-class accord.core.access_log.RedactingLogger`.
"""

from gunicorn.glogging import Logger

from accord.core.logging import RedactSecrets


class RedactingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactSecrets) for f in log.filters):
                log.addFilter(RedactSecrets())
