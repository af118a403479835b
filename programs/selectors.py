"""Reads for the public site and for routing to regions."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_programme_staff

from .models import Region

# The eight steps of the flow (はじめるまでのフロー); labels are translated.
FLOW_STEPS = (
    (1, _("Read the pamphlet"), _("Imagine what your town or company could build with a student.")),
    (2, _("Ask a coordinator"), _("A regional coordinator tells you how to start where you are.")),
    (3, _("Intake interview"), _("A talk with your HR or division head about the idea.")),
    (
        4,
        _("Design the project"),
        _("Decide the outcome you want and work an outsider wants to join."),
    ),
    (5, _("Recruit"), _("The project is published and announced across Japan.")),
    (
        6,
        _("Interviews"),
        _("Entries come in; you and the students get to know each other's motives."),
    ),
    (
        7,
        _("Project start"),
        _("Host, student and coordinator state their goals at the start orientation."),
    ),
    (
        8,
        _("Review the results"),
        _("Regular review dialogues, and the issues for the next project."),
    ),
)


def flow_steps() -> tuple:
    return FLOW_STEPS


def region_list() -> QuerySet[Region]:
    return Region.objects.order_by("position", "id")


def regions_coordinated_by(user) -> QuerySet[Region]:
    if not user.is_authenticated:
        return Region.objects.none()
    if is_programme_staff(user):
        return Region.objects.all()
    return Region.objects.filter(coordinators=user)


def coordinates_a_region(user) -> bool:
    """True for a coordinator of any region, however appointed (it sees students' personal
    data, so it signs in with two factors: accounts.two_factor)."""
    return Region.coordinators.through.objects.filter(user_id=user.pk).exists()


def is_coordinator_of(user, region_id: int | None) -> bool:
    """True for programme staff and for a coordinator of that region."""
    if not user or not user.is_authenticated:
        return False
    if is_programme_staff(user):
        return True
    if region_id is None:
        return False
    return Region.objects.filter(pk=region_id, coordinators=user).exists()


# ------------------------------------------------------------------------------
# The programme's copy that the public pages and the pamphlet share. The PDF built by
# scripts/build_pamphlet.py reads the same texts, so the online and printed pamphlets agree.
# ------------------------------------------------------------------------------
PROGRAMME_VALUES = (
    (
        _("A project that builds the future"),
        _(
            "Start from the region you want to create, not from today's list of problems. "
            "A project that talks about the future meets the young people who want to build it."
        ),
    ),
    (
        _("Adults who truly want it"),
        _(
            "Students see at once whether the adults mean it. The project must be something the "
            "host is eager to make happen, not a programme staged for the young."
        ),
    ),
    (
        _("Looking for fellow builders"),
        _(
            "The aim is neither to train students nor to make them fond of the region. You are "
            "looking for companions to build the future with; growth and attachment follow."
        ),
    ),
    (
        _("On the producer's side"),
        _(
            "Students make and bring things into the world instead of studying or watching. "
            "Work that real customers thank them for gives them ownership of it."
        ),
    ),
    (
        _("A regional coordinator"),
        _(
            "Each region has a coordinator who finds the challenges worth taking on, works with "
            "companies, municipalities, schools and universities, and connects them with students."
        ),
    ),
)

PARTICIPATION_STYLES = (
    (
        "bi-train-front",
        _("Commute"),
        _("Students from the town or a nearby city come in three or four days a week."),
    ),
    (
        "bi-house-door",
        _("Live in the region"),
        _(
            "Students from further away move in for the project, often on leave from "
            "university (休学)."
        ),
    ),
    (
        "bi-laptop",
        _("Remote"),
        _("Part or all of the work happens online, with visits when the project needs them."),
    ),
)

PAMPHLET_INTRO = (
    _(
        "A practical internship lasts one month at the shortest and usually six months to a "
        "year. A student joins a company, NPO or municipality in the region as the right hand "
        "of its leader and works on a project that the host wants to see happen."
    ),
    _(
        "Through trial and error the student learns what the region and its industries have to "
        "offer and gains skills and confidence; the host gains a partner and a new way of "
        "working with young people."
    ),
    _(
        "Most internships begin in the summer or spring holidays. Entries come from the town "
        "itself, from Sapporo and from all over Japan; hosts are often surprised how many."
    ),
)

PAMPHLET_NATIONAL = _(
    "The idea is proven elsewhere in Japan: ETIC.'s Regional Venture Internship "
    "(地域ベンチャー留学) has sent 1,070 interns to regional leaders since 2011, and Noto "
    "Ryugaku (能登留学) 205 interns to companies and villages on the Noto peninsula."
)

COORDINATOR_ROLE = (
    _("Finds the hosts and the challenges worth starting in the region."),
    _("Shapes the project with the host: the outcome it wants and work outsiders want to join."),
    _("Announces the project and connects students with the host."),
    _("Facilitates the start orientation and the regular reviews."),
    _("Stays within reach of both sides when something gets stuck."),
    _("Where a region has no coordinator yet, we help find and train one."),
)

# Examples in the five regions of the first programme; illustrative, not live projects.
REGION_EXAMPLES = (
    (
        _("Sapporo"),
        _("A neighbourhood service for winter"),
        _(
            "An IT company and a residents' association match snow-clearing volunteers with "
            "elderly households. The intern runs the user interviews and the pilot in one ward."
        ),
    ),
    (
        _("Kitami"),
        _("A new product from Kitami onions"),
        _(
            "A farm turns onions too small for the market into a dressing and sells it online. "
            "The intern leads the product planning, the tasting events and the web shop."
        ),
    ),
    (
        _("Obihiro"),
        _("A farm stay in Tokachi"),
        _(
            "A dairy farm opens its gates with a cheese-making and farm-work programme. The "
            "intern designs the programme and the booking page and welcomes the first guests."
        ),
    ),
    (
        _("Asahikawa"),
        _("Furniture for the next generation"),
        _(
            "A furniture workshop starts a repair and remake service for pieces of Hokkaido "
            "timber. The intern builds it from the customer interviews to the first orders."
        ),
    ),
    (
        _("Hakodate"),
        _("A walk through the old port town"),
        _(
            "A guesthouse and a shopping street create a walking tour of the historic district "
            "for visitors from abroad. The intern collects the stories and guides the trial tours."
        ),
    ),
)

# Made-up voices, labelled as such wherever they are shown.
VOICES = (
    (
        _("Head of a food company, Kitami"),
        _(
            "We had talked about an online shop for years. With a student who made it her own "
            "project it opened in four months, and our staff started bringing ideas too."
        ),
    ),
    (
        _("University student on leave, eight months in Obihiro"),
        _(
            "I was not a guest. Visitors thanked me for a programme I had designed, and from "
            "then on the town felt like my town as well."
        ),
    ),
    (
        _("Regional coordinator, Asahikawa"),
        _(
            "Before a student arrives, I make sure the adults are serious. When the host truly "
            "wants the project, everything else can be worked out together."
        ),
    ),
)

# A rough guide to the time a host gives, step by step.
HOST_TIME = (
    (_("Steps 1–3"), _("Reading the pamphlet, a first talk and an intake interview: a few hours.")),
    (
        _("Step 4"),
        _("Two or three working sessions with the coordinator over a few weeks."),
    ),
    (_("Step 5"), _("Little: the coordinator publishes; you share it in your own circles.")),
    (_("Step 6"), _("An interview of about an hour with each candidate, often online.")),
    (_("Step 7"), _("A start orientation of about half a day.")),
    (
        _("Step 8 and during the project"),
        _(
            "A leader who works with the intern every week, and a review dialogue with the "
            "coordinator about once a month."
        ),
    ),
)


def current_pamphlet(*, language: str):
    """The newest current pamphlet file uploaded in `language`, or None."""
    from .models import Pamphlet

    return (
        Pamphlet.objects.filter(language=language, is_current=True)
        .exclude(file="")
        .order_by("-published_at", "-pk")
        .first()
    )


COORDINATOR_INTRO = _(
    "A challenge community in a region starts with a coordinator: a person who knows the "
    "region's companies, municipalities, high schools and universities, and who connects them "
    "with young people."
)
