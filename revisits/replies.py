"""Understanding what a customer texts back: pure parsing, no Flask or database.

Accepted: a score 1-5 in ASCII or full-width digits or Chinese numerals (一..五), the manuals' levels
满意 (4) / 一般 (3) / 不满意 (2) with 非常 for 5 and 1 (satisfied / neutral / dissatisfied), "yes/no" and
是/否 (and the usual variants) for "was it solved". The opt-out and opt-in keywords
(`hotline.sms_keywords`) are handled by messaging before a reply reaches revisits; they parse as such here
too, so a keyword is never read as an answer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from hotline.sms_keywords import OPT_IN, OPT_OUT, keyword_of, normalise

YES_WORDS = frozenset({"YES", "Y", "SOLVED", "是", "是的", "对", "好了", "已解决", "解决了"})
NO_WORDS = frozenset({"NO", "N", "NOTSOLVED", "UNSOLVED", "否", "不", "没", "不是", "没有", "未解决", "没解决"})
NOT_SOLVED_PHRASES = ("未解决", "没解决", "没有解决", "还没", "NOT SOLVED")
SOLVED_PHRASES = ("已解决", "解决了", "已经解决")
CHINESE_SCORES = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
# The manuals' three levels (满意/一般/不满意) and their 1-5 places; longest first, as 不满意 holds 满意.
LEVEL_SCORES = (("非常不满意", 1), ("非常满意", 5), ("不满意", 2), ("满意", 4), ("一般", 3),
                ("VERY DISSATISFIED", 1), ("VERY SATISFIED", 5), ("DISSATISFIED", 2), ("UNSATISFIED", 2),
                ("NOT SATISFIED", 2), ("SATISFIED", 4), ("NEUTRAL", 3))


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


def parse_reply(text: str) -> Reply:
    keyword = keyword_of(text)
    if keyword == OPT_OUT:
        return Reply(opt_out=True)
    if keyword == OPT_IN:
        return Reply(opt_in=True)
    cleaned = normalise(text)
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
    return next((score for word, score in LEVEL_SCORES if word in cleaned), None)


def _solved_in(cleaned: str, score: int | None) -> bool | None:
    words = set(cleaned.split())
    if words & NO_WORDS or any(p in cleaned for p in NOT_SOLVED_PHRASES) or cleaned.startswith("否"):
        return False
    if words & YES_WORDS or any(p in cleaned for p in SOLVED_PHRASES) or cleaned.startswith("是"):
        return True
    return None
