"""Static checks (issue 8, part 7): bandit finds nothing of medium or high severity, and no
`|safe`, `mark_safe`, `{% autoescape off %}` in HTML, or raw SQL built with string formatting
appears outside the short ALLOWLIST below, each entry with its reason.

The scan reads the application's Python with `ast` (so a comment or a docstring never counts)
and its templates as text. An allowlist entry that no longer matches anything fails too, so
the list stays short and true.
"""

import ast
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR).resolve()


@dataclass(frozen=True)
class Allowed:
    path: str  # relative to the project root
    rule: str
    line_contains: str  # the flagged code must contain this (robust to moved lines)
    reason: str


SEED_SCALE_SQL = (
    "Synthetic-data loader run by hand (manage.py seed_scale), no request reaches it: the "
    "table and column names come from the models' _meta, never from input, and identifiers "
    "cannot be query parameters; every value goes as a parameter."
)

# rule: a scan rule below, or a bandit test id (B...).
ALLOWLIST = [
    Allowed(
        "coordinators/management/commands/seed_scale.py",
        "B608",
        'f"SELECT COALESCE(MAX({pk}), 0) FROM {table}"',
        SEED_SCALE_SQL,
    ),
    Allowed(
        "coordinators/management/commands/seed_scale.py",
        "B608",
        'f"INSERT INTO {table} ({names}) VALUES ({marks})"',
        SEED_SCALE_SQL,
    ),
    Allowed(
        "coordinators/management/commands/seed_scale.py",
        "sql-formatting",
        'f"SELECT COALESCE(MAX({pk}), 0) FROM {table}"',
        SEED_SCALE_SQL,
    ),
    Allowed(
        "coordinators/management/commands/seed_scale.py",
        "sql-formatting",
        'f"INSERT INTO {table} ({names}) VALUES ({marks})"',
        SEED_SCALE_SQL,
    ),
    Allowed(
        "coordinators/management/commands/seed_scale.py",
        "sql-formatting",
        'copy(f"COPY {table} ({names}) FROM STDIN")',
        SEED_SCALE_SQL + " The rows go through psycopg's COPY protocol, not the SQL text.",
    ),
]


def _project_dirs() -> list[str]:
    """The project's own apps (whatever INSTALLED_APPS holds that lives in the tree) and config."""
    dirs = {
        Path(app.path).resolve().relative_to(ROOT).parts[0]
        for app in apps.get_app_configs()
        if Path(app.path).resolve().is_relative_to(ROOT)
        and ".venv" not in Path(app.path).resolve().relative_to(ROOT).parts
    }
    return sorted(dirs | {"config"})


APP_DIRS = _project_dirs()
# Where the Python to check lives: the apps, config, and the helper scripts.
CODE_DIRS = [*APP_DIRS, *(["scripts"] if (ROOT / "scripts").is_dir() else [])]


def _python_files() -> list[Path]:
    files = []
    for top in CODE_DIRS:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "migrations" not in parts and "__pycache__" not in parts:
                files.append(path)
    return files


def _template_files() -> list[Path]:
    dirs = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    dirs += [ROOT / top / "templates" for top in APP_DIRS]
    return sorted(p for d in dirs if d.is_dir() for p in d.rglob("*") if p.is_file())


# ------------------------------------------------------------------------------
# bandit
# ------------------------------------------------------------------------------


def test_bandit_reports_no_medium_or_high_finding():
    command = [sys.executable, "-m", "bandit", "-q", "-c", "pyproject.toml", "-f", "json"]
    result = subprocess.run(
        [*command, "-r", *CODE_DIRS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,  # bandit exits 1 when it finds anything, low severity included
    )
    assert result.stdout.strip(), f"bandit did not run: {result.stderr}"
    report = json.loads(result.stdout)
    assert not report["errors"], f"bandit could not read: {report['errors']}"
    serious = [
        r
        for r in report["results"]
        if r["issue_severity"] in ("MEDIUM", "HIGH") and _bandit_allowed(r) is None
    ]
    used = {_bandit_allowed(r) for r in report["results"]} - {None}
    stale = [e for e in ALLOWLIST if e.rule.startswith("B") and e not in used]
    lines = [
        f"{r['filename']}:{r['line_number']}: {r['test_id']} {r['test_name']} "
        f"({r['issue_severity']}, confidence {r['issue_confidence']}): {r['issue_text']}"
        for r in serious
    ]
    print("\n".join(lines))
    assert not serious, "bandit:\n" + "\n".join(lines)
    assert not stale, f"allowlist entries that match nothing any more (remove them): {stale}"


def _bandit_allowed(result: dict) -> Allowed | None:
    """The entry for a bandit result: same file and test, and the flagged line (or the one
    after it, for a call spread over lines) contains the entry's text."""
    lines = (ROOT / result["filename"]).read_text(encoding="utf-8").splitlines()
    number = result["line_number"]
    text = "\n".join(lines[number - 1 : number + 1])
    for entry in ALLOWLIST:
        if (
            entry.path == result["filename"]
            and entry.rule == result["test_id"]
            and entry.line_contains in text
        ):
            return entry
    return None


# ------------------------------------------------------------------------------
# The scan
# ------------------------------------------------------------------------------

TEMPLATE_RULES = {
    "safe-filter": re.compile(r"\|\s*safe(seq)?\b"),
    "filter-safe": re.compile(r"\{%\s*filter\s[^%]*\bsafe(seq)?\b"),
    "autoescape-off": re.compile(r"\{%\s*autoescape\s+off\s*%\}"),
}
# Plain-text templates (email bodies and subjects) are never HTML: escaping them would put
# "&amp;" into the mail, so `autoescape off` is right there.
PLAIN_TEXT_SUFFIXES = {".txt"}

SQL_SINKS = {"execute", "executemany", "executescript", "raw", "copy"}
ALWAYS_FLAGGED_CALLS = {
    "mark_safe": "mark-safe",
    "SafeString": "mark-safe",
    "SafeText": "mark-safe",
    "extra": "queryset-extra",
    "RawSQL": "raw-sql",
}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: str
    source: str  # the whole flagged expression (or template line)

    def __str__(self) -> str:
        text = " ".join(self.source.split())
        return f"{self.path}:{self.line}: {self.rule}: {text[:160]}"


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _formatted(node: ast.AST, assigned: dict[str, list[ast.AST]], depth: int = 0) -> bool:
    """True for a string built from values: an f-string with a field, `%`, `+` with a
    non-literal, `.format()` or `.join()`; a name counts if it was assigned such a string."""
    if depth > 3:
        return False
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return not all(isinstance(s, ast.Constant) for s in (node.left, node.right)) or any(
            _formatted(s, assigned, depth + 1) for s in (node.left, node.right)
        )
    if isinstance(node, ast.Call) and _name(node.func) in ("format", "join"):
        return isinstance(node.func, ast.Attribute)
    if isinstance(node, ast.Name):
        return any(_formatted(v, assigned, depth + 1) for v in assigned.get(node.id, []))
    return False


def _assignments(tree: ast.Module) -> dict[str, list[ast.AST]]:
    """The values assigned to each name anywhere in the file (a name reused in two functions
    counts for both: the check errs on the side of flagging)."""
    assigned: dict[str, list[ast.AST]] = {}
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                assigned.setdefault(target.id, []).append(node.value)
    return assigned


def scan_python(source: str, path: str) -> list[Finding]:
    tree = ast.parse(source, filename=path)
    lines = source.splitlines()
    found: set[Finding] = set()

    def add(node: ast.AST, rule: str) -> None:
        segment = ast.get_source_segment(source, node) or lines[node.lineno - 1]
        found.add(Finding(path, node.lineno, rule, segment))

    assigned = _assignments(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            for decorator in node.decorator_list:
                if _name(decorator) == "mark_safe":
                    add(decorator, "mark-safe")
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name in ALWAYS_FLAGGED_CALLS:
            add(node, ALWAYS_FLAGGED_CALLS[name])
        first = node.args[0] if node.args else None
        if first is None:
            first = next((k.value for k in node.keywords if k.arg in ("sql", "raw_query")), None)
        if first is None:
            continue
        if name in SQL_SINKS and _formatted(first, assigned):
            add(node, "sql-formatting")
        if name == "raw" and isinstance(node.func, ast.Attribute):
            add(node, "raw-sql")
        if name in ("format_html", "format_html_join") and _formatted(
            node.args[1] if name == "format_html_join" and len(node.args) > 1 else first, assigned
        ):
            # The format string itself built from values: those values are not escaped.
            add(node, "format-html-preformatted")
    # A template written inside Python code; a bare string (a docstring) is no template.
    bare = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in bare:
            for rule, pattern in TEMPLATE_RULES.items():
                if rule != "autoescape-off" and pattern.search(node.value):
                    add(node, rule)
    return sorted(found, key=lambda f: (f.line, f.rule))


def scan_template(text: str, path: str) -> list[Finding]:
    found = []
    plain_text = Path(path).suffix in PLAIN_TEXT_SUFFIXES
    for number, line in enumerate(text.splitlines(), start=1):
        for rule, pattern in TEMPLATE_RULES.items():
            if rule == "autoescape-off" and plain_text:
                continue
            if pattern.search(line):
                found.append(Finding(path, number, rule, line))
    return found


def _allowed(finding: Finding) -> Allowed | None:
    for entry in ALLOWLIST:
        if (
            entry.path == finding.path
            and entry.rule == finding.rule
            and entry.line_contains in finding.source
        ):
            return entry
    return None


def _all_findings() -> list[Finding]:
    findings = []
    for path in _python_files():
        rel = path.relative_to(ROOT).as_posix()
        findings += scan_python(path.read_text(encoding="utf-8"), rel)
    for path in _template_files():
        rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
        findings += scan_template(path.read_text(encoding="utf-8", errors="replace"), rel)
    return findings


def test_no_unsafe_html_or_formatted_sql_outside_the_allowlist():
    findings = _all_findings()
    unexpected = [f for f in findings if _allowed(f) is None]
    used = {_allowed(f) for f in findings} - {None}
    stale = [e for e in ALLOWLIST if not e.rule.startswith("B") and e not in used]
    for finding in unexpected:
        print(finding)
    assert not unexpected, "not in the allowlist:\n" + "\n".join(map(str, unexpected))
    assert not stale, f"allowlist entries that match nothing any more (remove them): {stale}"


def test_the_scan_covers_the_apps_and_templates():
    assert {"accounts", "applicants", "programs", "projects", "config"} <= set(APP_DIRS)
    files = {p.relative_to(ROOT).as_posix() for p in _python_files()}
    assert "projects/views/host.py" in files
    assert not any("/migrations/" in f for f in files)
    assert any(p.name == "base.html" for p in _template_files())


# The scanner itself, on small samples: what it must flag and what it must leave alone.
FLAGGED = [
    ("from django.utils.safestring import mark_safe\nx = mark_safe(y)", "mark-safe"),
    ("import django.utils.safestring as s\nx = s.mark_safe(y)", "mark-safe"),
    ("@mark_safe\ndef f():\n    pass", "mark-safe"),
    ("x = SafeString(y)", "mark-safe"),
    ("qs = Project.objects.extra(where=['1=1'])", "queryset-extra"),
    ("qs = Project.objects.raw('SELECT * FROM p')", "raw-sql"),
    ("qs = Project.objects.annotate(n=RawSQL('SELECT 1', []))", "raw-sql"),
    ("cursor.execute(f'SELECT * FROM t WHERE id = {pk}')", "sql-formatting"),
    ("cursor.execute('SELECT * FROM t WHERE id = %s' % pk)", "sql-formatting"),
    ("cursor.execute('SELECT * FROM t WHERE id = ' + pk)", "sql-formatting"),
    ("cursor.execute('SELECT * FROM t WHERE id = {}'.format(pk))", "sql-formatting"),
    (
        "def f(pk):\n    sql = f'DELETE FROM t WHERE id = {pk}'\n    c.execute(sql)",
        "sql-formatting",
    ),
    ("cursor.executemany(f'INSERT INTO {t} VALUES (%s)', rows)", "sql-formatting"),
    ("html = format_html(f'<b>{name}</b>')", "format-html-preformatted"),
    ("html = format_html('<b>%s</b>' % name)", "format-html-preformatted"),
    ("t = Template('{{ value|safe }}')", "safe-filter"),
]
CLEAN = [
    "cursor.execute('SELECT 1')",
    "cursor.execute('SELECT * FROM t WHERE id = %s', [pk])",
    "cursor.execute('SELECT ' '1')",
    "html = format_html('<b>{}</b>', name)",
    "data = row.copy()",
    "# cursor.execute(f'SELECT {x}') in a comment\nx = 1",
    "'''mark_safe(x) in a docstring'''",
    "x = {'safe': 1}",
]


@pytest.mark.parametrize(("source", "rule"), FLAGGED)
def test_the_scanner_flags(source, rule):
    assert rule in {f.rule for f in scan_python(source, "sample.py")}


@pytest.mark.parametrize("source", CLEAN)
def test_the_scanner_leaves_alone(source):
    assert scan_python(source, "sample.py") == []


@pytest.mark.parametrize(
    ("text", "suffix", "rule"),
    [
        ("{{ project.summary|safe }}", ".html", "safe-filter"),
        ("{{ items | safeseq | join:', ' }}", ".html", "safe-filter"),
        ("{% filter force_escape|safe %}x{% endfilter %}", ".html", "filter-safe"),
        ("{% autoescape off %}{{ x }}{% endautoescape %}", ".html", "autoescape-off"),
    ],
)
def test_the_template_scan_flags(text, suffix, rule):
    assert rule in {f.rule for f in scan_template(text, f"t{suffix}")}


def test_the_template_scan_allows_autoescape_off_in_plain_text_only():
    text = "{% autoescape off %}Dear {{ name }},{% endautoescape %}"
    assert scan_template(text, "emails/ja/x.txt") == []
    assert scan_template("{{ safe_value }} {{ x|safer }}", "t.html") == []
