"""The online text of an uploaded pamphlet version, read as plain text into blocks a template
shows with autoescaping on (no HTML from the text ever reaches the page as HTML)."""

import re
from dataclasses import dataclass, field

HEADING = "# "
SUBHEADING = "## "
BULLETS = ("- ", "・", "* ")


@dataclass
class Block:
    """One block of the text: `kind` is "heading" (with an `anchor` for the contents),
    "subheading", "paragraph" (its `lines`) or "list" (its `lines` are the items)."""

    kind: str
    lines: list[str] = field(default_factory=list)
    anchor: str = ""

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _bullet(line: str) -> str | None:
    for mark in BULLETS:
        if line.startswith(mark):
            return line[len(mark) :].strip()
    return None


def parse_body(text: str) -> list[Block]:
    """Blocks of `text`: a blank line ends a paragraph or a list, "# " starts a heading,
    "## " a subheading, "- " (or "・", "* ") a list item; any other line joins its paragraph."""
    blocks: list[Block] = []
    current: Block | None = None
    headings = 0
    for raw in re.split(r"\r\n|\r|\n", text or ""):
        line = raw.strip()
        if not line:
            current = None
            continue
        if line.startswith(SUBHEADING):
            blocks.append(Block("subheading", [line[len(SUBHEADING) :].strip()]))
            current = None
            continue
        if line.startswith(HEADING):
            headings += 1
            blocks.append(
                Block("heading", [line[len(HEADING) :].strip()], anchor=f"part-{headings}")
            )
            current = None
            continue
        item = _bullet(line)
        kind = "list" if item is not None else "paragraph"
        if current is None or current.kind != kind:
            current = Block(kind)
            blocks.append(current)
        current.lines.append(item if item is not None else line)
    return [block for block in blocks if any(block.lines)]
