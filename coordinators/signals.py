"""The pipeline board's and funnel's cached data, dropped when a row they read is saved."""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from applicants.models import (
    Application,
    ApplicationStatusChange,
    Interview,
    InterviewStatusChange,
    Placement,
    PlacementStatusChange,
)
from programs.models import (
    Inquiry,
    InquiryStatusChange,
    PamphletRequest,
    PamphletRequestStatusChange,
    Region,
    Term,
)
from projects.models import HostOrganization, IntakeInterview, Project, ProjectStatusChange

from .models import Orientation, ReviewPlan, ReviewSession
from .selectors import invalidate_pipeline

# Every model whose rows the board or the funnel reads, status-change rows included (they
# date each step). Receivers, not calls in the services: rows also change through the admin,
# the shell and data migrations. Nothing here is workflow: it only forgets cached numbers.
PIPELINE_MODELS = (
    PamphletRequest,
    PamphletRequestStatusChange,
    Inquiry,
    InquiryStatusChange,
    Region,
    Term,
    HostOrganization,
    IntakeInterview,
    Project,
    ProjectStatusChange,
    Application,
    ApplicationStatusChange,
    Interview,
    InterviewStatusChange,
    Placement,
    PlacementStatusChange,
    Orientation,
    ReviewPlan,
    ReviewSession,
)
# What the board shows of a user: a student's name, or the email without one.
PIPELINE_USER_FIELDS = frozenset({"name", "email"})


def _changed(sender, raw=False, **kwargs) -> None:
    if not raw:
        invalidate_pipeline()


def _relation_changed(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        invalidate_pipeline()


def _user_saved(sender, update_fields=None, raw=False, **kwargs) -> None:
    # A sign-in saves last_login only, which no card shows.
    if raw or (update_fields is not None and not PIPELINE_USER_FIELDS & set(update_fields)):
        return
    invalidate_pipeline()


def connect() -> None:
    """Called once from CoordinatorsConfig.ready()."""
    for model in PIPELINE_MODELS:
        label = model._meta.label_lower
        post_save.connect(_changed, sender=model, dispatch_uid=f"pipeline-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pipeline-delete-{label}")
    m2m_changed.connect(
        _relation_changed,
        sender=Region.coordinators.through,
        dispatch_uid="pipeline-region-coordinators",
    )
    post_save.connect(_user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="pipeline-user")
