"""factory-boy factories that build valid rows; flow states come from services (see `flow`)."""

import datetime as dt

import factory
from django.utils import timezone

from accounts.models import User
from applicants.models import StudentProfile
from coordinators.models import CoordinatorProfile
from programs.models import Program, Region, Term
from projects.models import HostMembership, HostOrganization, IntakeInterview, Project, Theme


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    name = factory.Sequence(lambda n: f"利用者 {n}")
    name_kana = factory.Sequence(lambda n: f"リヨウシャ {n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-Word-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"region-{n}")
    name = factory.Sequence(lambda n: f"地域{n}")
    name_en = factory.Sequence(lambda n: f"Region {n}")


class CoordinatorFactory(UserFactory):
    """A coordinator of `region` (a new one unless given); is_staff for the admin."""

    is_staff = True

    @factory.post_generation
    def region(obj, create, extracted, **kwargs):
        if not create:
            return
        region = extracted or RegionFactory()
        region.coordinators.add(obj)
        CoordinatorProfile.objects.get_or_create(user=obj)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("slug",)

    slug = "hokkaido-challenge"
    name = "北海道チャレンジコミュニティ"


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ("program", "season", "year")

    program = factory.SubFactory(ProgramFactory)
    season = Term.Season.SUMMER
    year = 2027
    entry_opens_on = dt.date(2027, 4, 1)
    entry_closes_on = dt.date(2027, 6, 30)
    starts_on = dt.date(2027, 8, 1)
    ends_on = dt.date(2028, 1, 31)


class HostOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HostOrganization

    name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    kind = "company"
    region = factory.SubFactory(RegionFactory)
    industry = "観光"


class HostMemberFactory(UserFactory):
    """A user who is a member of `organization` (a new one unless given)."""

    @factory.post_generation
    def organization(obj, create, extracted, **kwargs):
        if not create:
            return
        HostMembership.objects.get_or_create(
            organization=extracted or HostOrganizationFactory(), user=obj
        )


class StudentFactory(UserFactory):
    """A student with a profile complete enough to enter projects."""

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if not create:
            return
        StudentProfile.objects.get_or_create(
            user=obj,
            defaults={
                "university": "北海道大学",
                "faculty": "経済学部",
                "year": 3,
                "current_residence": "札幌市",
                "bio": "地域の食と観光に関心があります。",
                "can_commute": True,
                "commute_days_per_week": 3,
                **(extracted or {}),
            },
        )


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"テーマ{n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    """A draft project; move it on with `tests.flow` (services), never by assigning status."""

    class Meta:
        model = Project

    organization = factory.SubFactory(HostOrganizationFactory)
    region = factory.SelfAttribute("organization.region")
    term = factory.SubFactory(TermFactory)
    title = factory.Sequence(lambda n: f"道産食材の新しい販路をつくるプロジェクト {n}")
    summary = "地域の生産者と一緒に、新しい商品と販路をつくります。"
    vision = "地域の食が全国に届く未来"
    intern_role = "商品企画と販売の責任者"
    duration_months = 6
    starts_on = dt.date(2027, 8, 1)
    ends_on = dt.date(2028, 1, 31)
    capacity = 2


class IntakeInterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntakeInterview

    region = factory.SubFactory(RegionFactory)
    organization_name = factory.Sequence(lambda n: f"有限会社インテーク{n}")
    organization_kind = "company"
    contact_name = "山田 花子"
    contact_email = factory.Sequence(lambda n: f"contact{n}@host.example.jp")
    held_at = factory.LazyFunction(timezone.now)
