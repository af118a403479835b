"""Build the pamphlet PDFs the platform ships (static/pamphlet/), from the online pamphlet's texts.

    .venv/bin/python scripts/build_pamphlet.py [--site-url https://example.jp] [--out DIR]

The texts come from programs.selectors and the Japanese catalogue (locale/ja), so run
compilemessages first. Japanese uses reportlab's built-in CID font HeiseiKakuGo-W5 (no font
file is downloaded or embedded; PDF readers supply the glyphs). The output is reproducible:
the same texts give the same bytes. A URL is printed only when --site-url (or SITE_URL) is
not a loopback address.
"""

import argparse
import os
import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from reportlab import rl_config  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_LEFT  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from programs import selectors  # noqa: E402

rl_config.invariant = 1  # no creation date or random document id: same input, same bytes

CJK_FONT = "HeiseiKakuGo-W5"
pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))

BLUE = colors.HexColor("#0b5cab")
NAVY = colors.HexColor("#1d3a5c")
PALE = colors.HexColor("#eef3f9")
GREY = colors.HexColor("#495057")
OUTPUT = ROOT / "static" / "pamphlet"
MARGIN = 18 * mm
TOP_MARGIN = 16 * mm
COVER_HEIGHT = 88 * mm
FILENAME = "hokkaido-challenge-pamphlet-{language}.pdf"

# Runs of Japanese characters (kana, kanji, full-width punctuation) inside English text.
CJK_RUN = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]+")


class Fonts:
    """The fonts of one language: Japanese throughout, or Helvetica with Japanese runs."""

    def __init__(self, language: str):
        self.japanese = language == "ja"
        self.body = CJK_FONT if self.japanese else "Helvetica"
        self.bold = CJK_FONT if self.japanese else "Helvetica-Bold"

    def markup(self, text: str) -> str:
        """Escape text for a Paragraph; in English, set Japanese runs in the CJK font."""
        text = escape(str(text))
        if self.japanese:
            return text
        return CJK_RUN.sub(lambda m: f'<font name="{CJK_FONT}">{m.group(0)}</font>', text)


def styles(fonts: Fonts) -> dict[str, ParagraphStyle]:
    wrap = "CJK" if fonts.japanese else None
    base = ParagraphStyle(
        "body",
        fontName=fonts.body,
        fontSize=10,
        leading=16 if fonts.japanese else 14.5,
        textColor=colors.black,
        alignment=TA_LEFT,
        wordWrap=wrap,
        spaceAfter=6,
    )
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.8, leading=13.5, spaceAfter=0),
        "note": ParagraphStyle(
            "note", parent=base, fontSize=8.5, leading=13, textColor=GREY, spaceAfter=8
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=fonts.bold,
            fontSize=24,
            leading=32,
            textColor=colors.white,
            spaceAfter=8,
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=12, leading=19, textColor=colors.white
        ),
        "eyebrow": ParagraphStyle(
            "eyebrow", parent=base, fontSize=10, textColor=colors.white, spaceAfter=10
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=fonts.bold,
            fontSize=15,
            leading=21,
            textColor=BLUE,
            spaceBefore=10,
            spaceAfter=8,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontName=fonts.bold,
            fontSize=10.5,
            leading=15,
            textColor=NAVY,
            spaceAfter=3,
        ),
        "step": ParagraphStyle(
            "step", parent=base, fontName=fonts.bold, fontSize=9, textColor=BLUE, spaceAfter=1
        ),
        "quote": ParagraphStyle("quote", parent=base, fontSize=9.5, leading=15, spaceAfter=4),
    }


def card_grid(cells: list[list], columns: int, width: float, *, shaded: bool = True) -> Table:
    """Flowables in a grid of cards, `columns` wide."""
    rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
    if rows and len(rows[-1]) < columns:
        rows[-1] = rows[-1] + [""] * (columns - len(rows[-1]))
    table = Table(rows, colWidths=[width / columns] * columns)
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 7),
        ("RIGHTPADDING", (0, 0), (-1, -1), 7),
        ("TOPPADDING", (0, 0), (-1, -1), 7),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 9),
        ("GRID", (0, 0), (-1, -1), 3, colors.white),
    ]
    if shaded:
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if cell != "":
                    commands.append(("BACKGROUND", (c, r), (c, r), PALE))
    table.setStyle(TableStyle(commands))
    return table


def site_link(site_url: str, name: str) -> str:
    return f"{site_url}{reverse(name)}" if site_url else ""


def story(language: str, site_url: str) -> list:
    fonts = Fonts(language)
    s = styles(fonts)
    m = fonts.markup
    width = A4[0] - 2 * MARGIN
    flow: list = []

    # The cover's title sits on the blue band, drawn by the first page's callback.
    flow += [
        Spacer(1, COVER_HEIGHT - TOP_MARGIN + 4 * mm),
        Paragraph(m(_("What is a practical internship?")), s["h2"]),
    ]
    flow += [Paragraph(m(p), s["body"]) for p in selectors.PAMPHLET_INTRO]
    flow.append(Paragraph(m(selectors.PAMPHLET_NATIONAL), s["body"]))

    flow.append(Paragraph(m(_("Ways to take part")), s["h2"]))
    flow.append(
        card_grid(
            [
                [Paragraph(m(label), s["h3"]), Paragraph(m(text), s["small"])]
                for _icon, label, text in selectors.PARTICIPATION_STYLES
            ],
            3,
            width,
        )
    )

    flow.append(PageBreak())
    flow.append(Paragraph(m(_("What we value")), s["h2"]))
    flow.append(
        card_grid(
            [
                [
                    Paragraph(f"{i:02d}", s["step"]),
                    Paragraph(m(title), s["h3"]),
                    Paragraph(m(text), s["small"]),
                ]
                for i, (title, text) in enumerate(selectors.PROGRAMME_VALUES, start=1)
            ],
            2,
            width,
        )
    )
    flow.append(Spacer(1, 4 * mm))
    flow.append(Paragraph(m(_("The regional coordinator")), s["h2"]))
    flow.append(Paragraph(m(selectors.COORDINATOR_INTRO), s["body"]))
    flow += [Paragraph(m(item), s["body"], bulletText="•") for item in selectors.COORDINATOR_ROLE]

    flow.append(PageBreak())
    flow.append(Paragraph(m(_("How to start: eight steps")), s["h2"]))
    flow.append(
        card_grid(
            [
                [
                    Paragraph(f"STEP {number}", s["step"]),
                    Paragraph(m(label), s["h3"]),
                    Paragraph(m(text), s["small"]),
                ]
                for number, label, text in selectors.flow_steps()
            ],
            2,
            width,
        )
    )
    flow.append(Spacer(1, 2 * mm))
    flow.append(
        Paragraph(m(_("Steps 4 to 8 repeat: each project leads to the next one.")), s["body"])
    )
    flow.append(Spacer(1, 4 * mm))
    flow.append(Paragraph(m(_("Examples from five regions")), s["h2"]))
    flow.append(
        Paragraph(
            m(
                _(
                    "Illustrative examples of the kind of projects hosts design; not current "
                    "openings."
                )
            ),
            s["note"],
        )
    )
    flow.append(
        card_grid(
            [
                [
                    Paragraph(m(region), s["step"]),
                    Paragraph(m(title), s["h3"]),
                    Paragraph(m(text), s["small"]),
                ]
                for region, title, text in selectors.REGION_EXAMPLES
            ],
            2,
            width,
        )
    )

    flow.append(PageBreak())
    flow.append(Paragraph(m(_("What it takes from you")), s["h2"]))
    flow.append(
        Paragraph(
            m(
                _(
                    "A rough guide to the time a host gives. "
                    "Your coordinator fits it to your project."
                )
            ),
            s["note"],
        )
    )
    time_table = Table(
        [
            [Paragraph(m(when), s["h3"]), Paragraph(m(what), s["small"])]
            for when, what in selectors.HOST_TIME
        ],
        colWidths=[width * 0.32, width * 0.68],
    )
    time_table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#c9d6e6")),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    flow.append(time_table)
    flow.append(Spacer(1, 4 * mm))
    flow.append(CondPageBreak(80 * mm))
    flow.append(Paragraph(m(_("Voices")), s["h2"]))
    flow.append(
        Paragraph(
            m(
                _(
                    "Illustrative: composed to show what hosts, students and coordinators often "
                    "tell us; not quotations of real people."
                )
            ),
            s["note"],
        )
    )
    for who, quote in selectors.VOICES:
        flow.append(
            KeepTogether(
                [
                    Paragraph(
                        m(f"“{quote}”" if not fonts.japanese else f"「{quote}」"), s["quote"]
                    ),
                    Paragraph(m(f"— {who}"), s["note"]),
                ]
            )
        )

    contact = [
        Paragraph(m(_("Start with a pamphlet or a question")), s["h2"]),
        Paragraph(
            m(
                _(
                    "Not sure what would work in your town or organisation? A coordinator will "
                    "tell you how to start."
                )
            ),
            s["body"],
        ),
    ]
    inquiry_url = site_link(site_url, "programs:inquiry-create")
    if inquiry_url:
        contact.append(Paragraph(m(f"{_('Ask a coordinator')}: {inquiry_url}"), s["h3"]))
    else:
        contact.append(Paragraph(m(_("Ask a coordinator")), s["h3"]))
    box = Table([[contact]], colWidths=[width])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), PALE),
                ("LINEBEFORE", (0, 0), (0, -1), 4, BLUE),
                ("LEFTPADDING", (0, 0), (-1, -1), 12),
                ("RIGHTPADDING", (0, 0), (-1, -1), 12),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    flow.append(Spacer(1, 6 * mm))
    flow.append(KeepTogether([box]))
    return flow


def cover_texts(language: str) -> list[tuple[str, str]]:
    return [
        ("eyebrow", _("Hokkaido Challenge Community")),
        ("title", _("Practical internships in Hokkaido")),
        (
            "subtitle",
            _(
                "A guide for companies, NPOs and municipalities that want to build the "
                "future of their region with students."
            ),
        ),
    ]


def page_callbacks(language: str):
    fonts = Fonts(language)
    s = styles(fonts)
    cover = [Paragraph(fonts.markup(text), s[style]) for style, text in cover_texts(language)]
    footer = f"{_('Hokkaido Challenge Community')} — {_('Practical internships in Hokkaido')}"

    def draw_footer(canvas, doc):
        canvas.saveState()
        canvas.setStrokeColor(BLUE)
        canvas.setLineWidth(0.6)
        canvas.line(18 * mm, 14 * mm, A4[0] - 18 * mm, 14 * mm)
        canvas.setFillColor(GREY)
        canvas.setFont(CJK_FONT if fonts.japanese else "Helvetica", 8)
        canvas.drawString(18 * mm, 9 * mm, footer)
        canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, str(doc.page))
        canvas.restoreState()

    def first_page(canvas, doc):
        canvas.saveState()
        canvas.setFillColor(BLUE)
        canvas.rect(0, A4[1] - COVER_HEIGHT, A4[0], COVER_HEIGHT, stroke=0, fill=1)
        canvas.setFillColor(colors.HexColor("#f59e0b"))
        canvas.rect(MARGIN, A4[1] - COVER_HEIGHT, 40 * mm, 2.5 * mm, stroke=0, fill=1)
        y = A4[1] - 30 * mm
        for paragraph in cover:
            _w, h = paragraph.wrap(A4[0] - 2 * MARGIN - 20 * mm, COVER_HEIGHT)
            y -= h
            paragraph.drawOn(canvas, MARGIN, y)
            y -= paragraph.style.spaceAfter
        canvas.restoreState()
        draw_footer(canvas, doc)

    return first_page, draw_footer


def build(language: str, out_dir: Path, site_url: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILENAME.format(language=language)
    with translation.override(language):
        title = f"{_('Hokkaido Challenge Community')}: {_('Pamphlet')}"
        doc = SimpleDocTemplate(
            str(path),
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=TOP_MARGIN,
            bottomMargin=20 * mm,
            title=title,
            author=str(_("Hokkaido Challenge Community")),
            subject=_("Practical internships in Hokkaido"),
            lang=language,
        )
        first, later = page_callbacks(language)
        doc.build(story(language, site_url), onFirstPage=first, onLaterPages=later)
    return path


def public_site_url(url: str) -> str:
    """The URL to print, or "" for a development address nobody else can open."""
    url = (url or "").rstrip("/")
    if re.match(r"^https?://(127\.|localhost|\[::1\]|testserver)", url):
        return ""
    return url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-url", default=settings.SITE_URL)
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    for language, _name in settings.LANGUAGES:
        path = build(language, args.out, public_site_url(args.site_url))
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
