"""transcription_0003 segments transcripts that existed before it (on a fresh SQLite file: the
suite's PostgreSQL database is shared by the session, and the same backfill runs there)."""
from alembic import command
from sqlalchemy import create_engine, text

from hotline.migrate import alembic_config, upgrade


def test_existing_transcripts_are_searchable_after_the_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'before.sqlite3'}"
    command.upgrade(alembic_config(url), "transcription_0002")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO recordings (sid, call_sid, twilio_status, status, created_at, updated_at)"
                                " VALUES ('RE1', 'CA1', 'completed', 'stored', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO transcripts (recording_id, call_sid, status, attempts, turns, text, redactions, categories, "
            "flags, created_at, updated_at) SELECT id, 'CA1', 'done', 1, '[]', 'caller: 我 要 找 律 师 about refunds',"
            " '[]', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM recordings"))
    upgrade(url)
    with engine.begin() as connection:
        def hits(query):
            return connection.execute(text("SELECT rowid FROM transcripts_fts WHERE transcripts_fts MATCH :q"),
                                      {"q": query}).all()
        assert hits('"律师" AND "refund"') == [(1,)]
        assert hits('"律"') == []
    engine.dispose()
