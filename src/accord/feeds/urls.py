from django.urls import path

from . import views

urlpatterns = [
    # The secret is the path segment after /feeds/ (accord.core.logging.SECRET_ROUTES).
    path("feeds/<str:token>", views.atom_feed, name="atom_feed"),
    path("w/<slug:slug>/feeds/new", views.feed_new, name="feed_new"),
    path("w/<slug:slug>/feeds/<int:feed_id>/revoke", views.feed_revoke, name="feed_revoke"),
]
