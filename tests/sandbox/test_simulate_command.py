"""`hotline simulate` plays a whole call through the sandbox; the call and its events land in the database."""
from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import select

from hotline import db
from hotline.models import Call

EXAMPLE = Path(__file__).resolve().parents[2] / "sandbox" / "examples" / "welcome.yaml"


def test_simulate_prints_the_timeline_and_the_call_is_stored(app, runner):
    result = runner.invoke(args=["simulate", "--live", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "POST /voice/incoming -> 200" in result.output
    assert "status callback completed -> /voice/status: HTTP 204" in result.output
    with app.app_context():
        [call] = db.session().scalars(select(Call)).all()
        assert call.status == "completed" and call.direction == "inbound"
        assert call.duration_seconds is not None
        kinds = [event.kind for event in call.events]
    assert "status" in kinds and len(kinds) >= 2
    assert f"{call.sid}" in result.output and "database: completed" in result.output


def test_without_live_the_calls_go_to_a_throwaway_database_and_logs_to_a_file(app, runner, settings):
    """Virtual-clock calls never mix with real ones, and the app's JSON log lines stay out of the timeline."""
    leftovers = set(Path(tempfile.gettempdir()).glob("hotline-simulate-*"))
    result = runner.invoke(args=["simulate", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "POST /voice/incoming -> 200" in result.output and "database: completed" in result.output
    assert "calls written to a throwaway database, now removed" in result.output
    assert not [line for line in result.output.splitlines() if line.startswith('{"time"')]
    log = (settings.instance_dir / "simulate.log").read_text()
    assert '"logger": "tickets.receivers"' in log  # the app did log: to the file
    with app.app_context():
        assert db.session().scalars(select(Call)).all() == []
    assert set(Path(tempfile.gettempdir()).glob("hotline-simulate-*")) == leftovers  # removed afterwards


def test_a_broken_script_is_refused_with_the_field_named(runner, tmp_path):
    script = tmp_path / "bad.yaml"
    script.write_text("calls:\n  - from: '+8613800138000'\n    inputs: [{press: '1', colour: red}]\n")
    result = runner.invoke(args=["simulate", str(script)])
    assert result.exit_code == 2
    assert "calls[0].inputs[0]: unknown field 'colour'" in result.output
    script.write_text("agents:\n  client:alice: {behaviour: sleepy}\n")
    result = runner.invoke(args=["simulate", str(script)])
    assert result.exit_code == 2
    assert "agents.client:alice.behaviour" in result.output and "sleepy" in result.output
