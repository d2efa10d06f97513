"""Every browser library hotline vendors (an area's static/vendor/, served with its pages, never from
a CDN) is exactly the registry release its manifest names: each file's SHA-256, the release's
license beside it, nothing unlisted in the folder, and the same bytes served over HTTP."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from flask import url_for

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = sorted(ROOT.glob("*/static/vendor/manifest.json"))


def test_the_vendored_libraries_are_found():
    assert {m.parts[-4] for m in MANIFESTS} >= {"supervision", "desk"}


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda m: m.parts[-4])
def test_each_vendored_library_matches_its_manifest_and_is_served(manifest, app, client):
    vendor = manifest.parent
    static = vendor.parent
    [blueprint] = [bp for bp in app.blueprints.values()
                   if bp.static_folder and Path(bp.static_folder).resolve() == static.resolve()]
    listed = set()
    for name, entry in json.loads(manifest.read_text()).items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", entry["version"]), name
        assert entry["registry"].startswith("https://registry.npmjs.org/") and entry["version"] in entry["registry"]
        assert entry["integrity"].startswith("sha512-") and entry["license"]
        assert any(Path(f).name.upper().startswith("LICENSE") for f in entry["files"]), f"{name}: no license file"
        for file, digest in entry["files"].items():
            listed.add(file)
            assert hashlib.sha256((vendor / file).read_bytes()).hexdigest() == digest, file
            with app.test_request_context():
                url = url_for(f"{blueprint.name}.static", filename=f"vendor/{file}")
            served = client.get(url)
            assert served.status_code == 200, file
            assert hashlib.sha256(served.get_data()).hexdigest() == digest, file
        code = [f for f in entry["files"] if f.endswith(".js")]
        assert any(entry["version"] in (vendor / f).read_text(errors="replace") for f in code), \
            f"{name}: the script does not carry its version {entry['version']}"
    on_disk = {str(p.relative_to(vendor)) for p in vendor.rglob("*") if p.is_file() and p.name != "manifest.json"}
    assert on_disk == listed, "files in the vendor folder that no manifest lists (or the reverse)"
