from django.urls import path

from . import views

urlpatterns = [
    path("w/<slug:slug>/feedback", views.inbox, name="feedback_inbox"),
    path("w/<slug:slug>/feedback/new", views.feedback_new, name="feedback_new"),
    path("w/<slug:slug>/feedback/bulk", views.bulk, name="feedback_bulk"),
    path("w/<slug:slug>/feedback/import", views.feedback_import, name="feedback_import"),
    path("w/<slug:slug>/feedback/<int:feedback_id>", views.feedback_detail, name="feedback_detail"),
    path("w/<slug:slug>/feedback/<int:feedback_id>/drawer", views.feedback_drawer, name="feedback_drawer"),
    path("w/<slug:slug>/feedback/<int:feedback_id>/edit", views.feedback_edit, name="feedback_edit"),
    path("w/<slug:slug>/feedback/<int:feedback_id>/status", views.feedback_status, name="feedback_status"),
    path("w/<slug:slug>/feedback/<int:feedback_id>/delete", views.feedback_delete, name="feedback_delete"),
    path("w/<slug:slug>/feedback/<int:feedback_id>/links", views.feedback_link, name="feedback_link"),
    path("w/<slug:slug>/feedback-links/<int:link_id>/delete", views.link_delete, name="feedback_link_delete"),
    path("w/<slug:slug>/ideas/<int:idea_id>/feedback", views.idea_link_feedback, name="idea_link_feedback"),
    path("w/<slug:slug>/ideas/<int:idea_id>/feedback/picker", views.idea_feedback_picker, name="idea_feedback_picker"),
    path("w/<slug:slug>/customers", views.customers, name="customers"),
    path("w/<slug:slug>/customers/<int:customer_id>", views.customer_detail, name="customer_detail"),
]
