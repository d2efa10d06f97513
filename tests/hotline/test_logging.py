import json
import logging

import pytest

from hotline.logging import ContextFilter, JsonFormatter, mask_phone, mask_phones_in


@pytest.mark.parametrize("number,masked", [
    ("+8613812345678", "+86*******5678"),
    ("+14155550123", "+14*****0123"),
    ("13812345678", "*******5678"),
    ("client:alice", "client:alice"),
    ("", ""),
])
def test_mask_phone_keeps_only_the_last_four(number, masked):
    assert mask_phone(number) == masked


def test_numbers_in_messages_are_masked_but_sids_are_not():
    text = mask_phones_in("call CA0123456789abcdef0123456789abcdef from +8613812345678")
    assert "CA0123456789abcdef0123456789abcdef" in text
    assert "+86*******5678" in text


def _format(record: logging.LogRecord) -> dict:
    ContextFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_webhook_log_lines_carry_the_callsid(app):
    with app.test_request_context("/voice/status", method="POST", data={"CallSid": "CAabc"}):
        record = logging.LogRecord("hotline", logging.INFO, __file__, 1, "caller %s hung up", ("+8613812345678",), None)
        entry = _format(record)
    assert entry["call_sid"] == "CAabc"
    assert entry["message"] == "caller +86*******5678 hung up"
    assert entry["level"] == "info"


def test_job_log_lines_carry_the_job_id(app):
    from hotline.jobs import enqueue, run_burst

    with app.app_context():
        job = enqueue("tests.hotline.jobs_for_tests.log_something", "hello")
    run_burst(app, ("default",))
    with app.app_context():
        job.refresh()
        assert job.get_status() == "finished"
        assert job.return_value() == job.id


def test_identifiers_are_never_masked_but_other_fields_are():
    """A job's UUID may begin with eight digits; it is not a phone number."""
    record = logging.LogRecord("hotline", logging.INFO, __file__, 1, "sent", (), None)
    record.job_id = "26781358-6bf5-467b-a3ea-3d7d7ba36f2a"
    record.message_sid = "SM12345678901234567890123456789012"
    record.to = "+8613812345678"
    entry = json.loads(JsonFormatter().format(record))
    assert entry["job_id"] == "26781358-6bf5-467b-a3ea-3d7d7ba36f2a"
    assert entry["message_sid"] == "SM12345678901234567890123456789012"
    assert entry["to"] == "+86*******5678"
