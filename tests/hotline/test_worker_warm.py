"""A web or RQ worker does its one-time database work at start (hotline.db.warm), so no caller's
request pays for it. Checked in a fresh interpreter: in the test process, earlier tests have long
configured the mappers."""
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from hotline import create_app
    from hotline.db import Base
    from hotline.settings import Settings
    from hotline.web_preload import run_web_preload

    settings = Settings.for_tests(Path(sys.argv[1]), database_url=sys.argv[2], redis_url=sys.argv[3])
    app = create_app(settings)
    pool = app.extensions["hotline.db"].engine.pool
    before = {"unconfigured": Base.registry._new_mappers, "pooled": pool.checkedin()}
    %s
    after = {"unconfigured": Base.registry._new_mappers, "pooled": pool.checkedin()}
    print(json.dumps([before, after]))
""")


@pytest.mark.parametrize("preload", [
    "run_web_preload(app)",
    "[hook(app) for hook in app.extensions['hotline.worker_preload']]",
], ids=["web", "rq"])
def test_a_worker_starts_with_its_mappers_configured_and_a_connection_in_the_pool(settings, tmp_path, preload):
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", SCRIPT % preload, str(tmp_path), settings.database_url,
                           settings.redis_url], cwd=root, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "PYTHONSAFEPATH": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    before, after = json.loads(done.stdout.strip().splitlines()[-1])
    assert before == {"unconfigured": True, "pooled": 0}
    assert after == {"unconfigured": False, "pooled": 1}
