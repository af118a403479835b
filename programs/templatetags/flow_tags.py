"""The step tracker of the eight-step flow, rendered once per step and language.

A list page draws one tracker per row (My page: one per entry), each the same eight items
for the same few steps; rendering the partial every time was most of the page's cost.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from programs.selectors import flow_steps

register = template.Library()


@register.simple_tag
def step_tracker(step: int | None = None) -> SafeString:
    """`_partials/step_tracker.html` for `step` (1–8, or None for a closed entry)."""
    if settings.DEBUG:  # templates being edited: render each time
        return _render(step)
    return _rendered(get_language(), step)


def _render(step: int | None) -> SafeString:
    return render_to_string("_partials/step_tracker.html", {"step": step, "steps": flow_steps()})


@lru_cache(maxsize=64)
def _rendered(language: str, step: int | None) -> SafeString:
    # The language is the key's: the labels are translated in the active language.
    return _render(step)
