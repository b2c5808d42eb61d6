"""占补平衡 farmland balance as an audit: cultivated land taken against cultivated land added, per unit and year.

《土地管理法》第三十条: 非农业建设经批准占用耕地的, 按照"占多少, 垦多少"的原则, 由占用耕地的单位负责开垦与所
占用耕地的数量和质量相当的耕地 (DOMAIN §1: farmland taken must be compensated by new farmland of equal quantity
and quality; §2: by quantity and by quality grade, 农用地分等定级).

Inputs (layer kinds declared and registered here):

- ``farmland_taken`` (耕地占用): approved conversions of cultivated land, one polygon per plot, with
  ``record_id`` (批准文号 / 项目编号), ``admin_code``, ``year`` (年度; from ``approval_date`` 批准日期 when empty),
  ``quality_grade`` (耕地质量等别, 1 best ... 15 worst);
- ``farmland_added`` (补充耕地): accepted compensation projects, with ``record_id`` (项目编号), ``admin_code``,
  ``year`` (from ``accepted_date`` 验收日期 when empty), ``quality_grade``.

Areas are measured from the polygons (the run's area method). A record dated after the audit date is not
a conversion or an accepted project yet: it is left out, and the run's notes say which.

Output table ``farmland_balance``, one row per ``admin_code`` and ``year`` (the fields of
:func:`redline.farmland.retention.balance`): ``taken_m2``/``taken_mu``, ``added_m2``/``added_mu``,
``net_mu`` (added − taken), ``added_ratio``, ``quantity_balanced`` (added ≥ ``farmland.balance_min_ratio`` ×
taken), ``taken_grade_mean``/``added_grade_mean`` (area-weighted 等别), ``grade_change`` (added − taken;
positive = worse), ``quality_balanced`` (change ≤ ``farmland.balance_grade_tolerance``), ``quality_dominates``,
``ungraded_taken_mu``/``ungraded_added_mu``, ``balanced``; and here ``shortfall_mu`` (亩 still to add for the
quantity), ``status`` (``balanced`` or ``short``), ``short_of`` (``quantity``, ``quality`` or both),
``status_zh``, ``rule``.

Examples
--------
Unit 1 took 100 亩 of grade 6 in 2025 and added 80 亩 of grade 5: short by 20 亩, though the quality is better.

>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> side = (100 * 10000 / 15) ** 0.5  # a square of 100 亩
>>> taken = gpd.GeoDataFrame({"批准文号": ["T1"], "行政区代码": ["1"], "年度": ["2025"], "质量等别": [6]},
...                          geometry=[box(500000, 3800000, 500000 + side, 3800000 + side)], crs="EPSG:4547")
>>> added = gpd.GeoDataFrame({"项目编号": ["A1"], "行政区代码": ["1"], "年度": ["2025"], "质量等别": [5]},
...                          geometry=[box(501000, 3800000, 501000 + side, 3800000 + 0.8 * side)], crs="EPSG:4547")
>>> from redline.pipeline import run_audits
>>> r = run_audits({"farmland_taken": taken, "farmland_added": added}, audits=["farmland_balance"],
...                as_of="2026-06-30", area_method="planar").outputs["farmland_balance"]
>>> r[["taken_mu", "added_mu", "shortfall_mu", "status", "short_of"]].round(1).values.tolist()
[[100.0, 80.0, 20.0, 'short', 'quantity']]
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd

from ..area import AreaMethod, piece_areas
from ..schema import F, LayerSchema, register_schema
from ..spec import RULE, AuditSpec, Column, FigureSpec, InputSpec, OutputSpec, RunContext, Status
from ..units import M2_PER_MU
from .retention import balance

__all__ = ["ADDED_SCHEMA", "SPEC", "STATUS", "TAKEN_SCHEMA", "farmland_balance"]

_GRADE = F("quality_grade", "int", "质量等别", "质量等别", "耕地质量等别", "耕地等别", "国家利用等", "ZLDB", "GDDB")
_ADMIN_CODE = F("admin_code", "str", "行政区代码", "行政区代码", "行政区划代码", "XZQDM", "XZQHDM", "adcode",
                required=True)
_YEAR = F("year", "str", "年度", "年度", "年份", "ND", "NF",
          description="the year the record counts in; empty: the year of its date")

TAKEN_SCHEMA = register_schema(LayerSchema(
    kind="farmland_taken",
    label_zh="耕地占用",
    id_field="record_id",
    description="Cultivated land taken by approved conversions (农用地转用 占用耕地), one polygon per plot.",
    fields=(
        F("record_id", "str", "批准文号", "批准文号", "项目编号", "占用编号", "编号", "PZWH", "XMBH", "BSM", required=True),
        _ADMIN_CODE,
        _YEAR,
        F("approval_date", "date", "批准日期", "批准日期", "批复日期", "PZRQ"),
        _GRADE,
        F("project_name", "str", "项目名称", "项目名称", "XMMC"),
    ),
))

ADDED_SCHEMA = register_schema(LayerSchema(
    kind="farmland_added",
    label_zh="补充耕地",
    id_field="record_id",
    description="Cultivated land added by accepted compensation projects (补充耕地 验收), one polygon per plot.",
    fields=(
        F("record_id", "str", "项目编号", "项目编号", "补充耕地项目编号", "编号", "XMBH", "BSM", required=True),
        _ADMIN_CODE,
        _YEAR,
        F("accepted_date", "date", "验收日期", "验收日期", "验收时间", "YSRQ"),
        _GRADE,
        F("project_name", "str", "项目名称", "项目名称", "XMMC"),
    ),
))

#: the conclusion per unit and year (``status``; ``status_zh`` its label, with what is short when short)
STATUS: tuple[Status, ...] = (
    Status("short", "占补不平衡", "short", "#d62728", grave=True, counted=True, watch=True),
    Status("balanced", "占补平衡", "balanced", "#2ca02c"),
)
STATUS_ZH = {s.code: s.label_zh for s in STATUS}
#: the report's headline figures: the unit-years short, the cultivated land still to add, the land taken and added
FIGURES = (
    FigureSpec("short", "个单元年度占补不平衡", "unit-years short", statuses=("short",), grave=True),
    FigureSpec("shortfall_mu", "尚需补充耕地", "cultivated land still to add", "shortfall_mu", ("short",), "亩", 2,
               grave=True),
    FigureSpec("taken_mu", "占用耕地", "cultivated land taken", "taken_mu", (), "亩", 2),
    FigureSpec("added_mu", "补充耕地", "cultivated land added", "added_mu", (), "亩", 2),
)
SHORT_ZH = {"quantity": "补充耕地数量不足", "quality": "补充耕地质量低于占用耕地", "quantity; quality": "数量、质量均不足"}


def _records(frame: gpd.GeoDataFrame, date_field: str, as_of: Any, area_method: str, crs: Any,
             name: str, notes: list[str]) -> pd.DataFrame:
    """One row per record on or before the audit date: admin code, year, area (m², measured) and grade."""
    date = pd.to_datetime(frame[date_field]) if date_field in frame.columns else pd.Series(pd.NaT, index=frame.index)
    later = (date > pd.Timestamp(as_of)).to_numpy()
    if later.any():
        shown = ", ".join(f"{i} ({d.date()})" for i, d in zip(frame.loc[later, "record_id"], date[later], strict=True))
        notes.append(f"[farmland_balance] {int(later.sum())} {name} record(s) dated after the audit date {as_of} "
                     f"left out: {shown}")
    keep = frame.loc[~later]
    year = keep["year"] if "year" in keep.columns else pd.Series(None, index=keep.index, dtype=object)
    blank = year.isna() | (year.astype(str).str.strip() == "")
    year = year.astype(object).where(~blank, date[~later].dt.year.map(lambda y: None if pd.isna(y) else str(int(y))))
    out = pd.DataFrame({"record_id": keep["record_id"].to_numpy(), "admin_code": keep["admin_code"].to_numpy(),
                        "year": year.to_numpy(),
                        "area_m2": piece_areas(keep.geometry.values, crs, cast(AreaMethod, area_method))})
    if "quality_grade" in keep.columns:
        out["quality_grade"] = keep["quality_grade"].to_numpy()
    return out


def farmland_balance(taken: gpd.GeoDataFrame, added: gpd.GeoDataFrame, ctx: RunContext) -> tuple[pd.DataFrame,
                                                                                                   list[str]]:
    """The ``farmland_balance`` table of two validated layers (working CRS, canonical fields), and its notes."""
    notes: list[str] = []
    crs = ctx.crs.crs if ctx.crs is not None else taken.crs
    t = _records(taken, "approval_date", ctx.as_of, ctx.area_method, crs, "耕地占用 farmland_taken", notes)
    a = _records(added, "accepted_date", ctx.as_of, ctx.area_method, crs, "补充耕地 farmland_added", notes)
    out = balance(t, a, by=("admin_code", "year"), rules=ctx.rules, area_method=ctx.area_method)
    ratio = float(ctx.rules.value("farmland.balance_min_ratio"))
    out["shortfall_mu"] = np.maximum(ratio * out["taken_m2"] - out["added_m2"], 0.0) / M2_PER_MU
    out.loc[out["quantity_balanced"], "shortfall_mu"] = 0.0
    short_of = np.where(~out["quantity_balanced"] & ~out["quality_balanced"], "quantity; quality",
                        np.where(~out["quantity_balanced"], "quantity", np.where(~out["quality_balanced"], "quality", "")))
    out["status"] = np.where(out["balanced"], "balanced", "short")
    out["short_of"] = short_of
    out["status_zh"] = [STATUS_ZH[s] + (f"({SHORT_ZH[w]})" if w else "") for s, w in zip(out["status"], short_of,
                                                                                         strict=True)]
    rule = out.pop("rule")
    out["rule"] = rule
    return out, notes


def _run(layers: Mapping[str, Any], params: Mapping[str, Any], ctx: RunContext) -> dict[str, pd.DataFrame]:
    ctx.report("占补平衡 farmland balance", 0.0)
    out, notes = farmland_balance(layers["farmland_taken"], layers["farmland_added"], ctx)
    ctx.notes.extend(notes)
    return {"farmland_balance": out}


def _summary(outputs: Mapping[str, Any]) -> list[str]:
    b = outputs.get("farmland_balance")
    if b is None or len(b) == 0:
        return []
    short = b[b["status"] == "short"]
    line = (f"占补平衡 farmland balance: {len(b)} unit-years, taken {b['taken_mu'].sum():,.1f} 亩, added "
            f"{b['added_mu'].sum():,.1f} 亩; ")
    if not len(short):
        return [line + "all balanced"]
    qty = int(short["short_of"].str.contains("quantity").sum())
    qual = int(short["short_of"].str.contains("quality").sum())
    return [line + f"{len(short)} short (quantity {qty}, {short['shortfall_mu'].sum():,.1f} 亩 to add; quality {qual})"]


L = partial(Column, ledger=True)
COLUMNS = (
    L("admin_code", "text", "行政区代码", "Admin code", "id"),
    L("year", "text", "年度", "Year", "id"),
    L("taken_mu", "mu", "占用耕地(亩)", "Farmland taken"),
    L("added_mu", "mu", "补充耕地(亩)", "Farmland added"),
    L("net_mu", "mu", "占补差额(亩)", "Added minus taken"),
    L("shortfall_mu", "mu", "尚需补充(亩)", "Still to add"),
    L("added_ratio", "ratio", "补占比", "Added ÷ taken", total=False),
    L("taken_m2", "m2", "占用耕地(平方米)", "Farmland taken"),
    L("added_m2", "m2", "补充耕地(平方米)", "Farmland added"),
    L("taken_grade_mean", "float", "占用耕地平均等别", "Mean grade taken", total=False),
    L("added_grade_mean", "float", "补充耕地平均等别", "Mean grade added", total=False),
    L("grade_change", "float", "等别变化(正为下降)", "Grade change (positive: worse)", total=False),
    L("quantity_balanced", "bool", "数量平衡", "Quantity balanced"),
    L("quality_balanced", "bool", "质量平衡", "Quality balanced"),
    L("quality_dominates", "bool", "逐等别不低于", "No grade worse"),
    L("ungraded_taken_mu", "mu", "占用未定等(亩)", "Taken, no grade"),
    L("ungraded_added_mu", "mu", "补充未定等(亩)", "Added, no grade"),
    L("status_zh", "text", "结论", "Conclusion", "status"),
    L("status", "text", "结论代码", "Conclusion code", "status", description="balanced, short"),
    RULE,
    Column("balanced", "bool", "占补平衡", "Balanced", "status"),
    Column("short_of", "text", "未平衡项", "Short of", "status", description="quantity, quality, or both"),
)

SPEC = AuditSpec(
    id="farmland_balance",
    label_zh="占补平衡",
    label_en="Farmland balance",
    group="farmland",
    inputs=(
        InputSpec("farmland_taken", "farmland_taken", True, "耕地占用", "Farmland taken",
                  help="approved conversions of cultivated land: 批准文号, 行政区代码, 年度 or 批准日期, 质量等别"),
        InputSpec("farmland_added", "farmland_added", True, "补充耕地", "Farmland added",
                  help="accepted compensation projects: 项目编号, 行政区代码, 年度 or 验收日期, 质量等别"),
    ),
    outputs=(
        OutputSpec("farmland_balance", "占补平衡", "Farmland balance", False, COLUMNS,
                   description="按行政区和年度: 占用耕地与补充耕地的数量(亩)和质量(按面积加权的平均等别)是否相当 "
                               "(《土地管理法》第三十条 占多少, 垦多少)",
                   description_en="Per unit and year: whether the cultivated land added matches the land taken in "
                                  "quantity (亩) and quality (area-weighted mean grade) (Land Administration Law "
                                  "art. 30: as much reclaimed as taken)",
                   status_column="status", statuses=STATUS, figures=FIGURES),
    ),
    runner=_run,
    rules_keys=("farmland.balance_min_ratio", "farmland.balance_grade_tolerance"),
    description_zh="按行政区和年度对比耕地占用与补充耕地的数量和质量等别, 标出未平衡者及尚需补充的面积",
    description_en="Cultivated land taken against land added, per unit and year, by quantity and quality grade; "
                   "units short of either are flagged with the area still to add.",
    summary=_summary,
)
