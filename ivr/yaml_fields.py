"""Reading composed YAML with the line of every field, so each problem names file, line and field.

The YAML is composed (not just loaded) so every value keeps its line, and duplicate mapping keys,
which PyYAML would otherwise silently overwrite, are caught.
"""
from __future__ import annotations

import yaml

from ivr.menu import LANGUAGES


class MenuError(ValueError):
    """The menu file cannot be used; `problems` are lines like "menu.yaml:12: nodes.main.prompt: ..."."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class FieldReader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []
        self.lines: dict[str, int] = {}

    def fail(self, node: yaml.Node | None, path: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.fail_at(line, path, message)

    def fail_at(self, line: int, path: str, message: str) -> None:
        self.problems.append(f"{self.source}:{line}: {path}: {message}")

    def mapping(self, node: yaml.Node | None, path: str) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, path, "expected a mapping")
            return None
        self.lines.setdefault(path, node.start_mark.line + 1)
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in result:
                self.fail(key_node, f"{path}.{key}", "duplicate key")
                continue
            result[key] = value_node
            # A field is named by the line of its key: that is where an operator looks.
            self.lines[f"{path}.{key}"] = key_node.start_mark.line + 1
        return result

    def scalar(self, node: yaml.Node | None, path: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.value == "" and node.tag.endswith(":null"):
            self.fail(node, path, "expected a text value")
            return None
        self.lines.setdefault(path, node.start_mark.line + 1)
        return str(node.value)

    def texts(self, node: yaml.Node | None, path: str, languages: tuple[str, ...]) -> dict[str, str]:
        """A text per language; a missing or unknown language is a problem."""
        items = self.mapping(node, path)
        if items is None:
            return {}
        texts: dict[str, str] = {}
        for language, value in items.items():
            if language not in LANGUAGES:
                self.fail(value, f"{path}.{language}", f"unknown language (use {', '.join(LANGUAGES)})")
                continue
            text = self.scalar(value, f"{path}.{language}")
            if text is not None and not text.strip():
                self.fail(value, f"{path}.{language}", "empty text")
            elif text is not None:
                texts[language] = text.strip()
        for language in languages:
            if language not in items:
                self.fail_at(self.lines.get(path, 1), path, f"missing translation for {language}")
        return texts

    def words(self, node: yaml.Node, path: str) -> dict[str, tuple[str, ...]]:
        items = self.mapping(node, path) or {}
        words: dict[str, tuple[str, ...]] = {}
        for language, value in items.items():
            if language not in LANGUAGES:
                self.fail(value, f"{path}.{language}", f"unknown language (use {', '.join(LANGUAGES)})")
                continue
            if isinstance(value, yaml.ScalarNode):
                words[language] = (str(value.value),)
            elif isinstance(value, yaml.SequenceNode):
                found = [self.scalar(v, f"{path}.{language}[{i}]") for i, v in enumerate(value.value)]
                words[language] = tuple(w.strip().lower() for w in found if w and w.strip())
            else:
                self.fail(value, f"{path}.{language}", "expected a list of words")
        return {k: tuple(w.lower() for w in v) for k, v in words.items()}
