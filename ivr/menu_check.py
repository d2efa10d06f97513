"""Checks on a whole menu tree that no single field shows: where callers can go, and get stuck.

Errors refuse the file (the last good tree keeps serving); warnings are reported by
`hotline ivr check` but do not stop a file from loading.
"""
from __future__ import annotations

from dataclasses import dataclass

from ivr.menu import EXITS, QUEUES, MenuTree


@dataclass(frozen=True)
class Problem:
    severity: str  # "error" | "warning"
    message: str  # "file:line: field: what is wrong"


def _edges(tree: MenuTree) -> dict[str, set[str]]:
    """Which nodes each node leads to through its options."""
    edges: dict[str, set[str]] = {}
    for name, node in tree.nodes.items():
        targets = edges.setdefault(name, set())
        for option in node.options:
            if option.action.kind == "goto" and option.action.node:
                targets.add(option.action.node)
            elif option.action.kind == "info":
                targets.add(option.action.node or name)
    return edges


def check_menu(tree: MenuTree) -> list[Problem]:
    problems: list[Problem] = []

    def add(severity: str, line: int, field: str, message: str) -> None:
        problems.append(Problem(severity, f"{tree.source}:{line}: {field}: {message}"))

    for field in ("start", "known_caller_start"):
        name = getattr(tree, field)
        if name and name not in tree.nodes:
            add("error", tree.lines.get(field, 1), field, f"unknown node {name!r}")

    for name, node in tree.nodes.items():
        if not node.options:
            add("error", node.line, f"nodes.{name}", "dead end: no options lead anywhere")
        spoken: dict[str, int] = {}
        for index, option in enumerate(node.options):
            field = f"nodes.{name}.options[{index}]"
            action = option.action
            if action.kind in ("goto", "info") and action.node and action.node not in tree.nodes:
                which = "goto" if action.kind == "goto" else "then"
                add("error", tree.lines.get(f"{field}.{which}", option.line), f"{field}.{which}",
                    f"unknown node {action.node!r}")
            if action.kind == "queue" and action.queue not in QUEUES:
                add("error", tree.lines.get(f"{field}.queue", option.line), f"{field}.queue",
                    f"unknown queue {action.queue!r} (queues: {', '.join(QUEUES)})")
            for words in option.words.values():
                for word in words:
                    if word in spoken and spoken[word] != index:
                        add("error", tree.lines.get(f"{field}.words", option.line), f"{field}.words",
                            f"duplicate spoken word {word!r} (also options[{spoken[word]}])")
                    spoken[word] = index

    edges = _edges(tree)
    reached: set[str] = set()
    frontier = [n for n in (tree.start, tree.known_caller_start) if n in tree.nodes]
    while frontier:
        name = frontier.pop()
        if name in reached:
            continue
        reached.add(name)
        frontier.extend(t for t in edges.get(name, ()) if t in tree.nodes)
    for name, node in tree.nodes.items():
        if name not in reached:
            add("warning", node.line, f"nodes.{name}", "unreachable: no path from the start leads here")

    # A node "has an exit" when some path of options from it leaves the menu (to a queue, the ticket
    # lookup, a message or a goodbye). Nodes without one trap callers until they give up.
    has_exit = {name for name, node in tree.nodes.items() if any(o.action.kind in EXITS for o in node.options)}
    changed = True
    while changed:
        changed = False
        for name, targets in edges.items():
            if name not in has_exit and targets & has_exit:
                has_exit.add(name)
                changed = True
    trapped = [name for name, node in tree.nodes.items() if node.options and name not in has_exit]
    if trapped:
        looped = sorted(n for n in trapped if _on_cycle(n, edges))
        for name in looped:
            add("error", tree.nodes[name].line, f"nodes.{name}",
                f"cycle with no exit: {' -> '.join(_cycle_from(name, edges))} never reaches a queue, "
                "the ticket lookup, a message or a goodbye")
        for name in sorted(set(trapped) - set(looped)):
            add("error", tree.nodes[name].line, f"nodes.{name}", "dead end: no path leads out of the menu")
    return problems


def _on_cycle(start: str, edges: dict[str, set[str]]) -> bool:
    seen: set[str] = set()
    frontier = list(edges.get(start, ()))
    while frontier:
        name = frontier.pop()
        if name == start:
            return True
        if name not in seen:
            seen.add(name)
            frontier.extend(edges.get(name, ()))
    return False


def _cycle_from(start: str, edges: dict[str, set[str]]) -> list[str]:
    """One loop through `start`, for the message (breadth first, so the shortest)."""
    paths = [[start]]
    seen = {start}
    while paths:
        path = paths.pop(0)
        for target in sorted(edges.get(path[-1], ())):
            if target == start:
                return path + [start]
            if target not in seen:
                seen.add(target)
                paths.append(path + [target])
    return [start]
