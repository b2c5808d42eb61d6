"""Shared fixtures and the CI rule: what the tests need is installed by ./run test, so under CI a test
that needs QGIS, PostGIS or Chromium may not skip — a skip there is a missing install step, reported
as a failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).parent
DATA = HERE / "data"
NEEDS_SYSTEM = ("qgis", "postgis", "chromium")


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not os.environ.get("CI") or not report.skipped:
        return
    needed = [m for m in NEEDS_SYSTEM if item.get_closest_marker(m)]
    if needed:
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.longrepr = (f"under CI this test must run: it needs {', '.join(needed)}, which ./run test installs "
                           f"(scripts/install-system-deps.sh); it skipped: {reason}")
