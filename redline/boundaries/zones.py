"""开发区土地集约利用评价: per development zone (开发区 / 园区 / 工业集中区) indicators, after TD/T 1029-2019.

Every indicator is computed on the zone's own polygon from the layers given; one the inputs cannot give is
empty (NaN) and a note says why, never 0. The formulas are redline's reading of TD/T 1029-2019
《开发区土地集约利用评价规程》 (its text was not available: see the rule set's ``zones.*`` sources), each quoted
in the row's ``rule`` column.

Inputs (layer kinds ``zones`` and ``plan`` declared and registered here):

- ``zones`` (开发区): ``zone_id`` (开发区代码), ``name``, ``level`` (国家级 / 省级 ...), and when recorded
  ``planned_construction_ha`` (规划建设用地面积, 公顷). Zones must not overlap (one zone's land is evaluated once);
- ``approvals``, ``supplies`` (as of the audit date: later ones are not approvals or supplies yet), ``landuse``
  (三调 DLTB), ``buildings``, ``parcels``, ``growth_boundary``, ``farmland`` (PBF), ``eco_redline``;
- ``plan`` (规划用地, optional): planned land-use patches with their 用地用海 code; the planned construction land
  inside a zone when the zone does not record its own figure.

Output table ``zone_indicators``, one row per zone, the zone's polygon:

========================  =====================================================================================
``development_rate``      土地开发率 = 已达到供地条件的土地 (the zone's land approved for construction or supplied:
                          approvals ∪ supplies) ÷ 可开发建设土地 (zone area less the land-use patches of
                          ``zones.unbuildable_codes``: rivers, lakes ...)
``supply_rate``           土地供应率 = supplied ÷ land ready for supply (approvals ∪ supplies)
``built_rate``            土地建成率 = supplied land that 三调 classes as construction land ÷ supplied
``industrial_share``      工业用地率 = 工矿仓储 land (``zones.industrial_storage_codes``) ÷ construction land
``far``                   综合容积率 = buildings' floor area in the zone ÷ construction land
``industrial_far``        工业用地综合容积率 = floor area on 工矿仓储 land ÷ 工矿仓储 land
``building_density``      建筑密度 = footprints of buildings (建筑物; not 构筑物 or 堆场) ÷ construction land
``investment_wan_per_*``  工业用地固定资产投入强度 = industrial parcels' fixed-asset investment ÷ their land (per 公顷
                          and per 亩; parcels split across zones by area)
``tax_wan_per_*``         地均税收 = parcels' tax ÷ the land of the parcels that record it
``unsupplied_rate``       批而未供率 = approved land not supplied ÷ approved land
``idle_rate``             闲置土地率 = idle land (the 供而未用 audit's idle statuses) ÷ supplied
``expired_disposal_rate`` 到期项目用地处置率: no input records a project's land-use term and its disposal: empty
``years_of_supply_left``  尚可供应年限 = (planned construction land − supplied) ÷ mean yearly supply over
                          ``zones.supply_window_years``
``far_uplift_m2``         (``zones.industrial_far_target`` − industrial_far) × 工矿仓储 land, floor area to gain
``suspend_new_industrial`` idle industrial land > ``zones.suspend_idle_industrial_share`` × industrial land supplied
                          in the last ``zones.suspension_window_years`` (a local rule, off in cn-national)
========================  =====================================================================================

and the zone's land inside and outside the growth boundary, on PBF and on the ecological red line.

Examples
--------
A 100 m × 100 m zone, its western 60 m supplied and built as 工业用地 (0601), one two-storey building of
30 m × 20 m on it: 土地供应率 1.0 (the supply is all the land ready), 建成率 1.0, 综合容积率 = 1 200 m² ÷ 6 000 m² = 0.2.

>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> crs = "EPSG:4547"
>>> z = gpd.GeoDataFrame({"开发区代码": ["Z1"]}, geometry=[box(500000, 3800000, 500100, 3800100)], crs=crs)
>>> s = gpd.GeoDataFrame({"合同编号": ["S1"], "签订日期": ["2024-01-01"]},
...                      geometry=[box(500000, 3800000, 500060, 3800100)], crs=crs)
>>> lu = gpd.GeoDataFrame({"BSM": ["1", "2"], "DLBM": ["0601", "0103"]},
...                       geometry=[box(500000, 3800000, 500060, 3800100), box(500060, 3800000, 500100, 3800100)],
...                       crs=crs)
>>> b = gpd.GeoDataFrame({"幢号": ["B1"], "层数": [2]}, geometry=[box(500010, 3800010, 500040, 3800030)], crs=crs)
>>> r = zone_indicators(z, supplies=s, landuse=lu, buildings=b, as_of="2026-06-30", area_method="planar")
>>> r[["supply_rate", "built_rate", "industrial_share", "far"]].round(3).values.tolist()
[[1.0, 1.0, 1.0, 0.2]]
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..area import AreaMethod, check_area_method, layer_areas, piece_areas
from ..audit_date import to_date
from ..result import AuditLog, NoteList, deliver
from ..rules import RuleSet, resolve_rules
from ..scale import Backend
from ..schema import F, LayerSchema, register_schema
from ..spec import RULE, AuditSpec, Column, FigureSpec, InputSpec, OutputSpec, ParamSpec, RunContext, Status
from ..units import M2_PER_HA, M2_PER_MU
from ..validate import prepare_layers
from ._fast import overlay_pairs
from .codes import code_table, normalise_codes
from .intensity import _check_overlaps

__all__ = ["PLAN_SCHEMA", "SPEC", "STATUS", "ZONES_SCHEMA", "zone_indicators"]

ZONES_SCHEMA = register_schema(LayerSchema(
    kind="zones",
    label_zh="开发区",
    id_field="zone_id",
    description="Development zones (开发区, 园区, 工业集中区): the approved extent of each zone, one polygon per zone.",
    fields=(
        F("zone_id", "str", "开发区代码", "开发区代码", "开发区编号", "园区代码", "园区编号", "编号", "KFQDM", "KFQBH",
          "YQDM", "BSM", required=True),
        F("name", "str", "开发区名称", "开发区名称", "园区名称", "名称", "KFQMC", "YQMC", "MC", "NAME"),
        F("level", "str", "级别", "级别", "开发区级别", "园区级别", "KFQJB", "JB"),
        F("planned_construction_ha", "float", "规划建设用地面积(公顷)", "规划建设用地面积", "规划建设用地", "GHJSYDMJ",
          unit="公顷", description="The zone's planned construction land as its plan records it (公顷); "
                                  "尚可供应年限 reads it."),
    ),
))

#: the ``plan`` layer kind (规划用途 patches, 用地用海 codes) is the one the project red-line checks declare
from ..project._schema import PLAN_SCHEMA  # noqa: E402  (registers it)

#: the 40 % test per zone (``status``; ``status_zh`` its label)
STATUS: tuple[Status, ...] = (
    Status("suspend", "暂停新增工业用地供应", "suspend new industrial supply", "#d62728", grave=True, counted=True),
    Status("pass", "未超过闲置比例", "under the idle share", "#2ca02c"),
    Status("not_judged", "未判定", "not judged", "#969696"),
)
STATUS_ZH = {s.code: s.label_zh for s in STATUS}
FIGURES = (
    FigureSpec("suspend", "个开发区暂停新增工业用地", "zones to suspend new industrial land", statuses=("suspend",),
               grave=True),
    FigureSpec("idle_mu", "开发区闲置土地", "idle land in the zones", "idle_mu", (), "亩", 2, grave=True),
    FigureSpec("unsupplied_mu", "开发区批而未供", "approved not supplied in the zones", "unsupplied_mu", (), "亩", 2),
)

_EMPTY = shapely.Polygon()


class _Geo:
    """Per-zone unions and areas in one working CRS, by one area method."""

    def __init__(self, zone_geoms: np.ndarray, crs: Any, method: AreaMethod, backend: Backend | None):
        self.zones = zone_geoms
        self.n = len(zone_geoms)
        self.crs = crs
        self.method = method
        self.backend = backend

    def area(self, geoms) -> np.ndarray:
        return piece_areas(np.asarray(geoms, dtype=object), self.crs, self.method)

    def pairs(self, geoms) -> pd.DataFrame:
        """(small, big, geometry) pieces of ``geoms`` inside each zone (one row per pair, pieces merged)."""
        return overlay_pairs(np.asarray(geoms, dtype=object), self.zones, merge=True, backend=self.backend)

    def union(self, geoms) -> np.ndarray:
        """Per zone, the union of ``geoms`` inside it (empty where none)."""
        out = np.full(self.n, _EMPTY, dtype=object)
        if geoms is None or len(geoms) == 0:
            return out
        pairs = self.pairs(geoms)
        for z, grp in pairs.groupby("big", sort=False):
            out[int(z)] = shapely.union_all(grp["geometry"].to_numpy())
        return out


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    return np.divide(num, den, out=np.full(len(num), np.nan), where=np.isfinite(den) & (den > 0) & np.isfinite(num))


def _dated(frame: gpd.GeoDataFrame | None, field: str, as_of, what: str, notes: list[str]) -> gpd.GeoDataFrame | None:
    """The features dated on or before the audit date (a later one is not an approval / supply yet)."""
    if frame is None:
        return None
    date = pd.to_datetime(frame[field], errors="coerce")
    later = (date > pd.Timestamp(as_of)).to_numpy()
    if later.any():
        notes.append(f"[zone_indicators] {int(later.sum())} {what} dated after the audit date {as_of} left out "
                     f"(not one yet on that date)")
    return frame.loc[~later]


def _industrial(values, standards, rules: RuleSet) -> np.ndarray:
    """Whether each land use reads as industrial land, as the 用而不足 audit reads it (underused.* keys)."""
    from ..overlay.underused import read_land_use

    std = standards if standards is not None else [None] * len(values)
    return np.array([read_land_use(v, s, rules)[0] == "industrial" for v, s in zip(values, std, strict=True)],
                    dtype=bool)


def _col(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)


def _indicators(zones: gpd.GeoDataFrame, *, approvals=None, supplies=None, idle_land=None, parcels=None,
                buildings=None, landuse=None, plan=None, growth_boundary=None, farmland=None, eco_redline=None,
                as_of=None, rules: RuleSet, area_method: AreaMethod, crs, classification: str = "tdt1055-2019",
                plan_classification: str = "ydyh2023", backend: Backend | None = None
                ) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The ``zone_indicators`` table of validated layers (working CRS, canonical fields), and its notes."""
    notes: list[str] = []
    tol = float(rules.value("zones.overlap_tolerance_m2"))
    notes += _check_overlaps(zones, "zone_id", "zones", tol, f"zones.overlap_tolerance_m2={tol:g} m2",
                             what="development zones")
    geo = _Geo(zones.geometry.to_numpy(), crs, area_method, backend)
    n = geo.n
    missing: list[list[str]] = [[] for _ in range(n)]  # per zone: the indicators left empty, and why

    def empty(name: str, why: str, rows=None) -> None:
        for i in (range(n) if rows is None else np.flatnonzero(rows)):
            missing[i].append(f"{name}: {why}")

    def ratio(name: str, num, den, why_zero: str) -> np.ndarray:
        out = _ratio(num, den)
        zero = np.isfinite(np.asarray(den, dtype=float)) & ~(np.asarray(den, dtype=float) > 0)
        if zero.any():
            empty(name, why_zero, zero)
        return out

    area = layer_areas(geo.zones, crs, area_method)
    nan = np.full(n, np.nan)
    as_of_ts = pd.Timestamp(as_of) if as_of is not None else None
    cite: list[str] = []

    # -- 批, 供: approved, supplied, ready for supply --------------------------------------------------------------
    approvals = _dated(approvals, "approval_date", as_of, "approval(s)", notes) if approvals is not None else None
    supplies = _dated(supplies, "supply_date", as_of, "supply(ies)", notes) if supplies is not None else None
    app_u = geo.union(approvals.geometry.to_numpy()) if approvals is not None else None
    sup_u = geo.union(supplies.geometry.to_numpy()) if supplies is not None else None
    approved = geo.area(app_u) if app_u is not None else nan.copy()
    supplied = geo.area(sup_u) if sup_u is not None else nan.copy()
    if app_u is None and sup_u is None:
        ready = nan.copy()
        empty("development_rate, supply_rate", "no approvals or supplies given")
    else:
        parts = [u for u in (app_u, sup_u) if u is not None]
        ready = geo.area(shapely.union(parts[0], parts[1]) if len(parts) == 2 else parts[0])
    if sup_u is None:
        empty("supply_rate, built_rate, idle_rate, years_of_supply_left", "no supplies given")
    if app_u is None:
        empty("unsupplied_rate", "no approvals given")
    # 土地开发率's denominator is the zone's 可开发建设土地: its area less the land that cannot be built on (rivers,
    # lakes ...: zones.unbuildable_codes of the land-use layer); without a land-use layer nothing can be deducted
    unbuildable = nan.copy()
    if landuse is not None:
        table = code_table(classification)
        no_build = set(rules.value("zones.unbuildable_codes", table.name) or ())
        is_nb = normalise_codes(landuse["land_use_code"]).isin(no_build).fillna(False).to_numpy(bool)
        unbuildable = geo.area(geo.union(landuse.geometry.to_numpy()[is_nb]))
        buildable = area - unbuildable
        cite.append(f"可开发建设土地 = 开发区面积 − 不可建设土地 ({rules.cite('zones.unbuildable_codes', table.name)})")
    else:
        buildable = area.copy()
        notes.append("[zone_indicators] no land-use layer (三调 地类图斑) given: 不可建设土地 (rivers, lakes: "
                     "zones.unbuildable_codes) not deducted, so 土地开发率 is read against each zone's whole area")
    development_rate = ratio("development_rate", ready, buildable, "the zone has no land that can be built on")
    supply_rate = ratio("supply_rate", supplied, ready, "no land of the zone is approved or supplied")
    if app_u is not None and sup_u is not None:
        unsupplied = geo.area(shapely.difference(app_u, sup_u))
    else:
        unsupplied = nan.copy()
    unsupplied_rate = ratio("unsupplied_rate", unsupplied, approved, "no approved land in the zone")
    cite.append("土地开发率 = (报批 ∪ 供地) ÷ 可开发建设土地; 土地供应率 = 供地 ÷ (报批 ∪ 供地); 批而未供率 = (报批 − 供地) ÷ 报批")

    # -- 三调: construction land, 工矿仓储, built ----------------------------------------------------------------------
    cons_u: np.ndarray | None = None
    ind_u: np.ndarray | None = None
    if landuse is not None:
        table = code_table(classification)
        look = table.lookup(landuse["land_use_code"])
        is_cons = look["construction"].fillna(False).to_numpy(bool)
        codes = set(rules.value("zones.industrial_storage_codes", table.name) or ())
        is_ind = normalise_codes(landuse["land_use_code"]).isin(codes).fillna(False).to_numpy(bool)
        lu_geoms = landuse.geometry.to_numpy()
        cons_u = geo.union(lu_geoms[is_cons])
        ind_u = geo.union(lu_geoms[is_ind])
        construction = geo.area(cons_u)
        industrial = geo.area(ind_u)
        built = geo.area(shapely.intersection(cons_u, sup_u)) if sup_u is not None else nan.copy()
        cite.append(f"建设用地 and 工矿仓储 by {table.name} codes ({rules.cite('zones.industrial_storage_codes', table.name)})")
    else:
        construction = industrial = built = nan.copy()
        empty("built_rate, industrial_share, far, industrial_far, building_density, far_uplift_m2",
              "no land-use layer (三调 地类图斑) given: construction land unknown")
    built_rate = ratio("built_rate", built, supplied, "nothing supplied in the zone")
    industrial_share = ratio("industrial_share", industrial, construction, "no construction land in the zone")
    cite.append("土地建成率 = 供地中的建设用地 ÷ 供地; 工业用地率 = 工矿仓储 ÷ 建设用地")

    # -- buildings: floor area, footprints --------------------------------------------------------------------------
    floor = footprint = ind_floor = nan.copy()
    if buildings is not None:
        from ..overlay.underused import building_floor_area, building_kinds

        bgeoms = buildings.geometry.to_numpy()
        whole = geo.area(bgeoms)
        fa, _ = building_floor_area(buildings, whole, float(rules.value("underused.storey_double_height_m")))
        kind = building_kinds(buildings)
        pairs = geo.pairs(bgeoms)
        floor = np.zeros(n)
        footprint = np.zeros(n)
        ind_floor = np.zeros(n) if ind_u is not None else nan.copy()
        if len(pairs):
            s = pairs["small"].to_numpy()
            z = pairs["big"].to_numpy()
            piece = geo.area(pairs["geometry"].to_numpy())
            share = np.divide(piece, whole[s], out=np.zeros(len(s)), where=whole[s] > 0)
            floor = np.bincount(z, weights=fa[s] * share, minlength=n)
            is_b = kind[s] == "building"
            footprint = np.bincount(z[is_b], weights=piece[is_b], minlength=n)
            if ind_u is not None:
                on_ind = geo.area(shapely.intersection(pairs["geometry"].to_numpy(), ind_u[z]))
                frac = np.divide(on_ind, whole[s], out=np.zeros(len(s)), where=whole[s] > 0)
                ind_floor = np.bincount(z, weights=fa[s] * frac, minlength=n)
        cite.append("容积率 = 建筑面积 ÷ 用地 (建筑面积, else 基底 × 层数; "
                    + rules.cite("underused.storey_double_height_m") + "); 建筑密度 = 建筑物基底 ÷ 建设用地")
    else:
        empty("far, industrial_far, building_density, far_uplift_m2", "no buildings layer given")
    far = ratio("far", floor, construction, "no construction land in the zone")
    building_density = ratio("building_density", footprint, construction, "no construction land in the zone")
    industrial_far = ratio("industrial_far", ind_floor, industrial, "no 工矿仓储 land in the zone")
    target = float(rules.value("zones.industrial_far_target"))
    far_uplift = np.where(np.isfinite(industrial_far), np.maximum(target - industrial_far, 0.0) * industrial, np.nan)
    cite.append(rules.cite("zones.industrial_far_target"))

    # -- parcels: investment, tax -------------------------------------------------------------------------------------
    inv = inv_land = tax = tax_land = nan.copy()
    if parcels is not None:
        pgeoms = parcels.geometry.to_numpy()
        whole = geo.area(pgeoms)
        ind = _industrial(parcels["land_use"].to_numpy() if "land_use" in parcels else [None] * len(parcels),
                          parcels["land_use_standard"].to_numpy() if "land_use_standard" in parcels else None, rules)
        invest = _col(parcels, "total_investment_wan")
        taxes = _col(parcels, "tax_wan")
        pairs = geo.pairs(pgeoms)
        inv, inv_land, tax, tax_land = (np.zeros(n) for _ in range(4))
        if len(pairs):
            s = pairs["small"].to_numpy()
            z = pairs["big"].to_numpy()
            piece = geo.area(pairs["geometry"].to_numpy())
            share = np.divide(piece, whole[s], out=np.zeros(len(s)), where=whole[s] > 0)
            has_inv = ind[s] & np.isfinite(invest[s])
            inv = np.bincount(z[has_inv], weights=(invest[s] * share)[has_inv], minlength=n)
            inv_land = np.bincount(z[has_inv], weights=piece[has_inv], minlength=n)
            has_tax = np.isfinite(taxes[s])
            tax = np.bincount(z[has_tax], weights=(taxes[s] * share)[has_tax], minlength=n)
            tax_land = np.bincount(z[has_tax], weights=piece[has_tax], minlength=n)
        cite.append("投入强度 = 工业宗地固定资产投资 ÷ 其用地; 地均税收 = 宗地税收 ÷ 记录税收的宗地用地 (工业用地 read as "
                    + rules.cite("underused.industrial_land_uses") + ")")
    else:
        empty("investment_wan_per_ha, tax_wan_per_ha", "no parcels layer given")
    inv_ha = ratio("investment_wan_per_ha", inv, inv_land / M2_PER_HA,
                   "no industrial parcel in the zone records its fixed-asset investment (固定资产投资)")
    tax_ha = ratio("tax_wan_per_ha", tax, tax_land / M2_PER_HA, "no parcel in the zone records its tax (税收)")

    # -- 闲置 idle land (the 供而未用 audit's result) ------------------------------------------------------------------
    from ..overlay.idle import IDLE_STATUSES

    idle = idle_ind = nan.copy()
    if idle_land is not None and sup_u is not None:
        is_idle = idle_land["status"].isin(IDLE_STATUSES).to_numpy()
        idle_u = geo.union(idle_land.geometry.to_numpy()[is_idle])
        idle = geo.area(idle_u)
        ind_idle = is_idle & _industrial(idle_land["land_use"].to_numpy() if "land_use" in idle_land
                                         else [None] * len(idle_land), None, rules)
        idle_ind = geo.area(geo.union(idle_land.geometry.to_numpy()[ind_idle]))
        cite.append("闲置土地率 = 闲置土地 (供而未用: " + ", ".join(IDLE_STATUSES) + ") ÷ 供地")
    elif sup_u is not None:
        empty("idle_rate", "the 供而未用 audit's result is not available")
    idle_rate = ratio("idle_rate", idle, supplied, "nothing supplied in the zone")

    # -- 到期项目用地处置率 ------------------------------------------------------------------------------------------------
    expired = nan.copy()
    empty("expired_disposal_rate", "no input records a project's land-use term (出让年限) and its disposal")

    # -- 尚可供应年限 ------------------------------------------------------------------------------------------------------
    planned = nan.copy()
    source = np.full(n, "", dtype=object)
    recorded = _col(zones, "planned_construction_ha") * M2_PER_HA
    has_rec = np.isfinite(recorded)
    planned[has_rec] = recorded[has_rec]
    source[has_rec] = "开发区记录 规划建设用地面积"
    if plan is not None:
        ptable = code_table(plan_classification)
        pcons = ptable.lookup(plan["plan_use_code"])["construction"].fillna(False).to_numpy(bool)
        from_plan = geo.area(geo.union(plan.geometry.to_numpy()[pcons]))
        planned[~has_rec] = from_plan[~has_rec]
        source[~has_rec] = f"规划用地图层 ({ptable.name} 建设用地)"
    elif (~has_rec).any():
        empty("years_of_supply_left", "the zone records no 规划建设用地面积 and no plan layer is given", ~has_rec)
    window = int(rules.value("zones.supply_window_years"))
    recent = nan.copy()
    if supplies is not None and as_of_ts is not None:
        d = pd.to_datetime(supplies["supply_date"], errors="coerce")
        in_win = ((d > as_of_ts - pd.DateOffset(years=window)) & (d <= as_of_ts)).to_numpy()
        recent = geo.area(geo.union(supplies.geometry.to_numpy()[in_win]))
    yearly = recent / window
    left = np.clip(planned - supplied, 0.0, None)
    over = np.isfinite(planned) & np.isfinite(supplied) & (supplied > planned)
    if over.any():
        notes.append(f"[zone_indicators] supplied land exceeds the planned construction land in "
                     f"{int(over.sum())} zone(s) ({', '.join(map(str, zones['zone_id'].to_numpy()[over]))}): "
                     "nothing left to supply (尚可供应年限 0)")
    years = ratio("years_of_supply_left", left, yearly,
                  f"nothing supplied in the zone in the {window} years before the audit date")
    cite.append(f"尚可供应年限 = (规划建设用地 − 已供) ÷ (近{window}年供地 ÷ {window}) "
                f"({rules.cite('zones.supply_window_years')})")

    # -- the 40 % test (local) ---------------------------------------------------------------------------------------
    share_rule = rules.value("zones.suspend_idle_industrial_share")
    window3 = int(rules.value("zones.suspension_window_years"))
    ind_recent = idle_share = nan.copy()
    if supplies is not None and as_of_ts is not None:
        d = pd.to_datetime(supplies["supply_date"], errors="coerce")
        in3 = ((d > as_of_ts - pd.DateOffset(years=window3)) & (d <= as_of_ts)).to_numpy()
        ind_s = _industrial(supplies["land_use"].to_numpy() if "land_use" in supplies else [None] * len(supplies),
                            None, rules)
        ind_recent = geo.area(geo.union(supplies.geometry.to_numpy()[in3 & ind_s]))
        idle_share = ratio("idle_industrial_share_3y", idle_ind, ind_recent,
                           f"no industrial land supplied in the zone in the {window3} years before the audit date")
    suspend = np.full(n, None, dtype=object)
    status = np.full(n, "not_judged", dtype=object)
    if share_rule is None:
        notes.append(f"[zone_indicators] 闲置工业用地比例 test not applied: {rules.label} has no "
                     "zones.suspend_idle_industrial_share (a local rule, 南京 栖霞区 practice: 40 %); "
                     "suspend_new_industrial is empty")
        empty("suspend_new_industrial", "the rule set does not apply the idle-share test")
    else:
        ok = np.isfinite(idle_share)
        hit = ok & (idle_share > float(share_rule))
        suspend[ok] = hit[ok]
        status[ok] = np.where(hit[ok], "suspend", "pass")
        cite.append("闲置工业用地 ÷ 近三年工业供地 > " + rules.cite("zones.suspend_idle_industrial_share") + "; "
                    + rules.cite("zones.suspension_window_years"))

    # -- 三区三线 ------------------------------------------------------------------------------------------------------
    def on(layer, name: str) -> np.ndarray:
        if layer is None:
            empty(name, "layer not given")
            return nan.copy()
        return geo.area(geo.union(layer.geometry.to_numpy()))

    in_gb = on(growth_boundary, "in_growth_boundary_m2")
    on_pbf = on(farmland, "on_pbf_m2")
    on_eco = on(eco_redline, "on_eco_redline_m2")

    missing_text = ["; ".join(m) for m in missing]
    if any(missing_text):
        shown = "; ".join(f"{zid}: {m}" for zid, m in zip(zones["zone_id"], missing_text, strict=True) if m)
        notes.append(f"[zone_indicators] indicators left empty (not 0): {shown}")
    out = pd.DataFrame({
        "zone_id": zones["zone_id"].to_numpy(),
        "name": zones["name"].to_numpy() if "name" in zones else None,
        "level": zones["level"].to_numpy() if "level" in zones else None,
        "area_m2": area, "area_mu": area / M2_PER_MU,
        "approved_m2": approved, "supplied_m2": supplied, "supplied_mu": supplied / M2_PER_MU,
        "unbuildable_m2": unbuildable, "buildable_m2": buildable,
        "ready_m2": ready, "development_rate": development_rate, "supply_rate": supply_rate,
        "unsupplied_m2": unsupplied, "unsupplied_mu": unsupplied / M2_PER_MU, "unsupplied_rate": unsupplied_rate,
        "construction_m2": construction, "built_m2": built, "built_rate": built_rate,
        "industrial_m2": industrial, "industrial_share": industrial_share,
        "floor_area_m2": floor, "far": far, "industrial_floor_area_m2": ind_floor, "industrial_far": industrial_far,
        "footprint_m2": footprint, "building_density": building_density, "far_uplift_m2": far_uplift,
        "investment_wan": inv, "investment_land_m2": inv_land,
        "investment_wan_per_ha": inv_ha, "investment_wan_per_mu": inv_ha * M2_PER_MU / M2_PER_HA,
        "tax_wan": tax, "tax_land_m2": tax_land, "tax_wan_per_ha": tax_ha, "tax_wan_per_mu": tax_ha * M2_PER_MU / M2_PER_HA,
        "idle_m2": idle, "idle_mu": idle / M2_PER_MU, "idle_rate": idle_rate,
        "expired_disposal_rate": expired,
        "planned_construction_m2": planned, "planned_source": source,
        "supplied_recent_m2": recent, "years_of_supply_left": years,
        "idle_industrial_m2": idle_ind, "industrial_supply_3y_m2": ind_recent,
        "idle_industrial_share_3y": idle_share, "suspend_new_industrial": pd.array(suspend, dtype="boolean"),
        "status": status, "status_zh": [STATUS_ZH[s] for s in status],
        "in_growth_boundary_m2": in_gb, "outside_growth_boundary_m2": area - in_gb,
        "on_pbf_m2": on_pbf, "on_eco_redline_m2": on_eco,
        "not_computed": missing_text,
        "rule": f"{rules.label} TD/T 1029-2019 as read by redline (not checked against the official text): "
                + "; ".join(cite),
    })
    frame = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geo.zones, crs=zones.crs), crs=zones.crs)
    return frame, notes


def zone_indicators(zones, *, approvals=None, supplies=None, parcels=None, buildings=None, landuse=None, plan=None,
                    growth_boundary=None, farmland=None, eco_redline=None, as_of=None, rules=None,
                    classification: str = "tdt1055-2019", plan_classification: str = "ydyh2023",
                    area_method: AreaMethod = "ellipsoidal", crs=None, strict: bool = False,
                    log: AuditLog | None = None, backend: Backend | None = None) -> gpd.GeoDataFrame:
    """开发区土地集约利用评价: the TD/T 1029-2019 indicators of each development zone (fields in the module docstring).

    Parameters
    ----------
    zones : GeoDataFrame
        Development zones (开发区), id ``zone_id`` (开发区代码); ``planned_construction_ha`` (规划建设用地面积)
        when recorded. Zones may not overlap (``zones.overlap_tolerance_m2``).
    approvals, supplies, parcels, buildings, landuse, plan, growth_boundary, farmland, eco_redline : GeoDataFrame
        Each optional: an indicator whose input is missing is empty (NaN), and a note says so. The idle land is
        the 供而未用 audit (:func:`redline.overlay.supplied_not_used`) run on ``supplies`` and ``buildings``.
    as_of : date or str
        The audit date (needed with approvals or supplies): later approvals and supplies are left out, the supply
        windows end there.
    rules : RuleSet, name or path
        ``zones.*``; the 40 % test applies only with ``zones.suspend_idle_industrial_share`` (e.g. ``qixia-example``).
    classification, plan_classification : str
        The code tables of ``landuse`` (三调, default) and ``plan`` (用地用海分类, default).
    area_method, crs, strict, log, backend
        As for the other audits.
    """
    check_area_method(area_method)
    ruleset = resolve_rules(rules)
    given = {"zones": zones, "approvals": approvals, "supplies": supplies, "parcels": parcels,
             "buildings": buildings, "landuse": landuse, "plan": plan, "growth_boundary": growth_boundary,
             "farmland": farmland, "eco_redline": eco_redline}
    if (approvals is not None or supplies is not None) and as_of is None:
        raise TypeError("as_of is required with approvals or supplies: the date the zones are evaluated at, "
                        "e.g. as_of='2026-06-30'")
    day = to_date(as_of) if as_of is not None else None
    prep = prepare_layers({k: (v, k) for k, v in given.items() if v is not None}, crs=crs, strict=strict)
    lay = prep.layers
    idle = None
    idle_log = AuditLog()
    if lay.get("supplies") is not None:
        from ..overlay import supplied_not_used

        idle = supplied_not_used(lay["supplies"], lay.get("buildings"), as_of=day, rules=ruleset,
                                 area_method=area_method, strict=strict, log=idle_log, backend=backend)
    out, notes = _indicators(lay["zones"], approvals=lay.get("approvals"), supplies=lay.get("supplies"),
                             idle_land=idle, parcels=lay.get("parcels"), buildings=lay.get("buildings"),
                             landuse=lay.get("landuse"), plan=lay.get("plan"),
                             growth_boundary=lay.get("growth_boundary"), farmland=lay.get("farmland"),
                             eco_redline=lay.get("eco_redline"), as_of=day, rules=ruleset, area_method=area_method,
                             crs=prep.working.crs, classification=classification,
                             plan_classification=plan_classification, backend=backend)
    deliver(AuditLog(rejected=prep.rejected.to_dict("records"),
                     notes=NoteList(prep.note_lines() + list(idle_log.notes) + notes), rules=ruleset.label,
                     area_method=area_method, working_crs=str(prep.working), as_of=day),
            log, "zone_indicators")
    return out


def _run(layers: Mapping[str, Any], params: Mapping[str, Any], ctx: RunContext) -> dict[str, pd.DataFrame]:
    ctx.report("开发区土地集约利用评价 zone indicators", 0.0)
    out, notes = _indicators(
        layers["zones"], approvals=layers.get("approvals"), supplies=layers.get("supplies"),
        idle_land=layers.get("idle_land"), parcels=layers.get("parcels"), buildings=layers.get("buildings"),
        landuse=layers.get("landuse"), plan=layers.get("plan"), growth_boundary=layers.get("growth_boundary"),
        farmland=layers.get("farmland"), eco_redline=layers.get("eco_redline"), as_of=ctx.as_of, rules=ctx.rules,
        area_method=ctx.area_method, crs=ctx.crs.crs if ctx.crs is not None else layers["zones"].crs,
        classification=params.get("classification") or "tdt1055-2019",
        plan_classification=params.get("plan_classification") or "ydyh2023", backend=ctx.backend)
    ctx.notes.extend(notes)
    return {"zone_indicators": out}


def _pct(v: float) -> str:
    return "—" if not np.isfinite(v) else f"{v:.1%}"


def _summary(outputs: Mapping[str, Any]) -> list[str]:
    z = outputs.get("zone_indicators")
    if z is None or len(z) == 0:
        return []
    parts = []
    for r in z.itertuples(index=False):
        parts.append(f"{r.name or r.zone_id} 供应率 {_pct(r.supply_rate)}, 建成率 {_pct(r.built_rate)}, "
                     f"闲置率 {_pct(r.idle_rate)}")
    sus = z[z["status"] == "suspend"]
    tail = (f"; {len(sus)} to suspend new industrial land ({', '.join(map(str, sus['name'].fillna(sus['zone_id'])))})"
            if len(sus) else "")
    return [f"开发区 zone indicators: {len(z)} zones ({'; '.join(parts)}){tail}"]


L = partial(Column, ledger=True)
X = Column
COLUMNS = (
    L("zone_id", "text", "开发区代码", "Zone id", "id"),
    L("name", "text", "开发区名称", "Zone"),
    L("level", "text", "级别", "Level"),
    L("area_mu", "mu", "开发区面积(亩)", "Zone area"),
    L("development_rate", "ratio", "土地开发率", "Land development rate", total=False),
    L("supply_rate", "ratio", "土地供应率", "Land supply rate", total=False),
    L("built_rate", "ratio", "土地建成率", "Land built rate", total=False),
    L("industrial_share", "ratio", "工业用地率", "Industrial land share", total=False),
    L("far", "float", "综合容积率", "Overall plot ratio", total=False),
    L("industrial_far", "float", "工业用地综合容积率", "Industrial plot ratio", total=False),
    L("building_density", "ratio", "建筑密度", "Building density", total=False),
    L("investment_wan_per_ha", "float", "工业用地固定资产投入强度(万元/公顷)", "Industrial investment intensity",
      total=False, unit="万元/公顷"),
    L("investment_wan_per_mu", "float", "工业用地固定资产投入强度(万元/亩)", "Industrial investment intensity",
      total=False, unit="万元/亩"),
    L("tax_wan_per_ha", "float", "地均税收(万元/公顷)", "Tax per land", total=False, unit="万元/公顷"),
    L("tax_wan_per_mu", "float", "地均税收(万元/亩)", "Tax per land", total=False, unit="万元/亩"),
    L("unsupplied_mu", "mu", "批而未供(亩)", "Approved not supplied"),
    L("unsupplied_rate", "ratio", "批而未供率", "Unsupplied share of approved land", total=False),
    L("idle_mu", "mu", "闲置土地(亩)", "Idle land"),
    L("idle_rate", "ratio", "闲置土地率", "Idle share of supplied land", total=False),
    L("expired_disposal_rate", "ratio", "到期项目用地处置率", "Expired project land disposed", total=False),
    L("years_of_supply_left", "float", "尚可供应年限(年)", "Years of supply left", total=False, unit="年"),
    L("far_uplift_m2", "m2", "容积率提升潜力(建筑面积, 平方米)", "Floor area from raising the industrial plot ratio"),
    L("idle_industrial_share_3y", "ratio", "闲置工业用地占近三年工业供地比例", "Idle industrial ÷ industrial supply "
      "of the window", total=False),
    L("suspend_new_industrial", "bool", "暂停新增工业用地", "Suspend new industrial land", "status",
      description="empty where the test is not applied or cannot be judged"),
    L("status_zh", "text", "闲置比例判定", "Idle-share test (Chinese)", "status"),
    L("in_growth_boundary_m2", "m2", "城镇开发边界内(平方米)", "Inside the growth boundary"),
    L("outside_growth_boundary_m2", "m2", "城镇开发边界外(平方米)", "Outside the growth boundary"),
    L("on_pbf_m2", "m2", "占永久基本农田(平方米)", "On permanent basic farmland"),
    L("on_eco_redline_m2", "m2", "占生态保护红线(平方米)", "On the ecological red line"),
    L("not_computed", "text", "未计算指标及原因", "Indicators left empty, and why", "reason"),
    RULE,
    X("status", "text", "闲置比例判定代码", "Idle-share test", "status", description="suspend, pass, not_judged"),
    X("area_m2", "m2", "开发区面积(平方米)", "Zone area"),
    X("approved_m2", "m2", "已批准(平方米)", "Approved land"),
    X("supplied_m2", "m2", "已供应(平方米)", "Supplied land"),
    X("supplied_mu", "mu", "已供应(亩)", "Supplied land"),
    X("unbuildable_m2", "m2", "不可建设土地(平方米)", "Land that cannot be built on (rivers, lakes ...)"),
    X("buildable_m2", "m2", "可开发建设土地(平方米)", "Land that can be built on (zone less unbuildable land)"),
    X("ready_m2", "m2", "已达到供地条件(平方米)", "Land ready for supply (approved or supplied)"),
    X("unsupplied_m2", "m2", "批而未供(平方米)", "Approved not supplied"),
    X("construction_m2", "m2", "建设用地(平方米)", "Construction land"),
    X("built_m2", "m2", "已建成供地(平方米)", "Supplied land built"),
    X("industrial_m2", "m2", "工矿仓储用地(平方米)", "Industrial and storage land"),
    X("floor_area_m2", "m2", "建筑面积(平方米)", "Floor area"),
    X("industrial_floor_area_m2", "m2", "工矿仓储用地上建筑面积(平方米)", "Floor area on industrial land"),
    X("footprint_m2", "m2", "建筑基底面积(平方米)", "Building footprint"),
    X("investment_wan", "wan", "工业宗地固定资产投资(万元)", "Industrial fixed-asset investment"),
    X("investment_land_m2", "m2", "记录投资的工业宗地(平方米)", "Industrial parcels with investment"),
    X("tax_wan", "wan", "宗地税收(万元)", "Tax"),
    X("tax_land_m2", "m2", "记录税收的宗地(平方米)", "Parcels with tax"),
    X("idle_m2", "m2", "闲置土地(平方米)", "Idle land"),
    X("planned_construction_m2", "m2", "规划建设用地(平方米)", "Planned construction land"),
    X("planned_source", "text", "规划建设用地来源", "Source of the planned construction land"),
    X("supplied_recent_m2", "m2", "近N年供地(平方米)", "Supplied in the window (zones.supply_window_years)"),
    X("idle_industrial_m2", "m2", "闲置工业用地(平方米)", "Idle industrial land"),
    X("industrial_supply_3y_m2", "m2", "近三年工业供地(平方米)", "Industrial supply in the window "
      "(zones.suspension_window_years)"),
)

_CLASSIFICATION = ParamSpec("classification", "choice", "tdt1055-2019", "地类分类", "Land-use classification",
                            help="三调工作分类 (TD/T 1055-2019) or 用地用海分类 (2023)",
                            choices=("tdt1055-2019", "ydyh2023"))

SPEC = AuditSpec(
    id="zone_indicators",
    label_zh="开发区土地集约利用评价",
    label_en="Development zone indicators",
    group="boundaries",
    inputs=(
        InputSpec("zones", "zones", True, "开发区", "Development zones",
                  help="开发区代码, 开发区名称, 级别, 规划建设用地面积(公顷)"),
        InputSpec("approvals", "approvals", False, "报批(征地)红线", "Approvals"),
        InputSpec("supplies", "supplies", False, "供地红线", "Supplies", help="签订日期, 土地用途 (and what 供而未用 reads)"),
        InputSpec("buildings", "buildings", False, "建筑物", "Buildings", help="层数, 建筑面积, 层高, 建筑类型"),
        InputSpec("parcels", "parcels", False, "宗地", "Parcels", help="土地用途, 固定资产投资, 年税收"),
        InputSpec("landuse", "landuse", False, "地类图斑", "Land-use patches", help="三调 DLTB with DLBM codes"),
        InputSpec("plan", "plan", False, "规划用地", "Planned land use",
                  help="用地用海 patches: the planned construction land of zones that do not record it"),
        InputSpec("growth_boundary", "growth_boundary", False, "城镇开发边界", "Urban growth boundary"),
        InputSpec("farmland", "farmland", False, "永久基本农田", "Permanent basic farmland"),
        InputSpec("eco_redline", "eco_redline", False, "生态保护红线", "Ecological red line"),
    ),
    params=(
        _CLASSIFICATION,
        ParamSpec("plan_classification", "choice", "ydyh2023", "规划地类分类", "Plan classification",
                  help="the code table of the plan layer: 用地用海分类 (2023) or 三调", choices=("ydyh2023", "tdt1055-2019")),
    ),
    outputs=(
        OutputSpec("zone_indicators", "开发区土地集约利用评价", "Development zone indicators", True, COLUMNS,
                   description="每个开发区的土地开发率、供应率、建成率、工业用地率、综合容积率、建筑密度、投入强度、"
                               "地均税收、批而未供率、闲置土地率、尚可供应年限、容积率提升潜力和闲置工业用地比例判定 "
                               "(按 TD/T 1029-2019 理解, 未与正式文本核对); 无法计算的指标为空并说明原因",
                   description_en="Per development zone: land development, supply and built rates, industrial share, "
                                  "plot ratios, building density, investment intensity, tax per land, unsupplied "
                                  "and idle shares, years of supply left, plot-ratio potential and the idle-share "
                                  "test (TD/T 1029-2019 as redline reads it, not checked against the official "
                                  "text); an indicator the inputs cannot give is empty, with the reason",
                   status_column="status", statuses=STATUS, figures=FIGURES),
    ),
    runner=_run,
    uses=("idle_land",),
    rules_keys=("zones.industrial_storage_codes", "zones.unbuildable_codes", "zones.industrial_far_target",
                "zones.supply_window_years", "zones.suspension_window_years", "zones.suspend_idle_industrial_share", "zones.overlap_tolerance_m2",
                "underused.storey_double_height_m", "underused.industrial_land_uses",
                "underused.land_use_classification_default", "underused.land_use_synonyms"),
    description_zh="按开发区计算 TD/T 1029-2019 土地集约利用评价指标, 及开发区在城镇开发边界、永久基本农田和生态保护红线上的面积",
    description_en="The TD/T 1029-2019 land-use intensity indicators of each development zone, and its land inside "
                   "the growth boundary, on permanent basic farmland and on the ecological red line.",
    summary=_summary,
)
