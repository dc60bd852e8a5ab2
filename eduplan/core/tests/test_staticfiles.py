"""Pages link collected assets under their hashed names, and other assets under their own
names rather than failing (core/staticfiles.py)."""

from __future__ import annotations

import json

from eduplan.core.staticfiles import HashedStaticStorage


def storage(tmp_path, paths=None):
    if paths is not None:
        manifest = {"paths": paths, "version": "1.1", "hash": "x"}
        (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return HashedStaticStorage(location=str(tmp_path), base_url="/static/")


def test_a_collected_asset_is_linked_under_its_hashed_name(tmp_path):
    collected = storage(tmp_path, {"eduplan/eduplan.css": "eduplan/eduplan.0123456789ab.css"})
    assert collected.url("eduplan/eduplan.css") == "/static/eduplan/eduplan.0123456789ab.css"


def test_an_asset_not_collected_is_linked_under_its_own_name(tmp_path):
    assert storage(tmp_path).url("eduplan/eduplan.css") == "/static/eduplan/eduplan.css"
    added_since = storage(tmp_path, {"eduplan/eduplan.css": "eduplan/eduplan.0123456789ab.css"})
    assert added_since.url("eduplan/new.js") == "/static/eduplan/new.js"
