"""The menu's ways of reading fields on top of the shared data-file reader (hotline.data_files)."""
from __future__ import annotations

import yaml

from hotline.data_files import DataError, Reader
from ivr.menu import LANGUAGES


MenuError = DataError  # the menu's problems, like every data file's: "menu.yaml:12: nodes.main.prompt: ..."


class FieldReader(Reader):
    """The shared reader with the menu's own ways of reading translations and spoken words."""

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
