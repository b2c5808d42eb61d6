"""Overlay audits: 批而未供, 供而未用 (闲置土地), 用而不足 (低效用地) and 批后监管 deadline alerts.

The Changzhou and Binhu practice (DOMAIN §1, §5) in one run, every finding explained with the rule
and threshold that produced it. All functions are pure (no file I/O), validate their inputs with
:func:`redline.validate.prepare_layers`, and return a GeoDataFrame; the call's metadata goes into the :class:`~redline.result.AuditLog`
given as ``log``: ``rejected`` (features set aside, with layer, id, code, reason), ``notes``, ``rules``
(label), ``area_method`` and ``working_crs`` (without a log, what would be lost is logged as warnings).

Public functions
----------------
- :func:`approved_not_supplied` (批而未供), :func:`supply_outside_approvals` (存量供地) and
  :func:`supply_before_approval` (先供后批), every date read as of the audit date (DOMAIN §7);
- :func:`supply_rate` (供地率, by approval year and district, last year and five years, 增存挂钩 flag);
- :func:`supplied_not_used` (供而未用 / 闲置土地, MLR order 53);
- :func:`underused` (用而不足: 容积率, 建筑系数, 投资强度, 亩均税收/产值);
- :func:`deadline_alerts` (批后监管: 交地, 缴款, 开工, 竣工);
- :func:`overlay_areas` (the per-partition overlay kernel, see :mod:`redline.overlay._engine`).

Output layers (stable names, GeoPackage layers and ledger sheets of ``redline audit``)
-------------------------------------------------------------------------------------
``approved_not_supplied``
    approval attributes + ``approved_m2 approved_mu supplied_m2 supplied_mu unsupplied_m2 unsupplied_mu
    sliver_m2 sliver_parts unsupplied_kind supply_rate supplies_n approval_year approval_age_years point_x point_y
    rule``;
    geometry: the unsupplied land. ``approved = supplied + unsupplied + sliver`` (± ``geometry.area_tolerance_m2``).
``supply_outside_approvals``
    supply attributes + ``supply_m2 supply_mu inside_m2 outside_m2 outside_mu outside_sliver_m2 outside_kind
    approvals_n rule``; geometry: the land outside every approval.
``supply_before_approval``
    ``supply_id supply_date approval_id approval_date`` (+ ``project_name holder batch_name district`` where
    given) ``days_before_approval overlap_m2 overlap_mu rule reason``: one row per supply signed before an
    approval it overlaps beyond the sliver tolerance (先供后批); geometry: the overlap. The supply still counts
    as supplying the approval in ``approved_not_supplied``.
``supply_rate``
    ``district period_kind period period_start period_end approvals_n approved_m2 approved_mu supplied_m2
    supplied_mu unsupplied_m2 unsupplied_mu sliver_m2 supply_rate min_rate below_min rule``.
``idle_land``
    supply attributes + ``supply_m2 supply_mu developed_m2 developed_source developed_ratio invested_ratio
    started idle_since idle_date recover_date idle_days status status_zh exempt_from idle_fee
    recovery_candidate rule reason`` (and ``developed_estimated old_construction_m2 undated_building_m2
    effective_start_date start_basis delay_cause_clause extension_over_limit pending_since fee_due measure
    measure_zh``); ``status`` ∈ not_due, start_overdue, idle, idle_recover, stalled, suspended_undetermined,
    in_progress, completed, exempt, exempt_overdue, undetermined (no start date, unknown cause code),
    not_yet_supplied.
``underused``
    parcel attributes + ``site_m2 site_mu footprint_m2 counted_floor_area_m2 buildings_n
    doubled_storey_buildings far building_coefficient investment_wan investment_intensity tax_per_mu
    output_per_mu industry_code industry_edition far_min land_use_read judgement judgement_zh assessed
    low_efficiency underused far_over_max admin_over_max reasons not_judged rule``; ``judgement`` ∈ underused,
    meets, not_assessable, not_industrial.
``deadline_alerts``
    ``supply_id holder project_name district land_use supply_date obligation obligation_zh agreed_date
    actual_date days_remaining days_overdue days_late level level_zh rule reason``; ``level`` ∈ met, ok,
    upcoming, overdue, escalated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..io.ledger import LedgerColumn
from ..result import AuditLog, NoteList
from ..spec import AuditSpec, InputSpec, OutputSpec, ParamSpec, RunContext
from ..units import m2_to_mu
from ._engine import overlay_areas
from .alerts import LEVELS, OBLIGATIONS, deadline_alerts
from .idle import STATUS_LABELS_ZH, STATUSES, supplied_not_used
from .recorded import SPEC as RECORDED_AREAS_SPEC
from .supply import approved_not_supplied, supply_before_approval, supply_outside_approvals, supply_rate
from .underused import underused

__all__ = ["LEVELS", "OBLIGATIONS", "SPECS", "STATUSES", "STATUS_LABELS_ZH", "approved_not_supplied",
           "deadline_alerts", "overlay_areas", "supplied_not_used", "supply_before_approval",
           "supply_outside_approvals", "supply_rate", "underused"]

C = LedgerColumn


def _with_mu(frame, *cols):
    """Ledger copies get ``_mu`` twins of m² columns they lack (the ledger shows both)."""
    for c in cols:
        mu = c[:-3] + "_mu"
        if c in frame.columns and mu not in frame.columns:
            frame[mu] = m2_to_mu(frame[c])
    return frame


# -- 批而未供 -----------------------------------------------------------------------------------------------------


def _run_supply(layers: Mapping, params: Mapping, ctx: RunContext) -> dict:
    kw: dict[str, Any] = dict(as_of=ctx.as_of, rules=ctx.rules, area_method=ctx.area_method, strict=ctx.strict)
    ans = approved_not_supplied(layers["approvals"], layers["supplies"], **kw, log=ctx.log)
    frames: dict[str, Any] = {}
    for audit, fn in (("supply_outside_approvals", supply_outside_approvals),
                      ("supply_before_approval", supply_before_approval)):
        own = AuditLog()
        frames[audit] = fn(layers["approvals"], layers["supplies"], **kw, log=own)
        # the approvals and supplies dated after the audit date are the same for all three: said once, above
        said = set(own.fact(audit, "dated_out", ()))
        own.notes = NoteList(n for n in own.notes if n not in said)
        ctx.log.merge(own)
    out, before = frames["supply_outside_approvals"], frames["supply_before_approval"]
    return {"approved_not_supplied": _with_mu(ans, "sliver_m2"),
            "supply_outside_approvals": _with_mu(out, "outside_sliver_m2", "inside_m2"),
            "supply_before_approval": before}


def _summary_supply(outputs: Mapping) -> list[str]:
    lines = []
    a = outputs.get("approved_not_supplied")
    if a is not None:
        land = a[a["unsupplied_kind"] == "land"]
        rate = a["supplied_m2"].sum() / max(a["approved_m2"].sum() - a["sliver_m2"].sum(), 1e-9) if len(a) else 0
        lines.append(f"批而未供 approved not supplied: {len(land)} of {len(a)} approvals, "
                     f"{land['unsupplied_mu'].sum():,.1f} 亩 unsupplied (overall supply rate {rate:.1%}); "
                     f"{int((a['unsupplied_kind'] == 'sliver').sum())} with slivers only")
    o = outputs.get("supply_outside_approvals")
    if o is not None:
        lines.append(f"存量供地 supply outside approvals: {len(o)} supplies, {o['outside_mu'].sum():,.1f} 亩")
    b = outputs.get("supply_before_approval")
    if b is not None:
        ns, na = b["supply_id"].nunique(), b["approval_id"].nunique()
        lines.append(f"先供后批 supply before approval: {len(b)} pair{'' if len(b) == 1 else 's'} "
                     f"({ns} suppl{'y' if ns == 1 else 'ies'}, {na} approval{'' if na == 1 else 's'}), "
                     f"{b['overlap_mu'].sum():,.1f} 亩 supplied before approval")
    return lines


# -- 供地率 -------------------------------------------------------------------------------------------------------


def _run_rate(layers: Mapping, params: Mapping, ctx: RunContext) -> dict:
    source = AuditLog()
    ans = approved_not_supplied(layers["approvals"], layers["supplies"], as_of=ctx.as_of, rules=ctx.rules,
                                area_method=ctx.area_method, strict=ctx.strict, log=source)
    by = ("year", "district") if params.get("by_district", True) else ("year",)
    rate = supply_rate(ans, admin=layers.get("admin"), as_of=ctx.as_of, rules=ctx.rules, by=by, log=ctx.log,
                       source_log=source)
    if rate.geometry.isna().all():
        rate = pd.DataFrame(rate.drop(columns=rate.geometry.name))
    return {"supply_rate": rate}


def _summary_rate(outputs: Mapping) -> list[str]:
    r = outputs.get("supply_rate")
    if r is None or len(r) == 0:
        return []
    long = r[r["period_kind"] == "long"]
    low = long[long["below_min"].astype(bool)]
    allrow = long[long["district"] == "全部"]
    head = allrow.iloc[0] if len(allrow) else (long.iloc[0] if len(long) else None)
    text = f"供地率 supply rate: {head['period']} {head['supply_rate']:.1%}" if head is not None and \
        pd.notna(head["supply_rate"]) else "供地率 supply rate: no approvals in the five-year window"
    names = ["全部 (all districts together)" if d == "全部" else str(d) for d in low["district"]]
    return [text + (f"; under {low['min_rate'].iloc[0]:.0%} (增存挂钩) in {', '.join(names)}" if len(low) else "")]


# -- 供而未用 -----------------------------------------------------------------------------------------------------


def _run_idle(layers: Mapping, params: Mapping, ctx: RunContext) -> dict:
    res = supplied_not_used(layers["supplies"], layers.get("buildings"), as_of=ctx.as_of,
                            change_patches=layers.get("change_patches"), rules=ctx.rules,
                            area_method=ctx.area_method, strict=ctx.strict, log=ctx.log)
    return {"idle_land": _with_mu(res, "developed_m2", "old_construction_m2")}


def _summary_idle(outputs: Mapping) -> list[str]:
    r = outputs.get("idle_land")
    if r is None:
        return []
    counts = r["status"].value_counts()
    idle = r[r["status"].isin(["idle", "idle_recover", "stalled"])]
    parts = ", ".join(f"{s} {int(counts[s])}" for s in STATUSES if s in counts)
    # order 53 art. 14: the fee (一) and recovery (二) are successive; only land at the fee stage owes the fee
    fee_col = "fee_due" if "fee_due" in r.columns else "idle_fee"
    at_fee = r[r["measure"].isin(["fee", "fee_review"])] if "measure" in r.columns else idle
    at_recovery = r[r["status"] == "idle_recover"]
    fees = pd.to_numeric(at_fee[fee_col], errors="coerce")
    text = (f"供而未用 idle land: {len(idle)} of {len(r)} supplies idle, {idle['supply_mu'].sum():,.1f} 亩, "
            f"fees due {fees.sum():,.1f} 万元 for {int(fees.notna().sum())} at the fee stage")
    if len(at_recovery):
        text += f" ({len(at_recovery)} at the recovery stage, 无偿收回: their fee not added)"
    text += f" ({parts})"
    lines = [text]
    undecided = r["status"] == "undetermined"
    if "effective_start_date" in r.columns:
        no_start = undecided & r["effective_start_date"].isna()
        bad_code = undecided & ~no_start
    else:
        no_start, bad_code = undecided, undecided & False
    if no_start.any():
        lines.append(f"  供而未用: {int(no_start.sum())} supplies not judged: no agreed start date (约定开工日期)")
    if bad_code.any():
        lines.append(f"  供而未用: {int(bad_code.sum())} supplies not judged: unknown 闲置原因代码")
    no_fee = int(fees.isna().sum())
    if no_fee:
        lines.append(f"  供而未用: fee not computed for {no_fee}: no price (出让价款)")
    if "not_yet_supplied" in counts:
        lines.append(f"  供而未用: {int(counts['not_yet_supplied'])} supplies signed after the audit date: not judged")
    return lines


# -- 用而不足 -----------------------------------------------------------------------------------------------------


def _run_underused(layers: Mapping, params: Mapping, ctx: RunContext) -> dict:
    res = underused(layers["parcels"], layers.get("buildings"), rules=ctx.rules, area_method=ctx.area_method,
                    strict=ctx.strict, log=ctx.log)
    return {"underused": _with_mu(res, "footprint_m2")}


def _summary_underused(outputs: Mapping) -> list[str]:
    r = outputs.get("underused")
    if r is None:
        return []
    u = r[r["underused"].astype(bool)]
    j = r["judgement"].value_counts() if "judgement" in r else {}
    over = int(r["far_over_max"].sum()) if "far_over_max" in r else 0
    return [f"用而不足 under-used: {len(u)} of {int(r['assessed'].sum())} assessable industrial parcels, "
            f"{u['site_mu'].sum():,.1f} 亩 ({int(r['low_efficiency'].sum())} under the low-efficiency FAR); "
            f"{int(j.get('not_assessable', 0))} not assessable, {int(j.get('not_industrial', 0))} not industrial; "
            f"{over} over the contract FAR cap (擅自提高容积率)"]


# -- 批后监管 -----------------------------------------------------------------------------------------------------


def _run_alerts(layers: Mapping, params: Mapping, ctx: RunContext) -> dict:
    return {"deadline_alerts": deadline_alerts(layers["supplies"], as_of=ctx.as_of, rules=ctx.rules,
                                               strict=ctx.strict, log=ctx.log)}


def _summary_alerts(outputs: Mapping) -> list[str]:
    r = outputs.get("deadline_alerts")
    if r is None:
        return []
    c = r["level"].value_counts()
    return [f"批后监管 deadline alerts: {int(c.get('escalated', 0))} escalated, {int(c.get('overdue', 0))} overdue, "
            f"{int(c.get('upcoming', 0))} upcoming, of {len(r)} obligations"]


APPROVALS = InputSpec("approvals", "approvals", True, "报批(征地)红线", "Approvals",
                      "Approved conversions / expropriations: 批准文号, 批准日期")
SUPPLIES = InputSpec("supplies", "supplies", True, "供地红线", "Supplies",
                     "Land supplied by contract or allocation: 合同编号, 供地日期, agreed dates, price, investment")
BUILDINGS_OPT = InputSpec("buildings", "buildings", False, "建筑物", "Buildings",
                          "Building footprints: 层数, 建筑面积, 层高")

_ANS_COLUMNS = (
    C("approval_id", "批准文号"), C("batch_name", "批次名称"), C("approval_date", "批准日期", "date"),
    C("district", "所在区县"), C("planned_use", "规划用途"), C("approved_mu", "报批面积(亩)", "mu"),
    C("approved_m2", "报批面积(平方米)", "m2"), C("supplied_mu", "已供面积(亩)", "mu"),
    C("supplied_m2", "已供面积(平方米)", "m2"), C("unsupplied_mu", "未供面积(亩)", "mu"),
    C("unsupplied_m2", "未供面积(平方米)", "m2"), C("sliver_mu", "碎片面积(亩)", "mu"),
    C("sliver_m2", "碎片面积(平方米)", "m2"), C("unsupplied_kind", "未供类型"), C("supply_rate", "供地率", "ratio"),
    C("supplies_n", "相交供地宗数", "int", total=False), C("approval_age_years", "批准年限(年)", "int", total=False),
    C("rule", "依据"),
)
_OUTSIDE_COLUMNS = (
    C("supply_id", "合同编号"), C("project_name", "项目名称"), C("holder", "受让人"), C("supply_date", "供地日期", "date"),
    C("district", "所在区县"), C("supply_mu", "供地面积(亩)", "mu"), C("supply_m2", "供地面积(平方米)", "m2"),
    C("inside_mu", "报批范围内面积(亩)", "mu"), C("inside_m2", "报批范围内面积(平方米)", "m2"),
    C("outside_mu", "报批范围外面积(亩)", "mu"), C("outside_m2", "报批范围外面积(平方米)", "m2"),
    C("outside_kind", "范围外类型"), C("rule", "依据"),
)
_BEFORE_COLUMNS = (
    C("supply_id", "合同编号"), C("project_name", "项目名称"), C("holder", "受让人"), C("supply_date", "供地日期", "date"),
    C("approval_id", "批准文号"), C("batch_name", "批次名称"), C("approval_date", "批准日期", "date"),
    C("days_before_approval", "早于批准天数", "days", total=False), C("district", "所在区县"),
    C("overlap_mu", "重叠面积(亩)", "mu"), C("overlap_m2", "重叠面积(平方米)", "m2"), C("reason", "认定理由"),
    C("rule", "依据"),
)
_RATE_COLUMNS = (
    C("district", "行政区"), C("period", "统计期"), C("period_kind", "统计口径"), C("approvals_n", "批次数", "int"),
    C("approved_mu", "报批面积(亩)", "mu"), C("approved_m2", "报批面积(平方米)", "m2"),
    C("supplied_mu", "已供面积(亩)", "mu"), C("supplied_m2", "已供面积(平方米)", "m2"),
    C("unsupplied_mu", "未供面积(亩)", "mu"), C("unsupplied_m2", "未供面积(平方米)", "m2"),
    C("supply_rate", "供地率", "ratio"), C("min_rate", "供地率下限", "ratio", total=False),
    C("below_min", "低于下限(增存挂钩)"), C("rule", "依据"),
)
_IDLE_COLUMNS = (
    C("supply_id", "合同编号"), C("project_name", "项目名称"), C("holder", "受让人"), C("district", "所在区县"),
    C("supply_date", "供地日期", "date"), C("supply_mu", "供地面积(亩)", "mu"), C("supply_m2", "供地面积(平方米)", "m2"),
    C("price_wan", "出让价款(万元)", "wan"), C("agreed_start_date", "约定开工日期", "date"),
    C("agreed_handover_date", "约定交地日期", "date"), C("actual_handover_date", "实际交地日期", "date"),
    C("extended_start_date", "补充协议约定动工开发日期", "date"), C("effective_start_date", "起算动工开发日期", "date"),
    C("actual_start_date", "实际开工日期", "date"), C("suspended_date", "停工日期", "date"),
    C("actual_completion_date", "实际竣工日期", "date"), C("developed_mu", "已开发面积(亩)", "mu"),
    C("developed_m2", "已开发面积(平方米)", "m2"), C("developed_source", "开发面积来源"),
    C("old_construction_m2", "供地前已有建筑占地(平方米)", "m2"), C("developed_ratio", "开发比例", "ratio", total=False),
    C("invested_ratio", "投资比例", "ratio", total=False), C("idle_date", "认定闲置日期", "date"),
    C("idle_days", "闲置天数", "days", total=False), C("status_zh", "状态"), C("status", "状态代码"),
    C("idle_fee", "闲置费(万元, 按价款20%)", "wan", total=False), C("fee_due", "应征闲置费(万元)", "wan"),
    C("measure_zh", "处置措施(第十四条)"), C("recovery_candidate", "可无偿收回"),
    C("delay_cause_code", "闲置原因代码"), C("delay_cause_clause", "第八条情形"), C("delay_cause", "延期原因"),
    C("pending_since", "待处置起始日期", "date"), C("reason", "认定理由"), C("rule", "依据"),
)
_UNDERUSED_COLUMNS = (
    C("parcel_id", "宗地号"), C("holder", "土地使用者"), C("land_use", "土地用途"), C("industry", "行业分类"),
    C("zone", "园区"), C("site_mu", "宗地面积(亩)", "mu"), C("site_m2", "宗地面积(平方米)", "m2"),
    C("footprint_m2", "建筑占地面积(平方米)", "m2"), C("counted_floor_area_m2", "计容建筑面积(平方米)", "m2"),
    C("far", "容积率", "float"), C("far_min", "容积率下限", "float"),
    C("building_coefficient", "建筑系数", "ratio", total=False),
    C("investment_intensity", "投资强度(万元/亩)", "float"), C("tax_per_mu", "亩均税收(万元/亩)", "float"),
    C("output_per_mu", "亩均产值(万元/亩)", "float"), C("low_efficiency", "低效用地(容积率<0.3)"),
    C("judgement_zh", "判定"), C("judgement", "判定代码"), C("underused", "用而不足"),
    C("far_over_max", "超合同容积率上限"), C("land_use_read", "用途判读"), C("industry_edition", "行业分类标准"),
    C("reasons", "原因"), C("not_judged", "未判定指标"), C("rule", "依据"),
)
_ALERT_COLUMNS = (
    C("supply_id", "合同编号"), C("project_name", "项目名称"), C("holder", "受让人"), C("district", "所在区县"),
    C("obligation_zh", "履约事项"), C("agreed_date", "约定日期", "date"), C("actual_date", "实际日期", "date"),
    C("days_remaining", "剩余天数", "days", total=False), C("days_overdue", "逾期天数", "days", total=False),
    C("days_late", "迟延天数", "days", total=False), C("level_zh", "预警级别"), C("level", "级别代码"),
    C("reason", "说明"), C("rule", "依据"),
)

SPECS = (
    AuditSpec(
        id="approved_not_supplied", label_zh="批而未供", label_en="Approved but not supplied", group="overlay",
        inputs=(APPROVALS, SUPPLIES),
        outputs=(
            OutputSpec("approved_not_supplied", "批而未供", "Approved not supplied", True, _ANS_COLUMNS,
                       "每个报批地块未被供地覆盖的部分; 碎片(数字化误差)单列, 报批 = 已供 + 未供 + 碎片",
                   description_en="The part of each approval no supply covers; digitising slivers listed apart; approved = supplied + unsupplied + slivers"),
            OutputSpec("supply_outside_approvals", "存量供地(报批范围外)", "Supply outside approvals", True,
                       _OUTSIDE_COLUMNS, "供地中位于所有报批范围之外的部分(如存量土地供应)",
                   description_en="Supply lying outside every approval (e.g. supply of existing construction land, 存量土地)"),
            OutputSpec("supply_before_approval", "先供后批", "Supply before approval", True, _BEFORE_COLUMNS,
                       "供地合同签订日期早于其所覆盖报批的批准日期(重叠超出碎片容差), 每对供地与报批一行; "
                       "该供地仍计入批而未供的已供面积",
                       description_en="Supplies signed before the approval of land they cover (overlap beyond the "
                                      "sliver tolerance), one row per supply and approval; the supply still counts as "
                                      "supplied in 批而未供"),
        ),
        runner=_run_supply, summary=_summary_supply,
        rules_keys=("geometry.sliver_max_area_m2", "geometry.sliver_max_width_m", "geometry.area_tolerance_m2"),
        description_zh="报批红线减去与之相交供地的并集, 按批次列出报批、已供、未供面积(亩、平方米)和供地率; "
                       "审计基准日之后签订的供地、批准的报批不计; 先供后批单列。",
        description_en="Each approval minus the union of the supplies touching it: approved, supplied and unsupplied "
                       "area in 亩 and m², supply rate; slivers reported apart; supply outside approvals listed; "
                       "supplies signed and approvals dated after the audit date left out (noted); supplies signed "
                       "before their approval (先供后批) listed."),
    AuditSpec(
        id="supply_rate", label_zh="供地率", label_en="Supply rate", group="overlay",
        inputs=(APPROVALS, SUPPLIES, InputSpec("admin", "admin", False, "行政区", "Administrative units",
                                               "Districts to group by (else the approvals' district field)")),
        outputs=(OutputSpec("supply_rate", "供地率", "Supply rate", True, _RATE_COLUMNS,
                            "按批准年度和行政区统计供地率; 近一年、近五年; 近五年低于下限者标出(增存挂钩)",
                   description_en="Supply rate by approval year and district; last year and previous five years; five-year rates under the floor flagged (增存挂钩)"),),
        params=(ParamSpec("by_district", "bool", True, "按行政区统计", "By district",
                          "Split the rates by district (from admin units or the approvals' district field)"),),
        runner=_run_rate, summary=_summary_rate,
        rules_keys=("supply_rate.min_rate_5y", "supply_rate.window_recent_years", "supply_rate.window_long_years",
                    "supply_rate.window_mode"),
        description_zh="供地率 = 已供面积 ÷ 报批面积, 按批准年度、行政区及近一年、近五年统计。",
        description_en="Supply rate by approval year and district, over the last year and five years, flagging "
                       "jurisdictions under the 增存挂钩 threshold."),
    AuditSpec(
        id="supplied_not_used", label_zh="供而未用(闲置土地)", label_en="Supplied but not used (idle land)",
        group="overlay",
        inputs=(InputSpec("supplies", "supplies", True, "供地红线", "Supplies",
                          "With 约定开工日期, 约定/实际交地日期, 补充协议约定动工开发日期, 实际开工日期, 停工日期, 出让价款, "
                          "总投资, 已投资, 已开发面积, 闲置原因代码, 延期原因"),
                BUILDINGS_OPT,
                InputSpec("change_patches", "change_patches", False, "变化图斑", "Change patches",
                          "Construction change patches from imagery")),
        outputs=(OutputSpec("idle_land", "闲置土地", "Idle land", True, _IDLE_COLUMNS,
                            "《闲置土地处置办法》(国土资源部令第53号): 逾期未开工、闲置满一年(征缴闲置费)、满两年(无偿收回, 闲置费不另计)、"
                            "开工后中止满一年(收回待审查)、在建、竣工、第八条情形(待按第十二条处置)、尚未供地",
                   description_en="MLR order 53 (《闲置土地处置办法》): start overdue, idle one full year (idle fee), two years (recovery without compensation, the fee not added), stalled a year after starting (recovery to be reviewed), under construction, completed, art. 8 cause (disposal under art. 12 pending), not yet supplied"),),
        runner=_run_idle, summary=_summary_idle,
        rules_keys=("idle.start_grace_years", "idle.recover_years", "idle.fee_rate", "idle.stalled_developed_ratio",
                    "idle.stalled_invested_ratio", "idle.stalled_suspended_years", "idle.delay_cause_codes",
                    "idle.extension_max_years", "idle.exempt_disposal_max_years", "idle.late_handover_start",
                    "idle.full_year_counting", "idle.start_definition", "idle.start_evidence",
                    "idle.undated_buildings"),
        description_zh="按国土资源部令第53号判定每宗供地的闲置状态、闲置天数和土地闲置费。",
        description_en="Status of every supply under MLR order 53: not due, start overdue, idle (fee), idle two "
                       "years (recovery), stalled, in progress, completed, exempt; with the dates and ratios compared."),
    AuditSpec(
        id="underused", label_zh="用而不足(低效用地)", label_en="Used but under-used", group="overlay",
        inputs=(InputSpec("parcels", "parcels", True, "宗地", "Parcels",
                          "宗地号, 行业分类, 园区, 固定资产投资, 税收, 产值"), BUILDINGS_OPT),
        outputs=(OutputSpec("underused", "用而不足", "Under-used land", True, _UNDERUSED_COLUMNS,
                            "容积率(层高超过8米按两层计)、建筑系数、投资强度、亩均税收/产值与规则集下限比较",
                   description_en="Plot ratio (a storey over 8 m counts twice), building coefficient, investment intensity, tax and output per mu, against the rule set's floors"),),
        runner=_run_underused, summary=_summary_underused,
        rules_keys=("underused.far_min", "underused.building_coefficient_min", "underused.storey_double_height_m",
                    "underused.investment_intensity_min_wan_per_mu", "underused.far_low_efficiency",
                    "underused.output_min_wan_per_mu", "underused.tax_min_wan_per_mu",
                    "underused.industrial_land_uses", "underused.control_standard_edition",
                    "underused.far_min_2008", "underused.industry_code_edition_default",
                    "underused.admin_facilities_max_ratio", "underused.apply_output_tax_floors",
                    "underused.land_use_classification_default", "underused.land_use_synonyms",
                    "underused.apply_far_low_efficiency"),
        needs_as_of=False,
        description_zh="每宗地的容积率、建筑系数、投资强度、亩均税收与产值, 与按行业、园区的下限比较。",
        description_en="Plot ratio, building coefficient, investment intensity, tax and output per 亩 of each parcel "
                       "against the floors for its industry and zone."),
    AuditSpec(
        id="deadline_alerts", label_zh="批后监管预警", label_en="Deadline alerts", group="overlay",
        inputs=(InputSpec("supplies", "supplies", True, "供地红线", "Supplies",
                          "With 约定交地/缴款/开工/竣工日期 and the actual dates"),),
        outputs=(OutputSpec("deadline_alerts", "批后监管预警", "Deadline alerts", True, _ALERT_COLUMNS,
                            "约定日期前预警, 逾期未履约转为警示",
                   description_en="A warning before each agreed date, an escalation once an obligation is overdue"),),
        runner=_run_alerts, summary=_summary_alerts,
        rules_keys=("alerts.warn_days_before", "alerts.escalate_days_after"),
        description_zh="每宗供地的交地、缴款、开工、竣工约定日期: 到期前预警, 逾期后转为警示。",
        description_en="Every agreed date of every supply: a warning before it, an escalation after it when unmet."),
)
SPECS = (*SPECS, RECORDED_AREAS_SPEC)  # 面积核对 recorded vs drawn areas (redline.overlay.recorded)
