from django.urls import path

from . import views, views_public

urlpatterns = [
    # admin
    path("w/<slug:slug>/portal", views.portal_settings, name="portal_settings"),
    path("w/<slug:slug>/portal/ideas/<int:idea_id>", views.portal_publish, name="portal_publish"),
    path("w/<slug:slug>/portal/moderation", views.portal_moderation, name="portal_moderation"),
    # public (no login)
    path("portal/<slug:slug>/", views_public.home, name="portal_home"),
    path("portal/<slug:slug>/ideas/<int:idea_id>", views_public.idea, name="portal_idea"),
    path("portal/<slug:slug>/ideas/<int:idea_id>/vote", views_public.vote, name="portal_vote"),
    path("portal/<slug:slug>/ideas/<int:idea_id>/comments", views_public.comment, name="portal_comment"),
    path("portal/<slug:slug>/submit", views_public.submit, name="portal_submit"),
    path("portal/<slug:slug>/submitted", views_public.submitted, name="portal_submitted"),
    path("portal/<slug:slug>/verify/<str:token>", views_public.verify, name="portal_verify"),
    path("portal/<slug:slug>/confirm/<str:token>", views_public.confirm, name="portal_confirm"),
    path("portal/<slug:slug>/unsubscribe/<str:token>", views_public.unsubscribe, name="portal_unsubscribe"),
]
