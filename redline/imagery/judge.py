"""Judging change patches (卫片图斑研判): each patch split by its legal bases, the register a county submits.

A patch is not legal or illegal as a whole. :func:`judge_register` cuts every patch into *pieces*, each
covered by one combination of legal bases in force on the later image's date (see
:mod:`redline.imagery.bases`), of permanent basic farmland (永久基本农田) and of cultivated land (耕地, 三调
``01xx``), and judges each piece. The pieces of a patch sum to the patch. The patch's judgement is the gravest
of its pieces; its ``explained_m2`` and ``unexplained_m2`` say how much of it each side holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
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
from ..schema import get_schema, ids_only
from ..spec import Status
from ..units import M2_PER_MU
from ..validate import drop_empty_rings, prepare_layers, repair_polygons
from .bases import BASES, BASIS_KINDS, Basis

__all__ = ["JUDGEMENT", "JUDGEMENTS", "JUDGEMENT_LABELS_ZH", "LEGAL", "PatchJudgement", "judge_patches",
           "judge_register"]

Judgement = Literal["approved_supplied", "approved_not_supplied", "other_basis", "built_before_approval",
                    "expired_temporary_use", "unapproved", "unapproved_on_cultivated", "unapproved_on_farmland"]

#: from the mildest to the gravest. ``counted``: no basis in force covers the land for this use, the finding
#: of 卫片执法 (违法用地)
JUDGEMENT: tuple[Status, ...] = (
    Status("approved_supplied", "已批已供", "approved, supplied", "#3ca03c", watch=True),
    Status("approved_not_supplied", "已批未供", "approved, not supplied", "#facc15", watch=True),
    Status("other_basis", "其他合法依据", "other legal basis", "#7fb3d5", watch=True),
    Status("built_before_approval", "先建后批", "built before approval", "#b07aa1", grave=True, counted=True,
           watch=True),
    Status("expired_temporary_use", "临时用地到期未复垦", "temporary use expired", "#9c755f", grave=True,
           counted=True, watch=True),
    Status("unapproved", "未批先用", "unapproved", "#f58220", grave=True, counted=True, watch=True),
    Status("unapproved_on_cultivated", "违法占用耕地", "unapproved on cultivated land", "#e15759", grave=True,
           counted=True, watch=True),
    Status("unapproved_on_farmland", "未批占用永久基本农田", "unapproved on farmland", "#c8102e", grave=True,
           counted=True, watch=True),
)
JUDGEMENTS: tuple[str, ...] = tuple(s.code for s in JUDGEMENT)
JUDGEMENT_LABELS_ZH = {s.code: s.label_zh for s in JUDGEMENT}
#: the judgements of land a basis in force covers
LEGAL: tuple[str, ...] = ("approved_supplied", "approved_not_supplied", "other_basis")
_GRAVITY = {code: i for i, code in enumerate(JUDGEMENTS)}

_NO_DATE = np.datetime64("NaT")

RULES_KEYS = ("imagery.basis_may_occupy_cultivated", "imagery.basis_may_occupy_pbf", "imagery.undated_basis_counts",
              "geometry.sliver_max_area_m2", "geometry.sliver_max_width_m")


@dataclass
class PatchJudgement:
    """What :func:`judge_register` returns: the register (one row per patch) and its pieces."""

    register: gpd.GeoDataFrame
    pieces: gpd.GeoDataFrame
    #: per administrative unit and for all the patches (:func:`redline.imagery.rollup.roll_up`)
    rollup: pd.DataFrame
    facts: dict = field(default_factory=dict)


def judge_patches(patches: gpd.GeoDataFrame, *, approvals: gpd.GeoDataFrame | None = None,
                  supplies: gpd.GeoDataFrame | None = None, farmland: gpd.GeoDataFrame | None = None,
                  **kwargs) -> gpd.GeoDataFrame:
    """The register of :func:`judge_register` alone (one row per patch); the same arguments.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> patches = gpd.GeoDataFrame({"patch_id": [1, 2]}, crs="EPSG:4547",
    ...                            geometry=[box(0, 0, 30, 30), box(100, 0, 130, 30)])
    >>> approvals = gpd.GeoDataFrame({"approval_id": ["A1"]}, geometry=[box(0, 0, 50, 50)], crs="EPSG:4547")
    >>> farmland = gpd.GeoDataFrame({"farmland_id": ["F1"]}, geometry=[box(120, 0, 200, 50)], crs="EPSG:4547")
    >>> reg = judge_patches(patches, approvals=approvals, farmland=farmland, area_method="planar")
    >>> reg[["patch_id", "judgement", "approval_ids", "unexplained_m2", "unexplained_pbf_m2"]].values.tolist()
    [[1, 'approved_not_supplied', 'A1', 0.0, 0.0], [2, 'unapproved_on_farmland', '', 900.0, 300.0]]
    """
    return judge_register(patches, approvals=approvals, supplies=supplies, farmland=farmland, **kwargs).register


def judge_register(patches: gpd.GeoDataFrame, *, approvals: gpd.GeoDataFrame | None = None,
                   supplies: gpd.GeoDataFrame | None = None, farmland: gpd.GeoDataFrame | None = None,
                   landuse: gpd.GeoDataFrame | None = None, advance_use: gpd.GeoDataFrame | None = None,
                   linkage_new: gpd.GeoDataFrame | None = None, homestead: gpd.GeoDataFrame | None = None,
                   facility_agri: gpd.GeoDataFrame | None = None, temporary_use: gpd.GeoDataFrame | None = None,
                   consolidation: gpd.GeoDataFrame | None = None, admin: gpd.GeoDataFrame | None = None,
                   after_date: dt.date | str | None = None, before_date: dt.date | str | None = None,
                   rules: RuleSet | str | None = None, area_method: AreaMethod = "ellipsoidal",
                   strict: bool = False, log: AuditLog | None = None) -> PatchJudgement:
    """Split each change patch by its legal bases and judge every piece (卫片图斑研判, the 登记表 a county submits).

    Parameters
    ----------
    patches : GeoDataFrame
        Change patches with ``patch_id``: from :func:`redline.imagery.change_patches`, or the ministry's issued
        patches (监测图斑, read with ``kind="change_patches"``: 图斑编号, 前时相日期, 后时相日期).
    approvals, supplies, advance_use, linkage_new, homestead, facility_agri, temporary_use, consolidation : GeoDataFrame, optional
        The legal bases (:data:`redline.imagery.bases.BASES`): 农转用/征收批准 with ``approval_date``, 供地 with
        ``supply_date``, and the other kinds with ``granted_date`` (临时用地 also ``end_date``; 先行用地 may have
        one). Canonical or bureau field names. A layer not given is a basis nobody holds: without approvals no
        piece can be approved (the log says which layers were missing).
    farmland : GeoDataFrame, optional
        Permanent basic farmland (永久基本农田) with ``farmland_id``. Without it the PBF columns are empty (not 0).
    admin : GeoDataFrame, optional
        Administrative units (county, townships: ``admin_code``, ``admin_name``, ``level``) for the roll-up.
    landuse : GeoDataFrame, optional
        The land-use survey (三调 地类图斑) with ``land_use_code``; cultivated land is ``0101``-``0103`` (and their
        sub-codes). Without it the cultivated-land columns are empty (not 0).
    after_date, before_date : date or ISO text, optional
        The dates of the later and earlier images (后时相 / 前时相). By default the patches' own ``after_date``
        (or ``detected_date``) and ``before_date`` columns; a date given here is used for every patch (a note
        says where it differs from the patches'). Without a later date no basis date can be compared: every
        basis counts, and a note says so.
    rules : RuleSet, name or path, optional
        Default ``cn-national``; thresholds ``imagery.basis_may_occupy_cultivated``,
        ``imagery.basis_may_occupy_pbf`` (per basis), ``imagery.undated_basis_counts``,
        ``geometry.sliver_max_area_m2`` and ``geometry.sliver_max_width_m``.
    area_method : {"ellipsoidal", "planar"}
        How areas are measured (see :mod:`redline.area`).
    strict : bool
        Any feature problem of the layers stops the run instead of being repaired or set aside.

    Returns
    -------
    PatchJudgement
        ``register``: the patches (same rows, order, ids and CRS) with, added:

        - ``judgement`` / ``judgement_zh`` (one of :data:`JUDGEMENTS`, the gravest of the patch's pieces that are
          not slivers) and ``rule``, ``reason`` (each judged part with its area, bases and dates);
        - ``explained_m2`` (pieces a basis in force covers for their land), ``unexplained_m2`` (the rest),
          ``piece_sliver_m2`` (pieces under the sliver tolerances: they decide nothing and count on neither
          side): ``explained + unexplained + piece_sliver = area``; ``unexplained_pbf_m2`` and
          ``unexplained_cultivated_m2`` (the unexplained part on PBF / on cultivated land; PBF that is
          cultivated counts in both), ``cultivated_m2`` (the patch's cultivated land: the denominator of the
          county ratio); each also in 亩 (``_mu``); ``pieces`` (how many);
        - per basis the ids of the features in force covering the patch (``approval_ids``, ``supply_ids``,
          ``advance_use_ids``, ``linkage_new_ids``, ``homestead_ids``, ``facility_agri_ids``,
          ``temporary_use_ids``, ``consolidation_ids``) and ``late_basis_ids`` (granted after the later image:
          先建后批, or ended before it), ``farmland_ids``;
        - ``before_date``, ``after_date``: the image dates compared;
        - as before: ``approved_m2``, ``supplied_m2``, ``farmland_m2`` (the area covered by the approvals /
          supplies in force / by PBF, slivers excluded), ``approved_sliver_m2``, ``supplied_sliver_m2``,
          ``farmland_sliver_m2``, ``sliver_reason``; ``area_m2`` when the patches had none.

        ``pieces``: one row per piece (its own polygon) with ``patch_id``, ``piece`` (1, 2, … within the patch),
        ``basis`` / ``basis_zh`` (the basis that explains it, ``none``), ``basis_ids``, ``basis_dates``,
        ``on_pbf``, ``on_cultivated``, ``farmland_ids``, ``area_m2``/``_mu``, ``sliver``, ``judgement`` /
        ``judgement_zh``, the patch's ``patch_judgement`` / ``patch_judgement_zh``, ``after_date``, ``reason``,
        ``rule``.

        ``rollup``: per administrative unit and for all the patches, the new construction, its illegal part, the
        illegal occupation of cultivated land and PBF and the ratio accountability uses
        (:func:`redline.imagery.rollup.roll_up`).

    Notes
    -----
    A piece is judged, with ``land`` = PBF if it lies on PBF, else cultivated if it lies on cultivated land,
    else other:

    - a basis in force covers it and the rule set lets that basis occupy its land → by the first such basis
      (mildest first): 供地 → ``approved_supplied``, 农转用/征收 → ``approved_not_supplied``, the others →
      ``other_basis``;
    - otherwise, by its land: PBF → ``unapproved_on_farmland`` (the gravest), cultivated →
      ``unapproved_on_cultivated``; other land with a basis granted after the later image →
      ``built_before_approval`` (先建后批), with a temporary use ended before it → ``expired_temporary_use``,
      else ``unapproved`` (未批先用). The reason names a basis that covers the piece but may not occupy its land.

    A basis is in force for a patch when granted on or before the patch's later image date (and, with an end
    date, not ended before it). Contact with a basis, PBF or cultivated land thinner or smaller than the sliver
    tolerances is digitising noise: it is left out of the regions before the split (``sliver_reason`` says
    which), and pieces under the tolerances that the split itself leaves (``sliver``) decide nothing.

    All layers are validated as ``redline audit`` validates them and brought to one metric CRS: the vector
    layers' own when they share one projected in metres, else a CGCS2000 3-degree zone.
    """
    check_area_method(area_method)
    rules = resolve_rules(rules)
    bases_given = {"approvals": approvals, "supplies": supplies, "advance_use": advance_use,
                   "linkage_new": linkage_new, "homestead": homestead, "facility_agri": facility_agri,
                   "temporary_use": temporary_use, "consolidation": consolidation}
    given = {**bases_given, "farmland": farmland, "landuse": landuse, "admin": admin}
    _check_inputs(patches, given)
    raw = {k: v for k, v in given.items() if v is not None}
    work = _working_crs(patches, raw)
    kinds = {k: _schema(k) for k in raw}
    prep = prepare_layers({k: (v, kinds[k]) for k, v in raw.items()}, crs=work.crs, strict=strict)
    layers = prep.layers
    notes = prep.note_lines()

    # the patches, in the working CRS, repaired like the layers (never set aside: the register keeps every row)
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
    if (~live).any():
        notes.append(f"[patches] {int((~live).sum())} patch(es) without geometry, judged on nothing: "
                     f"{_ids(pid[~live])}")
    n = len(patches)
    patch_area = piece_areas(pgeoms, work.crs, area_method) if n else np.zeros(0)
    after, before, date_notes = _image_dates(patches, after_date, before_date)
    notes += date_notes

    for key in ("imagery.basis_may_occupy_cultivated", "imagery.basis_may_occupy_pbf"):
        rules.check_entries(key, BASIS_KINDS, complete=True)
    max_area = float(rules.value("geometry.sliver_max_area_m2"))
    max_width = float(rules.value("geometry.sliver_max_width_m"))
    undated_counts = bool(rules.value("imagery.undated_basis_counts"))
    sliver_text: list[list[str]] = [[] for _ in range(n)]
    regions: list[_Region] = []
    contacts: dict[str, _Contacts] = {}
    for b in BASES:
        layer = layers.get(b.kind)
        if layer is None:
            continue
        c = _contacts(pgeoms, layer, b.id_field, work, area_method, max_area, max_width)
        status, date_text, undated = _in_force(c, layer, b, after)
        if undated.any() and b.date_field in layer.columns:
            notes.append(f"[{b.kind}] {int(undated.sum())} {b.label_zh} without a {b.date_field} "
                         f"({_ids(np.unique(c.ids[undated]))}): "
                         + ("counted as in force (imagery.undated_basis_counts)" if undated_counts else
                            "not counted (imagery.undated_basis_counts = false)"))
        if undated.any() and not undated_counts:
            status = np.where(undated, "late", status)
        c.status, c.date_text = status, date_text
        contacts[b.kind] = c
        _slivers_to_text(c, b.label_zh, sliver_text)
        regions.append(_Region(b.kind, _grouped(c, c.status == "in_force", n)))
    for b in BASES:
        layer = layers.get(b.kind)
        if layer is not None and b.date_field not in layer.columns and not np.isnat(after).all():
            notes.append(f"[{b.kind}] no {b.date_field} field: the dates of the {b.label_zh} cannot be compared "
                         f"with the images, every one counts as granted before them (add the field to check "
                         f"未批先建 / 先建后批)")
    late_parts = [(_grouped(c, c.status == "late", n)) for c in contacts.values()]
    ended_parts = [(_grouped(c, c.status == "ended", n)) for c in contacts.values()]
    regions.append(_Region("late", _union_of(late_parts, n)))
    regions.append(_Region("ended", _union_of(ended_parts, n)))
    pbf_c = None
    if "farmland" in layers:
        pbf_c = _contacts(pgeoms, layers["farmland"], "farmland_id", work, area_method, max_area, max_width)
        pbf_c.status = np.full(len(pbf_c.ids), "in_force", dtype=object)
        _slivers_to_text(pbf_c, "永久基本农田", sliver_text)
        regions.append(_Region("pbf", _grouped(pbf_c, None, n)))
    if "landuse" in layers:
        lu = layers["landuse"]
        from ..boundaries.codes import code_table

        table = code_table()
        looked = table.lookup(lu["land_use_code"])
        unknown = ~looked["known"].to_numpy()
        if unknown.any():
            notes.append(f"[landuse] {int(unknown.sum())} patch(es) with a land-use code not in {table.name}, "
                         f"read as not cultivated: {', '.join(sorted(set(map(str, lu['land_use_code'][unknown]))))[:200]}")
        cult = lu[looked["cultivated"].to_numpy()]
        cult_c = _contacts(pgeoms, cult, "patch_id", work, area_method, max_area, max_width)
        cult_c.status = np.full(len(cult_c.ids), "in_force", dtype=object)
        _slivers_to_text(cult_c, "耕地", sliver_text)
        regions.append(_Region("cultivated", _grouped(cult_c, None, n)))

    pieces = _split(pgeoms, live, regions)
    piece_area = piece_areas(pieces.geoms, work.crs, area_method) if len(pieces.geoms) else np.zeros(0)
    perimeter = shapely.length(pieces.geoms)
    width = np.divide(2 * shapely.area(pieces.geoms), perimeter, out=np.zeros(len(piece_area)),
                      where=perimeter > 0)
    pieces.sliver = (piece_area < max_area) | (width < max_width)
    factor, area_notes = _apportion(patches, patch_area, pid)
    notes += area_notes
    pieces.area = piece_area * factor[pieces.patch]

    frames = _judge_pieces(pieces, regions, contacts, pbf_c, rules, after)
    piece_rules = np.array(_piece_rules(frames, rules), dtype=object)
    register = _register(patches, patch_area, pieces, frames, piece_rules, contacts, pbf_c, regions, after, before,
                         "farmland" in layers, "landuse" in layers, sliver_text, max_area, max_width, rules)
    piece_frame = _piece_frame(patches, pieces, frames, piece_rules, register, after, work,
                               measured={"on_pbf": "farmland" in layers, "on_cultivated": "landuse" in layers})
    from .rollup import roll_up

    rollup = roll_up(piece_frame, layers.get("admin"), rules=rules, notes=notes,
                     cultivated_measured="landuse" in layers, pbf_measured="farmland" in layers)
    facts = {"working_crs": str(work),
             "layers_given": ", ".join(k for k in given if k in layers) or "none",
             "layers_missing": ", ".join(k for k in given if k not in layers) or "none",
             "after_date": _date_range(after), "pieces": len(piece_frame)}
    deliver(AuditLog(rejected=prep.rejected.to_dict("records"), notes=NoteList(notes), rules=rules.label,
                     area_method=area_method, working_crs=work.name, facts={"judge_patches": facts}),
            log, "judge_patches")
    return PatchJudgement(register, piece_frame, rollup, facts)


# --- inputs -----------------------------------------------------------------------------------------------------

def _schema(kind: str):
    """The schema a layer is validated with: its id (and for the bases their dates, for land use the code)."""
    if kind in ("landuse", "admin", "temporary_use"):  # their codes, units and term end are what is judged
        return get_schema(kind)
    return ids_only(kind)


def _check_inputs(patches, given: dict) -> None:
    problems: list[Problem] = []
    if not isinstance(patches, gpd.GeoDataFrame):
        raise ValidationError(Problem(layer="patches", code="not_a_layer",
                                      message=f"expected a GeoDataFrame of patches, got {type(patches).__name__}",
                                      fix="use redline.imagery.change_patches(...) or redline.io.read_layer(...)"))
    if "patch_id" not in patches.columns:
        problems.append(Problem(layer="patches", code="missing_field", message="the patches have no patch_id field",
                                fix="read them with read_layer(..., kind='change_patches') or rename the id field "
                                    "to patch_id"))
    for name, layer in given.items():
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


def _as_date(value, what: str) -> np.datetime64:
    from ..audit_date import to_date

    try:
        day = to_date(value, name=what, default_today=False)
    except ValueError as exc:
        raise ValidationError(Problem(layer=what, code="bad_date", message=str(exc),
                                      fix="give it as 2024-06-30")) from None
    return np.datetime64(day, "D")


def _column_dates(patches: gpd.GeoDataFrame, *names: str) -> tuple[np.ndarray, str | None]:
    for name in names:
        if name in patches.columns:
            return pd.to_datetime(patches[name], errors="coerce").dt.normalize().to_numpy("datetime64[D]"), name
    return np.full(len(patches), _NO_DATE, dtype="datetime64[D]"), None


def _image_dates(patches, after_date, before_date) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per patch the later and earlier image dates, and the notes on where they came from."""
    notes: list[str] = []
    after, source = _column_dates(patches, "after_date", "detected_date")
    before, _ = _column_dates(patches, "before_date")
    for given, dates, what in ((after_date, after, "after_date"), (before_date, before, "before_date")):
        if given is None:
            continue
        d = _as_date(given, what)
        differ = ~np.isnat(dates) & (dates != d)
        if differ.any():
            notes.append(f"[patches] {what}={d} given for every patch; {int(differ.sum())} patch(es) carried "
                         f"another date ({_ids(patches['patch_id'].to_numpy()[differ])}), replaced")
        dates[:] = d
    if after_date is None and source == "detected_date":
        notes.append("[patches] the later image date is read from detected_date (监测日期)")
    missing = np.isnat(after)
    if len(after) and missing.any():
        notes.append(f"[patches] {int(missing.sum())} patch(es) have no later image date (后时相日期): the dates of "
                     f"their bases were not compared, every basis counts as granted before the image "
                     f"({_ids(patches['patch_id'].to_numpy()[missing])}); give after_date or an after_date column")
    wrong = ~np.isnat(after) & ~np.isnat(before) & (before > after)
    if wrong.any():
        raise ValidationError(Problem(layer="patches", code="impossible_date",
                                      message="the earlier image date (前时相) is after the later one (后时相)",
                                      ids=tuple(map(str, patches["patch_id"].to_numpy()[wrong][:20])),
                                      fix="swap before_date and after_date"))
    return after, before, notes


def _date_range(after: np.ndarray) -> str:
    known = after[~np.isnat(after)]
    if len(known) == 0:
        return "unknown"
    lo, hi = known.min(), known.max()
    return str(lo) if lo == hi else f"{lo} .. {hi}"


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


#: a patch's own area_m2 further than this from its measured area is not apportioned to (a note names it)
_APPORTION_MAX = 0.05


def _apportion(patches: gpd.GeoDataFrame, measured: np.ndarray, pid: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Per patch the factor that makes its pieces sum to its own ``area_m2`` (the area of record: the pixels'
    area of a raster patch, the issued 图斑面积), each piece keeping its measured share; 1 without one."""
    factor = np.ones(len(patches))
    if "area_m2" not in patches.columns or not len(patches):
        return factor, []
    given = pd.to_numeric(patches["area_m2"], errors="coerce").to_numpy(float)
    ok = np.isfinite(given) & (given > 0) & (measured > 0)
    ratio = np.divide(given, measured, out=np.ones(len(given)), where=ok)
    far = ok & (np.abs(ratio - 1) > _APPORTION_MAX)
    use = ok & ~far
    factor[use] = ratio[use]
    notes = []
    if use.any():
        notes.append(f"[patches] the pieces' areas are apportioned to each patch's own area_m2 by their measured "
                     f"share, so that they sum to it (largest change {np.abs(ratio[use] - 1).max():.3%})")
    if far.any():
        notes.append(f"[patches] {int(far.sum())} patch(es) whose area_m2 differs from the measured area by more than "
                     f"{_APPORTION_MAX:.0%}: their pieces keep the measured area ({_ids(pid[far])})")
    return factor, notes


# --- contacts: each feature's overlap with each patch, slivers apart ----------------------------------------------

@dataclass
class _Contacts:
    """The (patch, feature) pairs of one layer: the overlap without its sliver parts, and the slivers."""

    patch: np.ndarray       # patch index per pair
    feature: np.ndarray     # feature index (row of the layer) per pair
    ids: np.ndarray         # feature id per pair (text)
    geom: np.ndarray        # the overlap without slivers (None when only slivers)
    sliver_m2: np.ndarray   # sliver area per pair
    status: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    date_text: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))


def _contacts(pgeoms: np.ndarray, layer: gpd.GeoDataFrame, id_field: str, work: WorkingCRS, method: AreaMethod,
              max_area: float, max_width: float) -> _Contacts:
    lgeoms = layer.geometry.to_numpy()
    lids = layer[id_field].astype(str).to_numpy()
    empty = _Contacts(np.zeros(0, int), np.zeros(0, int), np.zeros(0, object), np.zeros(0, object), np.zeros(0))
    ok = ~(shapely.is_missing(lgeoms) | shapely.is_empty(lgeoms))
    if len(pgeoms) == 0 or not ok.any():
        return empty
    rows = np.flatnonzero(ok)
    tree = STRtree(lgeoms[rows])
    pi, li = tree.query(pgeoms, predicate="intersects")
    if pi.size == 0:
        return empty
    li = rows[li]
    inter = _engine.robust(shapely.intersection, pgeoms[pi], lgeoms[li])
    parts, owner = shapely.get_parts(inter, return_index=True)
    polygonal = shapely.get_type_id(parts) == 3
    parts, owner = parts[polygonal], owner[polygonal]
    area = piece_areas(parts, work.crs, method) if len(parts) else np.zeros(0)
    keep = area > 0  # touching along an edge is not even a sliver
    parts, owner, area = parts[keep], owner[keep], area[keep]
    perimeter = shapely.length(parts)
    width = np.divide(2 * shapely.area(parts), perimeter, out=np.zeros(len(parts)), where=perimeter > 0)
    sliver = (area < max_area) | (width < max_width)
    land = _engine.grouped_union(parts[~sliver], owner[~sliver], len(pi))
    sliver_m2 = np.bincount(owner[sliver], weights=area[sliver], minlength=len(pi))
    touched = np.bincount(owner, minlength=len(pi)) > 0
    return _Contacts(pi[touched], li[touched], lids[li[touched]], land[touched], sliver_m2[touched])


def _in_force(c: _Contacts, layer: gpd.GeoDataFrame, b: Basis, after: np.ndarray):
    """Per pair: ``in_force``, ``late`` (granted after the patch's later image) or ``ended`` (its term ended
    before it); the dates as text for the reason; and which pairs have no date."""
    status = np.full(len(c.patch), "in_force", dtype=object)
    text = np.full(len(c.patch), "", dtype=object)
    undated = np.zeros(len(c.patch), bool)
    if b.date_field not in layer.columns or len(c.patch) == 0:
        return status, text, undated
    granted = pd.to_datetime(layer[b.date_field], errors="coerce").dt.normalize().to_numpy("datetime64[D]")[c.feature]
    img = after[c.patch]
    known = ~np.isnat(img)
    undated = np.isnat(granted)
    late = known & ~undated & (granted > img)
    status[late] = "late"
    text[:] = [f"{'日期不详' if np.isnat(g) else g}" for g in granted]
    if b.end_field and b.end_field in layer.columns:
        end = pd.to_datetime(layer[b.end_field], errors="coerce").dt.normalize().to_numpy("datetime64[D]")[c.feature]
        ended = known & ~np.isnat(end) & (end < img) & ~late
        status[ended] = "ended"
        text[:] = [f"{t} 至 {e if not np.isnat(e) else '期限不详'}" for t, e in zip(text, end, strict=True)]
    return status, text, undated


def _present(geoms: np.ndarray) -> np.ndarray:
    """Which entries of an object array of geometries hold one (a patch's region, a pair's overlap)."""
    return np.fromiter((g is not None for g in geoms), dtype=bool, count=len(geoms))


def _grouped(c: _Contacts, mask: np.ndarray | None, n: int) -> np.ndarray:
    """Per patch the union of the chosen pairs' overlaps (None where none)."""
    keep = _present(c.geom)
    if mask is not None:
        keep &= mask
    if not keep.any():
        return np.full(n, None, dtype=object)
    return _engine.grouped_union(c.geom[keep], c.patch[keep], n)


def _union_of(arrays: list[np.ndarray], n: int) -> np.ndarray:
    out = np.full(n, None, dtype=object)
    for arr in arrays:
        has = _present(arr)
        both = has & _present(out)
        out[has & ~both] = arr[has & ~both]
        if both.any():
            out[both] = _engine.robust(shapely.union, out[both], arr[both])
    return out


def _slivers_to_text(c: _Contacts, label: str, text: list[list[str]]) -> None:
    only = np.array([g is None for g in c.geom], dtype=bool)
    for p in np.unique(c.patch[c.sliver_m2 > 0]):
        mine = (c.patch == p) & (c.sliver_m2 > 0)
        m2 = c.sliver_m2[mine].sum()
        touching = sorted(set(c.ids[mine & only].tolist()))
        text[p].append(f"{label} {', '.join(touching)} 仅碎片接触 {m2:.2f} m²" if touching else
                       f"{label} 碎片 {m2:.2f} m²")


# --- the split ----------------------------------------------------------------------------------------------------

@dataclass
class _Region:
    name: str          # a basis kind, "late", "ended", "pbf" or "cultivated"
    geoms: np.ndarray  # per patch, None where the patch has none of it


@dataclass
class _Pieces:
    geoms: np.ndarray
    patch: np.ndarray
    bits: np.ndarray           # bit r set: inside region r
    area: np.ndarray = field(default_factory=lambda: np.zeros(0))
    sliver: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """The polygonal part of each geometry (the lines and points an overlay leaves along shared edges dropped)."""
    out = geoms.copy()
    mixed = shapely.get_type_id(geoms) == 7
    if mixed.any():
        parts, owner = shapely.get_parts(geoms[mixed], return_index=True)
        poly = np.isin(shapely.get_type_id(parts), (3, 6))
        rebuilt = np.full(int(mixed.sum()), shapely.Polygon(), dtype=object)
        if poly.any():
            un = _engine.grouped_union(parts[poly], owner[poly], int(mixed.sum()))
            has = _present(un)
            rebuilt[has] = un[has]
        out[mixed] = rebuilt
    return out


_EMPTY = shapely.Polygon()


def _covers(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``shapely.covers(a, b)``; False for every pair when GEOS cannot tell (the overlay then decides)."""
    try:
        return shapely.covers(a, b)
    except shapely.errors.GEOSException:
        return np.zeros(len(a), dtype=bool)


def _split(pgeoms: np.ndarray, live: np.ndarray, regions: list[_Region]) -> _Pieces:
    """Cut the patches by every region in turn: each piece ends inside or outside each region."""
    idx = np.flatnonzero(live)
    geoms, patch, bits = pgeoms[idx], idx, np.zeros(len(idx), dtype=np.int64)
    for r, region in enumerate(regions):
        if len(geoms) == 0:
            break
        cut = region.geoms[patch]
        has = _present(cut)
        if not has.any():
            continue
        g, c = geoms[has], cut[has]
        # a piece the region covers whole (most patches lie inside one land-use or PBF patch) is inside as it is,
        # and one it does not touch is outside: only the rest is cut
        whole, apart = _covers(c, g), ~shapely.intersects(c, g)
        inside, outside = np.full(len(g), _EMPTY, dtype=object), np.full(len(g), _EMPTY, dtype=object)
        inside[whole], outside[apart] = g[whole], g[apart]
        cut_here = ~(whole | apart)
        if cut_here.any():
            inside[cut_here] = _polygonal(_engine.robust(shapely.intersection, g[cut_here], c[cut_here]))
            outside[cut_here] = _polygonal(_engine.robust(shapely.difference, g[cut_here], c[cut_here]))
        keep_in = ~shapely.is_empty(inside) & (shapely.area(inside) > 0)
        keep_out = ~shapely.is_empty(outside) & (shapely.area(outside) > 0)
        geoms = np.concatenate([geoms[~has], inside[keep_in], outside[keep_out]])
        patch_has = patch[has]
        bits_has = bits[has]
        patch = np.concatenate([patch[~has], patch_has[keep_in], patch_has[keep_out]])
        bits = np.concatenate([bits[~has], bits_has[keep_in] | (1 << r), bits_has[keep_out]])
    # one piece per connected part, in patch order
    parts, owner = shapely.get_parts(geoms, return_index=True)
    poly = shapely.get_type_id(parts) == 3
    parts, owner = parts[poly], owner[poly]
    order = np.lexsort((-shapely.area(parts), patch[owner]))
    return _Pieces(parts[order], patch[owner][order], bits[owner][order])


# --- judging the pieces -------------------------------------------------------------------------------------------

def _ids_on(pieces: _Pieces, sel: np.ndarray, c: _Contacts, status: str | None) -> list[list[int]]:
    """Per selected piece, the pairs of ``c`` (with ``status``) whose overlap covers part of it."""
    out: list[list[int]] = [[] for _ in range(int(sel.sum()))]
    pairs = np.flatnonzero(_present(c.geom)
                           & ((c.status == status) if status is not None else True))
    if not len(pairs) or not sel.any():
        return out
    where = np.flatnonzero(sel)
    tree = STRtree(c.geom[pairs])
    qi, pj = tree.query(pieces.geoms[where], predicate="intersects")
    same = c.patch[pairs[pj]] == pieces.patch[where[qi]]
    qi, pj = qi[same], pj[same]
    if len(qi):
        shared = shapely.area(_engine.robust(shapely.intersection, pieces.geoms[where[qi]], c.geom[pairs[pj]]))
        big = shared > 1e-6 * np.maximum(shapely.area(pieces.geoms[where[qi]]), 1.0)
        for q, p in zip(qi[big], pairs[pj[big]], strict=True):
            out[q].append(int(p))
    return out


@dataclass
class _Judged:
    basis: np.ndarray          # basis kind or "none"
    basis_ids: np.ndarray
    basis_dates: np.ndarray
    judgement: np.ndarray
    reason: np.ndarray
    on_pbf: np.ndarray
    on_cult: np.ndarray
    farmland_ids: np.ndarray
    late_ids: np.ndarray


def _judge_pieces(pieces: _Pieces, regions: list[_Region], contacts: dict[str, _Contacts], pbf_c, rules: RuleSet,
                  after: np.ndarray) -> _Judged:
    m = len(pieces.geoms)
    bit = {r.name: 1 << i for i, r in enumerate(regions)}

    def inside(name: str) -> np.ndarray:
        return (pieces.bits & bit[name]) > 0 if name in bit else np.zeros(m, bool)

    on_pbf, on_cult = inside("pbf"), inside("cultivated")
    basis = np.full(m, "none", dtype=object)
    basis_ids = np.full(m, "", dtype=object)
    basis_dates = np.full(m, "", dtype=object)
    reason = np.full(m, "", dtype=object)
    refused: list[list[str]] = [[] for _ in range(m)]
    also: list[list[str]] = [[] for _ in range(m)]
    # every basis in force covering each piece: (kind, ids, dates, whether it may occupy the piece's land)
    covering: list[list[tuple[str, str, str, bool]]] = [[] for _ in range(m)]
    for b in BASES:
        if b.kind not in contacts:
            continue
        may = np.where(on_pbf, bool(rules.value("imagery.basis_may_occupy_pbf", b.kind)),
                       np.where(on_cult, bool(rules.value("imagery.basis_may_occupy_cultivated", b.kind)), True))
        c = contacts[b.kind]
        sel = inside(b.kind)
        for k, pairs in zip(np.flatnonzero(sel), _ids_on(pieces, sel, c, "in_force"), strict=True):
            if not pairs:
                continue
            ids = ", ".join(sorted(set(c.ids[pairs].tolist())))
            dates = "; ".join(f"{i} {d}" for i, d in sorted(set(zip(c.ids[pairs].tolist(), c.date_text[pairs].tolist(),
                                                                    strict=True))) if d)
            covering[k].append((b.kind, ids, dates, bool(may[k])))
    label = {b.kind: b.label_zh for b in BASES}
    for q, held in enumerate(covering):
        allowed = [f for f in held if f[3]]
        if allowed:
            # a supply is the basis to build; the land's conversion may come from another basis (an approval)
            chosen = next((f for f in held if f[0] == "supplies"), allowed[0])
            basis[q], basis_ids[q], basis_dates[q] = chosen[:3]
            also[q] = [f"{label[f[0]]} {f[1]}" + (f" ({f[2]})" if f[2] else "") for f in held if f is not chosen]
        else:
            for kind, ids, _, _ in held:
                land = "永久基本农田" if on_pbf[q] else "耕地"
                key = "imagery.basis_may_occupy_pbf" if on_pbf[q] else "imagery.basis_may_occupy_cultivated"
                refused[q].append(f"{label[kind]} {ids} 不是占用{land}的依据 ({key}[{kind}]=false)")
    late_ids = np.full(m, "", dtype=object)
    late, ended = inside("late"), inside("ended")
    for b in BASES:
        if b.kind not in contacts:
            continue
        c = contacts[b.kind]
        for status, mask in (("late", late), ("ended", ended)):
            found = _ids_on(pieces, mask, c, status)
            for k, pairs in zip(np.flatnonzero(mask), found, strict=True):
                if not pairs:
                    continue
                when = after[pieces.patch[k]]
                what = "晚于后时相" if status == "late" else "到期早于后时相"
                text = "; ".join(f"{b.label_zh} {i} ({d}) {what} {when}"
                                 for i, d in sorted(set(zip(c.ids[pairs].tolist(), c.date_text[pairs].tolist(),
                                                            strict=True))))
                late_ids[k] = f"{late_ids[k]}; {text}" if late_ids[k] else text
    farmland_ids = np.full(m, "", dtype=object)
    if pbf_c is not None:
        for k, pairs in zip(np.flatnonzero(on_pbf), _ids_on(pieces, on_pbf, pbf_c, None), strict=True):
            farmland_ids[k] = ", ".join(sorted(set(pbf_c.ids[pairs].tolist())))

    judgement = np.select(
        [basis == "supplies", basis == "approvals", basis != "none", on_pbf, on_cult, late, ended],
        ["approved_supplied", "approved_not_supplied", "other_basis", "unapproved_on_farmland",
         "unapproved_on_cultivated", "built_before_approval", "expired_temporary_use"], "unapproved").astype(object)
    for q in range(m):
        if basis[q] != "none":
            text = f"{label[basis[q]]} {basis_ids[q]}"
            img = after[pieces.patch[q]]
            if basis_dates[q] and not np.isnat(img):
                text += f" ({basis_dates[q]} ≤ 后时相 {img})"
            parts = [text, *also[q]]
        else:
            land = ("永久基本农田 " + farmland_ids[q]) if on_pbf[q] else "耕地" if on_cult[q] else ""
            parts = ["无合法依据" + (f", 占用{land}" if land else "")]
        parts += refused[q]
        if late_ids[q]:
            parts.append(late_ids[q])
        reason[q] = "; ".join(parts)
    return _Judged(basis, basis_ids, basis_dates, judgement, reason, on_pbf, on_cult, farmland_ids, late_ids)


# --- the register and the pieces as frames ------------------------------------------------------------------------

def _register(patches, patch_area, pieces: _Pieces, j: _Judged, piece_rules: np.ndarray, contacts, pbf_c, regions, after, before,
              has_pbf: bool, has_landuse: bool, sliver_text, max_area, max_width, rules: RuleSet) -> gpd.GeoDataFrame:
    n = len(patches)
    out = patches.copy()
    if "area_m2" not in out.columns:
        out["area_m2"] = patch_area
        out["area_mu"] = patch_area / M2_PER_MU
    legal = np.isin(j.judgement, LEGAL)
    real = ~pieces.sliver

    def total(mask: np.ndarray) -> np.ndarray:
        return np.bincount(pieces.patch[mask], weights=pieces.area[mask], minlength=n)

    explained = total(legal & real)
    unexplained = total(~legal & real)
    piece_sliver = total(pieces.sliver)
    unexplained_pbf = total(~legal & real & j.on_pbf) if has_pbf else np.full(n, np.nan)
    unexplained_cult = total(~legal & real & j.on_cult) if has_landuse else np.full(n, np.nan)
    cultivated = total(real & j.on_cult) if has_landuse else np.full(n, np.nan)

    # the patch's judgement: its gravest piece that is not a sliver (all its pieces when it has no other)
    gravity = np.array([_GRAVITY[x] for x in j.judgement], dtype=np.int64)
    worst = np.full(n, -1, dtype=np.int64)
    np.maximum.at(worst, pieces.patch[real], gravity[real])
    fallback = np.full(n, -1, dtype=np.int64)
    np.maximum.at(fallback, pieces.patch, gravity)
    worst = np.where(worst >= 0, worst, np.where(fallback >= 0, fallback, _GRAVITY["unapproved"]))
    judgement = np.array(JUDGEMENTS, dtype=object)[worst]

    # the area inside each region: the pieces inside it (they partition the patch), measured like them
    region_area = {r.name: np.bincount(pieces.patch, weights=pieces.area * ((pieces.bits >> i) & 1), minlength=n)
                   for i, r in enumerate(regions)}
    ids_cols: dict[str, list[str]] = {}
    for b in BASES:
        c = contacts.get(b.kind)
        col = [""] * n
        if c is not None:
            mine = (c.status == "in_force") & _present(c.geom)
            for p in np.unique(c.patch[mine]):
                col[p] = ", ".join(sorted(set(c.ids[mine & (c.patch == p)].tolist())))
        ids_cols[b.ids_column] = col
    late_col = [""] * n
    for k in np.flatnonzero(j.late_ids != ""):
        p = pieces.patch[k]
        for t in j.late_ids[k].split("; "):
            if t not in late_col[p].split("; "):
                late_col[p] = f"{late_col[p]}; {t}" if late_col[p] else t
    farm_col = [""] * n
    if pbf_c is not None:
        solid = _present(pbf_c.geom)
        for p in np.unique(pbf_c.patch[solid]):
            farm_col[p] = ", ".join(sorted(set(pbf_c.ids[solid & (pbf_c.patch == p)].tolist())))

    out["judgement"] = judgement
    out["judgement_zh"] = pd.Series(judgement, index=out.index).map(JUDGEMENT_LABELS_ZH)
    for name, values in (("explained", explained), ("unexplained", unexplained),
                         ("unexplained_pbf", unexplained_pbf), ("unexplained_cultivated", unexplained_cult),
                         ("cultivated", cultivated)):
        out[f"{name}_m2"] = values
        out[f"{name}_mu"] = values / M2_PER_MU
    out["piece_sliver_m2"] = piece_sliver
    out["pieces"] = np.bincount(pieces.patch, minlength=n)
    for column, id_text in ids_cols.items():
        out[column] = id_text
    out["late_basis_ids"] = late_col
    out["farmland_ids"] = farm_col
    for stem, name in (("approved", "approvals"), ("supplied", "supplies"), ("farmland", "pbf")):
        out[f"{stem}_m2"] = region_area.get(name, np.zeros(n))
        out[f"{stem}_mu"] = out[f"{stem}_m2"] / M2_PER_MU
    for stem, c in (("approved", contacts.get("approvals")), ("supplied", contacts.get("supplies")),
                    ("farmland", pbf_c)):
        out[f"{stem}_sliver_m2"] = (np.bincount(c.patch, weights=c.sliver_m2, minlength=n) if c is not None
                                    else np.zeros(n))
    out["sliver_reason"] = [f"{'; '.join(t)}: 面积 < {max_area:g} m² 或宽度 < {max_width:g} m, 视为数字化误差, 不计"
                            if t else "" for t in sliver_text]
    out["before_date"] = pd.to_datetime(before)
    out["after_date"] = pd.to_datetime(after)
    out["reason"] = _patch_reasons(pieces, j, n)
    out["rule"] = _rule_text(pieces, gravity, worst, piece_rules, rules, out["sliver_reason"].to_numpy() != "")
    geom_col = out.geometry.name
    return out[[c for c in out.columns if c != geom_col] + [geom_col]]


def _patch_reasons(pieces: _Pieces, j: _Judged, n: int) -> list[str]:
    """Per patch, each judgement of its pieces (gravest first) with their area and reasons (slivers left out).

    Plain dicts, not a groupby: a province has hundreds of thousands of patches."""
    area: dict[tuple[int, str], float] = {}
    reasons: dict[tuple[int, str], dict[str, None]] = {}
    for p, code, a, sliver, why in zip(pieces.patch.tolist(), j.judgement.tolist(), pieces.area.tolist(),
                                       pieces.sliver.tolist(), j.reason.tolist(), strict=True):
        if sliver:
            continue
        key = (p, code)
        area[key] = area.get(key, 0.0) + a
        reasons.setdefault(key, {})[why] = None
    out: list[list[tuple[int, str]]] = [[] for _ in range(n)]
    for (p, code), a in area.items():
        out[p].append((_GRAVITY[code], f"{JUDGEMENT_LABELS_ZH[code]} {a:,.0f} m²: {'; '.join(reasons[(p, code)])}"))
    return [" | ".join(t for _, t in sorted(x, key=lambda e: -e[0])) for x in out]


def _rule_text(pieces: _Pieces, gravity: np.ndarray, worst: np.ndarray, piece_rules: np.ndarray, rules: RuleSet,
               with_slivers: np.ndarray) -> np.ndarray:
    """Per patch the rule of the piece that gave its judgement (its largest such piece), and the slivers' rule."""
    n = len(worst)
    rule = np.full(n, f"{rules.label}: no piece", dtype=object)
    decides = np.flatnonzero(gravity == worst[pieces.patch])[::-1]  # pieces are largest first within a patch
    rule[pieces.patch[decides]] = piece_rules[decides]
    sliver = f"{rules.cite('geometry.sliver_max_area_m2')}; {rules.cite('geometry.sliver_max_width_m')}"
    rule[with_slivers] = [f"{r}; slivers: {sliver}" for r in rule[with_slivers]]
    return rule


def _piece_rules(j: _Judged, rules: RuleSet) -> list[str]:
    """The threshold behind each piece's judgement: whether its basis (or none) may occupy its land."""
    out = []
    for basis, pbf, cult in zip(j.basis, j.on_pbf, j.on_cult, strict=True):
        sub = None if basis == "none" else basis
        if pbf:
            out.append(rules.cite("imagery.basis_may_occupy_pbf", sub))
        elif cult:
            out.append(rules.cite("imagery.basis_may_occupy_cultivated", sub))
        elif basis == "none":
            out.append(f"{rules.label}: no basis in force covers it (《土地管理法》第四十四条 农用地转用审批)")
        else:
            out.append(f"{rules.label}: {basis} in force on the later image date")
    return out


def _piece_frame(patches, pieces: _Pieces, j: _Judged, piece_rules: np.ndarray, register, after,
                 work: WorkingCRS, measured: dict[str, bool]) -> gpd.GeoDataFrame:
    n_piece = np.zeros(len(pieces.patch), dtype=np.int64)
    if len(pieces.patch):
        start = np.r_[0, np.flatnonzero(np.diff(pieces.patch)) + 1]
        counts = np.diff(np.r_[start, len(pieces.patch)])
        n_piece = np.arange(len(pieces.patch)) - np.repeat(start, counts) + 1
    label = {b.kind: b.label_zh for b in BASES} | {"none": "无"}
    pj = register["judgement"].to_numpy()[pieces.patch] if len(pieces.patch) else np.zeros(0, object)
    frame = pd.DataFrame({
        "patch_id": patches["patch_id"].to_numpy()[pieces.patch],
        "piece": n_piece,
        "judgement_zh": [JUDGEMENT_LABELS_ZH[x] for x in j.judgement],
        "judgement": j.judgement,
        "patch_judgement_zh": [JUDGEMENT_LABELS_ZH[x] for x in pj],
        "patch_judgement": pj,
        "basis": j.basis,
        "basis_zh": [label[x] for x in j.basis],
        "basis_ids": j.basis_ids,
        "basis_dates": j.basis_dates,
        "late_basis_ids": j.late_ids,
        # empty, not False, where the layer saying it was not given
        "on_pbf": pd.array(j.on_pbf, dtype="boolean") if measured["on_pbf"] else
        pd.array([pd.NA] * len(j.on_pbf), dtype="boolean"),
        "on_cultivated": pd.array(j.on_cult, dtype="boolean") if measured["on_cultivated"] else
        pd.array([pd.NA] * len(j.on_cult), dtype="boolean"),
        "farmland_ids": j.farmland_ids,
        "area_m2": pieces.area,
        "area_mu": pieces.area / M2_PER_MU,
        "sliver": pieces.sliver,
        "after_date": pd.to_datetime(after[pieces.patch]) if len(pieces.patch) else pd.to_datetime([]),
        "reason": j.reason,
        "rule": piece_rules,
    })
    geoms = gpd.GeoSeries(pieces.geoms, crs=work.crs)
    if patches.crs is not None and work.crs != patches.crs:
        geoms = geoms.to_crs(patches.crs)
    return gpd.GeoDataFrame(frame, geometry=geoms.values, crs=patches.crs)
