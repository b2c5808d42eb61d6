"""用地标准核查: whether a project's area fits its investment and floor area (核减 of the excess).

For each project (an industrial project's red line, with ``total_investment_wan`` and ``floor_area_m2``):

- ``area_by_investment_mu`` = total investment ÷ the zone's investment-intensity floor
  (``underused.investment_intensity_min_wan_per_mu``, 万元/亩, keyed by the project's ``zone``): the land the
  investment justifies;
- ``area_by_far_mu`` = planned floor area ÷ the FAR floor of the project's industry division
  (``underused.far_min``, 《工业项目建设用地控制指标》 by GB/T 4754-2017 division) ÷ 666.67: the land the
  buildings justify;
- ``allowed_mu``: the smaller of the two that could be computed; ``reduce_mu`` (核减面积) = red line − allowed
  when positive, ``reduce_rate`` = reduce ÷ red line;
- below the zone's ``project.standalone_min_investment_wan`` a project gets no land of its own: status
  ``standard_factory`` (told to use standard factory space, 标准厂房).

The investment floor and the standalone minimum are local (推荐性指标: 自然资发〔2023〕72号 一): cn-national has
none, so with it those parts are not run and the run's notes say so. A figure a project lacks leaves its
column empty (NaN), with the reason in ``reasons``, never 0.

Examples
--------
A 30 亩 project in 丹阳 investing 6 000 万元 against a floor of 300 万元/亩 justifies 20 亩: 10 亩 核减.

>>> import geopandas as gpd, shapely
>>> from redline.project import standard_check
>>> side = (30 * 10000 / 15) ** 0.5
>>> p = gpd.GeoDataFrame({"项目编号": ["P1"], "园区": ["丹阳"], "总投资": [6000.0]},
...                      geometry=[shapely.box(0, 0, side, side)], crs="EPSG:4547")
>>> r = standard_check(p, rules="jiangsu-project-example", area_method="planar")
>>> r[["area_mu", "area_by_investment_mu", "reduce_mu", "reduce_rate", "status"]].round(3).values.tolist()
[[30.0, 20.0, 10.0, 0.333, 'reduce']]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..area import AreaMethod, piece_areas
from ..overlay._common import finish, prepare
from ..result import AuditLog
from ..rules import RuleSet, resolve_rules
from ..spec import RULE, AuditSpec, Column, FigureSpec, InputSpec, OutputSpec, RunContext, Status
from ..units import M2_PER_MU
from . import _schema  # noqa: F401  (registers the projects layer kind)

__all__ = ["COLUMNS", "SPEC", "STATUS", "standard_check"]

STATUS: tuple[Status, ...] = (
    Status("standard_factory", "投资额不足单独供地(入驻标准厂房)", "below the standalone minimum: standard factory space",
           "#d62728", grave=True, counted=True),
    Status("reduce", "用地超标(核减)", "over the standard: reduce", "#ff7f0e", grave=True, counted=True),
    Status("fits", "符合用地标准", "fits the standard", "#2ca02c"),
    Status("not_judged", "未核查", "not judged", "#c7c7c7"),
)
STATUS_ZH = {s.code: s.label_zh for s in STATUS}
FIGURES = (
    FigureSpec("over", "个项目用地超标或投资不足", "projects over the standard or below the minimum",
               statuses="counted", grave=True),
    FigureSpec("reduce_mu", "核减面积", "area to reduce", "reduce_mu", ("reduce",), "亩", 2, grave=True),
)


def _division(code) -> str | None:
    """The GB/T 4754 division (two digits) of an industry code: ``C3411`` / ``3411`` / ``34`` -> ``34``."""
    if not isinstance(code, str):
        return None
    m = re.match(r"^[A-Ta-t]?(\d{2})", code.strip())
    return m[1] if m else None


def _standard(projects: gpd.GeoDataFrame, rules: RuleSet, area_method: AreaMethod, crs: Any
              ) -> tuple[pd.DataFrame, list[str]]:
    notes: list[str] = []
    n = len(projects)
    col = lambda name: (projects[name].to_numpy() if name in projects.columns  # noqa: E731
                        else np.full(n, None, dtype=object))
    zone, industry = col("zone"), col("industry")
    invest = pd.to_numeric(pd.Series(col("total_investment_wan")), errors="coerce").to_numpy(dtype=float)
    floor = pd.to_numeric(pd.Series(col("floor_area_m2")), errors="coerce").to_numpy(dtype=float)
    area_m2 = piece_areas(np.asarray(projects.geometry.values, dtype=object), crs, area_method)
    area_mu = area_m2 / M2_PER_MU
    key_i, key_f, key_s = ("underused.investment_intensity_min_wan_per_mu", "underused.far_min",
                           "project.standalone_min_investment_wan")
    t_i, t_f, t_s = rules.threshold(key_i), rules.threshold(key_f), rules.threshold(key_s)
    rows = []
    for k in range(n):
        z = str(zone[k]) if isinstance(zone[k], str) and zone[k].strip() else None
        reasons, cites = [], []
        i_min = t_i.for_key(z)
        if i_min is None:
            reasons.append(f"no investment-intensity floor for zone {z!r} in {rules.label} ({key_i})" if z
                           else "no 园区 (zone): investment-intensity floor not chosen")
        else:
            cites.append(rules.cite(key_i, z))
        div = _division(industry[k])
        far = t_f.for_key(div) if div is not None else None
        if far is None:
            reasons.append(f"no FAR floor for industry {industry[k]!r} ({key_f})" if div else
                           "no 行业分类 (industry): FAR floor not chosen")
        else:
            cites.append(rules.cite(key_f, div))
        s_min = t_s.for_key(z)
        if s_min is not None:
            cites.append(rules.cite(key_s, z))
        by_inv = invest[k] / float(i_min) if i_min is not None and np.isfinite(invest[k]) else np.nan
        if i_min is not None and not np.isfinite(invest[k]):
            reasons.append("no 总投资 (total_investment_wan)")
        by_far = floor[k] / float(far) / M2_PER_MU if far is not None and np.isfinite(floor[k]) else np.nan
        if far is not None and not np.isfinite(floor[k]):
            reasons.append("no 计划建筑面积 (floor_area_m2)")
        allowed = np.nanmin([by_inv, by_far]) if np.isfinite([by_inv, by_far]).any() else np.nan
        reduce = max(area_mu[k] - allowed, 0.0) if np.isfinite(allowed) else np.nan
        below = s_min is not None and np.isfinite(invest[k]) and invest[k] < float(s_min)
        if below:
            status = "standard_factory"
        elif np.isfinite(reduce):
            status = "reduce" if reduce > 0 else "fits"
        else:
            status = "not_judged"
        rows.append({"project_id": projects["project_id"].iloc[k], "zone": z, "industry_division": div,
                     "area_m2": area_m2[k], "area_mu": area_mu[k], "total_investment_wan": invest[k],
                     "intensity_min_wan_per_mu": float(i_min) if i_min is not None else np.nan,
                     "area_by_investment_mu": by_inv, "floor_area_m2": floor[k],
                     "far_min": float(far) if far is not None else np.nan, "area_by_far_mu": by_far,
                     "allowed_mu": allowed, "reduce_mu": reduce,
                     "reduce_rate": reduce / area_mu[k] if np.isfinite(reduce) and area_mu[k] > 0 else np.nan,
                     "standalone_min_investment_wan": float(s_min) if s_min is not None else np.nan,
                     "status": status, "reasons": "; ".join(reasons),
                     "rule": f"{rules.label} 核减 = 红线面积 − min(总投资 ÷ 投资强度下限, 计划建筑面积 ÷ 容积率下限); "
                             + ("; ".join(cites) if cites else "no threshold applies")})
    out = pd.DataFrame(rows, columns=[c.name for c in COLUMNS if c.name != "status_zh"])
    out["status_zh"] = out["status"].map(STATUS_ZH)
    out = out[[c.name for c in COLUMNS]]
    if not t_i.value and not isinstance(t_i.value, int | float):
        notes.append(f"[project_standard] 投资强度 not judged: {rules.label} has no investment-intensity floor "
                     f"({key_i}; 推荐性指标 under 自然资发〔2023〕72号, set locally, e.g. --rules jiangsu-project-example)")
    if not t_s.value:
        notes.append(f"[project_standard] 单独供地 minimum investment not judged: {rules.label} has none ({key_s}; a "
                     "local rule)")
    judged = out["status"] != "not_judged"
    if (~judged).any():
        notes.append(f"[project_standard] {int((~judged).sum())} project(s) not judged against the land-use standard "
                     "(see reasons)")
    return out, notes


def standard_check(projects: gpd.GeoDataFrame, *, rules: RuleSet | str | None = None,
                   area_method: AreaMethod = "ellipsoidal", crs=None, strict: bool = False,
                   log: AuditLog | None = None) -> pd.DataFrame:
    """用地标准核查: the land each project's investment and floor area justify, and the 核减 of the rest.

    Parameters
    ----------
    projects : GeoDataFrame
        Project red lines with ``project_id``, ``zone`` (园区), ``industry`` (行业分类), ``total_investment_wan``
        (总投资, 万元), ``floor_area_m2`` (计划建筑面积).
    rules : RuleSet, name or path, optional
        ``underused.investment_intensity_min_wan_per_mu`` and ``project.standalone_min_investment_wan`` per zone
        (none in cn-national: use a local set such as ``jiangsu-project-example``), ``underused.far_min`` per
        industry division.
    area_method, crs, strict, log
        As for every audit.

    Returns
    -------
    DataFrame
        One row per project: ``area_mu``, ``area_by_investment_mu``, ``area_by_far_mu``, ``allowed_mu``,
        ``reduce_mu`` (核减面积), ``reduce_rate`` (核减率), the thresholds used, ``status`` (``reduce``, ``fits``,
        ``standard_factory``, ``not_judged``), ``reasons`` and ``rule``.
    """
    rules = resolve_rules(rules)
    prep = prepare({"projects": (projects, "projects")}, crs=crs, strict=strict, area_method=area_method)
    out, notes = _standard(prep.layers["projects"], rules, area_method, prep.working.crs)
    return finish(out, prep, rules, area_method, notes, log=log, audit="project_standard")


def _run(layers: Mapping[str, Any], params: Mapping[str, Any], ctx: RunContext) -> dict[str, pd.DataFrame]:
    ctx.report("用地标准核查 land-use standard", 0.0)
    crs = ctx.crs.crs if ctx.crs is not None else layers["projects"].crs
    out, notes = _standard(layers["projects"], ctx.rules, ctx.area_method, crs)
    ctx.notes.extend(notes)
    return {"project_standard": out}


def _summary(outputs: Mapping[str, Any]) -> list[str]:
    r = outputs.get("project_standard")
    if r is None or not len(r):
        return []
    judged = r[r["status"] != "not_judged"]
    if not len(judged):
        return [f"用地标准核查 land-use standard: {len(r)} project(s), none judged (no threshold applies)"]
    red = judged[judged["status"] == "reduce"]
    small = int((judged["status"] == "standard_factory").sum())
    line = f"用地标准核查 land-use standard: {len(judged)} of {len(r)} project(s) judged; "
    line += f"{len(red)} to reduce by {red['reduce_mu'].sum():,.1f} 亩 (核减)" if len(red) else "none to reduce"
    return [line + (f"; {small} below the standalone minimum (标准厂房)" if small else "")]


L = partial(Column, ledger=True)
COLUMNS = (
    L("project_id", "text", "项目编号", "Project", "id"),
    L("zone", "text", "园区", "Zone"),
    L("industry_division", "text", "行业大类", "Industry division"),
    L("area_mu", "mu", "红线面积(亩)", "Red-line area"),
    L("area_m2", "m2", "红线面积(平方米)", "Red-line area"),
    L("total_investment_wan", "wan", "总投资(万元)", "Total investment"),
    L("intensity_min_wan_per_mu", "float", "投资强度下限(万元/亩)", "Investment-intensity floor", total=False,
      unit="万元/亩"),
    L("area_by_investment_mu", "mu", "按投资可用地(亩)", "Area the investment justifies"),
    L("floor_area_m2", "m2", "计划建筑面积(平方米)", "Planned floor area"),
    L("far_min", "float", "容积率下限", "FAR floor", total=False),
    L("area_by_far_mu", "mu", "按容积率可用地(亩)", "Area the floor area justifies"),
    L("allowed_mu", "mu", "核定用地(亩)", "Area allowed"),
    L("reduce_mu", "mu", "核减面积(亩)", "Area to reduce"),
    L("reduce_rate", "ratio", "核减率", "Reduction rate", total=False),
    L("standalone_min_investment_wan", "wan", "单独供地最低投资(万元)", "Standalone-supply minimum", total=False),
    L("status_zh", "text", "结论", "Conclusion", "status"),
    L("reasons", "text", "未核查原因", "Why not judged", "reason"),
    RULE,
    Column("status", "text", "结论代码", "Conclusion code", "status", description=", ".join(s.code for s in STATUS)),
)

SPEC = AuditSpec(
    id="project_standard",
    label_zh="用地标准核查",
    label_en="Land-use standard",
    group="project",
    inputs=(
        InputSpec("projects", "projects", True, "项目用地红线", "Project red lines",
                  help="园区, 行业分类, 总投资 (万元), 计划建筑面积"),
    ),
    outputs=(
        OutputSpec("project_standard", "用地标准核查", "Land-use standard", False, COLUMNS,
                   description="按投资强度下限和容积率下限核定项目可用地面积, 超出部分核减; 投资额低于单独供地门槛的入驻"
                               "标准厂房 (投资强度、门槛为地方标准)",
                   description_en="The land a project's investment (÷ the investment-intensity floor) and floor area "
                                  "(÷ the FAR floor) justify; the excess is to be reduced; projects below the "
                                  "standalone-supply minimum use standard factory space (local thresholds)",
                   status_column="status", statuses=STATUS, figures=FIGURES),
    ),
    runner=_run,
    rules_keys=("underused.investment_intensity_min_wan_per_mu", "underused.far_min",
                "project.standalone_min_investment_wan"),
    description_zh="项目用地面积对照投资强度和容积率控制指标, 计算核减面积和核减率; 投资不足者入驻标准厂房",
    description_en="A project's area against the investment-intensity and FAR floors: the area to reduce and the "
                   "rate; projects below the standalone minimum are told to use standard factory space.",
    needs_as_of=False,
    summary=_summary,
)
