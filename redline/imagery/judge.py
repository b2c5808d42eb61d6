"""Judging change patches (卫片图斑研判): the register (登记表) a bureau fills in."""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from ..area import AreaMethod, check_area_method, piece_areas
from ..crs import WorkingCRS, check_crs, choose_working_crs, is_metric_projected, to_working
from ..errors import CRSError, Problem, SchemaError, ValidationError
from ..rules import RuleSet, resolve_rules
from ..units import M2_PER_MU

__all__ = ["JUDGEMENTS", "JUDGEMENT_LABELS_ZH", "judge_patches"]

Judgement = Literal["approved_supplied", "approved_not_supplied", "unapproved", "unapproved_on_farmland"]

#: from the mildest to the gravest
JUDGEMENTS: tuple[str, ...] = ("approved_supplied", "approved_not_supplied", "unapproved", "unapproved_on_farmland")
JUDGEMENT_LABELS_ZH = {
    "approved_supplied": "已批已供",
    "approved_not_supplied": "已批未供",
    "unapproved": "未批先用",
    "unapproved_on_farmland": "未批占用永久基本农田",
}

_LAYERS = (("approvals", "approval_id", "approval_ids", "approved"),
           ("supplies", "supply_id", "supply_ids", "supplied"),
           ("farmland", "farmland_id", "farmland_ids", "farmland"))


def judge_patches(patches: gpd.GeoDataFrame, *, approvals: gpd.GeoDataFrame | None = None,
                  supplies: gpd.GeoDataFrame | None = None, farmland: gpd.GeoDataFrame | None = None,
                  rules: RuleSet | str | None = None, area_method: AreaMethod = "ellipsoidal") -> gpd.GeoDataFrame:
    """Judge each change patch against approvals, supplies and permanent basic farmland (卫片图斑研判).

    Parameters
    ----------
    patches : GeoDataFrame
        Change patches with ``patch_id`` (from :func:`redline.imagery.change_patches`, or the
        ministry's issued patches read with ``kind="change_patches"``).
    approvals : GeoDataFrame, optional
        Approved conversions (报批/农转用红线) with ``approval_id``.
    supplies : GeoDataFrame, optional
        Supplied land (供地红线) with ``supply_id``.
    farmland : GeoDataFrame, optional
        Permanent basic farmland (永久基本农田) with ``farmland_id``.
        Layers not given count as empty: without approvals no patch can be approved. Field names are
        redline's canonical ones (read layers with :func:`redline.io.read_layer` and a ``kind``).
    rules : RuleSet, name or path, optional
        Default ``cn-national``; thresholds ``imagery.min_overlap_ratio`` and
        ``imagery.min_farmland_overlap_m2``.
    area_method : {"ellipsoidal", "planar"}
        How overlap areas are measured (see :mod:`redline.area`).

    Returns
    -------
    GeoDataFrame
        The patches (same rows, order and CRS) with, added:

        - ``approval_ids``, ``supply_ids``, ``farmland_ids``: the overlapping features' ids,
          comma-separated, sorted (``""`` when none);
        - ``approved_m2``, ``supplied_m2``, ``farmland_m2`` (and ``_mu``): the area of the patch
          covered by the union of the overlapping approvals / supplies / farmland;
        - ``judgement`` and ``judgement_zh`` (one of :data:`JUDGEMENTS`) and ``rule``: the threshold
          behind the judgement.

        When the patches had no ``area_m2`` it is added (the patch's measured area). ``attrs`` holds
        ``working_crs``, ``area_method`` and which layers were given.

    Notes
    -----
    The decision rule, with ``r = imagery.min_overlap_ratio`` and ``A`` the patch's area measured
    like the overlaps:

    - *approved* when ``approved_m2 > 0`` and ``approved_m2 >= r * A``; *supplied* likewise with
      ``supplied_m2``; *on farmland* when ``farmland_m2 > imagery.min_farmland_overlap_m2``.
    - supplied (approved or not: existing construction land is supplied without a new 农转用
      approval, and a supply is itself the legal basis to build) → ``approved_supplied`` 已批已供;
    - approved, not supplied → ``approved_not_supplied`` 已批未供;
    - neither, on farmland → ``unapproved_on_farmland`` 未批占用永久基本农田, the gravest;
    - neither → ``unapproved`` 未批先用.

    An approved patch on farmland stays approved (the approval may cover the farmland, e.g. a
    State Council approval); its ``farmland_m2`` is still reported.

    All layers are brought to one metric CRS: the vector layers' own CRS when they share one that is
    projected in metres (the patches are reprojected to it), else a CGCS2000 3-degree zone
    (:func:`redline.crs.choose_working_crs`). Overlaps are found with one bulk STRtree query and
    vectorised intersections.

    Raises
    ------
    redline.errors.SchemaError
        A layer lacks its id field (all such problems are reported at once).
    redline.errors.CRSError
        A layer has no CRS.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> patches = gpd.GeoDataFrame({"patch_id": [1, 2]}, crs="EPSG:4547",
    ...                            geometry=[box(0, 0, 30, 30), box(100, 0, 130, 30)])
    >>> approvals = gpd.GeoDataFrame({"approval_id": ["A1"]}, geometry=[box(0, 0, 50, 50)], crs="EPSG:4547")
    >>> farmland = gpd.GeoDataFrame({"farmland_id": ["F1"]}, geometry=[box(120, 0, 200, 50)], crs="EPSG:4547")
    >>> reg = judge_patches(patches, approvals=approvals, farmland=farmland, area_method="planar")
    >>> reg[["patch_id", "judgement", "approval_ids", "farmland_m2"]].values.tolist()
    [[1, 'approved_not_supplied', 'A1', 0.0], [2, 'unapproved_on_farmland', '', 300.0]]
    """
    check_area_method(area_method)
    rules = resolve_rules(rules)
    given = {"approvals": approvals, "supplies": supplies, "farmland": farmland}
    problems: list[Problem] = []
    if not isinstance(patches, gpd.GeoDataFrame):
        raise ValidationError(Problem(layer="patches", code="not_a_layer",
                                      message=f"expected a GeoDataFrame of patches, got {type(patches).__name__}",
                                      fix="use redline.imagery.change_patches(...) or redline.io.read_layer(...)"))
    if "patch_id" not in patches.columns:
        problems.append(Problem(layer="patches", code="missing_field", message="the patches have no patch_id field",
                                fix="read them with read_layer(..., kind='change_patches') or rename the id field "
                                    "to patch_id"))
    for name, id_field, _, _ in _LAYERS:
        layer = given[name]
        if layer is None:
            continue
        if not isinstance(layer, gpd.GeoDataFrame):
            problems.append(Problem(layer=name, code="not_a_layer",
                                    message=f"expected a GeoDataFrame, got {type(layer).__name__}"))
        elif id_field not in layer.columns and _canonical(layer, name) is not None:
            given[name] = _canonical(layer, name)  # bureau field names (批准文号, HTBH ...) renamed
        elif id_field not in layer.columns:
            problems.append(Problem(layer=name, code="missing_field",
                                    message=f"the layer has no {id_field} field (found: "
                                            f"{', '.join(map(str, layer.columns[:12]))})",
                                    fix=f"read it with redline.io.read_layer(..., kind={name!r}) or rename its id "
                                        f"field to {id_field}"))
    if problems:
        raise SchemaError(problems)
    crs_problems = check_crs(patches, "patches")
    for name, layer in given.items():
        if layer is not None:
            crs_problems += [p for p in check_crs(layer, name) if p.code == "missing_crs"]
    if crs_problems:
        raise CRSError(crs_problems)

    layers = {k: v for k, v in given.items() if v is not None}
    work = _working_crs(patches, layers)
    pgeoms = to_working(patches[[patches.geometry.name]], work).geometry.to_numpy()
    patch_area = piece_areas(pgeoms, work.crs, area_method)

    out = patches.copy()
    if "area_m2" not in out.columns:
        out["area_m2"] = patch_area
        out["area_mu"] = patch_area / M2_PER_MU
    columns: dict[str, np.ndarray | list] = {}
    for name, id_field, ids_col, stem in _LAYERS:
        layer = layers.get(name)
        if layer is None or len(out) == 0:
            columns[ids_col] = [""] * len(out)
            columns[f"{stem}_m2"] = np.zeros(len(out))
            continue
        lw = to_working(layer, work)
        ids, area = _overlaps(pgeoms, lw.geometry.to_numpy(), lw[id_field].astype(str).to_numpy(), work,
                              area_method)
        columns[ids_col] = ids
        columns[f"{stem}_m2"] = area
    for _, _, ids_col, stem in _LAYERS:
        out[ids_col] = columns[ids_col]
        out[f"{stem}_m2"] = columns[f"{stem}_m2"]
        out[f"{stem}_mu"] = out[f"{stem}_m2"] / M2_PER_MU

    ratio = float(rules.value("imagery.min_overlap_ratio"))
    farm_min = float(rules.value("imagery.min_farmland_overlap_m2"))
    approved = (out["approved_m2"].to_numpy() > 0) & (out["approved_m2"].to_numpy() >= ratio * patch_area)
    supplied = (out["supplied_m2"].to_numpy() > 0) & (out["supplied_m2"].to_numpy() >= ratio * patch_area)
    on_farm = out["farmland_m2"].to_numpy() > farm_min
    judgement = np.select([supplied, approved, on_farm],
                          ["approved_supplied", "approved_not_supplied", "unapproved_on_farmland"], "unapproved")
    out["judgement"] = judgement
    out["judgement_zh"] = pd.Series(judgement, index=out.index).map(JUDGEMENT_LABELS_ZH)
    cite_ratio = rules.cite("imagery.min_overlap_ratio")
    cite_farm = rules.cite("imagery.min_farmland_overlap_m2")
    out["rule"] = np.where(judgement == "unapproved_on_farmland", cite_farm, cite_ratio)
    geom_col = out.geometry.name
    out = out[[c for c in out.columns if c != geom_col] + [geom_col]]
    out.attrs.update(working_crs=str(work), area_method=area_method,
                     layers_given=", ".join(layers) or "none",
                     layers_missing=", ".join(k for k in given if k not in layers) or "none")
    return out


def _canonical(layer: gpd.GeoDataFrame, kind: str) -> gpd.GeoDataFrame | None:
    """The layer with redline's canonical field names, if its id field is there under a bureau name."""
    from ..schema import apply_schema, ids_only

    try:
        return apply_schema(layer, ids_only(kind))[0]
    except SchemaError:
        return None


def _working_crs(patches: gpd.GeoDataFrame, layers: dict) -> WorkingCRS:
    crss = {layer.crs for layer in layers.values()}
    if len(crss) == 1:
        only = next(iter(crss))
        if is_metric_projected(only):
            return WorkingCRS(only, "the vector layers' own CRS (projected, metres); patches reprojected to it"
                              if patches.crs != only else "the inputs' own CRS (projected, metres)")
    return choose_working_crs([patches, *layers.values()], names=["patches", *layers])


def _overlaps(pgeoms: np.ndarray, lgeoms: np.ndarray, lids: np.ndarray, work: WorkingCRS,
              method: AreaMethod) -> tuple[list[str], np.ndarray]:
    """Per patch: the overlapping features' ids and the area covered by their union."""
    n = len(pgeoms)
    area = np.zeros(n)
    ids = [""] * n
    ok = ~(shapely.is_missing(lgeoms) | shapely.is_empty(lgeoms))
    lgeoms, lids = lgeoms[ok], lids[ok]
    if n == 0 or len(lgeoms) == 0:
        return ids, area
    tree = STRtree(lgeoms)
    pi, li = tree.query(pgeoms, predicate="intersects")
    if pi.size == 0:
        return ids, area
    inter = shapely.intersection(pgeoms[pi], lgeoms[li])
    a = piece_areas(inter, work.crs, method)
    keep = a > 0  # touching along an edge is not an overlap
    pi, li, inter, a = pi[keep], li[keep], inter[keep], a[keep]
    if pi.size == 0:
        return ids, area
    order = np.argsort(pi, kind="stable")
    pi, li, inter, a = pi[order], li[order], inter[order], a[order]
    starts = np.flatnonzero(np.r_[True, pi[1:] != pi[:-1]])
    sizes = np.diff(np.r_[starts, pi.size])
    area[pi[starts]] = a[starts]
    multi = sizes > 1
    if multi.any():  # overlapping features must not count twice: measure the union of the pieces
        unions = np.array([shapely.union_all(inter[s:s + k]) for s, k in zip(starts[multi], sizes[multi],
                                                                              strict=True)], dtype=object)
        area[pi[starts[multi]]] = piece_areas(unions, work.crs, method)
    for s, k in zip(starts, sizes, strict=True):
        ids[pi[s]] = ", ".join(sorted(set(lids[li[s:s + k]].tolist())))
    return ids, area
