"""Boundary audits: 土地开发强度 (development intensity) and growth-boundary use, with the land-use code tables.

Public API (pure functions of GeoDataFrames, keyword-only options):

- :func:`development_intensity` -> table ``development_intensity``: construction land ÷ total area per
  administrative unit, the warning level, optional construction land per unit GDP;
- :func:`growth_boundary_use` -> ``growth_boundary_use``: built and unbuilt area of each growth boundary;
- :func:`region_evaluation` -> ``region_evaluation``: townships and the county over two periods (TD/T 1018);
- :func:`zone_indicators` -> ``zone_indicators``: the TD/T 1029-2019 indicators of each development zone
  (开发区土地集约利用评价, :mod:`redline.boundaries.zones`);
- :func:`code_table` / :class:`CodeTable`: the shipped, cited code tables (三调 TD/T 1055-2019 and
  用地用海分类 2023) saying which codes are construction land (建设用地) and cultivated land (耕地).

The columns of each output are declared once, in :mod:`redline.boundaries._columns`, and listed in
``docs/outputs.md``; the code tables are in :mod:`redline.boundaries.codes`.
"""

from __future__ import annotations

from ..result import AuditLog
from ..spec import AuditSpec, InputSpec, OutputSpec, ParamSpec, hook
from ._columns import GROWTH_USE_COLUMNS, INTENSITY_COLUMNS
from .codes import CLASSIFICATIONS, CodeTable, code_table, normalise_codes
from .intensity import (
    LEVEL,
    _growth_use_prepared,
    _intensity_prepared,
    _unknown_notes,
    development_intensity,
    growth_boundary_use,
    read_gdp,
)
from .regions import SPEC as REGIONS_SPEC
from .regions import region_evaluation
from .zones import SPEC as ZONES_SPEC
from .zones import zone_indicators

__all__ = ["CLASSIFICATIONS", "SPECS", "CodeTable", "code_table", "development_intensity", "growth_boundary_use",
           "normalise_codes", "region_evaluation", "zone_indicators"]

_CLASSIFICATION_PARAM = ParamSpec("classification", "choice", "tdt1055-2019", "地类分类", "Land-use classification",
                                  help="三调工作分类 (TD/T 1055-2019) or 用地用海分类 (2023)",
                                  choices=("tdt1055-2019", "ydyh2023"))


def _run_intensity(layers, params, ctx):
    table = code_table(params.get("classification") or "tdt1055-2019")
    gdp_log = AuditLog()
    gdp = read_gdp(params.get("gdp"), log=gdp_log)
    out, unknown, notes = _intensity_prepared(layers["landuse"], layers["admin"], table, ctx.rules, ctx.area_method,
                                              ctx.crs.crs, gdp, gdp_log.notes, ctx.backend, ctx.shared)
    ctx.notes.extend(notes + _unknown_notes(unknown))
    return {"development_intensity": out}


def _summary_intensity(outputs):
    d = outputs.get("development_intensity")
    if d is None or len(d) == 0:
        return []
    total = d["total_m2"].sum()
    overall = d["construction_m2"].sum() / total if total > 0 else float("nan")
    warn = d[d["level"] == "warning"]
    line = (f"土地开发强度 development intensity: {len(d)} units, overall {overall:.1%}; "
            f"{len(warn)} at or above the warning line"
            + (f" ({', '.join(str(n) for n in warn['admin_name'].fillna(warn['admin_code']))})" if len(warn) else ""))
    lines = [line]
    if (d["unknown_m2"] > 0).any():
        lines.append(f"  unclassified land-use codes: {d['unknown_m2'].sum() / (10000 / 15):,.1f} 亩 (see unknown_codes)")
    return lines


def _run_growth_use(layers, params, ctx):
    table = code_table(params.get("classification") or "tdt1055-2019")
    out, unknown, notes = _growth_use_prepared(layers["growth_boundary"], layers["landuse"], table, ctx.rules,
                                               ctx.area_method, ctx.crs.crs, ctx.backend, ctx.shared)
    ctx.notes.extend(notes + _unknown_notes(unknown))
    return {"growth_boundary_use": out}


def _summary_growth_use(outputs):
    g = outputs.get("growth_boundary_use")
    if g is None or len(g) == 0:
        return []
    return [f"城镇开发边界使用 growth boundary use: {len(g)} boundaries, built {g['built_mu'].sum():,.0f} 亩, "
            f"unbuilt {g['unbuilt_mu'].sum():,.0f} 亩 "
            f"({g['built_m2'].sum() / max(g['total_m2'].sum(), 1e-9):.1%} built)"]


INTENSITY_SPEC = AuditSpec(
    id="development_intensity",
    label_zh="土地开发强度",
    label_en="Development intensity",
    group="boundaries",
    inputs=(
        InputSpec("landuse", "landuse", True, "地类图斑", "Land-use patches", help="三调 DLTB with DLBM codes"),
        InputSpec("admin", "admin", True, "行政区", "Administrative units", help="the denominators"),
    ),
    params=(
        _CLASSIFICATION_PARAM,
        ParamSpec("gdp", "table", None, "GDP表", "GDP table", help="CSV/XLSX: admin_code, gdp_yi_yuan (GDP in 亿元) -> construction land per unit GDP"),
    ),
    outputs=(
        OutputSpec("development_intensity", "土地开发强度", "Development intensity", True, INTENSITY_COLUMNS,
                   description="开发强度 = 建设用地面积 ÷ 行政区总面积; 建设用地按所选地类分类表的三大类对照; "
                               "未识别编码单列, 不猜测",
                   description_en="Development intensity = construction land ÷ total area of the unit; construction land from the chosen land-use code table; unknown codes listed, never guessed",
                   status_column="level", statuses=LEVEL,
                   section=hook("redline.boundaries._report:development_intensity")),
    ),
    runner=_run_intensity,
    rules_keys=("intensity.warning", "intensity.attention", "intensity.overlap_tolerance_m2"),
    description_zh="按行政区计算建设用地占比 (土地开发强度) 与预警等级, 可选单位GDP建设用地占用",
    description_en="Construction land ÷ total area per unit, its warning level, and optionally land per unit GDP.",
    needs_as_of=False,
    summary=_summary_intensity,
)

GROWTH_USE_SPEC = AuditSpec(
    id="growth_boundary_use",
    label_zh="城镇开发边界使用",
    label_en="Growth boundary use",
    group="boundaries",
    inputs=(
        InputSpec("growth_boundary", "growth_boundary", True, "城镇开发边界", "Urban growth boundary"),
        InputSpec("landuse", "landuse", True, "地类图斑", "Land-use patches"),
    ),
    params=(_CLASSIFICATION_PARAM,),
    outputs=(
        OutputSpec("growth_boundary_use", "城镇开发边界使用情况", "Growth boundary use", True, GROWTH_USE_COLUMNS,
                   description="边界内建设用地 (已建) 与其余面积 (未建)",
                   description_en="Construction land inside each growth boundary (built) and the rest (unbuilt)",
                   section=hook("redline.boundaries._report:growth_boundary_use")),
    ),
    runner=_run_growth_use,
    rules_keys=("intensity.overlap_tolerance_m2",),
    description_zh="每个城镇开发边界内已建设 (建设用地) 与未建设面积",
    description_en="How much of each growth boundary is built (construction land) and how much is left.",
    needs_as_of=False,
    summary=_summary_growth_use,
)

SPECS = (INTENSITY_SPEC, GROWTH_USE_SPEC, ZONES_SPEC, REGIONS_SPEC)
