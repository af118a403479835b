"""The cached entry lists (applicants/cards.py) dropped when a row they show is saved.

Receivers, not calls in the services: entries, interviews, placements, projects and
students also change through the admin, the shell and data migrations. Nothing here is
workflow: it only forgets rendered HTML.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from programs.models import Region
from projects.models import HostOrganization, Project

from . import cards
from .models import Application, Interview, Placement, StudentProfile

# What the entries table shows of a student: the name, or the email without one.
LISTED_USER_FIELDS = frozenset({"name", "email"})


def _application_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    cards.drop_students([instance.student_id])
    cards.drop_projects([instance.project_id])


def _entry_part_changed(sender, instance, raw=False, **kwargs) -> None:
    """An interview or a placement: the card of its entry's student shows it."""
    if raw:
        return
    field = sender._meta.get_field("application")
    if field.is_cached(instance):
        student_ids = [instance.application.student_id]
    else:
        student_ids = Application.objects.filter(pk=instance.application_id).values_list(
            "student_id", flat=True
        )
    cards.drop_students(student_ids)


def _project_changed(sender, instance, raw=False, **kwargs) -> None:
    """A project's title, pre-assignment and start show on its entrants' cards."""
    if raw:
        return
    cards.drop_projects([instance.pk])
    cards.drop_students(
        Application.objects.filter(project_id=instance.pk).values_list("student_id", flat=True)
    )


def _shared_changed(sender, raw=False, **kwargs) -> None:
    """An organisation's or a region's name shows on every card that names it."""
    if not raw:
        cards.drop_shared()


def _student_changed(user_id: int) -> None:
    cards.drop_projects(
        Application.objects.filter(student_id=user_id).values_list("project_id", flat=True)
    )


def _profile_changed(sender, instance, raw=False, **kwargs) -> None:
    """The university shows in the entries tables of the projects the student entered."""
    if not raw:
        _student_changed(instance.user_id)


def _user_saved(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    # A sign-in saves last_login only, which no list shows.
    if raw or (update_fields is not None and not LISTED_USER_FIELDS & set(update_fields)):
        return
    _student_changed(instance.pk)


def connect() -> None:
    """Called once from ApplicantsConfig.ready()."""
    receivers = [
        (Application, _application_changed),
        (Interview, _entry_part_changed),
        (Placement, _entry_part_changed),
        (Project, _project_changed),
        (HostOrganization, _shared_changed),
        (Region, _shared_changed),
        (StudentProfile, _profile_changed),
    ]
    for model, receiver in receivers:
        label = model._meta.label_lower
        post_save.connect(receiver, sender=model, dispatch_uid=f"entry-lists-save-{label}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"entry-lists-delete-{label}")
    post_save.connect(_user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="entry-lists-user")
