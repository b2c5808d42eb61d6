"""批而未供, 存量供地, 供地率 read as of the audit date, and 先供后批 (issue 11): small cases checked on paper.

DOMAIN §7 "Audit date": a supply signed after the audit date is not a supply yet, an approval dated after
it is not an approval yet, and a supply signed before the approval it covers (先供后批) is a finding.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from redline.overlay import (
    SPECS,
    approved_not_supplied,
    supply_before_approval,
    supply_outside_approvals,
    supply_rate,
)
from redline.result import AuditLog
from redline.rules import load_rules
from redline.spec import RunContext

CRS = "EPSG:4547"  # CGCS2000 3-degree GK, CM 114E; x = 500 000 is the central meridian (scale 1)
X0, Y0 = 500000.0, 3800000.0
MU = 10000 / 15


def sq(x, y, w, h=None):
    return box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + (w if h is None else h))


def approvals(*rows):
    """rows: (id, date, geometry)"""
    return gpd.GeoDataFrame({"批准文号": [r[0] for r in rows], "批准日期": [r[1] for r in rows]},
                            geometry=[r[2] for r in rows], crs=CRS)


def supplies(*rows):
    """rows: (id, date, geometry)"""
    return gpd.GeoDataFrame({"合同编号": [r[0] for r in rows], "签订日期": [r[1] for r in rows]},
                            geometry=[r[2] for r in rows], crs=CRS)


# -- 1. supplies and approvals after the audit date ------------------------------------------------------------


def _reviewer_case():
    # the legal reviewer's case: a 2022 approval whose only supply was signed in 2025, and a 2025 approval
    a = approvals(("A2022", "2022-03-01", sq(0, 0, 100)), ("A2025", "2025-02-01", sq(300, 0, 100)))
    s = supplies(("S2025", "2025-03-01", sq(0, 0, 100)))
    return a, s


def test_a_supply_signed_after_the_audit_date_is_not_a_supply_yet():
    a, s = _reviewer_case()
    r_log = AuditLog()
    r = approved_not_supplied(a, s, as_of="2024-12-31", area_method="planar", log=r_log).set_index("approval_id")
    # as of 2024-12-31 the 2025 contract does not exist: the 2022 approval is wholly unsupplied, 15 亩
    assert r.loc["A2022", "supplied_m2"] == 0 and r.loc["A2022", "supplies_n"] == 0
    assert r.loc["A2022", "unsupplied_m2"] == pytest.approx(10000)
    assert r.loc["A2022", "unsupplied_mu"] == pytest.approx(15)
    assert r.loc["A2022", "supply_rate"] == 0 and r.loc["A2022", "unsupplied_kind"] == "land"
    text = "\n".join(r_log.notes)
    assert "1 supply signed after the audit date 2024-12-31" in text and "S2025 (2025-03-01)" in text
    # a year later it is a supply, and the approval is fully supplied
    later_log = AuditLog()
    later = approved_not_supplied(a, s, as_of="2025-12-31", area_method="planar", log=later_log).set_index("approval_id")
    assert later.loc["A2022", "supplied_m2"] == pytest.approx(10000) and later.loc["A2022", "supply_rate"] == 1
    assert "after the audit date" not in "\n".join(later_log.notes)


def test_a_supply_signed_on_the_audit_date_counts():
    a, s = _reviewer_case()
    r_log = AuditLog()
    r = approved_not_supplied(a, s, as_of="2025-03-01", area_method="planar", log=r_log).set_index("approval_id")
    assert r.loc["A2022", "supplied_m2"] == pytest.approx(10000)
    assert "supply signed after" not in "\n".join(r_log.notes)


def test_an_approval_dated_after_the_audit_date_is_not_audited_and_no_age_is_negative():
    a, s = _reviewer_case()
    r_log = AuditLog()
    r = approved_not_supplied(a, s, as_of="2024-12-31", area_method="planar", log=r_log)
    assert r["approval_id"].tolist() == ["A2022"]
    assert (r["approval_age_years"] >= 0).all() and r["approval_age_years"].iloc[0] == 2
    text = "\n".join(r_log.notes)
    assert "1 approval dated after the audit date 2024-12-31 not audited" in text
    assert "A2025 (2025-02-01)" in text
    on_the_day = approved_not_supplied(a, s, as_of="2025-02-01", area_method="planar")
    assert on_the_day["approval_id"].tolist() == ["A2022", "A2025"]
    assert on_the_day.set_index("approval_id").loc["A2025", "approval_age_years"] == 0


def test_the_note_names_every_excluded_id_up_to_ten_and_counts_all():
    a = approvals(*[(f"A{k:02d}", "2026-01-01", sq(200 * k, 0, 50)) for k in range(12)],
                  ("OLD", "2020-01-01", sq(0, 500, 50)))
    r_log = AuditLog()
    r = approved_not_supplied(a, None, as_of="2025-06-30", area_method="planar", log=r_log)
    assert r["approval_id"].tolist() == ["OLD"]
    text = "\n".join(r_log.notes)
    assert "12 approvals dated after the audit date 2025-06-30" in text
    assert "A09 (2026-01-01)" in text and "A10" not in text and "and 2 more" in text


def test_supply_outside_approvals_reads_both_layers_as_of_the_audit_date():
    # S_stock: stock-land supply signed 2025 (not yet a supply on 2024-12-31);
    # S_early: signed 2024-06-01 on land approved only on 2025-02-01: on 2024-12-31 it lies outside every approval
    a = approvals(("A2022", "2022-03-01", sq(0, 0, 100)), ("A2025", "2025-02-01", sq(300, 0, 100)))
    s = supplies(("S_in", "2023-01-01", sq(0, 0, 100)), ("S_stock", "2025-05-01", sq(600, 0, 50)),
                 ("S_early", "2024-06-01", sq(300, 0, 100)))
    out_log = AuditLog()
    out = supply_outside_approvals(a, s, as_of="2024-12-31", area_method="planar", log=out_log).set_index("supply_id")
    assert list(out.index) == ["S_early"]
    assert out.loc["S_early", "outside_m2"] == pytest.approx(10000) and out.loc["S_early", "approvals_n"] == 0
    text = "\n".join(out_log.notes)
    assert "S_stock (2025-05-01)" in text and "A2025 (2025-02-01)" in text
    later_log = AuditLog()
    later = supply_outside_approvals(a, s, as_of="2025-06-30", area_method="planar", log=later_log).set_index("supply_id")
    assert list(later.index) == ["S_stock"]  # S_early now lies inside A2025


def test_supply_rate_reads_the_dates_as_of_the_audit_date():
    a, s = _reviewer_case()
    r_log = AuditLog()
    r = supply_rate(a, s, as_of="2024-12-31", area_method="planar", by=("year",), log=r_log)
    assert set(r.loc[r.period_kind == "year", "period"]) == {"2022"}  # no 2025 row: not an approval yet
    long = r[r.period_kind == "long"].iloc[0]
    assert long["approvals_n"] == 1 and long["supply_rate"] == 0  # the 2025 contract is not a supply yet
    assert "S2025 (2025-03-01)" in "\n".join(r_log.notes) and "A2025 (2025-02-01)" in "\n".join(r_log.notes)


def test_supply_rate_from_a_result_takes_the_results_date_and_refuses_another():
    a, s = _reviewer_case()
    ans_log = AuditLog()
    ans = approved_not_supplied(a, s, as_of="2024-12-31", area_method="planar", log=ans_log)
    r_log = AuditLog()
    r = supply_rate(ans, source_log=ans_log, log=r_log)  # no as_of: the result's own audit date, not today
    assert r_log.as_of.isoformat() == "2024-12-31"
    assert r.loc[r.period_kind == "long", "period"].iloc[0] == "近5年 2020–2024"
    with pytest.raises(ValueError, match="computed as of 2024-12-31"):
        supply_rate(ans, as_of="2025-12-31", source_log=ans_log)


def test_supply_rate_from_an_undated_result_drops_later_approvals_with_a_note():
    a, s = _reviewer_case()
    ans = approved_not_supplied(a, s, as_of="2026-06-30", area_method="planar")
    # no source_log: e.g. read back from a file
    r_log = AuditLog()
    r = supply_rate(ans, as_of="2024-12-31", by=("year",), log=r_log)
    assert set(r.loc[r.period_kind == "year", "period"]) == {"2022"}
    text = "\n".join(r_log.notes)
    assert "carries no audit date" in text and "A2025 (2025-02-01)" in text


def test_the_run_notes_say_what_was_left_out():
    a, s = _reviewer_case()
    spec = {sp.id: sp for sp in SPECS}
    for audit in ("approved_not_supplied", "supply_rate"):
        ctx = RunContext(as_of=dt.date(2024, 12, 31), rules=load_rules(), area_method="planar")
        spec[audit].run({"approvals": a, "supplies": s, "admin": None}, {}, ctx)
        text = "\n".join(ctx.notes)
        assert "S2025 (2025-03-01)" in text and "A2025 (2025-02-01)" in text, audit
        assert len(ctx.notes) == len(set(ctx.notes))


# -- 2. 先供后批 -------------------------------------------------------------------------------------------------


def _before_case():
    # approval A (100 m x 100 m) approved 2021-06-01;
    # S_early signed 2021-01-10 covers its west 60 m (6 000 m2 = 9 亩), 142 days before the approval;
    # S_late signed 2021-08-01 covers the east 40 m; S_edge signed 2020-05-01 only grazes it with a 0.3 m strip
    a = approvals(("A", "2021-06-01", sq(0, 0, 100)), ("B", "2019-01-01", sq(300, 0, 100)))
    s = supplies(("S_early", "2021-01-10", sq(0, 0, 60, 100)), ("S_late", "2021-08-01", sq(60, 0, 40, 100)),
                 ("S_edge", "2020-05-01", sq(99.7, 0, 50, 100)), ("S_b", "2019-03-01", sq(300, 0, 100)))
    return a, s


def test_supply_before_approval_lists_the_pair_with_dates_days_and_overlap():
    a, s = _before_case()
    r_log = AuditLog()
    r = supply_before_approval(a, s, as_of="2026-06-30", area_method="planar", log=r_log)
    assert list(zip(r["supply_id"], r["approval_id"], strict=True)) == [("S_early", "A")]
    row = r.iloc[0]
    assert row["supply_date"] == pd.Timestamp("2021-01-10") and row["approval_date"] == pd.Timestamp("2021-06-01")
    assert row["days_before_approval"] == 142  # 21 + 28 + 31 + 30 + 31 + 1
    assert row["overlap_m2"] == pytest.approx(6000) and row["overlap_mu"] == pytest.approx(9)
    assert shapely.equals(row["geometry"], sq(0, 0, 60, 100))  # the overlap, in the working CRS
    assert "先供后批" in row["reason"] and "S_early" in row["reason"] and "142" in row["reason"]
    assert "cn-national@" in row["rule"] and "geometry.sliver_max_width_m" in row["rule"]


def test_supply_before_approval_still_counts_as_supplying_the_approval():
    a, s = _before_case()
    r_log = AuditLog()
    r = approved_not_supplied(a, s, as_of="2026-06-30", area_method="planar", log=r_log).set_index("approval_id")
    assert r.loc["A", "supplied_m2"] == pytest.approx(10000) and r.loc["A", "unsupplied_kind"] == "none"


def test_a_sliver_overlap_or_a_same_day_supply_is_no_finding():
    a = approvals(("A", "2021-06-01", sq(0, 0, 100)))
    s = supplies(("S_edge", "2020-05-01", sq(99.7, 0, 50, 100)),  # 0.3 m x 100 m: thinner than 1 m
                 ("S_corner", "2020-05-01", sq(-48, -48, 50)),  # 2 m x 2 m = 4 m2 < 10 m2
                 ("S_same_day", "2021-06-01", sq(20, 20, 40)))
    r_log = AuditLog()
    r = supply_before_approval(a, s, as_of="2026-06-30", area_method="planar", log=r_log)
    assert len(r) == 0 and "overlap_m2" in r.columns and r.crs == a.crs
    wide = load_rules(overrides={"geometry.sliver_max_width_m": 0.2})
    r_log = AuditLog()
    r = supply_before_approval(a, s, as_of="2026-06-30", area_method="planar", rules=wide, log=r_log)
    assert r["supply_id"].tolist() == ["S_edge"] and r["overlap_m2"].iloc[0] == pytest.approx(30)


def test_supply_before_approval_reads_dates_as_of_the_audit_date():
    a, s = _before_case()
    # on 2021-03-31 approval A does not exist yet: no pair (and A is a note, not a finding)
    r_log = AuditLog()
    r = supply_before_approval(a, s, as_of="2021-03-31", area_method="planar", log=r_log)
    assert len(r) == 0 and "A (2021-06-01)" in "\n".join(r_log.notes)
    assert len(supply_before_approval(a, s, as_of="2021-06-01", area_method="planar")) == 1


def test_supply_before_approval_is_an_output_of_the_approved_not_supplied_audit():
    a, s = _before_case()
    spec = {sp.id: sp for sp in SPECS}["approved_not_supplied"]
    assert "supply_before_approval" in [o.name for o in spec.outputs]
    out = next(o for o in spec.outputs if o.name == "supply_before_approval")
    headers = {c.name: c.header for c in out.ledger_columns()}
    assert headers["supply_id"] == "合同编号" and headers["approval_id"] == "批准文号"
    assert headers["overlap_mu"] == "重叠面积(亩)" and headers["days_before_approval"] == "早于批准天数"
    ctx = RunContext(as_of=dt.date(2026, 6, 30), rules=load_rules(), area_method="planar")
    got = spec.run({"approvals": a, "supplies": s}, {}, ctx)
    assert got["supply_before_approval"]["supply_id"].tolist() == ["S_early"]
    lines = spec.summary(got)
    assert any(line.startswith("先供后批") and "1 pair" in line and "9.0 亩" in line for line in lines)


# -- 3. the calendar windows ------------------------------------------------------------------------------------


def _window_case():
    # one approval in each of 2019 and 2024, 100 m x 100 m; the 2019 one fully supplied, the 2024 one not
    a = approvals(("A2019", "2019-05-01", sq(0, 0, 100)), ("A2024", "2024-03-01", sq(300, 0, 100)))
    s = supplies(("S2019", "2019-09-01", sq(0, 0, 100)))
    return a, s


def test_on_december_31_the_audit_year_is_the_last_year():
    a, s = _window_case()
    r_log = AuditLog()
    r = supply_rate(a, s, as_of="2024-12-31", area_method="planar", by=("year",), log=r_log).set_index("period_kind")
    assert r.loc["long", "period"] == "近5年 2020–2024" and r.loc["recent", "period"] == "近1年 2024"
    assert r.loc["long", "period_end"] == pd.Timestamp("2024-12-31")
    assert r.loc["long", "approvals_n"] == 1 and r.loc["long", "supply_rate"] == 0  # only A2024
    assert r.loc["recent", "approvals_n"] == 1


def test_before_december_31_the_windows_end_with_the_year_before():
    a, s = _window_case()
    r_log = AuditLog()
    r = supply_rate(a, s, as_of="2024-12-30", area_method="planar", by=("year",), log=r_log).set_index("period_kind")
    assert r.loc["long", "period"] == "近5年 2019–2023" and r.loc["recent", "period"] == "近1年 2023"
    assert r.loc["long", "approvals_n"] == 1 and r.loc["long", "supply_rate"] == 1  # only A2019
    assert r.loc["recent", "approvals_n"] == 0


def test_the_audit_years_own_row_ends_on_the_audit_date():
    a, s = _window_case()
    r_log = AuditLog()
    r = supply_rate(a, s, as_of="2024-12-30", area_method="planar", by=("year",), log=r_log)
    year = r[(r.period_kind == "year") & (r.period == "2024")].iloc[0]
    assert year["period_end"] == pd.Timestamp("2024-12-30")


def test_the_window_rule_says_when_a_year_counts():
    source = load_rules().threshold("supply_rate.window_mode").source
    assert "31 December" in source and "year before" in source


# -- 4. the invariant with the as-of filter ---------------------------------------------------------------------

coord = st.integers(min_value=0, max_value=30).map(lambda v: v * 5.0)
day = st.integers(min_value=0, max_value=3000).map(lambda d: dt.date(2016, 1, 1) + dt.timedelta(days=d))


@st.composite
def rect(draw):
    x, y = draw(coord), draw(coord)
    return sq(x, y, draw(st.integers(1, 20)) * 5.0, draw(st.integers(1, 20)) * 5.0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(rect(), day), min_size=1, max_size=6), st.lists(st.tuples(rect(), day), max_size=8),
       day)
def test_invariant_with_the_as_of_filter(a_rows, s_rows, as_of):
    a = approvals(*[(f"A{i}", d.isoformat(), g) for i, (g, d) in enumerate(a_rows)])
    s = supplies(*[(f"S{i}", d.isoformat(), g) for i, (g, d) in enumerate(s_rows)])
    tol = load_rules().value("geometry.area_tolerance_m2")
    r_log = AuditLog()
    r = approved_not_supplied(a, s, area_method="planar", as_of=as_of, log=r_log)
    live_a = [i for i, (_, d) in enumerate(a_rows) if d <= as_of]
    live_s = [g for g, d in s_rows if d <= as_of]
    assert r["approval_id"].tolist() == [f"A{i}" for i in live_a]
    union = shapely.union_all(live_s) if live_s else shapely.Polygon()
    for i, (_, row) in zip(live_a, r.iterrows(), strict=True):
        geom = a_rows[i][0]
        assert row["approved_m2"] == pytest.approx(geom.area, abs=tol)
        assert row["supplied_m2"] == pytest.approx(shapely.intersection(geom, union).area, abs=tol)
        assert abs(row["approved_m2"] - row["supplied_m2"] - row["unsupplied_m2"] - row["sliver_m2"]) <= tol
        assert row["approval_age_years"] >= 0
    text = "\n".join(r_log.notes)
    assert ("approval" in text and "not audited" in text) is (len(live_a) < len(a_rows))
    assert ("supply" in text and "left out" in text) is (len(live_s) < len(s_rows))
    pairs = supply_before_approval(a, s, area_method="planar", as_of=as_of)
    by_id = {f"A{i}": d for i, (_, d) in enumerate(a_rows)} | {f"S{i}": d for i, (_, d) in enumerate(s_rows)}
    for _, row in pairs.iterrows():
        sd, ad = by_id[row["supply_id"]], by_id[row["approval_id"]]
        assert sd < ad <= as_of and row["days_before_approval"] == (ad - sd).days
        g_a = a_rows[int(row["approval_id"][1:])][0]
        g_s = s_rows[int(row["supply_id"][1:])][0]
        assert row["overlap_m2"] == pytest.approx(shapely.intersection(g_a, g_s).area, abs=tol)
    # every pair with a real overlap (a rectangle at least 1 m wide and 10 m2) and an earlier supply is listed
    listed = set(zip(pairs["supply_id"], pairs["approval_id"], strict=True))
    for i, (g_a, ad) in enumerate(a_rows):
        for j, (g_s, sd) in enumerate(s_rows):
            ov = shapely.intersection(g_a, g_s)
            b = ov.bounds if not ov.is_empty else (0, 0, 0, 0)
            real = ov.area >= 10 and min(b[2] - b[0], b[3] - b[1]) >= 2
            if real and sd < ad <= as_of:
                assert (f"S{j}", f"A{i}") in listed
    assert np.isfinite(pairs["overlap_mu"]).all()


def test_the_report_shows_the_supply_before_approval_section(tmp_path):
    from test_report import figures, parse

    from redline import report
    from redline.pipeline import run_audits

    a, s = _before_case()
    res = run_audits({"approvals": a, "supplies": s}, as_of=dt.date(2026, 6, 30), area_method="planar",
                     audits=["approved_not_supplied"])
    assert any(line.startswith("先供后批") for line in res.summary)
    for lang, title in (("zh", "先供后批"), ("en", "Supply before approval")):
        path = report.build(res, tmp_path / f"{lang}.html", lang=lang)
        got = figures(parse(path))
        assert got["supply_before_approval.count"] == 1
        assert got["supply_before_approval.overlap_mu"] == pytest.approx(9.0)
        text = path.read_text(encoding="utf-8")
        assert title in text and "S_early" in text
    # nothing supplied before approval: the section says 0
    res = run_audits({"approvals": a, "supplies": s.iloc[[1, 3]]}, as_of=dt.date(2026, 6, 30),
                     area_method="planar", audits=["approved_not_supplied"])
    got = figures(parse(report.build(res, tmp_path / "none.html")))
    assert got["supply_before_approval.count"] == 0
