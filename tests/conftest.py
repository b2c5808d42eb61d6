"""Shared fixtures and the CI rule: what the tests need is installed by ./run test, so under CI a test
that needs QGIS, PostGIS or Chromium may not skip — a skip there is a missing install step, reported
as a failure."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).parent
DATA = HERE / "data"
NEEDS_SYSTEM = ("qgis", "postgis", "chromium")
PG_SCRIPT = HERE.parent / "scripts" / "postgis.sh"


@pytest.fixture
def data_dir() -> Path:
    return DATA


def _pg_reachable(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@pytest.fixture(scope="session")
def pg_url():
    """The URL of a PostgreSQL + PostGIS test server: ``REDLINE_TEST_PG`` (set by ``./run test``), else the one of
    scripts/postgis.sh, started here when it is not running (and stopped at the end of the session then).
    Under CI a server that cannot be had is a failure (see the hook below), elsewhere a skip."""
    pytest.importorskip("psycopg")
    from redline.io.postgis import redact

    url = os.environ.get("REDLINE_TEST_PG")
    started = False
    if not url:
        url = subprocess.run(["bash", str(PG_SCRIPT), "url"], capture_output=True, text=True,
                             check=True).stdout.strip()
        if not _pg_reachable(url):
            proc = subprocess.run(["bash", str(PG_SCRIPT), "start"], capture_output=True, text=True, timeout=300)
            if proc.returncode != 0:
                msg = f"cannot start PostGIS with scripts/postgis.sh start: {proc.stdout}{proc.stderr}"
                if os.environ.get("CI"):
                    pytest.fail(msg)
                pytest.skip(msg)
            started = True
    if not _pg_reachable(url):
        msg = f"PostGIS test server not reachable at {redact(url)}"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    yield url
    if started:
        subprocess.run(["bash", str(PG_SCRIPT), "stop"], capture_output=True, timeout=120)


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
