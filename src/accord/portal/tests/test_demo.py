from django.core import mail
from django.test import Client

from accord.portal.models import Comment, PublishedIdea


def test_the_demo_portal_is_on_with_votes_comments_and_a_shipped_idea(db, django_capture_on_commit_callbacks):
    from accord.demo.loader import load_demo

    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    assert PublishedIdea.objects.filter(workspace__slug="lumen").count() == 8
    assert Comment.objects.filter(status="pending").count() == 2
    shipped = PublishedIdea.objects.get(idea__status="done")
    assert shipped.status_changed_at is not None
    assert len([m for m in mail.outbox if "has shipped" in m.subject]) == 6  # its six voters
    page = Client().get("/portal/lumen/").content.decode()
    assert "Lumen ideas" in page and "Shipped" in page
