"""The step tracker tag gives what the partial gives, per step and per language."""

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from programs.selectors import flow_steps
from programs.templatetags import flow_tags


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False
    flow_tags._rendered.cache_clear()


@pytest.mark.parametrize("step", [None, 1, 5, 8])
@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_tag_renders_the_partial_for_the_step_in_the_language(step, language):
    with translation.override(language):
        expected = render_to_string(
            "_partials/step_tracker.html", {"step": step, "steps": flow_steps()}
        )
        tag = Template("{% load flow_tags %}{% step_tracker step %}").render(
            Context({"step": step})
        )
        assert tag == expected
        assert tag == Template("{% load flow_tags %}{% step_tracker step %}").render(
            Context({"step": step})
        )  # the second time from memory


def test_languages_do_not_share_a_rendering():
    with translation.override("ja"):
        ja = flow_tags.step_tracker(3)
    with translation.override("en"):
        en = flow_tags.step_tracker(3)
    assert ja != en
    assert 'aria-current="step"' in ja and 'aria-current="step"' in en
    assert flow_tags._rendered.cache_info().currsize == 2
