"""`hotline calendar import FILE`: one year's holidays and make-up working days from a simple file.

Each December the State Council publishes next year's list; an operator types it into a text file,
one holiday (or make-up working day) a line, and the import puts that year into the calendar file,
replacing whatever the year had (its provisional statutory days included) and leaving every other
line, comment and year as it was:

    # 国务院办公厅关于2027年部分节假日安排的通知
    holiday 2027-01-01..2027-01-03 元旦
    workday 2027-01-04              元旦调休
    holiday 2027-02-05..2027-02-13 春节

`holiday` (or 休) closes the center all day; `workday` (or 班) is a make-up working day on a weekend.
A date or an inclusive range `A..B`, then an optional name, kept as the line's comment. Every date
must be in one year. Problems are reported as `file:line: field: problem`, all of them, and nothing
is written unless the file is right and the calendar it produces passes the calendar's validator.

Pure text in, text out (no Flask): `parse_year_file` and `apply_year`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import yaml

from hotline.data_files import DataError

KINDS = {"holiday": "holidays", "休": "holidays", "workday": "workdays", "班": "workdays"}
LONGEST_RANGE_DAYS = 31  # a typing slip (2027-01-01..2027-10-01) is caught, not filed as nine months shut
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class CalendarImportError(DataError):
    """The import file (or the calendar it would produce) is wrong: `file:line: field: problem` lines."""


@dataclass
class YearList:
    year: int
    # key "holidays" / "workdays": (first day, last day, name) in file order
    entries: dict[str, list[tuple[date, date, str]]] = field(default_factory=lambda: {"holidays": [], "workdays": []})

    def days(self, key: str) -> set[date]:
        found: set[date] = set()
        for first, last, _ in self.entries[key]:
            found.update(first + timedelta(days=i) for i in range((last - first).days + 1))
        return found


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if _DATE.fullmatch(text) else None
    except ValueError:
        return None


def parse_year_file(text: str, source: str) -> YearList:
    """The year the file lists, or `CalendarImportError` with every problem in it."""
    problems: list[str] = []
    year: int | None = None
    seen: dict[date, int] = {}
    result = YearList(0)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 2)
        where = f"{source}:{number}"
        if len(parts) < 2:
            problems.append(f"{where}: line: expected `holiday|workday DATE[..DATE] [name]`, got {line!r}")
            continue
        kind, span, name = parts[0].lower(), parts[1], (parts[2].strip() if len(parts) > 2 else "")
        if kind not in KINDS:
            problems.append(f"{where}: kind: expected holiday or workday (休 / 班), got {parts[0]!r}")
            continue
        first_text, _, last_text = span.partition("..")
        first, last = _day(first_text), _day(last_text or first_text)
        if first is None or last is None:
            problems.append(f"{where}: date: expected a date like 2027-01-01 or a range "
                            f"2027-01-01..2027-01-03, got {span!r}")
            continue
        if last < first:
            problems.append(f"{where}: date: the range ends ({last}) before it starts ({first})")
            continue
        if (last - first).days >= LONGEST_RANGE_DAYS:
            problems.append(f"{where}: date: {(last - first).days + 1} days in one range; at most "
                            f"{LONGEST_RANGE_DAYS} (split it if it is meant)")
            continue
        year = year if year is not None else first.year
        if first.year != year or last.year != year:
            problems.append(f"{where}: date: {span} is not in {year} (one year a file, the first date's)")
            continue
        key = KINDS[kind]
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        if key == "workdays":
            weekdays = [d for d in days if d.weekday() < 5]
            if weekdays:
                problems.append(f"{where}: date: {weekdays[0]} is a {weekdays[0]:%A}; a make-up working day "
                                f"(调休) falls on a weekend")
                continue
        clash = next((d for d in days if d in seen), None)
        if clash is not None:
            problems.append(f"{where}: date: {clash} is already listed on line {seen[clash]}")
            continue
        seen.update((d, number) for d in days)
        result.entries[key].append((first, last, name))
    if year is None and not problems:
        problems.append(f"{source}:1: file: no holidays or working days listed")
    if problems:
        raise CalendarImportError(problems)
    result.year = year or 0
    return result


def _render(entries: list[tuple[date, date, str]], indent: str) -> list[str]:
    lines = []
    for first, last, name in entries:
        days = ", ".join(str(first + timedelta(days=i)) for i in range((last - first).days + 1))
        lines.append(f"{indent}{days},{'  # ' + name if name else ''}\n")
    return lines


def _top_level_nodes(text: str, source: str) -> dict[str, yaml.Node]:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        raise CalendarImportError([f"{source}:1: calendar: expected a mapping at the top"])
    return {key.value: value for key, value in root.value}


def _replace_year(lines: list[str], node: yaml.Node | None, key: str, year: int,
                  new: list[tuple[date, date, str]], source: str) -> list[str]:
    """`lines` with `key`'s lines for `year` replaced by `new` (a flow list, one entry a line)."""
    if node is None or not isinstance(node, yaml.SequenceNode) or not node.value:
        # Absent or empty: write the key afresh as a flow list at the end of the file.
        start = node.start_mark.line if node is not None else None
        block = [f"{key}: [\n", *_render(new, "  "), "]\n"] if new else [f"{key}: []\n"]
        if start is None:
            return lines + block
        key_line = start  # `key: []` sits on one line
        return lines[:key_line] + block + lines[node.end_mark.line + 1:]
    if not node.flow_style:
        raise CalendarImportError([f"{source}:{node.start_mark.line + 1}: {key}: written as a block list; "
                                   f"write it as a flow list ([...], one holiday a line) for the import to edit it"])
    first, last = node.start_mark.line, node.end_mark.line
    if first == last:
        raise CalendarImportError([f"{source}:{first + 1}: {key}: the whole list is on one line; put one "
                                   f"holiday a line (one year a line at least) for the import to edit it"])
    body = lines[first + 1:last]
    kept: list[str] = []
    insert_at: int | None = None  # where the year goes: where it was, else before the first later year
    for offset, line in enumerate(body):
        content, _, comment = line.partition("#")
        years = {int(found[:4]) for found in _DATE.findall(content)}
        heading = re.match(r"\s*(\d{4})\b", comment) if not content.strip() else None
        if heading:
            years = {int(heading.group(1))}  # a year's heading comment goes where its year goes
        if len(years) > 1:
            raise CalendarImportError([f"{source}:{first + 2 + offset}: {key}: this line lists dates of "
                                       f"{', '.join(map(str, sorted(years)))}; one year a line"])
        if years == {year}:
            insert_at = len(kept) if insert_at is None else insert_at
            continue
        if years and min(years) > year and insert_at is None:
            insert_at = len(kept)
        kept.append(line)
    indent = next((re.match(r"\s*", line).group(0) for line in body if line.strip()), "  ")
    new_lines = [f"{indent}# {year}\n", *_render(new, indent)] if new else []
    at = len(kept) if insert_at is None else insert_at
    return lines[:first + 1] + kept[:at] + new_lines + kept[at:] + lines[last:]


def _replace_provisional(lines: list[str], node: yaml.Node | None, year: int) -> list[str]:
    if node is None or not isinstance(node, yaml.SequenceNode):
        return lines
    years = [item.value for item in node.value if isinstance(item, yaml.ScalarNode) and item.value != str(year)]
    first, last = node.start_mark.line, node.end_mark.line
    head = lines[first][:node.start_mark.column]
    tail = lines[last][node.end_mark.column:]
    return lines[:first] + [f"{head}[{', '.join(years)}]{tail}"] + lines[last + 1:]


def apply_year(calendar_text: str, year_list: YearList, source: str) -> str:
    """The calendar file's text with `year_list`'s year replaced (holidays, workdays, provisional)."""
    lines = calendar_text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    # Each edit is made on freshly composed text, so the line numbers of the next one are right.
    for key in ("holidays", "workdays"):
        nodes = _top_level_nodes("".join(lines), source)
        lines = _replace_year(lines, nodes.get(key), key, year_list.year, year_list.entries[key], source)
    nodes = _top_level_nodes("".join(lines), source)
    lines = _replace_provisional(lines, nodes.get("provisional"), year_list.year)
    return "".join(lines)
