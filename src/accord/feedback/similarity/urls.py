from django.urls import path

from . import views

urlpatterns = [
    path("w/<slug:slug>/feedback/themes", views.themes, name="feedback_themes"),
    path("w/<slug:slug>/feedback/index-status", views.index_status, name="feedback_index_status"),
    path("w/<slug:slug>/feedback/<int:feedback_id>/similar", views.similar_for_feedback, name="feedback_similar"),
    path("w/<slug:slug>/ideas/<int:idea_id>/related-feedback", views.related_for_idea, name="idea_related_feedback"),
]
