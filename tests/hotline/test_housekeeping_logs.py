"""Quiet logs: periodic housekeeping writes info lines only when it did something."""
import logging

from hotline.jobs import did_something, enqueue, make_worker, periodic


def run_default_queue(app) -> None:
    # In-process, so the lines the job and RQ write around it reach caplog (a forked horse's would not).
    make_worker(app, ("default",), in_process=True).work(burst=True, logging_level="INFO")


def test_housekeeping_that_found_nothing_to_do_writes_no_info_line(app, caplog):
    from tests.hotline.jobs_for_tests import count_nothing, count_three

    periodic(app, "nothing-to-do", count_nothing, 60)
    periodic(app, "did-three", count_three, 60)
    with app.app_context():
        quiet = enqueue("hotline.jobs.run_housekeeping", "nothing-to-do")
        busy = enqueue("hotline.jobs.run_housekeeping", "did-three")
        ordinary = enqueue("tests.hotline.jobs_for_tests.store_message", "hello")
    caplog.set_level(logging.INFO)
    run_default_queue(app)

    info = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert not [line for line in info if "nothing-to-do" in line or quiet.id in line]
    assert "did-three: 3" in info
    # RQ's own lines about housekeeping are routine whatever the result; ordinary jobs keep theirs.
    assert not [line for line in info if busy.id in line]
    assert any(ordinary.id in line for line in info)


def test_with_log_level_debug_the_housekeeping_lines_are_kept_at_debug(app, caplog):
    from tests.hotline.jobs_for_tests import count_nothing

    periodic(app, "nothing-to-do", count_nothing, 60)
    with app.app_context():
        job = enqueue("hotline.jobs.run_housekeeping", "nothing-to-do")
    caplog.set_level(logging.DEBUG)
    logging.getLogger("rq.worker").setLevel(logging.DEBUG)
    make_worker(app, ("default",), in_process=True).work(burst=True, logging_level="DEBUG")
    about_it = [r for r in caplog.records if job.id in r.getMessage() or "nothing-to-do" in r.getMessage()]
    assert about_it and all(r.levelno == logging.DEBUG for r in about_it)


def test_what_counts_as_having_done_something():
    assert not did_something(None) and not did_something(0) and not did_something([]) and \
        not did_something({"reclaimed": 0, "closed": 0})
    assert did_something(2) and did_something(["r1"]) and did_something({"reclaimed": 0, "closed": 1})
