"""The opt-out and opt-in keywords carriers and Twilio honour, plus the Chinese 退订 / TD.

Pure logic: `keyword_of(text)` says whether a message is one of them. Twilio honours a keyword
only as the whole message; Chinese carriers honour 退订 inside a longer message too. Facts of the
network, shared like hotline.phone: messaging acts on them (the do-not-contact list), and revisits
reads a survey reply with them so that a keyword is never taken for an answer.
"""
from __future__ import annotations

import re
import unicodedata

OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "退订", "TD"})
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})
# YES re-subscribes a number that opted out; from anyone else it is an answer ("was it solved?").
RESUBSCRIBE_WORDS = OPT_IN_WORDS | {"YES"}
OPT_OUT_ANYWHERE = ("退订",)
_PUNCTUATION = re.compile(r"[\s\.,!?;:'\"。，！？；：、~～()（）【】\[\]-]+")

OPT_OUT, OPT_IN = "opt_out", "opt_in"


def normalise(text: str) -> str:
    """Full-width to ASCII (NFKC), upper case, outer punctuation and spaces removed."""
    return _PUNCTUATION.sub(" ", unicodedata.normalize("NFKC", text or "")).strip().upper()


def keyword_of(text: str) -> str | None:
    """OPT_OUT, OPT_IN, or None for a message that is neither."""
    cleaned = normalise(text)
    word = cleaned if " " not in cleaned else ""
    if word in OPT_OUT_WORDS or any(w in cleaned for w in OPT_OUT_ANYWHERE):
        return OPT_OUT
    if word in OPT_IN_WORDS:
        return OPT_IN
    return None


def resubscribes(text: str) -> bool:
    """Whether a message from an opted-out number takes it off the list."""
    return normalise(text) in RESUBSCRIBE_WORDS
