"""Understanding what a customer texts back: pure parsing, no Flask or database.

Accepted: a score 1-5 in ASCII or full-width digits or Chinese numerals (一..五), "yes/no" and
是/否 (and the usual variants) for "was it solved", and the opt-out and opt-in keywords carriers
and Twilio honour plus the Chinese 退订 / TD.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "退订", "TD"})
OPT_IN_WORDS = frozenset({"START", "UNSTOP", "YES"})
OPT_OUT_ANYWHERE = ("退订",)  # Chinese carriers honour 退订 inside a longer message too

YES_WORDS = frozenset({"YES", "Y", "SOLVED", "是", "是的", "对", "好了", "已解决", "解决了"})
NO_WORDS = frozenset({"NO", "N", "NOTSOLVED", "UNSOLVED", "否", "不", "没", "不是", "没有", "未解决", "没解决"})
NOT_SOLVED_PHRASES = ("未解决", "没解决", "没有解决", "还没", "NOT SOLVED")
SOLVED_PHRASES = ("已解决", "解决了", "已经解决")
CHINESE_SCORES = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_PUNCTUATION = re.compile(r"[\s\.,!?;:'\"。，！？；：、~～()（）【】\[\]-]+")


@dataclass(frozen=True)
class Reply:
    """What a message says: `opt_out`, `opt_in`, or survey answers (`solved`, `score`), or nothing."""

    opt_out: bool = False
    opt_in: bool = False
    solved: bool | None = None
    score: int | None = None

    @property
    def is_clear(self) -> bool:
        return self.opt_out or self.opt_in or self.solved is not None or self.score is not None


def normalise(text: str) -> str:
    """Full-width to ASCII (NFKC), upper case, outer punctuation and spaces removed."""
    return _PUNCTUATION.sub(" ", unicodedata.normalize("NFKC", text or "")).strip().upper()


def parse_reply(text: str) -> Reply:
    cleaned = normalise(text)
    word = cleaned if " " not in cleaned else ""  # Twilio honours keywords only as the whole message
    if word in OPT_OUT_WORDS or any(w in cleaned for w in OPT_OUT_ANYWHERE):
        return Reply(opt_out=True)
    if word in OPT_IN_WORDS - {"YES"}:
        return Reply(opt_in=True)
    score = _score_in(cleaned)
    solved = _solved_in(cleaned, score)
    return Reply(solved=solved, score=score)


def _score_in(cleaned: str) -> int | None:
    digits = re.findall(r"(?<!\d)([0-9]+)(?!\d)", cleaned)
    in_range = [int(d) for d in digits if d.isdigit() and 1 <= int(d) <= 5]
    if len(set(in_range)) == 1 and len(digits) == len(in_range):
        return in_range[0]
    if digits:
        return None  # "0", "7", "12" or two different numbers: ask again rather than guess
    numerals = {CHINESE_SCORES[c] for c in cleaned if c in CHINESE_SCORES}
    # 一 also appears in words (一般 "so-so", 一直 "all along"): only a numeral standing alone counts.
    stripped = cleaned.replace("分", "").replace("星", "").strip()
    if len(numerals) == 1 and len(stripped) == 1:
        return numerals.pop()
    return None


def _solved_in(cleaned: str, score: int | None) -> bool | None:
    words = set(cleaned.split())
    if words & NO_WORDS or any(p in cleaned for p in NOT_SOLVED_PHRASES) or cleaned.startswith("否"):
        return False
    if words & YES_WORDS or any(p in cleaned for p in SOLVED_PHRASES) or cleaned.startswith("是"):
        return True
    return None
