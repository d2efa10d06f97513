"""Words of a transcript for full-text search: Mandarin segmented with jieba, the rest left to the
database's English parser. Pure: no Flask, no database.

Chinese has no spaces between words, and Vosk puts spaces where its model's words end, not where
a reader's do ("提交 工 单"), so runs of Han characters are joined first and segmented again with
jieba's dictionary. Each word is indexed at one position together with the shorter dictionary
words inside it (律师函 also as 律师, 中国科学院 also as 中国 / 科学院): a search for 律师 finds
律师函, a phrase of whole words still sees its words next to each other, and a word that only
straddles two words (市长 in 南京市 / 长江大桥) is not found.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

# CJK Unified Ideographs, Extension A and the compatibility block: what Vosk's Mandarin model writes.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(rf"[{HAN}]+(?:[ \t]+[{HAN}]+)*")  # not across turns (lines)
_SPACE = re.compile(r"\s+")
_SPEAKER = re.compile(r"^[ \t]*\w+:[ \t]", re.MULTILINE)  # plain_text writes "speaker: text" per line
_QUOTED_OR_WORD = re.compile(r'"([^"]*)"?|(\S+)')


@lru_cache(maxsize=1)
def _jieba():
    """jieba builds its dictionary (about a second, more under load) on first use: imported only when
    text is segmented, and loaded at start by web and RQ workers (`load_segmenter`)."""
    import jieba  # local import: deferred start-up cost (its dictionary), see above
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def load_segmenter() -> None:
    _jieba()


def _han_words(run: str) -> list[tuple[str, ...]]:
    """jieba's words of one run of Han characters, each with the dictionary words inside it."""
    jieba = _jieba()
    words = []
    for word in jieba.cut(_SPACE.sub("", run), HMM=True):
        inner = [w for w in jieba.cut_for_search(word, HMM=False) if w != word and len(w) > 1]
        words.append((word, *dict.fromkeys(inner)))
    return words


@dataclass(frozen=True)
class SearchableText:
    """`han`: (word, position) pairs, inner words sharing their word's position; `latin`: the text
    with the Han runs taken out, for the database's English parser (stemming, stop words)."""

    han: tuple[tuple[str, int], ...]
    latin: str

    def tsvector_literal(self) -> str:
        """PostgreSQL's tsvector input: `'律师':3 '律师函':3` (no normalisation is applied to it)."""
        return " ".join(f"'{word}':{min(position, 16383)}" for word, position in self.han)

    def terms(self) -> str:
        """Space-separated words for SQLite's FTS5 (its tokenizer splits on the spaces). FTS5 gives each
        word its own position, so inner words go after the whole words: phrases of whole words keep
        their words next to each other, and an inner word is still found on its own."""
        whole, inner, seen = [], [], set()
        for word, position in self.han:
            (inner if position in seen else whole).append(word)
            seen.add(position)
        return " ".join(whole + [self.latin.lower()] + inner).strip()


def searchable_text(text: str) -> SearchableText:
    text = _SPEAKER.sub(" ", text or "")
    han: list[tuple[str, int]] = []
    position = 0
    for match in _HAN_RUN.finditer(text):
        for group in _han_words(match.group()):
            position += 1
            han.extend((word, position) for word in group)
    latin = _SPACE.sub(" ", _HAN_RUN.sub(" ", text)).strip()
    return SearchableText(tuple(han), latin)


@dataclass(frozen=True)
class Term:
    """One thing the reviewer asked for: a word or a phrase. Its Chinese words must stand next to
    each other; its other words form a phrase for the English parser."""

    han: tuple[str, ...]
    latin: str


def parse_query(query: str) -> list[Term]:
    """`退款 "consumer association"` -> two terms, all required. A run of Chinese typed without spaces
    is a phrase of its words (消费者协会 -> 消费者 协会 next to each other), as the old substring
    search treated it."""
    terms = []
    for match in _QUOTED_OR_WORD.finditer(query or ""):
        part = match.group(1) if match.group(1) is not None else match.group(2)
        han = tuple(w for run in _HAN_RUN.findall(part) for w in _jieba().cut(_SPACE.sub("", run), HMM=True))
        latin = _SPACE.sub(" ", _HAN_RUN.sub(" ", part)).strip()
        if han or re.search(r"\w", latin):
            terms.append(Term(han, latin))
    return terms


def tsquery_literal(words: tuple[str, ...]) -> str:
    """Han words as a PostgreSQL phrase query: `'消费者' <-> '协会'`."""
    return " <-> ".join(f"'{w}'" for w in words)


def fts5_query(terms: list[Term]) -> str:
    """An FTS5 MATCH expression: every term required, each a phrase (double quotes doubled)."""
    phrases = []
    for term in terms:
        for words in (" ".join(term.han), re.sub(r"[^\w\s]", " ", term.latin).strip()):
            if words:
                phrases.append('"' + words.replace('"', '""') + '"')
    return " AND ".join(phrases)
