"""报批 地类面积表: the land a project red line takes, by 三调 class, with subtotals in the standard's order.

The classes are those of the land-use layer (三调 DLTB, ``DLBM``) read with a shipped code table
(:mod:`redline.boundaries.codes`, TD/T 1055-2019 by default), grouped into the three categories of the
《土地管理法》第四条 (农用地, 建设用地, 未利用地) by the GB/T 21010-2017 appendix A mapping the table carries.

Rows per project, in this order: ``农用地`` subtotal, ``其中: 耕地``, each 农用地 class; ``建设用地`` subtotal
and its classes; ``未利用地`` subtotal and its classes; codes the table cannot place (unknown, or a
first-level code that mixes categories) under ``未能归类``; the project's land no land-use patch covers
(``未调查``); and ``合计``, the project's area. Within a group the classes go by code.

Ownership: with the land-use layer's 权属性质 (QSXZ) the rows split each area into ``state_m2`` (国有: codes
10 国有土地所有权, 20 国有土地使用权, or the word 国有) and ``collective_m2`` (集体: 30-34 集体土地所有权 and its
村民小组/村/乡 levels, 40 集体土地使用权, or 集体); without it both are empty and a note says so. A value that
is neither is counted in neither, and named in a note. With 坡度级别 (PDJB) the cultivated rows are split by
slope grade.

Examples
--------
Two 100 m x 100 m squares over a project of 150 m x 100 m: 1 ha of 旱地 and 0.5 ha of 农村宅基地.

>>> import geopandas as gpd, shapely
>>> from redline.project import landuse_table
>>> proj = gpd.GeoDataFrame({"项目编号": ["P1"]}, geometry=[shapely.box(0, 0, 150, 100)], crs="EPSG:4547")
>>> lu = gpd.GeoDataFrame({"BSM": ["1", "2"], "DLBM": ["0103", "0702"]},
...                       geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)], crs="EPSG:4547")
>>> t = landuse_table(proj, lu, area_method="planar")
>>> t[["label", "area_m2", "area_mu"]].values.tolist()
[['农用地', 10000.0, 15.0], ['其中: 耕地', 10000.0, 15.0], ['0103 旱地', 10000.0, 15.0], ['建设用地', 5000.0, 7.5], ['0702 农村宅基地', 5000.0, 7.5], ['合计', 15000.0, 22.5]]
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..area import AreaMethod, method_label, piece_areas
from ..boundaries.codes import CodeTable, code_table
from ..overlay._common import finish, prepare
from ..result import AuditLog
from ..rules import RuleSet, resolve_rules
from ..spec import RULE, AuditSpec, Column, InputSpec, OutputSpec, ParamSpec, RunContext
from ..units import M2_PER_HA, M2_PER_MU
from . import _schema  # noqa: F401  (registers the projects layer kind)

__all__ = ["COLUMNS", "GROUPS", "SPEC", "landuse_table", "ownership_of"]

#: the three categories of 《土地管理法》第四条, in the standard's order, then what cannot be placed
GROUPS = ("农用地", "建设用地", "未利用地", "未能归类")
_STATE = {"10", "20", "国有", "国有土地", "国有土地所有权", "国有土地使用权"}
_COLLECTIVE = {"30", "31", "32", "33", "34", "40", "集体", "集体土地", "集体土地所有权", "集体土地使用权"}


def ownership_of(values) -> pd.Series:
    """权属性质 as ``国有`` / ``集体`` / None (empty or not a 三调 QSXZ code or word).

    >>> ownership_of(["20", "30", "集体", "", "99"]).tolist()
    ['国有', '集体', '集体', None, None]
    """
    s = pd.Series(values, copy=False).astype("string").str.strip()
    s = s.str.replace(r"\.0+$", "", regex=True)
    out = pd.Series([None] * len(s), index=s.index, dtype=object)
    out[s.isin(_STATE).fillna(False).to_numpy()] = "国有"
    out[s.isin(_COLLECTIVE).fillna(False).to_numpy()] = "集体"
    return out


def _pieces(projects: gpd.GeoDataFrame, layer: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(project row, layer row, intersection) of every pair that overlaps."""
    pg = np.asarray(projects.geometry.values, dtype=object)
    lg = np.asarray(layer.geometry.values, dtype=object)
    if not len(pg) or not len(lg):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.empty(0, dtype=object)
    p, q = shapely.STRtree(lg).query(pg, predicate="intersects")
    parts = shapely.intersection(pg[p], lg[q])
    return p, q, parts


def _category(table: CodeTable, codes: pd.Series) -> tuple[np.ndarray, pd.DataFrame]:
    look = table.lookup(codes)
    frame = table.frame.set_index("code")
    cats = frame["category"] if "category" in frame.columns else pd.Series(dtype=object)
    cat = np.array([cats.get(c) if isinstance(c, str) and known else None
                    for c, known in zip(look["code"], look["known"], strict=True)], dtype=object)
    cat = np.where(np.isin(cat, GROUPS[:3]), cat, "未能归类")
    return cat, look


def _landuse_table(projects: gpd.GeoDataFrame, landuse: gpd.GeoDataFrame, table: CodeTable, rules: RuleSet,
                   area_method: AreaMethod, crs: Any) -> tuple[pd.DataFrame, list[str]]:
    notes: list[str] = []
    p, q, parts = _pieces(projects, landuse)
    area = piece_areas(parts, crs, area_method) if len(parts) else np.zeros(0)
    codes = landuse["land_use_code"].to_numpy()[q]
    cat, look = _category(table, pd.Series(codes))
    has_owner = "ownership_type" in landuse.columns and landuse["ownership_type"].notna().any()
    has_slope = "slope_grade" in landuse.columns and landuse["slope_grade"].notna().any()
    pieces = pd.DataFrame({
        "p": p, "dlbm": look["code"].to_numpy(), "dlmc": look["name_zh"].to_numpy(), "group": cat,
        "is_cultivated": look["cultivated"].to_numpy() & (cat == "农用地"), "area_m2": area})
    pieces["dlmc"] = pieces["dlmc"].where(pieces["dlmc"].notna(),
                                          pd.Series(landuse.get("land_use_name", pd.Series(index=landuse.index,
                                                                                           dtype=object)
                                                                ).to_numpy()[q], index=pieces.index))
    if has_owner:
        raw = landuse["ownership_type"].to_numpy()[q]
        owner = ownership_of(raw).to_numpy()
        odd = sorted({str(v) for v, o in zip(raw, owner, strict=True) if o is None and not pd.isna(v)})
        if odd:
            notes.append(f"[project_landuse] 权属性质 (QSXZ) values that are neither 国有 nor 集体, counted in neither "
                         f"column: {', '.join(odd[:10])}")
        if pd.isna(raw).any():
            notes.append("[project_landuse] some land-use patches under the projects have no 权属性质 (QSXZ): their "
                         "area is counted in neither 国有 nor 集体")
    else:
        owner = np.full(len(pieces), None, dtype=object)
        notes.append("[project_landuse] the land-use layer has no 权属性质 (QSXZ): the 国有 / 集体 columns are empty")
    pieces["owner"] = owner
    pieces["slope"] = (landuse["slope_grade"].astype("string").to_numpy()[q] if has_slope
                       else np.full(len(pieces), None, dtype=object))
    pieces.loc[~pieces["is_cultivated"], "slope"] = None
    unplaced = sorted({str(c) for c, g in zip(codes, cat, strict=True) if g == "未能归类"})
    if unplaced:
        notes.append(f"[project_landuse] land-use codes the {table.name} table cannot place in 农用地 / 建设用地 / "
                     f"未利用地 (unknown, or a first-level code that mixes them), listed under 未能归类: "
                     f"{', '.join(unplaced[:10])}")

    pid = projects["project_id"].to_numpy()
    project_area = piece_areas(np.asarray(projects.geometry.values, dtype=object), crs, area_method)
    tol = float(rules.value("geometry.area_tolerance_m2"))
    rule = (f"{rules.label} 地类面积表: 地类 {table.name} ({table.source}); 三大类 《土地管理法》第四条 (农用地、建设用地、"
            f"未利用地); areas {method_label(area_method)}; 合计 = the red line's area, 未调查 = its land no patch covers "
            f"(within {rules.cite('geometry.area_tolerance_m2')})")
    rows: list[dict] = []
    uncovered, overlapped = [], []

    def row(i: int, kind: str, group: str, label: str, sub: pd.DataFrame, code=None, name=None, cultivated=False,
            slope=None, total: float | None = None) -> None:
        m2 = float(sub["area_m2"].sum()) if total is None else total
        state = float(sub.loc[sub["owner"] == "国有", "area_m2"].sum()) if has_owner else np.nan
        coll = float(sub.loc[sub["owner"] == "集体", "area_m2"].sum()) if has_owner else np.nan
        rows.append({"project_id": pid[i], "row_type": kind, "group": group, "label": label, "dlbm": code,
                     "dlmc": name, "is_cultivated": cultivated, "slope_grade": slope, "area_m2": m2,
                     "area_ha": m2 / M2_PER_HA, "area_mu": m2 / M2_PER_MU, "state_m2": state, "collective_m2": coll,
                     "rule": rule})

    for i in range(len(projects)):
        mine = pieces[pieces["p"] == i]
        for group in GROUPS:
            g = mine[mine["group"] == group]
            if group != "农用地" and not len(g):
                continue
            row(i, "subtotal", group, group, g)
            if group == "农用地":
                row(i, "of_which", group, "其中: 耕地", g[g["is_cultivated"]], cultivated=True)
            keys = ["dlbm", "slope"]
            for (code, slope), c in g.groupby(keys, dropna=False, sort=True):
                code = None if pd.isna(code) else str(code)
                slope = None if pd.isna(slope) else str(slope)
                name = c["dlmc"].dropna().iloc[0] if c["dlmc"].notna().any() else None
                label = " ".join(x for x in (code or "(无编码)", name or "") if x)
                if slope is not None:
                    label += f" (坡度级别 {slope})"
                row(i, "class", group, label, c, code, name, bool(c["is_cultivated"].any()), slope)
        covered = float(mine["area_m2"].sum())
        gap = project_area[i] - covered
        if gap > tol:
            uncovered.append(f"{pid[i]} ({gap:,.1f} m²)")
            row(i, "not_surveyed", "未调查", "未调查 (无地类图斑)", mine.iloc[0:0], total=gap)
        elif gap < -tol:
            overlapped.append(f"{pid[i]} ({-gap:,.1f} m²)")
        row(i, "total", "合计", "合计", mine, total=project_area[i])
    if uncovered:
        notes.append(f"[project_landuse] land of {len(uncovered)} project(s) not covered by any land-use patch, listed "
                     f"as 未调查: {', '.join(uncovered[:10])}")
    if overlapped:
        notes.append(f"[project_landuse] the land-use patches under {len(overlapped)} project(s) overlap each other, so "
                     f"the classes add up to more than the red line: {', '.join(overlapped[:10])}; fix the land-use "
                     "layer's overlaps")
    out = pd.DataFrame(rows, columns=[c.name for c in COLUMNS])
    out["is_cultivated"] = out["is_cultivated"].astype(bool)
    for c in ("area_m2", "area_ha", "area_mu", "state_m2", "collective_m2"):
        out[c] = out[c].astype(float)
    return out, notes


def landuse_table(projects: gpd.GeoDataFrame, landuse: gpd.GeoDataFrame, *, rules: RuleSet | str | None = None,
                  classification: Any = "tdt1055-2019", area_method: AreaMethod = "ellipsoidal", crs=None,
                  strict: bool = False, log: AuditLog | None = None) -> pd.DataFrame:
    """报批 地类面积表: one row per project and land-use class, with the standard's subtotals.

    Parameters
    ----------
    projects : GeoDataFrame
        Project red lines with ``project_id`` (项目编号).
    landuse : GeoDataFrame
        三调 land-use patches with ``land_use_code`` (DLBM); optional 权属性质 (QSXZ) and 坡度级别 (PDJB).
    rules : RuleSet, name or path, optional
        ``geometry.area_tolerance_m2``: how far the classes may fall short of the red line before the rest is
        listed as 未调查.
    classification : str, path, DataFrame or CodeTable
        The code table (:func:`redline.boundaries.codes.code_table`), ``tdt1055-2019`` by default.
    area_method, crs, strict, log
        As for every audit: ellipsoidal (CGCS2000, like 三调 TBMJ) or planar areas; the working CRS; stop on
        any feature problem; the log that receives notes and features set aside.

    Returns
    -------
    DataFrame
        ``project_id``, ``row_type`` (``subtotal``, ``of_which`` (其中耕地), ``class``, ``not_surveyed``,
        ``total``), ``group`` (农用地 / 建设用地 / 未利用地 / 未能归类), ``label``, ``dlbm``, ``dlmc``,
        ``is_cultivated``, ``slope_grade``, ``area_m2``, ``area_ha``, ``area_mu``, ``state_m2`` (国有),
        ``collective_m2`` (集体), ``rule``.
    """
    rules = resolve_rules(rules)
    prep = prepare({"projects": (projects, "projects"), "landuse": (landuse, "landuse")}, crs=crs, strict=strict,
                   area_method=area_method)
    out, notes = _landuse_table(prep.layers["projects"], prep.layers["landuse"], code_table(classification), rules,
                                area_method, prep.working.crs)
    return finish(out, prep, rules, area_method, notes, log=log, audit="project_landuse")


def _run(layers: Mapping[str, Any], params: Mapping[str, Any], ctx: RunContext) -> dict[str, pd.DataFrame]:
    ctx.report("地类面积表 project land-use table", 0.0)
    crs = ctx.crs.crs if ctx.crs is not None else layers["projects"].crs
    out, notes = _landuse_table(layers["projects"], layers["landuse"],
                                code_table(params.get("classification") or "tdt1055-2019"), ctx.rules,
                                ctx.area_method, crs)
    ctx.notes.extend(notes)
    return {"project_landuse": out}


def _summary(outputs: Mapping[str, Any]) -> list[str]:
    t = outputs.get("project_landuse")
    if t is None or not len(t):
        return []
    total = t[t["row_type"] == "total"]
    sub = t[t["row_type"].isin(["subtotal", "of_which", "not_surveyed"])]
    parts = [f"{lab} {a:,.1f}" for lab, a in sub.groupby("label", sort=False)["area_mu"].sum().items()]
    return [f"地类面积表 project land use: {len(total)} project(s), {total['area_mu'].sum():,.1f} 亩 ("
            + "; ".join(parts) + " 亩)"]


L = partial(Column, ledger=True)
COLUMNS = (
    L("project_id", "text", "项目编号", "Project", "id"),
    L("label", "text", "地类", "Land class"),
    L("area_m2", "m2", "面积(平方米)", "Area", total=False),
    L("area_ha", "float", "面积(公顷)", "Area", total=False, unit="公顷 ha"),
    L("area_mu", "mu", "面积(亩)", "Area", total=False),
    L("state_m2", "m2", "国有(平方米)", "State-owned", total=False),
    L("collective_m2", "m2", "集体(平方米)", "Collective", total=False),
    L("slope_grade", "text", "坡度级别", "Slope grade"),
    RULE,
    Column("row_type", "text", "行类型", "Row type", description="subtotal, of_which (其中耕地), class, not_surveyed, "
                                                               "total"),
    Column("group", "text", "三大类", "Category", description="农用地, 建设用地, 未利用地, 未能归类, 未调查, 合计"),
    Column("dlbm", "text", "地类编码", "Land-use code", "id"),
    Column("dlmc", "text", "地类名称", "Land-use name"),
    Column("is_cultivated", "bool", "耕地", "Cultivated land"),
)

SPEC = AuditSpec(
    id="project_landuse",
    label_zh="地类面积表",
    label_en="Project land-use table",
    group="project",
    inputs=(
        InputSpec("projects", "projects", True, "项目用地红线", "Project red lines",
                  help="项目编号, 项目名称, 拟用地类型 (用地用海代码), 园区, 行业分类, 总投资, 计划建筑面积"),
        InputSpec("landuse", "landuse", True, "地类图斑", "Land-use patches",
                  help="三调 DLTB: DLBM; 权属性质 QSXZ and 坡度级别 PDJB when present"),
    ),
    params=(
        ParamSpec("classification", "choice", "tdt1055-2019", "地类分类", "Land-use classification",
                  choices=("tdt1055-2019", "ydyh2023")),
    ),
    outputs=(
        OutputSpec("project_landuse", "地类面积表", "Project land-use table", False, COLUMNS,
                   description="报批地类面积表: 每个项目按三调地类统计面积(平方米、公顷、亩), 农用地(其中耕地)、建设用地、"
                               "未利用地小计与合计; 有权属性质时分国有、集体",
                   description_en="The 报批 land-use table: each project's area by 三调 class (m², ha, 亩), with "
                                  "subtotals for agricultural land (of which cultivated), construction land and "
                                  "unused land, and the total; split state / collective when 权属性质 is given"),
    ),
    runner=_run,
    rules_keys=("geometry.area_tolerance_m2",),
    description_zh="项目用地红线压盖三调地类图斑, 按《土地管理法》第四条三大类和地类编码统计面积, 生成报批地类面积表",
    description_en="The land a project red line takes, by 三调 class and the three categories of Land Administration "
                   "Law art. 4, as the 报批 land-use table.",
    needs_as_of=False,
    summary=_summary,
)
