"""Agent assist: rules that fire on a live call's final phrases. Pure (no sockets, no Redis).

- the caller says an escalation or complaint phrase (the QA rules file's `keywords`: 12315, 媒体,
  律师, 投诉...) -> a supervisor alert with the call, and the desk's upset-caller script suggested;
- a card, ID or phone number spoken -> the phrase is redacted before anyone reads it (the QA rules
  file's `redaction`), and the desk warns;
- the agent's greeting not heard in the greeting window (15 s) -> a reminder to the agent;
- a ticket number spoken (yyyymmdd + sequence, read before redaction hides it) -> the desk opens it.
Phrase matching, spoken numbers and redaction are transcription's (`LiveSpeech`), handed in, so live
and QA agree. `stream_entries` turns phrases into what the call's Redis stream and the alerts get.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Callable

from hotline.contracts import AssistRules, ticket_number_spoken
from live.phrases import Phrase

ALERT_CATEGORIES = ("escalation", "complaint")  # in this order: an escalation outranks a complaint
UPSET_CALLER_SCRIPT = "upset_caller"              # desk/scripts.yaml's situation


@dataclass(frozen=True)
class Notice:
    """What a rule decided: `kind` escalation | complaint (an alert), redacted, greeting_missing,
    ticket_number (`phrase` is the full number, GD...)."""

    kind: str
    at: float
    speaker: str = ""
    phrase: str = ""
    suggestion: str = ""

    @property
    def alerts_supervisor(self) -> bool:
        return self.kind in ALERT_CATEGORIES


Heard = Callable[[dict, tuple[str, ...]], "str | None"]
Redact = Callable[[dict], "tuple[dict, list[dict]]"]
Numbers = Callable[[dict], "list[str]"]


class CallAssist:
    """One call's rules; each category alerts once per call (a caller repeating 投诉 is one alert)."""

    def __init__(self, rules: AssistRules, heard: Heard, redact: Redact, numbers: Numbers) -> None:
        self.rules = rules
        self.heard = heard
        self.redact = redact
        self.numbers = numbers
        self.tickets_heard: set[str] = set()
        self.greeted = False
        self.reminded = False
        self.alerted: set[str] = set()

    def on_final(self, phrase: Phrase) -> tuple[Phrase, list[Notice]]:
        """The phrase as it may be shown (redacted) and what it set off."""
        notices: list[Notice] = []
        for digits in self.numbers(phrase.as_turn()):
            number = ticket_number_spoken(digits)
            if number and number not in self.tickets_heard:
                self.tickets_heard.add(number)
                notices.append(Notice("ticket_number", phrase.start, phrase.speaker, number))
        turn, found = self.redact(phrase.as_turn())
        if turn["words"] != list(phrase.words):  # a number redacted, or a ticket number written as quoted
            phrase = replace(phrase, text=turn["text"], words=tuple(turn.get("words") or ()))
        if found:
            notices.append(Notice("redacted", phrase.start, phrase.speaker,
                                  ", ".join(sorted({f["kind"] for f in found}))))
        if phrase.speaker == "caller":
            for category in ALERT_CATEGORIES:
                phrases = self.rules.keywords.get(category) or ()
                if category in self.alerted or not phrases:
                    continue
                said = self.heard(phrase.as_turn(), phrases)
                if said:
                    self.alerted.add(category)
                    notices.append(Notice(category, phrase.start, phrase.speaker, said, UPSET_CALLER_SCRIPT))
        elif phrase.speaker == "agent" and not self.greeted and phrase.start <= self.rules.greeting_seconds:
            self.greeted = bool(self.rules.greeting and self.heard(phrase.as_turn(), self.rules.greeting))
        return phrase, notices

    def on_time(self, agent_heard_until: float) -> list[Notice]:
        """A reminder once the greeting window passed without the greeting."""
        if self.greeted or self.reminded or agent_heard_until < self.rules.greeting_seconds:
            return []
        self.reminded = True
        return [Notice("greeting_missing", round(self.rules.greeting_seconds, 2), "agent")]

    def on_partial(self, phrase: Phrase) -> Phrase:
        """Partials are redacted too: a card number must not show while it is being read out."""
        turn = phrase.as_turn()
        turn["words"] = [{"w": w, "start": phrase.start, "end": phrase.end, "conf": 1.0} for w in phrase.text.split()]
        redacted, found = self.redact(turn)
        if not found:
            return phrase
        return replace(phrase, text=redacted["text"], words=())

    def stream_entries(self, call_sid: str, phrases: list[Phrase], agent_heard_until: float | None,
                       raised_at: str) -> tuple[list[dict], list[dict]]:
        """(the call's stream entries, the supervisors' alerts) for `phrases` as they are written:
        each phrase (redacted; a partial without its words) followed by the notices it set off."""
        entries, alerts = [], []
        for phrase in phrases:
            notices: list[Notice] = []
            if phrase.final:
                phrase, notices = self.on_final(phrase)
            else:
                phrase = self.on_partial(phrase)
            # A final keeps its (redacted) words: they become the call's QA transcript (live/coverage.py).
            entries.append({"type": "phrase", **{k: v for k, v in phrase.to_dict().items()
                                                 if k != "words" or phrase.final}})
            for notice in notices:
                entries.append({"type": "notice", **asdict(notice)})
                if notice.alerts_supervisor:
                    alerts.append({"call_sid": call_sid, "kind": notice.kind, "phrase": notice.phrase,
                                   "at": notice.at, "text": phrase.text, "raised_at": raised_at})
        if agent_heard_until is not None:
            entries.extend({"type": "notice", **asdict(n)} for n in self.on_time(agent_heard_until))
        return entries, alerts
