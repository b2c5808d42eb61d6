"""区域建设用地节约集约利用评价: townships and the county over a base and a current period (TD/T 1018-2008).

TD/T 1018-2008 《建设用地节约集约利用评价规程》 evaluates a region over a base period and a current one by
indicators of use intensity, growth consumption, elasticity and management, each standardised to an ideal
value, weighted and summed (the standard's wording was not checked against the official text; the ideals
and weights here are the rule set's, ``regions.index_ideals`` and ``regions.index_weights``, configurable).

Indicators, per township and for all townships together (``unit_id`` ``全部``); C = construction land
(建设用地 by the code table), subscript 0 the base year, 1 the current year:

- 单位GDP建设用地 ``ha_per_yi_yuan`` = C (公顷) ÷ GDP (亿元), at base and now; its change
  ``ha_per_yi_yuan_change`` = now ÷ base − 1 (−0.2825 for −28.25 %), against ``regions.land_per_gdp_change_target``
  (and ``..._stretch``); 建设用地地均GDP ``gdp_wan_per_ha`` = GDP (万元) ÷ C (公顷), its inverse;
- 单位GDP增长消耗新增建设用地 ``new_land_ha_per_yi_yuan_growth`` = (C1 − C0) 公顷 ÷ (GDP1 − GDP0) 亿元
  (empty when GDP did not grow);
- elasticities: 人口与城乡建设用地增长弹性 ``pop_elasticity`` = (U1/U0 − 1) ÷ (P1/P0 − 1) with U the 城乡建设用地
  (``regions.urban_rural_codes``), 地区生产总值与建设用地增长弹性 ``gdp_elasticity`` = (C1/C0 − 1) ÷ (GDP1/GDP0 − 1),
  growth over the whole period (empty when the denominator's growth is 0);
- 单位人口增长消耗新增城乡建设用地 ``new_urban_rural_m2_per_person_growth`` = (U1 − U0) m² ÷ (P1 − P0) 人 (empty
  when the population did not grow);
- 城乡建设用地人口密度 ``urban_rural_density`` = population (人) ÷ 城乡建设用地 (km², construction land whose
  城镇村属性码 is in ``regions.urban_rural_codes``), now;
- 存量供地比例 ``stock_supply_share`` = 存量 supplied ÷ all supplied, supplies signed in (base_year, year]:
  from the supplies' 土地来源 (``land_source``, values by ``regions.land_source_values``) when the layer has it,
  else the part of each supply outside every approval (the ``rule`` column and a note say which);
- 当年报批当年供地率 ``same_year_supply_rate`` = land of the approvals of year Y supplied by supplies signed in Y,
  ÷ the land approved in Y, summed over the years (base_year, year];
- ``eco_share`` = 生态保护红线 in the unit ÷ the unit's area; the row of all townships is judged against
  ``regions.eco_redline_share_min`` (a share of a jurisdiction's territory; a township's share is shown, not judged);
- 城镇开发边界扩展倍数 ``growth_boundary_ratio`` = growth boundary in the unit ÷ 现状城镇建设用地 (construction land
  with 城镇村属性码 in ``regions.urban_codes``, 201/202, now), against ``regions.growth_boundary_expansion_max``;
- 人均耕地 ``cultivated_mu_per_capita`` = 耕地 (亩, now) ÷ population (人), against
  ``regions.cultivated_per_capita_warning_mu``;
- 地均固定资产投资 ``investment_wan_per_ha`` and 地均税收 ``tax_wan_per_ha`` (万元 per 公顷 of C, now);
- ``index``: Σ weight × score ÷ Σ weight × 100 over the weighted indicators, score = min(value ÷ ideal, 1)
  where more is better (density, stock share), min(ideal ÷ value, 1) where less is better (land per GDP, new land
  per GDP growth, GDP elasticity; a value ≤ 0 scores 1); ``rank`` among the townships (1 = best).

An indicator whose input is missing (a unit or a year absent from the statistics, no supply, no urban land) is
empty (NaN) and a note names the unit and the year; it is never 0. A unit without an index is not ranked.

Output ``region_supply``: supply per unit, year and use (供地结构), each year's 存量供地比例 and 当年报批当年供地率
(on the rows ``land_use`` = ``合计``).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import shapely

from ..area import AreaMethod, check_area_method, layer_areas, piece_areas
from ..errors import Problem, SchemaError
from ..io.tables import read_table
from ..result import AuditLog, NoteList, deliver
from ..rules import resolve_rules
from ..schema import apply_schema, get_schema
from ..spec import RULE, AuditSpec, Column, InputSpec, OutputSpec, ParamSpec, Status, hook
from ..units import M2_PER_HA, M2_PER_MU
from ..validate import prepare_layers
from .codes import code_table
from .intensity import (
    _admin_units,
    _clip_areas,
    _numbers,
    _overlap_notes,
    _unknown_notes,
    _unknown_table,
    classify_patches,
    header_unit,
    normalise_admin_codes,
)

__all__ = ["COLUMNS", "INDEX_INDICATORS", "SPEC", "STATUS", "SUPPLY_COLUMNS", "TOTAL_ID", "read_stats",
           "region_evaluation"]

#: the id of the row for all townships together
TOTAL_ID = "全部"
#: the indicators the composite index may weight, and whether more is better (True) or less (False)
INDEX_INDICATORS: dict[str, bool] = {"ha_per_yi_yuan": False, "new_land_ha_per_yi_yuan_growth": False,
                                     "gdp_elasticity": False, "urban_rural_density": True,
                                     "stock_supply_share": True}
#: a unit's conclusion: a check against the rule set failed (which: ``flags``), or none did
STATUS: tuple[Status, ...] = (
    Status("flagged", "未达标", "flagged", "#d62728", grave=True, counted=True),
    Status("ok", "达标", "ok", "#2ca02c"),
)
STATUS_ZH = {s.code: s.label_zh for s in STATUS}
FLAG_ZH = {"change_target": "单位GDP建设用地下降未达目标", "eco_share": "生态保护红线占比低于下限",
           "growth_boundary": "城镇开发边界扩展倍数超上限", "cultivated_per_capita": "人均耕地低于警戒线"}

#: the factors of the units a statistics header may carry, into each field's unit
_UNITS: dict[str, dict[str, float]] = {
    "亿元": {"亿元": 1.0, "亿": 1.0, "万元": 1e-4, "元": 1e-8},
    "万元": {"万元": 1.0, "亿元": 1e4, "亿": 1e4, "元": 1e-4},
    "万人": {"万人": 1.0, "人": 1e-4},
}
_NUMERIC = ("gdp_yi_yuan", "population_wan", "investment_wan", "tax_wan")


def read_stats(stats, *, log: AuditLog | None = None) -> pd.DataFrame:
    """The statistics table (kind ``stats``, :mod:`redline.schema`) from a DataFrame or a CSV/XLSX path.

    Headers are recognised as for layers (地区/乡镇, 年份, 地区生产总值, 常住人口 ...); a unit in a header
    (``地区生产总值(万元)``, ``常住人口(人)``) is converted once into the field's unit (亿元, 万人, 万元) and
    said in a note; a header without a unit is read in the field's unit, also said. A missing 地区/乡镇 or 年份
    column, a unit that is not understood, a number that is not one or is negative, an empty year, a unit and
    year listed twice: one :class:`~redline.errors.SchemaError` naming them all.

    Returns ``admin_code`` (text, or missing), ``admin_name``, ``year`` (int) and the numeric fields present.

    Examples
    --------
    >>> t = read_stats(pd.DataFrame({"乡镇": ["城关镇"], "年份": ["2025"], "地区生产总值(万元)": ["650,000"],
    ...                              "常住人口(人)": [200000]}))
    >>> t[["admin_name", "year", "gdp_yi_yuan", "population_wan"]].values.tolist()
    [['城关镇', 2025, 65.0, 20.0]]
    """
    raw = stats.copy() if isinstance(stats, pd.DataFrame) else read_table(stats, name="stats")
    schema = get_schema("stats")
    problems: list[Problem] = []
    notes: list[str] = []
    bases = {c: header_unit(c, {})[0] for c in raw.columns}
    seen: dict[str, str] = {}
    for c, b in bases.items():
        if b in seen:
            problems.append(Problem(layer="stats", code="duplicate_field",
                                    message=f"columns {seen[b]!r} and {c!r} name the same field",
                                    fix="keep one column per field"))
        seen.setdefault(b, c)
    if problems:
        raise SchemaError(problems)
    named = raw.rename(columns=bases).astype(object)
    _, info = apply_schema(named, schema, layer_name="stats")
    field_of = {src: canon for src, canon in info["field_map"].items()}
    field_of.update({c: c for c in named.columns if c in {f.name for f in schema.fields}})
    header = {canon: next(orig for orig, b in bases.items() if b == src) for src, canon in field_of.items()}
    codes = (normalise_admin_codes(raw[header["admin_code"]]) if "admin_code" in header
             else pd.Series(pd.NA, index=raw.index, dtype="string"))
    names = raw[header["admin_name"]].astype(object).map(
        lambda v: None if v is None or (isinstance(v, float) and np.isnan(v))
        else unicodedata.normalize("NFKC", str(v)).strip() or None)
    label = codes.astype(object).where(codes.notna(), names).fillna("?").astype(str).reset_index(drop=True)
    out = pd.DataFrame({"admin_code": codes.astype(object).to_numpy(), "admin_name": names.to_numpy()})
    years = _numbers(raw[header["year"]].reset_index(drop=True), "stats", "year (年份)", label, problems)
    empty = years.isna() | (years != np.floor(years.fillna(0)))
    if empty.any():
        problems.append(Problem(layer="stats", code="bad_value",
                                message="year (年份) is empty or not a whole year in row(s) "
                                        + ", ".join(str(r + 1) for r in np.flatnonzero(empty.to_numpy())[:10]),
                                fix="write the year as e.g. 2025"))
    out["year"] = years.fillna(0).astype(int).to_numpy()
    for canon in _NUMERIC:
        if canon not in header:
            continue
        spec = schema.field(canon)
        col = header[canon]
        base, factor = header_unit(col, _UNITS[spec.unit])
        if factor is not None and np.isnan(factor):
            problems.append(Problem(layer="stats", code="unknown_unit",
                                    message=f"column {col!r}: unit not understood",
                                    fix=f"write the unit as one of {', '.join(_UNITS[spec.unit])}, e.g. "
                                        f"{base}({spec.unit})"))
            continue
        if factor is None:
            notes.append(f"[stats] column {col!r} has no unit in its header: read as {spec.unit}")
        elif factor != 1.0:
            notes.append(f"[stats] column {col!r} converted to {spec.unit} (x {factor:g})")
        values = _numbers(raw[col].reset_index(drop=True), "stats", f"{canon} ({spec.label_zh})", label, problems)
        out[canon] = values.to_numpy() * (1.0 if factor is None else factor)
    key = label + "|" + out["year"].astype(str)
    dup = key.duplicated(keep=False) & ~empty.to_numpy()
    if dup.any():
        problems.append(Problem(layer="stats", code="duplicate_id",
                                message="unit and year listed twice: " + ", ".join(sorted(set(key[dup])))[:400],
                                ids=tuple(sorted(set(key[dup]))), fix="one row per unit and year"))
    if problems:
        raise SchemaError(problems)
    deliver(AuditLog(notes=NoteList(notes)), log, "stats")
    return out


def _div(a, b) -> np.ndarray:
    """a ÷ b, NaN where b is 0 or missing (never a silent 0 or inf)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return np.divide(a, b, out=np.full(np.broadcast(a, b).shape, np.nan), where=np.isfinite(b) & (b != 0))


def _unit_of(points, adm_geoms) -> np.ndarray:
    """The index of the unit each point lies in (-1: none)."""
    out = np.full(len(points), -1)
    if len(points) == 0:
        return out
    tree = shapely.STRtree(adm_geoms)
    src, dst = tree.query(points, predicate="intersects")
    first = pd.Series(dst).groupby(src).min()
    out[first.index.to_numpy()] = first.to_numpy()
    return out


def _match_stats(st: pd.DataFrame, adm: pd.DataFrame, base_year: int, year: int,
                 notes: list[str]) -> dict[int, pd.DataFrame]:
    """Per year, the statistics of each unit of the admin layer (rows in admin order; NaN where missing)."""
    codes = adm["admin_code"].astype(str).to_numpy()
    names = adm["admin_name"].astype(object).to_numpy() if "admin_name" in adm else np.full(len(adm), None)
    by_code = st["admin_code"].notna()
    name_index = {str(n): k for k, n in enumerate(names) if n is not None}
    unit = st["admin_code"].map({c: k for k, c in enumerate(codes)}).where(by_code, st["admin_name"].map(name_index))
    label = st["admin_code"].where(by_code, st["admin_name"]).fillna("<no code or name>")
    if (~by_code).any():
        notes.append(f"[stats] {int((~by_code).sum())} row(s) of the statistics table without 行政区代码: matched by "
                     "name (admin_name)")
    stray = sorted(set(label[unit.isna()].astype(str)))
    if stray:
        notes.append(f"[stats] {len(stray)} unit(s) of the statistics table are not in the admin layer and are not "
                     f"used: {', '.join(stray[:10])}" + (" ..." if len(stray) > 10 else ""))
    other = sorted(set(st["year"]) - {base_year, year})
    if other:
        notes.append(f"[stats] rows of year(s) {', '.join(map(str, other))} not used (the evaluation compares "
                     f"{base_year} with {year})")
    out = {}
    for y in (base_year, year):
        rows = st[(st["year"] == y) & unit.notna()]
        frame = pd.DataFrame(index=range(len(adm)), columns=list(_NUMERIC), dtype=float)
        for canon in _NUMERIC:
            if canon in rows:
                frame.loc[unit[rows.index].astype(int).to_numpy(), canon] = rows[canon].to_numpy(dtype=float)
        got = set(unit[rows.index].astype(int))
        missing = [f"{codes[k]} {names[k] or ''}".strip() for k in range(len(adm)) if k not in got]
        if missing:
            notes.append(f"[stats] {len(missing)} unit(s) have no statistics for {y} (their indicators of that year "
                         f"are empty, not 0): {', '.join(missing[:10])}" + (" ..." if len(missing) > 10 else ""))
        for canon in ("gdp_yi_yuan", "population_wan"):
            if canon not in rows:
                notes.append(f"[stats] the statistics table has no {canon} column: the indicators that need it are "
                             "empty")
                continue
            blank = [f"{codes[k]}" for k in sorted(got) if np.isnan(frame.at[k, canon])]
            if blank:
                notes.append(f"[stats] {canon} empty for {y} in: {', '.join(blank[:10])} (indicators that need it "
                             "are empty)")
        out[y] = frame
    return out


def _land_by_unit(lu, adm, table, crs, area_method, urban_codes, urban_rural_codes, layer: str,
                  notes: list[str], backend=None, shared: dict | None = None) -> dict[str, np.ndarray]:
    """Construction, cultivated, urban (城镇) and urban-rural (城乡) construction land per unit (m²); codes the
    table cannot classify are noted (counted as not construction land, as in 土地开发强度)."""
    labels, uniques = pd.factorize(lu["land_use_code"], use_na_sentinel=False)  # each code classified once
    cls = classify_patches(pd.Series(uniques, dtype=object), table).iloc[labels].reset_index(drop=True)
    pairs = _clip_areas(lu, adm, crs, area_method, backend, shared)
    notes.extend(n.replace("[landuse]", f"[{layer}]", 1) for n in _unknown_notes(_unknown_table(pairs, cls)))
    n = len(adm)
    cz = (lu["urban_attribute"].astype(object).where(lu["urban_attribute"].notna(), "").astype(str).str.strip()
          .to_numpy() if "urban_attribute" in lu else np.full(len(lu), "", dtype=object))
    cons = cls["construction"].to_numpy()

    def total(mask):
        if len(pairs) == 0:
            return np.zeros(n)
        m = mask[pairs["small"].to_numpy()]
        return np.bincount(pairs["big"].to_numpy()[m], weights=pairs["area_m2"].to_numpy()[m], minlength=n)

    return {"construction": total(cons), "cultivated": total(cls["cultivated"].to_numpy()),
            "urban": total(cons & np.isin(cz, list(urban_codes))),
            "urban_rural": total(cons & np.isin(cz, list(urban_rural_codes))),
            "has_cz": np.asarray([bool((cz != "").any())])}


def _clip_union(layer, adm, crs, area_method) -> np.ndarray:
    """The area (m²) of the union of ``layer``'s polygons inside each unit (overlaps counted once)."""
    if layer is None or len(layer) == 0:
        return np.zeros(len(adm))
    union = shapely.union_all(layer.geometry.values)
    return piece_areas(shapely.intersection(adm.geometry.values, union), crs, area_method)


def _stock_parts(sup, outside, outside_as_of, year, rules, crs, area_method, notes
                 ) -> tuple[np.ndarray, np.ndarray, str]:
    """Per supply: its area (m²) and its 存量 area (m²; NaN when not known), and the basis.

    From the supplies' 土地来源 when the layer has it; else from ``outside`` (the 存量供地 audit's
    ``supply_outside_approvals`` as of ``outside_as_of``: a supply it does not list lies inside the approvals,
    one signed after that date is not known); else not known."""
    area = piece_areas(sup.geometry.values, crs, area_method)
    if "land_source" in sup and sup["land_source"].notna().any():
        values = rules.threshold("regions.land_source_values").value
        stock_words = {str(v) for v in values.get("stock", ())}
        new_words = {str(v) for v in values.get("new", ())}
        src = sup["land_source"].astype(object).map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v))
                                                    else unicodedata.normalize("NFKC", str(v)).strip())
        stock = src.isin(stock_words).to_numpy()
        new = src.isin(new_words).to_numpy()
        unknown = ~stock & ~new
        if unknown.any():
            shown = ", ".join(f"{i} ({v or 'empty'})" for i, v in zip(sup["supply_id"][unknown], src[unknown],
                                                                        strict=True))
            notes.append(f"[region_evaluation] {int(unknown.sum())} supplies' 土地来源 is neither 存量 nor 新增 "
                         f"({rules.cite('regions.land_source_values')}): their land is supplied land but in neither side of the 存量 "
                         f"share: {shown[:300]}")
        basis = f"存量 = 土地来源 in {rules.cite('regions.land_source_values')}"
        notes.append("[region_evaluation] 存量供地比例 from the supplies' 土地来源 (land_source)")
        return area, np.where(stock, area, np.where(new, 0.0, np.nan)), basis
    if outside is None:
        notes.append("[region_evaluation] 存量供地比例 not computed: the supplies have no 土地来源 (land_source) and no "
                     "approvals were given to find supply outside approvals")
        return area, np.full(len(sup), np.nan), "存量 not known (no 土地来源, no approvals)"
    land = outside[outside["outside_kind"] == "land"] if "outside_kind" in outside else outside
    by_id = dict(zip(land["supply_id"].astype(str), land["outside_m2"].astype(float), strict=True))
    stock = np.array([min(by_id.get(str(i), 0.0), a) for i, a in zip(sup["supply_id"], area, strict=True)])
    signed = pd.to_datetime(sup["supply_date"])
    later = (signed > pd.Timestamp(outside_as_of)).to_numpy()
    stock[later] = np.nan
    counted = later & (signed.dt.year <= year).to_numpy()
    if counted.any():
        notes.append(f"[region_evaluation] {int(counted.sum())} supplies of the evaluation period signed after "
                     f"{outside_as_of}, the date supply outside approvals was found for: their 存量 is not known "
                     f"({', '.join(map(str, sup['supply_id'][counted][:10]))})")
    notes.append("[region_evaluation] 存量供地比例 from supply outside every approval (the 存量供地 audit's "
                 f"supply_outside_approvals as of {outside_as_of}; the supplies have no 土地来源): land supplied outside "
                 "the approvals is taken as 存量 (existing construction land), digitising slivers not")
    return area, stock, f"存量 = supply outside every approval as of {outside_as_of} (no 土地来源)"


def _same_year_supplied(app_geoms, a_year, sup_geoms, s_year, crs, area_method) -> np.ndarray:
    """Per approval: its land covered by supplies signed in the approval's own year (m², overlaps once)."""
    out = np.zeros(len(app_geoms))
    if not len(app_geoms) or not len(sup_geoms):
        return out
    a, s = shapely.STRtree(sup_geoms).query(app_geoms, predicate="intersects")
    keep = a_year[a] == s_year[s]
    a, s = a[keep], s[keep]
    if not len(a):
        return out
    pieces = shapely.intersection(app_geoms[a], sup_geoms[s])
    order = np.argsort(a, kind="stable")
    a, pieces = a[order], pieces[order]
    first = np.r_[True, a[1:] != a[:-1]]
    starts = np.flatnonzero(first)
    ends = np.r_[starts[1:], len(a)]
    merged = np.array([pieces[i] if j - i == 1 else shapely.union_all(pieces[i:j]) for i, j in zip(starts, ends,
                                                                                                     strict=True)],
                      dtype=object)
    out[a[starts]] = piece_areas(merged, crs, area_method)
    return out


def _supply_tables(sup, apps, outside, outside_as_of, adm, base_year, year, rules, crs, area_method, notes):
    """Per unit: supplied and 存量 area over (base_year, year], same-year supplied and approved area; and the
    ``region_supply`` rows (unit, year, use)."""
    n = len(adm)
    period = {k: np.zeros(n) for k in ("supplied", "stock", "stock_base", "approved", "same_year")}
    if sup is None or len(sup) == 0:
        notes.append("[region_evaluation] no supplies given: 存量供地比例, 当年报批当年供地率 and the supply structure "
                     "are empty")
        for v in period.values():
            v[:] = np.nan
        return period, pd.DataFrame(), "no supplies"
    area, stock, basis = _stock_parts(sup, outside, outside_as_of, year, rules, crs, area_method, notes)
    s_year = pd.to_datetime(sup["supply_date"]).dt.year.to_numpy()
    s_unit = _unit_of(shapely.point_on_surface(np.asarray(sup.geometry.values)), np.asarray(adm.geometry.values))
    if (s_unit < 0).any():
        notes.append(f"[region_evaluation] {int((s_unit < 0).sum())} supplies lie in no unit of the admin layer: "
                     f"not counted ({', '.join(map(str, sup['supply_id'][s_unit < 0][:10]))})")
    use = (sup["land_use"].fillna("未注明用途").astype(str).to_numpy() if "land_use" in sup
           else np.full(len(sup), "未注明用途", dtype=object))
    in_period = (s_year > base_year) & (s_year <= year) & (s_unit >= 0)
    known = ~np.isnan(stock)  # the share is over the supplies whose 存量 is known

    def share(m):
        """存量 area and the area it is a share of (NaN, NaN when no supply of ``m`` has a known 存量)."""
        k = m & known
        return (float(stock[k].sum()), float(area[k].sum())) if k.any() else (np.nan, np.nan)

    a_unit = np.empty(0, int)
    a_area = np.empty(0)
    a_year = np.empty(0, int)
    if apps is not None and len(apps):
        a_year = pd.to_datetime(apps["approval_date"]).dt.year.to_numpy()
        a_unit = _unit_of(shapely.point_on_surface(apps.geometry.values), adm.geometry.values)
        a_area = piece_areas(apps.geometry.values, crs, area_method)
        a_same = _same_year_supplied(np.asarray(apps.geometry.values), a_year, np.asarray(sup.geometry.values),
                                     s_year, crs, area_method)
    else:
        notes.append("[region_evaluation] no approvals given: 当年报批当年供地率 is empty")
    keep_a = (a_year > base_year) & (a_year <= year) & (a_unit >= 0) if len(a_unit) else np.zeros(0, bool)
    for u in range(n):
        m = in_period & (s_unit == u)
        period["supplied"][u] = np.nansum(area[m]) if m.any() else 0.0
        period["stock"][u], period["stock_base"][u] = share(m)
        if len(a_unit):
            ma = keep_a & (a_unit == u)
            period["approved"][u] = a_area[ma].sum()
            period["same_year"][u] = a_same[ma].sum()
        else:
            period["approved"][u] = period["same_year"][u] = np.nan
    codes = adm["admin_code"].astype(str).to_numpy()
    none = [codes[u] for u in range(n) if period["supplied"][u] == 0]
    if none:
        notes.append(f"[region_evaluation] {len(none)} unit(s) with no supply signed in {base_year + 1}-{year}: their "
                     f"存量供地比例 is empty, not 0: {', '.join(none[:12])}" + (" ..." if len(none) > 12 else ""))
    no_app = [codes[u] for u in range(n) if period["approved"][u] == 0]
    if no_app:
        notes.append(f"[region_evaluation] {len(no_app)} unit(s) with no approval dated in {base_year + 1}-{year}: "
                     f"their 当年报批当年供地率 is empty, not 0: {', '.join(no_app[:12])}"
                     + (" ..." if len(no_app) > 12 else ""))
    unit_names = adm["admin_name"].astype(object).to_numpy() if "admin_name" in adm else np.full(n, None)
    sel = in_period
    d = pd.DataFrame({"u": s_unit[sel], "year": s_year[sel], "land_use": use[sel], "area": area[sel],
                      "stock": np.where(known, stock, 0.0)[sel], "base": np.where(known, area, 0.0)[sel],
                      "known": known[sel]})
    d = pd.concat([d, d.assign(u=n)], ignore_index=True)  # u = n: all units together
    idx = pd.MultiIndex.from_product([range(n + 1), range(base_year + 1, year + 1)], names=["u", "year"])
    by_year = d.groupby(["u", "year"])
    tot = by_year[["area", "stock", "base"]].sum().reindex(idx, fill_value=0.0)
    tot["known"] = by_year["known"].any().reindex(idx, fill_value=False)
    if len(a_unit):
        a = pd.DataFrame({"u": a_unit[keep_a], "year": a_year[keep_a], "approved": a_area[keep_a],
                          "same": a_same[keep_a]})
        a = pd.concat([a, a.assign(u=n)], ignore_index=True).groupby(["u", "year"])[["approved", "same"]].sum()
        tot = tot.join(a.reindex(idx, fill_value=0.0))
    else:
        tot["approved"] = tot["same"] = np.nan
    tot["land_use"] = "合计"
    tot["use_share"] = np.where(tot["area"] > 0, 1.0, np.nan)
    by_use = d.groupby(["u", "year", "land_use"])
    uses = by_use[["area", "stock", "base"]].sum()
    uses["known"] = by_use["known"].any()
    uses = uses.reset_index("land_use")
    uses["use_share"] = _div(uses["area"], tot["area"].reindex(uses.index))
    uses["approved"] = uses["same"] = np.nan
    both = pd.concat([tot.reset_index().assign(order=0), uses.reset_index().assign(order=1)], ignore_index=True)
    both = both.sort_values(["u", "year", "order", "land_use"], kind="stable").reset_index(drop=True)
    u = both["u"].to_numpy(dtype=int)
    stock_m2 = both["stock"].where(both["known"].astype(bool))
    rows = pd.DataFrame({
        "unit_id": np.where(u == n, TOTAL_ID, codes[np.minimum(u, n - 1)]),
        "unit_name": np.where(u == n, "全部乡镇", unit_names[np.minimum(u, n - 1)]),
        "year": both["year"].astype(int).astype(str), "land_use": both["land_use"],
        "supplied_m2": both["area"], "supplied_mu": both["area"] / M2_PER_MU, "use_share": both["use_share"],
        "stock_m2": stock_m2, "stock_share": _div(stock_m2, both["base"]), "approved_m2": both["approved"],
        "same_year_supplied_m2": both["same"], "same_year_supply_rate": _div(both["same"], both["approved"]),
        "stock_basis": basis})
    return period, rows, basis


def _scores(frame: pd.DataFrame, rules) -> tuple[np.ndarray, list[str], list[str]]:
    """The composite index per row (NaN when a weighted indicator is empty), its parts, and what was weighted."""
    weights = dict(rules.threshold("regions.index_weights").value)
    ideals = dict(rules.threshold("regions.index_ideals").value)
    unknown = sorted((set(weights) | set(ideals)) - set(INDEX_INDICATORS))
    if unknown:
        raise SchemaError(Problem(layer=f"rules {rules.label}", code="unknown_indicator",
                                  message=f"regions.index_weights / index_ideals name indicators the evaluation does "
                                          f"not compute: {', '.join(unknown)}",
                                  fix=f"use: {', '.join(INDEX_INDICATORS)}"))
    used = [k for k, w in weights.items() if float(w) > 0]
    no_ideal = [k for k in used if k not in ideals or not float(ideals[k]) > 0]
    if no_ideal:
        raise SchemaError(Problem(layer=f"rules {rules.label}", code="missing_ideal",
                                  message=f"weighted indicator(s) without a positive ideal value: {', '.join(no_ideal)}",
                                  fix="give each weighted indicator an ideal in regions.index_ideals"))
    total_w = sum(float(weights[k]) for k in used)
    index = np.zeros(len(frame))
    parts: list[list[str]] = [[] for _ in range(len(frame))]
    for k in used:
        v = frame[k].to_numpy(dtype=float)
        ideal = float(ideals[k])
        if INDEX_INDICATORS[k]:
            s = np.minimum(v / ideal, 1.0)
        else:
            s = np.where(v <= 0, 1.0, np.minimum(_div(ideal, v), 1.0))
        s = np.where(np.isnan(v), np.nan, s)
        index = index + float(weights[k]) * s
        for r in range(len(frame)):
            parts[r].append(f"{k} {s[r]:.3f}×{float(weights[k]):g}")
    return index / total_w * 100 if total_w > 0 else np.full(len(frame), np.nan), ["; ".join(p) for p in parts], used


def _evaluate(adm, lu0, lu1, st, base_year, year, rules, table, crs, area_method, sup=None, apps=None, eco=None,
              gb=None, outside=None, outside_as_of=None, backend=None, shared: dict | None = None
              ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The ``region_evaluation`` and ``region_supply`` tables of validated layers (working CRS), and notes.

    ``shared``: the run's shared work (the current land use's overlap check and township overlay, made by
    土地开发强度 when it ran on the same layers)."""
    if not int(base_year) < int(year):
        raise SchemaError(Problem(layer="region_evaluation", code="bad_period",
                                  message=f"base_year {base_year} is not before year {year}",
                                  fix="give the base year (基期) before the current year (现状年)"))
    base_year, year = int(base_year), int(year)
    adm, notes = _admin_units(adm)
    notes += _overlap_notes(lu0, "landuse_base", rules, shared=shared) + _overlap_notes(lu1, "landuse", rules,
                                                                                         shared=shared)
    urban_codes = [str(c) for c in rules.value("regions.urban_codes")]
    ur_codes = [str(c) for c in rules.value("regions.urban_rural_codes")]
    land0 = _land_by_unit(lu0, adm, table, crs, area_method, urban_codes, ur_codes, "landuse_base", notes, backend,
                          shared)
    land1 = _land_by_unit(lu1, adm, table, crs, area_method, urban_codes, ur_codes, "landuse", notes, backend,
                          shared)
    if not land1["has_cz"][0]:
        notes.append("[landuse] no 城镇村属性码 (CZCSXM, urban_attribute) in the land-use layer: 城乡建设用地人口密度 and "
                     "城镇开发边界扩展倍数 are empty")
    if not (land0["has_cz"][0] and land1["has_cz"][0]):
        notes.append("[region_evaluation] 城镇村属性码 (CZCSXM) missing in "
                     + " and ".join(n for n, lnd in (("landuse_base", land0), ("landuse", land1)) if not lnd["has_cz"][0])
                     + ": 城乡建设用地 of both years unknown, so 人口与城乡建设用地增长弹性 and 单位人口增长消耗新增城乡建设用地 "
                     "are empty")
    stats = _match_stats(st, adm, base_year, year, notes)
    s0, s1 = stats[base_year], stats[year]
    period, supply, basis = _supply_tables(sup, apps, outside, outside_as_of, adm, base_year, year, rules, crs,
                                           area_method, notes)
    total_area = layer_areas(adm.geometry.values, crs, area_method)
    eco_m2 = _clip_union(eco, adm, crs, area_method) if eco is not None else None
    gb_m2 = _clip_union(gb, adm, crs, area_method) if gb is not None else None

    def with_total(values):
        values = np.asarray(values, dtype=float)
        return np.append(values, values.sum() if not np.isnan(values).any() else np.nan)

    n = len(adm)
    c0, c1 = with_total(land0["construction"]), with_total(land1["construction"])
    gdp0, gdp1 = with_total(s0["gdp_yi_yuan"]), with_total(s1["gdp_yi_yuan"])
    pop0, pop1 = with_total(s0["population_wan"]), with_total(s1["population_wan"])
    for name, arr in (("GDP", np.r_[gdp0, gdp1]), ("population", np.r_[pop0, pop1])):
        if np.isnan(arr[[n, 2 * n + 1]]).any():
            notes.append(f"[region_evaluation] the row {TOTAL_ID} has no {name} for a year in which a township has "
                         "none: its indicators needing it are empty (a sum without a unit is not the total)")
    inv1, tax1 = with_total(s1["investment_wan"]), with_total(s1["tax_wan"])
    ha0, ha1 = c0 / M2_PER_HA, c1 / M2_PER_HA
    ur1 = with_total(land1["urban_rural"])
    urban1 = with_total(land1["urban"])
    cult1 = with_total(land1["cultivated"])
    codes = adm["admin_code"].astype(str).to_numpy()
    names = adm["admin_name"].astype(object).to_numpy() if "admin_name" in adm else np.full(n, None)
    out = pd.DataFrame({"unit_id": np.append(codes, TOTAL_ID), "unit_name": np.append(names, "全部乡镇"),
                        "unit_level": ["township"] * n + ["total"],
                        "base_year": str(base_year), "year": str(year)})
    out["total_m2"] = with_total(total_area)
    out["construction_m2_base"], out["construction_m2"] = c0, c1
    out["construction_mu_base"], out["construction_mu"] = c0 / M2_PER_MU, c1 / M2_PER_MU
    out["new_construction_m2"] = c1 - c0
    out["gdp_yi_yuan_base"], out["gdp_yi_yuan"] = gdp0, gdp1
    out["population_wan_base"], out["population_wan"] = pop0, pop1
    out["ha_per_yi_yuan_base"], out["ha_per_yi_yuan"] = _div(ha0, gdp0), _div(ha1, gdp1)
    out["ha_per_yi_yuan_change"] = out["ha_per_yi_yuan"] / out["ha_per_yi_yuan_base"] - 1
    target = float(rules.value("regions.land_per_gdp_change_target"))
    stretch = float(rules.value("regions.land_per_gdp_change_stretch"))
    out["change_target"], out["change_stretch"] = target, stretch
    out["gdp_wan_per_ha_base"], out["gdp_wan_per_ha"] = _div(gdp0 * 1e4, ha0), _div(gdp1 * 1e4, ha1)
    grew = gdp1 - gdp0
    out["new_land_ha_per_yi_yuan_growth"] = np.where(grew > 0, _div(ha1 - ha0, grew), np.nan)
    out["construction_growth"] = _div(c1, c0) - 1
    out["population_growth"] = _div(pop1, pop0) - 1
    out["gdp_growth"] = _div(gdp1, gdp0) - 1
    # 人口与城乡建设用地增长弹性系数: the growth of 城乡建设用地 (not all construction land) over population growth
    has_cz = bool(land0["has_cz"][0] and land1["has_cz"][0])
    ur0 = with_total(land0["urban_rural"])
    out["urban_rural_m2_base"] = ur0 if has_cz else np.nan
    out["urban_rural_growth"] = _div(ur1, ur0) - 1 if has_cz else np.nan
    out["pop_elasticity"] = _div(out["urban_rural_growth"], out["population_growth"])
    # 单位人口增长消耗新增城乡建设用地量 (m² per added person), empty where the population did not grow
    added = (pop1 - pop0) * 1e4
    out["new_urban_rural_m2_per_person_growth"] = (np.where(added > 0, _div(ur1 - ur0, added), np.nan)
                                                   if has_cz else np.nan)
    out["gdp_elasticity"] = _div(out["construction_growth"], out["gdp_growth"])
    out["urban_rural_m2"] = ur1 if land1["has_cz"][0] else np.nan
    out["urban_rural_density"] = _div(pop1 * 1e4, out["urban_rural_m2"] / 1e6)
    out["supplied_m2"] = with_total(period["supplied"])
    def over_known(values):  # a unit with no supply of known 存量 adds nothing to the total (it is not missing)
        values = np.asarray(values, dtype=float)
        return np.append(values, np.nansum(values) if not np.isnan(values).all() else np.nan)

    out["stock_m2"] = over_known(period["stock"])
    out["stock_supply_share"] = _div(out["stock_m2"], over_known(period["stock_base"]))
    out["same_year_supply_rate"] = _div(with_total(period["same_year"]), with_total(period["approved"]))
    eco_min = float(rules.value("regions.eco_redline_share_min"))
    if eco_m2 is not None:
        out["eco_share"] = _div(with_total(eco_m2), out["total_m2"])
    gb_max = float(rules.value("regions.growth_boundary_expansion_max"))
    if gb_m2 is not None:
        out["growth_boundary_m2"] = with_total(gb_m2)
        out["urban_m2"] = urban1 if land1["has_cz"][0] else np.nan
        out["growth_boundary_ratio"] = _div(out["growth_boundary_m2"], out["urban_m2"])
    warn = float(rules.value("regions.cultivated_per_capita_warning_mu"))
    out["cultivated_mu"] = cult1 / M2_PER_MU
    out["cultivated_mu_per_capita"] = _div(out["cultivated_mu"], pop1 * 1e4)
    out["investment_wan_per_ha"] = _div(inv1, ha1)
    out["tax_wan_per_ha"] = _div(tax1, ha1)
    index, parts, used = _scores(out, rules)
    out["index"] = index
    out["index_parts"] = parts
    town = (out["unit_level"] == "township") & out["index"].notna()
    out["rank"] = np.nan
    out.loc[town, "rank"] = out.loc[town, "index"].rank(ascending=False, method="min")
    unranked = out.loc[(out["unit_level"] == "township") & out["index"].isna(), "unit_id"].tolist()
    if unranked:
        notes.append(f"[region_evaluation] {len(unranked)} township(s) not ranked: a weighted indicator of the index "
                     f"is empty ({', '.join(map(str, unranked[:10]))})")
    flags: list[list[str]] = [[] for _ in range(len(out))]
    checks = [("change_target", out["ha_per_yi_yuan_change"] > target)]
    if eco_m2 is not None:
        checks.append(("eco_share", (out["eco_share"] < eco_min) & out["unit_level"].eq("total")))
    if gb_m2 is not None:
        checks.append(("growth_boundary", out["growth_boundary_ratio"] > gb_max))
    checks.append(("cultivated_per_capita", out["cultivated_mu_per_capita"] < warn))
    for code, mask in checks:
        for r in np.flatnonzero(mask.to_numpy()):
            flags[r].append(code)
    out["flags"] = ["; ".join(f) for f in flags]
    out["status"] = np.where(out["flags"] != "", "flagged", "ok")
    out["status_zh"] = [STATUS_ZH[s] + (f"({'、'.join(FLAG_ZH[f] for f in fl)})" if fl else "")
                        for s, fl in zip(out["status"], flags, strict=True)]
    cites = [f"TD/T 1018-2008 区域评价 (not checked against the official text): base {base_year}, now {year}; "
             "利用强度, 增长耗地 (单位GDP增长消耗新增建设用地, 单位人口增长消耗新增城乡建设用地), 用地弹性 (人口与城乡建设用地增长"
             "弹性 = 城乡建设用地增长率 ÷ 人口增长率, 地区生产总值与建设用地增长弹性 = 建设用地增长率 ÷ GDP增长率)",
             rules.cite("regions.land_per_gdp_change_target"), rules.cite("regions.land_per_gdp_change_stretch"),
             rules.cite("regions.urban_rural_codes"), rules.cite("regions.cultivated_per_capita_warning_mu"),
             f"存量: {basis}", "index over " + ", ".join(used) + ": " + rules.cite("regions.index_weights") + "; "
             + rules.cite("regions.index_ideals")]
    if eco_m2 is not None:
        cites.insert(3, rules.cite("regions.eco_redline_share_min"))
    if gb_m2 is not None:
        cites.insert(3, rules.cite("regions.growth_boundary_expansion_max") + "; "
                     + rules.cite("regions.urban_codes"))
    out["rule"] = "; ".join(cites)
    if np.isnan(stretch):
        notes.append(f"[region_evaluation] no stretch target for the fall of 单位GDP建设用地 in {rules.label} "
                     "(regions.land_per_gdp_change_stretch): not judged")
    empty_gb = out.loc[out["unit_level"].eq("township") & out.get("growth_boundary_ratio", pd.Series(dtype=float)
                                                                   ).isna(), "unit_id"] if gb_m2 is not None else []
    if gb_m2 is not None and len(empty_gb):
        notes.append(f"[region_evaluation] 城镇开发边界扩展倍数 empty for {len(empty_gb)} township(s) without 现状城镇建设用地 "
                     f"(CZCSXM {'/'.join(urban_codes)}): {', '.join(map(str, list(empty_gb)[:12]))}")
    order = np.lexsort((out["unit_level"].eq("total").to_numpy(), out["rank"].fillna(np.inf).to_numpy()))
    order = np.r_[[k for k in order if out["unit_level"].iat[k] != "total"], np.flatnonzero(out["unit_level"] == "total")]
    out = out.iloc[order].reset_index(drop=True)
    if not len(supply):
        supply = pd.DataFrame(columns=list(SUPPLY_COLUMN_NAMES))
    else:
        supply["rule"] = f"存量: {basis}; 当年报批当年供地率 = approvals of year Y supplied by supplies signed in Y"
    return out, supply, notes


SUPPLY_COLUMN_NAMES = ("unit_id", "unit_name", "year", "land_use", "supplied_m2", "supplied_mu", "use_share",
                       "stock_m2", "stock_share", "approved_m2", "same_year_supplied_m2", "same_year_supply_rate",
                       "stock_basis", "rule")


def region_evaluation(admin, *, landuse_base, landuse_now, stats, base_year, year, supplies=None, approvals=None,
                      eco_redline=None, growth_boundary=None, rules=None, classification="tdt1055-2019",
                      area_method: AreaMethod = "ellipsoidal", crs=None, strict: bool = False,
                      log: AuditLog | None = None) -> pd.DataFrame:
    """区域建设用地节约集约利用评价 (TD/T 1018-2008): one row per township and one for all (``unit_id`` 全部).

    Parameters
    ----------
    admin : GeoDataFrame
        Townships (行政区), ``admin_code``, ``admin_name``.
    landuse_base, landuse_now : GeoDataFrame
        Land-use patches (三调 DLTB: DLBM, CZCSXM) of the base year and of the current year.
    stats : DataFrame or path
        Statistics per unit and year (kind ``stats``: 乡镇/行政区代码, 年份, 地区生产总值, 常住人口 ...), read by
        :func:`read_stats`; both years needed for every unit (a missing one is noted, its indicators empty).
    base_year, year : int
        The base year (基期) and the current year (现状年) of the statistics.
    supplies, approvals, eco_redline, growth_boundary : GeoDataFrame, optional
        For 存量供地比例 and 当年报批当年供地率, the eco red line share and 城镇开发边界扩展倍数.
    rules : RuleSet, name or path, optional
        ``regions.*`` (targets, floors, ideals, weights); ``jiangsu-example`` has Jiangsu's −31 % / −33 %.
    classification, area_method, crs, strict, log
        As for :func:`redline.boundaries.development_intensity`.

    Returns
    -------
    DataFrame ``region_evaluation`` (fields in the module docstring); ``log.fact("region_evaluation", "supply")``
    is the ``region_supply`` table. Without 土地来源, 存量 is the supply outside every approval as found by
    :func:`redline.overlay.supply_outside_approvals` as of 31 December of ``year``.
    """
    check_area_method(area_method)
    ruleset = resolve_rules(rules)
    table = code_table(classification)
    prep = prepare_layers({"admin": (admin, "admin"), "landuse_base": (landuse_base, "landuse"),
                           "landuse": (landuse_now, "landuse"), "supplies": (supplies, "supplies"),
                           "approvals": (approvals, "approvals"), "eco_redline": (eco_redline, "eco_redline"),
                           "growth_boundary": (growth_boundary, "growth_boundary")}, crs=crs, strict=strict)
    st_log = AuditLog()
    st = read_stats(stats, log=st_log)
    L = prep.layers
    outside, outside_as_of, out_log = None, None, AuditLog()
    if L.get("supplies") is not None and L.get("approvals") is not None and "land_source" not in L["supplies"]:
        from ..overlay import supply_outside_approvals

        outside_as_of = dt.date(int(year), 12, 31)
        outside = supply_outside_approvals(L["approvals"], L["supplies"], as_of=outside_as_of, rules=ruleset,
                                           area_method=area_method, crs=prep.working.crs, log=out_log)
    out, supply, notes = _evaluate(L["admin"], L["landuse_base"], L["landuse"], st, base_year, year, ruleset, table,
                                   prep.working.crs, area_method, L.get("supplies"), L.get("approvals"),
                                   L.get("eco_redline"), L.get("growth_boundary"), outside, outside_as_of)
    deliver(AuditLog(rejected=prep.rejected.to_dict("records"),
                     notes=NoteList(prep.note_lines() + list(st_log.notes) + list(out_log.notes) + notes),
                     rules=ruleset.label,
                     area_method=area_method, working_crs=str(prep.working),
                     facts={"region_evaluation": {"supply": supply}}), log, "region_evaluation")
    return out


def _years(params: Mapping[str, Any], st: pd.DataFrame, notes: list[str]) -> tuple[int, int]:
    """base_year and year from the parameters, else the earliest and latest years of the statistics (noted)."""
    years = sorted(set(st["year"]))
    base, now = params.get("base_year"), params.get("year")
    if base is None and years:
        base = years[0]
        notes.append(f"[region_evaluation] base_year not given: the earliest year of the statistics, {base}")
    if now is None and years:
        now = years[-1]
        notes.append(f"[region_evaluation] year not given: the latest year of the statistics, {now}")
    if base is None or now is None:
        raise SchemaError(Problem(layer="stats", code="no_years", message="the statistics table has no rows",
                                  fix="give statistics for the base year and the current year"))
    return int(base), int(now)


def _run(layers: Mapping[str, Any], params: Mapping[str, Any], ctx) -> dict[str, pd.DataFrame]:
    ctx.report("区域节约集约评价 region evaluation", 0.0)
    if params.get("stats") is None:
        raise SchemaError(Problem(layer="stats", code="missing_table",
                                  message="the region evaluation needs the statistics table (stats)",
                                  fix="give --param stats=统计表.xlsx (乡镇, 年份, 地区生产总值(亿元), 常住人口(万人))"))
    st_log = AuditLog()
    st = read_stats(params["stats"], log=st_log)
    notes: list[str] = list(st_log.notes)
    base, now = _years(params, st, notes)
    table = code_table(params.get("classification") or "tdt1055-2019")
    out, supply, found = _evaluate(layers["admin"], layers["landuse_base"], layers["landuse"], st, base, now,
                                   ctx.rules, table, ctx.crs.crs, ctx.area_method, layers.get("supplies"),
                                   layers.get("approvals"), layers.get("eco_redline"), layers.get("growth_boundary"),
                                   layers.get("supply_outside_approvals"), ctx.as_of,
                                   backend=ctx.backend, shared=ctx.shared)
    ctx.notes.extend(notes + found)
    return {"region_evaluation": out, "region_supply": supply}


def _summary(outputs: Mapping[str, Any]) -> list[str]:
    r = outputs.get("region_evaluation")
    if r is None or len(r) == 0:
        return []
    towns = r[r["unit_level"] == "township"].sort_values("rank")
    tot = r[r["unit_level"] == "total"]
    line = f"区域节约集约评价 region evaluation: {len(towns)} townships"
    if len(tot) and pd.notna(tot["ha_per_yi_yuan"].iloc[0]):
        t = tot.iloc[0]
        line += (f", 单位GDP建设用地 {t['ha_per_yi_yuan_base']:.2f} → {t['ha_per_yi_yuan']:.2f} 公顷/亿元 "
                 f"({t['ha_per_yi_yuan_change']:+.2%}, target {t['change_target']:+.0%})")
    ranked = towns[towns["rank"].notna()]
    if len(ranked):
        line += f"; first {ranked['unit_name'].iloc[0]} ({ranked['index'].iloc[0]:.1f}), last " \
                f"{ranked['unit_name'].iloc[-1]} ({ranked['index'].iloc[-1]:.1f})"
    flagged = int((towns["status"] == "flagged").sum())
    return [line + f"; {flagged} township(s) flagged"]


_L = partial(Column, ledger=True)
_X = Column
_ECO = "with the eco red line only"
_GB = "with the growth boundary only"

COLUMNS = (
    _L("unit_id", "text", "行政区代码", "Unit id", "id", description=f"the township's admin_code; {TOTAL_ID}: all "
                                                                    "townships together"),
    _L("unit_name", "text", "行政区名称", "Unit"),
    _L("rank", "int", "排名", "Rank", total=False, description="among the townships by index (1 = best)"),
    _L("index", "float", "节约集约综合指数", "Composite index", total=False, unit="0-100"),
    _L("status_zh", "text", "结论", "Conclusion", "status"),
    _L("construction_mu_base", "mu", "基期建设用地(亩)", "Construction land, base year"),
    _L("construction_mu", "mu", "现状建设用地(亩)", "Construction land, current year"),
    _L("gdp_yi_yuan_base", "float", "基期GDP(亿元)", "GDP, base year", unit="亿元"),
    _L("gdp_yi_yuan", "float", "现状GDP(亿元)", "GDP, current year", unit="亿元"),
    _L("population_wan_base", "float", "基期常住人口(万人)", "Population, base year", unit="万人"),
    _L("population_wan", "float", "现状常住人口(万人)", "Population, current year", unit="万人"),
    _L("ha_per_yi_yuan_base", "float", "基期单位GDP建设用地(公顷/亿元)", "Construction land per GDP, base year",
       total=False, unit="公顷/亿元"),
    _L("ha_per_yi_yuan", "float", "单位GDP建设用地(公顷/亿元)", "Construction land per GDP", total=False,
       unit="公顷/亿元"),
    _L("ha_per_yi_yuan_change", "ratio", "单位GDP建设用地变化", "Change of land per GDP", total=False,
       description="now ÷ base − 1"),
    _L("change_target", "ratio", "下降目标", "Target change", total=False),
    _L("gdp_wan_per_ha_base", "float", "基期建设用地地均GDP(万元/公顷)", "GDP per construction land, base year",
       total=False, unit="万元/公顷"),
    _L("gdp_wan_per_ha", "float", "建设用地地均GDP(万元/公顷)", "GDP per construction land", total=False,
       unit="万元/公顷"),
    _L("new_land_ha_per_yi_yuan_growth", "float", "单位GDP增长消耗新增建设用地(公顷/亿元)",
       "New construction land per GDP growth", total=False, unit="公顷/亿元"),
    _L("new_urban_rural_m2_per_person_growth", "float", "单位人口增长消耗新增城乡建设用地(平方米/人)",
       "New urban-rural land per added person", total=False, unit="m²/人",
       description="empty where the population did not grow"),
    _L("pop_elasticity", "float", "人口与城乡建设用地增长弹性", "Population elasticity of urban-rural land",
       total=False, description="城乡建设用地 growth ÷ population growth"),
    _L("gdp_elasticity", "float", "经济与用地增长弹性", "GDP elasticity of construction land", total=False),
    _L("urban_rural_density", "float", "城乡建设用地人口密度(人/平方公里)", "Population per urban-rural land",
       total=False, unit="人/km²"),
    _L("stock_supply_share", "ratio", "存量供地比例", "Stock supply share", total=False,
       description="supplies signed after the base year, up to the current year"),
    _L("same_year_supply_rate", "ratio", "当年报批当年供地率", "Same-year supply rate", total=False),
    _L("eco_share", "ratio", "生态保护红线占比", "Eco red line share", total=False, optional=True, description=_ECO),
    _L("growth_boundary_ratio", "float", "城镇开发边界扩展倍数", "Growth boundary expansion ratio", total=False,
       optional=True, description=_GB),
    _L("cultivated_mu_per_capita", "float", "人均耕地(亩/人)", "Cultivated land per person", total=False,
       unit="亩/人"),
    _L("investment_wan_per_ha", "float", "地均固定资产投资(万元/公顷)", "Investment per construction land",
       total=False, unit="万元/公顷"),
    _L("tax_wan_per_ha", "float", "地均税收(万元/公顷)", "Tax per construction land", total=False, unit="万元/公顷"),
    _L("flags", "text", "未达标项", "Checks failed", "status",
       description="change_target, eco_share, growth_boundary, cultivated_per_capita"),
    RULE,
    _X("unit_level", "text", "单元级别", "Unit level", description="township, total"),
    _X("base_year", "text", "基期年份", "Base year"),
    _X("year", "text", "现状年份", "Current year"),
    _X("total_m2", "m2", "国土面积(平方米)", "Total area"),
    _X("construction_m2_base", "m2", "基期建设用地(平方米)", "Construction land, base year"),
    _X("construction_m2", "m2", "现状建设用地(平方米)", "Construction land, current year"),
    _X("new_construction_m2", "m2", "新增建设用地(平方米)", "Construction land added"),
    _X("change_stretch", "ratio", "下降目标(高目标)", "Stretch target change", total=False,
       description="empty: none in the rule set"),
    _X("construction_growth", "ratio", "建设用地增长率", "Construction land growth", total=False),
    _X("population_growth", "ratio", "人口增长率", "Population growth", total=False),
    _X("gdp_growth", "ratio", "GDP增长率", "GDP growth", total=False),
    _X("urban_rural_m2_base", "m2", "基期城乡建设用地(平方米)", "Urban-rural construction land, base year"),
    _X("urban_rural_m2", "m2", "城乡建设用地(平方米)", "Urban-rural construction land"),
    _X("urban_rural_growth", "ratio", "城乡建设用地增长率", "Urban-rural land growth", total=False),
    _X("supplied_m2", "m2", "评价期供地面积(平方米)", "Supplied in the period"),
    _X("stock_m2", "m2", "评价期存量供地面积(平方米)", "Stock land supplied in the period"),
    _X("growth_boundary_m2", "m2", "城镇开发边界面积(平方米)", "Growth boundary area", optional=True,
       description=_GB),
    _X("urban_m2", "m2", "现状城镇建设用地(平方米)", "Urban construction land", optional=True, description=_GB),
    _X("cultivated_mu", "mu", "耕地(亩)", "Cultivated land"),
    _X("index_parts", "text", "指数构成", "Index parts", description="indicator score×weight"),
    _X("status", "text", "结论代码", "Conclusion code", "status", description="flagged, ok"),
)

SUPPLY_COLUMNS = (
    _L("unit_id", "text", "行政区代码", "Unit id", "id"),
    _L("unit_name", "text", "行政区名称", "Unit"),
    _L("year", "text", "年度", "Year", "id"),
    _L("land_use", "text", "土地用途", "Land use", description="合计: all uses"),
    _L("supplied_mu", "mu", "供地面积(亩)", "Supplied"),
    _L("use_share", "ratio", "用途占比", "Share of the year's supply", total=False),
    _L("stock_share", "ratio", "存量供地比例", "Stock supply share", total=False),
    _L("same_year_supply_rate", "ratio", "当年报批当年供地率", "Same-year supply rate", total=False),
    _L("stock_basis", "text", "存量认定方式", "Stock basis"),
    RULE,
    _X("supplied_m2", "m2", "供地面积(平方米)", "Supplied"),
    _X("stock_m2", "m2", "存量供地面积(平方米)", "Stock land supplied"),
    _X("approved_m2", "m2", "当年报批面积(平方米)", "Approved in the year"),
    _X("same_year_supplied_m2", "m2", "当年报批当年供地面积(平方米)", "Approved and supplied in the year"),
)

SPEC = AuditSpec(
    id="region_evaluation",
    label_zh="区域建设用地节约集约利用评价",
    label_en="Region evaluation (TD/T 1018)",
    group="boundaries",
    inputs=(
        InputSpec("admin", "admin", True, "行政区", "Administrative units", help="townships: the units evaluated"),
        InputSpec("landuse_base", "landuse", True, "基期地类图斑", "Land-use patches, base year",
                  help="三调/变更调查 DLTB of the base year (DLBM, CZCSXM)"),
        InputSpec("landuse", "landuse", True, "地类图斑", "Land-use patches", help="DLTB of the current year"),
        InputSpec("supplies", "supplies", False, "供地红线", "Supplies", help="存量供地比例, supply structure"),
        InputSpec("approvals", "approvals", False, "报批(征地)红线", "Approvals", help="当年报批当年供地率"),
        InputSpec("eco_redline", "eco_redline", False, "生态保护红线", "Eco red line"),
        InputSpec("growth_boundary", "growth_boundary", False, "城镇开发边界", "Urban growth boundary"),
    ),
    params=(
        ParamSpec("stats", "table", None, "社会经济统计表", "Statistics table",
                  help="CSV/XLSX per unit and year: 乡镇 or 行政区代码, 年份, 地区生产总值(亿元), 常住人口(万人), "
                       "固定资产投资(万元), 税收收入(万元)", required=True),
        ParamSpec("base_year", "int", None, "基期年份", "Base year",
                  help="empty: the earliest year of the statistics (noted)"),
        ParamSpec("year", "int", None, "现状年份", "Current year",
                  help="empty: the latest year of the statistics (noted)"),
    ),
    outputs=(
        OutputSpec("region_evaluation", "区域节约集约评价", "Region evaluation", False, COLUMNS,
                   description="按乡镇及全部乡镇: 基期与现状的单位GDP建设用地、地均GDP、增长耗地、用地弹性、人口密度、"
                               "存量供地比例、当年报批当年供地率、生态红线占比、城镇开发边界扩展倍数、人均耕地, "
                               "按理想值标准化加权的综合指数与排名 (TD/T 1018-2008 结构)",
                   description_en="Per township and all townships together: land per GDP at base and now and its "
                                  "change against the target, GDP per land, new land per GDP growth, elasticities, "
                                  "density, stock supply share, same-year supply rate, eco red line share, growth "
                                  "boundary expansion, cultivated land per person; a composite index (ideal values, "
                                  "weights) and the townships' rank (TD/T 1018-2008's structure)",
                   status_column="status", statuses=STATUS,
                   section=hook("redline.boundaries._regions_report:region_evaluation")),
        OutputSpec("region_supply", "供地结构与存量供地", "Supply structure", False, SUPPLY_COLUMNS,
                   description="按乡镇、年度和用途: 供地面积与占比; 合计行: 存量供地比例、当年报批当年供地率",
                   description_en="Per unit, year and use: land supplied and its share; on the 合计 rows the year's "
                                  "stock supply share and same-year supply rate"),
    ),
    runner=_run,
    rules_keys=("regions.land_per_gdp_change_target", "regions.land_per_gdp_change_stretch",
                "regions.eco_redline_share_min", "regions.growth_boundary_expansion_max", "regions.urban_codes",
                "regions.urban_rural_codes", "regions.cultivated_per_capita_warning_mu",
                "regions.land_source_values", "regions.index_weights", "regions.index_ideals",
                "intensity.overlap_tolerance_m2",
                # 存量 from the 存量供地 audit's supply outside approvals, its slivers
                "geometry.sliver_max_area_m2", "geometry.sliver_max_width_m", "geometry.area_tolerance_m2"),
    description_zh="按乡镇和全县评价基期到现状的建设用地节约集约利用 (TD/T 1018-2008): 单位GDP建设用地及其下降、"
                   "弹性、存量供地比例等, 综合指数与乡镇排名",
    description_en="Townships and the county over a base and a current year (TD/T 1018-2008): land per GDP and its "
                   "fall against the target, elasticities, stock supply share and more; a composite index ranks the "
                   "townships.",
    # the 存量 share reads the supply outside approvals as of the audit date (supplies and approvals dated after it
    # are not yet either)
    needs_as_of=True,
    summary=_summary,
    uses=("supply_outside_approvals",),
)
