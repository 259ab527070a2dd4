"""Public URLs (no login): share links with their kiosk endpoints, and calendar feeds."""

from django.urls import path

from . import views_public

urlpatterns = [
    path("share/", views_public.share_missing, name="share_missing"),
    path("share/<str:token>", views_public.share_page, name="share_page"),
    path("share/<str:token>/state", views_public.share_state, name="share_state"),
    path("share/<str:token>/view/<int:index>", views_public.share_view, name="share_view"),
    path("calendar/<str:token>.ics", views_public.calendar_feed, name="calendar_feed"),
]
