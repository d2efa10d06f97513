"""Print which area imports which, from the real imports (grimp, installed with import-linter).

    python scripts/area_graph.py            # a mermaid graph, as in docs/DEVELOPING.md
    python scripts/area_graph.py --edges    # each area-to-area edge with the modules that make it

Run from the project root; function-local imports count (grimp reads every import statement).
"""
from __future__ import annotations

import sys
from pathlib import Path

import grimp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hotline import AREAS  # noqa: E402


def edges(graph: grimp.ImportGraph) -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for importer in sorted(graph.modules):
        area = importer.split(".")[0]
        if area not in AREAS:
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            other = imported.split(".")[0]
            if other in AREAS and other != area:
                found.setdefault((area, other), []).append(f"{importer} -> {imported}")
    return found


def main() -> None:
    graph = grimp.build_graph("hotline", *AREAS)
    found = edges(graph)
    if "--edges" in sys.argv:
        for (area, other), lines in found.items():
            print(f"{area} -> {other}: {'; '.join(lines)}")
        return
    print("graph TD")
    print("    %% every area imports hotline (the plumbing), which imports none of them: not drawn")
    for area, other in found:
        print(f"    {area} --> {other}")


if __name__ == "__main__":
    main()
