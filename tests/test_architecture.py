"""The floors of the house: each app imports only the apps to its left."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLOORS = ["accounts", "programs", "projects", "applicants", "coordinators"]
APPS = [*FLOORS, "notifications"]


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & set(APPS)
    return found


def _allowed(app: str) -> set[str]:
    if app == "notifications":
        return {"notifications"}
    return {*FLOORS[: FLOORS.index(app) + 1], "notifications"}


@pytest.mark.parametrize("app", APPS)
def test_app_imports_only_the_apps_to_its_left(app):
    offenders = {}
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        wrong = _imported_apps(path) - _allowed(app)
        if wrong:
            offenders[str(path.relative_to(ROOT))] = sorted(wrong)
    assert offenders == {}
