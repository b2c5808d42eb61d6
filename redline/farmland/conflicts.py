"""三区三线冲突: overlaps between permanent basic farmland, the urban growth boundary and the eco red line.

Output layer ``three_line_conflicts`` — **one row per connected overlap patch**: the overlap of one
farmland patch (or growth boundary) with one boundary (or red line) is computed exactly, and when it
falls apart into several disconnected polygons each is its own row (``part`` 1, 2, ...), because each
is a separate place to fix and a real conflict and a sliver may lie side by side. Pieces that only
the internal subdivision of a big boundary split apart are merged back first, so subdividing never
changes the rows.

Fields: ``conflict_id`` (FG-00001 farmland x growth, FE- farmland x eco, GE- growth x eco), ``kind``
(``farmland_growth`` | ``farmland_eco`` | ``growth_eco``), ``kind_zh``, ``left_layer``, ``left_id``,
``right_layer``, ``right_id``, ``farmland_id``, ``boundary_id``, ``redline_id`` (empty where not
involved), ``part``, ``area_m2``, ``area_mu``, ``perimeter_m``, ``width_m`` (2 x area / perimeter, the
mean width of a strip), ``is_sliver`` (area below ``farmland.sliver_max_area_m2`` or width below
``farmland.sliver_max_width_m``), ``sliver_reason`` (e.g. ``宽度 0.50 m < 2 m``), ``yields`` (the line that gives way:
``growth_boundary`` or ``farmland``), ``resolution_zh``, ``resolution_en`` (DOMAIN §2 precedence: eco red
line first, area not reduced; then PBF, quantity not reduced and quality not lowered; the growth
boundary avoids PBF), ``rule``, and with ``admin``: ``admin_code``, ``admin_name`` (the unit holding
most of the patch). Slivers are listed, never dropped.

Output table ``conflicts_by_unit`` (:func:`conflicts_by_unit`): per administrative unit, for each kind
``n_<kind>``, ``<kind>_m2``, ``<kind>_mu`` (slivers included), and ``sliver_count``, ``sliver_m2``,
``conflict_count``, ``conflict_m2``, ``conflict_mu`` (slivers excluded), ``rule``; a patch across a
unit border is split by area (and counted in each unit it touches).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..area import AreaMethod, check_area_method, piece_areas
from ..boundaries._fast import overlay_pairs
from ..result import AuditLog, NoteList, deliver
from ..rules import resolve_rules
from ..scale import Backend
from ..spec import Status
from ..units import M2_PER_MU
from ..validate import prepare_layers

__all__ = ["KIND", "KINDS", "conflicts", "conflicts_by_unit"]

KIND: tuple[Status, ...] = (
    Status("farmland_growth", "永久基本农田与城镇开发边界重叠", "farmland × growth boundary", "#d62728", grave=True,
           counted=True),
    Status("farmland_eco", "永久基本农田与生态保护红线重叠", "farmland × eco red line", "#2ca02c", grave=True,
           counted=True),
    Status("growth_eco", "城镇开发边界与生态保护红线重叠", "growth boundary × eco red line", "#9467bd", grave=True,
           counted=True),
)
KINDS = tuple(s.code for s in KIND)
KIND_ZH = {s.code: s.label_zh for s in KIND}
PREFIX = {"farmland_growth": "FG", "farmland_eco": "FE", "growth_eco": "GE"}
YIELDS = {"farmland_growth": "growth_boundary", "farmland_eco": "farmland", "growth_eco": "growth_boundary"}
RESOLUTION_ZH = {
    "farmland_growth": "永久基本农田优先于城镇开发边界 (城镇开发边界避让永久基本农田): 重叠部分保留为永久基本农田, "
                       "调整城镇开发边界, 将重叠部分调出开发边界 (永久基本农田数量不减少、质量不降低)",
    "farmland_eco": "生态保护红线优先 (生态保护红线面积不减少): 重叠部分保留在生态保护红线内, 调出永久基本农田, "
                    "在生态保护红线外按数量不减少、质量不降低补划永久基本农田",
    "growth_eco": "生态保护红线优先 (生态保护红线面积不减少; 城镇开发边界避让生态保护红线): 重叠部分保留在生态保护红线内, "
                  "调整城镇开发边界, 将重叠部分调出开发边界",
}
RESOLUTION_EN = {
    "farmland_growth": "PBF prevails over the growth boundary (the boundary avoids PBF): the overlap stays PBF; redraw "
                       "the growth boundary to leave it out (PBF quantity not reduced, quality not lowered).",
    "farmland_eco": "The ecological red line prevails (its area is not reduced): the overlap stays inside the red "
                    "line and leaves PBF (调出永久基本农田); replacement PBF of equal quantity and quality is "
                    "designated outside the red line (在红线外补划).",
    "growth_eco": "The ecological red line prevails (its area is not reduced; the growth boundary avoids it): the "
                  "overlap stays inside the red line; redraw the growth boundary to leave it out.",
}
LAYER_ID = {"farmland": "farmland_id", "growth_boundary": "boundary_id", "eco_redline": "redline_id"}

COLUMNS = ["conflict_id", "kind", "kind_zh", "left_layer", "left_id", "right_layer", "right_id", "farmland_id",
           "boundary_id", "redline_id", "part", "area_m2", "area_mu", "perimeter_m", "width_m", "is_sliver",
           "sliver_reason", "yields", "resolution_zh", "resolution_en", "rule"]


def _pairs_to_rows(pairs: pd.DataFrame, left: gpd.GeoDataFrame, right: gpd.GeoDataFrame, kind: str,
                   left_layer: str, right_layer: str) -> pd.DataFrame:
    if len(pairs) == 0:
        return pd.DataFrame(columns=["kind", "left_layer", "left_id", "right_layer", "right_id", "part", "geometry"])
    parts, idx = shapely.get_parts(pairs["geometry"].to_numpy(), return_index=True)
    keep = shapely.area(parts) > 0
    parts, idx = parts[keep], idx[keep]
    rows = pd.DataFrame({
        "kind": kind,
        "left_layer": left_layer,
        "left_id": left[LAYER_ID[left_layer]].to_numpy()[pairs["small"].to_numpy()[idx]],
        "right_layer": right_layer,
        "right_id": right[LAYER_ID[right_layer]].to_numpy()[pairs["big"].to_numpy()[idx]],
        "geometry": parts,
    })
    # largest part first within a pair, numbered 1, 2, ...
    rows["_area"] = shapely.area(parts)
    rows = rows.sort_values(["left_id", "right_id", "_area"], ascending=[True, True, False], kind="stable")
    rows["part"] = rows.groupby(["left_id", "right_id"]).cumcount() + 1
    return rows.drop(columns="_area")


def conflicts(farmland, growth_boundary, eco_redline=None, *, admin=None, rules=None,
              area_method: AreaMethod = "ellipsoidal", crs=None, strict: bool = False, as_of=None,
              max_vertices: int = 256, threads: int = 2, log: AuditLog | None = None,
              backend: Backend | None = None) -> gpd.GeoDataFrame:
    """三区三线冲突: every overlap patch between PBF, the growth boundary and the eco red line.

    Parameters
    ----------
    farmland : GeoDataFrame
        Permanent basic farmland (永久基本农田) patches; id field ``farmland_id`` (图斑编号, TBBH, BSM).
    growth_boundary : GeoDataFrame
        Urban development boundary (城镇开发边界); id ``boundary_id``.
    eco_redline : GeoDataFrame, optional
        Ecological protection red line (生态保护红线); id ``redline_id``. Without it only
        farmland x growth-boundary conflicts are checked.
    admin : GeoDataFrame, optional
        Administrative units; each conflict gets the ``admin_code``/``admin_name`` of the unit holding
        most of it. For the per-unit summary use :func:`conflicts_by_unit`.
    rules : RuleSet, name or path, optional
        ``farmland.sliver_max_area_m2``, ``farmland.sliver_max_width_m``, ``farmland.conflict_max_area_m2``.
    area_method : {"ellipsoidal", "planar"}
        Areas on the CGCS2000 ellipsoid (default, like 三调 TBMJ) or planar in the working CRS.
    crs : optional
        Working CRS (default: the CGCS2000 3-degree zone nearest the data).
    strict : bool
        Reject rather than repair invalid geometries.
    as_of : ignored
        Accepted for a uniform audit signature.
    max_vertices, threads : int
        Subdivision size of the big boundaries and worker threads (performance only; results do not
        depend on them).

    Returns
    -------
    GeoDataFrame ``three_line_conflicts`` in the working CRS (fields in the module docstring), sorted
    by kind, left id, right id and part; ``log`` (an :class:`~redline.result.AuditLog`) receives the
    rejected features, notes, rule set, area method and working CRS.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> pbf = gpd.GeoDataFrame({"farmland_id": ["F1"]}, geometry=[box(500000, 3500000, 500100, 3500100)],
    ...                        crs="EPSG:4545")
    >>> ugb = gpd.GeoDataFrame({"boundary_id": ["G1"]}, geometry=[box(500050, 3499000, 501000, 3501000)],
    ...                        crs="EPSG:4545")
    >>> c = conflicts(pbf, ugb, area_method="planar")
    >>> c[["kind", "farmland_id", "boundary_id", "area_m2", "area_mu"]].round(2).values.tolist()
    [['farmland_growth', 'F1', 'G1', 5000.0, 7.5]]
    """
    check_area_method(area_method)
    ruleset = resolve_rules(rules)
    layers = {"farmland": (farmland, "farmland"), "growth_boundary": (growth_boundary, "growth_boundary")}
    if eco_redline is not None:
        layers["eco_redline"] = (eco_redline, "eco_redline")
    if admin is not None:
        layers["admin"] = (admin, "admin")
    prep = prepare_layers(layers, crs=crs, strict=strict)
    result, touching = _conflicts_prepared(prep.layers, ruleset, area_method, prep.working, max_vertices, threads,
                                           backend)
    deliver(AuditLog(rejected=prep.rejected.to_dict("records"),
                     notes=NoteList(prep.note_lines() + ([touching] if touching else [])), rules=ruleset.label,
                     area_method=area_method, working_crs=str(prep.working)), log, "three_line_conflicts")
    return result


def _conflicts_prepared(layers, ruleset, area_method: AreaMethod, working, max_vertices=256,
                        threads=2, backend: Backend | None = None) -> tuple[gpd.GeoDataFrame, str]:
    """The conflicts of prepared layers, and the note on touching pieces left out ("" when none)."""
    crs = working.crs if hasattr(working, "crs") else working
    fl = layers["farmland"]
    gb = layers["growth_boundary"]
    eco = layers.get("eco_redline")
    frames = []
    pairs = overlay_pairs(fl.geometry.values, gb.geometry.values, max_vertices=max_vertices, threads=threads,
                          backend=backend)
    frames.append(_pairs_to_rows(pairs, fl, gb, "farmland_growth", "farmland", "growth_boundary"))
    if eco is not None:
        pairs = overlay_pairs(fl.geometry.values, eco.geometry.values, max_vertices=max_vertices, threads=threads,
                          backend=backend)
        frames.append(_pairs_to_rows(pairs, fl, eco, "farmland_eco", "farmland", "eco_redline"))
        pairs = overlay_pairs(gb.geometry.values, eco.geometry.values, max_vertices=max_vertices, threads=threads,
                          backend=backend)
        frames.append(_pairs_to_rows(pairs, gb, eco, "growth_eco", "growth_boundary", "eco_redline"))
    rows = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) else \
        pd.DataFrame(columns=["kind", "left_layer", "left_id", "right_layer", "right_id", "part", "geometry"])
    geoms = np.asarray(rows["geometry"].to_numpy(), dtype=object)
    area = piece_areas(geoms, crs, area_method) if len(rows) else np.empty(0)
    # Lines that share an edge intersect in round-off pieces (~1e-11 m²): they touch, they do not overlap.
    # Such pieces are left out of the rows and counted in the notes, so real slivers stay visible.
    tol = float(ruleset.value("geometry.area_tolerance_m2"))
    touching = area < tol
    n_touching = int(touching.sum())
    if n_touching:
        rows = rows.loc[~touching].reset_index(drop=True)
        geoms, area = geoms[~touching], area[~touching]
    perim = shapely.length(geoms) if len(rows) else np.empty(0)
    width = np.divide(2 * area, perim, out=np.zeros(len(rows)), where=perim > 0)
    min_area = float(ruleset.value("farmland.sliver_max_area_m2"))
    min_width = float(ruleset.value("farmland.sliver_max_width_m"))
    small_area = area < min_area
    thin = width < min_width
    sliver = small_area | thin
    base_rule = ruleset.cite("farmland.conflict_max_area_m2")
    cite_area = ruleset.cite("farmland.sliver_max_area_m2")
    cite_width = ruleset.cite("farmland.sliver_max_width_m")
    kinds = rows["kind"].to_numpy()
    out = pd.DataFrame({
        "kind": kinds,
        "kind_zh": [KIND_ZH[k] for k in kinds],
        "left_layer": rows["left_layer"].to_numpy(),
        "left_id": rows["left_id"].to_numpy(),
        "right_layer": rows["right_layer"].to_numpy(),
        "right_id": rows["right_id"].to_numpy(),
        "part": rows["part"].to_numpy().astype(np.int64) if len(rows) else np.empty(0, np.int64),
        "area_m2": area,
        "area_mu": area / M2_PER_MU,
        "perimeter_m": perim,
        "width_m": width,
        "is_sliver": sliver.astype(bool),
    })
    for layer, col in LAYER_ID.items():
        vals = np.full(len(out), None, dtype=object)
        for side in ("left", "right"):
            m = (out[f"{side}_layer"] == layer).to_numpy()
            vals[m] = out[f"{side}_id"].to_numpy()[m]
        out[col] = vals
    reasons, res_zh, res_en, rule = [], [], [], []
    for k, a, w, sa, th in zip(kinds, area, width, small_area, thin, strict=True):
        why, why_zh = [], []
        if sa:
            why.append(f"area {a:.1f} m2 < {min_area:g} m2")
            why_zh.append(f"面积 {a:.1f} m² < {min_area:g} m²")
        if th:
            why.append(f"width {w:.2f} m < {min_width:g} m")
            why_zh.append(f"宽度 {w:.2f} m < {min_width:g} m")
        reasons.append("; ".join(why_zh))
        if why:
            res_zh.append(f"疑似数字化碎片 ({'; '.join(why_zh)}): 先核实是否为边界套合误差, 按权威边界修边; 如属实际重叠: "
                          + RESOLUTION_ZH[k])
            res_en.append(f"Probable digitising sliver ({'; '.join(why)}): check it and snap the edges to the "
                          "authoritative line; if it is a real overlap: " + RESOLUTION_EN[k])
            rule.append("; ".join([base_rule] + ([cite_area] if sa else []) + ([cite_width] if th else [])))
        else:
            res_zh.append(RESOLUTION_ZH[k])
            res_en.append(RESOLUTION_EN[k])
            rule.append(base_rule)
    out["sliver_reason"] = reasons
    out["yields"] = [YIELDS[k] for k in kinds]
    out["resolution_zh"] = res_zh
    out["resolution_en"] = res_en
    out["rule"] = rule
    order = {k: i for i, k in enumerate(KINDS)}
    out["_k"] = out["kind"].map(order)
    out = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)
    out = out.sort_values(["_k", "left_id", "right_id", "part"], kind="stable").drop(columns="_k")
    out = out.reset_index(drop=True)
    counter = out.groupby("kind").cumcount() + 1
    out.insert(0, "conflict_id", [f"{PREFIX[k]}-{n:05d}" for k, n in zip(out["kind"], counter, strict=True)])
    if "admin" in layers and layers["admin"] is not None:
        adm = layers["admin"]
        code, name = _majority_unit(out, adm, crs, area_method, backend)
        out["admin_code"] = code
        out["admin_name"] = name
    out = out[[*COLUMNS, *(["admin_code", "admin_name"] if "admin_code" in out else []), "geometry"]]
    touching_note = (f"[three_line_conflicts] {n_touching} piece(s) under "
                f"{ruleset.cite('geometry.area_tolerance_m2')} left out: the lines share an edge "
                "there (round-off of the intersection), they do not overlap") if n_touching else ""
    return out, touching_note


def _unit_pairs(frame, adm, crs, area_method, backend: Backend | None = None) -> pd.DataFrame:
    pairs = overlay_pairs(frame.geometry.values, adm.geometry.values, merge=False, backend=backend)
    if len(pairs):
        pairs["area_m2"] = piece_areas(pairs["geometry"].to_numpy(), crs, area_method)
        pairs = pairs.groupby(["small", "big"], as_index=False)["area_m2"].sum()
    else:
        pairs["area_m2"] = np.empty(0)
    return pairs


def _majority_unit(out, adm, crs, area_method, backend: Backend | None = None):
    code = np.full(len(out), None, dtype=object)
    name = np.full(len(out), None, dtype=object)
    if len(out) == 0:
        return code, name
    pairs = _unit_pairs(out, adm, crs, area_method, backend)
    if len(pairs):
        best = pairs.sort_values("area_m2", ascending=False).drop_duplicates("small")
        code[best["small"].to_numpy()] = adm["admin_code"].to_numpy()[best["big"].to_numpy()]
        if "admin_name" in adm:
            name[best["small"].to_numpy()] = adm["admin_name"].to_numpy()[best["big"].to_numpy()]
    return code, name


def conflicts_by_unit(conflicts_frame, admin, *, rules=None, area_method: AreaMethod = "ellipsoidal", crs=None,
                      strict: bool = False, log: AuditLog | None = None,
                      backend: Backend | None = None) -> gpd.GeoDataFrame:
    """三区三线冲突汇总: conflict counts and areas per administrative unit.

    Parameters
    ----------
    conflicts_frame : GeoDataFrame
        The output of :func:`conflicts`.
    admin : GeoDataFrame
        Administrative units (行政区), id ``admin_code``.
    rules, area_method, crs, strict
        As for :func:`conflicts`.

    Returns
    -------
    GeoDataFrame ``conflicts_by_unit``: one row per unit (units without conflicts included, with zeros),
    fields in the module docstring, the unit's geometry.
    """
    check_area_method(area_method)
    ruleset = resolve_rules(rules)
    prep = prepare_layers({"admin": (admin, "admin")}, crs=crs if crs is not None else conflicts_frame.crs,
                          strict=strict)
    adm = prep.layers["admin"]
    frame = conflicts_frame.to_crs(adm.crs) if conflicts_frame.crs != adm.crs else conflicts_frame
    out = _by_unit(frame.reset_index(drop=True), adm, ruleset, area_method, prep.working.crs, backend)
    deliver(AuditLog(rejected=prep.rejected.to_dict("records"), notes=NoteList(prep.note_lines()),
                     rules=ruleset.label, area_method=area_method, working_crs=str(prep.working)),
            log, "conflicts_by_unit")
    return out


def _by_unit(frame, adm, ruleset, area_method, crs, backend: Backend | None = None) -> gpd.GeoDataFrame:
    n = len(adm)
    out = pd.DataFrame({"admin_code": adm["admin_code"].to_numpy(),
                        "admin_name": adm["admin_name"].to_numpy() if "admin_name" in adm else None})
    pairs = _unit_pairs(frame, adm, crs, area_method, backend) if len(frame) else pd.DataFrame(
        {"small": np.empty(0, int), "big": np.empty(0, int), "area_m2": np.empty(0)})
    kinds = frame["kind"].to_numpy()[pairs["small"].to_numpy()] if len(pairs) else np.empty(0, dtype=object)
    sliver = frame["is_sliver"].to_numpy()[pairs["small"].to_numpy()].astype(bool) if len(pairs) else \
        np.empty(0, bool)
    big = pairs["big"].to_numpy()
    area = pairs["area_m2"].to_numpy()
    for k in KINDS:
        m = kinds == k
        out[f"n_{k}"] = np.bincount(big[m], minlength=n).astype(np.int64)
        out[f"{k}_m2"] = np.bincount(big[m], weights=area[m], minlength=n)
        out[f"{k}_mu"] = out[f"{k}_m2"] / M2_PER_MU
    out["sliver_count"] = np.bincount(big[sliver], minlength=n).astype(np.int64)
    out["sliver_m2"] = np.bincount(big[sliver], weights=area[sliver], minlength=n)
    out["conflict_count"] = np.bincount(big[~sliver], minlength=n).astype(np.int64)
    out["conflict_m2"] = np.bincount(big[~sliver], weights=area[~sliver], minlength=n)
    out["conflict_mu"] = out["conflict_m2"] / M2_PER_MU
    out["rule"] = ruleset.cite("farmland.conflict_max_area_m2")
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(adm.geometry.values, crs=adm.crs), crs=adm.crs)
