"""A region's description in Japanese and in English."""

import pytest
from django.utils import timezone, translation

from coordinators import demo_data
from coordinators.management.commands.seed_demo import Seeder
from programs.models import Region
from tests.factories import RegionFactory, StaffFactory

pytestmark = pytest.mark.django_db

JA = "オホーツクの中核都市。"
EN = "The main city of the Okhotsk coast."


@pytest.mark.parametrize(
    ("language", "description_en", "expected"),
    [
        ("ja", EN, JA),
        ("en", EN, EN),
        ("en-us", EN, EN),
        ("en", "", JA),  # no English yet: the Japanese rather than nothing
        ("en", "  \n", JA),
        (None, EN, JA),
    ],
)
def test_description_in_a_language(language, description_en, expected):
    region = RegionFactory(description=JA, description_en=description_en)
    assert region.description_in(language) == expected


def test_localized_description_follows_the_active_language():
    region = RegionFactory(description=JA, description_en=EN)
    with translation.override("en"):
        assert region.localized_description == EN
    with translation.override("ja"):
        assert region.localized_description == JA


def test_staff_edit_the_english_description_in_the_admin(client):
    region = RegionFactory(description=JA)
    client.force_login(StaffFactory())
    form = client.get(f"/admin/programs/region/{region.pk}/change/").context["adminform"].form
    assert "description_en" in form.fields
    assert form.fields["description_en"].required is False


def test_every_demo_region_has_an_english_description():
    for spec in demo_data.REGIONS:
        assert spec["description_en"].strip(), spec["slug"]
        assert spec["description_en"].isascii(), spec["slug"]


def test_seeding_gives_regions_their_english_description_also_when_they_exist_already():
    RegionFactory(slug="kitami", name="北見", name_en="Kitami", description=JA)
    Seeder(now=timezone.now()).seed_structure()
    english = dict(Region.objects.values_list("slug", "description_en"))
    assert english == {spec["slug"]: spec["description_en"] for spec in demo_data.REGIONS}


def test_seeding_keeps_an_english_description_someone_wrote():
    RegionFactory(slug="kitami", description_en="Written by hand.")
    Seeder(now=timezone.now()).seed_structure()
    assert Region.objects.get(slug="kitami").description_en == "Written by hand."


@pytest.mark.parametrize("path", ["/regions/", "/regions/{slug}/"])
def test_the_region_pages_show_the_description_in_the_pages_language(client, path):
    region = RegionFactory(description=JA, description_en=EN)
    url = path.format(slug=region.slug)
    assert JA[:10] in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert EN[:10] in page and JA[:10] not in page
