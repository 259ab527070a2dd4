from django.core.mail import send_mail
from django.tasks import task


@task()
def send_invitation_email(invitation_id: int, link: str) -> None:
    from .models import Invitation

    invitation = Invitation.objects.select_related("workspace", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.state != "pending":
        return  # revoked or accepted before the worker got to it
    inviter = invitation.invited_by.display_name if invitation.invited_by else "Someone"
    send_mail(
        subject=f"{inviter} invited you to {invitation.workspace.name} on Accord",
        message=(
            f"{inviter} invited you to join the workspace \"{invitation.workspace.name}\" as {invitation.role}.\n\n"
            f"Accept the invitation: {link}\n\n"
            f"The link expires on {invitation.expires_at:%Y-%m-%d %H:%M} UTC and can be used once."
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )
