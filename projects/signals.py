"""Derived data kept in step with saves: the public pages' version and projects' search text.

Receivers, not calls in the services: the public pages show projects, organisations, themes,
regions, terms and the names of the coordinators who agreed to be named, which change through
services, the admin, the shell and data migrations alike. A receiver sees every save and
delete; neither is workflow (nothing here changes a state, sends or queues anything).
"""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from programs.models import Region, RegionCoordinator, Term
from projects.models import HostOrganization, Project, Theme
from projects.page_cache import invalidate_public_pages
from projects.search import SEARCHED_PROJECT_FIELDS, search_grams
from projects.selectors.public import PUBLIC_STATES

# What a public page shows of a user: a coordinator's name, and only while active.
PUBLIC_USER_FIELDS = frozenset({"name", "is_active"})


def _changed(sender, **kwargs) -> None:
    if not kwargs.get("raw"):
        invalidate_public_pages()


def _project_changed(sender, instance, raw=False, **kwargs) -> None:
    # A project that is not public and never was (a draft, one in review or approved, never
    # published: publishing stamps published_at) is on no public page: its saves (a
    # submission, an approval, an edit) leave the cached pages as they are.
    if raw or (instance.published_at is None and instance.status not in PUBLIC_STATES):
        return
    invalidate_public_pages()


def _relation_changed(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        invalidate_public_pages()


def _user_saved(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    # A sign-in saves last_login only; a coordinator's new name reaches the public pages.
    if raw or (update_fields is not None and not PUBLIC_USER_FIELDS & set(update_fields)):
        return
    _if_coordinator(instance)


def _user_deleted(sender, instance, **kwargs) -> None:
    # Deleting a coordinator removes their region rows without an m2m signal.
    _if_coordinator(instance)


def _if_coordinator(user) -> None:
    """The public pages name each region's coordinators: a change to one of them shows."""
    if user.pk and Region.coordinators.through.objects.filter(user_id=user.pk).exists():
        invalidate_public_pages()


def _organization_saved(sender, instance, raw=False, **kwargs) -> None:
    """A renamed organisation: its projects' search text holds its names."""
    if raw:
        return
    stale = []
    fields = ("organization", "search_text", *SEARCHED_PROJECT_FIELDS)
    for project in Project.objects.filter(organization=instance).only(*fields):
        project.organization = instance
        text = project.build_search_text()
        if text != project.search_text:
            project.search_text, project.search_grams = text, search_grams(text)
            stale.append(project)
    Project.objects.bulk_update(stale, ["search_text", "search_grams"])


def connect() -> None:
    """Called once from ProjectsConfig.ready()."""
    # A coordinator's row says whether the pages name them (RegionCoordinator.is_public).
    post_save.connect(_project_changed, sender=Project, dispatch_uid="public-pages-save-project")
    post_delete.connect(_project_changed, sender=Project, dispatch_uid="public-pages-del-project")
    for model in (HostOrganization, Theme, Region, RegionCoordinator, Term):
        post_save.connect(_changed, sender=model, dispatch_uid=f"public-pages-save-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"public-pages-del-{model}")
    for through in (Project.themes.through, Region.coordinators.through):
        m2m_changed.connect(
            _relation_changed, sender=through, dispatch_uid=f"public-pages-m2m-{through}"
        )
    post_save.connect(
        _organization_saved, sender=HostOrganization, dispatch_uid="project-search-organization"
    )
    post_save.connect(
        _user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="public-pages-user"
    )
    pre_delete.connect(
        _user_deleted, sender=settings.AUTH_USER_MODEL, dispatch_uid="public-pages-user-del"
    )
