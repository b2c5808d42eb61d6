"""Small hand-made runs for the report and ledger tests: frames shaped like the audits' outputs.

Every number here can be checked on paper: approvals are squares in a metric CRS (EPSG:4549,
CGCS2000 3-degree zone 40), so a 100 m x 100 m square is 10 000 m2 = 15 亩.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
from pyproj import CRS
from shapely.geometry import box

from redline.crs import WorkingCRS
from redline.io.ledger import LedgerColumn
from redline.pipeline import RunResult
from redline.rules import resolve_rules
from redline.spec import AuditSpec, Column, InputSpec, OutputSpec
from redline.units import M2_PER_MU

CRS_4549 = CRS.from_epsg(4549)
X0, Y0 = 40_500_000.0, 3_500_000.0


def sq(i, j, size=100.0, frac=1.0):
    x, y = X0 + i * 300, Y0 + j * 300
    return box(x, y, x + size * frac, y + size)


def approved_not_supplied() -> gpd.GeoDataFrame:
    # three approvals of 100 m x 100 m (15 亩 each): 60 % supplied, fully supplied, a hair-thin sliver left
    approved = [10_000.0, 10_000.0, 10_000.0]
    supplied = [6_000.0, 10_000.0, 9_990.0]
    unsupplied = [a - s for a, s in zip(approved, supplied, strict=True)]
    geoms = [sq(0, 0, frac=0.4), box(0, 0, 0, 0).buffer(0), sq(2, 0, frac=0.001)]
    rules = resolve_rules(None)
    return gpd.GeoDataFrame({
        "approval_id": ["批2019-01", "批2020-07", "批2021-03"],
        "approval_date": pd.to_datetime(["2019-03-01", "2020-07-15", "2021-03-09"]),
        "district": ["城关镇", "城关镇", "新区"],
        "approved_m2": approved, "supplied_m2": supplied, "unsupplied_m2": unsupplied,
        "unsupplied_mu": [u / M2_PER_MU for u in unsupplied],
        "supply_rate": [s / a for s, a in zip(supplied, approved, strict=True)],
        "age_years": [7.2, 5.8, 5.2],
        "is_sliver": [False, False, True],
        "rule": [rules.cite("supply_rate.min_rate_5y")] * 3,
    }, geometry=geoms, crs=CRS_4549)


def supply_rate() -> pd.DataFrame:
    return pd.DataFrame({
        "year": [2019, 2020, 2021, None, None],
        "district": [None, None, None, "城关镇", "新区"],
        "approved_m2": [10_000.0, 10_000.0, 10_000.0, 20_000.0, 10_000.0],
        "supplied_m2": [6_000.0, 10_000.0, 9_990.0, 16_000.0, 9_990.0],
        "supply_rate": [0.6 - 1e-9, 1.0, 0.999, 0.8, 0.999],
        "below_threshold": [True, False, False, False, False],
    })


def idle_land() -> gpd.GeoDataFrame:
    statuses = ["idle", "idle_recover", "start_overdue", "in_progress", "exempt", "completed"]
    area = [10_000.0, 20_000.0, 5_000.0, 8_000.0, 3_000.0, 7_000.0]
    return gpd.GeoDataFrame({
        "supply_id": [f"供{k}" for k in range(6)],
        "status": statuses,
        "area_m2": area, "area_mu": [a / M2_PER_MU for a in area],
        "agreed_start_date": pd.to_datetime(["2024-01-01", "2023-01-01", "2025-06-01", "2024-01-01", "2024-01-01",
                                             "2020-01-01"]),
        "idle_days": [400, 800, 200, 0, 500, 0],
        "idle_fee": [12.5, 40.0, None, None, None, None],
        "developed_ratio": [0.0, 0.0, 0.0, 0.5, 0.0, 1.0],
        "invested_ratio": [0.0, 0.1, 0.0, 0.6, 0.0, 1.0],
        "rule": ["cn-national@2026.1 idle.fee_rate=0.2"] * 6,
    }, geometry=[sq(k, 2, size=100 * (a / 10_000) ** 0.5) for k, a in enumerate(area)], crs=CRS_4549)


def three_line_conflicts() -> gpd.GeoDataFrame:
    area = [2_000.0, 1_000.0, 3.0, 500.0]
    return gpd.GeoDataFrame({
        "kind": ["farmland_growth", "farmland_eco", "farmland_growth", "growth_eco"],
        "farmland_id": ["F1", "F2", "F3", None], "boundary_id": ["G1", None, "G1", "G1"],
        "area_m2": area, "area_mu": [a / M2_PER_MU for a in area], "is_sliver": [False, False, True, False],
        "rule": ["cn-national@2026.1 conflicts.min_area_m2"] * 4,
    }, geometry=[sq(k, 4, size=a ** 0.5) for k, a in enumerate(area)], crs=CRS_4549)


def development_intensity() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "admin_code": ["001", "002", "003"], "admin_name": ["城关镇", "新区", "山乡"],
        "total_m2": [1_000_000.0, 1_000_000.0, 2_000_000.0],
        "construction_m2": [350_000.0, 250_000.0, 100_000.0],
        "intensity": [0.35, 0.25, 0.05],
    }, geometry=[box(X0 - 200, Y0 - 200, X0 + 800, Y0 + 1500), box(X0 + 800, Y0 - 200, X0 + 1800, Y0 + 1500),
                 box(X0 - 200, Y0 + 1500, X0 + 1800, Y0 + 2500)], crs=CRS_4549)


ANS_COLUMNS = (
    LedgerColumn("approval_id", "批准文号"), LedgerColumn("approval_date", "批准日期", "date"),
    LedgerColumn("district", "行政区"), LedgerColumn("approved_m2", "批准面积(平方米)", "m2"),
    LedgerColumn("unsupplied_mu", "未供面积(亩)", "mu"), LedgerColumn("supply_rate", "供地率", "ratio"),
    LedgerColumn("is_sliver", "细碎图斑"), LedgerColumn("rule", "依据规则"),
)


def _declared(layout) -> tuple[Column, ...]:
    """A ledger layout as declared columns (each on the ledger, under its header)."""
    return tuple(Column(c.name, c.kind, c.header, c.name, ledger=True, total=c.total) for c in layout)


def spec() -> AuditSpec:
    return AuditSpec(
        id="test_overlay", label_zh="批而未供", label_en="Approved not supplied", group="overlay",
        inputs=(InputSpec("approvals", "approvals"),),
        outputs=(OutputSpec("approved_not_supplied", "批而未供", "Approved but not supplied", columns=_declared(ANS_COLUMNS),
                            description="每宗批次的未供部分"),
                 OutputSpec("idle_land", "供而未用", "Idle land", columns=_declared((
                     LedgerColumn("supply_id", "合同编号"), LedgerColumn("status", "状态"),
                     LedgerColumn("area_mu", "面积(亩)", "mu"), LedgerColumn("agreed_start_date", "约定开工日期", "date"),
                     LedgerColumn("idle_days", "闲置天数", "days"), LedgerColumn("idle_fee", "闲置费(万元)", "wan"),
                     LedgerColumn("rule", "依据规则"))))),
        runner=lambda layers, params, ctx: {})


def result(*, empty: bool = False) -> RunResult:
    outputs = {
        "approved_not_supplied": approved_not_supplied(),
        "supply_rate": supply_rate(),
        "idle_land": idle_land(),
        "three_line_conflicts": three_line_conflicts(),
        "development_intensity": development_intensity(),
    }
    if empty:
        outputs = {k: v.iloc[0:0] for k, v in outputs.items()}
    rejected = pd.DataFrame({"layer": ["supplies"], "feature_id": ["供9"], "code": ["empty_geometry"],
                             "reason": ["empty geometry: no area to audit"]})
    return RunResult(outputs=outputs, rejected=rejected, notes=["[supplies] attribute encoding: GBK"],
                     working=WorkingCRS(CRS_4549, "nearest CGCS2000 3-degree zone"), rules=resolve_rules(None),
                     as_of=dt.date(2026, 6, 30), area_method="ellipsoidal", specs=[spec()],
                     summary=["批而未供 approved not supplied: 1 approval, 6.00 亩 unsupplied"])


# --- the same run, in the columns the audits emit (what the report reads) -------------------------------------------
#
# The report's section hooks read the audits' columns by name (declared on their specs); these frames are the
# hand-checked run above in that shape, with the registered specs, so every figure can still be checked on paper.


def audited_approved_not_supplied() -> gpd.GeoDataFrame:
    frame = approved_not_supplied().rename(columns={"age_years": "approval_age_years"})
    frame["unsupplied_kind"] = ["land", "none", "sliver"]
    return frame.drop(columns="is_sliver")


def audited_supply_rate() -> pd.DataFrame:
    # per approval year for all districts together (全部), then the five-year window per district and for all
    rows = [("全部", "year", "2019", 10_000.0, 6_000.0), ("全部", "year", "2020", 10_000.0, 10_000.0),
            ("全部", "year", "2021", 10_000.0, 9_990.0), ("城关镇", "long", "近5年 2021–2025", 20_000.0, 16_000.0),
            ("新区", "long", "近5年 2021–2025", 10_000.0, 5_000.0), ("全部", "long", "近5年 2021–2025", 30_000.0, 21_000.0)]
    frame = pd.DataFrame(rows, columns=["district", "period_kind", "period", "approved_m2", "supplied_m2"])
    frame["supply_rate"] = frame["supplied_m2"] / frame["approved_m2"]
    frame["min_rate"] = [None, None, None, 0.6, 0.6, 0.6]
    frame["below_min"] = frame["min_rate"].notna() & (frame["supply_rate"] < 0.6)
    return frame


def audited_idle_land() -> gpd.GeoDataFrame:
    frame = idle_land()
    frame = frame.rename(columns={"area_m2": "supply_m2", "area_mu": "supply_mu"})
    # order 53 art. 14: the idle_recover land is recovered, its 40 万元 fee not due
    frame["measure"] = ["fee", "recovery", "none", "none", "none", "none"]
    frame["fee_due"] = [12.5, 0.0, 0.0, 0.0, 0.0, 0.0]
    from redline.overlay.idle import STATUS_LABELS_ZH

    frame["status_zh"] = frame["status"].map(STATUS_LABELS_ZH)
    return frame


def audited(*, empty: bool = False) -> RunResult:
    """The hand-checked run with the audits' columns and the registered specs of its outputs."""
    from redline.registry import get_spec

    res = result(empty=False)
    res.outputs.update({"approved_not_supplied": audited_approved_not_supplied(), "supply_rate": audited_supply_rate(),
                        "idle_land": audited_idle_land()})
    if empty:
        res.outputs = {k: v.iloc[0:0] for k, v in res.outputs.items()}
    res.specs = [get_spec(a) for a in ("approved_not_supplied", "supply_rate", "supplied_not_used", "three_line_conflicts",
                                       "development_intensity")]
    return res


# --- a run recorded in a case register: the example county's three rounds ------------------------

REGISTER_AUDITS = ["approved_not_supplied", "supplied_not_used"]
REGISTER_INPUTS = {"approvals", "supplies", "buildings"}
#: a disposal step recorded before round 3: the 调查通知书 of an idle case that stays open
NOTICE = {"key": "411528-2023-001", "date": "2026-10-01", "doc_no": "息自然资闲调〔2026〕1号"}


def register_rounds(folder):
    """The example county's rounds 1-3 recorded in a register in ``folder`` (two audits, a few seconds), with
    :data:`NOTICE` recorded before round 3: (round 3's RunResult, its ExampleRound)."""
    from redline.example.rounds import example_round
    from redline.pipeline import run_audits
    from redline.register import init_register

    path = folder / "台账.gpkg"
    reg = init_register(path)
    result = plan = None
    for n in (1, 2, 3):
        plan = example_round(n)
        if n == 3:
            cases = reg.cases(state="open", output="idle_land")
            case = cases.loc[cases["case_key"] == NOTICE["key"], "case_id"].iat[0]
            reg.set_disposition(case, "investigation_notice", date=NOTICE["date"], doc_no=NOTICE["doc_no"])
        result = run_audits({k: v for k, v in plan.layers.items() if k in REGISTER_INPUTS}, as_of=plan.as_of,
                            audits=REGISTER_AUDITS, register=path)
    return result, plan
