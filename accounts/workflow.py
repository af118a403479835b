"""Shared machinery for status fields: allowed-move tables, audit rows, one locked transition."""

from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class InvalidTransition(Exception):
    """The move from the current status to the requested one is not in the table."""


class TransitionNotAllowed(Exception):
    """The actor may not make this move (the move itself would be valid)."""


class Transitions:
    """A table of allowed moves beside a status field; `allows()` needs no database."""

    def __init__(self, moves: Mapping[str, set[str] | frozenset[str]]):
        self.moves = {source: frozenset(targets) for source, targets in moves.items()}

    def allows(self, source: str, target: str) -> bool:
        return target in self.moves.get(source, frozenset())

    def targets(self, source: str) -> frozenset[str]:
        return self.moves.get(source, frozenset())

    def pairs(self) -> list[tuple[str, str]]:
        return [(s, t) for s, targets in self.moves.items() for t in sorted(targets)]


class StatusChange(models.Model):
    """One recorded move of a status: who, when, from, to (the concrete model adds the FK)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(_("from"), max_length=32, blank=True)
    to_status = models.CharField(_("to"), max_length=32)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)
    # The parent model's field whose moves these rows record.
    status_field = "status"

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.status_label(self.from_status)} → {self.status_label(self.to_status)}"

    @classmethod
    def status_label(cls, value: str) -> str:
        """A status code as its translated label, from the parent model's status choices
        (read from the model, no query); a code since removed stays readable as itself."""
        if not value:
            return "—"
        for field in cls._meta.concrete_fields:
            if field.many_to_one and field.name != "changed_by":
                try:
                    choices = field.related_model._meta.get_field(cls.status_field).flatchoices
                except FieldDoesNotExist:
                    continue
                return str(dict(choices).get(value, value))
        return value


def status_check(
    field: str, choices: type[models.TextChoices], name: str
) -> models.CheckConstraint:
    """A database constraint that keeps a status column within its choices."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)


def apply_transition(
    *,
    model: type[models.Model],
    pk: Any,
    target: str,
    actor,
    history: type[StatusChange],
    history_fk: str,
    may: Callable[[Any, Any], bool] | None = None,
    note: str = "",
    before_save: Callable[[Any], None] | None = None,
    field: str = "status",
):
    """Lock the row, check the move and the actor, save the new status and its audit row.

    Must run inside a transaction (callers wrap it with their side effects).
    Raises InvalidTransition when the table forbids the move, TransitionNotAllowed when `may`
    says the actor cannot make it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("apply_transition must run inside transaction.atomic()")
    obj = model._default_manager.select_for_update().get(pk=pk)
    source = getattr(obj, field)
    if not obj.can_transition_to(target):
        raise InvalidTransition(f"{model.__name__} {pk}: {source} → {target} is not allowed")
    if may is not None and not may(actor, obj):
        raise TransitionNotAllowed(f"{actor} may not move {model.__name__} {pk} to {target}")
    setattr(obj, field, target)
    if before_save is not None:
        before_save(obj)
    obj.save()
    history.objects.create(
        **{history_fk: obj}, actor=actor, from_status=source, to_status=target, note=note
    )
    return obj
