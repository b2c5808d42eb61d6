"""The result set (GeoPackage, ledger, report) is one thing: all new or all old, whatever stops the run.

A run killed (SIGKILL) at each write phase leaves the previous set, or after the commit the new one,
never a mix; a write that fails (a folder in the ledger's place, a read-only ledger, a writer's error)
leaves the old set byte for byte and no temporary folder; a folder mixing two runs is refused by the
readers, naming the files; every write failure is exit code 4.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import redline
from redline.cli import main
from redline.errors import RedlineIOError
from redline.example import EXAMPLE_AS_OF, example_path
from redline.io import resultset
from redline.io.resultset import KILL_ENV, MANIFEST, SET_FILES, read_run_id, verify_set
from redline.pipeline import run_audits

GPKG = example_path()
SOURCES = {"approvals": f"{GPKG}:approvals", "supplies": f"{GPKG}:supplies"}
AUDIT_ARGS = ["audit", "--approvals", SOURCES["approvals"], "--supplies", SOURCES["supplies"], "-q"]
GPKG_NAME, LEDGER_NAME, REPORT_NAME = SET_FILES


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a result folder (hidden temporaries included) and its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    """Temporary folders of a result set, beside or inside the output folder."""
    return sorted(p.name for p in [*out.parent.iterdir(), *out.iterdir()] if ".redline-" in p.name)


@pytest.fixture(scope="module")
def old_set(tmp_path_factory) -> Path:
    """A previous result set: GeoPackage, ledger and report of one run (as of 2026-06-30)."""
    out = tmp_path_factory.mktemp("old") / "results"
    run_audits(SOURCES, out=out, audits=["approved_not_supplied"], as_of=EXAMPLE_AS_OF, with_report=True)
    return out


@pytest.fixture
def out(old_set, tmp_path) -> Path:
    dest = tmp_path / "results"
    shutil.copytree(old_set, dest)
    return dest


def test_every_file_of_a_set_carries_the_run_id(old_set):
    manifest = json.loads((old_set / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["files"] == list(SET_FILES)
    ids = {name: read_run_id(old_set / name) for name in SET_FILES}
    assert set(ids.values()) == {manifest["run_id"]}, ids
    assert verify_set(old_set) == manifest["run_id"]
    from openpyxl import load_workbook

    about = load_workbook(old_set / LEDGER_NAME)["说明"]
    assert ["运行编号", manifest["run_id"]] in [[c.value for c in row] for row in about.iter_rows()]


def _cli_env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != KILL_ENV}
    env["PYTHONPATH"] = str(Path(redline.__file__).parents[1])  # this checkout's redline, not an installed one
    env.update(extra)
    return env


@pytest.mark.slow
def test_audit_killed_at_each_write_phase_leaves_one_consistent_set(old_set, tmp_path):
    """`redline audit` SIGKILLed at every phase of its write: the folder holds the previous set (before the
    commit) or the new one (after), never a mix, and no temporary folder survives the next reader."""
    phases = [p for p in resultset.PHASES if p not in ("report", f"replaced:{REPORT_NAME}")]  # audit writes none
    before = snapshot(old_set)
    old_id = read_run_id(old_set / MANIFEST)
    runs = {}
    for phase in phases:
        out = tmp_path / phase.replace(":", "_") / "results"
        shutil.copytree(old_set, out)
        runs[phase] = (out, subprocess.Popen(
            [sys.executable, "-c", "from redline.cli import main; main()", *AUDIT_ARGS, "--as-of", "2026-07-01",
             "--out", str(out)], env=_cli_env(**{KILL_ENV: phase}), stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    for phase, (out, proc) in runs.items():
        output = proc.communicate(timeout=600)[0].decode(errors="replace")
        assert proc.returncode == -signal.SIGKILL, f"{phase}: not killed there (exit {proc.returncode}): {output}"
        if phase in ("begin", "gpkg", "ledger.partial", "ledger", "ready"):
            assert snapshot(out) == before, f"{phase}: the output folder was touched before the swap"
        found = verify_set(out)  # the reader rolls back (or tidies) what the killed run left
        assert leftovers(out) == [], phase
        if phase != "committed":
            assert found == old_id, phase
            assert snapshot(out) == before, f"{phase}: the previous set is not back byte for byte"
        else:  # killed after the commit: the new set, whole; the old report (not in the new set) is gone
            assert found != old_id
            assert sorted(snapshot(out)) == sorted([GPKG_NAME, LEDGER_NAME, MANIFEST])
            assert {read_run_id(out / n) for n in (GPKG_NAME, LEDGER_NAME, MANIFEST)} == {found}


@pytest.mark.slow
def test_report_killed_while_its_set_is_swapped_in(old_set, tmp_path):
    """`redline report` with input layers writes results, ledger and report as one set: killed after the
    report is written, or after the first files are moved in, the previous set comes back whole."""
    before = snapshot(old_set)
    runs = {}
    for phase in ("report", f"replaced:{LEDGER_NAME}"):
        out = tmp_path / phase.replace(":", "_") / "results"
        shutil.copytree(old_set, out)
        runs[phase] = (out, subprocess.Popen(
            [sys.executable, "-c", "from redline.cli import main; main()", "report", "--approvals",
             SOURCES["approvals"], "--supplies", SOURCES["supplies"], "--only", "approved_not_supplied",
             "--as-of", "2026-07-01", "-q", "--out", str(out)], env=_cli_env(**{KILL_ENV: phase}),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    for phase, (out, proc) in runs.items():
        output = proc.communicate(timeout=600)[0].decode(errors="replace")
        assert proc.returncode == -signal.SIGKILL, f"{phase}: exit {proc.returncode}: {output}"
        if phase == f"replaced:{LEDGER_NAME}":  # on disk, before anyone reads: the new GeoPackage, old report
            assert read_run_id(out / GPKG_NAME) != read_run_id(out / REPORT_NAME)
        assert verify_set(out) == read_run_id(old_set / MANIFEST)
        assert snapshot(out) == before and leftovers(out) == []


def test_a_folder_in_the_ledgers_place_fails_with_4_and_touches_nothing(out):
    shutil.rmtree(out / REPORT_NAME, ignore_errors=True)
    (out / LEDGER_NAME).unlink()
    (out / LEDGER_NAME).mkdir()  # as a ledger that cannot be replaced
    before = snapshot(out)
    result = CliRunner().invoke(main, [*AUDIT_ARGS, "--as-of", "2026-07-01", "--out", str(out)])
    assert result.exit_code == 4, result.output
    assert "a folder is in its place" in result.output and LEDGER_NAME in result.output
    assert snapshot(out) == before  # the old GeoPackage is still the old one
    assert (out / LEDGER_NAME).is_dir() and leftovers(out) == []


def test_a_read_only_ledger_fails_with_4_and_touches_nothing(out):
    (out / LEDGER_NAME).chmod(0o444)  # as a ledger held open in Excel on Windows
    before = snapshot(out)
    result = CliRunner().invoke(main, [*AUDIT_ARGS, "--as-of", "2026-07-01", "--out", str(out)])
    assert result.exit_code == 4, result.output
    assert "read-only" in result.output
    assert snapshot(out) == before and leftovers(out) == []
    assert verify_set(out) == read_run_id(out / MANIFEST)


def test_a_writer_that_fails_leaves_the_old_set_and_no_temporary(out, monkeypatch):
    import redline.pipeline as pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("disk quota exceeded half-way")

    monkeypatch.setattr(pipeline, "write_ledger", broken)
    before = snapshot(out)
    with pytest.raises(RedlineIOError, match="disk quota exceeded half-way.*left as they were"):
        run_audits(SOURCES, out=out, audits=["approved_not_supplied"], as_of="2026-07-01")
    assert snapshot(out) == before and leftovers(out) == []
    result = CliRunner().invoke(main, [*AUDIT_ARGS, "--out", str(out)])
    assert result.exit_code == 4, result.output  # a write failure is 4, never 1
    assert snapshot(out) == before


def test_a_failed_swap_puts_back_what_it_had_moved(out, monkeypatch):
    """os.replace fails on the second file (as Windows does for a file another program holds): the first
    file, already moved in, is put back."""
    real = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(Path(dst).name)
        if Path(dst) == out / LEDGER_NAME and Path(src).parent.name.startswith(".results.redline-"):
            raise PermissionError(13, "the process cannot access the file", str(dst))
        return real(src, dst)

    before = snapshot(out)
    monkeypatch.setattr(resultset.os, "replace", flaky)
    with pytest.raises(RedlineIOError, match="previous results are left as they were"):
        run_audits(SOURCES, out=out, audits=["approved_not_supplied"], as_of="2026-07-01")
    assert GPKG_NAME in calls  # the GeoPackage had been moved in
    assert snapshot(out) == before and leftovers(out) == []


def test_readers_refuse_a_mix_of_two_runs_naming_the_files(out, tmp_path):
    other = tmp_path / "other"
    run_audits(SOURCES, out=other, audits=["approved_not_supplied"], as_of="2026-07-01")
    shutil.copy2(other / LEDGER_NAME, out / LEDGER_NAME)  # e.g. a ledger copied in by hand
    with pytest.raises(RedlineIOError, match=f"mix of different runs: .*{LEDGER_NAME} is from run "
                                             f"{read_run_id(other / MANIFEST)}"):
        verify_set(out)
    from redline.report import from_results

    with pytest.raises(RedlineIOError, match="mix of different runs"):
        from_results(out)
    result = CliRunner().invoke(main, ["report", "--from", str(out)])
    assert result.exit_code == 4 and LEDGER_NAME in result.output and GPKG_NAME in result.output


def test_a_file_without_a_run_id_beside_a_set_is_a_mix(out):
    (out / REPORT_NAME).write_text("<html><head></head><body>hand-made</body></html>", encoding="utf-8")
    with pytest.raises(RedlineIOError, match=f"{REPORT_NAME} is from run \\(none"):
        verify_set(out)


def test_report_from_a_set_joins_it_and_a_report_of_another_run_is_refused(out, tmp_path):
    from redline.report import build

    (out / REPORT_NAME).unlink()
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    build(out)  # `redline report --from DIR`: the report joins the set
    assert read_run_id(out / REPORT_NAME) == manifest["run_id"] == verify_set(out)
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"] == list(SET_FILES)
    other = tmp_path / "other"
    run_audits(SOURCES, out=other, audits=["approved_not_supplied"], as_of="2026-07-01")
    before = snapshot(out)
    with pytest.raises(RedlineIOError, match="would mix two runs"):
        build(other, out / REPORT_NAME)
    assert snapshot(out) == before


def test_a_run_without_a_report_removes_the_old_report(out):
    res = run_audits(SOURCES, out=out, audits=["approved_not_supplied"], as_of="2026-07-01")
    assert sorted(snapshot(out)) == sorted([GPKG_NAME, LEDGER_NAME, MANIFEST])
    assert verify_set(out) == res.run_id
    assert any(REPORT_NAME in n and "replaced results" in n for n in res.notes)


def test_results_written_before_sets_had_ids_are_still_read(tmp_path):
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    redline.write_layers({"x": __import__("geopandas").GeoDataFrame(geometry=[], crs="EPSG:4547")},
                         legacy / GPKG_NAME, metadata={"rules": "cn-national@2026.1"})
    assert verify_set(legacy) is None


def test_exit_codes_are_in_the_help():
    from redline.errors import EXIT_CODES

    text = CliRunner().invoke(main, ["--help"]).output
    for code, meaning in EXIT_CODES.items():
        assert f"{code:>3}  {meaning}" in text
    assert set(EXIT_CODES) == {0, 1, 2, 3, 4, 5, 130}


def test_missing_example_county_is_exit_4(monkeypatch, tmp_path):
    import redline.example

    monkeypatch.setattr(redline.example, "example_path", lambda: tmp_path / "gone.gpkg")
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "o")])
    assert result.exit_code == 4 and "example county is missing" in result.output


def test_what_a_killed_run_left_is_cleared_by_the_next_run_and_said(out):
    stale = out.parent / ".results.redline-20260101T000000Z-deadbeef"
    stale.mkdir()
    (stale / GPKG_NAME).write_bytes(b"half a GeoPackage")  # killed before its swap began
    res = run_audits(SOURCES, out=out, audits=["approved_not_supplied"], as_of="2026-07-01")
    assert not stale.exists() and leftovers(out) == []
    assert any("removed the unfinished result set .results.redline-20260101T000000Z-deadbeef" in n for n in res.notes)
    from openpyxl import load_workbook

    about = [str(row[1].value) for row in load_workbook(out / LEDGER_NAME)["说明"].iter_rows(min_row=2)]
    assert any("unfinished result set" in v for v in about)  # the ledger says so too


@pytest.mark.skipif(sys.platform == "win32", reason="the folder lock is POSIX flock")
def test_a_second_run_into_a_folder_being_written_is_refused(out):
    lock = resultset._Lock(out)
    assert lock.acquire()  # as a run writing into the folder right now
    try:
        before = snapshot(out)
        with pytest.raises(RedlineIOError, match="another redline run is writing"):
            run_audits(SOURCES, out=out, audits=["approved_not_supplied"], as_of="2026-07-01")
        assert snapshot(out) == before
    finally:
        lock.release()
