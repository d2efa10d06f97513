"""Operator data files (YAML): one reader, one error format, one hot reload, one check.

Every YAML file an operator edits (the IVR menu, queue rules, desk scripts, QA rules, scorecard,
revisit scripts, SMS wording, the business calendar) is declared once as a `DataFile`: its name,
the shipped default, the setting that points elsewhere, and a parser that reads the composed YAML
through a `Reader`. The reader keeps going after a problem, so a check lists every mistake in the
file, each as `file:line: field: problem` (the line of the field's key: where an operator looks).

    QUEUES = DataFile("queue rules", Path(__file__).with_name("queues.yaml"), parse_rules,
                      setting="queue_rules_path")
    rules = QUEUES.load(path)            # the value, or DataError with every problem
    live = LiveFile(QUEUES, path)        # live.current(): re-read when the file changes

`LiveFile.current()` costs one stat when nothing changed. Each process (gunicorn worker, RQ
worker) re-reads on its own, so an edit reaches every process without a restart or shared state;
a broken edit is logged once per change and the last good value keeps serving.
`hotline check` validates every declared file of every area and lists all problems.
"""
from __future__ import annotations

import logging
import string
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Generic, Iterable, TypeVar

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

T = TypeVar("T")
log = logging.getLogger(__name__)

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"


class DataError(ValueError):
    """A data file cannot be used; `problems` are lines like `queues.yaml:12: queues.night.skill: ...`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Reader:
    """Reads composed YAML nodes into values, recording each problem with its file, line and field.

    Every method returns None (or an empty value) for a field it refused, after recording why, so a
    parser can read on and report the rest of the file too.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []
        self.lines: dict[str, int] = {}

    # -- problems --------------------------------------------------------------------------------
    def fail(self, node: yaml.Node | None, path: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else self.lines.get(path, 1)
        self.fail_at(line, path, message)

    def fail_at(self, line: int, path: str, message: str) -> None:
        self.problems.append(f"{self.source}:{line}: {path}: {message}" if path else
                             f"{self.source}:{line}: {message}")

    def line_of(self, path: str, node: yaml.Node | None = None) -> int:
        return self.lines.get(path) or (node.start_mark.line + 1 if node is not None else 1)

    # -- structure -------------------------------------------------------------------------------
    def mapping(self, node: yaml.Node | None, path: str, *, known: Iterable[str] | None = None,
                required: Iterable[str] = (), what: str = "expected a mapping") -> dict[str, yaml.Node] | None:
        """The mapping's fields by name; duplicate keys, unknown fields (when `known` is given) and
        missing `required` fields are problems."""
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, path, what)
            return None
        self.lines.setdefault(path, node.start_mark.line + 1)
        result: dict[str, yaml.Node] = {}
        allowed = set(known) if known is not None else None
        for key_node, value_node in node.value:
            key = str(key_node.value)
            where = f"{path}.{key}" if path else key
            if key in result:
                self.fail(key_node, where, "duplicate key")
                continue
            # A field is named by the line of its key: that is where an operator looks.
            self.lines[where] = key_node.start_mark.line + 1
            if allowed is not None and key not in allowed:
                self.fail(key_node, where, f"unknown field; fields are {', '.join(sorted(allowed))}")
                continue
            result[key] = value_node
        for name in required:  # a missing field is named at its mapping's key: where it belongs
            if name not in result:
                self.fail_at(self.line_of(path, node), f"{path}.{name}" if path else name, "missing field")
        return result

    def sequence(self, node: yaml.Node | None, path: str, *, non_empty: bool = False,
                 what: str = "expected a list") -> list[yaml.Node] | None:
        if not isinstance(node, yaml.SequenceNode) or (non_empty and not node.value):
            self.fail(node, path, what)
            return None
        self.lines.setdefault(path, node.start_mark.line + 1)
        return list(node.value)

    # -- scalars ---------------------------------------------------------------------------------
    def scalar(self, node: yaml.Node | None, path: str, what: str = "expected a text value") -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.value == "" and node.tag == _NULL:
            self.fail(node, path, what)
            return None
        self.lines.setdefault(path, node.start_mark.line + 1)
        return str(node.value)

    def text(self, node: yaml.Node | None, path: str, what: str = "expected a non-empty text") -> str | None:
        value = self.scalar(node, path, what)
        if value is not None and not value.strip():
            self.fail(node, path, what)
            return None
        return value

    def integer(self, node: yaml.Node | None, path: str, low: int | None = None, high: int | None = None,
                what: str | None = None) -> int | None:
        value = self.value(node) if isinstance(node, yaml.ScalarNode) and node.tag == _INT else None
        if not isinstance(value, int) or (low is not None and value < low) or (high is not None and value > high):
            self.fail(node, path, f"{what or _range('a whole number', low, high)}, got {_shown(node)}")
            return None
        return value

    def number(self, node: yaml.Node | None, path: str, low: float | None = None, high: float | None = None,
               what: str | None = None) -> float | None:
        ok = isinstance(node, yaml.ScalarNode) and node.tag in (_INT, _FLOAT)
        value = self.value(node) if ok else None
        if not isinstance(value, (int, float)) or (low is not None and value < low) \
                or (high is not None and value > high):
            self.fail(node, path, f"{what or _range('a number', low, high)}, got {_shown(node)}")
            return None
        return value

    def choice(self, node: yaml.Node | None, path: str, choices: Iterable[str]) -> str | None:
        options = tuple(choices)
        value = self.scalar(node, path, f"expected one of {', '.join(options)}")
        if value is not None and value not in options:
            self.fail(node, path, f"expected one of {', '.join(options)}, got {value!r}")
            return None
        return value

    def day(self, node: yaml.Node | None, path: str) -> date | None:
        value = self.value(node) if isinstance(node, yaml.ScalarNode) else None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(node, path, f"expected a date like 2026-10-01, got {_shown(node)}")
            return None

    def template(self, node: yaml.Node | None, path: str, allowed: Iterable[str], required: Iterable[str] = (),
                 what: str = "expected a non-empty text") -> str | None:
        """A text with `{placeholders}`: only `allowed` ones, every `required` one."""
        value = self.text(node, path, what)
        if value is None:
            return None
        try:
            names = {n for _, n, _, _ in string.Formatter().parse(value) if n is not None}
        except ValueError as exc:
            self.fail(node, path, f"broken placeholder ({exc})")
            return None
        known = set(allowed)
        if names - known:
            self.fail(node, path, f"unknown placeholder {{{sorted(names - known)[0]}}}; "
                                  f"known: {', '.join(sorted(known))}")
            return None
        missing = [n for n in required if n not in names]
        if missing:
            self.fail(node, path, f"must mention {{{missing[0]}}}")
            return None
        return value

    def texts(self, node: yaml.Node | None, path: str, languages: Iterable[str], *,
              required: Iterable[str] | None = None, allowed: Iterable[str] | None = None,
              must_mention: Iterable[str] = ()) -> dict[str, str]:
        """One text per language: an unknown language or a missing translation is a problem; with
        `allowed`, texts are templates checked like `template`."""
        languages = tuple(languages)
        items = self.mapping(node, path, what=f"expected one text per language ({', '.join(languages)})")
        if items is None:
            return {}
        for language in (languages if required is None else required):
            if language not in items:
                self.fail_at(self.line_of(path, node), f"{path}.{language}", "missing translation")
        texts: dict[str, str] = {}
        for language, value in items.items():
            where = f"{path}.{language}"
            if language not in languages:
                self.fail_at(self.lines[where], where, f"unknown language (use {', '.join(languages)})")
                continue
            text = (self.template(value, where, allowed, must_mention) if allowed is not None
                    else self.text(value, where))
            if text is not None:
                texts[language] = text
        return texts

    def value(self, node: yaml.Node | None) -> Any:
        """The plain Python value of a node (for free-form parts the parser checks itself)."""
        if node is None:
            return None
        try:
            return SafeConstructor().construct_document(node)
        except ConstructorError as exc:
            self.fail(node, "", f"cannot read the value ({exc.problem})")
            return None


def _range(noun: str, low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"expected {noun} {low}-{high}"
    if low is not None:
        return f"expected {noun} >= {low}"
    return f"expected {noun}"


def _shown(node: yaml.Node | None) -> str:
    if isinstance(node, yaml.ScalarNode):
        return repr(node.value) if node.tag not in (_INT, _FLOAT, _BOOL) else node.value
    return "nothing" if node is None else "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"


def read(text: str, source: str, parse: Callable[..., T], reader_class: type[Reader] = Reader,
         **context: Any) -> tuple[T | None, list[str]]:
    """Parse YAML `text` with `parse(reader, root, **context)`: the value and every problem found."""
    reader = reader_class(source)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return None, [f"{source}:{line}: not valid YAML ({getattr(exc, 'problem', None) or exc})"]
    value = parse(reader, root, **context)
    return value, reader.problems


def read_file(path: Path, parse: Callable[..., T], reader_class: type[Reader] = Reader,
              **context: Any) -> tuple[T | None, list[str]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{path}:1: cannot read the file ({getattr(exc, 'strerror', None) or exc})"]
    return read(text, str(path), parse, reader_class, **context)


@dataclass(frozen=True)
class DataFile(Generic[T]):
    """One kind of operator file: `parse(reader, root, **context)` builds its value from the
    composed YAML (root is None for an empty file) and records problems on the reader."""

    name: str
    default: Path
    parse: Callable[..., Any]
    setting: str | None = None  # the Settings attribute naming the operator's own file
    # Context a parse needs from the settings (the calendar follows TIMEZONE), by keyword.
    context: Callable[[Any], dict[str, Any]] = field(default=lambda settings: {})
    reader_class: type[Reader] = Reader  # a file with field kinds of its own reads through a subclass
    locate: Callable[[Any], Path | None] | None = None  # where the settings put it, when not one setting
    error: type[DataError] = DataError  # what `load` raises (a subclass callers already catch)

    def path(self, settings: Any = None) -> Path:
        if self.locate is not None and settings is not None:
            return Path(self.locate(settings) or self.default)
        chosen = getattr(settings, self.setting, None) if settings is not None and self.setting else None
        return Path(chosen or self.default)

    def check(self, path: Path | None = None, **context: Any) -> tuple[T | None, list[str]]:
        value, problems = read_file(path or self.default, self.parse, self.reader_class, **context)
        return (value if not problems else None), problems

    def load(self, path: Path | None = None, **context: Any) -> T:
        """The file's value, or `DataError` listing every problem in it."""
        value, problems = self.check(path, **context)
        if problems or value is None:
            raise self.error(problems or [f"{path or self.default}:1: {self.name}: the file is empty"])
        return value


class LiveFile(Generic[T]):
    """A data file as a running process sees it: re-read when it changes, the last good value kept.

    `current()` stats the file (modification time and size) and re-reads only when that changed;
    a file that fails its checks is logged once per change and the previous value keeps serving.
    With nothing to fall back on at start-up, `fallback` (a shipped default) serves if given;
    otherwise the error is raised, so a broken file stops start-up.
    """

    def __init__(self, spec: DataFile[T], path: Path | None = None, *, fallback: Path | None = None,
                 context: dict[str, Any] | None = None) -> None:
        self.spec = spec
        self.path = Path(path or spec.default)
        self.fallback = fallback
        self.context = context or {}
        self.last_error: str | None = None
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._value: T | None = None

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def current(self) -> T:
        stamp = self._file_stamp()
        value = self._value
        if value is not None and stamp == self._stamp:
            return value
        with self._lock:
            if self._value is None or stamp != self._stamp:
                self._reload(stamp)
            assert self._value is not None
            return self._value

    def _reload(self, stamp: tuple[int, int] | None) -> None:
        try:
            value = self.spec.load(self.path, **self.context)
        except DataError as exc:
            self._stamp = stamp  # once per change: the next request does not re-read a broken file
            self.last_error = str(exc)
            if self._value is None and self.fallback is None:
                raise
            keeping = "keeping the last good version" if self._value is not None else "serving the shipped default"
            log.error("%s refused, %s:\n%s", self.spec.name, keeping, exc)
            if self._value is None:
                self._value = self.spec.load(self.fallback, **self.context)
            return
        if self._value is not None:
            log.info("%s reloaded from %s", self.spec.name, self.path)
        self._stamp = stamp
        self._value = value
        self.last_error = None


def check_all(files: Iterable[DataFile[Any]], settings: Any, tree: Path | None = None,
              root: Path | None = None) -> tuple[list[str], list[str]]:
    """(what passed, every problem) for each declared file at the path the settings give it; with
    `tree`, a file present there at its place in the source tree (`routing/queues.yaml`, relative
    to `root`) is checked instead: an operator's edited copy of the data files, before it goes live."""
    passed: list[str] = []
    problems: list[str] = []
    for spec in files:
        path = spec.path(settings)
        if tree is not None and root is not None and spec.default.is_relative_to(root):
            candidate = tree / spec.default.relative_to(root)
            path = candidate if candidate.exists() else path
        _, found = spec.check(path, **spec.context(settings))
        if found:
            problems.extend(found)
        else:
            passed.append(f"{path}: ok ({spec.name})")
    return passed, problems
