from django.urls import path

from . import views

P = "w/<slug:slug>/playbooks"
M = "w/<slug:slug>/postmortems"

urlpatterns = [
    path(P, views.playbook_list, name="playbooks"),
    path(f"{P}/new", views.playbook_new, name="playbook_new"),
    path(f"{P}/<int:playbook_id>", views.playbook_detail, name="playbook"),
    path(f"{P}/<int:playbook_id>/edit", views.playbook_edit, name="playbook_edit"),
    path(f"{P}/<int:playbook_id>/diff", views.playbook_diff, name="playbook_diff"),
    path(f"{P}/<int:playbook_id>/start", views.playbook_start, name="playbook_start"),
    path(f"{P}/runs/<int:run_id>", views.run_detail, name="playbook_run"),
    path(f"{P}/runs/<int:run_id>/steps/<int:step_id>", views.run_step, name="playbook_run_step"),
    path(M, views.postmortem_list, name="postmortems"),
    path(f"{M}/new", views.postmortem_new, name="postmortem_new"),
    path(f"{M}/<int:postmortem_id>", views.postmortem_detail, name="postmortem"),
    path(
        f"{M}/<int:postmortem_id>/<slug:action>", views.postmortem_action, name="postmortem_action"
    ),
]
