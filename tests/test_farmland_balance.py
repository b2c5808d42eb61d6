"""占补平衡 as an audit: layers of farmland taken and added, one row per unit and year, answers checked on paper."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import box

from redline.errors import SchemaError
from redline.example import EXAMPLE_AS_OF, example_path
from redline.farmland import SPECS
from redline.pipeline import run_audits
from redline.rules import load_rules
from redline.schema import SCHEMAS

CRS = "EPSG:4547"
MU = 10000 / 15  # m² in one 亩


def plots(id_field, rows):
    """Squares of the given 亩 (planar areas exact), side by side: rows of (id, admin code, 年度, date, 亩, 等别)."""
    geoms, x = [], 500000.0
    for *_, mu, _ in rows:
        side = (mu * MU) ** 0.5
        geoms.append(box(x, 3800000, x + side, 3800000 + side))
        x += side + 100
    date_field = "批准日期" if id_field == "批准文号" else "验收日期"
    return gpd.GeoDataFrame({id_field: [r[0] for r in rows], "行政区代码": [r[1] for r in rows],
                             "年度": [r[2] for r in rows], date_field: [r[3] for r in rows],
                             "质量等别": [r[5] for r in rows]}, geometry=geoms, crs=CRS)


def run(taken, added, **kw):
    res = run_audits({"farmland_taken": taken, "farmland_added": added}, audits=["farmland_balance"],
                     as_of="2026-06-30", area_method="planar", **kw)
    return res, res.outputs["farmland_balance"].set_index(["admin_code", "year"])


def test_quantity_quality_and_the_shortfall_on_paper():
    taken = plots("批准文号", [("T1", "1", "2024", "2024-03-01", 60, 6), ("T2", "1", "2024", "2024-05-01", 40, 8),
                              ("T3", "1", "2025", "2025-05-01", 80, 7), ("T4", "2", "2025", "2025-06-01", 60, 5)])
    added = plots("项目编号", [("A1", "1", "2024", "2024-11-01", 120, 6), ("A2", "1", "2025", "2025-10-01", 50, 7),
                              ("A3", "2", "2025", "2025-12-01", 65, 9)])
    _, b = run(taken, added)
    assert list(b.index) == [("1", "2024"), ("1", "2025"), ("2", "2025")]
    # 1/2024: 60 + 40 = 100 亩 taken, mean grade (60*6 + 40*8) / 100 = 6.8; 120 亩 of grade 6 added: balanced
    r = b.loc[("1", "2024")]
    assert (r["taken_mu"], r["added_mu"], r["net_mu"]) == pytest.approx((100, 120, 20))
    assert r["taken_grade_mean"] == pytest.approx(6.8) and r["grade_change"] == pytest.approx(-0.8)
    assert (r["status"], r["short_of"], r["shortfall_mu"]) == ("balanced", "", 0)
    # 1/2025: 80 taken, 50 added: 30 亩 short, same grade
    r = b.loc[("1", "2025")]
    assert (r["status"], r["short_of"]) == ("short", "quantity")
    assert r["shortfall_mu"] == pytest.approx(30) and r["added_ratio"] == pytest.approx(50 / 80)
    assert r["status_zh"] == "占补不平衡(补充耕地数量不足)"
    # 2/2025: 60 of grade 5 taken, 65 of grade 9 added: enough land, four grades worse
    r = b.loc[("2", "2025")]
    assert (r["status"], r["short_of"], r["shortfall_mu"]) == ("short", "quality", 0)
    assert r["grade_change"] == pytest.approx(4)
    assert "farmland.balance_min_ratio=1" in r["rule"] and "farmland.balance_grade_tolerance=0" in r["rule"]


def test_the_year_comes_from_the_date_and_later_records_are_left_out():
    taken = plots("批准文号", [("T1", "1", None, "2025-05-01", 30, 6)])
    added = plots("项目编号", [("A1", "1", "", "2025-10-01", 20, 6), ("A2", "1", "2026", "2026-09-01", 50, 6)])
    res, b = run(taken, added)
    assert list(b.index) == [("1", "2025")]  # A2, accepted after the audit date, is not a project yet
    r = b.loc[("1", "2025")]
    assert (r["taken_mu"], r["added_mu"], r["shortfall_mu"]) == pytest.approx((30, 20, 10))
    assert any("A2 (2026-09-01)" in n and "after the audit date" in n for n in res.notes)
    assert res.summary == ["占补平衡 farmland balance: 1 unit-years, taken 30.0 亩, added 20.0 亩; "
                           "1 short (quantity 1, 10.0 亩 to add; quality 0)"]


def test_a_local_ratio_and_grade_tolerance_change_the_verdict():
    taken = plots("批准文号", [("T1", "1", "2025", "2025-05-01", 100, 6)])
    added = plots("项目编号", [("A1", "1", "2025", "2025-10-01", 105, 7)])
    _, b = run(taken, added)
    assert b.iloc[0]["short_of"] == "quality"  # one grade worse, tolerance 0
    _, b = run(taken, added, rules=load_rules(overrides={"farmland.balance_min_ratio": 1.1,
                                                         "farmland.balance_grade_tolerance": 1.0}))
    r = b.iloc[0]
    assert (r["short_of"], r["shortfall_mu"]) == ("quantity", pytest.approx(5))  # 110 needed, 105 added


def test_a_record_without_grade_range_or_unit_is_named():
    taken = plots("批准文号", [("T1", "1", "2025", "2025-05-01", 10, 16)])
    added = plots("项目编号", [("A1", None, "2025", "2025-10-01", 10, 6)])
    with pytest.raises(SchemaError) as err:
        run(taken, added)
    text = str(err.value)
    assert "A1" in text  # no admin code: the required field
    taken2 = plots("批准文号", [("T1", "1", "2025", "2025-05-01", 10, 16)])
    added2 = plots("项目编号", [("A1", "1", "2025", "2025-10-01", 10, 6)])
    with pytest.raises(SchemaError, match=r"outside 1-15 in row 1 \(T1"):
        run(taken2, added2)


def test_the_spec_is_in_the_farmland_package_and_its_kinds_are_registered():
    spec = next(s for s in SPECS if s.id == "farmland_balance")
    assert [i.kind for i in spec.inputs] == ["farmland_taken", "farmland_added"]
    assert {"farmland_taken", "farmland_added"} <= set(SCHEMAS)
    assert [o.name for o in spec.outputs] == ["farmland_balance"]
    assert set(spec.rules_keys) == {"farmland.balance_min_ratio", "farmland.balance_grade_tolerance"}


def test_the_example_county_plants_one_balanced_and_two_short_unit_years():
    gpkg = example_path()
    res = run_audits({k: f"{gpkg}:{k}" for k in ("farmland_taken", "farmland_added")}, audits=["farmland_balance"],
                     as_of=EXAMPLE_AS_OF)
    b = res.outputs["farmland_balance"]
    b = b.assign(key=b["admin_code"] + "/" + b["year"]).set_index("key")
    planted = gpd.read_file(gpkg, layer="planted")
    cases = planted[planted["expected_finding"].str.startswith("balance_")].set_index("expected_finding")
    assert b.loc[cases.loc["balance_balanced", "feature_id"], "status"] == "balanced"
    short_q = b.loc[cases.loc["balance_short_quantity", "feature_id"]]
    assert short_q["short_of"] == "quantity" and short_q["shortfall_mu"] == pytest.approx(30, rel=2e-3)
    assert b.loc[cases.loc["balance_short_quality", "feature_id"], "short_of"] == "quality"
    assert any(cases.loc["balance_after_audit_date", "feature_id"] in n for n in res.notes)
