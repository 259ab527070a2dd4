from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from accord.core.logging import security_log


@receiver(user_logged_out)
def _log_logout(sender, request, user, **kwargs) -> None:
    security_log.info("logout", extra={"event": "logout", "user_id": getattr(user, "pk", None)})
