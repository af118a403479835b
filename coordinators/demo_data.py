"""Content tables for `manage.py seed_demo`: the regions, people, hosts and projects of the demo."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")
PASSWORD = "demo-pass-2027"  # noqa: S105 (the published demo password)
DOMAIN = "demo.jissen.jp"


@dataclass(frozen=True)
class Rel:
    """A moment relative to the day the command runs: `days` from today, at `hour` (JST).

    Used for everything that must stay "recent" or "upcoming" whenever the demo is seeded.
    """

    days: int
    hour: int = 10
    minute: int = 0


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JST)


def mail(local: str) -> str:
    return f"{local}@{DOMAIN}"


# --------------------------------------------------------------------------------------
# Regions, programme, terms, themes
# --------------------------------------------------------------------------------------

REGIONS = (
    {
        "slug": "sapporo",
        "name": "札幌",
        "name_en": "Sapporo",
        "description": "道内最大の都市。IT企業やスタートアップ、大学が集まり、"
        "道内各地の挑戦と全国の若者をつなぐ拠点になっています。",
        "description_en": "Hokkaido's largest city. IT companies, start-ups and universities "
        "gather here, and it links the challenges of every part of Hokkaido with young people "
        "from all over Japan.",
    },
    {
        "slug": "kitami",
        "name": "北見",
        "name_en": "Kitami",
        "description": "オホーツクの中核都市。玉ねぎの生産量は全国一で、"
        "かつて世界を席巻したハッカの歴史がいまも息づく農と食のまちです。",
        "description_en": "The main city of the Okhotsk coast, a town of farming and food. It "
        "grows more onions than anywhere else in Japan, and the history of its mint, which once "
        "led the world market, is still alive.",
    },
    {
        "slug": "obihiro",
        "name": "帯広",
        "name_en": "Obihiro",
        "description": "十勝平野の中心都市。酪農と畑作が支える食の産業に、"
        "新しい事業に挑む人を応援する気風が根づいています。",
        "description_en": "The centre of the Tokachi plain. Dairy farming and field crops "
        "carry its food industry, and the town has a habit of backing people who start "
        "something new.",
    },
    {
        "slug": "asahikawa",
        "name": "旭川",
        "name_en": "Asahikawa",
        "description": "道北の中心都市。旭川家具に代表される木工・ものづくりの産地で、"
        "大雪山の自然に囲まれた暮らしがあります。",
        "description_en": "The centre of northern Hokkaido. A home of woodwork and making "
        "things, known for Asahikawa furniture, with daily life surrounded by the nature of the "
        "Daisetsuzan mountains.",
    },
    {
        "slug": "hakodate",
        "name": "函館",
        "name_en": "Hakodate",
        "description": "歴史ある港町。観光と水産を軸に、西部地区の街並みや朝市といった"
        "まちの資源を生かした挑戦が次々に生まれています。",
        "description_en": "A historic port town. Around tourism and fisheries, one venture "
        "after another makes use of what the town has, such as the streets of the old western "
        "district and the morning market.",
    },
)

PROGRAM = {
    "slug": "hokkaido-challenge",
    "name": "北海道チャレンジコミュニティ 実践型インターンシップ",
    "description": (
        "北海道各地の企業・NPO・自治体と若者をつなぐ実践型インターンシップ。"
        "最短1か月、通常は半年から1年、受入先のリーダーの右腕として"
        "「未来をつくるプロジェクト」に取り組みます。夏休み・春休みのスタートが中心で、"
        "地元から週3〜4日通う人、休学して地域に住み込む人、オンラインで関わる人がいます。"
    ),
}

TERMS = (
    # The finished cohort: the completed placement and the one still running belong here.
    {
        "key": "2026-summer",
        "season": "summer",
        "year": 2026,
        "entry_opens_on": date(2026, 4, 1),
        "entry_closes_on": date(2026, 6, 30),
        "starts_on": date(2026, 8, 1),
        "ends_on": date(2027, 1, 31),
    },
    {
        "key": "2026-spring",
        "season": "spring",
        "year": 2026,
        "entry_opens_on": date(2026, 10, 1),
        "entry_closes_on": date(2026, 12, 20),
        "starts_on": date(2027, 2, 10),
        "ends_on": date(2027, 9, 30),
    },
    {
        "key": "2027-summer",
        "season": "summer",
        "year": 2027,
        "entry_opens_on": date(2027, 4, 1),
        "entry_closes_on": date(2027, 6, 30),
        "starts_on": date(2027, 8, 1),
        "ends_on": date(2028, 1, 31),
    },
    {
        "key": "2027-spring",
        "season": "spring",
        "year": 2027,
        "entry_opens_on": date(2027, 10, 1),
        "entry_closes_on": date(2027, 12, 20),
        "starts_on": date(2028, 2, 10),
        "ends_on": date(2028, 9, 30),
    },
)

THEMES = (
    ("tourism", "観光", "Tourism"),
    ("food-agriculture", "食・農業", "Food and agriculture"),
    ("community", "まちづくり", "Community development"),
    ("it-dx", "IT・DX", "IT and digital transformation"),
    ("education", "教育", "Education"),
    ("welfare", "福祉", "Welfare"),
    ("environment-energy", "環境・エネルギー", "Environment and energy"),
    ("product-development", "商品開発", "Product development"),
    ("pr", "広報・PR", "Communications and PR"),
)

# --------------------------------------------------------------------------------------
# Programme staff and regional coordinators
# --------------------------------------------------------------------------------------

STAFF = {
    "email": mail("staff"),
    "name": "高橋 由紀",
    "name_kana": "タカハシ ユキ",
}

COORDINATORS = (
    {
        "region": "sapporo",
        "email": mail("sato.misaki"),
        "name": "佐藤 美咲",
        "name_kana": "サトウ ミサキ",
        "title": "チーフコーディネーター",
        "organization": "一般社団法人 さっぽろ挑戦ラボ",
        "phone": "011-000-0101",
        "bio": "IT企業の人事を経て、道内の中小企業と学生をつなぐ仕事に。"
        "札幌のスタートアップや教育の現場で、20件以上のプロジェクトを伴走してきました。",
    },
    {
        "region": "sapporo",
        "email": mail("nakamura.daisuke"),
        "name": "中村 大輔",
        "name_kana": "ナカムラ ダイスケ",
        "title": "地域コーディネーター",
        "organization": "一般社団法人 さっぽろ挑戦ラボ",
        "phone": "011-000-0102",
        "bio": "自身も学生時代に半年間の実践型インターンシップを経験。"
        "参加する学生の相談役として、面談から振り返りまで寄り添います。",
    },
    {
        "region": "kitami",
        "email": mail("suzuki.kenta"),
        "name": "鈴木 健太",
        "name_kana": "スズキ ケンタ",
        "title": "地域コーディネーター",
        "organization": "NPO法人 オホーツク若者未来会議",
        "phone": "0157-00-0201",
        "bio": "北見生まれ。東京の商社勤務を経てUターンし、農業法人や食品メーカーの"
        "新規事業づくりを支えています。",
    },
    {
        "region": "kitami",
        "email": mail("kobayashi.aya"),
        "name": "小林 彩",
        "name_kana": "コバヤシ アヤ",
        "title": "地域コーディネーター",
        "organization": "NPO法人 オホーツク若者未来会議",
        "phone": "0157-00-0202",
        "bio": "北見工業大学の地域連携を担当した経験を生かし、"
        "大学と地域の企業・自治体の橋渡しをしています。",
    },
    {
        "region": "obihiro",
        "email": mail("takada.sho"),
        "name": "高田 翔",
        "name_kana": "タカダ ショウ",
        "title": "チーフコーディネーター",
        "organization": "一般社団法人 とかち起業支援ネット",
        "phone": "0155-00-0301",
        "bio": "十勝の起業家コミュニティの運営に10年携わり、"
        "酪農・畑作・食品加工の現場と若者をつないでいます。",
    },
    {
        "region": "obihiro",
        "email": mail("matsumoto.rie"),
        "name": "松本 理恵",
        "name_kana": "マツモト リエ",
        "title": "地域コーディネーター",
        "organization": "一般社団法人 とかち起業支援ネット",
        "phone": "0155-00-0302",
        "bio": "高校の探究学習のコーディネートが専門。"
        "十勝の学校と企業を結ぶプロジェクトを担当しています。",
    },
    {
        "region": "asahikawa",
        "email": mail("watanabe.takuya"),
        "name": "渡辺 拓也",
        "name_kana": "ワタナベ タクヤ",
        "title": "地域コーディネーター",
        "organization": "NPO法人 あさひかわ まちと若者",
        "phone": "0166-00-0401",
        "bio": "家具メーカーの営業出身。旭川のものづくりの現場を知り尽くし、"
        "職人と若者の出会いをつくっています。",
    },
    {
        "region": "asahikawa",
        "email": mail("yamaguchi.sayaka"),
        "name": "山口 さやか",
        "name_kana": "ヤマグチ サヤカ",
        "title": "地域コーディネーター",
        "organization": "NPO法人 あさひかわ まちと若者",
        "phone": "0166-00-0402",
        "bio": "子育て支援と福祉の分野で活動。自治体やNPOと一緒に、"
        "暮らしの課題から生まれるプロジェクトを育てています。",
    },
    {
        "region": "hakodate",
        "email": mail("ito.hina"),
        "name": "伊藤 陽菜",
        "name_kana": "イトウ ヒナ",
        "title": "チーフコーディネーター",
        "organization": "一般社団法人 はこだて地域連携センター",
        "phone": "0138-00-0501",
        "bio": "観光地域づくりの仕事を経て独立。函館の観光・水産事業者と"
        "道内外の学生をつなぐプロジェクトを数多く手がけています。",
    },
    {
        "region": "hakodate",
        "email": mail("kimura.yu"),
        "name": "木村 悠",
        "name_kana": "キムラ ユウ",
        "title": "地域コーディネーター",
        "organization": "一般社団法人 はこだて地域連携センター",
        "phone": "0138-00-0502",
        "bio": "公立はこだて未来大学の卒業生。ITと地域の掛け合わせで、"
        "西部地区のまちづくりや水産業のDXを支えています。",
    },
)

# --------------------------------------------------------------------------------------
# Steps 1–3 for hosts that did not become hosts (yet): leads, inquiries, intakes
# --------------------------------------------------------------------------------------

LEADS = (
    {
        "region": "sapporo",
        "organization_name": "合同会社ミライ珈琲焙煎所",
        "organization_kind": "company",
        "contact_name": "田村 健一",
        "email": mail("tamura.kenichi"),
        "phone": "011-000-1001",
        "requested": Rel(-2),
        "status": "new",
    },
    {
        "region": "obihiro",
        "organization_name": "株式会社とかちベーカリー工房",
        "organization_kind": "company",
        "contact_name": "吉川 里奈",
        "email": mail("yoshikawa.rina"),
        "phone": "0155-00-1002",
        "requested": Rel(-16),
        "status": "contacted",
        "note": "電話でご説明。来月の説明会に参加予定。",
    },
    {
        "region": "asahikawa",
        "organization_name": "ゲストハウス雪あかり",
        "organization_kind": "company",
        "contact_name": "大野 圭",
        "email": mail("ono.kei"),
        "requested": Rel(-60),
        "status": "closed",
        "note": "今年度は改装のため受け入れが難しいとのこと。来年度に再度ご連絡。",
    },
    {
        "region": "hakodate",
        "organization_name": "社会福祉法人 函館ひだまり会",
        "organization_kind": "other",
        "contact_name": "桜井 純子",
        "email": mail("sakurai.junko"),
        "phone": "0138-00-1004",
        "requested": Rel(-1),
        "status": "new",
    },
    {
        "region": "kitami",
        "organization_name": "学校法人 北見緑陵学園",
        "organization_kind": "school",
        "contact_name": "福田 修",
        "email": mail("fukuda.osamu"),
        "requested": Rel(-9),
        "status": "contacted",
        "note": "探究学習との連携に関心。資料を追加でお送りした。",
    },
)

INQUIRIES = (
    {
        "region": "kitami",
        "kind": "company",
        "organization_name": "北見中央商店街振興組合",
        "name": "横山 達也",
        "email": mail("yokoyama.tatsuya"),
        "message": "商店街の空き店舗を使った企画に学生さんと取り組めないかと考えています。"
        "受け入れまでの流れと、費用の目安を教えてください。",
        "received": Rel(-3),
        "status": "new",
    },
    {
        "region": "hakodate",
        "kind": "company",
        "organization_name": "株式会社湯の川ベイリゾート",
        "name": "内田 彩花",
        "email": mail("uchida.ayaka"),
        "message": "旅館の若女将です。海外からのお客さまが増え、英語での発信や"
        "体験プランづくりを一緒にしてくれる学生さんを探しています。",
        "received": Rel(-20),
        "status": "answered",
        "note": "面談日程を調整済み（面接は来週）。",
    },
    {
        "region": None,
        "kind": "general",
        "organization_name": "東都大学 キャリアセンター",
        "name": "平野 亮介",
        "email": mail("hirano.ryosuke"),
        "message": "本学の学生が北海道の実践型インターンシップに参加する場合、"
        "単位認定の事例があれば教えていただけますか。",
        "received": Rel(-5),
        "status": "new",
    },
)

# Intakes that ended without a host (yet); hosts themselves carry their own intake below.
INTAKES = (
    {
        "region": "hakodate",
        "organization_name": "株式会社湯の川ベイリゾート",
        "organization_kind": "company",
        "inquiry_email": mail("uchida.ayaka"),
        "contact_name": "内田 彩花",
        "contact_email": mail("uchida.ayaka"),
        "held": Rel(-4, 14),
        "coordinator": 0,
        "attendees": [
            {"name": "内田 彩花", "title": "若女将"},
            {"name": "内田 誠", "title": "代表取締役"},
        ],
        "notes": "インバウンド向け体験プランの構想あり。社内で受け入れ体制を相談中のため、"
        "結論は次回に持ち越し。",
        "outcome": "pending",
    },
    {
        "region": "asahikawa",
        "organization_name": "株式会社旭川ガラス工芸舎",
        "organization_kind": "company",
        "contact_name": "菊地 隆",
        "contact_email": mail("kikuchi.takashi"),
        "held": Rel(-35, 15),
        "coordinator": 1,
        "attendees": [{"name": "菊地 隆", "title": "工房長"}],
        "notes": "工房体験の商品化に関心は高いが、冬の繁忙期は受け入れが難しい。"
        "来年の春に改めて相談する。",
        "outcome": "hold",
    },
    {
        "region": "sapporo",
        "organization_name": "株式会社エスケー物流サービス",
        "organization_kind": "company",
        "contact_name": "岩崎 浩",
        "contact_email": mail("iwasaki.hiroshi"),
        "held": Rel(-48, 11),
        "coordinator": 1,
        "attendees": [{"name": "岩崎 浩", "title": "総務部長"}],
        "notes": "繁忙期の人手の確保が主な目的で、プロジェクト型の受け入れとは合わないため、"
        "今回は見送り。アルバイト求人の窓口をご案内した。",
        "outcome": "decline",
    },
    # A host back at step 3: its project was cancelled, and a new intake (with the new head of
    # its office) is on hold until next year's budget is known. Seeded after its projects.
    {
        "region": "asahikawa",
        "host": "taisetsu-npo",
        "organization_name": "NPO法人 大雪の森と木の学校",
        "organization_kind": "npo",
        "contact_name": "村井 沙織",
        "contact_email": mail("murai.saori"),
        "held": Rel(-12, 13),
        "coordinator": 1,
        "attendees": [
            {"name": "青木 大地", "title": "代表理事"},
            {"name": "村井 沙織", "title": "事務局長"},
        ],
        "notes": "中止した薪のプロジェクトを、町の補助に頼らない形で組み直したいとのこと。"
        "新任の事務局長が窓口になる。来年度の予算の見通しが立つ3月に改めて判断する。",
        "outcome": "hold",
    },
)

# --------------------------------------------------------------------------------------
# Host organisations (each came through an intake interview that ended in "proceed")
# --------------------------------------------------------------------------------------

HOSTS = (
    {
        "key": "northlink",
        "region": "sapporo",
        "name": "株式会社ノースリンク",
        "name_kana": "ノースリンク",
        "kind": "company",
        "industry": "ソフトウェア開発",
        "size": "10-49",
        "address": "札幌市中央区北2条西3丁目",
        "description": "道内の農家・漁業者と飲食店をつなぐ受発注アプリを開発する"
        "札幌のスタートアップ。",
        "lead": {
            "requested": Rel(-120),
            "status": "converted",
            "phone": "011-000-2001",
        },
        "inquiry": {
            "kind": "company",
            "message": "パンフレットを拝見しました。アプリの改善を一緒に進めてくれる学生と"
            "出会いたいです。どのように始めればよいでしょうか。",
            "received": Rel(-108),
            "status": "closed",
        },
        "intake": {
            "held": Rel(-100, 14),
            "coordinator": 0,
            "notes": "生産者の登録を増やすことが事業の鍵。学生には現場のヒアリングから"
            "機能の企画まで任せたいとのこと。代表が直接メンターを担う。",
        },
        "members": (
            {
                "email": mail("okada.naoki"),
                "name": "岡田 直樹",
                "name_kana": "オカダ ナオキ",
                "role": "owner",
                "title": "代表取締役",
            },
            {
                "email": mail("mori.chihiro"),
                "name": "森 千尋",
                "name_kana": "モリ チヒロ",
                "role": "member",
                "title": "プロダクトマネージャー",
            },
        ),
    },
    {
        "key": "kodomo-lab",
        "region": "sapporo",
        "name": "NPO法人 さっぽろ子ども未来ラボ",
        "name_kana": "サッポロコドモミライラボ",
        "kind": "npo",
        "industry": "教育",
        "size": "1-9",
        "address": "札幌市東区北15条東7丁目",
        "description": "小学生向けの放課後ものづくり・プログラミング教室を運営するNPO。",
        "intake": {
            "held": at(2026, 1, 22, 15),
            "coordinator": 1,
            "notes": "講座を増やしたいが担い手が足りない。学生に講座運営の責任者を"
            "任せる形で設計する。",
        },
        "members": (
            {
                "email": mail("ishikawa.megumi"),
                "name": "石川 恵",
                "name_kana": "イシカワ メグミ",
                "role": "owner",
                "title": "理事長",
            },
        ),
    },
    {
        "key": "startup-base",
        "region": "sapporo",
        "name": "一般社団法人 札幌スタートアップベース",
        "name_kana": "サッポロスタートアップベース",
        "kind": "other",
        "industry": "起業支援",
        "size": "1-9",
        "address": "札幌市北区北7条西4丁目",
        "description": "学生や若手の起業を支えるコワーキングとイベントの運営団体。",
        "intake": {
            "held": Rel(-25, 16),
            "coordinator": 0,
            "notes": "ピッチイベントの企画運営を学生と。まずは来夏のプロジェクトを下書き中。",
        },
        "members": (
            {
                "email": mail("fujita.hayato"),
                "name": "藤田 隼人",
                "name_kana": "フジタ ハヤト",
                "role": "owner",
                "title": "事務局長",
            },
        ),
    },
    {
        "key": "jozankei-ryokan",
        "region": "sapporo",
        "name": "株式会社定山渓ゆのさと",
        "name_kana": "ジョウザンケイユノサト",
        "kind": "company",
        "industry": "旅館業",
        "size": "50-299",
        "address": "札幌市南区定山渓温泉東3丁目",
        "description": "札幌の奥座敷・定山渓温泉で創業70年の旅館。地元の食材を使った会席と、"
        "日帰り入浴が評判。",
        "inquiry": {
            "kind": "company",
            "message": "冬の平日の稼働を上げるため、海外のご家族向けの滞在プランを考えています。"
            "学生さんに企画から入ってもらうことはできますか。",
            "received": Rel(-90),
            "status": "closed",
        },
        "intake": {
            "held": Rel(-82, 15),
            "coordinator": 1,
            "notes": "女将と営業部長が同席。冬の平日の集客が課題。学生には海外のご家族向けの"
            "3泊プランの企画と英語での発信を任せたい。従業員寮に住み込みで受け入れられる。",
        },
        "members": (
            {
                "email": mail("sakamoto.yukie"),
                "name": "坂本 雪江",
                "name_kana": "サカモト ユキエ",
                "role": "owner",
                "title": "女将",
            },
            {
                "email": mail("kudo.shingo"),
                "name": "工藤 慎吾",
                "name_kana": "クドウ シンゴ",
                "role": "member",
                "title": "営業部長",
            },
        ),
    },
    {
        "key": "hakka-kobo",
        "region": "kitami",
        "name": "株式会社北見ハッカ工房",
        "name_kana": "キタミハッカコウボウ",
        "kind": "company",
        "industry": "食品・雑貨製造",
        "size": "10-49",
        "address": "北見市中央三輪3丁目",
        "description": "北見産ハッカを使ったハッカ油・飴・雑貨をつくる工房と直営店。",
        "intake": {
            "held": Rel(-90, 10),
            "coordinator": 0,
            "notes": "若い旅行者向けの新商品をつくりたい。住み込みでの受け入れが可能。",
        },
        "members": (
            {
                "email": mail("sugawara.kazuko"),
                "name": "菅原 和子",
                "name_kana": "スガワラ カズコ",
                "role": "owner",
                "title": "代表取締役",
            },
            {
                "email": mail("imai.ryo"),
                "name": "今井 亮",
                "name_kana": "イマイ リョウ",
                "role": "member",
                "title": "企画開発部長",
            },
        ),
    },
    {
        "key": "okhotsk-onion",
        "region": "kitami",
        "name": "有限会社オホーツク玉ねぎ農園",
        "name_kana": "オホーツクタマネギノウエン",
        "kind": "company",
        "industry": "農業・食品加工",
        "size": "10-49",
        "address": "北見市端野町二区",
        "description": "玉ねぎを中心に40haを耕作する農業法人。加工場を持ち、6次化に挑戦中。",
        "lead": {
            "requested": at(2025, 12, 1),
            "status": "converted",
            "phone": "0157-00-2002",
        },
        "inquiry": {
            "kind": "company",
            "message": "規格外の玉ねぎを加工品にしたいと考えています。学生さんと一緒に"
            "取り組めるでしょうか。",
            "received": at(2025, 12, 13),
            "status": "closed",
        },
        "intake": {
            "held": at(2026, 1, 15, 13),
            "coordinator": 0,
            "notes": "加工場はあるが商品づくりに手が回っていない。夏の3か月、"
            "住み込みでの受け入れを希望。",
        },
        "members": (
            {
                "email": mail("nishimura.makoto"),
                "name": "西村 誠",
                "name_kana": "ニシムラ マコト",
                "role": "owner",
                "title": "代表取締役",
            },
            {
                "email": mail("nishimura.yumi"),
                "name": "西村 由美",
                "name_kana": "ニシムラ ユミ",
                "role": "member",
                "title": "加工部門リーダー",
            },
        ),
    },
    {
        "key": "kitami-city",
        "region": "kitami",
        "name": "北見市 移住定住推進課",
        "name_kana": "キタミシ イジュウテイジュウスイシンカ",
        "kind": "municipality",
        "industry": "行政",
        "size": "300+",
        "address": "北見市大通西2丁目",
        "description": "移住相談窓口と移住体験住宅を運営する市の担当課。",
        "intake": {
            "held": Rel(-70, 10),
            "coordinator": 1,
            "notes": "移住体験ツアーを学生目線で組み立てたい。成果の置き方は要相談。",
        },
        "members": (
            {
                "email": mail("hasegawa.seiichi"),
                "name": "長谷川 誠一",
                "name_kana": "ハセガワ セイイチ",
                "role": "owner",
                "title": "係長",
            },
        ),
    },
    {
        "key": "shiawase-farm",
        "region": "obihiro",
        "name": "株式会社十勝しあわせ牧場",
        "name_kana": "トカチシアワセボクジョウ",
        "kind": "company",
        "industry": "酪農・乳製品製造",
        "size": "10-49",
        "address": "帯広市川西町基線",
        "description": "放牧酪農と自家製チーズ工房を営む家族経営の牧場。",
        "intake": {
            "held": Rel(-80, 14),
            "coordinator": 0,
            "notes": "工房見学とオンライン販売でファンを増やしたい。住み込み可、まかない付き。",
        },
        "members": (
            {
                "email": mail("maeda.ken"),
                "name": "前田 健",
                "name_kana": "マエダ ケン",
                "role": "owner",
                "title": "代表取締役",
            },
            {
                "email": mail("maeda.haruka"),
                "name": "前田 春香",
                "name_kana": "マエダ ハルカ",
                "role": "member",
                "title": "チーズ工房長",
            },
        ),
    },
    {
        "key": "tokachi-mirai-hs",
        "region": "obihiro",
        "name": "学校法人 十勝みらい学園 高等学校",
        "name_kana": "トカチミライガクエン コウトウガッコウ",
        "kind": "school",
        "industry": "教育",
        "size": "50-299",
        "address": "帯広市西19条南3丁目",
        "description": "探究学習に力を入れる帯広の私立高校。",
        "intake": {
            "held": Rel(-40, 16),
            "coordinator": 1,
            "notes": "探究学習で地域との接点を増やしたい。学生には生徒と地域をつなぐ役を期待。",
        },
        "members": (
            {
                "email": mail("okamoto.satoshi"),
                "name": "岡本 聡",
                "name_kana": "オカモト サトシ",
                "role": "owner",
                "title": "探究学習担当教諭",
            },
        ),
    },
    {
        "key": "tokachi-beans",
        "region": "obihiro",
        "name": "一般社団法人 とかち豆のみらい協議会",
        "name_kana": "トカチマメノミライキョウギカイ",
        "kind": "other",
        "industry": "農業・食品",
        "size": "1-9",
        "address": "帯広市西2条南10丁目",
        "description": "十勝の豆農家・菓子店・商社でつくる、豆の魅力を伝える協議会。",
        "intake": {
            "held": Rel(-75, 13),
            "coordinator": 0,
            "notes": "菓子店との共同開発に学生を。協議会の事務局長がメンター。",
        },
        "members": (
            {
                "email": mail("harada.tomoko"),
                "name": "原田 智子",
                "name_kana": "ハラダ トモコ",
                "role": "owner",
                "title": "事務局長",
            },
        ),
    },
    {
        "key": "craft-north",
        "region": "asahikawa",
        "name": "株式会社クラフトノース旭川",
        "name_kana": "クラフトノースアサヒカワ",
        "kind": "company",
        "industry": "家具製造",
        "size": "50-299",
        "address": "旭川市永山2条",
        "description": "無垢材の椅子とテーブルをつくる家具メーカー。職人30名の工房を持つ。",
        "intake": {
            "held": Rel(-60, 10),
            "coordinator": 0,
            "notes": "海外展示会の反響を販売につなげたい。英語ができる学生、"
            "オンライン中心での参加も可。",
        },
        "members": (
            {
                "email": mail("murakami.koji"),
                "name": "村上 浩二",
                "name_kana": "ムラカミ コウジ",
                "role": "owner",
                "title": "代表取締役",
            },
            {
                "email": mail("oliver.grant"),
                "name": "Oliver Grant",
                "name_kana": "オリバー グラント",
                "language": "en",
                "role": "member",
                "title": "海外営業マネージャー",
            },
        ),
    },
    {
        "key": "asahikawa-city",
        "region": "asahikawa",
        "name": "旭川市 ものづくり振興課",
        "name_kana": "アサヒカワシ モノヅクリシンコウカ",
        "kind": "municipality",
        "industry": "行政",
        "size": "300+",
        "address": "旭川市7条通9丁目",
        "description": "木工・家具産業の振興と、ものづくりを生かしたまちづくりを担う市の担当課。",
        "intake": {
            "held": Rel(-55, 14),
            "coordinator": 1,
            "notes": "木のおもちゃで子育て世代を呼び込む構想。市内工房との連携を前提に設計。",
        },
        "members": (
            {
                "email": mail("kondo.mari"),
                "name": "近藤 真理",
                "name_kana": "コンドウ マリ",
                "role": "owner",
                "title": "主査",
            },
        ),
    },
    {
        "key": "taisetsu-npo",
        "region": "asahikawa",
        "name": "NPO法人 大雪の森と木の学校",
        "name_kana": "タイセツノモリトキノガッコウ",
        "kind": "npo",
        "industry": "森林保全・環境教育",
        "size": "1-9",
        "address": "上川郡東川町西町",
        "description": "森の手入れと木育のプログラムを行うNPO。",
        "intake": {
            "held": Rel(-65, 10),
            "coordinator": 1,
            "notes": "間伐材の薪利用の仕組みづくり。連携事業の予算次第。",
        },
        "members": (
            {
                "email": mail("aoki.daichi"),
                "name": "青木 大地",
                "name_kana": "アオキ ダイチ",
                "role": "owner",
                "title": "代表理事",
            },
        ),
    },
    {
        "key": "bay-suisan",
        "region": "hakodate",
        "name": "株式会社函館ベイ水産",
        "name_kana": "ハコダテベイスイサン",
        "kind": "company",
        "industry": "水産加工・小売",
        "size": "50-299",
        "address": "函館市若松町9番",
        "description": "函館朝市に店を構えて60年の水産会社。加工場とオンラインショップを持つ。",
        "lead": {
            "requested": Rel(-95),
            "status": "converted",
            "phone": "0138-00-2003",
        },
        "inquiry": {
            "kind": "company",
            "message": "オンライン直販を強化したく、若い方の力を借りたいと考えています。"
            "詳しいお話を伺えますか。",
            "received": Rel(-83),
            "status": "closed",
        },
        "intake": {
            "held": Rel(-80, 10),
            "coordinator": 0,
            "notes": "イカの不漁で店頭販売が落ち込み、オンラインを柱にしたい。専務が直接メンター。",
        },
        "members": (
            {
                "email": mail("sakamoto.yuki"),
                "name": "坂本 勇気",
                "name_kana": "サカモト ユウキ",
                "role": "owner",
                "title": "専務取締役",
            },
            {
                "email": mail("sakamoto.mai"),
                "name": "坂本 舞",
                "name_kana": "サカモト マイ",
                "role": "member",
                "title": "EC担当",
            },
        ),
    },
    {
        "key": "seibu-machi",
        "region": "hakodate",
        "name": "NPO法人 はこだて西部まちそだてネット",
        "name_kana": "ハコダテセイブマチソダテネット",
        "kind": "npo",
        "industry": "まちづくり",
        "size": "1-9",
        "address": "函館市元町14番",
        "description": "西部地区の空き家・古民家の再生に取り組むNPO。",
        "intake": {
            "held": Rel(-70, 15),
            "coordinator": 1,
            "notes": "古民家ゲストハウスの開業準備。住み込みで運営を担える学生を希望。",
        },
        "members": (
            {
                "email": mail("kawaguchi.aki"),
                "name": "川口 亜希",
                "name_kana": "カワグチ アキ",
                "role": "owner",
                "title": "理事",
            },
        ),
    },
)

# --------------------------------------------------------------------------------------
# Students
# --------------------------------------------------------------------------------------


def _profile(**fields) -> dict:
    return {
        "leave_of_absence": "no",
        "can_commute": False,
        "commute_days_per_week": None,
        "can_reside": False,
        "can_work_remotely": True,
        "portfolio_url": "",
        **fields,
    }


STUDENTS = (
    {
        "key": "yamamoto",
        "email": mail("yamamoto.aoi"),
        "name": "山本 葵",
        "name_kana": "ヤマモト アオイ",
        "profile": _profile(
            university="北海道大学",
            faculty="教育学部",
            year=3,
            graduation_year=2028,
            hometown="北海道旭川市",
            current_residence="札幌市北区",
            phone="090-0000-3001",
            can_commute=True,
            commute_days_per_week=3,
            skills="子ども向けワークショップの運営、Scratch、イラスト",
            bio="学童保育のアルバイトで、子どもが夢中になる瞬間に立ち会うのが好きになりました。"
            "学びの場を自分の手でつくる経験がしたいです。",
        ),
    },
    {
        "key": "kato",
        "email": mail("kato.ren"),
        "name": "加藤 蓮",
        "name_kana": "カトウ レン",
        "profile": _profile(
            university="北海道大学",
            faculty="工学部",
            year=2,
            graduation_year=2029,
            hometown="北海道札幌市",
            current_residence="札幌市東区",
            phone="090-0000-3002",
            can_commute=True,
            commute_days_per_week=3,
            skills="Python、電子工作（Arduino）",
            bio="ロボットづくりのサークルで活動しています。ものづくりの楽しさを"
            "子どもたちに伝えたいです。",
        ),
    },
    {
        "key": "yoshida",
        "email": mail("yoshida.mitsuki"),
        "name": "吉田 美月",
        "name_kana": "ヨシダ ミツキ",
        "profile": _profile(
            university="立命館大学",
            faculty="食マネジメント学部",
            year=4,
            graduation_year=2028,
            hometown="京都府京都市",
            current_residence="京都府京都市",
            phone="090-0000-3003",
            leave_of_absence="planned",
            can_reside=True,
            skills="商品企画、原価計算、Canva、食品衛生責任者",
            bio="食品ロスを減らす仕組みに関心があり、生産の現場で商品づくりに挑戦したくて"
            "1年間休学しました。",
            portfolio_url="https://portfolio.demo.jissen.jp/yoshida-mitsuki",
        ),
    },
    {
        "key": "inoue",
        "email": mail("inoue.riku"),
        "name": "井上 陸",
        "name_kana": "イノウエ リク",
        "profile": _profile(
            university="北見工業大学",
            faculty="工学部 地球環境工学科",
            year=3,
            graduation_year=2028,
            hometown="北海道北見市",
            current_residence="北見市",
            phone="090-0000-3004",
            can_commute=True,
            commute_days_per_week=4,
            skills="データ分析（Excel、R）、普通自動車免許",
            bio="実家が農家で、地元の農業を盛り上げる仕事に関わりたいと考えています。",
        ),
    },
    {
        "key": "shimizu",
        "email": mail("shimizu.hikari"),
        "name": "清水 ひかり",
        "name_kana": "シミズ ヒカリ",
        "profile": _profile(
            university="帯広畜産大学",
            faculty="畜産科学課程",
            year=3,
            graduation_year=2028,
            hometown="北海道函館市",
            current_residence="帯広市",
            phone="090-0000-3005",
            can_commute=True,
            commute_days_per_week=4,
            skills="食品加工実習、菓子製造のアルバイト経験、写真",
            bio="十勝の農産物の価値を、食べる人に届く形にしたいと思っています。",
        ),
    },
    {
        "key": "yamazaki",
        "email": mail("yamazaki.yuto"),
        "name": "山崎 悠斗",
        "name_kana": "ヤマザキ ユウト",
        "profile": _profile(
            university="小樽商科大学",
            faculty="商学部 企業法学科",
            year=2,
            graduation_year=2029,
            hometown="北海道小樽市",
            current_residence="小樽市",
            phone="090-0000-3006",
            can_commute=True,
            commute_days_per_week=2,
            skills="営業アルバイト、簿記2級",
            bio="起業に関心があり、スタートアップの現場で事業が伸びる瞬間を見てみたいです。",
        ),
    },
    {
        "key": "morita",
        "email": mail("morita.yui"),
        "name": "森田 結衣",
        "name_kana": "モリタ ユイ",
        "profile": _profile(
            university="小樽商科大学",
            faculty="商学部 商学科",
            year=3,
            graduation_year=2028,
            hometown="北海道岩見沢市",
            current_residence="札幌市手稲区",
            phone="090-0000-3007",
            can_commute=True,
            commute_days_per_week=3,
            skills="マーケティングリサーチ、SNS運用、Figma",
            bio="ゼミで地元の飲食店の集客を調査しました。データと現場の声の両方から"
            "サービスを良くする仕事がしたいです。",
        ),
    },
    {
        "key": "ikeda",
        "email": mail("ikeda.sota"),
        "name": "池田 颯太",
        "name_kana": "イケダ ソウタ",
        "profile": _profile(
            university="公立はこだて未来大学",
            faculty="システム情報科学部 情報アーキテクチャ学科",
            year=3,
            graduation_year=2028,
            hometown="北海道函館市",
            current_residence="函館市",
            phone="090-0000-3008",
            can_commute=True,
            commute_days_per_week=4,
            skills="Webアプリ開発（TypeScript、Django）、UIデザイン",
            bio="アプリを作って終わりではなく、使う人の現場に出て改善するところまで"
            "やってみたいです。",
            portfolio_url="https://portfolio.demo.jissen.jp/ikeda-sota",
        ),
    },
    {
        "key": "hashimoto",
        "email": mail("hashimoto.mei"),
        "name": "橋本 芽衣",
        "name_kana": "ハシモト メイ",
        "profile": _profile(
            university="東北大学",
            faculty="経済学部",
            year=3,
            graduation_year=2028,
            hometown="宮城県仙台市",
            current_residence="宮城県仙台市",
            phone="090-0000-3009",
            leave_of_absence="considering",
            can_reside=True,
            skills="商品企画コンテスト入賞、Illustrator",
            bio="地方の小さな会社が全国に知られていく過程に関わりたいと思い、"
            "住み込みで挑戦できる場所を探しています。",
        ),
    },
    {
        "key": "lindqvist",
        "email": mail("emma.lindqvist"),
        "name": "Emma Lindqvist",
        "name_kana": "エマ リンドクヴィスト",
        "language": "en",
        "profile": _profile(
            university="北海道大学",
            faculty="現代日本学プログラム（交換留学）",
            year=3,
            graduation_year=2028,
            hometown="スウェーデン ヨーテボリ",
            current_residence="札幌市北区",
            phone="090-0000-3010",
            skills="English (native level), Swedish, Japanese (JLPT N2), Shopify, photography",
            bio="I study Japanese design and want to help Hokkaido craftspeople reach homes "
            "in Europe. 北欧の家具文化と旭川の木工をつなぎたいです。",
        ),
    },
    {
        "key": "abe",
        "email": mail("abe.takumi"),
        "name": "阿部 拓海",
        "name_kana": "アベ タクミ",
        "profile": _profile(
            university="北見工業大学",
            faculty="工学部 地域未来デザイン工学科",
            year=2,
            graduation_year=2029,
            hometown="北海道網走市",
            current_residence="北見市",
            phone="090-0000-3011",
            can_commute=True,
            commute_days_per_week=3,
            can_reside=True,
            skills="3Dモデリング、動画編集",
            bio="オホーツクの魅力を、自分の手でつくったもので伝えたいです。",
        ),
    },
    {
        "key": "nakajima",
        "email": mail("nakajima.sakura"),
        "name": "中島 さくら",
        "name_kana": "ナカジマ サクラ",
        "profile": _profile(
            university="旭川市立大学",
            faculty="経済学部",
            year=2,
            graduation_year=2029,
            hometown="北海道旭川市",
            current_residence="旭川市",
            phone="090-0000-3012",
            can_commute=True,
            commute_days_per_week=3,
            skills="英語（TOEIC 800）、ECサイト運営のアルバイト",
            bio="旭川の家具が大好きです。地元の産業を海外に広げる仕事に挑戦したいです。",
        ),
    },
    {
        "key": "ogawa",
        "email": mail("ogawa.kaito"),
        "name": "小川 海斗",
        "name_kana": "オガワ カイト",
        "profile": _profile(
            university="早稲田大学",
            faculty="文化構想学部",
            year=3,
            graduation_year=2028,
            hometown="東京都世田谷区",
            current_residence="東京都新宿区",
            phone="090-0000-3013",
            leave_of_absence="considering",
            can_reside=True,
            skills="ライティング、観光ガイドのアルバイト",
            bio="旅行で訪れた北海道の小さな町が忘れられず、地域で働く経験を探しています。",
        ),
    },
    {
        "key": "fujii",
        "email": mail("fujii.nanami"),
        "name": "藤井 七海",
        "name_kana": "フジイ ナナミ",
        "profile": _profile(
            university="慶應義塾大学",
            faculty="総合政策学部",
            year=2,
            graduation_year=2029,
            hometown="神奈川県藤沢市",
            current_residence="神奈川県藤沢市",
            phone="090-0000-3014",
            leave_of_absence="considering",
            can_reside=True,
            skills="フィールドワーク、インタビュー記事の執筆",
            bio="食と農の現場に入り、つくる人の思いを伝える仕事をしてみたいです。",
        ),
    },
    {
        "key": "matsuda",
        "email": mail("matsuda.kotaro"),
        "name": "松田 光太郎",
        "name_kana": "マツダ コウタロウ",
        "profile": _profile(
            university="帯広畜産大学",
            faculty="畜産科学課程",
            year=2,
            graduation_year=2029,
            hometown="北海道帯広市",
            current_residence="帯広市",
            phone="090-0000-3015",
            can_commute=True,
            commute_days_per_week=4,
            can_reside=True,
            skills="搾乳実習、牧場アルバイト",
            bio="酪農の現場で働きながら、牧場の価値を伝える方法を学びたいです。",
        ),
    },
    {
        "key": "nomura",
        "email": mail("nomura.rin"),
        "name": "野村 凜",
        "name_kana": "ノムラ リン",
        "profile": _profile(
            university="筑波大学",
            faculty="生命環境学群 生物資源学類",
            year=3,
            graduation_year=2028,
            hometown="茨城県つくば市",
            current_residence="茨城県つくば市",
            phone="090-0000-3016",
            leave_of_absence="planned",
            can_reside=True,
            skills="チーズ製造の研究、英語",
            bio="乳製品の研究をしています。来年度は休学し、つくる現場に身を置きたいです。",
        ),
    },
    {
        "key": "sasaki",
        "email": mail("sasaki.haruto"),
        "name": "佐々木 陽翔",
        "name_kana": "ササキ ハルト",
        "profile": _profile(
            university="公立はこだて未来大学",
            faculty="システム情報科学部 複雑系知能学科",
            year=2,
            graduation_year=2029,
            hometown="青森県青森市",
            current_residence="函館市",
            phone="090-0000-3017",
            can_commute=True,
            commute_days_per_week=4,
            skills="写真・動画撮影、データ分析",
            bio="函館の朝市の雰囲気が好きです。水産業の発信をデータと写真で手伝いたいです。",
        ),
    },
)

# --------------------------------------------------------------------------------------
# Surveys (アンケート) sent when a placement completes
# --------------------------------------------------------------------------------------

SURVEYS = (
    {
        "key": "student",
        "title": "実践型インターンシップ 参加学生アンケート",
        "audience": "student",
        "introduction": "プロジェクトを終えた皆さんに、経験の振り返りと、"
        "次の参加者のためのご意見を伺います（5分ほど）。",
        "questions": (
            {"kind": "rating", "text": "プロジェクト全体の満足度を教えてください。"},
            {"kind": "rating", "text": "受入先からのサポートは十分でしたか。"},
            {
                "kind": "choice",
                "text": "これからも受入先の地域と関わりたいですか。",
                "choices": ["ぜひ関わりたい", "機会があれば関わりたい", "特に考えていない"],
            },
            {"kind": "text", "text": "あなたが生み出した一番の成果は何ですか。"},
            {
                "kind": "text",
                "text": "これから参加する人へのメッセージをお願いします。",
                "required": False,
            },
        ),
    },
    {
        "key": "host",
        "title": "実践型インターンシップ 受入先アンケート",
        "audience": "host",
        "introduction": "インターン生の受け入れを終えた受入先の皆さまに、"
        "成果と次のプロジェクトについて伺います。",
        "questions": (
            {
                "kind": "rating",
                "text": "インターン生はプロジェクトの成果にどの程度貢献しましたか。",
            },
            {
                "kind": "choice",
                "text": "次のプロジェクトの予定はありますか。",
                "choices": ["すでに計画している", "検討している", "今のところ予定はない"],
            },
            {"kind": "text", "text": "受け入れによって組織に生まれた変化を教えてください。"},
            {
                "kind": "text",
                "text": "コーディネーターへのご意見・ご要望があればお書きください。",
                "required": False,
            },
        ),
    },
)

# --------------------------------------------------------------------------------------
# Projects and what happens to them. Every status comes from the services; the `status`
# here is the target the command walks each project to.
# --------------------------------------------------------------------------------------

PROJECTS = (
    {
        "key": "northlink-app",
        "host": "northlink",
        "term": "2027-summer",
        "status": "published",
        "published": Rel(-18),
        "title": "生産者と飲食店をつなぐ受発注アプリを、現場の声で育てる",
        "summary": "道内の農家・漁業者と札幌の飲食店をつなぐ受発注アプリ。"
        "使う人の声を集め、次の機能を一緒につくります。",
        "vision": "朝とれた野菜や魚が、その日のうちに札幌の厨房に届く。生産者が自分で値段を決め、"
        "料理人が産地を指名して買える——そんな北海道の食の流通を、"
        "小さな会社のアプリから当たり前にしていきます。",
        "challenge": "飲食店の利用は約120軒まで増えましたが、生産者の登録が伸び悩んでいます。"
        "スマートフォンに不慣れな生産者でも迷わず出品でき、使い続けたくなる理由を"
        "まだつくり切れていません。",
        "intern_role": "プロダクトチームの一員として、生産者と飲食店を訪ねて声を集め、"
        "改善案を画面の試作まで落とし込みます。自分で企画した機能を、"
        "エンジニアと一緒にリリースするところまで担当します。",
        "outcomes": "・生産者30軒へのヒアリングと課題マップ\n"
        "・出品画面の改善案の試作と、リリース後の利用データによる検証\n"
        "・新規登録の生産者 20 軒",
        "duration_months": 6,
        "starts_on": date(2027, 8, 1),
        "ends_on": date(2028, 1, 31),
        "participation_style": "hybrid",
        "commute_days_per_week": 2,
        "location": "札幌市中央区（週2日出社、ほかはオンライン）",
        "housing_support": "札幌近郊から通える方を想定しています。"
        "道外の方には、集中滞在の期間のマンスリーマンション代を一部補助します。",
        "travel_support": "道内の生産者を訪ねる交通費は全額支給します。",
        "stipend": "月5万円（活動支援金）",
        "capacity": 2,
        "pre_assignment_brief": "普段使っているアプリを1つ選び、「もっと使いやすくなる」と思う点を"
        "3つ、画面のスケッチ付きでまとめてください（A4で2枚まで）。",
        "entry_deadline": at(2027, 6, 30, 23, 59),
        "themes": ("it-dx", "food-agriculture"),
    },
    {
        "key": "kodomo-steam",
        "host": "kodomo-lab",
        "term": "2026-summer",
        "status": "in_progress",
        "historical": True,
        "timeline": {
            "created": at(2026, 2, 10),
            "submit": at(2026, 2, 20),
            "approve": at(2026, 2, 27),
            "publish": at(2026, 3, 5),
            "close": at(2026, 6, 30, 23, 59),
            "start": at(2026, 8, 1, 9),
        },
        "title": "放課後のSTEAMラボを、学生の手で運営できる形にする",
        "summary": "札幌市東区の小学生が通う放課後ラボ。ものづくりとプログラミングの講座を、"
        "学生が企画・運営できる仕組みにします。",
        "vision": "どの家庭に生まれても、放課後に「つくる楽しさ」に出会える街。"
        "大学生が子どもたちの身近なロールモデルになり、地域の中で学びがめぐる札幌をつくります。",
        "challenge": "講座は代表と数名のボランティアが支えていて、開催回数を増やせずにいます。"
        "企画から講師の育成までを、続けられる形に整える必要があります。",
        "intern_role": "講座プログラムの責任者として、半年分のカリキュラムを設計し、"
        "大学生講師のチームを集めて育てます。保護者向けの発表会の企画・運営も任せます。",
        "outcomes": "・半年分の講座カリキュラム（24回）と教材一式\n"
        "・大学生講師チーム10名の立ち上げ\n"
        "・参加する子どもの数 月40名→80名",
        "duration_months": 6,
        "starts_on": date(2026, 8, 1),
        "ends_on": date(2027, 1, 31),
        "participation_style": "commute",
        "commute_days_per_week": 3,
        "location": "札幌市東区（地下鉄東豊線 元町駅から徒歩5分）",
        "housing_support": "札幌市内から通える方を想定しています。",
        "travel_support": "通所の交通費を月2万円まで支給します。",
        "stipend": "月3万円（活動支援金）",
        "capacity": 2,
        "pre_assignment_brief": "子どもの頃に夢中になった「つくる」体験を1つ挙げ、"
        "それをいまの小学生向けの90分講座にするなら、どう組み立てるか構成案をまとめてください。",
        "entry_deadline": at(2026, 6, 30, 23, 59),
        "themes": ("education", "community"),
    },
    {
        "key": "startup-pitch",
        "host": "startup-base",
        "term": "2027-summer",
        "status": "draft",
        "title": "学生起業家が集まるピッチイベントを、ゼロから企画する",
        "summary": "道内の学生起業家と投資家・企業をつなぐピッチイベントを、"
        "企画から集客まで担います。",
        "vision": "北海道で生まれたアイデアが、北海道から世界に挑戦できる。"
        "学生が起業を身近な選択肢として語り合える札幌をつくります。",
        "challenge": "イベントの開催経験はあるものの、参加する学生の顔ぶれが固定しています。",
        "intern_role": "イベントのプロデューサーとして、テーマ設定、登壇者の発掘、集客を担います。",
        "outcomes": "・ピッチイベントの開催（登壇10組、来場150名）",
        "duration_months": 4,
        "starts_on": date(2027, 8, 1),
        "ends_on": date(2027, 11, 30),
        "participation_style": "hybrid",
        "commute_days_per_week": 2,
        "location": "札幌市北区（コワーキングスペース）",
        "stipend": "月3万円",
        "capacity": 2,
        "themes": ("it-dx", "pr"),
    },
    {
        "key": "hakka-souvenir",
        "host": "hakka-kobo",
        "term": "2027-summer",
        "status": "published",
        "published": Rel(-30),
        "title": "ハッカの香りで北見を旅する、新しいお土産をつくる",
        "summary": "かつて世界の生産量の大半を占めた北見のハッカ。その物語を伝えるお土産を、"
        "商品企画から店頭に並ぶまで手がけます。",
        "vision": "「北見といえばハッカ」と旅行者が語り、香りとともにまちの歴史を持ち帰る。"
        "ハッカを入口に、北見を訪れる人、関わり続ける人を増やしていきます。",
        "challenge": "ハッカ油やハッカ飴は地元の定番ですが、若い旅行者や道外の方との接点が少なく、"
        "売上の多くを地元のお客さまに頼っています。",
        "intern_role": "新商品の企画責任者として、旅行者への調査、試作、デザイン会社とのやりとり、"
        "販売テストまでを担当します。",
        "outcomes": "・若い旅行者向けの新しいお土産1品の商品化\n"
        "・道の駅と市内ホテルでの販売テスト（3か月）\n"
        "・商品の物語を伝える店頭ツール一式",
        "duration_months": 6,
        "starts_on": date(2027, 8, 1),
        "ends_on": date(2028, 1, 31),
        "participation_style": "residential",
        "location": "北見市（市内の工房と直営店）",
        "housing_support": "社員寮（個室・家具家電付き）を無償で用意します。",
        "travel_support": "北見までの往復交通費を支給します（上限5万円）。",
        "stipend": "月8万円（生活支援金）",
        "capacity": 1,
        "pre_assignment_brief": "北見を訪れたことがない友人に「北見のハッカ」を紹介する投稿を"
        "1つつくってください（文章と画像、形式は自由）。",
        "entry_deadline": at(2027, 6, 30, 23, 59),
        "themes": ("product-development", "tourism"),
    },
    {
        "key": "onion-brand",
        "host": "okhotsk-onion",
        "term": "2026-summer",
        "status": "completed",
        "historical": True,
        "timeline": {
            "created": at(2026, 2, 20),
            "submit": at(2026, 3, 2),
            "approve": at(2026, 3, 9),
            "publish": at(2026, 3, 16),
            "close": at(2026, 6, 30, 23, 59),
            "start": at(2026, 8, 1, 9),
            "complete": at(2026, 10, 31, 17),
        },
        "title": "規格外の玉ねぎから、加工品ブランドを立ち上げる",
        "summary": "形や大きさで出荷できない玉ねぎを、ドレッシングやスープの素に。"
        "農園の加工品ブランドを一緒に立ち上げます。",
        "vision": "畑でとれたものを一つも無駄にしない農業。玉ねぎの産地・北見から、"
        "規格外品が「選ばれる商品」に生まれ変わる仕組みをつくり、"
        "次の世代が継ぎたくなる農園にします。",
        "challenge": "毎年、収穫量の1割ほどが規格外になり、多くを安値で手放しています。"
        "加工場はあるものの、商品づくりと売り方に手が回っていません。",
        "intern_role": "加工品ブランドの立ち上げ担当として、試作・原価計算・パッケージ・"
        "販路開拓までを農園のスタッフと進めます。収穫期には畑にも出て、原料を知るところから"
        "始めます。",
        "outcomes": "・加工品2品（玉ねぎドレッシング、オニオンスープの素）の商品化\n"
        "・直売所とオンラインでの販売開始\n"
        "・規格外品の活用率 10%→30%",
        "duration_months": 3,
        "starts_on": date(2026, 8, 1),
        "ends_on": date(2026, 10, 31),
        "participation_style": "residential",
        "location": "北見市端野町（農園・加工場）",
        "housing_support": "農園近くの一軒家（シェア、個室）を無償で用意します。",
        "travel_support": "北見までの往復交通費を全額支給します。",
        "stipend": "月8万円（生活支援金）",
        "capacity": 1,
        "pre_assignment_brief": "身近な食品ロスの例を1つ取り上げ、それを減らす商品やサービスの"
        "アイデアをA4で1枚にまとめてください。",
        "entry_deadline": at(2026, 6, 30, 23, 59),
        "themes": ("food-agriculture", "product-development", "environment-energy"),
        # Steps 4–8 repeat: the host starts its next project from this one (project_copy).
        "follow_up": {
            "title": "規格外の玉ねぎから、加工品ブランドを立ち上げる（第2期：道外への販路）",
            "term": "2027-summer",
            "summary": "第1期で生まれたドレッシングとスープの素を、道外の食品店や"
            "ふるさと納税に広げます。",
            "outcomes": "・道外の取扱店 10 店\n・ふるさと納税の返礼品への登録\n"
            "・規格外品の活用率 30%→50%",
            "duration_months": 6,
            "starts_on": date(2027, 8, 1),
            "ends_on": date(2028, 1, 31),
        },
    },
    {
        "key": "kitami-tour",
        "host": "kitami-city",
        "term": "2027-summer",
        "status": "changes_requested",
        "changes_comment": "成果が「ツアーを2回実施」にとどまっています。参加者のその後"
        "（移住相談や再訪の数）まで含めた成果と、学生が企画の主導権を持てる範囲を"
        "書き足してください。",
        "title": "学生目線で、北見の移住体験ツアーを組み立てる",
        "summary": "移住を考える若い世代に向けて、北見の暮らしと仕事を体験できるツアーを"
        "学生と一緒に企画します。",
        "vision": "「住んでみたいまち」として北見が選ばれ、移住した若い世代が"
        "次の挑戦を始められる。そんな循環をつくります。",
        "challenge": "移住相談は増えていますが、暮らしや仕事を具体的にイメージできる機会が少なく、"
        "実際の移住につながる人は限られています。",
        "intern_role": "ツアーの企画担当として、移住者へのインタビュー、モデルコースづくり、"
        "参加者の募集を行います。",
        "outcomes": "・移住体験ツアーを2回実施",
        "duration_months": 6,
        "starts_on": date(2027, 8, 1),
        "ends_on": date(2028, 1, 31),
        "participation_style": "commute",
        "commute_days_per_week": 3,
        "location": "北見市役所（市内中心部）",
        "housing_support": "市の移住体験住宅（家具付き）を利用できます。",
        "travel_support": "北見までの往復交通費を支給します（上限4万円）。",
        "stipend": "謝礼 月3万円",
        "capacity": 2,
        "themes": ("community", "tourism"),
    },
    {
        "key": "farm-cheese",
        "host": "shiawase-farm",
        "term": "2026-spring",
        "status": "published",
        "published": Rel(-40),
        "title": "牧場のチーズ工房から、十勝のファンをつくる",
        "summary": "放牧牛の牛乳でチーズをつくる家族経営の牧場。工房見学とオンライン販売を"
        "組み合わせ、十勝のファンを増やします。",
        "vision": "牛と草地と人がめぐる十勝の酪農を、食べる人が誇りに思える未来。"
        "チーズの向こうにある暮らしを知った人が、十勝と長くつながる関係をつくります。",
        "challenge": "チーズの評価は高いものの、販売は道内の数店舗とイベントが中心です。"
        "牧場の取り組みを伝える発信と、訪れる人を迎える仕組みが追いついていません。",
        "intern_role": "ファンづくりの責任者として、工房見学プログラムの設計・運営と、"
        "チーズ定期便の立ち上げを担います。搾乳や仕込みの現場にも入り、"
        "伝える言葉を自分でつくります。",
        "outcomes": "・工房見学プログラムの開始（月2回）\n"
        "・チーズ定期便の会員 100 名\n"
        "・牧場の一年を伝える発信（SNS、季刊のニュースレター）",
        "duration_months": 8,
        "starts_on": date(2027, 2, 10),
        "ends_on": date(2027, 9, 30),
        "participation_style": "residential",
        "location": "帯広市川西町（牧場・チーズ工房）",
        "housing_support": "牧場敷地内のスタッフハウス（個室）を無償で用意します。"
        "食事は牧場のまかないがあります。",
        "travel_support": "帯広までの往復交通費を支給します（上限6万円）。"
        "帯広空港・帯広駅まで送迎します。",
        "stipend": "月8万円（生活支援金）",
        "capacity": 1,
        "pre_assignment_brief": "あなたが「ファン」になっている食べ物やお店を1つ挙げ、"
        "なぜファンになったのかを分析してください（800字程度）。",
        "entry_deadline": at(2026, 12, 20, 23, 59),
        "themes": ("food-agriculture", "tourism", "pr"),
    },
    {
        "key": "tankyu-coordinator",
        "host": "tokachi-mirai-hs",
        "term": "2027-summer",
        "status": "submitted",
        "title": "高校生の探究学習を、地域の大人とつなぐ伴走役になる",
        "summary": "帯広の高校で始まった探究学習。生徒のテーマと地域の企業・団体をつなぐ"
        "コーディネートを担います。",
        "vision": "高校生が「十勝でこんなことをしてみたい」と語り、地域の大人が本気で応える。"
        "卒業後も十勝と関わり続ける若者が増える未来をつくります。",
        "challenge": "探究の時間は始まったものの、教員だけでは地域との接点をつくり切れず、"
        "生徒のテーマが教室の中で閉じてしまっています。",
        "intern_role": "探究学習のコーディネーターとして、地域の企業・団体を訪ねて協力先を開拓し、"
        "生徒のフィールドワークを設計・同行します。年度末の発表会の企画も担当します。",
        "outcomes": "・協力してくれる地域の企業・団体 20 か所との関係づくり\n"
        "・2年生120名のフィールドワーク\n"
        "・地域の方を招いた成果発表会",
        "duration_months": 5,
        "starts_on": date(2027, 8, 20),
        "ends_on": date(2028, 1, 31),
        "participation_style": "commute",
        "commute_days_per_week": 2,
        "location": "帯広市（学校）",
        "housing_support": "帯広市内から通える方を想定しています。",
        "travel_support": "通学の交通費を実費で支給します。",
        "stipend": "月3万円（謝金）",
        "capacity": 1,
        "entry_deadline": at(2027, 6, 30, 23, 59),
        "themes": ("education", "community"),
    },
    # 札幌: entry closed, interviews under way (step 6, 面談する); nobody agreed yet.
    {
        "key": "jozankei-winter",
        "host": "jozankei-ryokan",
        "term": "2026-spring",
        "status": "closed",
        "historical": True,
        "published": Rel(-40),
        "closed": Rel(-9, 9),
        "title": "定山渓の冬を、海外のご家族が3泊したくなる滞在プランにする",
        "summary": "雪遊び、温泉、地元の食。定山渓の冬を、海外のご家族がゆっくり過ごせる"
        "3泊の滞在プランに仕立て、英語で届けます。",
        "vision": "冬の定山渓が、札幌観光の「日帰りの寄り道」から「家族で泊まりに来る目的地」へ。"
        "旅館と温泉街のお店が一緒にお客さまを迎え、平日の冬にもにぎわいが続くまちをつくります。",
        "challenge": "冬の週末は満室になる一方、平日の稼働率は5割を下回ります。海外からの"
        "お客さまは増えていますが、多くが1泊で札幌へ戻り、温泉街での体験や食事に"
        "つながっていません。",
        "intern_role": "企画担当として温泉街の体験事業者や飲食店を訪ねて素材を集め、3泊の"
        "プランを組み立てます。英語の予約ページと発信を自分でつくり、最初のお客さまを"
        "迎えるところまで担います。",
        "outcomes": "・海外のご家族向け3泊プラン（体験事業者5社と連携）\n"
        "・英語の予約ページとSNSでの発信（週2回）\n"
        "・平日のプラン利用 20 組",
        "duration_months": 2,
        "starts_on": date(2027, 2, 10),
        "ends_on": date(2027, 3, 31),
        "participation_style": "residential",
        "location": "札幌市南区定山渓（旅館内の事務所）",
        "housing_support": "従業員寮の個室を無償で用意します（食事つき）。",
        "travel_support": "入居と退去の移動費、温泉街の外へ取材に出る交通費を支給します。",
        "stipend": "月6万円",
        "capacity": 2,
        "pre_assignment_brief": "海外から来た家族旅行者になったつもりで、定山渓で過ごす1日の"
        "予定表をA4で1枚にまとめてください（日本語・英語のどちらでも可）。",
        "entry_deadline": Rel(-10, 23, 59),
        "themes": ("tourism", "pr"),
    },
    {
        "key": "beans-sweets",
        "host": "tokachi-beans",
        "term": "2026-spring",
        "status": "closed",
        "published": Rel(-45),
        "closed": Rel(-6, 18),
        "title": "十勝の豆で、地元の菓子店と新しいスイーツをつくる",
        "summary": "小豆、金時豆、大福豆。十勝の豆の魅力を、地元菓子店との共同開発で"
        "新しいスイーツにします。",
        "vision": "十勝の豆が「和菓子の原料」から「十勝を選ぶ理由」へ。生産者と菓子店が"
        "ともに豆の価値を伝え、若い世代が手に取るまちの名物をつくります。",
        "challenge": "豆の生産量は全国有数ですが、多くは原料として道外へ出ていき、"
        "十勝の名前が食べる人に届いていません。",
        "intern_role": "共同開発のプロジェクトリーダーとして、豆農家と菓子店3店をつなぎ、"
        "試作会、試食調査、販売イベントの企画までを担います。",
        "outcomes": "・菓子店3店との共同開発スイーツ3品\n"
        "・帯広市内での販売イベント（2日間）\n"
        "・豆の産地を伝えるリーフレット",
        "duration_months": 6,
        "starts_on": date(2027, 2, 10),
        "ends_on": date(2027, 7, 31),
        "participation_style": "commute",
        "commute_days_per_week": 4,
        "location": "帯広市内（協議会事務所・協力菓子店）",
        "housing_support": "帯広市内から通える方を想定しています。遠方の方はご相談ください。",
        "travel_support": "菓子店・農家への移動には協議会の車を使えます。",
        "stipend": "月4万円",
        "capacity": 1,
        "pre_assignment_brief": "十勝の豆を使ったお菓子を1つ食べ、感想と"
        "「自分ならこう変える」という提案をまとめてください。",
        "entry_deadline": at(2026, 12, 20, 23, 59),
        "themes": ("food-agriculture", "product-development"),
    },
    {
        "key": "craft-ec",
        "host": "craft-north",
        "term": "2027-summer",
        "status": "published",
        "published": Rel(-12),
        "title": "旭川家具を、海外の暮らしへ届ける越境ECを立ち上げる",
        "summary": "職人の手仕事による旭川家具を海外のお客さまへ。英語での発信と"
        "越境ECの立ち上げを担います。",
        "vision": "旭川の木工の技が、世界の暮らしの中で長く使われる。海外からの注文が"
        "職人の仕事を支え、若い職人が旭川を目指す——そんなものづくりの産地を未来に残します。",
        "challenge": "海外の展示会での評価は高いものの、英語で問い合わせに応える体制がなく、"
        "商談が一度きりで終わってしまっています。",
        "intern_role": "越境ECの立ち上げ担当として、販売サイトの構築、英語の商品ページ制作、"
        "海外のお客さまとのやりとりを担います。工房で職人に話を聞き、"
        "家具の物語を言葉にします。",
        "outcomes": "・英語の越境ECサイトの公開（30商品）\n"
        "・海外からの注文 10 件\n"
        "・職人インタビュー記事 6 本（日本語・英語）",
        "duration_months": 6,
        "starts_on": date(2027, 8, 1),
        "ends_on": date(2028, 1, 31),
        "participation_style": "remote",
        "location": "オンライン（月1回、旭川市永山の工房を訪問）",
        "housing_support": "工房訪問の際の宿泊費を支給します。",
        "travel_support": "月1回の工房訪問の交通費を全額支給します。",
        "stipend": "月6万円",
        "capacity": 1,
        "pre_assignment_brief": "好きな家具や道具を1つ選び、その魅力を伝える英語の商品説明文"
        "（200語程度）を書いてください。",
        "entry_deadline": at(2027, 6, 30, 23, 59),
        "themes": ("it-dx", "pr", "product-development"),
    },
    {
        "key": "wooden-toys",
        "host": "asahikawa-city",
        "term": "2027-spring",
        "status": "approved",
        "title": "木のおもちゃで、子育て世代が集まるまちをつくる",
        "summary": "旭川の木工の技を生かした木のおもちゃで、子育て世代が集まる場と"
        "仕組みをつくります。",
        "vision": "子どもが生まれたら、旭川の木のおもちゃが贈られる。木に触れて育った"
        "子どもたちが、ものづくりのまちを誇りに思う未来をつくります。",
        "challenge": "市内の工房には木のおもちゃをつくる技術がありますが、子育て世代との接点が"
        "少なく、取り組みが広がっていません。",
        "intern_role": "企画担当として、子育て世代へのヒアリング、工房と連携した"
        "おもちゃのひろばの運営、誕生祝い品の仕組みづくりを担います。",
        "outcomes": "・木のおもちゃのひろば（月2回）\n"
        "・誕生祝い品の試行（50家庭）\n"
        "・子育て世代200名へのアンケート",
        "duration_months": 7,
        "starts_on": date(2028, 2, 10),
        "ends_on": date(2028, 8, 31),
        "participation_style": "hybrid",
        "commute_days_per_week": 3,
        "location": "旭川市役所／市内の子育て支援センター",
        "housing_support": "市内のシェアハウスを紹介します（家賃補助あり）。",
        "travel_support": "旭川までの交通費を支給します（上限4万円）。",
        "stipend": "月5万円",
        "capacity": 2,
        "entry_deadline": at(2027, 12, 20, 23, 59),
        "themes": ("community", "education", "welfare"),
    },
    {
        "key": "forest-energy",
        "host": "taisetsu-npo",
        "term": "2027-summer",
        "status": "cancelled",
        "timeline": {"created": Rel(-60), "submit": Rel(-55), "cancel": Rel(-30)},
        "cancel_reason": "連携予定だった事業の予算が見送りになったため、今期の募集を取りやめ、"
        "来年度に計画を見直します。",
        "title": "森の間伐材で、冬の暖房を地域でまかなう",
        "summary": "間伐材を薪として地域で使う仕組みを、学生と一緒に形にします。",
        "vision": "森の手入れから生まれた木で冬を温める。エネルギーを地域でまかない、"
        "森と暮らしがつながる大雪山のふもとをつくります。",
        "challenge": "間伐材の多くが使われないまま山に残されています。",
        "intern_role": "薪の需要調査と、地域の家庭や宿への販売の仕組みづくりを担います。",
        "outcomes": "・薪を使う世帯 30 軒の開拓",
        "duration_months": 6,
        "starts_on": date(2027, 8, 1),
        "ends_on": date(2028, 1, 31),
        "participation_style": "residential",
        "location": "上川郡東川町",
        "capacity": 1,
        "themes": ("environment-energy", "community"),
    },
    {
        "key": "asaichi-online",
        "host": "bay-suisan",
        "term": "2027-summer",
        "status": "published",
        "published": Rel(-8),
        "title": "朝市の魚を、全国の食卓へ届けるオンライン直販",
        "summary": "函館朝市で60年続く水産会社。朝に揚がったイカや魚介を全国に届ける"
        "オンライン直販を育てます。",
        "vision": "港町・函館の朝の活気を、全国の食卓で感じてもらう。漁師と食べる人が"
        "顔の見える関係でつながり、函館の水産業が次の世代に続いていく未来をつくります。",
        "challenge": "イカの不漁が続き、観光客向けの店頭販売だけに頼れなくなっています。"
        "オンライン直販を始めたものの、商品ページや発送の仕組みは手探りです。",
        "intern_role": "オンライン直販の責任者として、商品ページの企画・撮影、SNSでの発信、"
        "購入者アンケートと改善を回します。朝市の店頭にも立ち、お客さまの声を集めます。",
        "outcomes": "・オンライン直販の月商を3倍に\n"
        "・リピート購入者 150 名\n"
        "・函館の魚の食べ方を伝える記事とレシピ 12 本",
        "duration_months": 6,
        "starts_on": date(2027, 8, 1),
        "ends_on": date(2028, 1, 31),
        "participation_style": "commute",
        "commute_days_per_week": 4,
        "location": "函館市若松町（函館朝市の店舗・加工場）",
        "housing_support": "函館市内から通える方を想定しています。道外の方には市内の"
        "短期賃貸を紹介し、家賃の一部を補助します。",
        "travel_support": "通勤の交通費を全額支給します。",
        "stipend": "月6万円",
        "capacity": 2,
        "pre_assignment_brief": "好きな魚介料理を1つ選び、写真と200字の紹介文で"
        "オンラインショップの商品ページ案をつくってください。",
        "entry_deadline": at(2027, 6, 30, 23, 59),
        "themes": ("food-agriculture", "pr", "it-dx"),
    },
    {
        "key": "seibu-guesthouse",
        "host": "seibu-machi",
        "term": "2026-spring",
        "status": "published",
        "published": Rel(-25),
        "title": "西部地区の古民家を、若者が集うゲストハウスに再生する",
        "summary": "坂と洋館の街並みが残る函館・西部地区。空き家になった古民家を、"
        "若者と旅人が集うゲストハウスに再生します。",
        "vision": "歴史ある街並みに、若者の暮らしと挑戦が戻ってくる。旅人が住民と出会い、"
        "やがて住む人になる——人がめぐる西部地区をつくります。",
        "challenge": "西部地区では空き家が増え続け、街並みを支える担い手が減っています。"
        "建物を残したい思いはあっても、使い方と運営の担い手が見つかっていません。",
        "intern_role": "開業準備の立ち上げメンバーとして、改修ワークショップの企画、"
        "宿泊プランづくり、地域の人と旅人をつなぐイベントの運営を担います。",
        "outcomes": "・改修ワークショップ 6 回（延べ100名）\n"
        "・ゲストハウスのプレオープンと宿泊 50 組\n"
        "・西部地区の案内マップ",
        "duration_months": 7,
        "starts_on": date(2027, 2, 10),
        "ends_on": date(2027, 8, 31),
        "participation_style": "residential",
        "location": "函館市元町（西部地区）",
        "housing_support": "改修を終えた部屋に無償で住み込めます（光熱費込み）。",
        "travel_support": "函館までの往復交通費を支給します（上限5万円）。",
        "stipend": "月7万円（生活支援金）",
        "capacity": 2,
        "pre_assignment_brief": "「また行きたい」と思った宿やまちの場所を1つ挙げ、その理由と、"
        "西部地区で生かせそうなことをまとめてください。",
        "entry_deadline": at(2026, 12, 20, 23, 59),
        "themes": ("community", "tourism"),
    },
)

# --------------------------------------------------------------------------------------
# Entries, interviews and placements. `status` is the target; `path` overrides the usual
# route to it; dates not given follow two days after the previous step.
# --------------------------------------------------------------------------------------

ONLINE = "https://meet.demo.jissen.jp/"

APPLICATIONS = (
    # 札幌: the running placement (active) and one that ended early.
    {
        "project": "kodomo-steam",
        "student": "yamamoto",
        "status": "accepted",
        "applied": at(2026, 4, 12, 21),
        "dates": {"offer": at(2026, 4, 28), "accept": at(2026, 5, 1)},
        "motivation": "学童保育のアルバイトで、子どもが自分の手で何かを完成させたときの顔が"
        "忘れられません。講座をつくる側に回り、ラボを続けられる形にしたいです。",
        "answer": "小学生のとき夢中になった段ボールのピンボールを、センサーで点数を数える"
        "90分講座にする構成案です。前半30分で仕組みを知り、後半で各自が台をつくります。",
        "interviews": (
            {
                "status": "completed",
                "mode": "onsite",
                "place": "さっぽろ子ども未来ラボ 東区ラボ",
                "slots": (at(2026, 4, 24, 14),),
                "feedback": (
                    ("host", "strong_yes", "子ども目線の講座案が具体的。運営責任者を任せられる。"),
                    ("coordinator", "yes", "週3日の通所も無理がない。学業との両立計画を確認済み。"),
                ),
            },
        ),
        "placement": {
            "status": "active",
            "orientation": {
                "starts_at": at(2026, 8, 3, 10),
                "hours": 2,
                "place": "さっぽろ子ども未来ラボ 東区ラボ",
                "student_goals": "半年で24回分の講座を自分で設計し、大学生講師チームを"
                "10人集める。子どもが「また来たい」と言うラボにする。",
                "host_goals": "講座運営を学生チームに任せられる状態をつくり、"
                "理事長が資金集めと連携に時間を使えるようにする。",
                "coordinator_goals": "隔週で進み具合を確認し、講師集めでは大学のサークルとの"
                "橋渡しをする。",
                "held": True,
            },
            "review_plan": {
                "every_weeks": 4,
                "midterm_on": date(2026, 10, 30),
                "final_on": date(2027, 1, 29),
            },
            "reviews": (
                {
                    "kind": "regular",
                    "due_on": date(2026, 8, 28),
                    "held": at(2026, 8, 28, 16),
                    "health": "on_track",
                    "student_notes": "8月の講座を4回実施。子どもの反応が良かった回の共通点が"
                    "見えてきた。",
                    "host_notes": "準備の段取りが早く、安心して任せられている。",
                    "coordinator_notes": "立ち上がりは順調。講師集めの計画を次回までに。",
                    "progress": "講座 4/24 回、講師チーム 3/10 名。",
                    "next_actions": "大学の教育系サークル3つに声をかける。",
                },
                {
                    "kind": "midterm",
                    "due_on": date(2026, 10, 30),
                    "held": at(2026, 10, 30, 16),
                    "health": "at_risk",
                    "student_notes": "講座は予定どおりだが、講師の募集が思うように進まず、"
                    "自分が講師を兼ねる回が増えている。",
                    "host_notes": "子どもの数は増えている。講師の負担が偏らないようにしたい。",
                    "coordinator_notes": "講師集めが遅れ気味。募集の打ち出し方を一緒に見直す。",
                    "progress": "講座 12/24 回、講師チーム 5/10 名、参加する子ども 月58名。",
                    "next_actions": "講師向けの説明会を11月に開く。大学の授業で告知させてもらう。",
                },
                {
                    "kind": "regular",
                    "due_on": Rel(9),
                    "held": None,
                },
            ),
        },
    },
    {
        "project": "kodomo-steam",
        "student": "kato",
        "status": "accepted",
        "applied": at(2026, 5, 8, 22),
        "dates": {"offer": at(2026, 5, 20), "accept": at(2026, 5, 22)},
        "motivation": "ロボットづくりの楽しさを、子どもたちと一緒に味わいたいです。"
        "電子工作の講座を担当させてください。",
        "answer": "初めてLEDを光らせた経験をもとに、光るしおりをつくる90分講座を考えました。",
        "interviews": (
            {
                "status": "completed",
                "mode": "online",
                "slots": (at(2026, 5, 15, 19),),
                "feedback": (
                    ("host", "yes", "電子工作の講座を任せたい。"),
                    ("coordinator", "yes", "2年生で授業が多い。後期の時間割を確認すること。"),
                ),
            },
        ),
        "placement": {
            "status": "ended_early",
            "ended": at(2026, 10, 16, 17),
            "end_reason": "後期に必修の実験が入り、週3日の活動との両立が難しくなったため。"
            "本人・受入先・コーディネーターで話し合い、10月で終了としました。",
            "orientation": {
                "starts_at": at(2026, 8, 3, 13),
                "hours": 1,
                "place": "さっぽろ子ども未来ラボ 東区ラボ",
                "student_goals": "電子工作の講座を8回担当し、教材を次の講師に引き継げる形にする。",
                "host_goals": "電子工作の講座を定番にする。",
                "coordinator_goals": "学業との両立を月1回確認する。",
                "held": True,
            },
        },
    },
    # 北見: the finished placement (completed) with its reviews and surveys.
    {
        "project": "onion-brand",
        "student": "yoshida",
        "status": "accepted",
        "applied": at(2026, 4, 20, 20),
        "dates": {"offer": at(2026, 5, 12), "accept": at(2026, 5, 15)},
        "motivation": "食品ロスを減らす仕組みを、生産の現場でつくってみたくて休学しました。"
        "規格外の玉ねぎを「選ばれる商品」にする挑戦に加わりたいです。",
        "answer": "大学の学食で出る野菜の端材を、地元のパン屋のフォカッチャに使う企画を"
        "まとめました。原価と売価の試算を添えています。",
        "interviews": (
            {
                "status": "completed",
                "mode": "online",
                "slots": (at(2026, 5, 7, 18),),
                "feedback": (
                    ("host", "strong_yes", "原価まで考えた事前課題が見事。住み込みの覚悟もある。"),
                    ("coordinator", "strong_yes", "休学の計画も具体的。受け入れを勧めます。"),
                ),
            },
        ),
        "placement": {
            "status": "completed",
            "orientation": {
                "starts_at": at(2026, 8, 3, 9),
                "hours": 2,
                "place": "オホーツク玉ねぎ農園 加工場",
                "student_goals": "3か月で加工品を2品商品化し、直売所とオンラインで売り始める。",
                "host_goals": "規格外品の活用率を30%まで上げ、加工品を農園の柱の一つにする。",
                "coordinator_goals": "販路づくりで市内の飲食店・道の駅とつなぐ。"
                "2週間ごとに振り返る。",
                "held": True,
            },
            "review_plan": {
                "every_weeks": 4,
                "midterm_on": date(2026, 9, 18),
                "final_on": date(2026, 10, 30),
            },
            "reviews": (
                {
                    "kind": "regular",
                    "due_on": date(2026, 8, 28),
                    "held": at(2026, 8, 28, 15),
                    "health": "on_track",
                    "student_notes": "試作10回。ドレッシングの配合が決まった。",
                    "host_notes": "収穫作業にも積極的で、スタッフとも打ち解けている。",
                    "coordinator_notes": "順調。パッケージのデザイン先を紹介した。",
                    "progress": "試作完了 1/2 品。",
                    "next_actions": "スープの素の試作、原価計算。",
                },
                {
                    "kind": "midterm",
                    "due_on": date(2026, 9, 18),
                    "held": at(2026, 9, 18, 15),
                    "health": "on_track",
                    "student_notes": "2品とも試作が完了。保健所の許可の手続きを進めている。",
                    "host_notes": "予定より早い。販売開始を10月頭に前倒ししたい。",
                    "coordinator_notes": "道の駅の担当者との打ち合わせを設定した。",
                    "progress": "試作完了 2/2 品、販路候補 3 か所。",
                    "next_actions": "ラベル表示の確認、直売所での試食販売。",
                },
                {
                    "kind": "final",
                    "due_on": date(2026, 10, 30),
                    "held": at(2026, 10, 30, 15),
                    "health": "on_track",
                    "student_notes": "2品を発売し、1か月で800本を販売。規格外品の活用率は28%。",
                    "host_notes": "来年は道外への販路を広げたい。次のプロジェクトにつなげる。",
                    "coordinator_notes": "成果は目標にほぼ到達。次期プロジェクトの設計を"
                    "年明けから始める。",
                    "progress": "商品化 2/2 品、販売 800 本、規格外品の活用率 28%。",
                    "next_actions": "第2期のプロジェクト設計（道外の販路）。",
                },
            ),
            "surveys": (
                {
                    "survey": "student",
                    "respondent": "student",
                    "submitted": at(2026, 11, 4, 21),
                    "answers": (
                        5,
                        4,
                        "ぜひ関わりたい",
                        "規格外の玉ねぎで2つの商品をつくり、農園の新しい売上の柱の"
                        "入口をつくれたこと。",
                        "現場に飛び込めば、地域の人が本気で応えてくれます。",
                    ),
                },
                {
                    "survey": "host",
                    "respondent": "host",
                    "submitted": at(2026, 11, 6, 10),
                    "answers": (
                        5,
                        "すでに計画している",
                        "スタッフが自分たちの玉ねぎを語るようになり、加工部門に"
                        "新しい提案が出るようになった。",
                        "次回は販路づくりにもう少し早く入れるよう、事前に準備したい。",
                    ),
                },
            ),
        },
    },
    {
        "project": "onion-brand",
        "student": "inoue",
        "status": "rejected",
        "path": ("screen", "invite", "reject"),
        "applied": at(2026, 5, 2, 19),
        "dates": {"reject": at(2026, 5, 14)},
        "reject": {
            "reason": "capacity",
            "message": "農業への思いがよく伝わる面談でした。今回は募集人数が1名のため"
            "見送らせてください。来年の募集でもぜひお会いしたいです。",
        },
        "motivation": "実家の農業を継ぐ前に、加工品づくりで農業の可能性を広げる経験がしたいです。",
        "answer": "地元の直売所で売れ残る野菜を、冷凍ミールキットにする案です。",
        "interviews": (
            {
                "status": "completed",
                "mode": "onsite",
                "place": "オホーツク玉ねぎ農園 事務所",
                "slots": (at(2026, 5, 10, 13),),
                "feedback": (("host", "yes", "地元への思いは強い。今回は1名枠のため見送り。"),),
            },
        ),
    },
    # 帯広: a closed project whose place is already agreed (placement preparing).
    {
        "project": "beans-sweets",
        "student": "shimizu",
        "status": "accepted",
        "applied": Rel(-35, 21),
        "dates": {"offer": Rel(-18), "accept": Rel(-15, 20)},
        "motivation": "十勝の豆の価値を、食べる人に届く形にしたいです。菓子店のアルバイトの"
        "経験を生かして、共同開発を前に進めます。",
        "answer": "豆大福を食べ、甘さを控えた「朝ごはん大福」を提案しました。",
        "interviews": (
            {
                "status": "completed",
                "mode": "onsite",
                "place": "とかち豆のみらい協議会 事務所",
                "slots": (Rel(-24, 15),),
                "feedback": (
                    ("host", "strong_yes", "菓子づくりの経験があり、試作会を任せられる。"),
                    ("coordinator", "yes", "週4日の通所が可能。"),
                ),
            },
        ),
        "placement": {
            "status": "preparing",
            "orientation": {
                "starts_at": at(2027, 2, 10, 10),
                "hours": 2,
                "place": "とかち豆のみらい協議会 事務所",
                "meeting_url": ONLINE + "beans-orientation",
                "held": False,
            },
        },
    },
    {
        "project": "beans-sweets",
        "student": "yamazaki",
        "status": "rejected",
        "applied": Rel(-33, 22),
        "dates": {"reject": Rel(-29)},
        "reject": {
            "reason": "fit",
            "message": "ご応募ありがとうございました。今回は週4日の通所が前提のため、"
            "小樽からの参加は難しいと判断しました。",
        },
        "motivation": "食品の商品開発に関わってみたいです。",
        "answer": "十勝の甘納豆をグラノーラに入れる案を考えました。",
    },
    # 札幌: entry closed, the host is choosing (step 6): an offer out, an interview coming.
    {
        "project": "jozankei-winter",
        "student": "lindqvist",
        "status": "offered",
        "applied": Rel(-30, 21),
        "dates": {"offer": Rel(-5, 17)},
        "motivation": "スウェーデンから家族で北海道に来たとき、温泉で過ごした時間が忘れられません。"
        "海外の家族の目線で、定山渓の冬を3泊の旅にしたいです。",
        "answer": "A day in Jozankei for a family with two children: 朝の雪遊びから夜の足湯までの"
        "1日を、英語と日本語でまとめました。",
        "interviews": (
            {
                "status": "completed",
                "mode": "onsite",
                "place": "定山渓ゆのさと 本館ロビー",
                "slots": (Rel(-12, 14),),
                "feedback": (
                    ("host", "strong_yes", "家族旅行者の目線がある。英語の発信も任せられる。"),
                    ("coordinator", "yes", "2月からの住み込みが可能。試験の日程も確認済み。"),
                ),
            },
        ),
    },
    {
        "project": "jozankei-winter",
        "student": "morita",
        "status": "interviewing",
        "applied": Rel(-24, 22),
        "motivation": "札幌に住んでいながら、定山渓には一度しか行ったことがありません。"
        "地元の人も知らない冬の楽しみ方を見つけ、海外のご家族に届けたいです。",
        "answer": "台湾から来た友人一家を想定して、定山渓で過ごす1日の予定表をつくりました。",
        "interviews": (
            {
                "status": "scheduled",
                "mode": "online",
                "meeting_url": ONLINE + "jozankei-morita",
                "slots": (Rel(2, 15), Rel(3, 11)),
                "pick": 0,
            },
        ),
    },
    {
        "project": "jozankei-winter",
        "student": "kato",
        "status": "screening",
        "applied": Rel(-11, 22),
        "motivation": "後期は実験で通えませんでしたが、春休みなら住み込みで集中できます。"
        "予約の数字を見える化して、冬の平日にお客さまが増えるしくみを一緒につくりたいです。",
        "answer": "雪像づくり体験を中心にした1日の予定表と、予約数を週ごとに確かめる表を"
        "つくりました。",
    },
    # Published projects with entries on the way.
    {
        "project": "northlink-app",
        "student": "yamazaki",
        "status": "submitted",
        "applied": Rel(-3, 23),
        "motivation": "スタートアップで事業が伸びる瞬間に立ち会いたいです。営業のアルバイトで"
        "培った聞く力を、生産者のヒアリングに生かします。",
        "answer": "フリマアプリの出品画面について、改善点を3つスケッチにまとめました。",
    },
    {
        "project": "northlink-app",
        "student": "morita",
        "status": "screening",
        "applied": Rel(-9, 20),
        "motivation": "ゼミで飲食店の集客を調べ、仕入れの苦労を知りました。"
        "生産者と飲食店の両方の声を聞いて、アプリを良くしたいです。",
        "answer": "飲食店の予約アプリについて、改善案をFigmaでつくりました。",
    },
    {
        "project": "northlink-app",
        "student": "ikeda",
        "status": "interviewing",
        "applied": Rel(-12, 22),
        "motivation": "アプリを作って終わりではなく、使う人の現場に出て改善するところまで"
        "やってみたいです。",
        "answer": "大学の時間割アプリの登録画面について、改善案を3つ描きました。",
        "interviews": (
            {
                "status": "proposed",
                "mode": "online",
                "meeting_url": ONLINE + "northlink-ikeda",
                "slots": (Rel(4, 14), Rel(5, 16), Rel(6, 10)),
            },
        ),
    },
    {
        "project": "hakka-souvenir",
        "student": "hashimoto",
        "status": "interviewing",
        "applied": Rel(-14, 21),
        "motivation": "地方の小さな会社が全国に知られていく過程に、住み込みで関わりたいです。"
        "ハッカの歴史に惹かれました。",
        "answer": "ハッカ通りを歩く旅の投稿を、写真3枚と文章でつくりました。",
        "interviews": (
            {
                "status": "scheduled",
                "mode": "online",
                "meeting_url": ONLINE + "hakka-hashimoto",
                "slots": (Rel(3, 10), Rel(3, 15)),
                "pick": 1,
            },
        ),
    },
    {
        "project": "hakka-souvenir",
        "student": "abe",
        "status": "offered",
        "applied": Rel(-25, 19),
        "dates": {"offer": Rel(-6, 17)},
        "motivation": "オホーツクの魅力を、自分の手でつくったもので伝えたいです。"
        "3Dモデリングでパッケージの試作もできます。",
        "answer": "ハッカの結晶をモチーフにしたパッケージを3Dで試作し、紹介文を添えました。",
        "interviews": (
            {
                "status": "completed",
                "mode": "onsite",
                "place": "北見ハッカ工房 直営店2階",
                "slots": (Rel(-12, 14),),
                "feedback": (
                    ("host", "strong_yes", "試作の手の速さが魅力。ぜひ一緒にやりたい。"),
                    ("coordinator", "yes", "寮に住みながら大学に通う計画。時間割を確認済み。"),
                ),
            },
        ),
    },
    {
        "project": "hakka-souvenir",
        "student": "ogawa",
        "status": "rejected",
        "path": ("screen", "invite", "reject"),
        "applied": Rel(-20, 23),
        "dates": {"reject": Rel(-7)},
        "reject": {
            "reason": "other",
            "message": "面談の時間にご連絡がつかず、今回は選考を終了させていただきます。"
            "また別のプロジェクトでお会いできればうれしいです。",
        },
        "motivation": "旅行で訪れた北見のハッカ記念館が印象的でした。旅する人の目線で"
        "お土産をつくりたいです。",
        "answer": "ハッカの香りで北見の四季を表すギフトセットの案です。",
        "interviews": (
            {
                "status": "no_show",
                "mode": "online",
                "meeting_url": ONLINE + "hakka-ogawa",
                "slots": (Rel(-9, 11),),
                "feedback": (("host", "no", "連絡なく欠席。"),),
            },
        ),
    },
    {
        "project": "farm-cheese",
        "student": "fujii",
        "status": "withdrawn",
        "path": ("screen", "withdraw"),
        "applied": Rel(-15, 22),
        "dates": {"withdraw": Rel(-10, 9)},
        "withdraw_reason": "ほかの地域のプロジェクトへの参加が決まったため、辞退します。",
        "motivation": "つくる人の思いを伝える仕事がしたいです。牧場の一年を記事にしたいです。",
        "answer": "近所のパン屋のファンになった理由を、800字で分析しました。",
    },
    {
        "project": "farm-cheese",
        "student": "matsuda",
        "status": "offer_declined",
        "applied": Rel(-30, 20),
        "dates": {"offer": Rel(-15), "decline_offer": Rel(-11, 21)},
        "decline_reason": "大学の海外研修に合格し、時期が重なってしまったため。",
        "motivation": "酪農の現場で働きながら、牧場の価値を伝える方法を学びたいです。",
        "answer": "地元のアイスクリーム店のファンになった理由を分析しました。",
        "interviews": (
            {
                "status": "completed",
                "mode": "online",
                "meeting_url": ONLINE + "farm-matsuda",
                "slots": (Rel(-20, 18),),
                "feedback": (
                    ("host", "yes", "現場経験がある。住み込みも問題ない。"),
                    ("coordinator", "yes", "研修の選考結果次第とのこと。"),
                ),
            },
        ),
    },
    {
        "project": "farm-cheese",
        "student": "nomura",
        "status": "submitted",
        "applied": Rel(-2, 22),
        "motivation": "乳製品の研究をしています。休学して、チーズをつくる現場と"
        "食べる人をつなぐ仕事に挑戦したいです。",
        "answer": "地元の老舗パン屋のファンになった理由を、商品・人・場所の3つから分析しました。",
    },
    {
        "project": "craft-ec",
        "student": "lindqvist",
        "status": "interviewing",
        "applied": Rel(-10, 21),
        "motivation": "I want to bring Asahikawa furniture to homes in Scandinavia. "
        "北欧の暮らしを知る立場から、商品ページと発信をつくりたいです。",
        "answer": "A 200-word English description of my grandmother's birch rocking chair, "
        "written for a reader in Sweden.",
        "interviews": (
            {
                "status": "cancelled",
                "mode": "online",
                "meeting_url": ONLINE + "craft-lindqvist-1",
                "slots": (Rel(-3, 17),),
                "cancelled_by": "student",
                "cancelled": Rel(-4, 12),
                "reason": "授業の振替と重なってしまいました。別の日程をいただけますか。",
            },
            {
                "status": "scheduled",
                "mode": "online",
                "meeting_url": ONLINE + "craft-lindqvist-2",
                "slots": (Rel(6, 17), Rel(7, 17)),
                "pick": 0,
            },
        ),
    },
    {
        "project": "craft-ec",
        "student": "nakajima",
        "status": "screening",
        "applied": Rel(-6, 20),
        "motivation": "旭川の家具が大好きです。ECサイト運営のアルバイト経験を生かし、"
        "海外のお客さまに届く売り場をつくりたいです。",
        "answer": "自宅の旭川家具のスツールについて、英語の商品説明を書きました。",
    },
    {
        "project": "asaichi-online",
        "student": "sasaki",
        "status": "submitted",
        "applied": Rel(-1, 22),
        "motivation": "函館の朝市の雰囲気が好きです。写真とデータで、魚のおいしさを"
        "全国に伝える手伝いがしたいです。",
        "answer": "イカ刺しの商品ページ案を、写真と紹介文でつくりました。",
    },
    {
        "project": "asaichi-online",
        "student": "ikeda",
        "status": "submitted",
        "applied": Rel(-4, 23),
        "motivation": "地元函館の水産業を、Webの力で支えたいです。",
        "answer": "ホッケの開きの商品ページ案をつくりました。",
    },
    {
        "project": "seibu-guesthouse",
        "student": "yoshida",
        "status": "screening",
        "applied": Rel(-7, 21),
        "motivation": "北見での3か月で、地域に飛び込むおもしろさを知りました。"
        "休学の残りの期間で、函館の街並みを生かす場づくりに挑戦したいです。",
        "answer": "北見で泊まった農家民宿をもとに、西部地区で生かせそうなことをまとめました。",
    },
)

# One login per role, printed at the end of the command.
DEMO_LOGINS = (
    ("事務局スタッフ（すべての地域）", STAFF["email"]),
    ("地域コーディネーター（札幌）", COORDINATORS[0]["email"]),
    ("受入先メンバー（株式会社ノースリンク）", HOSTS[0]["members"][0]["email"]),
    ("学生（実践中：放課後STEAMラボ）", STUDENTS[0]["email"]),
)
