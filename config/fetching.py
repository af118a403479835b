"""How the rows of a list page load a field they did not fetch (Django 6.1 fetch modes).

A list's queryset names what its template shows (select_related, prefetch_related, only/
defer). In the tests (`LIST_FETCH_MODE = "raise"`) a template that touches anything else
fails at once with FieldFetchBlocked, so a per-row query cannot creep into a list page. In
production ("peers") the same slip costs one query for the whole page instead of one per row.
"""

from django.conf import settings
from django.db.models import FETCH_PEERS, FETCH_RAISE

MODES = {"raise": FETCH_RAISE, "peers": FETCH_PEERS}


def list_fetch_mode():
    return MODES[settings.LIST_FETCH_MODE]
