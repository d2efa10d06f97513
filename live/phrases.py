"""Vosk's results on one track turned into phrases: speaker, start, end, text, final. Pure.

The recogniser hears the track from the stream's start (gaps filled), so its word times are seconds
since the stream started. A partial result carries no times: it starts where its speaker's audio
first made it non-empty and ends where the audio fed so far ends. Each utterance has an index per
speaker; partials of one utterance are replaced by the next and finally by its final phrase.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Phrase:
    speaker: str
    index: int
    start: float
    end: float
    text: str
    final: bool
    words: tuple[dict, ...] = field(default=())

    def as_turn(self) -> dict:
        """The shape transcription's turns have (speaker, start, end, text, words)."""
        return {"speaker": self.speaker, "start": self.start, "end": self.end, "text": self.text,
                "words": [dict(w) for w in self.words]}

    def to_dict(self) -> dict:
        data = asdict(self)
        data["words"] = list(data["words"])
        return data


def join_words(words: list[str], language: str | None) -> str:
    # Vosk spaces Chinese words; written Chinese has none between them.
    return ("" if (language or "").lower().startswith("zh") else " ").join(words)


class PhraseAssembler:
    def __init__(self, speaker: str, language: str | None) -> None:
        self.speaker = speaker
        self.language = language
        self.index = 0
        self._partial = ""
        self._partial_start: float | None = None

    def final(self, result_json: str, heard_until: float) -> Phrase | None:
        """The final phrase of a Vosk `Result()`/`FinalResult()`, or None when nothing was said."""
        result = json.loads(result_json)
        words = tuple({"w": w["word"], "start": round(float(w["start"]), 2), "end": round(float(w["end"]), 2),
                       "conf": round(float(w.get("conf", 1.0)), 3)} for w in result.get("result") or ())
        start = self._partial_start
        self._partial, self._partial_start = "", None
        if not words:
            text = (result.get("text") or "").strip()
            if not text:
                return None
            words = ({"w": text, "start": start or heard_until, "end": heard_until, "conf": 1.0},)
        phrase = Phrase(self.speaker, self.index, words[0]["start"], words[-1]["end"],
                        join_words([w["w"] for w in words], self.language), True, words)
        self.index += 1
        return phrase

    def partial(self, partial_json: str, heard_until: float) -> Phrase | None:
        """A partial phrase when Vosk's `PartialResult()` says something new, else None."""
        text = join_words((json.loads(partial_json).get("partial") or "").split(), self.language)
        if not text or text == self._partial:
            return None
        if self._partial_start is None:
            self._partial_start = round(heard_until, 2)
        self._partial = text
        return Phrase(self.speaker, self.index, self._partial_start, round(heard_until, 2), text, False)
