"""A launch's campaigns waiting for its release on the roadmaps: the cross-roadmap dependency the
launch page offers to create where it is missing (the roadmaps capability keeps and checks it)."""

from django.db import transaction

from accord.core.errors import Invalid
from accord.roadmaps.models import Dependency
from accord.roadmaps.services import dependency_create
from accord.workspaces.models import Membership
from accord.workspaces.permissions import require

from .services import get_launch


@transaction.atomic
def campaign_wait_for_release(*, member: Membership, launch_id: int, item_id: int | None) -> Dependency:
    """A finish-to-start dependency from the launch's release to one of its campaigns (audited by
    the roadmaps, which then flag the campaign when the release slips past its start)."""
    require(member, "launch.manage")
    launch = get_launch(member, launch_id)
    if launch.release_id is None:
        raise Invalid.field("item_id", "This launch has no release any more: its item was deleted.")
    if item_id is None or not launch.campaigns.filter(pk=item_id).exists():
        raise Invalid.field("item_id", "Choose one of this launch's campaigns.")
    if Dependency.objects.filter(predecessor_id=launch.release_id, successor_id=item_id).exists():
        raise Invalid.field("item_id", "This campaign already waits for the release.")
    return dependency_create(member=member, predecessor_id=launch.release_id, successor_id=item_id)
