"""The catalogue of events: their labels and whether a user may turn their emails off."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Event:
    name: str
    label: str | Promise
    # Every kind of email can be switched off through the link it carries (in the app it
    # always shows). False is for an email a person must get whatever they chose (a security
    # notice): its footer then points to the preferences page, which says so.
    optional: bool = True
    # Sent to addresses without an account (the answer to a visitor's own request): the link
    # suppresses the kind for that address, and the preferences page does not list it.
    visitor: bool = False


EVENTS: dict[str, Event] = {
    e.name: e
    for e in (
        Event("pamphlet_requested", _("Pamphlet download link"), visitor=True),
        Event("lead_received", _("New pamphlet request in my region")),
        Event("inquiry_acknowledged", _("Inquiry received"), visitor=True),
        Event("inquiry_received", _("New inquiry in my region")),
        Event("host_invited", _("Invitation to a host account"), visitor=True),
        Event("project_submitted", _("Project submitted for review")),
        Event("project_changes_requested", _("Changes requested on my project")),
        Event("project_approved", _("My project was approved")),
        Event("project_published", _("My project was published")),
        Event("project_cancelled", _("A project was cancelled")),
        Event("application_received", _("My entry was received")),
        Event("application_new", _("New entry to a project")),
        Event("application_screening", _("My entry is being screened")),
        Event("application_interviewing", _("Invitation to an interview")),
        Event("application_offered", _("An offer for my entry")),
        Event("application_rejected", _("Decision on my entry")),
        Event("application_project_cancelled", _("A project I entered was cancelled")),
        Event("application_withdrawn", _("A student withdrew an entry")),
        Event("offer_declined", _("A student declined an offer")),
        Event("application_accepted", _("Mutual agreement reached")),
        Event("interview_proposed", _("Interview times proposed")),
        Event("interview_scheduled", _("Interview scheduled or changed")),
        Event("interview_cancelled", _("Interview cancelled")),
        Event("interview_unscheduled", _("Interview time withdrawn, a new one to follow")),
        Event("placement_completed", _("Internship completed")),
        Event("interview_reminder", _("Interview reminder")),
        Event("pre_assignment_due", _("Pre-assignment deadline approaching")),
        Event("entry_deadline_approaching", _("Entry deadline approaching with few entries")),
        Event("review_due", _("Review session coming up")),
        Event("review_missed", _("Review session missed")),
        Event("coordinator_digest", _("Weekly digest of my regions")),
        Event("orientation_scheduled", _("Start orientation scheduled or changed")),
        Event("orientation_cancelled", _("Start orientation cancelled")),
        Event("review_at_risk", _("A review found a placement at risk")),
        Event("survey_requested", _("Survey after the internship")),
        Event("pre_assignment_reminder", _("Reminder to hand in the pre-assignment")),
        Event("interview_pick_reminder", _("Reminder to choose an interview time")),
        Event("review_part_reminder", _("Reminder to write my part of a review")),
    )
}


def event_label(name: str):
    event = EVENTS.get(name)
    return event.label if event else name
