"""`benchmarks/bench_realistic.py` on one small generated city (size 0.05): every method that can run here gives
redline's answer for every feature of the four jobs, and the generated layers have the shapes the benchmark
claims (footprints never share interior, land use is a coverage nested in townships, PBF patches are land-use
patches, supplies lie in their approvals). No timing is asserted."""

from __future__ import annotations

import importlib.util
import io
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

ROOT = Path(__file__).resolve().parent.parent
SIZE = 0.05


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", ROOT / "benchmarks" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


bench = _load("bench_realistic")
gen = _load("realistic")


@pytest.fixture(scope="module")
def layers():
    return gen.generate(SIZE, seed=0)


def _unavailable(method: str) -> str:
    engine = method.split("-")[0]
    if engine in bench.VENVS:
        venv, pins = bench.VENVS[engine]
        if not (venv / "bin" / "python").exists():
            return (f"{engine} runs in its own environment {venv.relative_to(ROOT)}, not created here "
                    f"(the benchmark creates it with pip install {' '.join(pins)})")
    if engine == "postgis" and not os.environ.get("REDLINE_TEST_PG"):
        return "PostGIS: REDLINE_TEST_PG is not set (bash scripts/postgis.sh start)"
    return ""


@pytest.mark.parametrize("engine", ["geopandas", *bench.ENGINES])
def test_every_method_gives_redlines_answer_per_feature(engine):
    methods = ["overlay", "competent"] if engine == "geopandas" else list(bench.ENGINES[engine])
    reason = _unavailable(methods[0])
    if reason:
        pytest.skip(reason)
    res = bench.run(SIZE, list(bench.JOBS), ["redline", *methods], repeat=1, log=io.StringIO())
    errors = {(job, m): per[m]["error"] for job, per in res["jobs"].items() for m in ["redline", *methods]
              if per[m]["error"]}
    assert not errors
    assert res["mismatches"] == {}
    for job, per in res["jobs"].items():
        for m in methods:
            assert per[m]["mismatches"] == 0 and per[m]["features"] > 0, (job, m)
    assert "every method that ran gave redline's per-feature answers" in bench.table(res, ["redline", *methods])


def test_compare_reports_a_differing_feature_by_id():
    bad = bench.compare({"A1": 100.0, "A2": 5.0}, {"A1": 100.0, "A2": 5.5})
    assert bad == [("A2", 5.0, 5.5)]
    assert bench.compare({"A1": 1e6}, {"A1": 1e6 + 0.5}) == []  # within 1e-6 of the area
    assert bench.compare({"A1": 1.0}, {})[0][0] == "A1"


def test_footprints_share_walls_but_never_interior(layers):
    b = layers["buildings"].geometry.values
    i, j = shapely.STRtree(b).query(b, predicate="intersects")
    keep = i < j
    assert keep.sum() > 0  # terraced rows: neighbours touch
    assert not shapely.relate_pattern(b[i[keep]], b[j[keep]], "T********").any()


def test_footprints_lie_in_their_supply_and_supplies_in_their_approval(layers):
    b, s, a = (layers[k].geometry.values for k in ("buildings", "supplies", "approvals"))
    bi, si = shapely.STRtree(s).query(b, predicate="intersects")
    inside = np.bincount(bi, shapely.area(shapely.intersection(b[bi], s[si])), len(b))
    assert np.allclose(inside, shapely.area(b), rtol=0, atol=1e-6)
    si, ai = shapely.STRtree(a).query(s, predicate="intersects")
    assert np.allclose(shapely.area(shapely.intersection(s[si], a[ai])), shapely.area(s[si]), rtol=1e-9)
    assert any(len(p.interiors) for p in a)  # approvals with holes


def test_land_use_is_a_coverage_nested_in_townships_and_pbf_comes_from_it(layers):
    lu = layers["landuse"].geometry.values
    assert shapely.coverage_is_valid(lu)
    towns = layers["townships"].geometry.values
    assert abs(shapely.area(towns).sum() - shapely.area(lu).sum()) < 1e-6 * shapely.area(lu).sum()
    pbf = layers["farmland"].geometry.values
    assert set(shapely.to_wkb(np.asarray(pbf))) <= set(shapely.to_wkb(np.asarray(lu)))  # the same vertices
    gb = layers["growth_boundary"].geometry.values[0]
    assert gb.geom_type == "MultiPolygon" and any(len(p.interiors) for p in gb.geoms)


def test_the_benchmarks_construction_codes_are_redlines(layers):
    from redline.boundaries import code_table
    from redline.boundaries.intensity import classify_patches

    codes = sorted(set(layers["landuse"]["DLBM"]))
    cls = classify_patches(pd.Series(codes), code_table("tdt1055-2019"))
    construction = {c for c, k in zip(codes, cls["construction"], strict=True) if k}
    assert construction == set(bench.CONSTRUCTION)
    assert not cls["unknown"].any()
