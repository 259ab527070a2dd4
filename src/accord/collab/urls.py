from django.urls import path

from . import views

W = "w/<slug:slug>"
D = f"{W}/discuss/<slug:kind>/<int:object_id>"

urlpatterns = [
    path(D, views.discussion, name="discussion"),
    path(f"{D}/comments", views.comment_add, name="comment_add"),
    path(f"{D}/watch", views.watch, name="discussion_watch"),
    path(f"{D}/people", views.people, name="discussion_people"),
    path(f"{W}/comments/<int:comment_id>/edit", views.comment_edit, name="comment_edit"),
    path(f"{W}/comments/<int:comment_id>/delete", views.comment_delete, name="comment_delete"),
    path(f"{W}/watching", views.my_watches, name="my_watches"),
]
