"""`scripts/ensure-browser` (run by `make test`): outside CI it never fails the run, it says why
the browser could not be installed; with CI=true it fails loudly."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "ensure-browser"


def stub(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """A PATH of stubs: fonts present, chromium missing, a user `uid` without root."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    stub(bin_dir, "fc-list", 'echo "NotoSansCJK-Regular.ttc: Noto Sans CJK JP:style=Regular"')
    stub(bin_dir, "grep", 'exec /bin/grep "$@"')

    def run(*, uid=1000, sudo=None, apt_exit=0, ci=None):
        stub(bin_dir, "id", f'[ "$1" = "-u" ] && echo {uid}')
        stub(bin_dir, "apt-get", f'echo "apt-get $*" >> {calls}; exit {apt_exit}')
        stub(bin_dir, "env", 'shift; exec "$@"')  # env DEBIAN_FRONTEND=... apt-get ...
        sudo_path = bin_dir / "sudo"
        if sudo is None:
            sudo_path.unlink(missing_ok=True)
        else:
            stub(bin_dir, "sudo", sudo.replace("CALLS", str(calls)))
        environment = {
            "PATH": f"{bin_dir}:/bin:/usr/bin",
            "CHROMIUM": str(tmp_path / "no-chromium"),
        }
        if ci is not None:
            environment["CI"] = ci
        result = subprocess.run(
            ["/bin/bash", str(SCRIPT)],
            env=environment,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        result.calls = calls.read_text() if calls.exists() else ""
        return result

    return run


# A sudo that would ask for a password: with -n it refuses at once.
PASSWORD_SUDO = '[ "$1" = "-n" ] && { echo "sudo: a password is required" >&2; exit 1; }; exit 1'
# A sudo that needs no password: runs the command.
FREE_SUDO = 'echo "sudo $*" >> CALLS; [ "$1" = "-n" ] && shift; exec "$@"'


@pytest.mark.parametrize(
    ("case", "kwargs", "reason"),
    [
        ("no root, no sudo", {"sudo": None}, "needs root"),
        ("sudo asks a password", {"sudo": PASSWORD_SUDO}, "needs root"),
        ("offline as root", {"uid": 0, "apt_exit": 100}, "apt-get update failed"),
        ("offline with sudo", {"sudo": FREE_SUDO, "apt_exit": 100}, "apt-get update failed"),
    ],
)
def test_without_ci_it_explains_and_lets_make_test_go_on(machine, case, kwargs, reason):
    result = machine(**kwargs)
    assert result.returncode == 0, case
    assert reason in result.stderr
    assert "chromium" in result.stderr
    assert "skipped" in result.stderr


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sudo": None},
        {"sudo": PASSWORD_SUDO},
        {"uid": 0, "apt_exit": 100},
    ],
)
def test_with_ci_true_it_fails_loudly(machine, kwargs):
    result = machine(ci="true", **kwargs)
    assert result.returncode == 1
    assert "CI=true" in result.stderr


def test_sudo_is_never_asked_for_a_password(machine):
    result = machine(sudo=FREE_SUDO)
    sudo_calls = [line for line in result.calls.splitlines() if line.startswith("sudo ")]
    assert any("apt-get" in line for line in sudo_calls)
    assert all(line.startswith("sudo -n ") for line in sudo_calls)
    # apt-get "installs" here but no chromium appears: said, and make test goes on.
    assert result.returncode == 0
    assert "still missing" in result.stderr


def test_installs_with_apt_as_root(machine):
    result = machine(uid=0)
    assert "update" in result.calls
    assert "install -y -qq --no-install-recommends chromium" in result.calls


def _installed() -> bool:
    if shutil.which("fc-list") is None:
        return False
    fonts = subprocess.run(["fc-list"], capture_output=True, text=True, check=False).stdout
    return os.access("/usr/bin/chromium", os.X_OK) and "Noto Sans CJK" in fonts


@pytest.mark.skipif(not _installed(), reason="needs /usr/bin/chromium and fonts-noto-cjk")
def test_nothing_to_do_where_the_browser_is_installed():
    result = subprocess.run(
        ["/bin/bash", str(SCRIPT)],
        env={**os.environ, "CI": "true"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == result.stderr == ""
