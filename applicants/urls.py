from django.urls import path

from .views import host, student

app_name = "applicants"

# The student's pages (views/student.py).
student_urlpatterns = [
    path("projects/<int:pk>/entry/", student.EntryCreateView.as_view(), name="entry-create"),
    path("me/", student.MyPageView.as_view(), name="my-page"),
    path("me/profile/", student.ProfileView.as_view(), name="profile"),
    path("me/data.json", student.DataExportView.as_view(), name="data-export"),
    path("me/delete/", student.AccountDeleteView.as_view(), name="account-delete"),
    path("me/entries/<int:pk>/", student.EntryDetailView.as_view(), name="entry-detail"),
    path("me/entries/<int:pk>/done/", student.EntryDoneView.as_view(), name="entry-done"),
    path(
        "me/entries/<int:pk>/withdraw/", student.EntryWithdrawView.as_view(), name="entry-withdraw"
    ),
    path("me/entries/<int:pk>/accept/", student.OfferAcceptView.as_view(), name="offer-accept"),
    path("me/entries/<int:pk>/decline/", student.OfferDeclineView.as_view(), name="offer-decline"),
    path(
        "me/entries/<int:pk>/pre-assignment/",
        student.PreAssignmentView.as_view(),
        name="pre-assignment",
    ),
    path("me/interviews/<int:pk>/pick/", student.SlotPickView.as_view(), name="interview-pick"),
    path(
        "me/interviews/<int:pk>/other-times/",
        student.NewSlotsRequestView.as_view(),
        name="interview-other-times",
    ),
    path(
        "me/interviews/<int:pk>/calendar.ics",
        student.InterviewCalendarView.as_view(),
        name="interview-calendar",
    ),
    path("files/<int:pk>/", student.FileDownloadView.as_view(), name="file-download"),
]

# The host's pages for entries (views/host.py).
host_urlpatterns: list = [
    path("host/projects/<int:pk>/entries/", host.EntryListView.as_view(), name="host-entry-list"),
    path("host/entries/<int:pk>/", host.EntryDetailView.as_view(), name="host-entry-detail"),
    path("host/entries/<int:pk>/screen/", host.EntryScreenView.as_view(), name="host-entry-screen"),
    path("host/entries/<int:pk>/invite/", host.EntryInviteView.as_view(), name="host-entry-invite"),
    path("host/entries/<int:pk>/offer/", host.EntryOfferView.as_view(), name="host-entry-offer"),
    path(
        "host/entries/<int:pk>/decline/", host.EntryDeclineView.as_view(), name="host-entry-decline"
    ),
    path(
        "host/entries/<int:pk>/interviews/",
        host.InterviewProposeView.as_view(),
        name="host-interview-propose",
    ),
    path(
        "host/interviews/<int:pk>/schedule/",
        host.InterviewScheduleView.as_view(),
        name="host-interview-schedule",
    ),
    path(
        "host/interviews/<int:pk>/complete/",
        host.InterviewCompleteView.as_view(),
        name="host-interview-complete",
    ),
    path(
        "host/interviews/<int:pk>/no-show/",
        host.InterviewNoShowView.as_view(),
        name="host-interview-no-show",
    ),
    path(
        "host/interviews/<int:pk>/cancel/",
        host.InterviewCancelView.as_view(),
        name="host-interview-cancel",
    ),
    path(
        "host/interviews/<int:pk>/feedback/",
        host.InterviewFeedbackView.as_view(),
        name="host-interview-feedback",
    ),
]

urlpatterns = student_urlpatterns + host_urlpatterns
