from django.urls import path

from .views import host, public

app_name = "projects"

# Public pages (views/public.py): the project index, project pages, regions, feed, sitemap.
public_urlpatterns: list = [
    path("projects/", public.ProjectListView.as_view(), name="project-list"),
    path("projects/feed/", public.LatestProjectsFeed(), name="project-feed"),
    path("projects/<int:pk>/", public.ProjectDetailView.as_view(), name="project-detail"),
    path("regions/", public.RegionListView.as_view(), name="region-list"),
    path("regions/<slug:slug>/", public.RegionDetailView.as_view(), name="region-detail"),
    path("robots.txt", public.RobotsView.as_view(), name="robots-txt"),
]

# The host's pages (views/host.py): dashboard, project forms, preview, versions.
host_urlpatterns: list = [
    path("host/", host.HostDashboardView.as_view(), name="host-dashboard"),
    path(
        "host/organizations/<int:organization_id>/projects/new/",
        host.ProjectCreateView.as_view(),
        name="host-project-create",
    ),
    path(
        "host/projects/<int:pk>/edit/", host.ProjectUpdateView.as_view(), name="host-project-edit"
    ),
    path(
        "host/projects/<int:pk>/preview/",
        host.ProjectPreviewView.as_view(),
        name="host-project-preview",
    ),
    path(
        "host/projects/<int:pk>/submit/",
        host.ProjectSubmitView.as_view(),
        name="host-project-submit",
    ),
    path(
        "host/projects/<int:pk>/cancel/",
        host.ProjectCancelView.as_view(),
        name="host-project-cancel",
    ),
    path("host/projects/<int:pk>/copy/", host.ProjectCopyView.as_view(), name="host-project-copy"),
    path(
        "host/projects/<int:pk>/versions/",
        host.ProjectVersionsView.as_view(),
        name="host-project-versions",
    ),
    path(
        "host/invitations/<str:token>/",
        host.InvitationAcceptView.as_view(),
        name="host-invitation-accept",
    ),
]

urlpatterns = public_urlpatterns + host_urlpatterns
