"""A database made before messaging existed upgrades cleanly: its SMS rows and do-not-contact list
stay, and rows written before the outbox learn which area sent them."""
from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from hotline.migrate import alembic_config, model_drift
from tests.support.sql import scratch_database


def test_a_database_from_before_messaging_upgrades_and_keeps_its_rows(tmp_path):
    url, drop = scratch_database(tmp_path)
    try:
        config = alembic_config(url)
        script = ScriptDirectory.from_config(config)
        labels = {label for revision in script.walk_revisions() for label in revision.branch_labels} - {"messaging"}
        for label in sorted(labels):
            command.upgrade(config, f"{label}@head")  # the schema as every area left it before messaging
        engine = create_engine(url)
        with engine.begin() as connection:
            assert connection.scalar(text("SELECT count(*) FROM alembic_version WHERE version_num LIKE 'messaging%'")) == 0
            for sid, purpose in (("SM1", "revisit:7:sms_survey"), ("SM2", "ticket_created"), ("SM3", "sla_alert"),
                                 ("SM4", None)):
                connection.execute(text(
                    "INSERT INTO sms_messages (sid, direction, from_number, to_number, body, status, purpose, "
                    "created_at, updated_at) VALUES (:sid, 'outbound', '+15005550006', '+8613800138000', 'hi', "
                    "'delivered', :purpose, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"sid": sid, "purpose": purpose})
            connection.execute(text("INSERT INTO do_not_contact (phone, keyword, source, created_at) "
                                    "VALUES ('+8613800138009', 'STOP', 'sms', CURRENT_TIMESTAMP)"))
        command.upgrade(config, "heads")
        with engine.begin() as connection:
            rows = connection.execute(text("SELECT sid, area, check_consent, body FROM sms_messages ORDER BY sid")).all()
            assert [(sid, area, bool(consent), body) for sid, area, consent, body in rows] == [
                ("SM1", "revisits", True, "hi"), ("SM2", "tickets", True, "hi"), ("SM3", "tickets", False, "hi"),
                ("SM4", None, True, "hi")]
            assert connection.scalar(text("SELECT phone FROM do_not_contact")) == "+8613800138009"
        engine.dispose()
        assert model_drift(url) == []
        command.downgrade(config, "messaging@base")  # the takeover undoes without touching the tables
        with create_engine(url).connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM sms_messages")) == 4
    finally:
        drop()
