"""A live call's words written as the media service writes them: each phrase through agent assist
(live.assist with transcription's LiveSpeech: matching, spoken numbers, redaction) into the call's
Redis stream and the alerts (live.transcript_store), without audio or Vosk."""
from __future__ import annotations

from hotline import clock
from hotline.contracts import LiveSpeech, need
from hotline.redis_client import get_redis
from live import transcript_store
from live.assist import CallAssist
from live.phrases import Phrase


class LiveTalk:
    """`say("caller", "我 要 投诉")`: words are space-separated (Vosk's), joined as the language writes them."""

    def __init__(self, app, call_sid: str, language: str = "zh-CN") -> None:
        self.app, self.call_sid, self.language = app, call_sid, language
        self.next_index = {"caller": 0, "agent": 0}
        self.at = 0.5
        with app.app_context():
            speech = need(LiveSpeech)
            self.assist = CallAssist(speech.assist_rules(language),
                                     lambda turn, phrases: speech.heard(turn, phrases, language),
                                     lambda turn: speech.redact(turn, language),
                                     lambda turn: speech.numbers(turn, language))

    def _phrase(self, speaker: str, text: str, final: bool) -> Phrase:
        words = text.split()
        timed = tuple({"w": w, "start": round(self.at + i * 0.3, 2), "end": round(self.at + i * 0.3 + 0.25, 2),
                       "conf": 0.9} for i, w in enumerate(words))
        joined = ("" if self.language.startswith("zh") else " ").join(words)
        return Phrase(speaker, self.next_index[speaker], self.at, round(self.at + len(words) * 0.3, 2), joined, final,
                      timed if final else ())

    def say(self, speaker: str, text: str, final: bool = True, agent_heard_until: float | None = None) -> None:
        phrase = self._phrase(speaker, text, final)
        self.write([phrase], agent_heard_until)
        if final:
            self.next_index[speaker] += 1
            self.at = phrase.end + 0.5

    def write(self, phrases: list[Phrase], agent_heard_until: float | None = None) -> None:
        with self.app.app_context():
            entries, alerts = self.assist.stream_entries(self.call_sid, phrases, agent_heard_until,
                                                         clock.now().isoformat())
            transcript_store.append(get_redis(), self.call_sid, entries, 3600, alerts)

    def end(self) -> None:
        with self.app.app_context():
            transcript_store.append(get_redis(), self.call_sid, [{"type": "end", "reason": "stopped", "counts": {}}], 3600)
