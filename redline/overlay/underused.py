"""用而不足 / 低效用地 used but under-used: plot ratio, building coefficient, investment, tax and output per 亩."""

from __future__ import annotations

import re
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..rules import RuleSet, resolve_rules
from ..units import M2_PER_MU
from . import _engine
from ._common import finish, prepare

__all__ = ["building_floor_area", "industry_division", "underused"]

_DIGITS = re.compile(r"(\d{2})")


def industry_division(value) -> str | None:
    """The GB/T 4754 two-digit division of an industry code or label: ``"C1711"`` → ``"17"``.

    >>> industry_division("C1711 棉纺纱加工"), industry_division(26), industry_division("纺织业")
    ('17', '26', None)
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    m = _DIGITS.search(str(value))
    return m.group(1) if m else None


def building_floor_area(buildings: pd.DataFrame, footprint_m2: np.ndarray, double_height_m: float) -> tuple:
    """Floor area counted in the plot ratio, per building, and whether its storeys count twice.

    The floor area is ``floor_area_m2`` (建筑面积) when recorded, else footprint × ``floors`` (层数,
    1 when unknown). A building whose storey height (``storey_height_m``, else ``height_m`` ÷
    ``floors``) is over ``double_height_m`` counts twice (层高超过8米的按两层计算).
    """
    n = len(buildings)

    def num(c):
        return (pd.to_numeric(buildings[c], errors="coerce").to_numpy(dtype=float) if c in buildings.columns
                else np.full(n, np.nan))

    floors, recorded, storey, height = num("floors"), num("floor_area_m2"), num("storey_height_m"), num("height_m")
    base = np.where(np.isfinite(recorded), recorded, footprint_m2 * np.where(np.isfinite(floors) & (floors > 0),
                                                                            floors, 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        storey = np.where(np.isfinite(storey), storey,
                          np.where(np.isfinite(height) & np.isfinite(floors) & (floors > 0), height / floors, np.nan))
    double = np.isfinite(storey) & (storey > double_height_m)
    return base * np.where(double, 2.0, 1.0), double


def underused(parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame | None = None, *,
              rules: RuleSet | str | None = None, area_method: str = "ellipsoidal", crs=None, strict: bool = False,
              kind: Literal["parcels", "supplies"] = "parcels", threads: int = _engine.THREADS) -> gpd.GeoDataFrame:
    """用而不足 / 低效用地: each parcel's intensity against the rule set's floors.

    Parameters
    ----------
    parcels : GeoDataFrame
        Parcels (宗地: ``parcel_id`` 宗地号, ``land_use``, ``industry`` (GB/T 4754 code), ``zone``,
        ``total_investment_wan`` 固定资产投资, ``tax_wan``, ``output_wan``, ``floor_area_m2``), or supplies
        with ``kind="supplies"`` (their ``price_wan`` is added to ``total_investment_wan``, which
        excludes the land price there, and their contract ``far_min`` is checked too).
    buildings : GeoDataFrame, optional
        Building footprints (``floors`` 层数, ``floor_area_m2`` 建筑面积, ``storey_height_m`` 层高,
        ``height_m``); a building straddling parcels is shared by footprint area. Without buildings the
        parcel's own ``floor_area_m2`` gives the plot ratio and the building coefficient is unknown.
    rules : RuleSet, name or path, optional
        ``underused.*`` thresholds: ``far_min`` per industry division (the 2008 national table,
        keyed by GB/T 4754-2002 divisions), ``building_coefficient_min``, ``investment_intensity_min_wan_per_mu``,
        ``tax_min_wan_per_mu``, ``output_min_wan_per_mu`` (per zone when given as a table),
        ``far_low_efficiency``, ``storey_double_height_m``, ``industrial_land_uses``.
    kind : {"parcels", "supplies"}
        The layer kind of ``parcels``.

    Returns
    -------
    GeoDataFrame
        One row per parcel (attributes, geometry) with ``site_m2``, ``site_mu``, ``footprint_m2``,
        ``counted_floor_area_m2``, ``buildings_n``, ``far`` (容积率), ``building_coefficient`` (建筑系数),
        ``investment_wan``, ``investment_intensity`` (万元/亩), ``tax_per_mu``, ``output_per_mu`` (万元/亩),
        ``industry_code``, ``far_min``, ``assessed`` (industrial land, judged against the floors),
        ``low_efficiency`` (FAR under ``far_low_efficiency``), ``underused`` (any floor missed),
        ``reasons`` (each miss with the value, threshold and its rule key) and ``rule`` (citations).

    Notes
    -----
    Tax and output per 亩 follow the local (南京 栖霞) rule "≥ 600 万元/亩 output **or** ≥ 30 万元/亩 tax":
    a parcel misses only when every figure given is under its floor. Industrial land: ``land_use``
    containing a keyword of ``underused.industrial_land_uses``, or an industry division 13–43
    (manufacturing), or neither field given.

    Examples
    --------
    A 100 m × 100 m plot (15 亩) with a 50 m × 40 m two-storey workshop and 3 000 万元 invested:

    >>> from shapely.geometry import box
    >>> p = gpd.GeoDataFrame({"宗地号": ["Z1"], "行业分类": ["C17"], "固定资产投资": [3000]},
    ...                      geometry=[box(500000, 3800000, 500100, 3800100)], crs="EPSG:4547")
    >>> b = gpd.GeoDataFrame({"幢号": ["B1"], "层数": [2]}, geometry=[box(500000, 3800000, 500050, 3800040)],
    ...                      crs="EPSG:4547")
    >>> r = underused(p, b, area_method="planar")
    >>> r[["far", "building_coefficient", "investment_intensity", "far_min", "underused"]].values.tolist()
    [[0.4, 0.2, 200.0, 0.8, True]]
    """
    rules = resolve_rules(rules)
    if kind not in ("parcels", "supplies"):
        raise ValueError(f"kind must be one of parcels, supplies, not {kind!r}")
    prep = prepare({kind: (parcels, kind), "buildings": (buildings, "buildings")}, crs=crs, strict=strict,
                   area_method=area_method)
    P = prep.layers[kind]
    B = prep.layers.get("buildings")
    n = len(P)
    pg = np.asarray(P.geometry.values, dtype=object)
    planar_site = shapely.area(pg) if n else np.zeros(0)
    factor = np.ones(n) if area_method == "planar" or n == 0 else _engine.ellipsoidal_factor(pg, prep.working.crs)
    site_m2 = planar_site * factor
    site_mu = site_m2 / M2_PER_MU
    double_h = float(rules.value("underused.storey_double_height_m"))

    def num(c):
        return pd.to_numeric(P[c], errors="coerce").to_numpy(dtype=float) if c in P.columns else np.full(n, np.nan)

    footprint = np.full(n, np.nan)
    floor_area = num("floor_area_m2")
    buildings_n = np.zeros(n, dtype=int)
    doubled_n = np.zeros(n, dtype=int)
    if B is not None and n:
        bg = np.asarray(B.geometry.values, dtype=object)
        pairs, pair_area = _engine.pair_areas(pg, bg, threads=threads)
        b_area = shapely.area(bg)
        counted, double = building_floor_area(B, b_area, double_h)
        share = np.where(b_area[pairs.right] > 0, pair_area / np.maximum(b_area[pairs.right], 1e-300), 0.0)
        footprint = np.bincount(pairs.left, weights=pair_area, minlength=n)
        floor_area = np.bincount(pairs.left, weights=counted[pairs.right] * share, minlength=n)
        buildings_n = np.bincount(pairs.left, minlength=n)
        doubled_n = np.bincount(pairs.left, weights=double[pairs.right].astype(float), minlength=n).astype(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        far = np.where(planar_site > 0, floor_area / planar_site, np.nan)
        coeff = np.where(planar_site > 0, np.minimum(footprint, planar_site) / planar_site, np.nan)
        investment = num("total_investment_wan")
        if kind == "supplies":
            price = num("price_wan")
            investment = np.where(np.isfinite(price), investment + price, investment)
        intensity = np.where(site_mu > 0, investment / site_mu, np.nan)
        tax_mu = np.where(site_mu > 0, num("tax_wan") / site_mu, np.nan)
        output_mu = np.where(site_mu > 0, num("output_wan") / site_mu, np.nan)
    codes = [industry_division(v) for v in (P["industry"] if "industry" in P.columns else [None] * n)]
    land_use = P["land_use"] if "land_use" in P.columns else pd.Series([None] * n, index=P.index)
    industrial_kw = [str(k).casefold() for k in rules.value("underused.industrial_land_uses")]
    zones = P["zone"] if "zone" in P.columns else pd.Series([None] * n, index=P.index)
    contract_far = num("far_min") if kind == "supplies" else np.full(n, np.nan)

    far_min_col = np.full(n, np.nan)
    assessed = np.zeros(n, dtype=bool)
    low = np.zeros(n, dtype=bool)
    under = np.zeros(n, dtype=bool)
    reasons_col = np.empty(n, dtype=object)
    rule_col = np.empty(n, dtype=object)
    low_min = float(rules.value("underused.far_low_efficiency"))
    coeff_min = float(rules.value("underused.building_coefficient_min"))
    for i in range(n):
        code = codes[i]
        lu = land_use.iat[i]
        zone = zones.iat[i]
        zone = None if zone is None or (isinstance(zone, float) and np.isnan(zone)) else str(zone)
        lu_known = not (lu is None or (isinstance(lu, float) and np.isnan(lu)))
        manufacturing = code is not None and 13 <= int(code) <= 43
        industrial = (lu_known and any(k in str(lu).casefold() for k in industrial_kw)) or manufacturing or \
                     (not lu_known and code is None)
        reasons, cites = [], []

        def miss(label, value, op, threshold, key, sub=None, fmt="{:.2f}", reasons=reasons, cites=cites):
            where = f"[{sub}]" if sub else ""
            reasons.append(f"{label} {fmt.format(value)} {op} {fmt.format(threshold)} [{key}{where}]")
            cites.append(rules.cite(key, sub))

        if np.isfinite(contract_far[i]) and np.isfinite(far[i]) and far[i] < contract_far[i]:
            reasons.append(f"容积率 far {far[i]:.2f} < 合同容积率下限 {contract_far[i]:.2f} [contract far_min]")
            cites.append("出让合同约定容积率下限 (supply far_min)")
        if industrial:
            assessed[i] = True
            fm = float(rules.value("underused.far_min", code))
            far_min_col[i] = fm
            if np.isfinite(far[i]):
                if far[i] < fm:
                    miss("容积率 far", far[i], "<", fm, "underused.far_min", code)
                if far[i] < low_min:
                    low[i] = True
                    miss("低效用地 far", far[i], "<", low_min, "underused.far_low_efficiency")
            if np.isfinite(coeff[i]) and coeff[i] < coeff_min:
                miss("建筑系数 building coefficient", coeff[i], "<", coeff_min, "underused.building_coefficient_min",
                     fmt="{:.1%}")
            inv_min = float(rules.value("underused.investment_intensity_min_wan_per_mu", zone))
            if np.isfinite(intensity[i]) and intensity[i] < inv_min:
                miss("投资强度 investment intensity (万元/亩)", intensity[i], "<", inv_min,
                     "underused.investment_intensity_min_wan_per_mu",
                     zone if _is_table(rules, "underused.investment_intensity_min_wan_per_mu", zone) else None)
            tax_min = float(rules.value("underused.tax_min_wan_per_mu", zone))
            out_min = float(rules.value("underused.output_min_wan_per_mu", zone))
            figures = [(tax_mu[i], tax_min, "亩均税收 tax per mu (万元/亩)", "underused.tax_min_wan_per_mu"),
                       (output_mu[i], out_min, "亩均产值 output per mu (万元/亩)", "underused.output_min_wan_per_mu")]
            known = [f for f in figures if np.isfinite(f[0])]
            if known and all(v < m for v, m, _, _ in known):
                for v, m, label, key in known:
                    miss(label, v, "<", m, key)
        under[i] = bool(reasons)
        reasons_col[i] = "; ".join(reasons) if reasons else (
            "meets every floor given" if industrial else "not industrial land: no national floor applies")
        rule_col[i] = ("; ".join(dict.fromkeys(cites)) if cites else
                       rules.cite("underused.far_min", code) if industrial else
                       rules.cite("underused.industrial_land_uses"))
    out = P.copy()
    out["site_m2"] = site_m2
    out["site_mu"] = site_mu
    out["footprint_m2"] = footprint * factor
    out["counted_floor_area_m2"] = floor_area
    out["buildings_n"] = buildings_n
    out["doubled_storey_buildings"] = doubled_n
    out["far"] = far
    out["building_coefficient"] = coeff
    out["investment_wan"] = investment
    out["investment_intensity"] = intensity
    out["tax_per_mu"] = tax_mu
    out["output_per_mu"] = output_mu
    out["industry_code"] = codes
    out["far_min"] = far_min_col
    out["assessed"] = assessed
    out["low_efficiency"] = low
    out["underused"] = under
    out["reasons"] = reasons_col
    out["rule"] = rule_col
    if kind == "supplies" and "far_min" in P.columns:
        out["contract_far_min"] = contract_far
    return finish(gpd.GeoDataFrame(out, geometry=P.geometry.name, crs=P.crs), prep, rules, area_method, [])


def _is_table(rules: RuleSet, key: str, sub) -> bool:
    v = rules.threshold(key).value
    return isinstance(v, dict) and sub is not None and str(sub) in v
