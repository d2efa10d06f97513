"""SMS texts from tickets/sms_templates.yaml, checked on load, rendered in the customer's language.

Pure logic (no Flask): a wrong template stops start-up with an error naming the file, line and
field, instead of a customer getting "{numbr}" in a text.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from hotline.data_files import DataError, DataFile, Reader

DEFAULT_TEMPLATES_PATH = Path(__file__).with_name("sms_templates.yaml")
LANGUAGES = ("zh-CN", "en-US")
# template -> (placeholders it may use, placeholders it must use)
TEMPLATE_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "created": (frozenset({"company", "number", "promised"}), frozenset({"number", "promised"})),
    "callback": (frozenset({"company", "number", "promised"}), frozenset({"number"})),
    "resolved": (frozenset({"company", "number", "summary"}), frozenset({"number"})),
    "suggestion_done": (frozenset({"company", "number", "summary"}), frozenset({"number", "summary"})),
    "sla_alert": (frozenset({"company", "number", "category", "priority", "clock", "state", "due"}),
                  frozenset({"number", "state"})),
    "urgent_message": (frozenset({"company", "number", "category", "at"}), frozenset({"number"})),
    "escalated": (frozenset({"company", "number", "category", "priority", "group", "by", "reason", "due"}),
                  frozenset({"number", "group"})),
    "department_notice": (frozenset({"company", "number", "category", "department", "summary", "due", "handoff_due"}),
                          frozenset({"number", "due"})),
    "department_reminder": (frozenset({"company", "number", "category", "department", "clock", "state", "due"}),
                            frozenset({"number", "state"})),
    "progress_department": (frozenset({"company", "number", "department"}), frozenset({"number"})),
    "progress_plan": (frozenset({"company", "number", "summary"}), frozenset({"number"})),
}


# Templates an operator's older copy may lack, and the template said in their place.
FALLBACKS = {"suggestion_done": "resolved"}

TemplateError = DataError  # the templates file is wrong: `file:line: field: problem`, one per line

@dataclass(frozen=True)
class SmsTemplates:
    texts: dict[tuple[str, str], str]

    def render(self, name: str, language: str, **values: str) -> str:
        if (name, LANGUAGES[0]) not in self.texts and name in FALLBACKS:
            name = FALLBACKS[name]
        text = self.texts.get((name, language)) or self.texts[(name, LANGUAGES[0])]
        return text.format(**values)


def parse_templates(reader: Reader, root: yaml.Node | None) -> SmsTemplates | None:
    top = reader.mapping(root, "", what="expected a mapping of template names at the top")
    if top is None:
        return None
    texts: dict[tuple[str, str], str] = {}
    for name, node in top.items():
        if name not in TEMPLATE_FIELDS:
            reader.fail_at(reader.lines[name], name, f"unknown template (known: {', '.join(TEMPLATE_FIELDS)})")
            continue
        allowed, required = TEMPLATE_FIELDS[name]
        for language, text in reader.texts(node, name, LANGUAGES, allowed=allowed, must_mention=required).items():
            texts[(name, language)] = text
    for name in TEMPLATE_FIELDS:
        if name not in top and name not in FALLBACKS:
            reader.fail(root, name, "missing template")
    return SmsTemplates(texts)


TEMPLATES: DataFile[SmsTemplates] = DataFile("SMS wording", DEFAULT_TEMPLATES_PATH, parse_templates)


def load_templates(path: Path | None = None) -> SmsTemplates:
    """The templates in `path` (default: the shipped file), or `TemplateError` listing every problem."""
    return TEMPLATES.load(path)


# Words the alert and the IVR use for our codes, per language.
WORDS = {
    "zh-CN": {"urgent": "紧急", "normal": "一般", "routine": "常规", "inquiry": "咨询", "problem": "问题反馈",
              "complaint": "投诉", "suggestion": "意见建议", "aftersales": "售后跟进", "response": "响应", "resolution": "处理",
              "at_risk": "即将超时", "breached": "已超时", "plan": "升级方案", "handoff": "部门受理",
              "reply": "部门回复"},
    "en-US": {"urgent": "urgent", "normal": "normal", "routine": "routine", "inquiry": "inquiry",
              "problem": "problem report", "complaint": "complaint", "suggestion": "suggestion", "aftersales": "after-sales",
              "response": "response", "resolution": "resolution", "at_risk": "about to pass",
              "breached": "passed", "plan": "escalation plan", "handoff": "department hand-off",
              "reply": "department reply"},
}
# The category "urgent" reads as account security or outage, not the priority.
WORDS["zh-CN"]["category:urgent"] = "紧急事务"
WORDS["en-US"]["category:urgent"] = "urgent matter"


def word(language: str, code: str) -> str:
    return WORDS.get(language, WORDS["zh-CN"]).get(code, code)


def short_summary(text: str | None, language: str, limit: int = 60) -> str:
    text = " ".join((text or "").split())
    if not text:
        return "问题已处理" if language == "zh-CN" else "your request has been handled"
    return text if len(text) <= limit else text[: limit - 1] + "…"
