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
from ..overlay import _engine
from ..result import AuditLog, NoteList, deliver
from ..rules import RuleSet, resolve_rules
from ..schema import ids_only
from ..spec import Status
from ..units import M2_PER_MU
from ..validate import drop_empty_rings, prepare_layers, repair_polygons

__all__ = ["JUDGEMENT", "JUDGEMENTS", "JUDGEMENT_LABELS_ZH", "judge_patches"]

Judgement = Literal["approved_supplied", "approved_not_supplied", "unapproved", "unapproved_on_farmland"]

#: from the mildest to the gravest
#: ``counted``: a change without approval, the finding of 卫片执法
JUDGEMENT: tuple[Status, ...] = (
    Status("approved_supplied", "已批已供", "approved, supplied", "#3ca03c", watch=True),
    Status("approved_not_supplied", "已批未供", "approved, not supplied", "#facc15", watch=True),
    Status("unapproved", "未批先用", "unapproved", "#f58220", grave=True, counted=True, watch=True),
    Status("unapproved_on_farmland", "未批占用永久基本农田", "unapproved on farmland", "#c8102e", grave=True,
           counted=True, watch=True),
)
JUDGEMENTS: tuple[str, ...] = tuple(s.code for s in JUDGEMENT)
JUDGEMENT_LABELS_ZH = {s.code: s.label_zh for s in JUDGEMENT}

_LAYERS = (("approvals", "approval_id", "approval_ids", "approved"),
           ("supplies", "supply_id", "supply_ids", "supplied"),
           ("farmland", "farmland_id", "farmland_ids", "farmland"))
_LAYER_ZH = {"approvals": "报批", "supplies": "供地", "farmland": "永久基本农田"}


def judge_patches(patches: gpd.GeoDataFrame, *, approvals: gpd.GeoDataFrame | None = None,
                  supplies: gpd.GeoDataFrame | None = None, farmland: gpd.GeoDataFrame | None = None,
                  rules: RuleSet | str | None = None, area_method: AreaMethod = "ellipsoidal",
                  strict: bool = False, log: AuditLog | None = None) -> gpd.GeoDataFrame:
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
        Layers not given count as empty: without approvals no patch can be approved. Canonical or
        bureau field names (批准文号, HTBH ...); only the id field is needed. The three layers are
        validated like ``redline audit`` validates them (:func:`redline.validate.prepare_layers`, in
        the working CRS): invalid geometries repaired, empty and null ones set aside, a layer without
        an id field numbered by row, all of it in ``log``.
    rules : RuleSet, name or path, optional
        Default ``cn-national``; thresholds ``imagery.min_overlap_ratio``,
        ``imagery.min_farmland_overlap_m2``, ``geometry.sliver_max_area_m2`` and
        ``geometry.sliver_max_width_m``.
    area_method : {"ellipsoidal", "planar"}
        How overlap areas are measured (see :mod:`redline.area`).
    strict : bool
        Any feature problem of the three layers stops the run instead of being repaired or set aside.

    Returns
    -------
    GeoDataFrame
        The patches (same rows, order and CRS) with, added:

        - ``approval_ids``, ``supply_ids``, ``farmland_ids``: the overlapping features' ids,
          comma-separated, sorted (``""`` when none);
        - ``approved_m2``, ``supplied_m2``, ``farmland_m2`` (and ``_mu``): the area of the patch
          covered by the union of the overlapping approvals / supplies / farmland, **slivers excluded**;
        - ``approved_sliver_m2``, ``supplied_sliver_m2``, ``farmland_sliver_m2``: contact that is only
          digitising noise: parts of a feature's overlap with the patch under ``geometry.sliver_max_area_m2``
          or thinner (2 × area / perimeter) than ``geometry.sliver_max_width_m``. Reported, never counted: a
          contact of floating-point noise neither makes a patch legal nor puts it on farmland;
        - ``sliver_reason``: which features touch the patch by slivers only, and the thresholds (``""``
          when none);
        - ``judgement`` and ``judgement_zh`` (one of :data:`JUDGEMENTS`) and ``rule``: the threshold
          behind the judgement.

        When the patches had no ``area_m2`` it is added (the patch's measured area). ``log`` (an
        :class:`~redline.result.AuditLog`) receives the ``working_crs``, ``area_method``, the ``rejected``
        features of the three layers and the ``notes``; its ``facts["judge_patches"]`` say which layers
        were given (``layers_given``, ``layers_missing``).

    Notes
    -----
    The decision rule, with ``r = imagery.min_overlap_ratio`` and ``A`` the patch's area measured
    like the overlaps:

    - *approved* when ``approved_m2 > 0`` (slivers excluded) and ``approved_m2 >= r * A``; *supplied* likewise with
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
    for name, _, _, _ in _LAYERS:
        layer = given[name]
        if layer is not None and not isinstance(layer, gpd.GeoDataFrame):
            problems.append(Problem(layer=name, code="not_a_layer",
                                    message=f"expected a GeoDataFrame, got {type(layer).__name__}"))
    if problems:
        raise SchemaError(problems)
    crs_problems = check_crs(patches, "patches")
    for name, layer in given.items():
        if layer is not None:
            crs_problems += [p for p in check_crs(layer, name) if p.code == "missing_crs"]
    if crs_problems:
        raise CRSError(crs_problems)

    raw = {k: v for k, v in given.items() if v is not None}
    work = _working_crs(patches, raw)
    # the three layers validated as an audit validates them, in the working CRS
    prep = prepare_layers({k: (v, ids_only(k)) for k, v in raw.items()}, crs=work.crs, strict=strict)
    layers = prep.layers
    notes = prep.note_lines()
    pgeoms = to_working(patches[[patches.geometry.name]], work).geometry.to_numpy()
    pgeoms, ringed = drop_empty_rings(pgeoms)
    live = ~(shapely.is_missing(pgeoms) | shapely.is_empty(pgeoms))
    broken = live & ~shapely.is_valid(pgeoms)
    pid = patches["patch_id"].to_numpy()
    if ringed.any():
        notes.append(f"[patches] empty rings removed from {int(ringed.sum())} patch(es): {_ids(pid[ringed])}")
    if broken.any():
        pgeoms = pgeoms.copy()
        pgeoms[broken] = repair_polygons(pgeoms[broken])
        notes.append(f"[patches] {int(broken.sum())} invalid patch geometr{'y' if broken.sum() == 1 else 'ies'} "
                     f"repaired with make_valid in {work.name}: {_ids(pid[broken])}")
    patch_area = piece_areas(pgeoms, work.crs, area_method)

    out = patches.copy()
    if "area_m2" not in out.columns:
        out["area_m2"] = patch_area
        out["area_mu"] = patch_area / M2_PER_MU
    max_area = float(rules.value("geometry.sliver_max_area_m2"))
    max_width = float(rules.value("geometry.sliver_max_width_m"))
    columns: dict[str, np.ndarray | list] = {}
    sliver_text: list[list[str]] = [[] for _ in range(len(out))]
    for name, id_field, ids_col, stem in _LAYERS:
        layer = layers.get(name)
        if layer is None or len(out) == 0:
            columns[ids_col] = [""] * len(out)
            columns[f"{stem}_m2"] = np.zeros(len(out))
            columns[f"{stem}_sliver_m2"] = np.zeros(len(out))
            continue
        ov = _overlaps(pgeoms, layer.geometry.to_numpy(), layer[id_field].astype(str).to_numpy(), work,
                       area_method, max_area, max_width)
        columns[ids_col], columns[f"{stem}_m2"], columns[f"{stem}_sliver_m2"], only = ov
        for i, ids in enumerate(only):
            if ids:
                sliver_text[i].append(f"{_LAYER_ZH[name]} {ids} 仅碎片接触 {columns[f'{stem}_sliver_m2'][i]:.2f} m²")
            elif columns[f"{stem}_sliver_m2"][i] > 0:
                sliver_text[i].append(f"{_LAYER_ZH[name]} 碎片 {columns[f'{stem}_sliver_m2'][i]:.2f} m²")
    for _, _, ids_col, stem in _LAYERS:
        out[ids_col] = columns[ids_col]
        out[f"{stem}_m2"] = columns[f"{stem}_m2"]
        out[f"{stem}_mu"] = out[f"{stem}_m2"] / M2_PER_MU
        out[f"{stem}_sliver_m2"] = columns[f"{stem}_sliver_m2"]
    out["sliver_reason"] = [f"{'; '.join(t)}: 面积 < {max_area:g} m² 或宽度 < {max_width:g} m, 视为数字化误差, 不计"
                            if t else "" for t in sliver_text]

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
    cite_sliver = f"{rules.cite('geometry.sliver_max_area_m2')}; {rules.cite('geometry.sliver_max_width_m')}"
    rule = np.where(judgement == "unapproved_on_farmland", cite_farm, cite_ratio).astype(object)
    with_slivers = out["sliver_reason"].to_numpy() != ""
    rule[with_slivers] = [f"{r}; slivers: {cite_sliver}" for r in rule[with_slivers]]
    out["rule"] = rule
    geom_col = out.geometry.name
    out = out[[c for c in out.columns if c != geom_col] + [geom_col]]
    deliver(AuditLog(rejected=prep.rejected.to_dict("records"), notes=NoteList(notes), rules=rules.label,
                     area_method=area_method, working_crs=work.name,
                     facts={"judge_patches": {"working_crs": str(work), "layers_given": ", ".join(layers) or "none",
                                              "layers_missing": ", ".join(k for k in given if k not in layers)
                                              or "none"}}), log, "judge_patches")
    return out


def _ids(values) -> str:
    values = [str(v) for v in values]
    return ", ".join(values[:10]) + (f" and {len(values) - 10} more" if len(values) > 10 else "")


def _working_crs(patches: gpd.GeoDataFrame, layers: dict) -> WorkingCRS:
    crss = {layer.crs for layer in layers.values()}
    if len(crss) == 1:
        only = next(iter(crss))
        if is_metric_projected(only):
            return WorkingCRS(only, "the vector layers' own CRS (projected, metres); patches reprojected to it"
                              if patches.crs != only else "the inputs' own CRS (projected, metres)")
    return choose_working_crs([patches, *layers.values()], names=["patches", *layers])


def _overlaps(pgeoms: np.ndarray, lgeoms: np.ndarray, lids: np.ndarray, work: WorkingCRS, method: AreaMethod,
              max_area: float, max_width: float) -> tuple[list[str], np.ndarray, np.ndarray, list[str]]:
    """Per patch: the ids of the features overlapping it by more than slivers, the area covered by the union of
    those overlaps (slivers excluded), the area of the sliver contacts, and the ids touching it by slivers only.

    Each feature's overlap with a patch is split into its parts; a part under ``max_area`` (m², by ``method``) or
    thinner (2 × area / perimeter) than ``max_width`` is a sliver: digitising or floating-point noise.
    """
    n = len(pgeoms)
    area = np.zeros(n)
    sliver = np.zeros(n)
    ids = [""] * n
    only = [""] * n
    ok = ~(shapely.is_missing(lgeoms) | shapely.is_empty(lgeoms))
    lgeoms, lids = lgeoms[ok], lids[ok]
    if n == 0 or len(lgeoms) == 0:
        return ids, area, sliver, only
    tree = STRtree(lgeoms)
    pi, li = tree.query(pgeoms, predicate="intersects")
    if pi.size == 0:
        return ids, area, sliver, only
    inter = _engine.robust(shapely.intersection, pgeoms[pi], lgeoms[li])
    parts, owner = shapely.get_parts(inter, return_index=True)
    polygonal = shapely.get_type_id(parts) == 3
    parts, owner = parts[polygonal], owner[polygonal]
    part_area = piece_areas(parts, work.crs, method)
    keep = part_area > 0  # touching along an edge is not even a sliver
    parts, owner, part_area = parts[keep], owner[keep], part_area[keep]
    perimeter = shapely.length(parts)
    width = np.divide(2 * shapely.area(parts), perimeter, out=np.zeros(len(parts)), where=perimeter > 0)
    is_sliver = (part_area < max_area) | (width < max_width)
    pair_land = np.bincount(owner[~is_sliver], minlength=len(pi)) > 0
    pair_any = np.bincount(owner, minlength=len(pi)) > 0
    land = _union_areas(parts[~is_sliver], pi[owner[~is_sliver]], n, work, method)
    total = _union_areas(parts, pi[owner], n, work, method)
    area[:] = land
    sliver[:] = np.maximum(total - land, 0.0)
    for p in np.unique(pi[pair_any]):
        mine = pi == p
        ids[p] = ", ".join(sorted(set(lids[li[mine & pair_land]].tolist())))
        only[p] = ", ".join(sorted(set(lids[li[mine & pair_any & ~pair_land]].tolist())))
    return ids, area, sliver, only


def _union_areas(pieces: np.ndarray, groups: np.ndarray, n: int, work: WorkingCRS, method: AreaMethod) -> np.ndarray:
    """Area of the union of each group's pieces (overlapping features must not count twice)."""
    out = np.zeros(n)
    if len(pieces) == 0:
        return out
    unions = _engine.grouped_union(pieces, groups, n)
    has = np.array([u is not None for u in unions])
    out[has] = piece_areas(unions[has], work.crs, method)
    return out
