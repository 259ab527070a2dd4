"""Public URLs (no login): the big-screen scoreboard and the endpoints its kiosk script polls."""

from django.urls import path

from . import views_public

urlpatterns = [
    path("scoreboard/<str:token>", views_public.scoreboard_page, name="scoreboard_public"),
    path("scoreboard/<str:token>/state", views_public.scoreboard_state, name="scoreboard_state"),
    path("scoreboard/<str:token>/view/<int:index>", views_public.scoreboard_fragment, name="scoreboard_view"),
]
