"""Fixtures of the notification tests."""

import pytest
from django.template import engines


@pytest.fixture
def strict_templates():
    """Missing variables render as a marker instead of silently as ''."""
    engine = engines["django"].engine
    previous = engine.string_if_invalid
    engine.string_if_invalid = "MISSING<%s>"
    yield
    engine.string_if_invalid = previous
