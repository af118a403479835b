"""`manage.py seed_scale`: synthetic load data at a national programme's size, bulk-loaded."""

import json
import random
import time
import uuid
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from itertools import accumulate

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from applicants.models import (
    Application,
    ApplicationStatusChange,
    Interview,
    InterviewFeedback,
    InterviewSlot,
    InterviewStatusChange,
    Placement,
    PlacementStatusChange,
    StudentProfile,
)
from coordinators import demo_data
from coordinators.models import CoordinatorProfile
from coordinators.services import coordinator_group
from programs.models import Program, Region, Term
from projects.models import (
    HostMembership,
    HostOrganization,
    IntakeInterview,
    IntakeInterviewStatusChange,
    Project,
    ProjectStatusChange,
    ProjectVersion,
    Theme,
)
from projects.page_cache import invalidate_public_pages
from projects.search import project_search_text, search_grams

# Every account and host organisation made here has an address at this domain: that is how a
# second run recognises the data and how --reset finds what to delete.
DOMAIN = "scale.jissen.jp"
PASSWORD = "scale-pass-2027"  # noqa: S105 (the published password of the synthetic accounts)
JST = demo_data.JST


@dataclass(frozen=True)
class Sizes:
    hosts: int
    projects: int
    students: int
    entries: int


DEFAULT = Sizes(hosts=500, projects=10_000, students=20_000, entries=100_000)
SMALL = Sizes(hosts=20, projects=200, students=400, entries=2_000)
BATCH = 5_000


class Mix:
    """A weighted choice, its weights summed once (the entry loop draws 100,000 times)."""

    def __init__(self, weights: dict):
        self.values = list(weights)
        self.cumulative = list(accumulate(weights.values()))

    def pick(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


P = Project.Status
S = Application.Status
IS = Interview.Status

# Projects per state (per mille). Published and closed projects make the public index; they
# are kept above 80 % so that the index has 400 pages at the default size.
PROJECT_MIX = Mix(
    {
        P.PUBLISHED: 380,
        P.CLOSED: 440,
        P.COMPLETED: 100,
        P.IN_PROGRESS: 30,
        P.CANCELLED: 20,
        P.DRAFT: 12,
        P.SUBMITTED: 6,
        P.CHANGES_REQUESTED: 4,
        P.APPROVED: 8,
    }
)
TOOK_ENTRIES = (P.PUBLISHED, P.CLOSED, P.IN_PROGRESS, P.COMPLETED)
# Where a term stands today; each state of a project fits terms in some of these phases.
PAST, RUNNING, BETWEEN, RECRUITING, UPCOMING = "past", "running", "between", "recruiting", "up"
FITS = {
    P.PUBLISHED: (RECRUITING, UPCOMING, BETWEEN),
    P.CLOSED: (PAST, RUNNING, BETWEEN, RECRUITING),
    P.COMPLETED: (PAST,),
    P.IN_PROGRESS: (RUNNING,),
    P.CANCELLED: (PAST, RUNNING, RECRUITING, UPCOMING),
    P.DRAFT: (UPCOMING, RECRUITING),
    P.SUBMITTED: (UPCOMING, RECRUITING),
    P.CHANGES_REQUESTED: (UPCOMING, RECRUITING),
    P.APPROVED: (UPCOMING, RECRUITING),
}
# Entry states by where the project's selection stands; acceptances are chosen per project.
ENTRY_MIX = {
    "open": Mix(
        {
            S.SUBMITTED: 40,
            S.SCREENING: 22,
            S.INTERVIEWING: 16,
            S.OFFERED: 4,
            S.REJECTED: 8,
            S.WITHDRAWN: 10,
        }
    ),
    "selecting": Mix(
        {
            S.SCREENING: 8,
            S.INTERVIEWING: 10,
            S.OFFERED: 4,
            S.REJECTED: 55,
            S.WITHDRAWN: 17,
            S.OFFER_DECLINED: 6,
        }
    ),
    "decided": Mix({S.REJECTED: 70, S.WITHDRAWN: 22, S.OFFER_DECLINED: 8}),
}
ENTRY_PATHS = {
    S.SUBMITTED: ((),),
    S.SCREENING: ((S.SCREENING,),),
    S.INTERVIEWING: ((S.SCREENING, S.INTERVIEWING),),
    S.OFFERED: ((S.SCREENING, S.INTERVIEWING, S.OFFERED),),
    S.ACCEPTED: ((S.SCREENING, S.INTERVIEWING, S.OFFERED, S.ACCEPTED),),
    S.REJECTED: ((S.SCREENING, S.REJECTED), (S.SCREENING, S.INTERVIEWING, S.REJECTED)),
    S.WITHDRAWN: ((S.WITHDRAWN,), (S.SCREENING, S.WITHDRAWN)),
    S.OFFER_DECLINED: ((S.SCREENING, S.INTERVIEWING, S.OFFERED, S.OFFER_DECLINED),),
}
STUDENT_MOVES = {S.SUBMITTED, S.WITHDRAWN, S.ACCEPTED, S.OFFER_DECLINED}
KIND_MIX = Mix({"company": 70, "npo": 12, "municipality": 8, "school": 4, "other": 6})
STYLE_MIX = Mix({"commute": 45, "residential": 25, "remote": 15, "hybrid": 15})
MODE_MIX = Mix({"online": 60, "onsite": 30, "phone": 10})
LEAVE_MIX = Mix({"no": 70, "considering": 20, "planned": 10})
REGION_WEIGHTS = {"sapporo": 36, "kitami": 14, "obihiro": 18, "asahikawa": 16, "hakodate": 16}

# --------------------------------------------------------------------------------------
# Vocabulary the texts are built from (Japanese, as hosts and students write them)
# --------------------------------------------------------------------------------------

PLACES = {
    "sapporo": (("札幌市", "サッポロ"), ("江別市", "エベツ"), ("石狩市", "イシカリ"),
                ("小樽市", "オタル"), ("千歳市", "チトセ"), ("北広島市", "キタヒロシマ")),
    "kitami": (("北見市", "キタミ"), ("網走市", "アバシリ"), ("美幌町", "ビホロ"),
               ("紋別市", "モンベツ"), ("遠軽町", "エンガル"), ("斜里町", "シャリ")),
    "obihiro": (("帯広市", "オビヒロ"), ("音更町", "オトフケ"), ("芽室町", "メムロ"),
                ("幕別町", "マクベツ"), ("鹿追町", "シカオイ"), ("上士幌町", "カミシホロ")),
    "asahikawa": (("旭川市", "アサヒカワ"), ("東川町", "ヒガシカワ"), ("美瑛町", "ビエイ"),
                  ("富良野市", "フラノ"), ("名寄市", "ナヨロ"), ("東神楽町", "ヒガシカグラ")),
    "hakodate": (("函館市", "ハコダテ"), ("北斗市", "ホクト"), ("七飯町", "ナナエ"),
                 ("森町", "モリ"), ("江差町", "エサシ"), ("松前町", "マツマエ")),
}  # fmt: skip
BUSINESSES = (
    ("フーズ", "食品製造"), ("ファーム", "農業"), ("ラボ", "ソフトウェア開発"),
    ("ツーリズム", "観光"), ("木工所", "家具製造"), ("水産", "水産加工"),
    ("建設", "建設"), ("デザイン", "広告・デザイン"), ("ホテル", "宿泊"),
    ("ケアサービス", "介護・福祉"), ("エナジー", "再生可能エネルギー"), ("商事", "卸売"),
)  # fmt: skip
SUBJECTS = {
    "tourism": ("観光客向けの体験ツアー", "インバウンド向けの観光案内", "温泉街のにぎわい"),
    "food-agriculture": ("地元野菜の新しい販路", "酪農の六次産業化", "規格外野菜の加工品"),
    "community": ("商店街の空き店舗活用", "移住者の受け入れ", "地域の担い手づくり"),
    "it-dx": ("受発注業務のデジタル化", "ECサイト", "データを使った経営改善"),
    "education": ("高校生のキャリア教育", "放課後の学びの場", "地域と学校をつなぐ授業"),
    "welfare": ("高齢者の見守り", "介護の人材確保", "障がいのある人の働く場"),
    "environment-energy": ("森林資源の活用", "再生可能エネルギーの普及", "海洋ごみの削減"),
    "product-development": ("新商品の企画", "木工製品のブランド", "お土産品の開発"),
    "pr": ("SNSでの情報発信", "採用広報", "ふるさと納税の返礼品PR"),
}
VERBS = ("立ち上げる", "形にする", "軌道に乗せる", "つくる", "広げる", "磨き上げる")
VISIONS = (
    "{place}の{theme}を次の世代につなぎ、若い人が戻ってきたくなる地域をつくる。",
    "{subject}を通して、{place}に新しい人の流れを生み出す。",
    "{theme}の分野で道内のモデルになる取り組みを、{place}から発信する。",
    "地域の人と外から来た人が一緒に{subject}に取り組む文化を根づかせる。",
)
CHALLENGES = (
    "担い手の高齢化が進み、これまでのやり方では{subject}を続けられなくなっています。",
    "良いものはあるのに、{place}の外に知られていません。",
    "社内に新しい取り組みを進める人手がなく、アイデアが形になっていません。",
    "{theme}に関心のある若い人と出会う機会が、ほとんどありません。",
)
ROLES = (
    "代表の右腕として、{subject}の企画から実行までを担います。",
    "現場のヒアリングを重ね、課題を整理して改善案を提案します。",
    "SNSやウェブでの発信を担当し、反応を数字で振り返ります。",
    "地域の事業者や住民を巻き込み、試作と検証を繰り返します。",
)
OUTCOMES = (
    "{subject}の試行と、その結果をまとめた報告書。",
    "新しい顧客や参加者との接点を、半年で100件以上つくる。",
    "取り組みを続けるための仕組みと、引き継ぎの手順。",
)
FAMILY = (("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
          ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"),
          ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"),
          ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"), ("井上", "イノウエ"),
          ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"),
          ("清水", "シミズ"))  # fmt: skip
GIVEN = (("翔", "ショウ"), ("結衣", "ユイ"), ("大輝", "ダイキ"), ("美咲", "ミサキ"),
         ("蓮", "レン"), ("陽菜", "ヒナ"), ("悠真", "ユウマ"), ("葵", "アオイ"),
         ("湊", "ミナト"), ("さくら", "サクラ"), ("健太", "ケンタ"), ("彩", "アヤ"),
         ("拓海", "タクミ"), ("凛", "リン"), ("颯太", "ソウタ"), ("芽衣", "メイ"))  # fmt: skip
UNIVERSITIES = (
    ("北海道大学", ("経済学部", "農学部", "工学部", "文学部", "教育学部")),
    ("北見工業大学", ("工学部",)),
    ("帯広畜産大学", ("畜産学部",)),
    ("小樽商科大学", ("商学部",)),
    ("北海学園大学", ("経営学部", "人文学部", "法学部")),
    ("公立はこだて未来大学", ("システム情報科学部",)),
    ("札幌市立大学", ("デザイン学部", "看護学部")),
    ("旭川市立大学", ("経済学部",)),
    ("東京大学", ("経済学部", "教養学部")),
    ("早稲田大学", ("政治経済学部", "社会科学部")),
    ("立命館大学", ("政策科学部",)),
)
SKILLS = ("Excel", "Python", "SNS運用", "写真撮影", "動画編集", "デザイン", "英語",
          "接客", "イベント運営", "データ分析", "プログラミング", "ライティング")  # fmt: skip


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, clock(hour, minute), tzinfo=JST)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start if end <= start else start + (end - start) * rng.random()


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


# --------------------------------------------------------------------------------------
# Loading rows
# --------------------------------------------------------------------------------------


class Loader:
    """Batched `INSERT … VALUES` (SQLite) or `COPY … FROM STDIN` (PostgreSQL) of plain rows.

    Not bulk_create: it builds a model instance and compiles every value of every row, which
    at this size (about 900,000 rows) took 161 s on SQLite and 95 s on PostgreSQL. Rows here
    are dicts of attribute names; a column left out takes the field's default, as bulk_create
    would. Ids that other rows point at are reserved first with `ids()`.
    """

    def __init__(self, *, batch: int):
        self.batch = batch
        self.postgresql = connection.vendor == "postgresql"
        self.created: Counter[str] = Counter()
        self.next_id: dict[str, int] = {}

    def ids(self, model: type[models.Model], count: int) -> list[int]:
        table, pk = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            if self.postgresql:
                # Taken from the sequence, so later inserts by the application never collide.
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, pk, count],
                )
                return [row[0] for row in cursor.fetchall()]
            if table not in self.next_id:
                # SQLite: the transaction holds the write lock, so nobody else takes these.
                cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {table}")  # noqa: S608
                self.next_id[table] = cursor.fetchone()[0] + 1
        start = self.next_id[table]
        self.next_id[table] = start + count
        return list(range(start, start + count))

    def _adapter(self, field: models.Field):
        if isinstance(field, models.JSONField):
            return lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
        if self.postgresql:
            return None  # psycopg writes dates, datetimes and UUIDs itself
        if isinstance(field, models.DateTimeField):
            # What Django stores on SQLite (naive UTC text), without its per-value checks.
            return lambda v: None if v is None else str(v.astimezone(UTC).replace(tzinfo=None))
        if isinstance(field, models.DateField):
            return connection.ops.adapt_datefield_value
        if isinstance(field, models.UUIDField):
            return lambda v: None if v is None else v.hex
        return None

    def load(self, model: type[models.Model], rows: list[dict]) -> None:
        if not rows:
            return
        opts = model._meta
        given = list(rows[0])
        by_name = {f.attname: f for f in opts.concrete_fields}
        fields = [by_name[name] for name in given]
        defaults = [f for f in opts.concrete_fields if f.attname not in given and not f.primary_key]
        constant = [f for f in defaults if not callable(f.default)]
        per_row = [f for f in defaults if callable(f.default)]
        columns = [f.column for f in (*fields, *constant, *per_row)]
        adapters = [self._adapter(f) for f in (*fields, *constant, *per_row)]
        fixed = tuple(f.get_default() for f in constant)

        def values(row: dict) -> tuple:
            raw = (*(row[n] for n in given), *fixed, *(f.get_default() for f in per_row))
            return tuple(a(v) if a else v for a, v in zip(adapters, raw, strict=True))

        quote = connection.ops.quote_name
        table, names = quote(opts.db_table), ", ".join(quote(c) for c in columns)
        with connection.cursor() as cursor:
            for start in range(0, len(rows), self.batch):
                chunk = [values(row) for row in rows[start : start + self.batch]]
                if self.postgresql:
                    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in chunk:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                        chunk,
                    )
        self.created[opts.label] += len(rows)


def scale_users():
    return User.objects.filter(email__endswith=f"@{DOMAIN}")


def scale_hosts():
    return HostOrganization.objects.filter(contact_email__endswith=f"@{DOMAIN}")


def delete_scale_data() -> int:
    """Remove every row this command made, leaves first; returns how many were deleted."""
    users, hosts = scale_users(), scale_hosts()
    entries = Application.objects.filter(Q(student__in=users) | Q(project__organization__in=hosts))
    interviews = Interview.objects.filter(application__in=entries)
    placements = Placement.objects.filter(application__in=entries)
    projects = Project.objects.filter(organization__in=hosts)
    steps = (
        InterviewFeedback.objects.filter(interview__in=interviews),
        InterviewSlot.objects.filter(interview__in=interviews),
        InterviewStatusChange.objects.filter(interview__in=interviews),
        Interview.participants.through.objects.filter(interview__in=interviews),
        interviews,
        ApplicationStatusChange.objects.filter(application__in=entries),
        PlacementStatusChange.objects.filter(placement__in=placements),
        placements,
        entries,
        ProjectStatusChange.objects.filter(project__in=projects),
        ProjectVersion.objects.filter(project__in=projects),
        Project.themes.through.objects.filter(project__in=projects),
        projects,
        IntakeInterviewStatusChange.objects.filter(intake__organization__in=hosts),
        IntakeInterview.objects.filter(organization__in=hosts),
        HostMembership.objects.filter(Q(organization__in=hosts) | Q(user__in=users)),
        hosts,
        StudentProfile.objects.filter(user__in=users),
        CoordinatorProfile.objects.filter(user__in=users),
        Region.coordinators.through.objects.filter(user__in=users),
        EmailAddress.objects.filter(user__in=users),
        users,
    )
    return sum(queryset.delete()[0] for queryset in steps)


# --------------------------------------------------------------------------------------
# The data
# --------------------------------------------------------------------------------------


@dataclass
class ProjectPlan:
    """What the entries of a project need to know about it."""

    id: int
    status: str
    term: Term
    phase: str
    organization_id: int
    region_id: int
    owner: int
    coordinator: int
    title: str
    location: str
    capacity: int
    has_brief: bool
    entry_deadline: datetime | None
    starts_on: date
    ends_on: date
    timeline: list[tuple[str, datetime, int]]

    @property
    def moments(self) -> dict[str, datetime]:
        return {status: moment for status, moment, _ in self.timeline}


class ScaleSeeder:
    """Builds the rows in memory, table by table, and hands them to the loader."""

    def __init__(self, *, sizes: Sizes, seed: int, now: datetime, loader: Loader):
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.now = now
        self.today = timezone.localdate(now)
        self.loader = loader
        self.password = make_password(PASSWORD, salt="scalejissen")
        self.coordinators: dict[int, list[int]] = {}

    # Helpers ------------------------------------------------------------------------------

    def person(self) -> tuple[str, str]:
        family, given = self.rng.choice(FAMILY), self.rng.choice(GIVEN)
        return f"{family[0]} {given[0]}", f"{family[1]} {given[1]}"

    def users(self, specs: list[dict]) -> list[int]:
        ids = self.loader.ids(User, len(specs))
        self.loader.load(
            User,
            [{"id": i, "password": self.password, **s} for i, s in zip(ids, specs, strict=True)],
        )
        self.loader.load(
            EmailAddress,
            [
                {"user_id": i, "email": s["email"], "verified": True, "primary": True}
                for i, s in zip(ids, specs, strict=True)
            ],
        )
        return ids

    def fit(self, start: datetime, gaps_days: list[float], end: datetime) -> list[datetime]:
        """Moments after `start` spaced by the gaps, squeezed to fit before `end` and now."""
        end = min(end, self.now)
        span, room = timedelta(days=sum(gaps_days)), end - start
        scale = 1.0 if span <= room else max(room, timedelta(0)) / span
        moments, moment = [], start
        for gap in gaps_days:
            moment += timedelta(days=gap) * scale
            moments.append(min(moment, self.now))
        return moments

    def phase(self, term: Term) -> str:
        today = self.today
        if term.ends_on < today:
            return PAST
        if term.starts_on <= today:
            return RUNNING
        if term.entry_opens_on <= today <= term.entry_closes_on:
            return RECRUITING
        return UPCOMING if today < term.entry_opens_on else BETWEEN

    def term_for(self, status: str) -> Term:
        candidates = [t for phase in FITS[status] for t in self.phases[phase]]
        return self.rng.choice(candidates or self.terms)

    # Regions, programme, terms, themes, coordinators --------------------------------------

    def structure(self) -> None:
        self.regions = []
        for position, spec in enumerate(demo_data.REGIONS):
            fields = {k: spec[k] for k in ("name", "name_en", "description")}
            region, _ = Region.objects.get_or_create(
                slug=spec["slug"], defaults={**fields, "position": position}
            )
            self.regions.append(region)
        program, _ = Program.objects.get_or_create(
            slug=demo_data.PROGRAM["slug"],
            defaults={k: demo_data.PROGRAM[k] for k in ("name", "description")},
        )
        # Two seasons a year from two years back to next year (the demo's terms are reused).
        self.terms = []
        for year in range(self.today.year - 2, self.today.year + 2):
            for season, opens, closes, starts, months in (
                ("summer", date(year, 4, 1), date(year, 6, 30), date(year, 8, 1), 6),
                ("spring", date(year, 10, 1), date(year, 12, 20), date(year + 1, 2, 10), 8),
            ):
                term, _ = Term.objects.get_or_create(
                    program=program,
                    season=season,
                    year=year,
                    defaults={
                        "entry_opens_on": opens,
                        "entry_closes_on": closes,
                        "starts_on": starts,
                        "ends_on": _add_months(starts, months) - timedelta(days=1),
                    },
                )
                self.terms.append(term)
        self.phases = defaultdict(list)
        for term in self.terms:
            self.phases[self.phase(term)].append(term)
        self.themes = [
            Theme.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en})[0]
            for slug, name, name_en in demo_data.THEMES
        ]
        joined = self.now - timedelta(days=900)
        specs = [
            {
                "email": f"staff@{DOMAIN}",
                "name": "計測 管理者",
                "name_kana": "ケイソク カンリシャ",
                "is_staff": True,
                "is_superuser": True,
                "date_joined": joined,
            }
        ]
        for region in self.regions:
            for n in (1, 2):
                name, kana = self.person()
                specs.append(
                    {
                        "email": f"coordinator.{region.slug}.{n}@{DOMAIN}",
                        "name": name,
                        "name_kana": kana,
                        "is_staff": True,
                        "is_superuser": False,
                        "date_joined": joined,
                    }
                )
        _staff, *coordinators = self.users(specs)
        self.loader.load(
            CoordinatorProfile,
            [
                {"user_id": u, "title": "地域コーディネーター", "organization": "計測用"}
                for u in coordinators
            ],
        )
        # As coordinator_appoint does: the group with the coordinators' admin permissions.
        group = coordinator_group()
        self.loader.load(
            User.groups.through, [{"user_id": u, "group_id": group.pk} for u in coordinators]
        )
        for i, region in enumerate(self.regions):
            self.coordinators[region.pk] = coordinators[2 * i : 2 * i + 2]
        self.loader.load(
            Region.coordinators.through,
            [
                {"region_id": region_id, "user_id": user_id}
                for region_id, users in self.coordinators.items()
                for user_id in users
            ],
        )

    # Hosts ---------------------------------------------------------------------------------

    def hosts(self) -> None:
        rng, count = self.rng, self.sizes.hosts
        slugs = [r.slug for r in self.regions]
        # Every region gets a host first, then the rest by the regions' weights.
        chosen = slugs[:count] + rng.choices(
            slugs, weights=[REGION_WEIGHTS.get(s, 10) for s in slugs], k=max(0, count - len(slugs))
        )
        region_of = {r.slug: r.pk for r in self.regions}
        ids = self.loader.ids(HostOrganization, count)
        organizations, members, memberships, intakes = [], [], [], []
        for i, (pk, slug) in enumerate(zip(ids, chosen, strict=True)):
            place, kana = rng.choice(PLACES.get(slug, (("北海道", "ホッカイドウ"),)))
            kind = KIND_MIX.pick(rng)
            business, industry = rng.choice(BUSINESSES)
            base = place.removesuffix("市").removesuffix("町")
            name = {
                "company": f"株式会社{base}{business}",
                "npo": f"NPO法人 {base}まちづくりネット",
                "municipality": f"{place}役場",
                "school": f"{place}立{base}高等学校",
                "other": f"一般社団法人 {base}{business}協議会",
            }[kind]
            created = self.now - timedelta(days=rng.uniform(30, 1500))
            organizations.append(
                {
                    "id": pk,
                    "name": name,
                    "name_kana": f"{kana}{business}" if kind == "company" else kana,
                    "kind": kind,
                    "region_id": region_of[slug],
                    "industry": industry if kind == "company" else "",
                    "size": rng.choice(HostOrganization.Size.values),
                    "address": f"{place}本町{rng.randint(1, 9)}丁目{rng.randint(1, 30)}",
                    "website": f"https://host{i}.{DOMAIN}/",
                    "description": f"{place}で{industry}に取り組む{name}。若い力を求めています。",
                    "contact_email": f"info.host{i}@{DOMAIN}",
                    "created_at": created,
                }
            )
            held = created - timedelta(days=2)
            intakes.append(
                {
                    "region_id": region_of[slug],
                    "organization_id": pk,
                    "organization_name": name,
                    "organization_kind": kind,
                    "contact_name": "担当者",
                    "contact_email": f"info.host{i}@{DOMAIN}",
                    "held_at": held,
                    "attendees": [],
                    "coordinator_id": self.coordinators[region_of[slug]][0],
                    "notes": "受け入れの目的と体制を確認。",
                    "outcome": IntakeInterview.Outcome.PROCEED,
                    "decided_at": held + timedelta(days=1),
                    "created_at": held,
                }
            )
            for m in range(rng.choice((1, 1, 2, 2, 2, 3))):
                person, person_kana = self.person()
                members.append(
                    {
                        "email": f"host{i}.{m}@{DOMAIN}",
                        "name": person,
                        "name_kana": person_kana,
                        "date_joined": created + timedelta(days=2),
                    }
                )
                memberships.append(
                    {
                        "organization_id": pk,
                        "role": HostMembership.Role.OWNER if m == 0 else HostMembership.Role.MEMBER,
                        "title": "代表" if m == 0 else "担当",
                        "created_at": created + timedelta(days=2),
                    }
                )
        self.loader.load(HostOrganization, organizations)
        # Each intake proceeded, as its decision row says (who, when, from, to).
        for intake_id, intake in zip(
            self.loader.ids(IntakeInterview, len(intakes)), intakes, strict=True
        ):
            intake["id"] = intake_id
        self.loader.load(IntakeInterview, intakes)
        self.loader.load(
            IntakeInterviewStatusChange,
            [
                {
                    "intake_id": intake["id"],
                    "actor_id": intake["coordinator_id"],
                    "from_status": IntakeInterview.Outcome.PENDING,
                    "to_status": IntakeInterview.Outcome.PROCEED,
                    "note": "",
                    "created_at": intake["decided_at"],
                }
                for intake in intakes
            ],
        )
        self.owner_of = {}
        for membership, user_id in zip(memberships, self.users(members), strict=True):
            membership["user_id"] = user_id
            if membership["role"] == HostMembership.Role.OWNER:
                self.owner_of[membership["organization_id"]] = user_id
        self.loader.load(HostMembership, memberships)
        self.organizations = organizations

    # Students -----------------------------------------------------------------------------

    def students(self) -> None:
        rng = self.rng
        specs = []
        for i in range(self.sizes.students):
            name, kana = self.person()
            specs.append(
                {
                    "email": f"student{i}@{DOMAIN}",
                    "name": name,
                    "name_kana": kana,
                    "preferred_language": "en" if rng.random() < 0.05 else "ja",
                    "date_joined": self.now - timedelta(days=rng.uniform(10, 900)),
                }
            )
        self.student_ids = self.users(specs)
        places = [p for region in PLACES.values() for p, _ in region]
        profiles = []
        for user_id, spec in zip(self.student_ids, specs, strict=True):
            university, faculties = rng.choice(UNIVERSITIES)
            year = rng.choice((1, 2, 2, 3, 3, 3, 4))
            commute = rng.random() < 0.6
            profiles.append(
                {
                    "user_id": user_id,
                    "university": university,
                    "faculty": rng.choice(faculties),
                    "year": year,
                    "graduation_year": self.today.year + 5 - year,
                    "hometown": rng.choice(places),
                    "current_residence": rng.choice(places),
                    "phone": f"090-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
                    "leave_of_absence": LEAVE_MIX.pick(rng),
                    "can_commute": commute,
                    "commute_days_per_week": rng.randint(2, 5) if commute else None,
                    "can_reside": rng.random() < 0.3,
                    "can_work_remotely": rng.random() < 0.7,
                    "skills": "、".join(rng.sample(SKILLS, 3)),
                    "bio": f"{university}で学んでいます。地域の現場で{rng.choice(SKILLS)}を"
                    "生かし、事業づくりに挑戦したいと考えています。",
                    "portfolio_url": f"https://portfolio.{DOMAIN}/student{user_id}",
                    "updated_at": spec["date_joined"] + timedelta(days=1),
                }
            )
        self.loader.load(StudentProfile, profiles)

    # Projects -----------------------------------------------------------------------------

    def projects(self) -> None:
        rng, count = self.rng, self.sizes.projects
        # Every host has a project; the rest go to hosts with a skewed appetite.
        appetite = [rng.lognormvariate(0, 0.8) for _ in self.organizations]
        hosts = self.organizations[:count] + rng.choices(
            self.organizations, weights=appetite, k=max(0, count - len(self.organizations))
        )
        ids = self.loader.ids(Project, count)
        rows, links, history, versions, self.plans = [], [], [], [], []
        through = Project.themes.through
        for pk, organization in zip(ids, hosts, strict=True):
            status = PROJECT_MIX.pick(rng)
            row, plan, themes = self.project(pk, organization, status, self.term_for(status))
            rows.append(row)
            self.plans.append(plan)
            links += [{"project_id": pk, "theme_id": t.pk} for t in themes]
            previous, number = "", 0
            for target, moment, actor in plan.timeline:
                note = "内容の追記をお願いします。" if target == P.CHANGES_REQUESTED else ""
                history.append(
                    {
                        "project_id": pk,
                        "actor_id": actor,
                        "from_status": previous,
                        "to_status": target,
                        "note": note,
                        "created_at": moment,
                    }
                )
                if target == P.SUBMITTED:
                    number += 1
                    versions.append(
                        {
                            "project_id": pk,
                            "number": number,
                            "data": self.snapshot(row, themes),
                            "submitted_by_id": actor,
                            "created_at": moment,
                        }
                    )
                previous = target
        self.loader.load(Project, rows)
        self.loader.load(through, links)
        self.loader.load(ProjectStatusChange, history)
        self.loader.load(ProjectVersion, versions)

    @staticmethod
    def snapshot(row: dict, themes: list[Theme]) -> dict:
        data = {k: row[k] for k in ("title", "summary", "vision", "challenge", "intern_role")}
        data.update(
            outcomes=row["outcomes"],
            duration_months=row["duration_months"],
            starts_on=row["starts_on"].isoformat(),
            ends_on=row["ends_on"].isoformat(),
            participation_style=row["participation_style"],
            capacity=row["capacity"],
            term=row["term_id"],
            themes=sorted(t.slug for t in themes),
        )
        return data

    def project(self, pk: int, organization: dict, status: str, term: Term):
        """One project row, its plan (with its history) and its themes, true to its term."""
        rng = self.rng
        region_id = organization["region_id"]
        owner, coordinator = self.owner_of[organization["id"]], self.coordinators[region_id][0]
        theme = rng.choice(self.themes)
        themes = [
            theme,
            *(t for t in rng.sample(self.themes, rng.choice((0, 1, 1, 2))) if t != theme),
        ]
        subject = rng.choice(SUBJECTS.get(theme.slug, ("新しい事業",)))
        slug = next(r.slug for r in self.regions if r.pk == region_id)
        place = rng.choice(PLACES.get(slug, (("北海道", ""),)))[0]
        phase = self.phase(term)
        months = rng.choice((1, 2, 3, 3, 4, 5, 6, 6, 6, 6, 9, 12))
        starts = term.starts_on + timedelta(days=rng.choice((0, 0, 0, 14, 30)))
        if status == P.IN_PROGRESS and starts > self.today:
            starts = term.starts_on
        while status == P.COMPLETED and months > 1 and _add_months(starts, months) >= self.today:
            months -= 1
        while status == P.IN_PROGRESS and months < 12 and _add_months(starts, months) <= self.today:
            months += 1
        ends = _add_months(starts, months)
        style = STYLE_MIX.pick(rng)
        words = {"place": place, "theme": theme.name, "subject": subject}

        def text(options: tuple[str, ...]) -> str:
            return "".join(t.format(**words) for t in rng.sample(options, 2))

        has_brief = rng.random() < 0.4
        row = {
            "id": pk,
            "organization_id": organization["id"],
            "region_id": region_id,
            "term_id": term.pk,
            "title": f"{place}で{subject}を{rng.choice(VERBS)}",
            "summary": f"{organization['name']}のリーダーの右腕として、{subject}に挑む"
            f"{months}か月のプロジェクトです。",
            "vision": text(VISIONS),
            "challenge": text(CHALLENGES),
            "intern_role": text(ROLES),
            "outcomes": text(OUTCOMES),
            "duration_months": months,
            "starts_on": starts,
            "ends_on": ends,
            "participation_style": style,
            "commute_days_per_week": rng.randint(2, 4) if style in ("commute", "hybrid") else None,
            "location": f"{place}（{organization['name']}）",
            "housing_support": "住まいを用意します（家賃補助あり）。"
            if style == "residential"
            else "",
            "travel_support": "交通費を支給します。" if rng.random() < 0.6 else "",
            "stipend": rng.choice(("", "月5万円の活動支援金", "月3万円の活動支援金")),
            "capacity": rng.choice((1, 1, 1, 2, 2, 3)),
            "pre_assignment_brief": "このプロジェクトの最初の一歩を800字で提案してください。"
            if has_brief
            else "",
            "status": status,
            "created_by_id": owner,
        }
        # Bulk-loaded rows skip Project.save(), which keeps the search columns.
        row["search_text"] = project_search_text(
            organization_name=organization["name"],
            organization_name_kana=organization["name_kana"],
            **row,
        )
        row["search_grams"] = search_grams(row["search_text"])

        # Its history, anchored on publication (or on its creation if it never got there).
        opens, closes = _at(term.entry_opens_on), _at(term.entry_closes_on, 23, 59)
        deadline = closes
        published = min(opens - timedelta(days=rng.uniform(0, 20)), self.now - timedelta(days=1))
        if status == P.PUBLISHED and phase == UPCOMING:
            published = self.now - timedelta(days=rng.uniform(1, 40))
        elif status == P.PUBLISHED and (phase != RECRUITING or rng.random() < 0.15):
            # Its deadline has passed and nobody has closed it yet.
            deadline = self.now - timedelta(days=rng.uniform(1, 10))
            published = min(published, deadline - timedelta(days=20))
        if status in TOOK_ENTRIES or (status == P.CANCELLED and rng.random() < 0.3):
            approved = published - timedelta(days=rng.uniform(1, 4))
            submitted = approved - timedelta(days=rng.uniform(2, 8))
            created = submitted - timedelta(days=rng.uniform(3, 20))
            steps = [(P.DRAFT, created, owner), (P.SUBMITTED, submitted, owner)]
            if rng.random() < 0.15:
                middle = _between(rng, submitted, approved)
                steps += [
                    (P.CHANGES_REQUESTED, middle, coordinator),
                    (P.SUBMITTED, _between(rng, middle, approved), owner),
                ]
            steps += [(P.APPROVED, approved, coordinator), (P.PUBLISHED, published, coordinator)]
        else:
            created = self.now - timedelta(days=rng.uniform(2, 60))
            path = {
                P.DRAFT: [],
                P.SUBMITTED: [(P.SUBMITTED, owner)],
                P.CHANGES_REQUESTED: [(P.SUBMITTED, owner), (P.CHANGES_REQUESTED, coordinator)],
                P.APPROVED: [(P.SUBMITTED, owner), (P.APPROVED, coordinator)],
                P.CANCELLED: [(P.SUBMITTED, owner)],
            }[status]
            moments = self.fit(created, [rng.uniform(1, 6) for _ in path], self.now)
            steps = [(P.DRAFT, created, owner)]
            steps += [(s, m, a) for (s, a), m in zip(path, moments, strict=True)]
        closed = None
        if status in (P.CLOSED, P.IN_PROGRESS, P.COMPLETED):
            if closes < self.now:
                closed = min(closes + timedelta(days=rng.uniform(0, 2)), self.now)
            else:  # closed early: its places are filled
                closed = deadline = _between(rng, published, self.now)
            steps.append((P.CLOSED, closed, coordinator))
        if status in (P.IN_PROGRESS, P.COMPLETED):
            steps.append((P.IN_PROGRESS, min(_at(starts), self.now), coordinator))
        if status == P.COMPLETED:
            steps.append((P.COMPLETED, min(_at(ends, 17), self.now), coordinator))
        if status == P.CANCELLED:
            last = steps[-1][1]
            steps.append(
                (P.CANCELLED, _between(rng, last, min(last + timedelta(30), self.now)), owner)
            )
        was_published = any(s == P.PUBLISHED for s, _, _ in steps)
        row.update(
            created_at=steps[0][1],
            updated_at=steps[-1][1],
            published_at=published if was_published else None,
            closed_at=closed,
            entry_deadline=deadline if was_published or status != P.CANCELLED else None,
            pre_assignment_deadline=deadline if was_published and has_brief else None,
        )
        plan = ProjectPlan(
            id=pk,
            status=status,
            term=term,
            phase=phase,
            organization_id=organization["id"],
            region_id=region_id,
            owner=owner,
            coordinator=coordinator,
            title=row["title"],
            location=row["location"],
            capacity=row["capacity"],
            has_brief=has_brief,
            entry_deadline=row["entry_deadline"],
            starts_on=starts,
            ends_on=ends,
            timeline=steps,
        )
        return row, plan, themes

    # Entries, interviews, placements --------------------------------------------------------

    def entries(self) -> None:
        rng = self.rng
        took = [plan for plan in self.plans if plan.status in TOOK_ENTRIES]
        if not took or not self.student_ids:
            return
        popularity = list(accumulate(rng.lognormvariate(0, 0.9) for _ in took))
        # Most students enter 3 to 6 projects; the keenest about 20, not 50.
        appetite = list(accumulate(min(rng.lognormvariate(0, 0.5), 2.5) for _ in self.student_ids))
        target = min(self.sizes.entries, len(took) * len(self.student_ids))
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < target:
            k = target - len(pairs)
            students = rng.choices(range(len(self.student_ids)), cum_weights=appetite, k=k)
            projects = rng.choices(range(len(took)), cum_weights=popularity, k=k)
            pairs.update(zip(projects, students, strict=True))
        by_project: dict[int, list[int]] = defaultdict(list)
        for project, student in sorted(pairs)[:target]:
            by_project[project].append(self.student_ids[student])
        ids = iter(self.loader.ids(Application, target))
        rows, plans = [], []
        for index, students in sorted(by_project.items()):
            for row, plan in self.project_entries(took[index], students, ids):
                rows.append(row)
                plans.append(plan)
        self.loader.load(Application, rows)
        self.histories(rows, plans)
        self.interviews(rows, plans)
        self.placements(rows, plans)

    def project_entries(self, project: ProjectPlan, students: list[int], ids):
        """The entries of one project, each with its status and the moments of its path."""
        rng, moments = self.rng, project.moments
        opened = moments[P.PUBLISHED]
        until = min(moments.get(P.CLOSED) or project.entry_deadline or self.now, self.now)
        until = max(until, opened + timedelta(hours=1))
        starts = moments.get(P.IN_PROGRESS)
        if project.status == P.PUBLISHED:
            mix, decide_by = ENTRY_MIX["open"], self.now
        elif project.status == P.CLOSED and project.phase != PAST:
            mix, decide_by = ENTRY_MIX["selecting"], self.now
        else:
            mix, decide_by = ENTRY_MIX["decided"], starts or _at(project.term.starts_on)
        accept = 0
        if project.status in (P.IN_PROGRESS, P.COMPLETED):
            accept = project.capacity
        elif mix is ENTRY_MIX["selecting"] and rng.random() < 0.5:
            accept = rng.randint(1, project.capacity)
        accepted = set(rng.sample(range(len(students)), min(accept, len(students))))
        for i, student in enumerate(students):
            status = S.ACCEPTED if i in accepted else mix.pick(rng)
            path = rng.choice(ENTRY_PATHS[status])
            created = _between(rng, opened, until)
            steps = self.fit(created, [rng.uniform(1, 6) for _ in path], max(decide_by, created))
            answered = project.has_brief and (status != S.SUBMITTED or rng.random() < 0.7)
            row = {
                "id": next(ids),
                "student_id": student,
                "project_id": project.id,
                "motivation": f"{project.title}に強く惹かれました。大学で学んだことを"
                "現場で試し、地域の方と一緒に成果を出したいです。",
                "pre_assignment_answer": "最初の一か月は現場の声を集め、課題を三つに絞ります。"
                if answered
                else "",
                "pre_assignment_submitted_at": created + timedelta(hours=2) if answered else None,
                "profile_shared_at": created,
                "status": status,
                "decline_reason": "",
                "decline_message": "",
                "declined_by_id": None,
                "created_at": created,
                "updated_at": steps[-1] if steps else created,
            }
            if status == S.REJECTED:
                row.update(
                    decline_reason=rng.choice(
                        [v for v, _label in Application.CHOSEN_DECLINE_REASONS]
                    ),
                    decline_message="今回はご期待に沿えない結果となりました。",
                    declined_by_id=project.owner,
                )
            yield row, (project, [(S.SUBMITTED, created), *zip(path, steps, strict=True)])

    def histories(self, rows: list[dict], plans: list) -> None:
        changes = []
        for row, (project, path) in zip(rows, plans, strict=True):
            previous = ""
            for target, moment in path:
                changes.append(
                    {
                        "application_id": row["id"],
                        "actor_id": row["student_id"] if target in STUDENT_MOVES else project.owner,
                        "from_status": previous,
                        "to_status": target,
                        "note": "",
                        "created_at": moment,
                    }
                )
                previous = target
        self.loader.load(ApplicationStatusChange, changes)

    def interviews(self, rows: list[dict], plans: list) -> None:
        """One interview for each entry that reached the interviewing step."""
        rng, details = self.rng, []
        for row, (project, path) in zip(rows, plans, strict=True):
            steps = [s for s, _ in path]
            if S.INTERVIEWING not in steps:
                continue
            at = steps.index(S.INTERVIEWING)
            invited = path[at][1]
            moved_on = at + 1 < len(path)
            following = path[at + 1][1] if moved_on else invited + timedelta(days=10)
            # Proposed early in the interviewing span, held at 60 % of it, over before the
            # entry's next step (spans squeezed close to today get shorter interviews).
            span = following - invited
            proposed = min(invited + span * 0.1, self.now)
            start = invited + span * 0.6
            if span >= timedelta(days=2):
                start = start.replace(minute=0, second=0, microsecond=0)
            length = max(min(timedelta(hours=1), span * 0.3), timedelta(minutes=1))
            if moved_on:
                no_show = steps[-1] == S.REJECTED and rng.random() < 0.1
                status = IS.NO_SHOW if no_show else IS.COMPLETED
            else:
                status = IS.PROPOSED if rng.random() < 0.4 else IS.SCHEDULED
            details.append((row, project, status, proposed, start, length, following))
        ids = self.loader.ids(Interview, len(details))
        interviews, slots, people, history, feedback = [], [], [], [], []
        for pk, (row, project, status, proposed, start, length, following) in zip(
            ids, details, strict=True
        ):
            mode = MODE_MIX.pick(rng)
            scheduled = status != IS.PROPOSED
            interviews.append(
                {
                    "id": pk,
                    "application_id": row["id"],
                    "round": 1,
                    "starts_at": start if scheduled else None,
                    "ends_at": start + length if scheduled else None,
                    "mode": mode,
                    "meeting_url": f"https://meet.{DOMAIN}/{pk}" if mode == "online" else "",
                    "place": project.location if mode == "onsite" else "",
                    "status": status,
                    "calendar_uid": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "calendar_sequence": 1 if scheduled else 0,
                    "created_by_id": project.owner,
                    "created_at": proposed,
                }
            )
            for offset in (-1, 0, 1):
                moment = start + timedelta(days=offset)
                slots.append(
                    {
                        "interview_id": pk,
                        "starts_at": moment,
                        "ends_at": moment + length,
                        "chosen": scheduled and offset == 0,
                    }
                )
            people += [
                {"interview_id": pk, "user_id": project.owner},
                {"interview_id": pk, "user_id": project.coordinator},
            ]
            moves = [("", IS.PROPOSED, proposed, project.owner)]
            if scheduled:
                picked = min(_between(rng, proposed, start), self.now)
                moves.append((IS.PROPOSED, IS.SCHEDULED, picked, row["student_id"]))
            if status in (IS.COMPLETED, IS.NO_SHOW):
                moves.append(
                    (IS.SCHEDULED, status, min(start + length, following, self.now), project.owner)
                )
            history += [
                {
                    "interview_id": pk,
                    "actor_id": actor,
                    "from_status": source,
                    "to_status": target,
                    "note": "",
                    "created_at": moment,
                }
                for source, target, moment, actor in moves
            ]
            if status == IS.COMPLETED:
                good = row["status"] in (S.OFFERED, S.ACCEPTED, S.OFFER_DECLINED)
                feedback.append(
                    {
                        "interview_id": pk,
                        "author_id": project.owner,
                        "recommendation": rng.choice(
                            ("strong_yes", "yes") if good else ("no", "strong_no")
                        ),
                        "notes": "主体性があり、地域への関心も高い。" if good else "今回は見送り。",
                        "created_at": min(start + length, following, self.now),
                    }
                )
        self.loader.load(Interview, interviews)
        self.loader.load(InterviewSlot, slots)
        self.loader.load(Interview.participants.through, people)
        self.loader.load(InterviewStatusChange, history)
        self.loader.load(InterviewFeedback, feedback)

    def placements(self, rows: list[dict], plans: list) -> None:
        """The internship each acceptance starts, moved on with its project."""
        rng, PS = self.rng, Placement.Status
        accepted = [(r, p) for r, p in zip(rows, plans, strict=True) if r["status"] == S.ACCEPTED]
        ids = self.loader.ids(Placement, len(accepted))
        placements, changes = [], []
        for pk, (row, (project, path)) in zip(ids, accepted, strict=True):
            agreed = path[-1][1]
            status, moves = PS.PREPARING, [("", PS.PREPARING, agreed, row["student_id"])]
            starts, ends = project.moments.get(P.IN_PROGRESS), project.moments.get(P.COMPLETED)
            if starts is not None:
                status = PS.ACTIVE
                moves.append((PS.PREPARING, PS.ACTIVE, starts, project.coordinator))
                if rng.random() < 0.08:
                    status, ends = PS.ENDED_EARLY, _between(rng, starts, ends or self.now)
                elif ends is not None:
                    status = PS.COMPLETED
                if ends is not None:
                    moves.append((PS.ACTIVE, status, ends, project.coordinator))
            placements.append(
                {
                    "id": pk,
                    "application_id": row["id"],
                    "status": status,
                    "starts_on": project.starts_on,
                    "ends_on": project.ends_on,
                    "ended_reason": "学業との両立が難しくなったため。"
                    if status == PS.ENDED_EARLY
                    else "",
                    "created_at": agreed,
                }
            )
            changes += [
                {
                    "placement_id": pk,
                    "actor_id": actor,
                    "from_status": source,
                    "to_status": target,
                    "note": "",
                    "created_at": moment,
                }
                for source, target, moment, actor in moves
            ]
        self.loader.load(Placement, placements)
        self.loader.load(PlacementStatusChange, changes)

    def run(self, step) -> None:
        for name in ("structure", "hosts", "students", "projects", "entries"):
            with step(name):
                getattr(self, name)()


class Command(BaseCommand):
    help = (
        "Build SYNTHETIC LOAD DATA for benchmarks: host organisations, projects, students with "
        "complete profiles and entries (with interviews, placements and status history) over "
        "the five regions and eight terms. Rows are bulk-loaded in batches (INSERT on SQLite, "
        "COPY on PostgreSQL), not made through the services: no mail, no notifications, no "
        "checks beyond the database's. Deterministic for a seed on a given day. Every account "
        f"and host has an address @{DOMAIN}; a second run refuses unless --reset deletes that "
        "data first. Never run it on a live database."
    )

    def add_arguments(self, parser):
        for name, help_text in (
            ("hosts", "host organisations"),
            ("projects", "projects"),
            ("students", "students"),
            ("entries", "entries"),
        ):
            parser.add_argument(
                f"--{name}", type=int, help=f"{help_text} ({getattr(DEFAULT, name)})"
            )
        parser.add_argument(
            "--small",
            action="store_true",
            help=f"the CI size: {SMALL.hosts}/{SMALL.projects}/{SMALL.students}/{SMALL.entries}",
        )
        parser.add_argument(
            "--reset", action="store_true", help=f"delete the @{DOMAIN} data first, then rebuild"
        )
        parser.add_argument("--seed", type=int, default=2027, help="random seed (2027)")
        parser.add_argument(
            "--batch-size", type=int, default=BATCH, help=f"rows per statement ({BATCH})"
        )

    def handle(self, *args, **options) -> None:
        base = SMALL if options["small"] else DEFAULT
        sizes = Sizes(
            **{
                name: getattr(base, name) if options[name] is None else options[name]
                for name in ("hosts", "projects", "students", "entries")
            }
        )
        if sizes.hosts < 1 or sizes.projects < 1 or sizes.students < 0 or sizes.entries < 0:
            raise CommandError("--hosts and --projects must be at least 1, the others at least 0")
        verbose = options["verbosity"] >= 2
        started = time.monotonic()

        @contextmanager
        def step(name: str):
            began = time.monotonic()
            yield
            if verbose:
                self.stdout.write(f"  {name}: {time.monotonic() - began:.1f} s")

        loader = Loader(batch=options["batch_size"])
        with transaction.atomic():
            if scale_users().exists() or scale_hosts().exists():
                if not options["reset"]:
                    raise CommandError(
                        f"Scale data (@{DOMAIN}) is already in this database; "
                        "run with --reset to delete and rebuild it."
                    )
                with step("reset"):
                    deleted = delete_scale_data()
                if verbose:
                    self.stdout.write(f"  deleted {deleted} rows")
            ScaleSeeder(sizes=sizes, seed=options["seed"], now=timezone.now(), loader=loader).run(
                step
            )
        # Bulk inserts send no signals: drop the cached public pages of an earlier run.
        invalidate_public_pages()
        if loader.postgresql:
            # Fresh statistics, as after any bulk load, so the planner knows the new sizes.
            with step("analyze"), connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"スケールデータを用意しました（{sum(loader.created.values())} 行、"
                f"{elapsed:.1f} 秒）: 受入先 {sizes.hosts}、プロジェクト {sizes.projects}、"
                f"学生 {sizes.students}、エントリー {loader.created['applicants.Application']}。"
            )
        )
        if verbose:
            for label, count in sorted(loader.created.items()):
                self.stdout.write(f"  {label}: {count}")
        self.stdout.write(f"ログイン: staff@{DOMAIN}, student0@{DOMAIN} など / {PASSWORD}")
