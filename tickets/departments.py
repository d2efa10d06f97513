"""The departments file (DEPARTMENTS_PATH, default tickets/departments.yaml) parsed into
`contracts.Department`s, and the `Departments` adapter tickets provides (routing transfers calls to a
department's phone; tickets hands work over to it).

Pure (no Flask) apart from `current_departments`, the app's live copy. Problems are reported as
`file:line: field: problem` by `hotline check` and at start-up.
"""
from __future__ import annotations

import re
from pathlib import Path

from flask import current_app, has_app_context
import yaml

from hotline.contracts import Department
from hotline.data_files import DataFile, LiveFile, Reader
from hotline.phone import try_normalise

DEFAULT_DEPARTMENTS_PATH = Path(__file__).with_name("departments.yaml")
LANGUAGES = ("zh-CN", "en-US")
FIELDS = ("key", "name", "phone", "sms", "email", "language", "handoff_hours", "reply_hours")
HANDOFF_HOURS = 24  # 24小时内同步至业务部门
REPLY_HOURS = 48  # 业务部门48小时内回复
_KEY = re.compile(r"[a-z][a-z0-9-]{0,39}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _phone(reader: Reader, node: yaml.Node | None, where: str) -> str | None:
    text = reader.text(node, where, "expected a phone number like +862160000101")
    if text is None:
        return None
    number = try_normalise(text)
    if number is None:
        reader.fail(node, where, f"not a valid phone number: {text!r}")
    return number


def _department(reader: Reader, node: yaml.Node, where: str) -> Department | None:
    fields = reader.mapping(node, where, known=FIELDS, required=("key", "name", "phone", "sms"))
    if fields is None:
        return None
    key = reader.text(fields.get("key"), f"{where}.key") if "key" in fields else None
    if key is not None and not _KEY.fullmatch(key):
        reader.fail(fields["key"], f"{where}.key",
                    f"expected lower-case letters, digits and dashes (like after-sales), got {key!r}")
        key = None
    names = reader.texts(fields["name"], f"{where}.name", LANGUAGES) if "name" in fields else {}
    phone = _phone(reader, fields.get("phone"), f"{where}.phone") if "phone" in fields else None
    sms = _phone(reader, fields.get("sms"), f"{where}.sms") if "sms" in fields else None
    email = None
    if "email" in fields:
        email = reader.text(fields["email"], f"{where}.email")
        if email is not None and not _EMAIL.fullmatch(email):
            reader.fail(fields["email"], f"{where}.email", f"not an e-mail address: {email!r}")
            email = None
    language = reader.text(fields["language"], f"{where}.language") if "language" in fields else None
    if language is not None and language not in LANGUAGES:
        reader.fail(fields["language"], f"{where}.language", f"expected one of {', '.join(LANGUAGES)}, got {language!r}")
    handoff = reader.integer(fields["handoff_hours"], f"{where}.handoff_hours", 1, 24 * 30) \
        if "handoff_hours" in fields else HANDOFF_HOURS
    reply = reader.integer(fields["reply_hours"], f"{where}.reply_hours", 1, 24 * 60) \
        if "reply_hours" in fields else REPLY_HOURS
    if None in (key, phone, sms, handoff, reply) or len(names) != len(LANGUAGES):
        return None
    return Department(key=key, name_zh=names["zh-CN"], name_en=names["en-US"], phone=phone, sms=sms,
                      email=email, handoff_hours=handoff, reply_hours=reply,
                      language=language if language in LANGUAGES else None)


def parse_departments(reader: Reader, root: yaml.Node | None) -> tuple[Department, ...] | None:
    if root is None:
        return ()
    top = reader.mapping(root, "", known=("departments",), required=("departments",),
                         what="expected a mapping with `departments:` at the top")
    if top is None or "departments" not in top:
        return None
    items = reader.sequence(top["departments"], "departments") or []
    found: dict[str, Department] = {}
    sms_numbers: dict[str, str] = {}
    for i, node in enumerate(items):
        where = f"departments[{i}]"
        department = _department(reader, node, where)
        if department is None:
            continue
        if department.key in found:
            reader.fail(node, f"{where}.key", f"duplicate department {department.key!r}")
            continue
        # An SMS reply is matched to its department by the sender's number: two departments on one
        # number would make a reply ambiguous.
        if department.sms in sms_numbers:
            reader.fail(node, f"{where}.sms", f"the same SMS number as {sms_numbers[department.sms]!r}")
            continue
        found[department.key] = department
        sms_numbers[department.sms] = department.key
    return tuple(found.values())


DEPARTMENTS: DataFile[tuple[Department, ...]] = DataFile("departments", DEFAULT_DEPARTMENTS_PATH,
                                                         parse_departments, setting="departments_path")


def load_departments(path: Path | None = None) -> tuple[Department, ...]:
    """The departments in `path` (default: the shipped file), or `DataError` listing every problem."""
    return DEPARTMENTS.load(path)


def current_departments() -> tuple[Department, ...]:
    """The app's departments, re-read when the file changes (the last good list kept if an edit is broken)."""
    live = current_app.extensions.get("tickets.departments")
    if live is None:
        live = current_app.extensions.setdefault(
            "tickets.departments", LiveFile(DEPARTMENTS, DEPARTMENTS.path(current_app.config["HOTLINE_SETTINGS"])))
    return live.current()


class DepartmentBook:
    """`contracts.Departments`: the app's live departments file (the shipped file outside an app)."""

    def all(self) -> list[Department]:
        return list(current_departments() if has_app_context() else load_departments())

    def get(self, key: str | None) -> Department | None:
        return next((d for d in self.all() if d.key == key), None) if key else None

    def by_sms(self, number: str | None) -> Department | None:
        """The department whose SMS number this is (an inbound reply's sender)."""
        return next((d for d in self.all() if d.sms == number), None) if number else None
