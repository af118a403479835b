"""Keyword search on the folded search columns: widths, case, kana and kanji, 1 to 3+ characters."""

import pytest
from django.urls import reverse

from projects import services as project_services
from projects.models import Project
from projects.search import fold, project_search_text, search_grams
from projects.selectors import public as selectors
from projects.selectors.public import ProjectFilters
from tests.factories import HostOrganizationFactory, ProjectFactory
from tests.flow import project_in

pytestmark = pytest.mark.django_db
S = Project.Status


def _found(q: str) -> set[int]:
    return {p.pk for p in selectors.project_index(ProjectFilters(q=q))}


@pytest.fixture
def rows():
    def make(title, *, org="株式会社テスト", kana="", **fields):
        organization = HostOrganizationFactory(name=org, name_kana=kana)
        return project_in(
            S.PUBLISHED,
            organization=organization,
            title=title,
            summary=fields.pop("summary", ""),
            vision=fields.pop("vision", ""),
            intern_role=fields.pop("intern_role", ""),
            **fields,
        )[0]

    return {
        "dx": make("ＩＴで観光ＤＸを進める", org="ＮＰＯ法人とかちラボ", kana="トカチラボ"),
        "cafe": make("ｶﾌｪの新メニュー開発", location="帯広市"),
        "onion": make("玉ねぎの加工品", org="ハッカ記念農園", kana="はっかきねんのうえん"),
        "split": make("札幌", summary="市民と歩く", intern_role="a"),
        "percent": make("売上を10%伸ばす"),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # Widths and case: the row keeps what the host typed (full-width ＩＴ, half-width ｶﾌｪ).
        ("IT", {"dx"}),
        ("it", {"dx"}),
        ("ＩＴ", {"dx"}),
        ("ｉｔ", {"dx"}),
        ("dx", {"dx"}),
        ("npo法人", {"dx"}),
        ("カフェ", {"cafe"}),
        ("ｶﾌｪ", {"cafe"}),
        # Kana and kanji, in the title, the location and the organisation's name and reading.
        ("トカチ", {"dx"}),
        ("とかち", {"dx"}),
        ("はっか", {"onion"}),
        ("ハッカ", {"onion"}),
        ("帯広", {"cafe"}),
        # One, two and three characters and more.
        ("観", {"dx"}),
        ("光", {"dx"}),
        ("玉", {"onion"}),
        ("観光", {"dx"}),
        ("加工", {"onion"}),
        ("観光Ｄ", {"dx"}),
        ("玉ねぎの加工品", {"onion"}),
        ("新メニュー", {"cafe"}),
        ("1", {"percent"}),
        ("10", {"percent"}),
        # Every term must match; terms split on the ideographic space too.
        ("観光　ＩＴ", {"dx"}),
        ("観光 玉ねぎ", set()),
        # A term never matches across two fields (title "札幌", summary "市民...").
        ("札幌市", set()),
        ("幌市", set()),
        ("札幌", {"split"}),
        ("市民", {"split"}),
        # LIKE's wildcards are literal characters.
        ("%", {"percent"}),
        ("0%", {"percent"}),
        ("_", set()),
        ("存在しない", set()),
    ],
)
def test_search_matches_widths_case_kana_kanji_and_short_terms(rows, q, expected):
    assert _found(q) == {rows[name].pk for name in expected}


def test_search_through_the_page_matches_the_selector(client, rows):
    html = client.get(reverse("projects:project-list"), {"q": "観"}).content.decode()
    assert rows["dx"].title in html and rows["onion"].title not in html


def test_search_text_is_kept_on_every_save_and_on_a_host_rename(rows):
    project = ProjectFactory(title="流氷の町で新しい観光をつくる")
    assert "流氷" in project.search_text and " 流氷 " in project.search_grams
    project_services.project_update(project=project, actor=_member(project), title="湿原の町")
    assert _ids_of("流氷") == set() and _ids_of("湿原") == {project.pk}
    project.organization.name = "釧路ネイチャー"
    project.organization.save()
    assert _ids_of("ネイチャー") == {project.pk}
    assert _ids_of("テスト") == set()  # the old name (株式会社テスト…) no longer matches


def _ids_of(term: str) -> set[int]:
    # Drafts are not public: read the search columns directly.
    drafts = Project.objects.filter(selectors._term_q(term), status=S.DRAFT)
    return set(drafts.values_list("pk", flat=True))


def _member(project):
    from tests.factories import HostMemberFactory

    return HostMemberFactory(organization=project.organization)


def test_a_save_of_other_fields_leaves_the_search_columns_alone(rows):
    project = rows["onion"]
    Project.objects.filter(pk=project.pk).update(search_text="", search_grams="")
    project.refresh_from_db()
    project.save(update_fields=["capacity"])
    project.refresh_from_db()
    assert project.search_text == ""
    project.save(update_fields=["title"])
    project.refresh_from_db()
    assert "玉ねぎ" in project.search_text and " 玉 " in project.search_grams


def test_fold_and_grams():
    assert fold("ＩＴとｶﾌｪ") == "itとカフェ"
    assert search_grams("観光 ab") == " a ab b 光 観 観光 "
    assert search_grams("") == ""
    text = project_search_text(title="札幌", summary="市民", organization_name="Ｘ")
    # Fields on lines of their own: no gram joins the end of one to the start of the next.
    assert text.split("\n")[:2] == ["札幌", "市民"] and " 幌市 " not in search_grams(text)
