"""transcription: Chinese-aware transcript search (jieba words in a GIN-indexed tsvector on PostgreSQL,
an FTS5 table on SQLite), and partial indexes for search newest first and the review queue

Revision ID: transcription_0003
Revises: transcription_0002
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "transcription_0003"
down_revision = "transcription_0002"
branch_labels = None
depends_on = None

BATCH = 1000
QUEUE_WHERE = sa.text("status = 'done' AND review_reason IS NOT NULL")

# FTS5 over transcripts.search_vector (external content: the words are stored once, in transcripts);
# the triggers keep it in the writing transaction. `porter` stems English words; Han words pass through.
SQLITE_FTS = (
    "CREATE VIRTUAL TABLE transcripts_fts USING fts5(search_vector, content='transcripts', "
    "content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER transcripts_fts_insert AFTER INSERT ON transcripts BEGIN "
    "INSERT INTO transcripts_fts(rowid, search_vector) VALUES (new.id, new.search_vector); END",
    "CREATE TRIGGER transcripts_fts_delete AFTER DELETE ON transcripts BEGIN "
    "INSERT INTO transcripts_fts(transcripts_fts, rowid, search_vector) "
    "VALUES ('delete', old.id, old.search_vector); END",
    "CREATE TRIGGER transcripts_fts_update AFTER UPDATE OF search_vector ON transcripts BEGIN "
    "INSERT INTO transcripts_fts(transcripts_fts, rowid, search_vector) "
    "VALUES ('delete', old.id, old.search_vector); "
    "INSERT INTO transcripts_fts(rowid, search_vector) VALUES (new.id, new.search_vector); END",
)


def _backfill(connection, postgresql: bool) -> None:
    """Segment existing transcripts in batches of BATCH rows, by id, so memory stays flat."""
    from transcription.segmentation import searchable_text

    if postgresql:
        update = sa.text("UPDATE transcripts SET search_vector = CAST(:han AS tsvector) || "
                         "to_tsvector('english'::regconfig, :latin) WHERE id = :id")
    else:
        update = sa.text("UPDATE transcripts SET search_vector = :terms WHERE id = :id")
    last = 0
    while True:
        rows = connection.execute(sa.text("SELECT id, text FROM transcripts WHERE id > :last ORDER BY id LIMIT :n"),
                                  {"last": last, "n": BATCH}).all()
        if not rows:
            return
        params = []
        for row_id, text in rows:
            words = searchable_text(text or "")
            params.append({"id": row_id, "han": words.tsvector_literal(), "latin": words.latin,
                           "terms": words.terms()})
        connection.execute(update, params)
        last = rows[-1][0]


def upgrade() -> None:
    connection = op.get_bind()
    postgresql = connection.dialect.name == "postgresql"
    op.add_column("transcripts", sa.Column("search_vector", sa.Text().with_variant(
        sa.dialects.postgresql.TSVECTOR(), "postgresql"), nullable=True))
    _backfill(connection, postgresql)
    if postgresql:
        # Built after the backfill: one sort instead of a GIN insert per row.
        op.create_index("ix_transcripts_search_vector", "transcripts", ["search_vector"], postgresql_using="gin")
    else:
        try:
            with connection.begin_nested():
                for statement in SQLITE_FTS:
                    connection.exec_driver_sql(statement)
                connection.exec_driver_sql("INSERT INTO transcripts_fts(transcripts_fts) VALUES ('rebuild')")
        except sa.exc.OperationalError:
            pass  # SQLite built without FTS5: search falls back to LIKE over search_vector
    op.create_index("ix_transcripts_done_newest", "transcripts", ["created_at", "id"],
                    postgresql_where=sa.text("status = 'done'"), sqlite_where=sa.text("status = 'done'"))
    op.create_index("ix_transcripts_review_waiting", "transcripts", ["created_at", "id"],
                    postgresql_where=QUEUE_WHERE, sqlite_where=QUEUE_WHERE)


def downgrade() -> None:
    op.drop_index("ix_transcripts_review_waiting", table_name="transcripts")
    op.drop_index("ix_transcripts_done_newest", table_name="transcripts")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_transcripts_search_vector", table_name="transcripts")
    else:
        for name in ("transcripts_fts_insert", "transcripts_fts_delete", "transcripts_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS transcripts_fts")
    op.drop_column("transcripts", "search_vector")
