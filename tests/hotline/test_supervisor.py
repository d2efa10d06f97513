"""The supervisor on its own: start-up failures are one line, deaths are named and restarted with back-off."""
import signal
import sys
import time

import pytest

from hotline.supervisor import Program, StartFailed, Supervisor, describe_exit


def test_a_child_that_dies_during_start_up_fails_the_start_with_one_line():
    lines = []
    supervisor = Supervisor(say=lines.append)
    with pytest.raises(StartFailed) as failed:
        supervisor.start(Program("web", [sys.executable, "-c", "import sys; sys.exit(3)"], ready=lambda child: False))
    assert str(failed.value) == "web failed to start: exited with code 3 (its output is above)"
    supervisor.stop()


def test_a_dead_child_is_named_and_restarted_with_growing_back_off():
    lines = []
    supervisor = Supervisor(say=lines.append)
    sleeper = Program("worker-default", [sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (child,) = supervisor.start(sleeper)
        first = child.pid
        child.process.send_signal(signal.SIGKILL)
        child.process.wait()
        supervisor.check()
        assert lines == [f"worker-default (pid {first}) died after 0 s: killed by SIGKILL; restarting in 1 s"]
        time.sleep(1.1)
        supervisor.check()
        assert lines[-1] == f"worker-default restarted (pid {child.pid}, restart 1)" and child.alive()
        child.process.send_signal(signal.SIGKILL)
        child.process.wait()
        supervisor.check()
        assert lines[-1].endswith("killed by SIGKILL; restarting in 2 s")  # died young again: longer wait
    finally:
        supervisor.stop()
    assert not child.alive()


def test_exits_are_described_by_code_or_signal():
    assert describe_exit(1) == "exited with code 1"
    assert describe_exit(-signal.SIGTERM) == "killed by SIGTERM"
