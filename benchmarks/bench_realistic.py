"""Four audits on bureau-shaped data: redline against the baselines a competent user or a SQL engine offers.

    .venv/bin/python benchmarks/bench_realistic.py                          # size 1, every method, 3 pairs
    .venv/bin/python benchmarks/bench_realistic.py --size 4 --repeat 5
    .venv/bin/python benchmarks/bench_realistic.py --jobs unsupplied,developed --methods redline,duckdb

Inputs: :func:`benchmarks.realistic.realistic` (seeded, cached as GeoParquet under ``benchmarks/out/``).
Jobs, each giving one number per feature (planar m²):

- ``unsupplied`` 批而未供: per approval, the area no supply covers;
- ``developed`` 供而未用: per supply, the area under building footprints;
- ``conflicts`` 三区三线: per PBF patch, the area inside the growth boundary;
- ``intensity`` 开发强度: per township, the construction land inside it.

Methods (``--methods``; an engine name runs both of its query forms):

- ``redline``: the audit functions themselves (``approved_not_supplied``, ``supplied_not_used``,
  ``conflicts``, ``development_intensity``), validation and statuses included;
- ``overlay``: ``geopandas.overlay`` (``how="difference"`` for 批而未供, else ``"intersection"``), areas summed;
- ``competent``: ``sjoin`` + clip (vectorised intersection of the joined pairs) + ``dissolve`` per approval
  for 批而未供, + ``groupby().sum()`` for the others (their right-hand layers have no self-overlaps);
- ``duckdb-sum`` / ``duckdb-union``: DuckDB spatial, the sum of clipped areas, or the left feature clipped
  by the union aggregate (``ST_Union_Agg``) of the right features it meets (see :func:`sql`); runs in ``benchmarks/out/venv-duckdb`` (duckdb + the spatial
  extension from PyPI);
- ``sedona-sum`` / ``sedona-union``: SedonaDB (PyPI ``sedonadb``), the same two queries; runs in
  ``benchmarks/out/venv-sedona``;
- ``postgis-sum`` / ``postgis-union``: PostGIS (``scripts/postgis.sh``), GiST indexes, 2 parallel workers
  allowed; the tables are loaded once before the runs; for the conflicts the growth boundaries are first cut
  with ``ST_Subdivide(geom, 256)`` and indexed, inside the timed part (DuckDB 1.5 and SedonaDB 0.5 have no
  ``ST_Subdivide``: they intersect the whole boundaries).

Each (method, job) runs in its own process, inputs loaded before the clock starts. Runs are paired and
alternated: for each repeat, redline then every other method, so each ratio (other ÷ redline, below 1: the
other is faster) is taken from neighbouring runs; the table gives the median over the repeats. Every
method's per-feature answers are compared with redline's (``|a - b| <= max(0.01 m², 1e-6 × |a|)``); a
mismatch is printed by feature id and areas and the script exits with status 1. A method whose engine
cannot be installed is skipped with the reason. Output: a markdown table on stdout and
``benchmarks/out/realistic-size<N>.json``.
"""

from __future__ import annotations

# Only the standard library at module level: the DuckDB and SedonaDB runners execute this file in
# virtual environments without redline or geopandas.
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
AS_OF = "2026-06-30"
CRS = "EPSG:4549"
ATOL_M2 = 0.01
RTOL = 1e-6
JOBS = ("unsupplied", "developed", "conflicts", "intensity")
JOB_LABEL = {"unsupplied": "批而未供 unsupplied area per approval", "developed": "供而未用 developed area per supply",
             "conflicts": "三区三线 PBF inside the growth boundary", "intensity": "开发强度 construction land per township"}
ENGINES = {"duckdb": ("duckdb-sum", "duckdb-union"), "sedona": ("sedona-sum", "sedona-union"),
           "postgis": ("postgis-sum", "postgis-union")}
METHODS = ("redline", "overlay", "competent", *(m for forms in ENGINES.values() for m in forms))
VENVS = {"duckdb": (OUT / "venv-duckdb", ("duckdb==1.5.5", "duckdb-extension-spatial==1.5.5")),
         "sedona": (OUT / "venv-sedona", ("sedonadb", "pyarrow", "geoarrow-pyarrow"))}
#: construction land-use codes of the generated layer (all classified construction in TD/T 1055-2019;
#: the smoke test checks this against redline's code table)
CONSTRUCTION = ("0601", "0701", "05H1", "1004", "0702", "08H1", "1003")
# (left layer, its id, right layer) of each job; the answer is per left feature
JOB_LAYERS = {"unsupplied": ("approvals", "approval_id", "supplies"),
              "developed": ("supplies", "supply_id", "buildings"),
              "conflicts": ("farmland", "farmland_id", "growth_boundary"),
              "intensity": ("townships", "admin_code", "landuse")}


# ---------------------------------------------------------------- the SQL, one text for the three engines


def sql(job: str, form: str, union_agg: str) -> str:
    """Per left feature meeting the right layer: (id, area), as the sum of the clipped areas (``sum``: right
    features do not overlap each other) or as the area of the left feature clipped by the union of the right
    features it meets (``union``: right features may overlap)."""
    if form == "sum":
        return ("SELECT a.id AS id, SUM(ST_Area(ST_Intersection(a.geom, b.geom))) AS area "
                "FROM a JOIN b ON ST_Intersects(a.geom, b.geom) GROUP BY a.id")
    return (f"SELECT a.id AS id, ST_Area(ST_Intersection(a.geom, u.geom)) AS area FROM a JOIN ("
            f"SELECT a.id AS id, {union_agg}(b.geom) AS geom FROM a JOIN b ON ST_Intersects(a.geom, b.geom) "
            "GROUP BY a.id) AS u ON a.id = u.id")


def _finish(job: str, left_area: dict, met: dict) -> dict:
    """Every left feature's answer: 批而未供 is the approval's area less the supplied part; else the clip area."""
    if job == "unsupplied":
        return {i: a - float(met.get(i) or 0.0) for i, a in left_area.items()}
    return {i: float(met.get(i) or 0.0) for i in left_area}


# ---------------------------------------------------------------- runners (each in its own process)


def _paths(folder: Path, job: str) -> tuple[Path, Path]:
    left, _, right = JOB_LAYERS[job]
    return folder / f"{left}.parquet", folder / f"{right}.parquet"


def run_duckdb(folder: Path, job: str, form: str) -> tuple[float, dict]:
    import duckdb
    import duckdb_extension_spatial

    ext = Path(duckdb_extension_spatial.__file__).parent / "extensions" / f"v{duckdb.__version__}" / \
        "spatial.duckdb_extension"
    con = duckdb.connect()
    con.execute(f"LOAD '{ext}'")
    con.execute("SET threads = 2")
    left, right = _paths(folder, job)
    lid = JOB_LAYERS[job][1]
    where = f" WHERE DLBM IN ({', '.join(repr(c) for c in CONSTRUCTION)})" if job == "intensity" else ""
    for name, path, idc in (("a", left, lid), ("b", right, None)):
        cols = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()}
        geom = "geometry" if cols["geometry"].upper().startswith("GEOMETRY") else "ST_GeomFromWKB(geometry)"
        ident = f"{idc} AS id, " if idc else ""
        con.execute(f"CREATE TABLE {name} AS SELECT {ident}{geom} AS geom FROM read_parquet('{path}'){where if name == 'b' else ''}")
    t0 = time.perf_counter()
    left_area = dict(con.execute("SELECT id, ST_Area(geom) FROM a").fetchall())
    met = dict(con.execute(sql(job, form, "ST_Union_Agg")).fetchall())
    took = time.perf_counter() - t0
    return took, _finish(job, left_area, met)


def run_sedona(folder: Path, job: str, form: str) -> tuple[float, dict]:
    import sedonadb

    sd = sedonadb.connect()
    left, right = _paths(folder, job)
    lid = JOB_LAYERS[job][1]
    sd.read_parquet(str(left)).to_view("a_raw")
    sd.read_parquet(str(right)).to_view("b_raw")
    where = f" WHERE \"DLBM\" IN ({', '.join(repr(c) for c in CONSTRUCTION)})" if job == "intensity" else ""
    sd.sql(f"SELECT \"{lid}\" AS id, geometry AS geom FROM a_raw").to_memtable().to_view("a")
    sd.sql(f"SELECT geometry AS geom FROM b_raw{where}").to_memtable().to_view("b")
    t0 = time.perf_counter()
    left_area = {r["id"]: r["area"] for r in sd.sql("SELECT id, ST_Area(geom) AS area FROM a").to_arrow_table().to_pylist()}
    met = {r["id"]: r["area"] for r in sd.sql(sql(job, form, "ST_Union_Agg")).to_arrow_table().to_pylist()}
    took = time.perf_counter() - t0
    return took, _finish(job, left_area, met)


def _pg_url() -> str:
    url = os.environ.get("REDLINE_TEST_PG")
    if url:
        return url
    out = subprocess.run(["bash", str(ROOT / "scripts" / "postgis.sh"), "start"], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"PostGIS unavailable: scripts/postgis.sh start failed: {(out.stdout + out.stderr)[-300:]}")
    return subprocess.run(["bash", str(ROOT / "scripts" / "postgis.sh"), "url"], capture_output=True, text=True,
                          check=True).stdout.strip()


def _pg_schema(size: float, seed: int) -> str:
    return f"bench_realistic_{str(size).replace('.', '_')}_{seed}_{os.getpid()}"


def postgis_load(folder: Path, jobs, schema: str) -> str:
    """Load the layers the jobs need once, as tables a_<job> and b_<job> with GiST indexes (not timed)."""
    import geopandas as gpd
    import psycopg

    from redline.io.postgis import write_postgis

    url = _pg_url()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    for job in jobs:
        left, lid, right = JOB_LAYERS[job]
        a = gpd.read_parquet(folder / f"{left}.parquet")[[lid, "geometry"]].rename(columns={lid: "id"})
        b = gpd.read_parquet(folder / f"{right}.parquet")
        if job == "intensity":
            b = b[b["DLBM"].isin(CONSTRUCTION)]
        write_postgis({f"a_{job}": a, f"b_{job}": b[["geometry"]]}, f"{url}?schema={schema}")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"ANALYZE {schema}.a_{job}")
            conn.execute(f"ANALYZE {schema}.b_{job}")
    return url


def postgis_drop(schema: str) -> None:
    import psycopg

    with psycopg.connect(_pg_url(), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def run_postgis(schema: str, job: str, form: str) -> tuple[float, dict]:
    import psycopg

    with psycopg.connect(_pg_url(), autocommit=True) as conn:
        conn.execute(f"SET search_path = {schema}, public")
        conn.execute("SET max_parallel_workers_per_gather = 2")
        geom = conn.execute("SELECT f_geometry_column FROM geometry_columns WHERE f_table_schema = %s "
                            "AND f_table_name = %s", (schema, f"a_{job}")).fetchone()[0]
        conn.execute(f"CREATE TEMP VIEW a AS SELECT id, {geom} AS geom FROM a_{job}")
        query = sql(job, form, "ST_Union")
        t0 = time.perf_counter()
        if job == "conflicts":  # as a PostGIS user does with big boundaries: subdivided pieces, indexed (timed)
            conn.execute(f"CREATE TEMP TABLE b AS SELECT ST_Subdivide({geom}, 256) AS geom FROM b_{job}")
            conn.execute("CREATE INDEX ON b USING gist (geom)")
            conn.execute("ANALYZE b")
        else:
            conn.execute(f"CREATE TEMP VIEW b AS SELECT {geom} AS geom FROM b_{job}")
        left_area = dict(conn.execute("SELECT id, ST_Area(geom) FROM a").fetchall())
        met = dict(conn.execute(query).fetchall())
        took = time.perf_counter() - t0
    return took, _finish(job, left_area, met)


def _load(folder: Path, names):
    import geopandas as gpd

    return {n: gpd.read_parquet(folder / f"{n}.parquet") for n in names}


def run_redline(folder: Path, job: str) -> tuple[float, dict]:
    # imported before the clock starts, as the engines' connections and extensions are opened before theirs
    from redline.boundaries import development_intensity
    from redline.farmland import conflicts
    from redline.overlay import approved_not_supplied, supplied_not_used

    left, lid, right = JOB_LAYERS[job]
    d = _load(folder, (left, right))
    t0 = time.perf_counter()
    if job == "unsupplied":
        r = approved_not_supplied(d["approvals"], d["supplies"], as_of=AS_OF, area_method="planar", crs=CRS)
        values = r["unsupplied_m2"] + r["sliver_m2"]
    elif job == "developed":
        r = supplied_not_used(d["supplies"], d["buildings"], as_of=AS_OF, area_method="planar", crs=CRS)
        values = r["developed_m2"]
    elif job == "conflicts":
        c = conflicts(d["farmland"], d["growth_boundary"], area_method="planar", crs=CRS)
        c = c[c["kind"] == "farmland_growth"]
        per = c.groupby("farmland_id")["area_m2"].sum()
        r = d["farmland"][["farmland_id"]]
        values = per.reindex(r["farmland_id"]).fillna(0.0)
    else:
        r = development_intensity(d["landuse"], d["townships"], code_field="DLBM", area_method="planar", crs=CRS)
        values = r["construction_m2"]
    took = time.perf_counter() - t0
    return took, dict(zip(r[lid].astype(str), map(float, values), strict=True))


def run_geopandas(folder: Path, job: str, style: str) -> tuple[float, dict]:
    import geopandas as gpd
    import shapely

    left, lid, right = JOB_LAYERS[job]
    d = _load(folder, (left, right))
    a = d[left][[lid, "geometry"]]
    b = d[right]
    if job == "intensity":
        b = b[b["DLBM"].isin(CONSTRUCTION)]
    b = b[["geometry"]]
    t0 = time.perf_counter()
    own = dict(zip(a[lid], a.area, strict=True))
    if style == "overlay":
        if job == "unsupplied":
            rest = gpd.overlay(a, b, how="difference")
            per = rest.assign(_a=rest.area).groupby(lid)["_a"].sum()
            values = {i: float(per.get(i, 0.0)) for i in own}
        else:
            pieces = gpd.overlay(b, a, how="intersection")
            per = pieces.assign(_a=pieces.area).groupby(lid)["_a"].sum()
            values = {i: float(per.get(i, 0.0)) for i in own}
    else:
        j = gpd.sjoin(a, b, predicate="intersects", how="inner")
        clip = shapely.intersection(j.geometry.values, b.geometry.values[b.index.get_indexer(j["index_right"])])
        pieces = gpd.GeoDataFrame({lid: j[lid].to_numpy()}, geometry=clip, crs=a.crs)
        if job == "unsupplied":  # supplies of one approval may overlap: unite them per approval
            per = pieces.dissolve(lid).area
            values = {i: a_ - float(per.get(i, 0.0)) for i, a_ in own.items()}
        else:
            per = pieces.assign(_a=pieces.area).groupby(lid)["_a"].sum()
            values = {i: float(per.get(i, 0.0)) for i in own}
    took = time.perf_counter() - t0
    return took, {str(k): float(v) for k, v in values.items()}


def worker(method: str, job: str, target: str, out: Path) -> None:
    if method == "redline":
        took, ans = run_redline(Path(target), job)
    elif method in ("overlay", "competent"):
        took, ans = run_geopandas(Path(target), job, method)
    else:
        engine, form = method.split("-")
        runner = {"duckdb": run_duckdb, "sedona": run_sedona, "postgis": run_postgis}[engine]
        took, ans = runner(target if engine == "postgis" else Path(target), job, form)
    out.write_text(json.dumps({"seconds": took, "answers": {str(k): v for k, v in ans.items()}}))


# ---------------------------------------------------------------- driver


def _python(method: str) -> str:
    engine = method.split("-")[0]
    if engine not in VENVS:
        return sys.executable
    venv, pins = VENVS[engine]
    py = venv / "bin" / "python"
    if py.exists():
        return str(py)
    made = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True)
    if made.returncode == 0:
        made = subprocess.run([str(py), "-m", "pip", "install", "--quiet", *pins], capture_output=True, text=True)
    if made.returncode != 0:
        raise RuntimeError(f"pip install {' '.join(pins)} failed: {(made.stdout + made.stderr).strip()[-200:]}")
    return str(py)


def measure(method: str, job: str, target: str, tmp: Path, timeout: float) -> dict:
    out = tmp / f"{method}-{job}.json"
    out.unlink(missing_ok=True)
    try:
        python = _python(method)
    except RuntimeError as exc:
        return {"error": f"engine not installable: {exc}"}
    cmd = [python, str(Path(__file__).resolve()), "--_run", method, job, target, str(out)]
    env = dict(os.environ, PYTHONWARNINGS="ignore", PYTHONPATH=str(ROOT))
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish in {timeout:.0f} s"}
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()
        return {"error": tail[-1][:300] if tail else f"exit {proc.returncode}"}
    return json.loads(out.read_text())


def compare(ref: dict, other: dict) -> list[tuple[str, float, float]]:
    """(id, redline's area, the other's area) for every feature whose answers differ."""
    bad = []
    for i in sorted(set(ref) | set(other)):
        a, b = ref.get(i), other.get(i)
        if a is None or b is None or abs(a - b) > max(ATOL_M2, RTOL * abs(a)):
            bad.append((i, float("nan") if a is None else a, float("nan") if b is None else b))
    return bad


def expand(methods: str) -> list[str]:
    out: list[str] = []
    for m in methods.split(","):
        m = m.strip()
        if not m:
            continue
        for x in ENGINES.get(m, (m,)):
            if x not in METHODS:
                raise SystemExit(f"unknown method {x!r}; choose from {', '.join(METHODS)} or {', '.join(ENGINES)}")
            if x not in out:
                out.append(x)
    if "redline" not in out:
        out.insert(0, "redline")  # every ratio and answer is relative to redline
    return out


def run(size: int, jobs: list[str], methods: list[str], repeat: int, seed: int = 0, timeout: float = 1800,
        log=sys.stderr) -> dict:
    """Paired alternating runs; returns {"jobs": {job: {method: {...}}}, "mismatches": {...}}."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.realistic import cache_dir, describe, realistic

    layers = realistic(size, seed)
    counts = {k: int(v) for k, v in describe(layers).set_index("layer")["features"].items()}
    del layers
    folder = cache_dir(size, seed)
    results: dict = {"size": size, "seed": seed, "repeat": repeat, "counts": counts, "jobs": {}, "mismatches": {}}
    schema = None
    pg_error = None
    if any(m.startswith("postgis") for m in methods):
        schema = _pg_schema(size, seed)
        try:
            postgis_load(folder, jobs, schema)
        except Exception as exc:  # any failure to reach the server skips the method, with why
            pg_error = f"PostGIS unavailable: {exc}"[:300]
            schema = None
    try:
        with tempfile.TemporaryDirectory(prefix="redline-realistic-") as tmp:
            for job in jobs:
                per = {m: {"seconds": [], "ratios": [], "error": None} for m in methods}
                ref = None
                for rep in range(repeat):
                    base = None
                    for m in methods:
                        if per[m]["error"]:
                            continue
                        if m.startswith("postgis") and pg_error:
                            per[m]["error"] = pg_error
                            continue
                        target = schema if m.startswith("postgis") else str(folder)
                        res = measure(m, job, target, Path(tmp), timeout)
                        if "error" in res:
                            per[m]["error"] = res["error"]
                            print(f"  {job} {m}: {res['error']}", file=log, flush=True)
                            continue
                        per[m]["seconds"].append(res["seconds"])
                        if m == "redline":
                            base = res["seconds"]
                            ref = ref or res["answers"]
                        elif base:
                            per[m]["ratios"].append(res["seconds"] / base)
                        if rep == 0 and m != "redline" and ref is not None:
                            bad = compare(ref, res["answers"])
                            per[m]["features"] = len(res["answers"])
                            per[m]["mismatches"] = len(bad)
                            if bad:
                                results["mismatches"].setdefault(job, {})[m] = bad[:50]
                        print(f"  {job} {m} run {rep + 1}: {res['seconds']:.2f} s", file=log, flush=True)
                results["jobs"][job] = per
    finally:
        if schema:
            postgis_drop(schema)
    return results


def table(results: dict, methods: list[str]) -> str:
    lines = []
    c = results["counts"]
    lines.append(f"size ×{results['size']}: {c['approvals']:,} approvals, {c['supplies']:,} supplies, "
                 f"{c['buildings']:,} footprints, {c['landuse']:,} land-use patches, {c['townships']:,} townships, "
                 f"{c['farmland']:,} PBF patches, {c['growth_boundary']} growth boundaries; {results['repeat']} "
                 "paired runs, median; ratio = method ÷ redline (below 1: faster than redline)\n")
    others = [m for m in methods if m != "redline"]
    lines.append("| job | redline s | " + " | ".join(others) + " |")
    lines.append("|---|---:|" + "---:|" * len(others))
    for job, per in results["jobs"].items():
        rl = per["redline"]
        cells = [JOB_LABEL[job], f"{statistics.median(rl['seconds']):.2f}" if rl["seconds"] else "failed"]
        for m in others:
            p = per[m]
            if p["error"] and not p["ratios"]:
                cells.append("— (" + p["error"][:60].replace("|", "/") + ")")
            elif p["ratios"]:
                flag = "" if not p.get("mismatches") else f", **{p['mismatches']} differ**"
                cells.append(f"{statistics.median(p['ratios']):.2f}× ({statistics.median(p['seconds']):.2f} s{flag})")
            else:
                cells.append("—")
        lines.append("| " + " | ".join(cells) + " |")
    if results["mismatches"]:
        lines.append("\nper-feature answers that differ from redline's (id: redline m², other m²):")
        for job, by in results["mismatches"].items():
            for m, bad in by.items():
                shown = "; ".join(f"{i}: {a:.4f} vs {b:.4f}" for i, a, b in bad[:10])
                lines.append(f"- {job}, {m}: {shown}{' …' if len(bad) > 10 else ''}")
    else:
        lines.append("\nevery method that ran gave redline's per-feature answers "
                     f"(|difference| ≤ max({ATOL_M2} m², {RTOL:g} × area)).")
    return "\n".join(lines)


def main(argv=None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--_run":
        _, _, method, job, target, out = sys.argv
        worker(method, job, target, Path(out))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=float, default=1, help="1, 4 or 16 (×16 ≈ 16 000 approvals, 890 000 footprints); "
                    "a fraction below 1 for one small city")
    ap.add_argument("--jobs", default=",".join(JOBS), help=f"comma-separated: {', '.join(JOBS)}")
    ap.add_argument("--methods", default="redline,overlay,competent,duckdb,sedona,postgis",
                    help=f"comma-separated: {', '.join(METHODS)}, or an engine ({', '.join(ENGINES)}) for both forms")
    ap.add_argument("--repeat", type=int, default=3, help="paired runs per method and job (median)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    args = ap.parse_args(argv)
    jobs = [j for j in args.jobs.split(",") if j]
    for j in jobs:
        if j not in JOBS:
            ap.error(f"unknown job {j!r}; choose from {', '.join(JOBS)}")
    methods = expand(args.methods)
    size = args.size if args.size < 1 else int(args.size)
    results = run(size, jobs, methods, args.repeat, args.seed, args.timeout)
    import platform

    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}; planar areas\n")
    print(table(results, methods))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"realistic-size{size:g}.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    return 1 if results["mismatches"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
