from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("for-hosts/", views.ForHostsView.as_view(), name="for-hosts"),
    path("for-students/", views.ForStudentsView.as_view(), name="for-students"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("pamphlet/", views.PamphletReadView.as_view(), name="pamphlet"),
    path("pamphlet/download/", views.PamphletDownloadView.as_view(), name="pamphlet-download"),
    path(
        "pamphlet/request/",
        views.PamphletRequestCreateView.as_view(),
        name="pamphlet-request",
    ),
    path(
        "pamphlet/request/thanks/",
        views.PamphletRequestDoneView.as_view(),
        name="pamphlet-request-done",
    ),
    path("contact/", views.InquiryCreateView.as_view(), name="inquiry-create"),
    path("contact/thanks/", views.InquiryDoneView.as_view(), name="inquiry-done"),
]
