"""Invitation mail. The task gets the invitation's id, never its token: it rebuilds the link's
token from the stored nonce (accord.core.tokens), so no secret waits in the task queue."""

from django.tasks import task

from accord.core.mail import RETRY, Mail, deliver, retry


@task()
def send_invitation_email(invitation_id: int, attempt: int = 1) -> str:
    from .models import Invitation
    from .services import invitation_link

    invitation = Invitation.objects.select_related("workspace", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.state != "pending" or not invitation.token_nonce:
        return "skipped"  # revoked or accepted before the worker got to it
    inviter = invitation.invited_by.display_name if invitation.invited_by else "Someone"
    message = Mail(
        subject=f"{inviter} invited you to {invitation.workspace.name} on Accord",
        body=(
            f"{inviter} invited you to join the workspace \"{invitation.workspace.name}\" as {invitation.role}.\n\n"
            f"Accept the invitation: {invitation_link(invitation)}\n\n"
            f"The invitation is for {invitation.email}: accept it signed in with that address, or create "
            f"an account for it.\n"
            f"The link expires on {invitation.expires_at:%Y-%m-%d %H:%M} UTC and can be used once."
        ),
        to=[invitation.email],
    )
    outcome = deliver(message, kind="invitation", attempt=attempt)
    if outcome == RETRY:
        retry(send_invitation_email, invitation_id, attempt=attempt)
    return outcome
