from django.urls import path

from . import views, views_forms, views_sharing

R = "w/<slug:slug>/roadmaps"
ITEM = f"{R}/items/<int:item_id>"

urlpatterns = [
    path(R, views.roadmap_list, name="roadmaps"),
    path(f"{R}/new", views_forms.roadmap_new, name="roadmap_new"),
    path("w/<slug:slug>/sharing", views_sharing.sharing, name="sharing"),
    # One roadmap: three views of the same items, and what an editor manages around them.
    path(f"{R}/<int:roadmap_id>", views.roadmap_timeline, name="roadmap"),
    path(f"{R}/<int:roadmap_id>/board", views.roadmap_board, name="roadmap_board"),
    path(f"{R}/<int:roadmap_id>/table", views.roadmap_table, name="roadmap_table"),
    path(f"{R}/<int:roadmap_id>/changes", views.roadmap_changes, name="roadmap_changes"),
    path(f"{R}/<int:roadmap_id>/settings", views.roadmap_settings, name="roadmap_settings"),
    path(f"{R}/<int:roadmap_id>/delete", views.roadmap_delete, name="roadmap_delete"),
    path(f"{R}/<int:roadmap_id>/lanes", views.lane_add, name="roadmap_lane_add"),
    path(f"{R}/<int:roadmap_id>/lanes/<int:lane_id>", views.lane_edit, name="roadmap_lane"),
    path(f"{R}/<int:roadmap_id>/milestones", views_forms.milestone_add, name="roadmap_milestone_add"),
    path(
        f"{R}/<int:roadmap_id>/milestones/<int:milestone_id>/delete",
        views.milestone_remove,
        name="roadmap_milestone_delete",
    ),
    path(f"{R}/<int:roadmap_id>/dependencies", views.dependency_add, name="roadmap_dependency_add"),
    path(
        f"{R}/<int:roadmap_id>/dependencies/<int:dependency_id>/delete",
        views.dependency_remove,
        name="roadmap_dependency_delete",
    ),
    path(f"{R}/<int:roadmap_id>/views", views.saved_view_add, name="roadmap_view_add"),
    path(
        f"{R}/<int:roadmap_id>/views/<int:view_id>/delete",
        views.saved_view_remove,
        name="roadmap_view_delete",
    ),
    path(f"{R}/<int:roadmap_id>/items/new", views.item_new, name="roadmap_item_new"),
    path(f"{R}/<int:roadmap_id>/from-idea", views.item_add_from_idea, name="roadmap_from_idea"),
    # One item (also shown on portfolios, so not nested under a roadmap).
    path(ITEM, views.item_detail, name="roadmap_item"),
    path(f"{ITEM}/drawer", views_forms.item_drawer, name="roadmap_item_drawer"),
    path(f"{ITEM}/move", views.item_move, name="roadmap_item_move"),
    path(f"{ITEM}/place", views.item_place, name="roadmap_item_place"),
    path(f"{ITEM}/row", views.item_row, name="roadmap_item_row"),
    path(f"{ITEM}/dependencies", views.item_dependency_add, name="roadmap_item_dependency_add"),
    path(f"{ITEM}/delete", views.item_remove, name="roadmap_item_delete"),
    # An idea onto a roadmap, from the idea's page or drawer (ideas knows nothing of roadmaps).
    path("w/<slug:slug>/ideas/<int:idea_id>/promote", views_forms.idea_promote, name="idea_promote"),
]
