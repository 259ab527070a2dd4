from django.urls import path

from . import views

R = "w/<slug:slug>/initiatives/<int:initiative_id>/raci"

urlpatterns = [
    path("w/<slug:slug>/roles", views.roles_page, name="roles"),
    path(R, views.raci_page, name="raci"),
    path(f"{R}/cell", views.raci_cell, name="raci_cell"),
    path(f"{R}/suggest", views.raci_suggest, name="raci_suggest"),
    path(f"{R}/map.<str:fmt>", views.raci_map, name="raci_map"),
]
