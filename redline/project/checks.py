"""项目红线审查: what a project red line touches that its approval depends on.

One row per project and finding (``kind``), with the land concerned as geometry and its area:

- ``pbf`` — 永久基本农田 under the red line: 《土地管理法》第三十五条 (选址确实难以避让永久基本农田 ... 必须经国务院
  批准) and 第四十四条 (永久基本农田转为建设用地的, 由国务院批准): status ``needs_state_council``;
- ``cultivated`` — 耕地 (三调 0101/0102/0103) under it, with a land-use layer: 《土地管理法》第三十条 (占多少, 垦多少):
  status ``compensate`` (the land to be balanced, 占补平衡);
- ``eco_redline`` — 生态保护红线 under it: only the limited activities the rule set lists
  (``project.eco_redline_limited_activities``, 自然资发〔2022〕142号, not checked against the official text) may be
  there; status ``eco_limited_activity`` when the project's 红线内活动类型 names one, else ``eco_not_listed``;
- ``outside_growth_boundary`` — the part outside every 城镇开发边界: ``outside_boundary``;
- ``growth_zone`` — the part inside, per zone of the boundary layer's 分区类型 (集中建设区 / 弹性发展区 / 特别用途区),
  read by ``project.growth_zone_use``: ``zone_allowed``, ``zone_review``, ``zone_not_allowed`` or
  ``zone_unclassified`` (a zone the table does not list); ``in_boundary`` when the layer has no zone field;
- ``plan_mismatch`` — land whose planned 用地用海 code (the plan layer) is neither the project's 拟用地类型 nor a
  class above or below it (1001 工业用地 fits a plan of 10 工矿用地 or 100101 一类工业用地): ``plan_mismatch``;
- ``none`` — a project with none of the above: ``clean``.

A piece under ``geometry.sliver_max_area_m2`` is digitising noise: status ``sliver``, kept, never counted.
Where an input is missing the check is not run, and the run's notes say so.

Examples
--------
A 100 m x 100 m project, a quarter of it on 永久基本农田, half of it outside the growth boundary:

>>> import geopandas as gpd, shapely
>>> from redline.project import check
>>> crs = "EPSG:4547"
>>> p = gpd.GeoDataFrame({"项目编号": ["P1"]}, geometry=[shapely.box(0, 0, 100, 100)], crs=crs)
>>> pbf = gpd.GeoDataFrame({"图斑编号": ["J1"]}, geometry=[shapely.box(0, 0, 50, 50)], crs=crs)
>>> gb = gpd.GeoDataFrame({"边界编号": ["B1"]}, geometry=[shapely.box(0, 0, 50, 100)], crs=crs)
>>> r = check(p, farmland=pbf, growth_boundary=gb, area_method="planar")
>>> r[["kind", "status", "area_m2"]].values.tolist()
[['pbf', 'needs_state_council', 2500.0], ['outside_growth_boundary', 'outside_boundary', 5000.0], ['growth_zone', 'in_boundary', 5000.0]]
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
from ..boundaries.codes import code_table, normalise_codes
from ..overlay._common import finish, prepare
from ..result import AuditLog
from ..rules import RuleSet, resolve_rules
from ..spec import RULE, AuditSpec, Column, FigureSpec, InputSpec, OutputSpec, RunContext, Status
from ..units import M2_PER_MU
from . import _schema  # noqa: F401  (registers the projects and plan layer kinds)

__all__ = ["COLUMNS", "KINDS", "SPEC", "STATUS", "check"]

#: the findings, in the order of each project's rows
KINDS = ("pbf", "cultivated", "eco_redline", "outside_growth_boundary", "growth_zone", "plan_mismatch", "none")

STATUS: tuple[Status, ...] = (
    Status("needs_state_council", "占用永久基本农田(须国务院批准)", "on PBF: State Council approval needed", "#d62728",
           grave=True, counted=True),
    Status("eco_not_listed", "占用生态保护红线(非所列有限人为活动)", "in the eco red line, not a listed activity",
           "#9467bd", grave=True, counted=True),
    Status("zone_not_allowed", "位于特别用途区", "in a zone without new urban construction", "#8c564b", grave=True,
           counted=True),
    Status("plan_mismatch", "与规划用途不符", "planned use differs", "#e377c2", grave=True, counted=True),
    Status("outside_boundary", "城镇开发边界外", "outside the growth boundary", "#ff7f0e", counted=True),
    Status("eco_limited_activity", "生态保护红线内有限人为活动(待核)", "eco red line, a listed activity: to verify",
           "#c5b0d5", watch=True),
    Status("zone_review", "位于弹性发展区(须调整规划)", "in a flexible zone: plan adjustment needed", "#ffbb78",
           watch=True),
    Status("zone_unclassified", "边界分区未归类", "boundary zone not classified", "#bcbd22", watch=True),
    Status("compensate", "占用耕地(须占补平衡)", "takes cultivated land: to be compensated", "#dbdb8d", watch=True),
    Status("zone_allowed", "位于集中建设区", "in the concentrated construction zone", "#98df8a"),
    Status("in_boundary", "城镇开发边界内", "inside the growth boundary", "#98df8a"),
    Status("sliver", "碎片(不计)", "sliver (not counted)", "#c7c7c7"),
    Status("clean", "未发现问题", "nothing found", "#2ca02c"),
)
STATUS_ZH = {s.code: s.label_zh for s in STATUS}
FIGURES = (
    FigureSpec("findings", "项问题", "findings", statuses="counted", grave=True),
    FigureSpec("pbf_mu", "占用永久基本农田", "on permanent basic farmland", "area_mu", ("needs_state_council",), "亩",
               2, grave=True),
    FigureSpec("outside_mu", "城镇开发边界外", "outside the growth boundary", "area_mu", ("outside_boundary",), "亩", 2),
)

_PBF_TEXT = ("《土地管理法》第三十五条: 永久基本农田经依法划定后, 任何单位和个人不得擅自占用或者改变其用途。国家能源、交通、"
             "水利、军事设施等重点建设项目选址确实难以避让永久基本农田, 涉及农用地转用或者土地征收的, 必须经国务院批准; "
             "第四十四条: 永久基本农田转为建设用地的, 由国务院批准")
_CULTIVATED_TEXT = ("《土地管理法》第三十条: 非农业建设经批准占用耕地的, 按照\"占多少, 垦多少\"的原则, 由占用耕地的单位负责开垦"
                    "与所占用耕地的数量和质量相当的耕地")
_BOUNDARY_TEXT = ("中共中央办公厅 国务院办公厅《关于在国土空间规划中统筹划定落实三条控制线的指导意见》(2019): 城镇开发边界内"
                  "集中进行城镇建设; 边界外的项目 (村庄建设, 线性基础设施, 特殊用地) need a basis of their own: reported "
                  "for review, not judged")


def _dissolved(layer: gpd.GeoDataFrame | None, by: str | None = None):
    """The union of a layer's polygons (per value of ``by``), or None."""
    if layer is None or not len(layer):
        return None
    geoms = np.asarray(layer.geometry.values, dtype=object)
    if by is None:
        return shapely.union_all(geoms)
    keys = layer[by].astype(object).where(layer[by].notna(), None).to_numpy()
    return {k: shapely.union_all(geoms[np.array([x == k for x in keys])]) for k in pd.unique(keys)}


def _ids_under(geom, layer: gpd.GeoDataFrame, id_field: str) -> str:
    g = np.asarray(layer.geometry.values, dtype=object)
    hit = shapely.area(shapely.intersection(g, geom)) > 0
    ids = [str(i) for i in layer[id_field].to_numpy()[hit]]
    return ", ".join(ids[:10]) + (f" … (+{len(ids) - 10})" if len(ids) > 10 else "")


def _use_fits(project_code: str, plan_code: str) -> bool:
    """A use fits a plan code that is itself, a class above it or one below it (prefix either way)."""
    return project_code.startswith(plan_code) or plan_code.startswith(project_code)


def _check(projects: gpd.GeoDataFrame, layers: Mapping[str, gpd.GeoDataFrame | None], rules: RuleSet,
           area_method: AreaMethod, crs: Any) -> tuple[gpd.GeoDataFrame, list[str]]:
    notes: list[str] = []
    farmland, landuse = layers.get("farmland"), layers.get("landuse")
    eco, boundary, plan = layers.get("eco_redline"), layers.get("growth_boundary"), layers.get("plan")
    for name, layer, what in (("farmland", farmland, "永久基本农田"), ("eco_redline", eco, "生态保护红线"),
                              ("growth_boundary", boundary, "城镇开发边界"), ("plan", plan, "规划用途 (用地用海)"),
                              ("landuse", landuse, "耕地 (地类图斑)")):
        if layer is None:
            notes.append(f"[project_check] no {name} layer given: {what} not checked")
    sliver = float(rules.value("geometry.sliver_max_area_m2"))
    sliver_cite = rules.cite("geometry.sliver_max_area_m2")
    pbf_u = _dissolved(farmland)
    eco_u = _dissolved(eco)
    gb_u = _dissolved(boundary)
    zones = None
    if boundary is not None and "zone_type" in boundary.columns and boundary["zone_type"].notna().any():
        zones = _dissolved(boundary, "zone_type")
    elif boundary is not None:
        notes.append("[project_check] the growth boundary has no 分区类型 (zone_type): the land inside is not split by "
                     "集中建设区 / 弹性发展区 / 特别用途区")
    cultivated_u = None
    if landuse is not None:
        is_cult = code_table("tdt1055-2019").is_cultivated(landuse["land_use_code"])
        cultivated_u = _dissolved(landuse[is_cult])
    activities = [str(a) for a in rules.value("project.eco_redline_limited_activities")] if eco is not None else []
    plan_codes = np.empty(0, dtype=object)
    ydyh = code_table("ydyh2023")
    if plan is not None:
        plan_codes = normalise_codes(plan["plan_use_code"]).to_numpy()
    rows: list[dict] = []

    def add(i: int, kind: str, status: str, geom, target: str = "", zone=None, detail: str = "", rule: str = "",
            min_area: bool = True) -> None:
        m2 = float(piece_areas(np.array([geom], dtype=object), crs, area_method)[0]) if geom is not None else 0.0
        if m2 <= 0:
            return
        if min_area and m2 < sliver:
            status, detail = "sliver", f"{detail}; under {sliver_cite}".lstrip("; ")
        rows.append({"project_id": pid[i], "kind": kind, "target_id": target, "zone_type": zone, "area_m2": m2,
                     "area_mu": m2 / M2_PER_MU, "share": m2 / area[i] if area[i] > 0 else np.nan, "status": status,
                     "detail": detail, "rule": f"{rules.label} {rule}", "geometry": geom})

    pid = projects["project_id"].to_numpy()
    geoms = np.asarray(projects.geometry.values, dtype=object)
    area = piece_areas(geoms, crs, area_method)
    uses = (normalise_codes(projects["planned_use"]).to_numpy() if "planned_use" in projects.columns
            else np.full(len(projects), None, dtype=object))
    acts = (projects["eco_activity"].astype(object).to_numpy() if "eco_activity" in projects.columns
            else np.full(len(projects), None, dtype=object))
    no_use: list[str] = []
    for i, g in enumerate(geoms):
        n_before = len(rows)
        if pbf_u is not None:
            part = shapely.intersection(g, pbf_u)
            add(i, "pbf", "needs_state_council", part, _ids_under(part, farmland, "farmland_id"),
                detail="占用永久基本农田", rule=_PBF_TEXT)
        if cultivated_u is not None:
            part = shapely.intersection(g, cultivated_u)
            add(i, "cultivated", "compensate", part, _ids_under(part, landuse, "patch_id"),
                detail="占用耕地 (三调 0101/0102/0103)", rule=_CULTIVATED_TEXT)
        if eco_u is not None:
            part = shapely.intersection(g, eco_u)
            act = acts[i] if isinstance(acts[i], str) and acts[i].strip() else None
            named = [a for a in activities if act is not None and a in act]
            status = "eco_limited_activity" if named else "eco_not_listed"
            detail = (f"红线内活动类型 {act!r}: 属所列有限人为活动 ({', '.join(named)}), 其条件待核" if named
                      else f"红线内活动类型 {act!r} 不在所列有限人为活动中" if act else "未填红线内活动类型")
            add(i, "eco_redline", status, part, _ids_under(part, eco, "redline_id"), detail=detail,
                rule=rules.cite("project.eco_redline_limited_activities"))
        if gb_u is not None:
            add(i, "outside_growth_boundary", "outside_boundary", shapely.difference(g, gb_u),
                detail="城镇开发边界外", rule=_BOUNDARY_TEXT)
            if zones is None:
                part = shapely.intersection(g, gb_u)
                add(i, "growth_zone", "in_boundary", part, _ids_under(part, boundary, "boundary_id"),
                    detail="城镇开发边界内 (无分区类型)", rule=_BOUNDARY_TEXT)
            else:
                for zone, zg in zones.items():
                    part = shapely.intersection(g, zg)
                    use = rules.value("project.growth_zone_use", zone) if zone is not None else None
                    status = {"allowed": "zone_allowed", "review": "zone_review",
                              "not_allowed": "zone_not_allowed"}.get(str(use), "zone_unclassified")
                    add(i, "growth_zone", status, part, _ids_under(part, boundary, "boundary_id"), zone,
                        detail=f"分区类型 {zone}" if zone else "分区类型 空",
                        rule=rules.cite("project.growth_zone_use", zone))
        if plan is not None:
            if uses[i] is None or pd.isna(uses[i]):
                no_use.append(str(pid[i]))
            else:
                pg = np.asarray(plan.geometry.values, dtype=object)
                hit = shapely.intersects(pg, g)
                for code in sorted({str(c) for c in plan_codes[hit] if isinstance(c, str)}):
                    if _use_fits(str(uses[i]), code):
                        continue
                    sel = hit & (plan_codes == code)
                    part = shapely.intersection(g, shapely.union_all(pg[sel]))
                    name = ydyh.lookup([code])["name_zh"].iloc[0]
                    own = ydyh.lookup([uses[i]])["name_zh"].iloc[0]
                    add(i, "plan_mismatch", "plan_mismatch", part,
                        ", ".join(str(x) for x in plan["plan_id"].to_numpy()[sel][:10]), detail=(
                            f"规划用途 {code} {name or '(用地用海分类无此代码)'} ≠ 拟用地类型 {uses[i]} "
                            f"{own or '(用地用海分类无此代码)'}"),
                        rule="用途管制: 《土地管理法》第四条 (使用土地的单位和个人必须严格按照土地利用总体规划确定的用途使用"
                             "土地) and 第十八条 (经依法批准的国土空间规划是各类开发、保护、建设活动的基本依据); codes "
                             "compared in 《国土空间调查、规划、用途管制用地用海分类指南》(2023), a code fitting its "
                             "class above or below")
        if not any(r["status"] in ("needs_state_council", "eco_not_listed", "eco_limited_activity", "zone_not_allowed",
                                   "zone_review", "zone_unclassified", "plan_mismatch", "outside_boundary",
                                   "compensate") for r in rows[n_before:]):
            add(i, "none", "clean", g, detail="未发现占用永久基本农田、生态保护红线、城镇开发边界外或规划不符",
                rule="checked against the layers given (see the run's notes for those not given)", min_area=False)
    if no_use:
        notes.append(f"[project_check] {len(no_use)} project(s) without 拟用地类型 (planned_use): planned use not "
                     f"compared with the plan: {', '.join(no_use[:10])}")
    frame = pd.DataFrame(rows, columns=["project_id", "kind", "target_id", "zone_type", "area_m2", "area_mu", "share",
                                        "status", "detail", "rule", "geometry"])
    frame["status_zh"] = frame["status"].map(STATUS_ZH)
    frame = frame[[c.name for c in COLUMNS] + ["geometry"]]
    for c in ("area_m2", "area_mu", "share"):
        frame[c] = frame[c].astype(float)
    out = gpd.GeoDataFrame(frame, geometry="geometry", crs=projects.crs)
    return out, notes


def check(projects: gpd.GeoDataFrame, *, landuse: gpd.GeoDataFrame | None = None,
          farmland: gpd.GeoDataFrame | None = None, eco_redline: gpd.GeoDataFrame | None = None,
          growth_boundary: gpd.GeoDataFrame | None = None, plan: gpd.GeoDataFrame | None = None,
          rules: RuleSet | str | None = None, area_method: AreaMethod = "ellipsoidal", crs=None, strict: bool = False,
          log: AuditLog | None = None) -> gpd.GeoDataFrame:
    """项目红线审查: each project against 永久基本农田, 耕地, 生态保护红线, 城镇开发边界 and the plan.

    Parameters
    ----------
    projects : GeoDataFrame
        Project red lines with ``project_id`` (项目编号); ``planned_use`` (拟用地类型, a 用地用海 code) for the plan
        check, ``eco_activity`` (红线内活动类型) for the ecological red line.
    landuse, farmland, eco_redline, growth_boundary, plan : GeoDataFrame, optional
        三调 land use (for 耕地), 永久基本农田, 生态保护红线, 城镇开发边界 (with 分区类型 to split by zone) and the
        planned use (用地用海 code). A layer not given: its check is not run, and a note says so.
    rules : RuleSet, name or path, optional
        ``project.eco_redline_limited_activities``, ``project.growth_zone_use``, ``geometry.sliver_max_area_m2``.
    area_method, crs, strict, log
        As for every audit.

    Returns
    -------
    GeoDataFrame
        One row per project and finding: ``project_id``, ``kind`` (see the module), ``status``, ``status_zh``,
        ``target_id`` (the patches or boundaries under it), ``zone_type``, ``area_m2``, ``area_mu``, ``share`` (of
        the red line), ``detail``, ``rule``; geometry: the land concerned.
    """
    rules = resolve_rules(rules)
    given = {"projects": (projects, "projects"), "landuse": (landuse, "landuse"), "farmland": (farmland, "farmland"),
             "eco_redline": (eco_redline, "eco_redline"), "growth_boundary": (growth_boundary, "growth_boundary"),
             "plan": (plan, "plan")}
    prep = prepare(given, crs=crs, strict=strict, area_method=area_method)
    out, notes = _check(prep.layers["projects"], prep.layers, rules, area_method, prep.working.crs)
    return finish(out, prep, rules, area_method, notes, log=log, audit="project_check")


def _run(layers: Mapping[str, Any], params: Mapping[str, Any], ctx: RunContext) -> dict[str, gpd.GeoDataFrame]:
    ctx.report("项目红线审查 project checks", 0.0)
    crs = ctx.crs.crs if ctx.crs is not None else layers["projects"].crs
    out, notes = _check(layers["projects"], layers, ctx.rules, ctx.area_method, crs)
    ctx.notes.extend(notes)
    return {"project_checks": out}


def _summary(outputs: Mapping[str, Any]) -> list[str]:
    r = outputs.get("project_checks")
    if r is None or not len(r):
        return []
    counted = {s.code for s in STATUS if s.counted}
    bad = r[r["status"].isin(counted)]
    n = r["project_id"].nunique()
    if not len(bad):
        return [f"项目红线审查 project checks: {n} project(s), nothing found"]
    parts = [f"{STATUS_ZH[s]} {len(g)} ({g['area_mu'].sum():,.1f} 亩)" for s, g in bad.groupby("status", sort=False)]
    clean = int((r["status"] == "clean").sum())
    return [f"项目红线审查 project checks: {n} project(s), {bad['project_id'].nunique()} with findings: "
            + "; ".join(parts) + (f"; {clean} clean" if clean else "")]


L = partial(Column, ledger=True)
COLUMNS = (
    L("project_id", "text", "项目编号", "Project", "id"),
    L("kind", "text", "审查项", "Check", "status", description=", ".join(KINDS)),
    L("status_zh", "text", "结论", "Conclusion", "status"),
    L("target_id", "text", "涉及图斑/边界", "Patches or boundaries concerned"),
    L("zone_type", "text", "分区类型", "Boundary zone"),
    L("area_mu", "mu", "面积(亩)", "Area"),
    L("area_m2", "m2", "面积(平方米)", "Area"),
    L("share", "ratio", "占项目面积比例", "Share of the red line", total=False),
    L("detail", "text", "说明", "Detail", "reason"),
    RULE,
    Column("status", "text", "结论代码", "Conclusion code", "status", description=", ".join(s.code for s in STATUS)),
)

SPEC = AuditSpec(
    id="project_check",
    label_zh="项目红线审查",
    label_en="Project red-line checks",
    group="project",
    inputs=(
        InputSpec("projects", "projects", True, "项目用地红线", "Project red lines",
                  help="项目编号; 拟用地类型 (用地用海代码) for the plan, 红线内活动类型 for the eco red line"),
        InputSpec("farmland", "farmland", False, "永久基本农田", "Permanent basic farmland"),
        InputSpec("eco_redline", "eco_redline", False, "生态保护红线", "Ecological red line"),
        InputSpec("growth_boundary", "growth_boundary", False, "城镇开发边界", "Urban growth boundary",
                  help="分区类型 splits the land inside by 集中建设区 / 弹性发展区 / 特别用途区"),
        InputSpec("plan", "plan", False, "国土空间规划用途", "Planned land use", help="用地用海代码 per planning patch"),
        InputSpec("landuse", "landuse", False, "地类图斑", "Land-use patches", help="耕地 taken (0101/0102/0103)"),
    ),
    outputs=(
        OutputSpec("project_checks", "项目红线审查", "Project red-line checks", True, COLUMNS,
                   description="每个项目: 占用永久基本农田(须国务院批准, 《土地管理法》第三十五条、第四十四条)、耕地(占补平衡)、"
                               "生态保护红线(仅限有限人为活动)、城镇开发边界外及分区、与规划用途不符",
                   description_en="Per project: permanent basic farmland taken (State Council approval, Land "
                                  "Administration Law arts. 35 and 44), cultivated land (to be compensated), the eco "
                                  "red line (limited activities only), land outside the growth boundary and by zone, "
                                  "planned use mismatch",
                   status_column="status", statuses=STATUS, figures=FIGURES),
    ),
    runner=_run,
    rules_keys=("geometry.sliver_max_area_m2", "project.eco_redline_limited_activities", "project.growth_zone_use"),
    description_zh="项目用地红线与永久基本农田、耕地、生态保护红线、城镇开发边界及国土空间规划用途叠加审查",
    description_en="A project red line against permanent basic farmland, cultivated land, the eco red line, the "
                   "growth boundary (by zone) and the planned use.",
    needs_as_of=False,
    summary=_summary,
)
