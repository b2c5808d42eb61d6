"""The helper process that writes the GeoPackage while the ledger is made (redline.io.beside)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pandas as pd
import pyogrio
import pytest

from redline.errors import RedlineIOError
from redline.io import beside
from redline.io.beside import Beside, can_fork


@pytest.fixture
def forking():
    """The helper can be forked now (Linux, no other thread, no desktop application's modules loaded by then)."""
    if not can_fork():
        pytest.skip("the helper is forked on Linux only, with no other thread running and no Qt loaded")


def test_the_function_runs_in_a_helper_and_its_measures_come_back(forking, tmp_path):
    mark = tmp_path / "pid"
    running = Beside.start(lambda: mark.write_text(str(os.getpid())), "a file")
    helper = running.pid
    assert helper is not None and helper != os.getpid()
    done = running.wait()
    assert int(mark.read_text()) == helper  # written by the helper, not here
    assert done["helper"] is True and done["seconds"] >= 0 and done["private_mb"] > 0 and done["peak_mb"] > 0


def test_the_helpers_error_is_raised_here_as_it_was_raised_there(forking):
    def fails():
        raise RedlineIOError("cannot write x.gpkg: disk full")

    running = Beside.start(fails, "x.gpkg")
    with pytest.raises(RedlineIOError, match="disk full"):
        running.wait()


def test_an_error_that_cannot_be_sent_is_raised_as_its_text(forking):
    class Local(Exception):  # not importable by name: cannot be unpickled here
        pass

    def fails():
        raise Local("odd")

    with pytest.raises(RedlineIOError, match=r"writing x\.gpkg: Local: odd"):
        Beside.start(fails, "x.gpkg").wait()


def test_with_another_thread_running_the_function_runs_here_at_once(tmp_path):
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not can_fork()
        mark = tmp_path / "pid"
        running = Beside.start(lambda: mark.write_text(str(os.getpid())), "a file")
        assert running.pid is None and int(mark.read_text()) == os.getpid()  # done before start returned
        assert running.wait()["helper"] is False
    finally:
        stop.set()
        other.join()


def test_switched_off_the_function_runs_here(monkeypatch, tmp_path):
    monkeypatch.setattr(beside, "ENABLED", False)
    mark = tmp_path / "pid"
    assert Beside.start(lambda: mark.write_text(str(os.getpid())), "a file").pid is None
    assert int(mark.read_text()) == os.getpid()


def test_cancel_stops_the_helper(forking, tmp_path):
    running = Beside.start(lambda: time.sleep(60), "a file")
    pid = running.pid
    running.cancel()
    assert running.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_the_helper_dies_with_a_killed_parent(forking, tmp_path):
    """A run killed while its helper writes leaves no writer behind (the kill tests of the result set rely on it)."""
    pidfile = tmp_path / "helper.pid"
    script = textwrap.dedent(f"""
        import os, signal, time
        from redline.io.beside import Beside
        def work():
            open({str(pidfile)!r}, "w").write(str(os.getpid()))
            time.sleep(60)
        Beside.start(work, "a file")
        while not os.path.exists({str(pidfile)!r}) or not open({str(pidfile)!r}).read():
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], timeout=60)
    assert proc.returncode == -signal.SIGKILL
    pid = int(pidfile.read_text())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the helper outlived its parent")


def _contents(path) -> dict:
    layers = {name: pyogrio.read_dataframe(path, layer=name) for name, _ in pyogrio.list_layers(path)}
    with sqlite3.connect(path) as db:
        tables = {t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
                  for t in ("gpkg_data_columns", "gpkg_geometry_columns")}
        tables["layer_styles"] = db.execute("SELECT f_table_name, f_geometry_column, styleName, styleQML, useAsDefault, "
                                            "description FROM layer_styles ORDER BY 1").fetchall()  # not its time
        tables["gpkg_contents"] = db.execute("SELECT table_name, data_type, identifier, min_x, min_y, max_x, max_y, "
                                             "srs_id FROM gpkg_contents ORDER BY 1").fetchall()
    return {"layers": layers, "tables": tables}


def test_the_results_written_beside_the_ledger_are_the_results_written_alone(forking, tmp_path, monkeypatch):
    """The example county's set, written with the helper and without: the same GeoPackage, layer for layer and
    table for table, and the same ledger."""
    from openpyxl import load_workbook

    from redline.example import example_path
    from redline.pipeline import run_audits

    sources = {k: f"{example_path()}:{k}" for k in ("approvals", "supplies", "buildings")}
    got = {}
    for helper in (True, False):
        monkeypatch.setattr(beside, "ENABLED", helper)
        out = tmp_path / str(helper)
        result = run_audits(sources, as_of="2026-06-30", out=out)
        assert bool(result.helper) is helper
        wb = load_workbook(out / "redline_ledger.xlsx", read_only=True)
        sheets = {ws.title: [r for r in ws.iter_rows(values_only=True) if not any(
            isinstance(v, str) and v.startswith(("制表日期", "运行编号")) for v in r)] for ws in wb.worksheets}
        got[helper] = (_contents(out / "redline_results.gpkg"), sheets)
    (gpkg_a, ledger_a), (gpkg_b, ledger_b) = got[True], got[False]
    assert gpkg_a["tables"] == gpkg_b["tables"]
    assert gpkg_a["layers"].keys() == gpkg_b["layers"].keys()
    for name, frame in gpkg_a["layers"].items():
        other = gpkg_b["layers"][name]
        if name == "redline_run":  # the run's own id and timings differ from run to run
            frame, other = (f[~f["key"].isin(["run_id", "timings"])].reset_index(drop=True) for f in (frame, other))
        if name == "layer_styles":  # when each style was stored
            frame, other = frame.drop(columns="update_time"), other.drop(columns="update_time")
        pd.testing.assert_frame_equal(frame, other, check_like=False)
    assert ledger_a.keys() == ledger_b.keys()
    for title in ledger_a:
        if title != "说明":
            assert ledger_a[title] == ledger_b[title], title


def test_inside_a_desktop_application_the_function_runs_here(monkeypatch, tmp_path):
    """QGIS (or any Qt program) runs threads Python does not see: its process is never forked."""
    import types

    monkeypatch.setitem(sys.modules, "qgis.core", types.ModuleType("qgis.core"))
    assert not can_fork()
    mark = tmp_path / "pid"
    assert Beside.start(lambda: mark.write_text(str(os.getpid())), "a file").pid is None
    assert int(mark.read_text()) == os.getpid()
