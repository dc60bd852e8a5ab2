"""Shared set-up for page tests in a real Chromium (Debian's, installed by CI).

Tests mark themselves with `pytestmark = needs_browser` and take the `browser_page`
fixture (from the repository's conftest.py): a page at 1366×768 in Chinese, and the list
of every request it made to a host other than the test server.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
# Without the background-networking flags Chromium keeps calling hosts a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL = ("http://localhost", "http://127.0.0.1", "data:", "about:")
# A developer's machine may lack Chromium and skip these; CI installs it, so there a
# missing browser fails the page tests instead of passing them unseen.
needs_browser = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("CI"),
        reason="Chromium is not installed (apt-get install chromium)",
    ),
]
