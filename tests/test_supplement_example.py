"""The 补-side cases planted in the example county: each found as planted, its figures from the layers."""

from __future__ import annotations

import pytest

from redline.example import EXAMPLE_AS_OF, example_path, load_example
from redline.pipeline import run_audits

pytestmark = pytest.mark.skipif(not example_path().exists(), reason="example county not generated")
KEEP = ("linkage_demolished", "linkage_built", "landuse", "landuse_later", "consolidation", "approvals", "topsoil",
        "admin")


@pytest.fixture(scope="module")
def run():
    src = {k: f"{example_path()}:{k}" for k in KEEP}
    return run_audits(src, audits=["linkage", "consolidation_projects", "topsoil_stripping", "farmland_exchange"],
                      as_of=EXAMPLE_AS_OF)


@pytest.fixture(scope="module")
def planted():
    return load_example("planted").set_index("case")


def test_xixian_linkage_figures_are_flagged(run, planted):
    t = run.outputs["linkage"].set_index("project_id")
    p = t.loc[planted.loc["linkage_xixian_figures", "feature_id"]]
    # recorded 拆旧 853.72, 建新 395.42, 节余 490.77 公顷 at 1:100: 85 372 - 39 542 = 45 830 m² room, 49 077 recorded
    assert p["recorded_room_m2"] == pytest.approx(45830) and p["recorded_surplus_m2"] - p["recorded_room_m2"] == \
        pytest.approx(3247)
    assert p["surplus_difference_m2"] == pytest.approx(p["recorded_surplus_m2"] - (p["reclaimed_m2"] - p["built_m2"]))
    assert {"surplus_over_records", "surplus_mismatch", "quota_overdue"} <= set(p["status"].split("; "))
    assert p["quota_days_late"] == 181  # due 2025-12-31, not returned by 2026-06-30
    ok = t.loc[planted.loc["linkage_consistent", "feature_id"]]
    assert ok["status"] == "ok" and ok["reconciles"] and ok["reclaimed_share"] == pytest.approx(1)
    assert ok["resettlement_m2"] == pytest.approx(ok["built_m2"] / 2, rel=1e-3)


def test_consolidation_verified_with_xixian_ratio(run):
    c = run.outputs["consolidation_projects"].iloc[0]
    assert c["status"] == "verified" and abs(c["difference_m2"]) <= 100
    assert c["new_farmland_ratio"] == pytest.approx(2847.31 / 22374.70, abs=1e-3)


def test_exchange_short_in_its_township(run, planted):
    later = load_example("landuse_later")
    t = run.outputs["farmland_exchange"].set_index("admin_code")
    row = t.loc[planted.loc["exchange_short", "feature_id"]]
    from redline.area import geodesic_area

    out = later[later["DLBM"].isin(["0201", "0301"])]
    assert row["out_m2"] == pytest.approx(geodesic_area(out.geometry.values, out.crs).sum(), rel=1e-6)
    assert row["status"] == "short" and (t.drop(index=row.name)["status"] == "balanced").all()


def test_topsoil_records(run, planted):
    t = run.outputs["topsoil_stripping"].set_index("approval_id")
    assert t.loc[planted.loc["topsoil_ok", "feature_id"], "status"] == "ok"
    assert "depth_short" in t.loc[planted.loc["topsoil_short", "feature_id"], "status"]
    assert (t["status"] == "no_record").sum() == len(t) - 2
