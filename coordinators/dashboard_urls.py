"""The coordinators' dashboards, mounted under the admin (config/urls.py)."""

from django.urls import path

from .dashboards import (
    PipelineBoardView,
    PipelineFunnelView,
    PipelineRegionListView,
    SurveyReportView,
    admin_page,
)

app_name = "pipeline"

urlpatterns = [
    path("", admin_page(PipelineRegionListView), name="region-list"),
    path("<slug:region_slug>/", admin_page(PipelineBoardView), name="board"),
    path("<slug:region_slug>/funnel/", admin_page(PipelineFunnelView), name="funnel"),
    path("<slug:region_slug>/surveys/", admin_page(SurveyReportView), name="surveys"),
]
