"""SMS texts from tickets/sms_templates.yaml, checked on load, rendered in the customer's language.

Pure logic (no Flask): a wrong template stops start-up with an error naming the file, line and
field, instead of a customer getting "{numbr}" in a text.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_TEMPLATES_PATH = Path(__file__).with_name("sms_templates.yaml")
LANGUAGES = ("zh-CN", "en-US")
# template -> (placeholders it may use, placeholders it must use)
TEMPLATE_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "created": (frozenset({"company", "number", "promised"}), frozenset({"number", "promised"})),
    "callback": (frozenset({"company", "number", "promised"}), frozenset({"number"})),
    "resolved": (frozenset({"company", "number", "summary"}), frozenset({"number"})),
    "sla_alert": (frozenset({"company", "number", "category", "priority", "clock", "state", "due"}),
                  frozenset({"number", "state"})),
}


class TemplateError(ValueError):
    """The templates file is wrong; the message names the file, line and field."""


@dataclass(frozen=True)
class SmsTemplates:
    texts: dict[tuple[str, str], str]

    def render(self, name: str, language: str, **values: str) -> str:
        text = self.texts.get((name, language)) or self.texts[(name, LANGUAGES[0])]
        return text.format(**values)


def _placeholders(text: str, where: str) -> set[str]:
    try:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError as exc:
        raise TemplateError(f"{where}: {exc}") from None


def load_templates(path: Path | None = None) -> SmsTemplates:
    path = path or DEFAULT_TEMPLATES_PATH
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TemplateError(f"{path}{f' line {mark.line + 1}' if mark else ''}: not valid YAML") from None
    if not isinstance(root, yaml.MappingNode):
        raise TemplateError(f"{path}: expected a mapping of template names at the top")
    texts: dict[tuple[str, str], str] = {}
    seen: set[str] = set()
    for key_node, value_node in root.value:
        name = key_node.value
        where = f"{path} line {key_node.start_mark.line + 1}: {name}"
        if name not in TEMPLATE_FIELDS:
            raise TemplateError(f"{where}: unknown template (known: {', '.join(TEMPLATE_FIELDS)})")
        if not isinstance(value_node, yaml.MappingNode):
            raise TemplateError(f"{where}: expected one text per language ({', '.join(LANGUAGES)})")
        allowed, required = TEMPLATE_FIELDS[name]
        languages = {}
        for lang_node, text_node in value_node.value:
            lwhere = f"{path} line {lang_node.start_mark.line + 1}: {name}.{lang_node.value}"
            if lang_node.value not in LANGUAGES:
                raise TemplateError(f"{lwhere}: unknown language (use {', '.join(LANGUAGES)})")
            if not isinstance(text_node, yaml.ScalarNode) or not text_node.value.strip():
                raise TemplateError(f"{lwhere}: expected a non-empty text")
            used = _placeholders(text_node.value, lwhere)
            if used - allowed:
                raise TemplateError(f"{lwhere}: unknown placeholder {{{sorted(used - allowed)[0]}}} "
                                    f"(allowed: {', '.join(sorted(allowed))})")
            if required - used:
                raise TemplateError(f"{lwhere}: must mention {{{sorted(required - used)[0]}}}")
            languages[lang_node.value] = text_node.value
        for language in LANGUAGES:
            if language not in languages:
                raise TemplateError(f"{where}: missing the {language} text")
            texts[(name, language)] = languages[language]
        seen.add(name)
    missing = [name for name in TEMPLATE_FIELDS if name not in seen]
    if missing:
        raise TemplateError(f"{path}: missing template {missing[0]}")
    return SmsTemplates(texts)


# Words the alert and the IVR use for our codes, per language.
WORDS = {
    "zh-CN": {"urgent": "紧急", "normal": "一般", "routine": "常规", "inquiry": "咨询", "problem": "问题反馈",
              "complaint": "投诉建议", "aftersales": "售后跟进", "response": "响应", "resolution": "处理",
              "at_risk": "即将超时", "breached": "已超时"},
    "en-US": {"urgent": "urgent", "normal": "normal", "routine": "routine", "inquiry": "inquiry",
              "problem": "problem report", "complaint": "complaint", "aftersales": "after-sales",
              "response": "response", "resolution": "resolution", "at_risk": "about to pass",
              "breached": "passed"},
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
