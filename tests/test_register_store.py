"""The case register's stores for real: a GeoPackage file and a PostGIS schema on a real server.

Rounds 1 and 2 of the example county (two audits, to stay fast) are recorded in both stores and compared;
two OS processes enter disposal steps at once while a round is recorded; a round killed inside its
transaction (``REDLINE_TEST_KILL_AT``) leaves the register as it was; undo puts the cases back; GDAL reads
the GeoPackage.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest
import shapely

from redline.example.rounds import example_round
from redline.pipeline import run_audits
from redline.register import Register, RegisterError

ROOT = Path(__file__).resolve().parents[1]
AUDITS = ["approved_not_supplied", "supplied_not_used"]
INPUTS = ("approvals", "supplies", "buildings")
STORES = ["gpkg", pytest.param("postgis", marks=pytest.mark.postgis)]


def _sources(n: int):
    r = example_round(n)
    return {k: r.layers[k] for k in INPUTS}, r.as_of


@pytest.fixture(scope="module")
def runs():
    """Round n -> (run result, sources) of the example county."""
    out = {}
    for n in (1, 2):
        sources, as_of = _sources(n)
        out[n] = (run_audits(sources, audits=AUDITS, as_of=as_of), sources)
    return out


@pytest.fixture
def target(request, tmp_path):
    """A place for a new register: a .gpkg path, or a PostGIS URL with a schema of its own (dropped after)."""
    if request.param == "gpkg":
        yield str(tmp_path / "台账.gpkg")
        return
    import psycopg

    url = request.getfixturevalue("pg_url")
    schema = f"reg_{uuid.uuid4().hex[:10]}"
    yield f"{url}?schema={schema}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(psycopg.sql.Identifier(schema)))


def _record(reg, runs, *rounds):
    for n in rounds:
        reg.record_round(runs[n][0], sources=runs[n][1])


def _child_env(**extra) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), **extra}
    env.pop("REDLINE_TEST_KILL_AT", None)
    env.update(extra)
    return env


def _same_table(a: pd.DataFrame, b: pd.DataFrame, *, drop=()):
    """Column by column, geometry by geometry (coordinates to 1 mm)."""
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for col in a.columns:
        if col in drop:
            continue
        if col == "geometry":
            ga, gb = a.geometry.to_numpy(), b.geometry.to_numpy()
            assert (shapely.is_missing(ga) == shapely.is_missing(gb)).all()
            both = ~shapely.is_missing(ga)
            assert shapely.equals_exact(ga[both], gb[both], tolerance=1e-3).all()
            continue
        x, y = a[col].reset_index(drop=True), b[col].reset_index(drop=True)
        if pd.api.types.is_float_dtype(x) or pd.api.types.is_float_dtype(y):
            pd.testing.assert_series_equal(pd.to_numeric(x), pd.to_numeric(y), check_dtype=False, rtol=1e-9,
                                           obj=col)
        else:
            na_x, na_y = x.isna() | (x.astype(str) == ""), y.isna() | (y.astype(str) == "")
            assert (na_x == na_y).all(), col
            assert (x[~na_x].astype(str) == y[~na_y].astype(str)).all(), col


# -- 1. PostGIS and GeoPackage hold the same register -----------------------------------------------------------

@pytest.mark.postgis
@pytest.mark.parametrize("target", ["postgis"], indirect=True)
def test_postgis_register_equals_geopackage(runs, target, tmp_path):
    pg = Register.init(target)
    gp = Register.init(tmp_path / "ref.gpkg")
    for n in (1, 2):
        a = pg.record_round(runs[n][0], sources=runs[n][1])
        b = gp.record_round(runs[n][0], sources=runs[n][1])
        assert a.round_id == b.round_id == n
    pc, gc = pg.cases(), gp.cases()
    assert len(pc) > 100 and set(pc["change"]) >= {"new", "persisting", "resolved"}
    assert pc.crs == gc.crs == "EPSG:4547"
    _same_table(pc.sort_values("case_id"), gc.sort_values("case_id"))
    pe, ge = pg.events(), gp.events()
    assert sorted(pe["round_id"].unique()) == [1, 2]
    key = ["round_id", "case_id"]
    _same_table(pe.sort_values(key).drop(columns="fid"), ge.sort_values(key).drop(columns="fid"))
    assert list(pg.rounds()["fingerprints"]) == list(gp.rounds()["fingerprints"])


# -- 2. concurrent writers ---------------------------------------------------------------------------------------

_WRITER = textwrap.dedent("""
    import datetime as dt, os, sys, time
    from redline.register import Register
    target, me, go, shared, own = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5].split(",")
    reg = Register.open(target)
    open(go + f".ready{me}", "w").close()
    while not os.path.exists(go):
        time.sleep(0.01)
    for i in range(40):
        if i % 2 == 0:   # the shared case (generic procedure): 核实, 整改中, ... all on one day
            reg.set_disposition(shared, "verified" if i % 4 == 0 else "rectifying", date="2026-07-01",
                                doc_no=f"P{me}-{i}", who=f"writer{me}")
        else:            # this writer's own cases: 核减 (批而未供), one day later each time
            reg.set_disposition(own[(i // 2) % len(own)], "reduced", date=dt.date(2026, 7, 1) + dt.timedelta(i),
                                doc_no=f"P{me}-{i}", who=f"writer{me}")
    """)


@pytest.mark.parametrize("target", STORES, indirect=True)
def test_concurrent_entries_and_a_round(runs, target, tmp_path):
    reg = Register.init(target)
    _record(reg, runs, 1)
    cases = reg.cases()
    shared = cases.loc[cases["output"] == "supply_before_approval", "case_id"].iat[0]
    ans = list(cases.loc[cases["output"] == "approved_not_supplied", "case_id"])
    own = [ans[0:4], ans[4:8]]
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, target, str(me), str(go), shared, ",".join(own[me])],
                              env=_child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for me in (0, 1)]
    try:
        deadline = time.monotonic() + 60
        while not all(Path(f"{go}.ready{me}").exists() for me in (0, 1)):
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
            assert time.monotonic() < deadline
            time.sleep(0.02)
        go.touch()
        while len(reg.dispositions()) < 10:   # the round goes in while entries are going in
            assert time.monotonic() < deadline
            time.sleep(0.01)
        report = reg.record_round(runs[2][0], sources=runs[2][1])
        outs = [p.communicate(timeout=120) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "locked" not in err
    d = reg.dispositions()
    assert len(d) == 80
    assert sorted(d["doc_no"]) == sorted(f"P{me}-{i}" for me in (0, 1) for i in range(40))
    assert (d.loc[d["case_id"] == shared, "who"].value_counts() == 20).all()
    assert (d["problem"].isna() | (d["problem"] == "")).all()
    latest = d.sort_values(["date", "disposition_id"]).groupby("case_id").tail(1).set_index("case_id")
    now = reg.cases().set_index("case_id")
    assert set(latest.index) == {shared, *own[0], *own[1]}
    for case_id, r in latest.iterrows():
        assert now.at[case_id, "disposal"] == r["status"], case_id
        assert now.at[case_id, "disposal_date"] == r["date"], case_id
    assert now["disposal"].notna().sum() == len(latest)
    # the round is as it would have been without the entries (none of them closes a case)
    assert report.round_id == 2 and list(reg.rounds()["round_id"]) == [1, 2]
    ref = Register.init(tmp_path / "ref.gpkg")
    _record(ref, runs, 1, 2)
    mine = reg.events(round_id=2).sort_values("case_id")
    theirs = ref.events(round_id=2).sort_values("case_id")
    assert list(mine["case_id"]) == list(theirs["case_id"])
    assert list(mine["change"]) == list(theirs["change"])


@pytest.mark.parametrize("target", STORES, indirect=True)
def test_entry_while_a_round_refreshes_the_disposal(runs, target, monkeypatch):
    """An entry that comes while the round is between reading the entries and writing the cases' current
    disposal waits for the round, rather than being overwritten by the entries the round read."""
    reg = Register.init(target)
    _record(reg, runs, 1)
    case_id = reg.cases(output="approved_not_supplied")["case_id"].iat[0]
    reg.set_disposition(case_id, "reduced", date="2026-07-01", doc_no="息自然资〔2026〕1号")
    in_window, release = threading.Event(), threading.Event()
    store, plain = reg.store, reg.store.executemany

    def pausing(tx, sql, rows):
        if threading.current_thread().name == "round" and "SET disposal = ?" in sql and not in_window.is_set():
            in_window.set()
            release.wait(10)
        return plain(tx, sql, rows)

    monkeypatch.setattr(store, "executemany", pausing)
    errors: list[BaseException] = []

    def run(fn):
        try:
            fn()
        except BaseException as exc:  # reported below
            errors.append(exc)

    rnd = threading.Thread(target=run, name="round",
                           args=(lambda: reg.record_round(runs[2][0], sources=runs[2][1]),))
    rnd.start()
    assert in_window.wait(60)
    entry = threading.Thread(target=run, args=(lambda: Register.open(target).set_disposition(
        case_id, "reduced", date="2026-07-05", doc_no="息自然资〔2026〕2号"),))
    entry.start()
    entry.join(1.0)
    waited = entry.is_alive()
    release.set()
    rnd.join(60)
    entry.join(60)
    assert not errors, errors
    assert waited
    row = Register.open(target).cases().set_index("case_id").loc[case_id]
    assert (row["disposal"], row["disposal_date"]) == ("reduced", dt.date(2026, 7, 5))


# -- 3. a round killed inside its transaction ---------------------------------------------------------------------

_ROUND = textwrap.dedent("""
    import sys
    from redline.example.rounds import example_round
    from redline.pipeline import run_audits
    from redline.register import Register
    r = example_round(2)
    sources = {k: r.layers[k] for k in ("approvals", "supplies", "buildings")}
    run = run_audits(sources, audits=["approved_not_supplied", "supplied_not_used"], as_of=r.as_of)
    Register.open(sys.argv[1]).record_round(run, sources=sources)
    print("recorded")
    """)


@pytest.mark.parametrize("at", ["register:events", "register:commit"])
@pytest.mark.parametrize("target", STORES, indirect=True)
def test_killed_round_leaves_previous_state(runs, target, at):
    reg = Register.init(target)
    _record(reg, runs, 1)
    before_cases, before_events, before_rounds = reg.cases(), reg.events(), reg.rounds()
    proc = subprocess.run([sys.executable, "-c", _ROUND, target], env=_child_env(REDLINE_TEST_KILL_AT=at),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "recorded" not in proc.stdout
    again = Register.open(target)
    _same_table(again.rounds(), before_rounds)
    assert list(again.rounds()["round_id"]) == [1]
    _same_table(again.cases(), before_cases)
    _same_table(again.events(), before_events)
    # and the register goes on: the round is recorded whole the next time
    assert again.record_round(runs[2][0], sources=runs[2][1]).round_id == 2
    assert sorted(again.events()["round_id"].unique()) == [1, 2]


# -- 4. undo ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", STORES, indirect=True)
def test_undo_puts_round_one_back(runs, target):
    reg = Register.init(target)
    _record(reg, runs, 1)
    after1, events1 = reg.cases(), reg.events()
    _record(reg, runs, 2)
    changed = reg.events(round_id=2)
    assert {"new", "resolved"} <= set(changed["change"])
    with pytest.raises(RegisterError, match="not the last round"):
        reg.undo(1)
    assert reg.undo() == 2
    _same_table(reg.cases(), after1)
    _same_table(reg.events(), events1)
    rounds = reg.rounds()
    assert list(rounds["round_id"]) == [1, 2]
    assert rounds["undone_at"].isna().tolist() == [True, False]
    with pytest.raises(RegisterError, match="was undone"):
        reg.diff(1, 2)


@pytest.mark.parametrize("target", STORES, indirect=True)
def test_undo_refused_when_a_new_case_has_dispositions(runs, target):
    reg = Register.init(target)
    _record(reg, runs, 1, 2)
    new = reg.events(round_id=2)
    case_id = new.loc[(new["change"] == "new") & (new["case_id"].str.startswith("PEWG")), "case_id"].iat[0]
    reg.set_disposition(case_id, "reduced", date=dt.date(2026, 10, 8), doc_no="息自然资〔2026〕88号")
    with pytest.raises(RegisterError, match=f"{case_id}.*disposal entries"):
        reg.undo()
    assert reg.rounds()["undone_at"].isna().all()
    assert case_id in set(reg.cases()["case_id"])


# -- 5. GDAL reads the GeoPackage ---------------------------------------------------------------------------------

def test_geopackage_read_by_gdal(runs, tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    path = tmp_path / "台账.gpkg"
    reg = Register.init(path)
    _record(reg, runs, 1, 2)
    mine = reg.cases()
    gdal = pyogrio.read_dataframe(path, layer="cases")
    assert gdal.crs.to_epsg() == 4547
    assert len(gdal) == len(mine) and set(gdal["case_id"]) == set(mine["case_id"])
    with_geom = int(mine.geometry.notna().sum())
    assert with_geom > 0
    with sqlite3.connect(path) as db:
        n_rtree = db.execute('SELECT count(*) FROM "rtree_cases_geom"').fetchone()[0]
        fids = {r[0] for r in db.execute("SELECT fid FROM cases WHERE geom IS NOT NULL")}
        rtree_ids = {r[0] for r in db.execute('SELECT id FROM "rtree_cases_geom"')}
    assert n_rtree == with_geom and rtree_ids == fids
    # GDAL's spatial filter (which uses the R-tree) finds the case whose box it is given
    first = mine.geometry.iat[0]
    x, y = first.representative_point().coords[0]
    hit = pyogrio.read_dataframe(path, layer="cases", bbox=(x - 0.5, y - 0.5, x + 0.5, y + 0.5))
    assert mine["case_id"].iat[0] in set(hit["case_id"])


@pytest.mark.parametrize("target", STORES, indirect=True)
def test_a_register_opened_before_its_first_round_reads_the_crs_another_writer_set(runs, target):
    early = Register.init(target)  # opened with no CRS yet: the first round sets it
    _record(Register.open(target), runs, 1)
    cases = early.cases()
    assert len(cases) and cases.crs is not None
    assert cases.crs == runs[1][0].working.crs
