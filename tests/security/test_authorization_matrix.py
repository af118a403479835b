"""Who may open what: every URL with an object id or a token, for every role (issue 8, part 1).

`MATRIX` is the single table of expectations: for each URL (its name, or a variant
"name[…]" for a second object) the answer every role should get for A's object. How the
object is built is in `URL_ARGS` / `ADMIN_OBJECTS` (conftest.py). A URL of the configuration
with an id or a token that is missing here fails `test_every_url_with_an_id_is_in_the_matrix`,
so a new URL has to be added with its expectations.

The expectations follow DESIGN.md ("Roles and what each may see"): a visitor sees public
pages; a student their own entries, interviews, placements, files and notifications; a host
member their organisation's projects and the entries to them; a coordinator everything of
their regions (in the admin, and on the host's side of entries); staff (superuser) everything.
Pages that mean "mine" (/me/…, the host's own project workspace, a review part, a survey
answer, a notification) answer 404 to everyone but their owner, staff included: staff see
those rows in the admin. Signed links (invitation, unsubscribe, a review's host link, allauth's
links) are the credential themselves: anyone holding a valid one gets the page, a forged one
gets 404. Where the code answers otherwise, the cell keeps the expected value and fails.

Views that only take POST are checked with an empty POST (inside the test's savepoint, so
nothing stays): their GET answers 405 to everyone and would hide who may act. An allowed POST
may answer a redirect back to the page or 400/409 for the empty form. An allowed GET must be a
200: a redirect would also be what the admin answers a superuser for a row it cannot find.
"""

from functools import cache
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from .conftest import (
    ADMIN_OBJECTS,
    ADMIN_PAGES,
    ROLES,
    URL_ARGS,
    admin_keys,
    base_key,
    concrete_url,
    finish,
    registered_admin_models,
    routes,
)

OK = "allowed"  # GET: 200. POST: a redirect not to a login page, or 400/409 for the empty form
REDIRECT = "redirect"  # GET: a redirect that is not to a login page (a link that moves on)
LOGIN = "login"  # 302 to the site's login page
ADMIN_LOGIN = "admin login"  # 302 to the admin's login page
NOT_FOUND = "404"
FORBIDDEN = "403"  # only in the admin: the row is visible to this user, the action is not


def expect(default: str, **cells: str) -> dict[str, str]:
    """A row of the matrix: `default` for every role not named."""
    unknown = set(cells) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: cells.get(role, default) for role in ROLES}


EVERYONE = expect(OK)
NOBODY = expect(NOT_FOUND)
# First-person pages: only the owner; the others get 404 (anonymous: the login).
STUDENT_A_ONLY = expect(NOT_FOUND, anonymous=LOGIN, student_a=OK)
HOST_A_ONLY = expect(NOT_FOUND, anonymous=LOGIN, host_a=OK)
# The host's side of an entry: organisation A's members, region X's coordinators and staff.
HOST_SIDE_A = expect(NOT_FOUND, anonymous=LOGIN, host_a=OK, coordinator_x=OK, staff=OK)
SIGNED_IN = expect(OK, anonymous=LOGIN)
SIGNED_IN_NOBODY = expect(NOT_FOUND, anonymous=LOGIN)
# The admin: non-staff go to the admin's login page.
NOT_STAFF = ("anonymous", "student_a", "student_b", "host_a", "host_b")


def admin_row(coordinator_x: str, coordinator_y: str) -> dict[str, str]:
    return expect(ADMIN_LOGIN, coordinator_x=coordinator_x, coordinator_y=coordinator_y, staff=OK)


# The kinds of model admins, by what coordinators may do with them (COORDINATOR_PERMISSIONS
# in coordinators/services.py) and whether rows belong to a region (RegionScopedAdminMixin).
# Pages: the change page, its history, the delete confirmation, and the old change URL
# (a redirect to the change page that looks nothing up, so it reveals nothing).
SCOPED = {  # region-owned rows coordinators view (or change), not delete
    "change": admin_row(OK, NOT_FOUND),
    "history": admin_row(OK, NOT_FOUND),
    "delete": admin_row(FORBIDDEN, NOT_FOUND),
    "old": admin_row(REDIRECT, REDIRECT) | {"staff": REDIRECT},
}
SCOPED_DELETABLE = {**SCOPED, "delete": admin_row(OK, NOT_FOUND)}
# History rows written by services only (ReadOnlyAdminMixin): nobody deletes them, staff neither.
SCOPED_READ_ONLY = {**SCOPED, "delete": admin_row(FORBIDDEN, NOT_FOUND) | {"staff": FORBIDDEN}}
SHARED = {  # the programme's reference rows every coordinator may view
    "change": admin_row(OK, OK),
    "history": admin_row(OK, OK),
    "delete": admin_row(FORBIDDEN, FORBIDDEN),
    "old": admin_row(REDIRECT, REDIRECT) | {"staff": REDIRECT},
}
STAFF_ONLY = {  # no permission for coordinators at all
    "change": admin_row(FORBIDDEN, FORBIDDEN),
    "history": admin_row(FORBIDDEN, FORBIDDEN),
    "delete": admin_row(FORBIDDEN, FORBIDDEN),
    "old": admin_row(REDIRECT, REDIRECT) | {"staff": REDIRECT},
}

ADMIN_MATRIX = {
    "auth.group": STAFF_ONLY,
    "account.emailaddress": STAFF_ONLY,
    "accounts.user": STAFF_ONLY,
    "accounts.invitation": STAFF_ONLY,
    # The audit of personal data: staff read it, nobody deletes it.
    "accounts.personaldatachange": {
        **STAFF_ONLY,
        "delete": admin_row(FORBIDDEN, FORBIDDEN) | {"staff": FORBIDDEN},
    },
    "mfa.authenticator": STAFF_ONLY,
    "programs.region": SHARED,
    "programs.program": SHARED,
    "programs.term": SHARED,
    "programs.pamphlet": SHARED,
    "programs.pamphletrequest": SCOPED,
    "programs.pamphletrequeststatuschange": SCOPED_READ_ONLY,
    "programs.inquiry": SCOPED,
    "programs.inquirystatuschange": SCOPED_READ_ONLY,
    "projects.hostorganization": SCOPED,
    "projects.hostmembership": SCOPED_DELETABLE,
    "projects.intakeinterview": SCOPED,
    "projects.theme": SHARED,
    "projects.project": SCOPED,
    "projects.projectstatuschange": SCOPED_READ_ONLY,
    "projects.projectversion": SCOPED_READ_ONLY,
    "applicants.studentprofile": STAFF_ONLY,
    "applicants.application": SCOPED,
    "applicants.applicationstatuschange": SCOPED_READ_ONLY,
    "applicants.applicationfile": SCOPED,
    "applicants.interview": SCOPED,
    "applicants.interviewslot": SCOPED,
    "applicants.interviewfeedback": SCOPED,
    "applicants.interviewstatuschange": SCOPED_READ_ONLY,
    "applicants.placement": SCOPED,
    "applicants.placementstatuschange": SCOPED_READ_ONLY,
    # Coordinators see the profiles of those who share one of their regions (phone numbers).
    "coordinators.coordinatorprofile": SCOPED,
    "coordinators.orientation": SCOPED,
    "coordinators.reviewplan": SCOPED,
    "coordinators.reviewsession": SCOPED,
    "coordinators.survey": SHARED,
    "coordinators.surveyquestion": SHARED,
    "coordinators.surveyresponse": SCOPED,
    "notifications.notification": STAFF_ONLY,
    "notifications.notificationpreference": STAFF_ONLY,
    "notifications.emailsuppression": STAFF_ONLY,
}

MATRIX: dict[str, dict[str, str]] = {
    # Public pages: a published project and a region for everyone; a draft has no public page.
    "projects:project-detail": EVERYONE,
    "projects:project-detail[draft]": NOBODY,
    "projects:region-detail": EVERYONE,
    # The host's project workspace: organisation A's members only.
    "projects:host-project-create": HOST_A_ONLY,
    "projects:host-project-edit": HOST_A_ONLY,
    "projects:host-project-preview": HOST_A_ONLY,
    "projects:host-project-submit": HOST_A_ONLY,
    "projects:host-project-cancel": HOST_A_ONLY,
    "projects:host-project-copy": HOST_A_ONLY,
    "projects:host-project-versions": HOST_A_ONLY,
    # Signed links: the token is the credential.
    "projects:host-invitation-accept": EVERYONE,
    "projects:host-invitation-accept[forged]": NOBODY,
    "notifications:unsubscribe": EVERYONE,
    "notifications:unsubscribe[forged]": NOBODY,
    "coordinators:review-host-link": EVERYONE,
    "coordinators:review-host-link[forged]": NOBODY,
    "account_confirm_email": EVERYONE,
    # (the key moves into the session, the browser on to the form without it)
    "account_reset_password_from_key": expect(REDIRECT),
    # Student A's own things.
    "notifications:notification-read": STUDENT_A_ONLY,
    "coordinators:survey-answer": STUDENT_A_ONLY,
    "applicants:entry-detail": STUDENT_A_ONLY,
    "applicants:entry-done": STUDENT_A_ONLY,
    "applicants:entry-withdraw": STUDENT_A_ONLY,
    "applicants:offer-accept": STUDENT_A_ONLY,
    "applicants:offer-decline": STUDENT_A_ONLY,
    "applicants:pre-assignment": STUDENT_A_ONLY,
    "applicants:interview-pick": STUDENT_A_ONLY,
    "applicants:interview-other-times": STUDENT_A_ONLY,
    "applicants:interview-calendar": STUDENT_A_ONLY,
    # A review's parts: the placement's student and host members write theirs here.
    "coordinators:review-part": expect(NOT_FOUND, anonymous=LOGIN, student_a=OK, host_a=OK),
    # Entering a published project: any signed-in user; a draft cannot be entered.
    "applicants:entry-create": SIGNED_IN,
    "applicants:entry-create[draft]": SIGNED_IN_NOBODY,
    # A student's file: the student and the entry's host side.
    "applicants:file-download": expect(
        NOT_FOUND, anonymous=LOGIN, student_a=OK, host_a=OK, coordinator_x=OK, staff=OK
    ),
    # The host's side of entries and interviews.
    "applicants:host-entry-list": HOST_SIDE_A,
    "applicants:host-entry-detail": HOST_SIDE_A,
    "applicants:host-entry-screen": HOST_SIDE_A,
    "applicants:host-entry-invite": HOST_SIDE_A,
    "applicants:host-entry-offer": HOST_SIDE_A,
    "applicants:host-entry-decline": HOST_SIDE_A,
    "applicants:host-interview-propose": HOST_SIDE_A,
    "applicants:host-interview-schedule": HOST_SIDE_A,
    "applicants:host-interview-complete": HOST_SIDE_A,
    "applicants:host-interview-no-show": HOST_SIDE_A,
    "applicants:host-interview-cancel": HOST_SIDE_A,
    "applicants:host-interview-feedback": HOST_SIDE_A,
    # The admin's pages that are not one model's.
    "admin:app_list": admin_row(OK, OK),
    "admin:auth_user_password_change": admin_row(FORBIDDEN, FORBIDDEN),
    # No model has get_absolute_url, so "view on site" finds nothing for anyone.
    "admin:view_on_site": admin_row(NOT_FOUND, NOT_FOUND) | {"staff": NOT_FOUND},
    "admin:/admin/(?P<url>.*)$": admin_row(NOT_FOUND, NOT_FOUND) | {"staff": NOT_FOUND},
    # The coordinators' dashboards of a region: its coordinators and staff.
    # Two versions of a project side by side: its region's coordinators and staff.
    "admin:projects_project_compare": admin_row(OK, NOT_FOUND),
    "pipeline:board": admin_row(OK, NOT_FOUND),
    "pipeline:funnel": admin_row(OK, NOT_FOUND),
    "pipeline:surveys": admin_row(OK, NOT_FOUND),
    # Every model admin's object pages, by kind.
    **{
        admin_keys(label)[page]: kind[page]
        for label, kind in ADMIN_MATRIX.items()
        for page in ADMIN_PAGES
    },
}


# ------------------------------------------------------------------------------------------


@cache
def _login_paths() -> dict[str, str]:
    return {
        urlsplit(resolve_url(settings.LOGIN_URL)).path: LOGIN,
        urlsplit(reverse("admin:login")).path: ADMIN_LOGIN,
    }


def answer(response, method: str) -> str:
    """What a response means in the matrix's terms."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        login = _login_paths().get(urlsplit(response["Location"]).path)
        return login or (OK if method == "post" else REDIRECT)
    if status == 200 or (method == "post" and status in (400, 409)):
        return OK
    if status == 404:
        return NOT_FOUND
    if status == 403:
        return FORBIDDEN
    return f"HTTP {status}"


@cache
def _routes():
    return routes()


def test_every_url_with_an_id_is_in_the_matrix():
    """A URL with an object id or a token must have a row here and a way to build it."""
    with_params = sorted(key for key, route in _routes().items() if route.params)
    missing_rows = [key for key in with_params if key not in MATRIX]
    missing_args = [key for key in with_params if key not in URL_ARGS]
    stale = sorted({base_key(key) for key in MATRIX} - set(_routes()))
    admin_missing = sorted(set(registered_admin_models()) - set(ADMIN_MATRIX))
    objects_missing = sorted(set(registered_admin_models()) - set(ADMIN_OBJECTS))
    assert not missing_rows, f"URLs with an id or token missing from MATRIX: {missing_rows}"
    assert not missing_args, f"URLs with an id or token missing from URL_ARGS: {missing_args}"
    assert not stale, f"MATRIX rows for URLs that no longer exist: {stale}"
    assert not admin_missing, f"model admins missing from ADMIN_MATRIX: {admin_missing}"
    assert not objects_missing, f"model admins missing from ADMIN_OBJECTS: {objects_missing}"
    assert all(set(row) == set(ROLES) for row in MATRIX.values())


CASES = [(key, role) for key in MATRIX for role in ROLES]


@pytest.mark.parametrize(("key", "role"), CASES, ids=[f"{key} | {role}" for key, role in CASES])
def test_who_may_open_what(world, as_role, key, role):
    route = _routes()[base_key(key)]
    method = "post" if route.post_only else "get"
    url = concrete_url(key, world)
    response = getattr(as_role(role), method)(url)
    finish(response)
    actual = answer(response, method)
    expected = MATRIX[key][role]
    where = response.get("Location", "")
    assert actual == expected, (
        f"{method.upper()} {url} as {role}: expected {expected}, got {actual} "
        f"({response.status_code}{' → ' + where if where else ''})"
    )
    # Whatever the answer, nothing said to a signed-in user or behind a signed link is kept
    # by a browser or a proxy (issue 12, finding 9).
    if role != "anonymous" or set(route.params) & {"token", "key", "uidb36"}:
        directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= directives, (
            f"{method.upper()} {url} as {role}: Cache-Control {response.get('Cache-Control')!r}"
        )
