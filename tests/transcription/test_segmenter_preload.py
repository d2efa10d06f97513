"""jieba's dictionary is built when a web or RQ worker starts, not by the first QA search it serves
(that search's p95 was 4-5 s at 100k and 1M tickets: issue 14)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.hotline.test_processes import ROOT, worker_env

pytestmark = pytest.mark.slow  # fresh interpreters building jieba's dictionary

# Prints whether jieba's dictionary was built before the first search, then how long that search's
# query segmentation took.
FIRST_SEARCH = """
import sys, time
{start}
import jieba
built = jieba.dt.initialized
from transcription.segmentation import parse_query
began = time.perf_counter()
parse_query("消费者协会 律师")
print(built, time.perf_counter() - began)
"""

WEB = "import wsgi"  # what each gunicorn worker does
WORKER = """
from hotline import create_app
from hotline.jobs import make_worker
make_worker(create_app(), ("default",))
"""
APP_ONLY = "from hotline import create_app; create_app()"


def first_search(settings, tmp_path, start: str) -> tuple[bool, float]:
    done = subprocess.run([sys.executable, "-c", FIRST_SEARCH.format(start=start)], cwd=ROOT, capture_output=True,
                          text=True, timeout=180, env=worker_env(settings, tmp_path))
    assert done.returncode == 0, done.stderr
    built, seconds = done.stdout.split()[-2:]
    return built == "True", float(seconds)


def test_a_web_worker_builds_the_dictionary_before_its_first_search(settings, tmp_path):
    built, seconds = first_search(settings, tmp_path, WEB)
    assert built
    assert seconds < 0.5  # building it takes 1-5 s on this machine


def test_an_rq_worker_builds_it_before_forking_jobs(settings, tmp_path):
    built, seconds = first_search(settings, tmp_path, WORKER)
    assert built
    assert seconds < 0.5


def test_an_app_built_by_a_test_or_the_cli_does_not(settings, tmp_path):
    # What makes the checks above able to fail: an app alone leaves the dictionary to the first search.
    built, _ = first_search(settings, tmp_path, APP_ONLY)
    assert not built
