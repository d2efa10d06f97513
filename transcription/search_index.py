"""Keeps `transcripts.search_vector` in step with `transcripts.text`, in the flush that writes the text
(so in the same transaction; a rollback takes both back).

PostgreSQL: jieba's Han words as a tsvector literal (inner words at their word's position), joined with
`to_tsvector('english', <the rest>)` for stemming and stop words. SQLite: the words as plain text;
triggers made by the migration copy them into the FTS5 table `transcripts_fts`.
"""
from __future__ import annotations

from sqlalchemy import cast, event, func, inspect, literal
from sqlalchemy.dialects.postgresql import REGCONFIG, TSVECTOR

from transcription.models import Transcript
from transcription.segmentation import searchable_text


def search_vector_value(dialect_name: str, text: str):
    """What to store in `search_vector` for `text` on this database (a SQL expression on PostgreSQL)."""
    words = searchable_text(text)
    if dialect_name == "postgresql":
        return cast(literal(words.tsvector_literal()), TSVECTOR).op("||")(
            func.to_tsvector(cast(literal("english"), REGCONFIG), literal(words.latin)))
    return words.terms()


def _on_insert(mapper, connection, target: Transcript) -> None:
    target.search_vector = search_vector_value(connection.dialect.name, target.text or "")


def _on_update(mapper, connection, target: Transcript) -> None:
    if inspect(target).attrs.text.history.has_changes():
        target.search_vector = search_vector_value(connection.dialect.name, target.text or "")


def keep_search_vector_current() -> None:
    if not event.contains(Transcript, "before_insert", _on_insert):
        event.listen(Transcript, "before_insert", _on_insert)
        event.listen(Transcript, "before_update", _on_update)
