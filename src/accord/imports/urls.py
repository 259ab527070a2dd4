from django.urls import path

from . import views

urlpatterns = [
    path("w/<slug:slug>/imports/", views.imports_page, name="imports_page"),
]
