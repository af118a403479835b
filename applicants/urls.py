from django.urls import path

from . import views

app_name = "applicants"

urlpatterns = [
    path("projects/<int:pk>/entry/", views.EntryCreateView.as_view(), name="entry-create"),
    path("entries/<int:pk>/done/", views.EntryDoneView.as_view(), name="entry-done"),
]
