"""耕地进出平衡 (cultivated land in and out): 耕地 turned into forest, orchard or grassland between two
land-use layers, against other agricultural land turned back into 耕地, by quantity and, when given, grade.

《土地管理法实施条例》第十二条: 严格控制耕地转为林地、草地、园地等其他农用地; 自然资发〔2021〕166号《关于严格
耕地用途管制有关问题的通知》: 耕地转为其他农用地的, 应通过将其他农用地等转为耕地予以补足, 年度耕地"进出平衡"
(both not checked against the official text).

Inputs: ``landuse`` (earlier) and ``landuse_later`` (later; the comparison covers where both lie), ``admin``
(optional: one row per unit, a piece counted in the unit holding its representative point; without it one
row for everything). The codes of "other agricultural land" are the rule set's
``farmland.exchange_other_codes`` (code prefixes; 02 园地, 03 林地, 04 草地); pieces smaller than
``farmland.exchange_min_piece_m2`` (TD/T 1055-2019's minimum mapped patch of farmland, 400 m²) are
misregistration of the two surveys, not a change: counted in ``small_m2``, not dropped silently.

Outputs: ``farmland_exchange``: ``admin_code``, ``admin_name``, ``compared_m2`` (covered by both layers),
``out_m2``/``out_mu`` (耕地 → other agricultural land), ``in_m2``/``in_mu`` (back into 耕地), ``net_mu``
(in − out), ``shortfall_mu``, ``out_grade_mean``/``in_grade_mean`` (area-weighted 耕地等别, when the layers
carry it), ``grade_change`` (in − out; positive: worse), ``small_m2``, ``status`` (``balanced``,
``short``, ``quality_lower``; joined by ``"; "``), ``status_zh``, ``rule``; and ``farmland_exchange_patches``:
each piece out or in, its codes before and after.
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
from ..spec import RULE, AuditSpec, Column, FigureSpec, InputSpec, OutputSpec, RunContext, Status
from ..units import M2_PER_MU
from ._cover import CLASSIFICATION, cite, cultivated

__all__ = ["SPEC", "STATUS", "exchange"]

STATUS: tuple[Status, ...] = (
    Status("short", "耕地出多进少", "more farmland out than in", "#d62728", grave=True, counted=True),
    Status("quality_lower", "补入耕地等别较低", "farmland in of a worse grade", "#ff7f0e", grave=True, counted=True),
    Status("balanced", "进出平衡", "balanced", "#2ca02c"),
)
STATUS_ZH = {s.code: s.label_zh for s in STATUS}
PIECE_STATUS: tuple[Status, ...] = (
    Status("out", "耕地转出", "farmland out", "#d62728", counted=True),
    Status("in", "转入耕地", "farmland in", "#2ca02c"),
)
FIGURES = (
    FigureSpec("short", "个单元进出不平衡", "units out of balance", statuses="counted", grave=True),
    FigureSpec("shortfall_mu", "尚需补入耕地", "farmland still to bring in", "shortfall_mu", ("short",), "亩", 2,
               grave=True),
    FigureSpec("out_mu", "耕地转出", "farmland out", "out_mu", (), "亩", 2),
    FigureSpec("in_mu", "转入耕地", "farmland in", "in_mu", (), "亩", 2),
)
RULE_KEYS = ("farmland.exchange_other_codes", "farmland.exchange_min_piece_m2", "farmland.exchange_grade_tolerance")


def _mean_grade(area: np.ndarray, grade: np.ndarray, where: np.ndarray, unit: np.ndarray, n: int) -> np.ndarray:
    ok = where & ~np.isnan(grade)
    w = np.bincount(unit[ok], weights=area[ok], minlength=n)
    g = np.bincount(unit[ok], weights=(area * np.nan_to_num(grade))[ok], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(w > 0, g / np.where(w > 0, w, 1.0), np.nan)


def exchange_prepared(lu: gpd.GeoDataFrame, later: gpd.GeoDataFrame, admin: gpd.GeoDataFrame | None,
                      ctx: RunContext, classification: str | None
                      ) -> tuple[pd.DataFrame, gpd.GeoDataFrame, list[str]]:
    """The ``farmland_exchange`` and ``farmland_exchange_patches`` tables of validated layers, and notes."""
    notes: list[str] = []
    rules, method = ctx.rules, ctx.area_method
    crs = ctx.crs.crs if ctx.crs is not None else lu.crs
    prefixes = tuple(str(p) for p in rules.value("farmland.exchange_other_codes"))
    min_piece = float(rules.value("farmland.exchange_min_piece_m2"))
    tol = float(rules.value("farmland.exchange_grade_tolerance"))
    eg, lg = np.asarray(lu.geometry.values, dtype=object), np.asarray(later.geometry.values, dtype=object)
    left, right = shapely.STRtree(lg).query(eg, predicate="intersects")
    pieces = shapely.intersection(eg[left], lg[right])
    area = piece_areas(pieces, crs, method)
    real = area > 0  # patches that only touch share an edge, no land
    left, right, pieces, area = left[real], right[real], pieces[real], area[real]
    e_code = lu["land_use_code"].astype(str).to_numpy()[left]
    l_code = later["land_use_code"].astype(str).to_numpy()[right]
    e_cult, l_cult = cultivated(lu, classification)[left], cultivated(later, classification)[right]
    e_other = np.array([c.startswith(prefixes) for c in e_code], dtype=bool)
    l_other = np.array([c.startswith(prefixes) for c in l_code], dtype=bool)
    changed = (e_cult & l_other) | (e_other & l_cult)
    small = changed & (area < min_piece)
    out_mask, in_mask = e_cult & l_other & ~small, e_other & l_cult & ~small

    def grades(frame: gpd.GeoDataFrame, idx: np.ndarray) -> np.ndarray:
        if "quality_grade" not in frame.columns:
            return np.full(len(idx), np.nan)
        return frame["quality_grade"].to_numpy(dtype=float)[idx]

    e_grade, l_grade = grades(lu, left), grades(later, right)
    if admin is not None and len(admin):
        codes = admin["admin_code"].astype(str).to_numpy()
        names = admin["admin_name"].to_numpy(dtype=object) if "admin_name" in admin.columns else np.full(len(codes), None)
        pts = shapely.point_on_surface(pieces)
        unit = np.full(len(pieces), -1)
        pl, ar = shapely.STRtree(np.asarray(admin.geometry.values, dtype=object)).query(pts, predicate="within")
        unit[pl] = ar
        lost = (unit < 0) & (out_mask | in_mask)
        if lost.any():
            notes.append(f"[farmland_exchange] {int(lost.sum())} piece(s) out or in lie in no administrative unit: "
                         f"{area[lost].sum():,.1f} m2 counted in no unit")
    else:
        codes, names = np.array([None], dtype=object), np.array(["全部"], dtype=object)
        unit = np.zeros(len(pieces), dtype=int)
        notes.append("[farmland_exchange] no admin layer: one row for all the land both layers cover")
    n = len(codes)
    k = unit >= 0
    u = np.where(k, unit, 0)

    def total(mask: np.ndarray) -> np.ndarray:
        return np.bincount(u[mask & k], weights=area[mask & k], minlength=n)

    out_m2, in_m2 = total(out_mask), total(in_mask)
    compared, small_m2 = total(np.ones(len(pieces), dtype=bool)), total(small)
    out_g = _mean_grade(area, e_grade, out_mask & k, u, n)
    in_g = _mean_grade(area, l_grade, in_mask & k, u, n)
    if (out_m2 > 0).any() and np.isnan(out_g[out_m2 > 0]).all() or (in_m2 > 0).any() and np.isnan(in_g[in_m2 > 0]).all():
        notes.append("[farmland_exchange] the land-use layers carry no 耕地等别 (quality_grade) for the land out or "
                     "in: the balance is by quantity only, grades empty")
    if small.any():
        notes.append(f"[farmland_exchange] {int(small.sum())} change piece(s) under "
                     f"{min_piece:g} m2 (farmland.exchange_min_piece_m2) are misregistration, not change: "
                     f"{area[small].sum():,.1f} m2 in small_m2")
    change = in_g - out_g
    status = []
    for o, i, c in zip(out_m2, in_m2, change, strict=True):
        codes_row = (["short"] if i < o else []) + (["quality_lower"] if not np.isnan(c) and c > tol else [])
        status.append("; ".join(codes_row) if codes_row else "balanced")
    table = pd.DataFrame({
        "admin_code": codes, "admin_name": names, "compared_m2": compared, "out_m2": out_m2,
        "out_mu": out_m2 / M2_PER_MU, "in_m2": in_m2, "in_mu": in_m2 / M2_PER_MU,
        "net_mu": (in_m2 - out_m2) / M2_PER_MU, "shortfall_mu": np.maximum(out_m2 - in_m2, 0.0) / M2_PER_MU,
        "out_grade_mean": out_g, "in_grade_mean": in_g, "grade_change": change, "small_m2": small_m2,
        "status": status})
    table["status_zh"] = table["status"].map(lambda t: "; ".join(STATUS_ZH[x] for x in str(t).split("; ")))
    table["rule"] = cite(rules, RULE_KEYS)
    keep = out_mask | in_mask
    patches = gpd.GeoDataFrame({
        "admin_code": np.where(k[keep], codes[u[keep]], None),
        "direction": np.where(out_mask[keep], "out", "in").astype(object),
        "from_code": e_code[keep], "to_code": l_code[keep], "area_m2": area[keep],
        "area_mu": area[keep] / M2_PER_MU,
        "from_id": lu["patch_id"].to_numpy(dtype=object)[left][keep],
        "to_id": later["patch_id"].to_numpy(dtype=object)[right][keep]}, geometry=pieces[keep], crs=crs)
    patches["direction_zh"] = patches["direction"].map({"out": "耕地转出", "in": "转入耕地"})
    patches["rule"] = cite(rules, RULE_KEYS[:2])
    return (table[[c.name for c in COLUMNS]], patches[[c.name for c in PATCH_COLUMNS] + ["geometry"]], notes)


def exchange(landuse: gpd.GeoDataFrame, landuse_later: gpd.GeoDataFrame, *, admin: gpd.GeoDataFrame | None = None,
             rules: Any = None, as_of: Any = None, area_method: AreaMethod = "ellipsoidal", crs: Any = None,
             classification: str = "tdt1055-2019", log: Any = None) -> pd.DataFrame:
    """耕地进出平衡 between two land-use layers (the ``farmland_exchange`` table of the module docstring).

    Examples
    --------
    1 ha of 水田 became orchard (0201); 0.6 ha of forest (0301) became 旱地: 0.4 ha = 6 亩 short.

    >>> from shapely.geometry import box
    >>> before = gpd.GeoDataFrame({"BSM": ["a", "b"], "DLBM": ["0101", "0301"]},
    ...                           geometry=[box(0, 0, 100, 100), box(100, 0, 160, 100)], crs="EPSG:4547")
    >>> after = gpd.GeoDataFrame({"BSM": ["c", "d"], "DLBM": ["0201", "0103"]},
    ...                          geometry=[box(0, 0, 100, 100), box(100, 0, 160, 100)], crs="EPSG:4547")
    >>> r = exchange(before, after, as_of="2026-06-30", area_method="planar")
    >>> r[["out_mu", "in_mu", "shortfall_mu", "status"]].round(2).values.tolist()
    [[15.0, 9.0, 6.0, 'short']]
    """
    from ..pipeline import run_audits

    sources: dict[str, Any] = {"landuse": landuse, "landuse_later": landuse_later}
    if admin is not None:
        sources["admin"] = admin
    res = run_audits(sources, audits=["farmland_exchange"], rules=rules, as_of=as_of, area_method=area_method,
                     crs=crs, params={"classification": classification})
    if log is not None:
        log.notes.extend(res.notes)
    return res.outputs["farmland_exchange"]


def _run(layers: Mapping[str, Any], params: Mapping[str, Any], ctx: RunContext) -> dict[str, pd.DataFrame]:
    ctx.report("耕地进出平衡 farmland in and out", 0.0)
    table, patches, notes = exchange_prepared(layers["landuse"], layers["landuse_later"], layers.get("admin"), ctx,
                                              params.get("classification"))
    ctx.notes.extend(notes)
    return {"farmland_exchange": table, "farmland_exchange_patches": patches}


def _summary(outputs: Mapping[str, Any]) -> list[str]:
    t = outputs.get("farmland_exchange")
    if t is None or len(t) == 0:
        return []
    short = t[t["status"] != "balanced"]
    return [f"耕地进出平衡 farmland in and out: out {t['out_mu'].sum():,.1f} 亩, in {t['in_mu'].sum():,.1f} 亩; "
            + (f"{len(short)} unit(s) out of balance ({t['shortfall_mu'].sum():,.1f} 亩 still to bring in)"
               if len(short) else "balanced")]


L = partial(Column, ledger=True)
COLUMNS = (
    L("admin_code", "text", "行政区代码", "Admin code", "id"),
    L("admin_name", "text", "行政区名称", "Admin unit"),
    L("out_mu", "mu", "耕地转出(亩)", "Farmland out"),
    L("in_mu", "mu", "转入耕地(亩)", "Farmland in"),
    L("net_mu", "mu", "进出差额(亩)", "In minus out"),
    L("shortfall_mu", "mu", "尚需补入(亩)", "Still to bring in"),
    L("out_m2", "m2", "耕地转出(平方米)", "Farmland out"),
    L("in_m2", "m2", "转入耕地(平方米)", "Farmland in"),
    L("compared_m2", "m2", "比对范围(平方米)", "Area compared"),
    L("small_m2", "m2", "碎小变化(平方米)", "Changes below the minimum patch"),
    L("out_grade_mean", "float", "转出耕地平均等别", "Mean grade out", total=False),
    L("in_grade_mean", "float", "转入耕地平均等别", "Mean grade in", total=False),
    L("grade_change", "float", "等别变化(正为下降)", "Grade change (positive: worse)", total=False),
    L("status_zh", "text", "结论", "Conclusion", "status"),
    L("status", "text", "结论代码", "Conclusion code", "status", description="balanced, short, quality_lower"),
    RULE,
)
PATCH_COLUMNS = (
    L("admin_code", "text", "行政区代码", "Admin code", "id"),
    L("direction_zh", "text", "方向", "Direction"),
    Column("direction", "text", "方向代码", "Direction code", "status", description="out (耕地转出), in (转入耕地)"),
    L("from_code", "text", "前期地类编码", "Code before"),
    L("to_code", "text", "后期地类编码", "Code after"),
    L("from_id", "text", "前期图斑", "Patch before", "id"),
    L("to_id", "text", "后期图斑", "Patch after", "id"),
    L("area_mu", "mu", "面积(亩)", "Area"),
    L("area_m2", "m2", "面积(平方米)", "Area"),
    RULE,
)

SPEC = AuditSpec(
    id="farmland_exchange",
    label_zh="耕地进出平衡",
    label_en="Farmland in and out",
    group="farmland",
    inputs=(
        InputSpec("landuse", "landuse", True, "地类图斑", "Land-use patches", help="the earlier land use (三调)"),
        InputSpec("landuse_later", "landuse", True, "后期地类图斑", "Later land-use patches",
                  help="a later land use (年度变更调查); 耕地等别 when given"),
        InputSpec("admin", "admin", False, "行政区", "Administrative units", help="optional: one row per unit"),
    ),
    params=(CLASSIFICATION,),
    outputs=(
        OutputSpec("farmland_exchange", "耕地进出平衡", "Farmland in and out", False, COLUMNS,
                   description="两期地类之间耕地转为园地、林地、草地(出)与其转为耕地(进)的面积及等别对比 "
                               "(《土地管理法实施条例》第十二条, 自然资发〔2021〕166号)",
                   description_en="Between two land-use layers: cultivated land turned into orchard, forest or "
                                  "grassland (out) against such land turned into cultivated land (in), by area and "
                                  "grade",
                   status_column="status", statuses=STATUS, status_separator="; ", figures=FIGURES),
        OutputSpec("farmland_exchange_patches", "耕地进出图斑", "Farmland in and out: pieces", True, PATCH_COLUMNS,
                   description="每块转出或转入的耕地, 前后地类编码", description_en="Each piece out or in, its codes "
                   "before and after", status_column="direction", statuses=PIECE_STATUS),
    ),
    runner=_run,
    rules_keys=RULE_KEYS,
    description_zh="两期地类图斑对比: 耕地转为园林草地与园林草地转为耕地的数量和等别是否平衡",
    description_en="Two land-use layers compared: cultivated land out to orchard, forest or grassland against land "
                   "in, by quantity and grade.",
    summary=_summary,
)
