"""Which calls go to the review queue, by the rules in qa_rules.yaml `review_sampling`. Pure.

Every call in an `always_categories` category (a keyword heard, or the queue the caller chose),
every call scoring under `score_below`, and a `random_share` of the rest (a category's own share in
`category_shares` instead, when higher). The random draw is derived from the CallSid, so re-running analysis on a
call never flips its place in or out of the queue.
"""
from __future__ import annotations

import hashlib
from typing import Any


def sample_draw(call_sid: str) -> float:
    return int(hashlib.sha256(call_sid.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def review_reason(call_sid: str, categories: list[str], score: float | None, sampling: dict[str, Any],
                  routed_category: str | None = None) -> str | None:
    """`categories`: the keyword categories heard; `routed_category`: the queue the caller chose in the
    IVR (the ticket's category at intake), which counts as heard."""
    heard = [*categories, *([routed_category] if routed_category else [])]
    for category in sampling.get("always_categories") or []:
        if category in heard:
            return category
    if score is not None and score < float(sampling.get("score_below", 0)):
        return "low_score"
    # A category with its own share (suggestions: read more often than routine calls) raises the draw's odds.
    share = max([float(sampling.get("random_share", 0)),
                 *(float(s) for c, s in (sampling.get("category_shares") or {}).items() if c in heard)])
    if sample_draw(call_sid) < share:
        return "random_sample"
    return None
