"""The project checks applied to what was already granted: approvals on 永久基本农田, supplies outside the boundary.

- ``pbf_approval_level`` (占用永久基本农田审批层级): each approval (报批红线) dated on or before the audit date whose
  land lies on 永久基本农田, with its approving authority (``approval_level``, 批准机关). 《土地管理法》第四十四条
  (永久基本农田转为建设用地的, 由国务院批准) and 第三十五条 (必须经国务院批准): an approval by any other authority
  (省人民政府 ...) is ``wrong_level``; one whose 批准机关 is empty is ``level_unknown`` (not judged, said so);
  by the State Council, ``state_council``. An overlap under ``geometry.sliver_max_area_m2`` is a ``sliver``.
  The PBF layer is today's: land designated PBF after the approval was not PBF when it was approved, so each
  ``wrong_level`` is a case to verify against the PBF of the approval's date.
- ``supply_outside_boundary`` (城镇开发边界外供地): each supply (供地红线, construction land by definition) signed
  on or before the audit date with land outside every 城镇开发边界: ``outside_boundary``, to review (village
  construction, linear infrastructure and special land may lie outside it on a basis of their own).

Examples
--------
>>> import geopandas as gpd, shapely
>>> from redline.project import pbf_approval_level
>>> crs = "EPSG:4547"
>>> a = gpd.GeoDataFrame({"批准文号": ["A1", "A2"], "批准日期": ["2024-01-01", "2024-01-01"],
...                       "批准机关": ["河南省人民政府", "国务院"]},
...                      geometry=[shapely.box(0, 0, 100, 100), shapely.box(200, 0, 300, 100)], crs=crs)
>>> pbf = gpd.GeoDataFrame({"图斑编号": ["J1"]}, geometry=[shapely.box(0, 0, 300, 20)], crs=crs)
>>> r = pbf_approval_level(a, pbf, as_of="2026-06-30", area_method="planar")
>>> r[["approval_id", "status", "pbf_m2"]].values.tolist()
[['A1', 'wrong_level', 2000.0], ['A2', 'state_council', 2000.0]]
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..area import AreaMethod, piece_areas
from ..audit_date import to_date
from ..overlay._common import finish, prepare
from ..result import AuditLog
from ..rules import RuleSet, resolve_rules
from ..spec import RULE, AuditSpec, Column, FigureSpec, InputSpec, OutputSpec, RunContext, Status
from ..units import M2_PER_MU
from .checks import _PBF_TEXT

__all__ = ["LEVEL_SPEC", "OUTSIDE_SPEC", "pbf_approval_level", "supply_outside_boundary"]

LEVEL_STATUS: tuple[Status, ...] = (
    Status("wrong_level", "占用永久基本农田未经国务院批准", "on PBF, not approved by the State Council", "#d62728",
           grave=True, counted=True),
    Status("level_unknown", "批准机关未填(未核)", "approving authority not recorded", "#bcbd22", watch=True),
    Status("state_council", "国务院批准", "approved by the State Council", "#2ca02c"),
    Status("sliver", "碎片(不计)", "sliver (not counted)", "#c7c7c7"),
)
OUTSIDE_STATUS: tuple[Status, ...] = (
    Status("outside_boundary", "城镇开发边界外供地(待核)", "supplied outside the growth boundary: to review", "#ff7f0e",
           counted=True),
    Status("sliver", "碎片(不计)", "sliver (not counted)", "#c7c7c7"),
)


def _dated(frame: gpd.GeoDataFrame, field: str, as_of, what: str, id_field: str, notes: list[str]) -> gpd.GeoDataFrame:
    later = (pd.to_datetime(frame[field]) > pd.Timestamp(as_of)).to_numpy()
    if later.any():
        notes.append(f"[{what}] {int(later.sum())} feature(s) dated after the audit date {as_of} left out: "
                     + ", ".join(map(str, frame[id_field].to_numpy()[later][:10])))
    return frame.loc[~later]


def _overlaps(left: gpd.GeoDataFrame, right: gpd.GeoDataFrame, crs, area_method: AreaMethod, inside: bool):
    """Per row of ``left``: the part inside (or outside) the union of ``right``, and its area.

    Each left feature meets only the union of the right pieces it intersects (the right layer's big polygons, growth
    boundaries and PBF blocks, cut into pieces of at most 256 vertices that tile them), not one union of the whole
    layer: the same part, without intersecting every approval with a province's farmland at once."""
    from ..boundaries._fast import covered_pairs, subdivide
    from ..overlay._engine import THREADS, chunked, grouped_union, robust

    lg = np.asarray(left.geometry.values, dtype=object)
    rg = np.asarray(right.geometry.values, dtype=object)
    part = np.full(len(lg), shapely.Polygon(), dtype=object) if inside else lg.copy()
    if len(rg) and len(lg):
        rest = np.arange(len(lg))
        if not inside:
            # a feature one whole right polygon covers (a supply deep inside its growth boundary) has no part
            # outside: found against the prepared polygons, it is not differenced with the union of their pieces
            rb, rl = shapely.STRtree(lg).query(rg)
            covered, _ = covered_pairs(lg, rg, rl, rb, THREADS, 20_000)
            whole = np.unique(rl[covered])
            part[whole] = shapely.Polygon()
            rest = np.setdiff1d(rest, whole)
        pieces, _ = subdivide(rg)
        li, pi = shapely.STRtree(pieces).query(lg[rest], predicate="intersects")
        local = grouped_union(pieces[pi], li, len(rest))
        hit = np.flatnonzero(np.array([g is not None for g in local], dtype=bool))
        met = rest[hit]
        op = shapely.intersection if inside else shapely.difference
        a, b = lg[met], local[hit]
        part[met] = chunked(lambda sl: robust(op, a[sl], b[sl]), len(met),
                            work=shapely.get_num_coordinates(a) + shapely.get_num_coordinates(b))
    return part, piece_areas(part, crs, area_method)


def _level(approvals: gpd.GeoDataFrame, farmland: gpd.GeoDataFrame, as_of, rules: RuleSet, area_method: AreaMethod,
           crs) -> tuple[gpd.GeoDataFrame, list[str]]:
    notes: list[str] = []
    a = _dated(approvals, "approval_date", as_of, "pbf_approval_level", "approval_id", notes)
    part, m2 = _overlaps(a, farmland, crs, area_method, inside=True)
    keep = m2 > 0
    names = [str(n) for n in rules.value("project.pbf_authority_names")]
    sliver = float(rules.value("geometry.sliver_max_area_m2"))
    level = (a["approval_level"].astype(object).to_numpy() if "approval_level" in a.columns
             else np.full(len(a), None, dtype=object))
    status = []
    for lv, area in zip(level[keep], m2[keep], strict=True):
        if area < sliver:
            status.append("sliver")
        elif not isinstance(lv, str) or not lv.strip():
            status.append("level_unknown")
        else:
            status.append("state_council" if any(lv.strip() == n for n in names) else "wrong_level")
    if "approval_level" not in a.columns:
        notes.append("[pbf_approval_level] the approvals have no 批准机关 (approval_level): the approving authority of "
                     "approvals on 永久基本农田 is not judged")
    rule = (f"{rules.label} {_PBF_TEXT}; {rules.cite('project.pbf_approval_authority')}; "
            f"{rules.cite('project.pbf_authority_names')}; slivers: {rules.cite('geometry.sliver_max_area_m2')}")
    out = pd.DataFrame({
        "approval_id": a["approval_id"].to_numpy()[keep],
        "approval_date": pd.to_datetime(a["approval_date"]).to_numpy()[keep],
        "approval_level": level[keep], "pbf_m2": m2[keep], "pbf_mu": m2[keep] / M2_PER_MU,
        "status": np.array(status, dtype=object), "rule": rule})
    out["status_zh"] = out["status"].map({s.code: s.label_zh for s in LEVEL_STATUS})
    out = out[[c.name for c in LEVEL_COLUMNS]]
    if (out["status"] == "wrong_level").any():
        notes.append("[pbf_approval_level] the 永久基本农田 layer is today's: verify each approval against the PBF of "
                     "its own date before treating it as unlawful")
    return gpd.GeoDataFrame(out, geometry=list(part[keep]), crs=a.crs), notes


def _outside(supplies: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame, as_of, rules: RuleSet, area_method: AreaMethod,
             crs) -> tuple[gpd.GeoDataFrame, list[str]]:
    notes: list[str] = []
    s = _dated(supplies, "supply_date", as_of, "supply_outside_boundary", "supply_id", notes)
    part, m2 = _overlaps(s, boundary, crs, area_method, inside=False)
    keep = m2 > 0
    sliver = float(rules.value("geometry.sliver_max_area_m2"))
    total = piece_areas(np.asarray(s.geometry.values, dtype=object), crs, area_method)
    use = s["land_use"].astype(object).to_numpy() if "land_use" in s.columns else np.full(len(s), None, dtype=object)
    from .checks import _BOUNDARY_TEXT

    out = pd.DataFrame({
        "supply_id": s["supply_id"].to_numpy()[keep],
        "supply_date": pd.to_datetime(s["supply_date"]).to_numpy()[keep],
        "land_use": use[keep], "outside_m2": m2[keep], "outside_mu": m2[keep] / M2_PER_MU,
        "outside_share": m2[keep] / np.where(total[keep] > 0, total[keep], np.nan),
        "status": np.where(m2[keep] < sliver, "sliver", "outside_boundary"),
        "rule": f"{rules.label} {_BOUNDARY_TEXT}; slivers: {rules.cite('geometry.sliver_max_area_m2')}"})
    out["status_zh"] = out["status"].map({x.code: x.label_zh for x in OUTSIDE_STATUS})
    out = out[[c.name for c in OUTSIDE_COLUMNS]]
    return gpd.GeoDataFrame(out, geometry=list(part[keep]), crs=s.crs), notes


def pbf_approval_level(approvals: gpd.GeoDataFrame, farmland: gpd.GeoDataFrame, *, as_of=None,
                       rules: RuleSet | str | None = None, area_method: AreaMethod = "ellipsoidal", crs=None,
                       strict: bool = False, log: AuditLog | None = None) -> gpd.GeoDataFrame:
    """Approvals on 永久基本农田 and whether the State Council approved them (《土地管理法》第四十四条、第三十五条).

    One row per approval dated on or before ``as_of`` (None: today) that overlaps the farmland: ``approval_id``,
    ``approval_date``, ``approval_level`` (批准机关), ``pbf_m2``/``pbf_mu``, ``status`` (``wrong_level``,
    ``level_unknown``, ``state_council``, ``sliver``), ``status_zh``, ``rule``; geometry: the land on PBF.
    """
    rules = resolve_rules(rules)
    day = to_date(as_of)
    prep = prepare({"approvals": (approvals, "approvals"), "farmland": (farmland, "farmland")}, crs=crs,
                   strict=strict, area_method=area_method)
    out, notes = _level(prep.layers["approvals"], prep.layers["farmland"], day, rules, area_method, prep.working.crs)
    return finish(out, prep, rules, area_method, notes, log=log, audit="pbf_approval_level", as_of=day)


def supply_outside_boundary(supplies: gpd.GeoDataFrame, growth_boundary: gpd.GeoDataFrame, *, as_of=None,
                            rules: RuleSet | str | None = None, area_method: AreaMethod = "ellipsoidal", crs=None,
                            strict: bool = False, log: AuditLog | None = None) -> gpd.GeoDataFrame:
    """Supplies (construction land) signed on or before ``as_of`` with land outside every 城镇开发边界.

    One row per such supply: ``supply_id``, ``supply_date``, ``land_use``, ``outside_m2``/``outside_mu``,
    ``outside_share``, ``status`` (``outside_boundary``, ``sliver``), ``status_zh``, ``rule``; geometry: the
    land outside.
    """
    rules = resolve_rules(rules)
    day = to_date(as_of)
    prep = prepare({"supplies": (supplies, "supplies"), "growth_boundary": (growth_boundary, "growth_boundary")},
                   crs=crs, strict=strict, area_method=area_method)
    out, notes = _outside(prep.layers["supplies"], prep.layers["growth_boundary"], day, rules, area_method,
                          prep.working.crs)
    return finish(out, prep, rules, area_method, notes, log=log, audit="supply_outside_boundary", as_of=day)


def _crs(layers, ctx, name):
    return ctx.crs.crs if ctx.crs is not None else layers[name].crs


def _run_level(layers: Mapping[str, Any], params: Mapping[str, Any], ctx: RunContext) -> dict:
    ctx.report("占用永久基本农田审批层级 approval level on PBF", 0.0)
    out, notes = _level(layers["approvals"], layers["farmland"], ctx.as_of, ctx.rules, ctx.area_method,
                        _crs(layers, ctx, "approvals"))
    ctx.notes.extend(notes)
    return {"pbf_approval_level": out}


def _run_outside(layers: Mapping[str, Any], params: Mapping[str, Any], ctx: RunContext) -> dict:
    ctx.report("城镇开发边界外供地 supplies outside the boundary", 0.0)
    out, notes = _outside(layers["supplies"], layers["growth_boundary"], ctx.as_of, ctx.rules, ctx.area_method,
                          _crs(layers, ctx, "supplies"))
    ctx.notes.extend(notes)
    return {"supply_outside_boundary": out}


def _summary_level(outputs: Mapping[str, Any]) -> list[str]:
    r = outputs.get("pbf_approval_level")
    if r is None:
        return []
    bad = r[r["status"] == "wrong_level"]
    unknown = int((r["status"] == "level_unknown").sum())
    on = int((r["status"] != "sliver").sum())
    if not on:
        return ["占用永久基本农田审批层级 approvals on PBF: none of the approvals lies on PBF"]
    return [f"占用永久基本农田审批层级 approvals on PBF: {on} approval(s) on PBF, {len(bad)} not approved by the State "
            f"Council ({bad['pbf_mu'].sum():,.1f} 亩)" + (f"; {unknown} without 批准机关" if unknown else "")]


def _summary_outside(outputs: Mapping[str, Any]) -> list[str]:
    r = outputs.get("supply_outside_boundary")
    if r is None:
        return []
    out = r[r["status"] == "outside_boundary"]
    return [f"城镇开发边界外供地 supplies outside the growth boundary: {len(out)} supplies, "
            f"{out['outside_mu'].sum():,.1f} 亩 outside (to review)"]


L = partial(Column, ledger=True)
LEVEL_COLUMNS = (
    L("approval_id", "text", "批准文号", "Approval", "id"),
    L("approval_date", "date", "批准日期", "Approval date"),
    L("approval_level", "text", "批准机关", "Approving authority"),
    L("pbf_mu", "mu", "占用永久基本农田(亩)", "On PBF"),
    L("pbf_m2", "m2", "占用永久基本农田(平方米)", "On PBF"),
    L("status_zh", "text", "结论", "Conclusion", "status"),
    RULE,
    Column("status", "text", "结论代码", "Conclusion code", "status", description=", ".join(s.code for s in LEVEL_STATUS)),
)
OUTSIDE_COLUMNS = (
    L("supply_id", "text", "合同编号", "Supply", "id"),
    L("supply_date", "date", "供地日期", "Supply date"),
    L("land_use", "text", "土地用途", "Land use"),
    L("outside_mu", "mu", "边界外面积(亩)", "Outside the boundary"),
    L("outside_m2", "m2", "边界外面积(平方米)", "Outside the boundary"),
    L("outside_share", "ratio", "边界外比例", "Share outside", total=False),
    L("status_zh", "text", "结论", "Conclusion", "status"),
    RULE,
    Column("status", "text", "结论代码", "Conclusion code", "status",
           description=", ".join(s.code for s in OUTSIDE_STATUS)),
)

LEVEL_SPEC = AuditSpec(
    id="pbf_approval_level",
    label_zh="占用永久基本农田审批层级",
    label_en="Approvals on PBF: approving authority",
    group="project",
    inputs=(
        InputSpec("approvals", "approvals", True, "报批(征地)红线", "Approvals", help="批准机关 (approval_level)"),
        InputSpec("farmland", "farmland", True, "永久基本农田", "Permanent basic farmland"),
    ),
    outputs=(
        OutputSpec("pbf_approval_level", "占用永久基本农田审批层级", "Approvals on PBF", True, LEVEL_COLUMNS,
                   description="已批用地占用永久基本农田的, 核对批准机关是否为国务院 (《土地管理法》第四十四条、第三十五条)",
                   description_en="Approvals on permanent basic farmland, and whether the State Council approved "
                                  "them (Land Administration Law arts. 44 and 35)",
                   status_column="status", statuses=LEVEL_STATUS,
                   figures=(FigureSpec("wrong", "宗未经国务院批准", "not approved by the State Council",
                                       statuses=("wrong_level",), grave=True),
                            FigureSpec("wrong_mu", "未经国务院批准占用", "on PBF without State Council approval",
                                       "pbf_mu", ("wrong_level",), "亩", 2, grave=True))),
    ),
    runner=_run_level,
    rules_keys=("project.pbf_approval_authority", "project.pbf_authority_names", "geometry.sliver_max_area_m2"),
    description_zh="已批用地与永久基本农田叠加, 占用者核对批准机关是否为国务院",
    description_en="Approvals overlapping permanent basic farmland, checked for State Council approval.",
    summary=_summary_level,
)

OUTSIDE_SPEC = AuditSpec(
    id="supply_outside_boundary",
    label_zh="城镇开发边界外供地",
    label_en="Supplies outside the growth boundary",
    group="project",
    inputs=(
        InputSpec("supplies", "supplies", True, "供地红线", "Supplies"),
        InputSpec("growth_boundary", "growth_boundary", True, "城镇开发边界", "Urban growth boundary"),
    ),
    outputs=(
        OutputSpec("supply_outside_boundary", "城镇开发边界外供地", "Supplies outside the boundary", True,
                   OUTSIDE_COLUMNS,
                   description="已供建设用地位于城镇开发边界外的部分 (待核: 村庄建设、线性基础设施等可另有依据)",
                   description_en="Construction land supplied outside the growth boundary (to review: village "
                                  "construction and linear infrastructure may have a basis of their own)",
                   status_column="status", statuses=OUTSIDE_STATUS,
                   figures=(FigureSpec("outside", "宗边界外供地", "supplies outside", statuses=("outside_boundary",)),
                            FigureSpec("outside_mu", "边界外供地面积", "area outside", "outside_mu",
                                       ("outside_boundary",), "亩", 2))),
    ),
    runner=_run_outside,
    rules_keys=("geometry.sliver_max_area_m2",),
    description_zh="已供地与城镇开发边界叠加, 列出边界外供地",
    description_en="Supplies against the growth boundary: the land supplied outside it.",
    summary=_summary_outside,
)
