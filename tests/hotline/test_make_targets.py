"""The two commands: `make run` installs what running needs (with the sandbox), `make test` the test extra and the
Debian tools; without root the tools step says exactly what to run and lets the suite go on."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def planned(target: str) -> str:
    """What `make TARGET` would run from nothing (-B: as if no stamp existed; -n: print, run nothing).

    Run from `make test`, the child would inherit MAKEFLAGS and MAKELEVEL and print "Entering
    directory" lines around its plan: it is started as from a shell."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    return subprocess.run(["make", "--no-print-directory", "-B", "-n", target], cwd=ROOT, capture_output=True,
                          text=True, check=True, env=env).stdout


@needs_make
def test_make_run_installs_the_package_and_the_sandbox_without_the_test_extra():
    plan = planned("run")
    assert "pip install --quiet -e '.[sandbox]'\n" in plan
    assert "test" not in "".join(line for line in plan.splitlines() if "pip install" in line)
    assert "install-system-packages" not in plan
    assert plan.rstrip().endswith("-m hotline.cli serve")


@needs_make
def test_make_test_installs_the_test_extra_the_sandbox_and_the_debian_tools():
    plan = planned("test")
    assert "pip install --quiet -e '.[test,sandbox]'" in plan
    assert "scripts/install-system-packages.sh" in plan
    assert plan.index("install-system-packages") < plan.index("-m pytest")


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                    reason="needs root and setpriv to run the script as another user")
def test_without_root_the_tools_step_prints_the_command_and_succeeds(tmp_path):
    (tmp_path / "id").symlink_to(shutil.which("id"))  # a PATH with none of espeak-ng, sox, chromium
    done = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env",
                           f"PATH={tmp_path}", "/bin/bash", str(ROOT / "scripts" / "install-system-packages.sh")],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ("missing espeak-ng sox chromium: run `sudo apt-get install -y espeak-ng sox chromium` "
                           "(the tests that need them are skipped)\n")
