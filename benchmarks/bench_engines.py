"""Cross-engine benchmark: the same overlay through redline, plain geopandas, PostGIS, DuckDB spatial and Dask.

Two cases, generated deterministically (seeded) in a metric CRS:

- **T1** parcels × approvals: a coverage of small quadrilateral parcels (≈ 50 m) and approval polygons of 8–16
  vertices (radius 40–90 m); 200 000 × 20 000 at ``--full``.
- **T2** parcels × big boundaries: the same parcels and growth boundaries of 5 000 vertices each (radius ≈ 1.1 km);
  200 000 × 50 at ``--full``.

Every method computes the same thing: the intersection area of every overlapping (parcel, polygon) pair; it reports
the number of pairs with area > 0 and the total area, which must agree across methods (relative 1e-6). Each
method runs once, in its own process (so peak memory is its own):

- ``redline``: redline's engine on one machine, two threads (T1 ``overlay._engine.pair_areas``: tree on the
  parcels, queried with the approvals, cover shortcut; T2 ``boundaries._fast.overlay_pairs``: boundaries subdivided
  to ≤ 256 vertices, inside-shortcut);
- ``geopandas``: ``geopandas.overlay(parcels, other, how="intersection")``, what most people would write;
- ``postgis``: ``benchmarks/sql/postgis_t*.sql`` on the local PostGIS (GiST indexes, ``ST_Subdivide`` for T2, up
  to 2 parallel workers); loading the tables and building the indexes is reported as setup, not in the wall time;
- ``duckdb``: ``benchmarks/sql/duckdb_t*.sql`` with DuckDB spatial, 2 threads (T2: no ``ST_Subdivide`` in DuckDB
  spatial 1.5, so each boundary is cut by an 8 × 8 grid of its extent, the same idea). The spatial extension must be
  loaded from disk (no internet here): it comes from PyPI's ``duckdb-extension-spatial``, built for DuckDB 1.5.5,
  so this method runs in its own virtual environment ``benchmarks/out/venv-duckdb`` (created on first use);
- ``dask``: redline's same engine functions routed through :mod:`redline.scale` on a ``LocalCluster`` of 2
  worker processes; starting the cluster is setup.

Wall time is the computation alone, inputs already in memory (or in the database), for every method. Peak memory is
the process's resident high-water mark (``VmHWM``); for Dask plus its workers', for PostGIS the server backend's
(the client holds next to nothing).

Usage::

    .venv/bin/python benchmarks/bench_engines.py                  # scale 0.1: 20 000 parcels, a few minutes
    .venv/bin/python benchmarks/bench_engines.py --full           # 200 000 parcels (the issue's case)
    .venv/bin/python benchmarks/bench_engines.py --scale 0.05 0.1 0.2 --methods redline geopandas
"""

from __future__ import annotations

# Only the standard library at module level: the DuckDB runner executes this file in a venv without redline.
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SQL = HERE / "sql"
DUCK_VENV = HERE / "out" / "venv-duckdb"
DUCK_PINS = ("duckdb==1.5.5", "duckdb-extension-spatial==1.5.5")
METHODS = ("redline", "geopandas", "postgis", "duckdb", "dask")
CRS = "EPSG:4549"
FULL = {"parcels": 200_000, "approvals": 20_000, "boundaries": 50}


def _peak_mb(pid: int | str = "self") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


# ---------------------------------------------------------------- data


def generate(folder: Path, scale: float, seed: int = 20260601) -> dict:
    """Write parcels, approvals, boundaries as GeoParquet and as plain parquet (id, wkb) for DuckDB."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    rng = np.random.default_rng(seed)
    n_parcels = max(100, round(FULL["parcels"] * scale))
    side = int(np.ceil(np.sqrt(n_parcels)))
    cell = 50.0
    x0, y0 = 40_500_000.0, 3_500_000.0
    # jittered grid vertices shared by neighbours: a true coverage of quadrilaterals
    gx, gy = np.meshgrid(np.arange(side + 1) * cell, np.arange(side + 1) * cell, indexing="ij")
    jitter = rng.uniform(-0.2, 0.2, size=(2, side + 1, side + 1)) * cell  # keeps every quad simple
    jitter[:, [0, -1], :] = 0
    jitter[:, :, [0, -1]] = 0
    vx, vy = x0 + gx + jitter[0], y0 + gy + jitter[1]
    i, j = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    i, j = i.ravel()[:n_parcels], j.ravel()[:n_parcels]
    ring = np.stack([np.stack([vx[i, j], vy[i, j]], -1), np.stack([vx[i + 1, j], vy[i + 1, j]], -1),
                     np.stack([vx[i + 1, j + 1], vy[i + 1, j + 1]], -1), np.stack([vx[i, j + 1], vy[i, j + 1]], -1),
                     np.stack([vx[i, j], vy[i, j]], -1)], axis=1)
    parcels = gpd.GeoDataFrame({"id": np.arange(n_parcels)}, geometry=shapely.polygons(ring), crs=CRS)
    extent = side * cell

    n_app = max(10, round(FULL["approvals"] * scale))
    k = rng.integers(8, 17, size=n_app)
    cx, cy = rng.uniform(0, extent, n_app) + x0, rng.uniform(0, extent, n_app) + y0
    radius = rng.uniform(40, 90, n_app)
    geoms = []
    for m in range(n_app):
        ang = (np.arange(k[m]) + rng.uniform(0, 0.8, k[m])) * 2 * np.pi / k[m]  # star-shaped about the centre
        r = radius[m] * rng.uniform(0.7, 1.0, k[m])
        pts = np.column_stack([cx[m] + r * np.cos(ang), cy[m] + r * np.sin(ang)])
        geoms.append(shapely.Polygon(pts))
    approvals = gpd.GeoDataFrame({"id": np.arange(n_app)}, geometry=geoms, crs=CRS)

    n_b = max(1, round(FULL["boundaries"] * scale))
    # boundaries cover ~40 % of the parcels whatever the scale: radius follows the extent
    big_r = np.sqrt(0.4 * extent * extent / (n_b * np.pi))
    theta = np.linspace(0, 2 * np.pi, 5000, endpoint=False)
    bgeoms = []
    for _ in range(n_b):
        c = rng.uniform(big_r, extent - big_r, 2) + (x0, y0) if extent > 2 * big_r else np.array(
            [x0 + extent / 2, y0 + extent / 2])
        ph = rng.uniform(0, 2 * np.pi, 3)
        rr = big_r * (1 + 0.12 * np.sin(5 * theta + ph[0]) + 0.05 * np.sin(23 * theta + ph[1])
                      + 0.01 * np.sin(211 * theta + ph[2]))
        bgeoms.append(shapely.Polygon(np.column_stack([c[0] + rr * np.cos(theta), c[1] + rr * np.sin(theta)])))
    boundaries = gpd.GeoDataFrame({"id": np.arange(n_b)}, geometry=bgeoms, crs=CRS)

    for name, frame in (("parcels", parcels), ("approvals", approvals), ("boundaries", boundaries)):
        bad = int((~shapely.is_valid(frame.geometry.values)).sum())
        if bad:
            raise AssertionError(f"generated {bad} invalid {name}: fix the generator")
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, frame in (("parcels", parcels), ("approvals", approvals), ("boundaries", boundaries)):
        frame.to_parquet(folder / f"{name}.parquet")
        pd.DataFrame({"id": frame["id"].to_numpy(), "wkb": shapely.to_wkb(frame.geometry.values)}).to_parquet(
            folder / f"{name}.wkb.parquet")
        counts[name] = len(frame)
    return counts


def _load(folder: Path, case: str):
    import geopandas as gpd

    parcels = gpd.read_parquet(folder / "parcels.parquet")
    other = gpd.read_parquet(folder / ("approvals.parquet" if case == "T1" else "boundaries.parquet"))
    return parcels, other


# ---------------------------------------------------------------- methods (each in its own process)


def run_redline(folder, case):
    import numpy as np
    import shapely

    parcels, other = _load(folder, case)
    pg, og = parcels.geometry.values, other.geometry.values
    t0 = time.perf_counter()
    if case == "T1":
        from redline.overlay._engine import pair_areas

        pairs, area = pair_areas(og, pg, threads=2)
        result = int((area > 0).sum()), float(area.sum())
    else:
        from redline.boundaries._fast import overlay_pairs

        res = overlay_pairs(pg, og, max_vertices=256, threads=2, merge=False)
        area = shapely.area(np.asarray(res["geometry"].to_numpy(), dtype=object))
        per = res.assign(a=area).groupby(["small", "big"])["a"].sum()
        result = int((per > 0).sum()), float(per.sum())
    return {"wall_s": time.perf_counter() - t0, "pairs": result[0], "area_m2": result[1], "peak_mb": _peak_mb()}


def run_geopandas(folder, case):
    import geopandas as gpd

    parcels, other = _load(folder, case)
    t0 = time.perf_counter()
    out = gpd.overlay(parcels, other, how="intersection", keep_geom_type=True)
    area = out.area.to_numpy()
    return {"wall_s": time.perf_counter() - t0, "pairs": int((area > 0).sum()), "area_m2": float(area.sum()),
            "peak_mb": _peak_mb()}


def run_dask(folder, case):
    import numpy as np
    import shapely

    from redline import scale

    parcels, other = _load(folder, case)
    pg, og = parcels.geometry.values, other.geometry.values
    t_setup = time.perf_counter()
    with scale.cluster("local", n_workers=2) as client:
        setup = time.perf_counter() - t_setup
        with scale.use_backend(scale.Backend(client)):
            t0 = time.perf_counter()
            if case == "T1":
                from redline.overlay import _engine

                pairs, area = _engine.pair_areas(og, pg, threads=1)
                result = int((area > 0).sum()), float(area.sum())
            else:
                from redline.boundaries import _fast

                res = _fast.overlay_pairs(pg, og, max_vertices=256, threads=1, merge=False)
                a = shapely.area(np.asarray(res["geometry"].to_numpy(), dtype=object))
                per = res.assign(a=a).groupby(["small", "big"])["a"].sum()
                result = int((per > 0).sum()), float(per.sum())
            wall = time.perf_counter() - t0
        workers = client.run(_peak_mb)
    return {"wall_s": wall, "setup_s": setup, "pairs": result[0], "area_m2": result[1],
            "peak_mb": _peak_mb() + sum(workers.values()), "note": f"{len(workers)} workers, 1 thread each"}


def _pg_url() -> str:
    url = os.environ.get("REDLINE_TEST_PG")
    if url:
        return url
    out = subprocess.run(["bash", str(ROOT / "scripts" / "postgis.sh"), "start"], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"PostGIS unavailable: scripts/postgis.sh start failed: {(out.stdout + out.stderr)[-300:]}")
    return subprocess.run(["bash", str(ROOT / "scripts" / "postgis.sh"), "url"], capture_output=True, text=True,
                          check=True).stdout.strip()


def run_postgis(folder, case):
    import psycopg

    from redline.io.postgis import write_postgis

    parcels, other = _load(folder, case)
    url = _pg_url()
    schema = f"bench_{os.getpid()}"
    name = "approvals" if case == "T1" else "boundaries"
    t_setup = time.perf_counter()
    write_postgis({"parcels": parcels, name: other}, f"{url}?schema={schema}")  # COPY + GiST index
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"SET search_path = {schema}, public")
            conn.execute("ANALYZE parcels")
            conn.execute(f"ANALYZE {name}")
            setup = time.perf_counter() - t_setup
            conn.execute("SET max_parallel_workers_per_gather = 2")
            pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
            version = conn.execute("SELECT postgis_lib_version()").fetchone()[0]
            query = (SQL / f"postgis_{case.lower()}.sql").read_text()
            t0 = time.perf_counter()
            pairs, area = conn.execute(query).fetchone()
            wall = time.perf_counter() - t0
            peak = _peak_mb(pid)
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    except BaseException:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        raise
    return {"wall_s": wall, "setup_s": setup, "pairs": int(pairs), "area_m2": float(area), "peak_mb": peak,
            "note": f"PostGIS {version}, GiST{', ST_Subdivide 256' if case == 'T2' else ''}, 2 parallel workers "
                    "allowed; peak = server backend"}


def run_duckdb(folder, case):
    """Runs under benchmarks/out/venv-duckdb (duckdb 1.5.5 + the spatial extension from PyPI): stdlib + duckdb."""
    import duckdb
    import duckdb_extension_spatial

    ext = Path(duckdb_extension_spatial.__file__).parent / "extensions" / f"v{duckdb.__version__}" / \
        "spatial.duckdb_extension"
    con = duckdb.connect()
    con.execute(f"LOAD '{ext}'")
    con.execute("SET threads = 2")
    other = "approvals" if case == "T1" else "boundaries"
    t_setup = time.perf_counter()
    for name in ("parcels", other):
        con.execute(f"CREATE TABLE {name} AS SELECT id, ST_GeomFromWKB(wkb) AS geom "
                    f"FROM read_parquet('{folder / (name + '.wkb.parquet')}')")
    setup = time.perf_counter() - t_setup
    query = (SQL / f"duckdb_{case.lower()}.sql").read_text()
    t0 = time.perf_counter()
    pairs, area = con.execute(query).fetchone()
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "setup_s": setup, "pairs": int(pairs), "area_m2": float(area), "peak_mb": _peak_mb(),
            "note": f"DuckDB {duckdb.__version__} spatial, 2 threads{', boundaries cut by an 8 x 8 grid' if case == 'T2' else ''}"}


def _duck_python() -> str:
    py = DUCK_VENV / "bin" / "python"
    if py.exists():
        return str(py)
    made = subprocess.run([sys.executable, "-m", "venv", str(DUCK_VENV)], capture_output=True, text=True)
    if made.returncode == 0:
        made = subprocess.run([str(py), "-m", "pip", "install", "--quiet", *DUCK_PINS], capture_output=True,
                              text=True)
    if made.returncode != 0:
        raise RuntimeError("DuckDB spatial unavailable: the extension cannot be downloaded here and "
                           f"pip install {' '.join(DUCK_PINS)} failed: {(made.stdout + made.stderr)[-200:]}")
    return str(py)


# ---------------------------------------------------------------- driver


def _measure(method: str, case: str, folder: Path, timeout: float) -> dict:
    try:
        python = _duck_python() if method == "duckdb" else sys.executable
    except RuntimeError as exc:
        return {"method": method, "case": case, "error": str(exc)}
    cmd = [python, __file__, "--_run", method, case, str(folder)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"method": method, "case": case, "error": f"did not finish in {timeout:.0f} s"}
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()
        return {"method": method, "case": case, "error": tail[-1][:300] if tail else f"exit {proc.returncode}"}
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res.update(method=method, case=case)
    return res


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines()
                   if x.startswith("MemTotal")) / 2**20
    except (OSError, StopIteration):
        mem = float("nan")
    import dask
    import geopandas
    import shapely

    return (f"{os.cpu_count()} CPUs ({cpu}), {mem:.0f} GB RAM, {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), "
            f"geopandas {geopandas.__version__}, dask {dask.__version__}")


DESCRIPTION = {
    "redline": "redline, one machine, 2 threads",
    "geopandas": "`geopandas.overlay`",
    "postgis": "PostGIS SQL",
    "duckdb": "DuckDB spatial SQL",
    "dask": "redline on Dask",
}


def table(results: list[dict], counts: dict, scale: float) -> str:
    lines = [f"\n### Overlay engines, scale {scale:g}: T1 {counts['parcels']:,} parcels × {counts['approvals']:,} "
             f"approvals; T2 {counts['parcels']:,} parcels × {counts['boundaries']:,} boundaries (5 000 vertices)\n",
             "| case | method | wall (s) | setup (s) | peak memory (MB) | × geopandas time | pairs | area (m²) | "
             "same answer |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for case in ("T1", "T2"):
        rows = [r for r in results if r["case"] == case]
        ref = next((r for r in rows if r["method"] == "geopandas" and "error" not in r), None)
        check = next((r for r in rows if r["method"] == "redline" and "error" not in r), ref)
        for r in rows:
            name = DESCRIPTION[r["method"]]
            if "error" in r:
                lines.append(f"| {case} | {name} | — | — | — | — | — | — | unavailable: {r['error']} |")
                continue
            ratio = f"{r['wall_s'] / ref['wall_s']:.2f}" if ref else "—"
            same = "—"
            if check is not None:
                ok = abs(r["area_m2"] - check["area_m2"]) <= 1e-6 * max(abs(check["area_m2"]), 1)
                same = "yes" if ok and r["pairs"] == check["pairs"] else (
                    f"area {'ok' if ok else 'DIFFERS'}, pairs {r['pairs'] - check['pairs']:+d}")
            setup = f"{r['setup_s']:.1f}" if "setup_s" in r else "—"
            note = f" ({r['note']})" if r.get("note") else ""
            lines.append(f"| {case} | {name}{note} | {r['wall_s']:.2f} | {setup} | {r['peak_mb']:,.0f} | {ratio} | "
                         f"{r['pairs']:,} | {r['area_m2']:,.1f} | {same} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="the province-sized case: 200 000 parcels (scale 1)")
    ap.add_argument("--scale", type=float, nargs="+", default=None,
                    help="size(s) relative to the full case (default 0.1; several show how cost grows)")
    ap.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS))
    ap.add_argument("--cases", nargs="+", choices=("T1", "T2"), default=["T1", "T2"])
    ap.add_argument("--timeout", type=float, default=None, help="seconds per method (default 600, 3600 with --full)")
    ap.add_argument("--_run", nargs=3, metavar=("METHOD", "CASE", "DIR"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._run:
        method, case, folder = args._run
        print(json.dumps(globals()[f"run_{method}"](Path(folder), case)))
        return 0
    scales = [1.0] if args.full else (args.scale or [0.1])
    timeout = args.timeout or (3600 if args.full else 600)
    print(f"Machine: {machine()}")
    for scale in scales:
        with tempfile.TemporaryDirectory(prefix="redline-engines-") as tmp:
            t0 = time.perf_counter()
            counts = generate(Path(tmp), scale)
            print(f"\ngenerated scale {scale:g} in {time.perf_counter() - t0:.1f} s: {counts}", file=sys.stderr)
            results = []
            for case in args.cases:
                for method in args.methods:
                    r = _measure(method, case, Path(tmp), timeout)
                    print(f"  {case} {method}: {r.get('wall_s', r.get('error'))}", file=sys.stderr)
                    results.append(r)
            print(table(results, counts, scale))
    print("\nwall: the overlay alone, inputs in memory (or loaded and indexed in the database: setup); one run per "
          "method, each in its own process; × geopandas: wall time relative to `geopandas.overlay` on the same case "
          "(below 1 is faster). same answer: pairs with area > 0 and total area (relative 1e-6) equal to redline's.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
