"""土地整治 (land consolidation) projects: the new farmland each records, per its scale and cost, verified on
the land use before and after.

《土地管理法》第四十二条: 国家鼓励土地整理 ... 对田、水、路、林、村综合整治, 提高耕地质量, 增加有效耕地面积
(not checked against the official text). New farmland (新增耕地) a project records is what 占补平衡 may count,
so it is checked against the land use: 耕地 (0101/0102/0103) inside the project area on the later land use
minus that on the earlier one. The two differing by more than ``farmland.consolidation_tolerance_m2`` is a
finding (the recorded figure not borne out).

Input: ``consolidation`` (土地整治项目区, the layer the 卫片 judgement reads as a basis too): ``project_id``
(项目编号), ``granted_date`` (立项日期), ``scale_m2`` (建设规模), ``new_farmland_m2`` (新增耕地面积), ``cost_wan``
(项目总投资, 万元), ``accepted_date`` (验收日期); ``landuse`` and ``landuse_later`` for the verification.

Output ``consolidation_projects`` (one row per project, its area's geometry): ``area_m2`` (drawn), ``scale_m2``,
``new_farmland_m2``/``_mu`` (recorded), ``new_farmland_ratio`` (new ÷ scale; 新增耕地率), ``cost_per_new_mu``
(万元 per 亩 of new farmland), ``cultivated_before_m2``, ``cultivated_after_m2``, ``measured_new_m2``/``_mu``
(after − before), ``difference_m2`` (recorded − measured), ``verified``, ``status`` (``verified``,
``not_verified``, ``not_checked``), ``status_zh``, ``rule``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..area import AreaMethod, piece_areas
from ..spec import RULE, AuditSpec, Column, FigureSpec, InputSpec, OutputSpec, RunContext, Status
from ..units import M2_PER_MU
from ._cover import CLASSIFICATION, area_on, cultivated

__all__ = ["SPEC", "STATUS", "consolidation"]

STATUS: tuple[Status, ...] = (
    Status("not_verified", "新增耕地未核实", "new farmland not borne out", "#d62728", grave=True, counted=True),
    Status("not_checked", "未核(缺少地类或记录)", "not checked (land use or record missing)", "#aaaaaa", watch=True),
    Status("verified", "新增耕地核实", "new farmland verified", "#2ca02c"),
)
STATUS_ZH = {s.code: s.label_zh for s in STATUS}
FIGURES = (
    FigureSpec("not_verified", "个整治项目新增耕地未核实", "projects whose new farmland is not borne out",
               statuses=("not_verified",), grave=True),
    FigureSpec("difference_mu", "记录多于实测", "recorded beyond measured", "difference_mu", ("not_verified",), "亩", 2,
               grave=True),
    FigureSpec("new_farmland_mu", "记录新增耕地", "new farmland recorded", "new_farmland_mu", (), "亩", 2),
)


def consolidation_prepared(projects: gpd.GeoDataFrame, lu: gpd.GeoDataFrame | None, later: gpd.GeoDataFrame | None,
                           ctx: RunContext, classification: str | None) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The ``consolidation_projects`` table of validated layers (working CRS, canonical fields), and its notes."""
    notes: list[str] = []
    rules, method = ctx.rules, ctx.area_method
    crs = ctx.crs.crs if ctx.crs is not None else projects.crs
    tol = float(rules.value("farmland.consolidation_tolerance_m2"))
    if "accepted_date" in projects.columns:
        late = (pd.to_datetime(projects["accepted_date"]) > pd.Timestamp(ctx.as_of)).to_numpy()
        if late.any():
            notes.append(f"[consolidation] {int(late.sum())} project(s) accepted after the audit date {ctx.as_of} add "
                         "no farmland yet: left out: " + ", ".join(map(str, projects.loc[late, "project_id"])))
            projects = projects.loc[~late]
    geoms = projects.geometry.values
    area = piece_areas(geoms, crs, method)

    def col(name: str) -> np.ndarray:
        return projects[name].to_numpy(dtype=float) if name in projects.columns else np.full(len(projects), np.nan)

    scale, new, cost = col("scale_m2"), col("new_farmland_m2"), col("cost_wan")
    for values, label in ((scale, "建设规模"), (new, "新增耕地面积"), (cost, "项目总投资")):
        blank = np.isnan(values)
        if blank.any():
            notes.append(f"[consolidation] {int(blank.sum())} project(s) record no {label}: the indicators it "
                         "enters are empty: " + ", ".join(map(str, projects["project_id"].to_numpy()[blank])))
    if lu is not None and later is not None:
        before = area_on(geoms, lu, cultivated(lu, classification), crs, method)
        after = area_on(geoms, later, cultivated(later, classification), crs, method)
        covered = area_on(geoms, later, None, crs, method)
        part = covered < area * (1 - 1e-6) - 0.01
        if part.any():
            notes.append(f"[consolidation] {int(part.sum())} project area(s) not wholly covered by the later land "
                         "use: the part outside counts no new farmland: "
                         + ", ".join(map(str, projects["project_id"].to_numpy()[part])))
    else:
        before = after = np.full(len(projects), np.nan)
        notes.append("[consolidation] the earlier and the later land use (landuse, landuse_later) are both needed to "
                     "measure new farmland: measured new farmland is empty, no project verified")
    measured = after - before
    diff = new - measured
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(scale > 0, new / scale, np.nan)
        per_mu = np.where(new > 0, cost / (new / M2_PER_MU), np.nan)
    checked = ~np.isnan(diff)
    status = np.where(~checked, "not_checked", np.where(diff > tol, "not_verified", "verified"))
    out = gpd.GeoDataFrame({
        "project_id": projects["project_id"].to_numpy(),
        "project_name": projects["project_name"].to_numpy() if "project_name" in projects.columns else None,
        "area_m2": area, "scale_m2": scale, "new_farmland_m2": new, "new_farmland_mu": new / M2_PER_MU,
        "new_farmland_ratio": ratio, "cost_wan": cost, "cost_per_new_mu": per_mu,
        "cultivated_before_m2": before, "cultivated_after_m2": after, "measured_new_m2": measured,
        "measured_new_mu": measured / M2_PER_MU, "difference_m2": diff, "difference_mu": diff / M2_PER_MU,
        "verified": status == "verified", "status": status.astype(object),
    }, geometry=np.asarray(geoms, dtype=object), crs=crs)
    out["status_zh"] = out["status"].map(STATUS_ZH)
    out["rule"] = rules.cite("farmland.consolidation_tolerance_m2")
    return out[[c.name for c in COLUMNS] + ["geometry"]], notes


def consolidation(projects: gpd.GeoDataFrame, *, landuse: gpd.GeoDataFrame | None = None,
                  landuse_later: gpd.GeoDataFrame | None = None, rules: Any = None, as_of: Any = None,
                  area_method: AreaMethod = "ellipsoidal", crs: Any = None, classification: str = "tdt1055-2019",
                  log: Any = None) -> gpd.GeoDataFrame:
    """土地整治: per project, recorded new farmland ÷ scale, cost per new 亩, new farmland measured on the land use.

    Parameters and notes as for :func:`redline.farmland.linkage`; ``projects`` is the 土地整治项目区 layer
    (项目编号, 建设规模, 新增耕地面积, 项目总投资, 验收日期; areas in m², money in 万元).

    Examples
    --------
    A 10 ha project records 1.2 ha of new farmland for 300 万元; 0.5 ha of 耕地 before, 1.5 ha after: 1 ha
    measured, 2 000 m² short of the record.

    >>> from shapely.geometry import box
    >>> p = gpd.GeoDataFrame({"项目编号": ["Z1"], "建设规模": [100000.0], "新增耕地面积": [12000.0], "项目总投资": [300.0]},
    ...                      geometry=[box(0, 0, 500, 200)], crs="EPSG:4547")
    >>> lu = lambda code, w: gpd.GeoDataFrame({"BSM": ["a", "b"], "DLBM": [code, "0307"]},
    ...                                       geometry=[box(0, 0, w, 100), box(w, 0, 500, 200)], crs="EPSG:4547")
    >>> r = consolidation(p, landuse=lu("0101", 50), landuse_later=lu("0101", 150), as_of="2026-06-30",
    ...                   area_method="planar")
    >>> r[["new_farmland_ratio", "cost_per_new_mu", "measured_new_m2", "difference_m2", "status"]].values.tolist()
    [[0.12, 16.666666666666668, 10000.0, 2000.0, 'not_verified']]
    """
    from ..pipeline import run_audits

    sources: dict[str, Any] = {"consolidation": projects}
    if landuse is not None:
        sources["landuse"] = landuse
    if landuse_later is not None:
        sources["landuse_later"] = landuse_later
    res = run_audits(sources, audits=["consolidation_projects"], rules=rules, as_of=as_of, area_method=area_method,
                     crs=crs, params={"classification": classification})
    if log is not None:
        log.notes.extend(res.notes)
    return res.outputs["consolidation_projects"]


def _run(layers: Mapping[str, Any], params: Mapping[str, Any], ctx: RunContext) -> dict[str, pd.DataFrame]:
    ctx.report("土地整治 consolidation", 0.0)
    out, notes = consolidation_prepared(layers["consolidation"], layers.get("landuse"), layers.get("landuse_later"),
                                        ctx, params.get("classification"))
    ctx.notes.extend(notes)
    return {"consolidation_projects": out}


def _summary(outputs: Mapping[str, Any]) -> list[str]:
    t = outputs.get("consolidation_projects")
    if t is None or len(t) == 0:
        return []
    bad = t[t["status"] == "not_verified"]
    return [f"土地整治 consolidation: {len(t)} projects, new farmland recorded {t['new_farmland_mu'].sum():,.1f} 亩, "
            f"measured {t['measured_new_mu'].sum():,.1f} 亩; {len(bad)} not borne out"]


L = partial(Column, ledger=True)
COLUMNS = (
    L("project_id", "text", "项目编号", "Project", "id"),
    L("project_name", "text", "项目名称", "Project name"),
    L("area_m2", "m2", "项目区面积(平方米)", "Project area (drawn)"),
    L("scale_m2", "m2", "建设规模(平方米)", "Recorded scale"),
    L("new_farmland_m2", "m2", "记录新增耕地(平方米)", "New farmland recorded"),
    L("new_farmland_mu", "mu", "记录新增耕地(亩)", "New farmland recorded"),
    L("new_farmland_ratio", "ratio", "新增耕地率", "New farmland ÷ scale", total=False),
    L("cost_wan", "wan", "项目总投资(万元)", "Cost"),
    L("cost_per_new_mu", "float", "亩均新增耕地投资(万元/亩)", "Cost per new 亩", unit="万元/亩", total=False),
    L("cultivated_before_m2", "m2", "整治前耕地(平方米)", "Farmland before"),
    L("cultivated_after_m2", "m2", "整治后耕地(平方米)", "Farmland after"),
    L("measured_new_m2", "m2", "实测新增耕地(平方米)", "New farmland measured"),
    L("measured_new_mu", "mu", "实测新增耕地(亩)", "New farmland measured"),
    L("difference_m2", "m2", "记录减实测(平方米)", "Recorded − measured"),
    L("difference_mu", "mu", "记录减实测(亩)", "Recorded − measured"),
    L("verified", "bool", "新增耕地核实", "Verified"),
    L("status_zh", "text", "结论", "Conclusion", "status"),
    L("status", "text", "结论代码", "Conclusion code", "status", description="verified, not_verified, not_checked"),
    RULE,
)

SPEC = AuditSpec(
    id="consolidation_projects",
    label_zh="土地整治新增耕地",
    label_en="Land consolidation: new farmland",
    group="farmland",
    inputs=(
        InputSpec("consolidation", "consolidation", True, "土地整治项目区", "Consolidation projects",
                  help="项目编号, 建设规模 (m²), 新增耕地面积 (m²), 项目总投资 (万元), 验收日期"),
        InputSpec("landuse", "landuse", False, "地类图斑", "Land-use patches",
                  help="optional: the land use before the project (三调)"),
        InputSpec("landuse_later", "landuse", False, "后期地类图斑", "Later land-use patches",
                  help="optional: a later land use (年度变更调查)"),
    ),
    params=(CLASSIFICATION,),
    outputs=(
        OutputSpec("consolidation_projects", "土地整治新增耕地", "Consolidation: new farmland", True, COLUMNS,
                   description="按项目: 记录新增耕地占建设规模比例, 亩均投资, 整治前后地类图斑上的耕地面积之差与记录核对 "
                               "(《土地管理法》第四十二条 增加有效耕地面积)",
                   description_en="Per project: recorded new farmland over the scale, cost per new 亩, the farmland "
                                  "on the land use after minus before against the record",
                   status_column="status", statuses=STATUS, figures=FIGURES),
    ),
    runner=_run,
    rules_keys=("farmland.consolidation_tolerance_m2",),
    description_zh="土地整治项目新增耕地率、亩均投资, 以整治前后地类核实记录的新增耕地",
    description_en="Consolidation projects: new farmland over scale, cost per new 亩, the recorded new farmland "
                   "verified on the land use before and after.",
    summary=_summary,
)
