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

Output layers
-------------
``approved_not_supplied``, ``supply_outside_approvals``, ``supply_before_approval``, ``supply_rate``,
``idle_land``, ``underused``, ``deadline_alerts`` and ``area_discrepancies``: stable names, the GeoPackage
layers and ledger sheets of ``redline audit``. Their columns are declared once, in
:mod:`redline.overlay._columns`, and listed in ``docs/outputs.md``. ``approved = supplied + unsupplied +
sliver`` (± ``geometry.area_tolerance_m2``) in ``approved_not_supplied``; a supply signed before an
approval it overlaps (``supply_before_approval``) still counts as supplying it there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..result import AuditLog, NoteList
from ..spec import AuditSpec, CaseSpec, FigureSpec, InputSpec, OutputSpec, ParamSpec, RunContext, hook
from ..units import m2_to_mu
from ._columns import (
    ALERT_COLUMNS,
    ANS_COLUMNS,
    BEFORE_COLUMNS,
    IDLE_COLUMNS,
    OUTSIDE_COLUMNS,
    RATE_COLUMNS,
    UNDERUSED_COLUMNS,
)
from ._engine import overlay_areas
from .alerts import LEVEL, LEVELS, OBLIGATIONS, deadline_alerts
from .idle import IDLE_STATUSES, STATUS_LABELS_ZH, STATUSES, supplied_not_used
from .idle import STATUS as IDLE_STATUS
from .recorded import SPEC as RECORDED_AREAS_SPEC
from .supply import (
    SupplyOverlay,
    approved_not_supplied,
    supply_before_approval,
    supply_outside_approvals,
    supply_rate,
)
from .underused import JUDGEMENT as UNDERUSED_JUDGEMENT
from .underused import underused

__all__ = ["LEVELS", "OBLIGATIONS", "SPECS", "STATUSES", "STATUS_LABELS_ZH", "approved_not_supplied",
           "deadline_alerts", "overlay_areas", "supplied_not_used", "supply_before_approval",
           "supply_outside_approvals", "supply_rate", "underused"]

def _with_mu(frame, *cols):
    """Ledger copies get ``_mu`` twins of m² columns they lack (the ledger shows both)."""
    for c in cols:
        mu = c[:-3] + "_mu"
        if c in frame.columns and mu not in frame.columns:
            frame[mu] = m2_to_mu(frame[c])
    return frame


# -- 批而未供 -----------------------------------------------------------------------------------------------------


def _run_supply(layers: Mapping, params: Mapping, ctx: RunContext) -> dict:
    # one overlay of the approvals and supplies for the three outputs (and the 供地率, which uses the first)
    kw: dict[str, Any] = dict(as_of=ctx.as_of, rules=ctx.rules, area_method=ctx.area_method, strict=ctx.strict,
                              overlay=SupplyOverlay(), backend=ctx.backend)
    ans_log = AuditLog()
    ans = approved_not_supplied(layers["approvals"], layers["supplies"], **kw, log=ans_log)
    ctx.log.merge(ans_log)
    ctx.sources["approved_not_supplied"] = ans_log
    out: dict[str, Any] = {"approved_not_supplied": _with_mu(ans, "sliver_m2")}
    for audit, fn in (("supply_outside_approvals", supply_outside_approvals),
                      ("supply_before_approval", supply_before_approval)):
        if not ctx.wants(audit):
            continue
        own = AuditLog()
        out[audit] = fn(layers["approvals"], layers["supplies"], **kw, log=own)
        # the approvals and supplies dated after the audit date are the same for all three: said once, above
        said = set(own.fact(audit, "dated_out", ()))
        own.notes = NoteList(n for n in own.notes if n not in said)
        ctx.log.merge(own)
    if "supply_outside_approvals" in out:
        out["supply_outside_approvals"] = _with_mu(out["supply_outside_approvals"], "outside_sliver_m2", "inside_m2")
    return out


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
    # the 批而未供 overlay of this run (SPEC.uses): made by its own audit, with the log it wrote
    by = ("year", "district") if params.get("by_district", True) else ("year",)
    rate = supply_rate(layers["approved_not_supplied"], admin=layers.get("admin"), as_of=ctx.as_of, rules=ctx.rules,
                       by=by, log=ctx.log, source_log=ctx.sources.get("approved_not_supplied"))
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
                            area_method=ctx.area_method, strict=ctx.strict, log=ctx.log, backend=ctx.backend)
    return {"idle_land": _with_mu(res, "developed_m2", "old_construction_m2")}


def _summary_idle(outputs: Mapping) -> list[str]:
    r = outputs.get("idle_land")
    if r is None:
        return []
    counts = r["status"].value_counts()
    idle = r[r["status"].isin(IDLE_STATUSES)]
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
                    strict=ctx.strict, log=ctx.log, backend=ctx.backend)
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

#: the report's headline figures of 供而未用 (what counts as idle: the statuses marked counted, see .idle.STATUS)
_IDLE_FIGURES = (
    FigureSpec("count", "宗闲置（满一年、满两年、停建）", "idle (≥ 1 y, ≥ 2 y, stalled)", statuses="counted", grave=True),
    FigureSpec("idle_mu", "闲置土地面积", "idle area", "supply_mu", "counted", "亩", 2, grave=True),
    # order 53 art. 14: the fee (一) is owed at the fee stage only; fee_due is empty at the recovery stage (二)
    FigureSpec("idle_fee", "应征闲置费（不含已到无偿收回阶段）", "idle fee due (land at the recovery stage excluded)",
               "fee_due", (), "万元", 2),
)
_ALERT_FIGURES = (FigureSpec("count", "条需处理的期限提醒", "alerts needing action", statuses="counted", grave=True),)

SPECS: tuple[AuditSpec, ...] = (
    AuditSpec(
        id="approved_not_supplied", label_zh="批而未供", label_en="Approved but not supplied", group="overlay",
        inputs=(APPROVALS, SUPPLIES),
        outputs=(
            OutputSpec("approved_not_supplied", "批而未供", "Approved not supplied", True, ANS_COLUMNS,
                       "每个报批地块未被供地覆盖的部分; 碎片(数字化误差)单列, 报批 = 已供 + 未供 + 碎片",
                   description_en="The part of each approval no supply covers; digitising slivers listed apart; approved = supplied + unsupplied + slivers",
                       passthrough="approvals",
                   case=CaseSpec(("approval_id",), "批准文号", "approval number", "unsupplied_m2", "PEWG",
                                 where={"unsupplied_kind": ("land",)}, label=("batch_name",),
                                 resolved_labels={"none": ("已全部供应", "fully supplied"),
                                                  "sliver": ("仅余碎片", "only slivers left unsupplied")}),
                   section=hook("redline.overlay._report:approved_not_supplied")),
            OutputSpec("supply_outside_approvals", "存量供地(报批范围外)", "Supply outside approvals", True,
                       OUTSIDE_COLUMNS, "供地中位于所有报批范围之外的部分(如存量土地供应)",
                   description_en="Supply lying outside every approval (e.g. supply of existing construction land, 存量土地)",
                       passthrough="supplies",
                   section=hook("redline.overlay._report:supply_outside_approvals")),
            OutputSpec("supply_before_approval", "先供后批", "Supply before approval", True, BEFORE_COLUMNS,
                       "供地合同签订日期早于其所覆盖报批的批准日期(重叠超出碎片容差), 每对供地与报批一行; "
                       "该供地仍计入批而未供的已供面积",
                       description_en="Supplies signed before the approval of land they cover (overlap beyond the "
                                      "sliver tolerance), one row per supply and approval; the supply still counts as "
                                      "supplied in 批而未供",
                   case=CaseSpec(("supply_id", "approval_id"), "合同编号 | 批准文号", "contract | approval number",
                                 "overlap_m2", "XGHP", measure="days_before_approval", label=("project_name", "holder")),
                   section=hook("redline.overlay._report:supply_before_approval")),
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
        outputs=(OutputSpec("supply_rate", "供地率", "Supply rate", True, RATE_COLUMNS,
                            "按批准年度和行政区统计供地率; 近一年、近五年; 近五年低于下限者标出(增存挂钩)",
                   description_en="Supply rate by approval year and district; last year and previous five years; five-year rates under the floor flagged (增存挂钩)",
                   section=hook("redline.overlay._report:supply_rate")),),
        params=(ParamSpec("by_district", "bool", True, "按行政区统计", "By district",
                          "Split the rates by district (from admin units or the approvals' district field)"),),
        runner=_run_rate, summary=_summary_rate, uses=("approved_not_supplied",),
        rules_keys=("supply_rate.min_rate_5y", "supply_rate.window_recent_years", "supply_rate.window_long_years",
                    "supply_rate.window_mode",
                    # the rates are over the 批而未供 overlay, its slivers and its invariant
                    "geometry.sliver_max_area_m2", "geometry.sliver_max_width_m", "geometry.area_tolerance_m2"),
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
        outputs=(OutputSpec("idle_land", "闲置土地", "Idle land", True, IDLE_COLUMNS,
                            "《闲置土地处置办法》(国土资源部令第53号): 逾期未开工、闲置满一年(征缴闲置费)、满两年(无偿收回, 闲置费不另计)、"
                            "开工后中止满一年(收回待审查)、在建、竣工、第八条情形(待按第十二条处置)、尚未供地",
                   description_en="MLR order 53 (《闲置土地处置办法》): start overdue, idle one full year (idle fee), two years (recovery without compensation, the fee not added), stalled a year after starting (recovery to be reviewed), under construction, completed, art. 8 cause (disposal under art. 12 pending), not yet supplied",
                            passthrough="supplies",
                   status_column="status", statuses=IDLE_STATUS, figures=_IDLE_FIGURES,
                   case=CaseSpec(("supply_id",), "合同编号", "contract number", "supply_m2", "XZTD", measure="idle_days",
                                 label=("project_name", "holder")),
                   section=hook("redline.overlay._report:idle_land")),),
        runner=_run_idle, summary=_summary_idle,
        rules_keys=("idle.start_grace_years", "idle.recover_years", "idle.fee_method", "idle.fee_rate",
                    "idle.stalled_developed_ratio",
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
        outputs=(OutputSpec("underused", "用而不足", "Under-used land", True, UNDERUSED_COLUMNS,
                            "容积率(层高超过8米按两层计)、建筑系数、投资强度、亩均税收/产值与规则集下限比较",
                   description_en="Plot ratio (a storey over 8 m counts twice), building coefficient, investment intensity, tax and output per mu, against the rule set's floors",
                            passthrough="parcels",
                   status_column="judgement", statuses=UNDERUSED_JUDGEMENT,
                   case=CaseSpec(("parcel_id",), "宗地号", "parcel number", "site_m2", "DXYD", label=("holder",)),
                   section=hook("redline.overlay._report:underused")),),
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
        outputs=(OutputSpec("deadline_alerts", "批后监管预警", "Deadline alerts", True, ALERT_COLUMNS,
                            "约定日期前预警, 逾期未履约转为警示",
                   description_en="A warning before each agreed date, an escalation once an obligation is overdue",
                   status_column="level", statuses=LEVEL, figures=_ALERT_FIGURES,
                   case=CaseSpec(("supply_id", "obligation"), "合同编号 | 履约事项", "contract | obligation", "", "YJ",
                                 measure="days_overdue", label=("project_name", "holder", "obligation_zh")),
                   section=hook("redline.overlay._report:deadline_alerts")),),
        runner=_run_alerts, summary=_summary_alerts,
        rules_keys=("alerts.warn_days_before", "alerts.escalate_days_after"),
        description_zh="每宗供地的交地、缴款、开工、竣工约定日期: 到期前预警, 逾期后转为警示。",
        description_en="Every agreed date of every supply: a warning before it, an escalation after it when unmet."),
)
SPECS = (*SPECS, RECORDED_AREAS_SPEC)  # 面积核对 recorded vs drawn areas (redline.overlay.recorded)
