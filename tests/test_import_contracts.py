"""The package graph's contracts ([tool.importlinter] in pyproject.toml), checked with import-linter.

Each contract is also broken on purpose in a copy of the tree, so a contract that stopped checking
anything (a renamed package, a typo in a module name) fails here instead of passing quietly.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # lint-imports over copies of the tree

ROOT = Path(__file__).resolve().parents[1]
PLUMBING = "hotline (the plumbing) imports no area"
PRODUCTION = "Production code never imports the sandbox"
LAYERS = "The sandbox is layered"
ACYCLIC = "No import cycles inside the sandbox"
AREAS_APART = "Areas import each other only through hotline.contracts"
NO_CYCLES = "No import cycles inside the plumbing or an area"


def importlinter_config() -> dict:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def root_packages() -> list[str]:
    return importlinter_config()["root_packages"]


def contract_named(name: str) -> dict:
    return next(c for c in importlinter_config()["contracts"] if c["name"].startswith(name))


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.fail(f"import-linter is not installed: {sys.executable} -m pip install -e '.[test]'")
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(lint), "--no-cache", "--config", str(tree / "pyproject.toml")], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=120)


def broken_section(result: subprocess.CompletedProcess) -> str:
    """What import-linter prints under "Broken contracts": each broken contract's name and chains."""
    return result.stdout.partition("Broken contracts")[2]


def test_the_package_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout
    for name in (PLUMBING, PRODUCTION, LAYERS, ACYCLIC, AREAS_APART, NO_CYCLES):
        assert name in result.stdout.replace("\n", " ")


def test_the_contracts_name_every_registered_area():
    """hotline.AREAS is the one list of areas: the plumbing's contract forbids each of them, the
    sandbox's covers the plumbing and each of them, and import-linter analyses them all."""
    from hotline import AREAS

    assert contract_named(PLUMBING)["source_modules"] == ["hotline"]
    assert contract_named(PLUMBING)["forbidden_modules"] == list(AREAS)
    assert contract_named(PRODUCTION)["source_modules"] == ["hotline", *AREAS]
    assert set(root_packages()) == {"hotline", "sandbox", *AREAS}
    assert contract_named(AREAS_APART)["modules"] == list(AREAS)
    assert contract_named(NO_CYCLES)["ancestors"] == ["hotline", *AREAS]


def test_no_edge_between_areas_is_left_outside_the_contracts():
    """"Areas apart" has no exceptions: every question between areas is a Protocol of
    hotline.contracts (the last, transcription -> recordings, became RecordingAudio)."""
    assert "ignore_imports" not in contract_named(AREAS_APART)


@pytest.fixture
def tree(tmp_path) -> Path:
    """The root packages' Python files and pyproject.toml, to break one import in."""
    copy = tmp_path / "tree"
    keep_python = lambda folder, names: [n for n in names  # noqa: E731
                                         if not n.endswith(".py") and not (Path(folder) / n).is_dir()
                                         or n == "__pycache__"]
    for package in root_packages():
        shutil.copytree(ROOT / package, copy / package, ignore=keep_python)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


@pytest.mark.parametrize("module, line, contract", [
    # The plumbing reaching an area, at module level, inside a function, or through an area's
    # package (which imports its own modules).
    ("hotline/settings.py", "from tickets.models import Customer", PLUMBING),
    ("hotline/api/tokens.py", "def _viewer():\n    from access import policy\n    return policy", PLUMBING),
    ("hotline/voice.py", "import routing", PLUMBING),
    ("hotline/gateway/__init__.py", "from messaging.outbox import send_sms", PLUMBING),
    # An area reaching the sandbox directly, and the plumbing reaching it past its one door.
    ("routing/__init__.py", "from sandbox.simulator import Simulator", PRODUCTION),
    ("hotline/gateway/__init__.py", "from sandbox.rest.server import ensure_sandbox", PRODUCTION),
    ("tickets/models.py", "import sandbox", PRODUCTION),
    # A lower layer of the sandbox importing a higher one.
    ("sandbox/twiml/verbs.py", "from sandbox.simulator import Simulator", LAYERS),
    ("sandbox/engine/__init__.py", "import sandbox.twiml.document", LAYERS),
    ("sandbox/rest/api.py", "from sandbox.simulator.live import LiveSimulator", LAYERS),
    # Two modules of one layer importing each other (verbs already imports dialing).
    ("sandbox/twiml/dialing.py", "from sandbox.twiml.verbs import run_verbs", ACYCLIC),
    # An area reaching another's internals or its package, at module level or inside a function,
    # instead of asking hotline.contracts.
    ("desk/caller_context.py", "from tickets.models import Customer", AREAS_APART),
    ("routing/views.py", "def _vip(phone):\n    from tickets.models import Customer\n    return Customer", AREAS_APART),
    ("access/policy.py", "import tickets", AREAS_APART),
    ("revisits/schedule.py", "from tickets.revisit_desk import RevisitDesk", AREAS_APART),
    ("ivr/views.py", "from routing.presence import agents_on_shift", AREAS_APART),
    ("transcription/pipeline.py", "from recordings.download import stored_file", AREAS_APART),
    # Supervision reading another area's tables instead of asking for its counts (CallKpis...).
    ("supervision/kpi_report.py", "from routing.models import RoutedCall", AREAS_APART),
    ("tickets/kpi_queries.py", "from supervision.kpis import FIGURES", AREAS_APART),
    # Two modules of an area, or of the plumbing, importing each other.
    ("ivr/turns.py", "def _back():\n    from ivr.views import incoming\n    return incoming", NO_CYCLES),
    ("hotline/params.py", "from hotline.api import keyset", NO_CYCLES),
    ("tickets/models.py", "from tickets import cases", NO_CYCLES),
])
def test_each_contract_fails_when_broken(tree, module, line, contract):
    path = tree / module
    path.write_text(path.read_text() + f"\n{line}  # noqa: E402\n")
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert contract in broken_section(result), result.stdout
