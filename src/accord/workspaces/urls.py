from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("workspaces/new", views.workspace_new, name="workspace_new"),
    path("invitations/<str:token>", views.invitation, name="invitation"),
    path("w/<slug:slug>/", views.workspace_home, name="workspace_home"),
    path("w/<slug:slug>/settings", views.workspace_settings, name="workspace_settings"),
    path("w/<slug:slug>/members", views.members, name="members"),
    path("w/<slug:slug>/members/<int:membership_id>/role", views.member_role, name="member_role"),
    path("w/<slug:slug>/members/<int:membership_id>/remove", views.member_remove, name="member_remove"),
    path("w/<slug:slug>/invitations", views.invitation_create, name="invitation_create"),
    path("w/<slug:slug>/invitations/<int:invitation_id>/revoke", views.invitation_revoke, name="invitation_revoke"),
    path("w/<slug:slug>/teams", views.teams, name="teams"),
    path("w/<slug:slug>/teams/<int:team_id>", views.team_detail, name="team_detail"),
    path("w/<slug:slug>/people", views.people, name="people"),
    path("w/<slug:slug>/people/<int:person_id>", views.person_detail, name="person_detail"),
    path("w/<slug:slug>/tokens", views.tokens, name="tokens"),
    path("w/<slug:slug>/tokens/<int:token_id>/revoke", views.token_revoke, name="token_revoke"),
]
