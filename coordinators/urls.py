from django.urls import path

from . import views

app_name = "coordinators"

urlpatterns = [
    path("reviews/<int:pk>/", views.ReviewPartView.as_view(), name="review-part"),
    path("reviews/link/<str:token>/", views.ReviewHostLinkView.as_view(), name="review-host-link"),
    path("surveys/<int:pk>/", views.SurveyAnswerView.as_view(), name="survey-answer"),
]
