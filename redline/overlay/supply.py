"""批而未供 approved but not supplied, 存量供地 supply outside approvals, 先供后批 supply before approval, 供地率.

Every date is read as of the audit date ``as_of`` (DOMAIN §7 "Audit date"): a supply signed after it is
not a supply yet and is left out of the overlay; an approval dated after it is not an approval yet and is
not audited. Both exclusions are notes in the call's :class:`~redline.result.AuditLog` naming the count and the ids.
``as_of=None`` means today (``datetime.date.today()`` when the function is called).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..area import AreaMethod, area_factor
from ..result import AuditLog, NoteList, deliver
from ..rules import RuleSet, resolve_rules
from ..scale import Backend
from ..units import m2_to_mu
from ..validate import Prepared
from . import _engine
from ._common import finish, prepare, to_date, to_timestamp

__all__ = ["SupplyOverlay", "approved_not_supplied", "supply_before_approval", "supply_outside_approvals", "supply_rate"]

#: how many excluded ids a note names (the count is always complete)
NOTE_IDS = 10


def _listed(frame: pd.DataFrame, id_col: str, date_col: str) -> str:
    """``id (date), id (date) … and N more``: the first :data:`NOTE_IDS` rows of ``frame``."""
    shown = [f"{i} ({pd.Timestamp(d).date().isoformat()})"
             for i, d in zip(frame[id_col].head(NOTE_IDS), frame[date_col].head(NOTE_IDS), strict=True)]
    more = len(frame) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


class SupplyOverlay:
    """The overlay of one approvals and supplies pair, shared by the 批而未供 audits given it.

    :func:`approved_not_supplied`, :func:`supply_outside_approvals` and :func:`supply_before_approval`
    called with the same ``overlay=SupplyOverlay()`` on the same (validated) layers, audit date, area
    method and working CRS compute the layers in force on the audit date, the pairs table and each side's
    remnants once. Called on other layers, an overlay computes afresh and keeps the new ones.

    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> a = gpd.GeoDataFrame({"批准文号": ["A1"], "批准日期": ["2020-03-01"]},
    ...                      geometry=[box(500000, 3800000, 500100, 3800100)], crs="EPSG:4547")
    >>> s = gpd.GeoDataFrame({"合同编号": ["C1"], "签订日期": ["2021-01-05"]},
    ...                      geometry=[box(500000, 3800000, 500060, 3800100)], crs="EPSG:4547")
    >>> from redline.validate import prepare_layers
    >>> layers = prepare_layers({"approvals": (a, "approvals"), "supplies": (s, "supplies")}).layers
    >>> shared = SupplyOverlay()
    >>> kw = dict(as_of="2026-06-30", area_method="planar", overlay=shared)
    >>> r = approved_not_supplied(layers["approvals"], layers["supplies"], **kw)
    >>> o = supply_outside_approvals(layers["approvals"], layers["supplies"], **kw)
    >>> float(r["unsupplied_m2"].iloc[0]), len(o), shared.computed
    (4000.0, 0, 1)
    """

    def __init__(self) -> None:
        #: how many times the pairs table was computed (once for one pair of layers)
        self.computed = 0
        self._as_of: tuple[tuple, tuple] | None = None
        self._shared: tuple[tuple, dict[str, Any]] | None = None

    def in_force(self, approvals: gpd.GeoDataFrame | None, supplies: gpd.GeoDataFrame | None,
                 as_of: dt.date) -> tuple[Any, Any]:
        """Per layer, (the rows in force on ``as_of``, or None when all are; the rows dated after it)."""
        key = (approvals, supplies, as_of)
        if self._as_of is None or not _same(self._as_of[0], key):
            t = to_timestamp(as_of)
            value = []
            for layer, id_col, date_col in ((approvals, "approval_id", "approval_date"),
                                            (supplies, "supply_id", "supply_date")):
                if layer is None:
                    value.append((None, None))
                    continue
                late = (pd.to_datetime(layer[date_col]) > t).to_numpy()
                value.append((layer.loc[~late] if late.any() else None, layer.loc[late, [id_col, date_col]]))
            self._as_of = (key, tuple(value))
        return self._as_of[1]

    def shared(self, approvals: gpd.GeoDataFrame, supplies: gpd.GeoDataFrame | None, crs: Any,
               method: AreaMethod, threads: int, backend: Backend | None = None) -> dict[str, Any]:
        """The geometries and the pairs table of the pair (and the remnants computed so far); the pairs are
        computed on ``backend`` when given (the same table: it is not part of the key)."""
        key = (approvals, supplies, method, str(crs), threads)
        if self._shared is None or not _same(self._shared[0], key):
            ag = np.asarray(approvals.geometry.values, dtype=object)
            sg = (np.asarray(supplies.geometry.values, dtype=object) if supplies is not None
                  else np.zeros(0, dtype=object))
            self.computed += 1
            # no cover flags: the remnants test each feature against its partners' union, which is cheaper
            pairs = _engine.pair_index(ag, sg, threads=threads, relations=False, backend=backend)
            self._shared = (key, {"ag": ag, "sg": sg, "pairs": pairs})
        return self._shared[1]

    def remnants(self, approvals: gpd.GeoDataFrame, supplies: gpd.GeoDataFrame | None, crs: Any,
                 method: AreaMethod, threads: int, side: str, backend: Backend | None = None) -> _engine.Remnants:
        """Remnants of one side (``"approvals"`` or ``"supplies"``) over the shared pairs table."""
        hit = self.shared(approvals, supplies, crs, method, threads, backend)
        if side not in hit:
            if side == "approvals":
                hit[side] = _engine.remnants(hit["ag"], hit["sg"], crs=crs, method=method, pairs=hit["pairs"],
                                             threads=threads, backend=backend, right_valid=True)
            else:
                hit[side] = _engine.remnants(hit["sg"], hit["ag"], crs=crs, method=method,
                                             pairs=hit["pairs"].transpose(), threads=threads,
                                             backend=backend, right_valid=True)
        return hit[side]


def _same(a: tuple, b: tuple) -> bool:
    """Two keys naming the same layers (by identity) and the same settings."""
    return len(a) == len(b) and all(x is y if isinstance(x, pd.DataFrame) or isinstance(y, pd.DataFrame)
                                    else x == y for x, y in zip(a, b, strict=True))


def _as_of_layers(approvals: gpd.GeoDataFrame | None, supplies: gpd.GeoDataFrame | None, as_of, audit: str,
                  overlay: SupplyOverlay):
    """The approvals and supplies in force on ``as_of``, and a note for each set left out.

    Approvals dated after ``as_of`` are not approvals yet, supplies signed after it not supplies yet
    (DOMAIN §7): both are removed before the overlay. A layer with nothing to remove is returned as it is
    (the same object, so a shared ``overlay`` still recognises it).
    """
    (kept_a, late_a), (kept_s, late_s) = overlay.in_force(approvals, supplies, as_of)
    kept_a = approvals if kept_a is None else kept_a
    kept_s = supplies if kept_s is None else kept_s
    notes = []
    day = as_of.isoformat()
    if late_a is not None and len(late_a):
        n = len(late_a)
        notes.append(f"[{audit}] {n} approval{'' if n == 1 else 's'} dated after the audit date {day} not audited "
                     f"(not an approval yet on that date): {_listed(late_a, 'approval_id', 'approval_date')}")
    if late_s is not None and len(late_s):
        n = len(late_s)
        notes.append(f"[{audit}] {n} suppl{'y' if n == 1 else 'ies'} signed after the audit date {day} left out "
                     f"(not a supply yet on that date): {_listed(late_s, 'supply_id', 'supply_date')}")
    return kept_a, kept_s, notes


def _start(approvals: gpd.GeoDataFrame | None, supplies: gpd.GeoDataFrame | None, *, audit: str, need: str, as_of,
           rules: RuleSet | str | None, crs, strict: bool, area_method: AreaMethod, overlay: SupplyOverlay | None
           ) -> tuple[RuleSet, dt.date, Prepared, SupplyOverlay, Any, Any, list[str]]:
    """What the three 批/供 audits start from: the rule set, the audit date, the validated layers, the shared
    overlay, and the approvals and supplies in force on that date with the notes on those left out.

    ``need`` names the layer the audit cannot do without (its rows are that layer's features)."""
    rules = resolve_rules(rules)
    as_of = to_date(as_of)
    prep = prepare({"approvals": (approvals, "approvals"), "supplies": (supplies, "supplies")}, crs=crs,
                   strict=strict, area_method=area_method)
    if prep.layers.get(need) is None:
        raise ValueError(f"{audit} needs the {need} layer; got none")
    overlay = overlay if overlay is not None else SupplyOverlay()
    A, S, notes = _as_of_layers(prep.layers.get("approvals"), prep.layers.get("supplies"), as_of, audit, overlay)
    return rules, as_of, prep, overlay, A, S, notes


def _age_years(dates: pd.Series, as_of) -> pd.Series:
    d = pd.to_datetime(dates)
    before = (d.dt.month > as_of.month) | ((d.dt.month == as_of.month) & (d.dt.day > as_of.day))
    return (as_of.year - d.dt.year - before.astype(int)).astype("float")


def _sliver_rules(rules: RuleSet) -> tuple[float, float, str]:
    area = float(rules.value("geometry.sliver_max_area_m2"))
    width = float(rules.value("geometry.sliver_max_width_m"))
    cite = f"{rules.cite('geometry.sliver_max_area_m2')}; {rules.cite('geometry.sliver_max_width_m')}"
    return area, width, cite


def approved_not_supplied(approvals: gpd.GeoDataFrame, supplies: gpd.GeoDataFrame | None, *, as_of=None,
                          rules: RuleSet | str | None = None, area_method: AreaMethod = "ellipsoidal", crs=None,
                          strict: bool = False, threads: int = _engine.THREADS,
                          log: AuditLog | None = None, overlay: SupplyOverlay | None = None,
                          backend: Backend | None = None) -> gpd.GeoDataFrame:
    """批而未供: the part of each approval not covered by any supply.

    Parameters
    ----------
    approvals : GeoDataFrame
        Approval red lines (报批/征地红线) with ``approval_id`` (批准文号) and ``approval_date`` (批准日期),
        canonical or bureau field names.
    supplies : GeoDataFrame or None
        Supply red lines (供地红线) with ``supply_id`` (合同编号) and ``supply_date``. None or empty:
        nothing is supplied.
    as_of : date or str, optional
        The audit date; None means today (``datetime.date.today()`` at the call). Every date is read as
        of it: supplies signed after it are not supplies yet and are left out of the overlay, approvals
        dated after it are not approvals yet and get no row; each exclusion is a note naming the count and
        the ids. It also gives the approvals' age.
    rules : RuleSet, name or path, optional
        Rule set (default ``cn-national``); slivers by ``geometry.sliver_max_area_m2`` and
        ``geometry.sliver_max_width_m``, invariant tolerance ``geometry.area_tolerance_m2``.
    area_method : {"ellipsoidal", "planar"}
        Ellipsoidal (CGCS2000, like 三调 TBMJ) or planar areas in the working CRS.
    crs : optional
        Working CRS (default: the CGCS2000 3-degree zone nearest the data).
    strict : bool
        Any feature problem stops the run instead of being repaired or set aside.
    threads : int
        Threads for the overlay (2).
    overlay : SupplyOverlay, optional
        Shared with :func:`supply_outside_approvals` and :func:`supply_before_approval` on the same layers:
        the overlay is computed once for the three.

    Returns
    -------
    GeoDataFrame
        One row per approval dated on or before ``as_of`` (in input order, minus features set aside as
        invalid, which are listed in ``log.rejected``), keeping its attributes, with:

        - ``approved_m2``/``approved_mu``: the approval's area;
        - ``supplied_m2``/``supplied_mu``: area covered by the union of the supplies touching it that
          were signed on or before ``as_of`` (overlapping supplies are not counted twice; a supply signed
          before the approval still counts: it does cover the land, and the pair is listed by
          :func:`supply_before_approval`, 先供后批);
        - ``unsupplied_m2``/``unsupplied_mu``: the unsupplied remnant, **excluding slivers**;
        - ``sliver_m2``, ``sliver_parts``: remnant parts under the sliver area, or thinner
          (2 × area / perimeter) than the sliver width: digitising noise, not land;
        - ``unsupplied_kind``: ``none`` (fully supplied), ``sliver`` (only slivers left), ``land``;
        - ``supply_rate``: supplied ÷ (approved − slivers), 0–1;
        - ``supplies_n``, ``approval_year``, ``approval_age_years`` (full years at ``as_of``), ``rule``;
        - ``point_x``, ``point_y``: a point inside the approval (working CRS), for labels and for
          assigning districts when the approval is fully supplied;
        - geometry: the unsupplied land (slivers removed); empty when nothing is left.

        Invariant, checked for every row: ``approved_m2 = supplied_m2 + unsupplied_m2 + sliver_m2``
        within ``geometry.area_tolerance_m2`` (supplied area is computed independently of the
        remnant; rows breaking it are named in ``log.notes``).

    Examples
    --------
    A 100 m square approval, 60 % supplied: 4 000 m² = 6 亩 unsupplied.

    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> a = gpd.GeoDataFrame({"批准文号": ["豫政土〔2020〕1号"], "批准日期": ["2020-03-01"]},
    ...                      geometry=[box(500000, 3800000, 500100, 3800100)], crs="EPSG:4547")
    >>> s = gpd.GeoDataFrame({"合同编号": ["C1"], "签订日期": ["2021-01-05"]},
    ...                      geometry=[box(500000, 3800000, 500060, 3800100)], crs="EPSG:4547")
    >>> r = approved_not_supplied(a, s, as_of="2026-06-30", area_method="planar")
    >>> r[["approval_id", "unsupplied_m2", "unsupplied_mu", "supply_rate"]].round(6).values.tolist()
    [['豫政土〔2020〕1号', 4000.0, 6.0, 0.6]]
    """
    rules, as_of, prep, overlay, A, S, notes = _start(
        approvals, supplies, audit="approved_not_supplied", need="approvals", as_of=as_of, rules=rules, crs=crs, strict=strict,
        area_method=area_method, overlay=overlay)
    dated_out = tuple(notes)
    a_rem = overlay.remnants(A, S, prep.working.crs, area_method, threads, "approvals", backend)
    max_area, max_width, sliver_cite = _sliver_rules(rules)
    land_geoms, land, sliver, n_sliver, _ = _engine.split_slivers(a_rem.remnant, a_rem.factor, max_area_m2=max_area,
                                                                 max_width_m=max_width)
    out = A.drop(columns=A.geometry.name).copy()
    out["approved_m2"] = a_rem.area
    out["approved_mu"] = m2_to_mu(a_rem.area)
    out["supplied_m2"] = a_rem.covered
    out["supplied_mu"] = m2_to_mu(a_rem.covered)
    out["unsupplied_m2"] = land
    out["unsupplied_mu"] = m2_to_mu(land)
    out["sliver_m2"] = sliver
    out["sliver_parts"] = n_sliver.astype(int)
    out["unsupplied_kind"] = np.where(land > 0, "land", np.where(sliver > 0, "sliver", "none"))
    base = a_rem.area - sliver
    out["supply_rate"] = np.clip(np.where(base > 0, a_rem.covered / np.where(base > 0, base, 1), 1.0), 0.0, 1.0)
    out["supplies_n"] = a_rem.partners.astype(int)
    out["approval_year"] = pd.to_datetime(A["approval_date"]).dt.year.astype("Int64")
    out["approval_age_years"] = _age_years(A["approval_date"], as_of).to_numpy()
    pts = shapely.point_on_surface(np.asarray(A.geometry.values, dtype=object))
    out["point_x"] = shapely.get_x(pts)
    out["point_y"] = shapely.get_y(pts)
    out["rule"] = f"{rules.label} 批而未供 = 批准范围 − ∪(相交供地); slivers: {sliver_cite}"
    tol = float(rules.value("geometry.area_tolerance_m2"))
    balance = a_rem.area - a_rem.covered - land - sliver
    broken = np.abs(balance) > tol
    if broken.any():
        ids = ", ".join(map(str, A["approval_id"].to_numpy()[broken][:10]))
        notes.append(f"[approved_not_supplied] approved ≠ supplied + unsupplied + slivers beyond "
                     f"{rules.cite('geometry.area_tolerance_m2')} for {int(broken.sum())} approval(s): {ids} "
                     f"(largest gap {np.abs(balance).max():.3f} m²); check their geometries")
    notes += _engine.fallback_note("approved_not_supplied", "approvals", A["approval_id"].to_numpy(), a_rem.fallback)
    result = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(land_geoms, index=out.index, crs=A.crs), crs=A.crs)
    return finish(result, prep, rules, area_method, notes, log=log, audit="approved_not_supplied", as_of=as_of,
                  dated_out=dated_out)


def supply_outside_approvals(approvals: gpd.GeoDataFrame | None, supplies: gpd.GeoDataFrame, *, as_of=None,
                             rules: RuleSet | str | None = None, area_method: AreaMethod = "ellipsoidal", crs=None,
                             strict: bool = False, include_slivers: bool = False,
                             threads: int = _engine.THREADS, log: AuditLog | None = None,
                             overlay: SupplyOverlay | None = None, backend: Backend | None = None
                             ) -> gpd.GeoDataFrame:
    """存量供地: supplies (or parts of them) outside every approval, e.g. supply of stock land.

    Parameters
    ----------
    approvals, supplies : GeoDataFrame
        As for :func:`approved_not_supplied`.
    as_of : date or str, optional
        The audit date; None means today. Supplies signed after it are not listed (not supplies yet);
        approvals dated after it do not count as approvals (land supplied before its approval lies
        outside every approval until the approval is granted). Each exclusion is a note.
    include_slivers : bool
        Also list supplies whose only part outside the approvals is a digitising sliver (default
        False: those are listed in no row, their sliver area is noise).
    overlay : SupplyOverlay, optional
        As for :func:`approved_not_supplied`.

    Returns
    -------
    GeoDataFrame
        One row per supply with land outside the approvals, keeping its attributes: ``supply_m2``,
        ``supply_mu``, ``inside_m2`` (covered by the union of approvals), ``outside_m2``/
        ``outside_mu`` (the outside land, slivers excluded), ``outside_sliver_m2``, ``outside_kind``
        (``land``/``sliver``), ``approvals_n``, ``rule``; geometry: the outside land.
        ``supply_m2 = inside_m2 + outside_m2 + outside_sliver_m2`` within the area tolerance.
    """
    rules, as_of, prep, overlay, A, S, notes = _start(
        approvals, supplies, audit="supply_outside_approvals", need="supplies", as_of=as_of, rules=rules, crs=crs, strict=strict,
        area_method=area_method, overlay=overlay)
    dated_out = tuple(notes)
    if A is None:
        A = gpd.GeoDataFrame({"approval_id": []}, geometry=[], crs=S.crs)
    s_rem = overlay.remnants(A, S, prep.working.crs, area_method, threads, "supplies", backend)
    max_area, max_width, sliver_cite = _sliver_rules(rules)
    land_geoms, land, sliver, _, _ = _engine.split_slivers(s_rem.remnant, s_rem.factor, max_area_m2=max_area,
                                                          max_width_m=max_width)
    prep.notes.extend(_engine.fallback_problems("supply_outside_approvals", S["supply_id"], s_rem.fallback))
    out = S.drop(columns=S.geometry.name).copy()
    out["supply_m2"] = s_rem.area
    out["supply_mu"] = m2_to_mu(s_rem.area)
    out["inside_m2"] = s_rem.covered
    out["outside_m2"] = land
    out["outside_mu"] = m2_to_mu(land)
    out["outside_sliver_m2"] = sliver
    out["outside_kind"] = np.where(land > 0, "land", np.where(sliver > 0, "sliver", "none"))
    out["approvals_n"] = s_rem.partners.astype(int)
    out["rule"] = f"{rules.label} 存量供地 = 供地范围 − ∪(相交报批范围); slivers: {sliver_cite}"
    keep = (land > 0) | ((sliver > 0) & include_slivers)
    result = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(land_geoms, index=out.index, crs=S.crs), crs=S.crs)
    result = result.loc[keep]
    return finish(result, prep, rules, area_method, notes, log=log, audit="supply_outside_approvals", as_of=as_of,
                  supplies_outside=int(keep.sum()), dated_out=dated_out)


def supply_before_approval(approvals: gpd.GeoDataFrame, supplies: gpd.GeoDataFrame | None, *, as_of=None,
                           rules: RuleSet | str | None = None, area_method: AreaMethod = "ellipsoidal", crs=None,
                           strict: bool = False, threads: int = _engine.THREADS,
                           log: AuditLog | None = None, overlay: SupplyOverlay | None = None,
                           backend: Backend | None = None) -> gpd.GeoDataFrame:
    """先供后批: supplies signed before the approval of the land they cover (DOMAIN §7 "Audit date").

    A pair (supply, approval) is a finding when the supply's ``supply_date`` is earlier than the
    ``approval_date`` of an approval it overlaps, and the overlap is more than digitising noise: at
    least one polygon of it is neither under ``geometry.sliver_max_area_m2`` nor thinner (2 × area /
    perimeter) than ``geometry.sliver_max_width_m``. A supply signed on the approval's own day is not
    one. Both dates are read as of ``as_of``: supplies signed and approvals dated after it are left out
    (notes), so a pair appears once both exist.

    Such a supply still counts as supplying the approval in :func:`approved_not_supplied` (it does
    cover the land: the 批而未供 arithmetic is kept); the order of the two acts is what is flagged.

    Parameters
    ----------
    approvals, supplies : GeoDataFrame
        As for :func:`approved_not_supplied`.
    as_of : date or str, optional
        The audit date; None means today (``datetime.date.today()`` at the call).
    rules, area_method, crs, strict, threads, overlay
        As for :func:`approved_not_supplied`.

    Returns
    -------
    GeoDataFrame
        One row per (supply, approval) pair, ordered by approval then supply, with ``supply_id``,
        ``supply_date``, ``approval_id``, ``approval_date`` (and ``project_name``, ``holder``,
        ``batch_name``, ``district`` where the layers carry them), ``days_before_approval`` (whole days
        from the supply to the approval), ``overlap_m2``/``overlap_mu`` (the polygonal overlap, slivers
        included, measured with the approval's area method), ``rule``, ``reason``; geometry: the overlap.

    Examples
    --------
    A supply signed 2021-01-10 on the west 60 m of a square approved on 2021-06-01: 142 days early, 9 亩.

    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> a = gpd.GeoDataFrame({"批准文号": ["豫政土〔2021〕7号"], "批准日期": ["2021-06-01"]},
    ...                      geometry=[box(500000, 3800000, 500100, 3800100)], crs="EPSG:4547")
    >>> s = gpd.GeoDataFrame({"合同编号": ["C1"], "签订日期": ["2021-01-10"]},
    ...                      geometry=[box(500000, 3800000, 500060, 3800100)], crs="EPSG:4547")
    >>> r = supply_before_approval(a, s, as_of="2026-06-30", area_method="planar")
    >>> r[["supply_id", "approval_id", "days_before_approval", "overlap_mu"]].round(6).values.tolist()
    [['C1', '豫政土〔2021〕7号', 142, 9.0]]
    """
    rules, as_of, prep, overlay, A, S, notes = _start(
        approvals, supplies, audit="supply_before_approval", need="approvals", as_of=as_of, rules=rules, crs=crs, strict=strict,
        area_method=area_method, overlay=overlay)
    dated_out = tuple(notes)
    if S is None:
        S = gpd.GeoDataFrame({"supply_id": [], "supply_date": pd.to_datetime([])}, geometry=[], crs=A.crs)
    max_area, max_width, sliver_cite = _sliver_rules(rules)
    hit = overlay.shared(A, S, prep.working.crs, area_method, threads, backend)
    li, ri = hit["pairs"].left, hit["pairs"].right
    a_date = pd.to_datetime(A["approval_date"]).to_numpy()
    s_date = pd.to_datetime(S["supply_date"]).to_numpy()
    early = s_date[ri] < a_date[li]
    li, ri = li[early], ri[early]
    n = len(li)
    overlap = (_engine.robust(shapely.intersection, hit["ag"][li], hit["sg"][ri]) if n
               else np.zeros(0, dtype=object))
    factor = area_factor(hit["ag"][li], prep.working.crs, area_method)
    # the polygonal parts of each overlap (an edge or a corner shared is no overlap), and which are slivers
    parts, idx = shapely.get_parts(overlap, return_index=True) if n else (np.zeros(0, dtype=object),
                                                                          np.zeros(0, dtype=np.int64))
    poly = (shapely.get_type_id(parts) == 3) & (shapely.area(parts) > 0) if len(parts) else np.zeros(0, bool)
    parts, idx = parts[poly], idx[poly]
    area = shapely.area(parts)
    width = 2 * area / np.maximum(shapely.length(parts), 1e-300)
    land = ~((area * factor[idx] < max_area) | (width < max_width))
    keep = np.bincount(idx[land], minlength=n) > 0
    overlap_m2 = np.bincount(idx, weights=area, minlength=n) * factor
    geoms = np.full(n, _engine.EMPTY, dtype=object)
    counts = np.bincount(idx, minlength=n)
    single = np.flatnonzero(counts == 1)
    first = np.searchsorted(idx, single)
    geoms[single] = parts[first]
    multi = np.flatnonzero(counts > 1)
    if len(multi):
        sel = np.isin(idx, multi)
        geoms[multi] = shapely.multipolygons(parts[sel], indices=np.searchsorted(multi, idx[sel]))
    li, ri, overlap_m2, geoms = li[keep], ri[keep], overlap_m2[keep], geoms[keep]
    out = pd.DataFrame({"supply_id": S["supply_id"].to_numpy()[ri],
                        "supply_date": pd.to_datetime(S["supply_date"]).to_numpy()[ri],
                        "approval_id": A["approval_id"].to_numpy()[li],
                        "approval_date": pd.to_datetime(A["approval_date"]).to_numpy()[li]})
    for col, layer, rows in (("project_name", S, ri), ("holder", S, ri), ("batch_name", A, li),
                             ("district", A, li)):
        if col in layer.columns:
            out[col] = layer[col].to_numpy()[rows]
    if "district" not in out.columns and "district" in S.columns:
        out["district"] = S["district"].to_numpy()[ri]
    out["days_before_approval"] = (out["approval_date"] - out["supply_date"]).dt.days.astype(int)
    out["overlap_m2"] = overlap_m2
    out["overlap_mu"] = m2_to_mu(overlap_m2)
    out["rule"] = (f"{rules.label} 先供后批 = 供地签订日期早于其所覆盖报批的批准日期 (重叠部分超出碎片容差); "
                   f"slivers: {sliver_cite}")
    out["reason"] = [f"供地 {s} 签订于 {sd:%Y-%m-%d}, 早于所覆盖报批 {a} 的批准日期 {ad:%Y-%m-%d} {d} 天 (先供后批); "
                     f"重叠 {m2:,.1f} 平方米 ({m2_to_mu(m2):,.2f} 亩); 该供地仍计入该报批的已供面积"
                     for s, sd, a, ad, d, m2 in zip(out["supply_id"], out["supply_date"], out["approval_id"],
                                                    out["approval_date"], out["days_before_approval"],
                                                    out["overlap_m2"], strict=True)]
    result = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, index=out.index, crs=A.crs), crs=A.crs)
    return finish(result, prep, rules, area_method, notes, log=log, audit="supply_before_approval", as_of=as_of,
                  dated_out=dated_out)


def _district_of(approvals: pd.DataFrame, admin: gpd.GeoDataFrame | None, working_crs) -> tuple[pd.Series, dict]:
    """District name of each approval: the admin unit holding its representative point, else its own field."""
    own = approvals["district"] if "district" in approvals.columns else pd.Series(None, index=approvals.index,
                                                                                  dtype=object)
    geoms: dict = {}
    if admin is None or len(admin) == 0 or not isinstance(approvals, gpd.GeoDataFrame):
        return own.fillna("未知").astype(str), geoms
    names = admin["admin_name"] if "admin_name" in admin.columns else admin["admin_code"]
    names = names.fillna(admin["admin_code"]).astype(str)
    if {"point_x", "point_y"} <= set(approvals.columns):  # a result of approved_not_supplied
        pts = shapely.points(approvals["point_x"].to_numpy(float), approvals["point_y"].to_numpy(float))
    else:
        pts = shapely.point_on_surface(np.asarray(approvals.geometry.values, dtype=object))
    tree = shapely.STRtree(np.asarray(admin.geometry.values, dtype=object))
    pi, ai = tree.query(pts, predicate="within")
    found = pd.Series(None, index=approvals.index, dtype=object)
    first = pd.Series(ai, index=pi).groupby(level=0).first()
    found.iloc[first.index.to_numpy()] = names.to_numpy()[first.to_numpy()]
    for name, geom in zip(names, admin.geometry.values, strict=True):
        geoms.setdefault(name, geom)
    return found.fillna(own).fillna("未知").astype(str), geoms


def supply_rate(result_or_approvals: gpd.GeoDataFrame, supplies: gpd.GeoDataFrame | None = None, *,
                admin: gpd.GeoDataFrame | None = None, as_of=None, rules: RuleSet | str | None = None,
                by: Sequence[str] = ("year", "district"), area_method: AreaMethod = "ellipsoidal", crs=None,
                strict: bool = False, log: AuditLog | None = None,
                source_log: AuditLog | None = None, backend: Backend | None = None) -> gpd.GeoDataFrame:
    """供地率 supply rate by approval year and district, over the windows practice uses.

    Parameters
    ----------
    result_or_approvals : GeoDataFrame
        Either the result of :func:`approved_not_supplied` (when ``supplies`` is None) or the
        approvals layer.
    supplies : GeoDataFrame, optional
        The supplies layer, when approvals are given.
    admin : GeoDataFrame, optional
        Administrative units (行政区, ``admin_code``, ``admin_name``): each approval is assigned to the
        unit holding its representative point; otherwise the approvals' ``district`` field is used.
    as_of : date or str, optional
        The audit date. None means the result's own audit date (``source_log.as_of``) when a
        result of :func:`approved_not_supplied` is given, else today (``datetime.date.today()`` at the
        call). A result computed as of another date is refused (its supplied areas are that date's).
        Approvals and supplies are read as of it, as in :func:`approved_not_supplied`.
    by : sequence of {"year", "district"}
        ``year``: a row per approval year; ``district``: split every row by district (else one
        jurisdiction). Window rows are always produced.
    log : AuditLog, optional
        Receives the rejected features, notes, rule set, area method and working CRS.
    source_log : AuditLog, optional
        The log :func:`approved_not_supplied` wrote when its result is given: its audit date, rejected
        features, notes and area method carry over (without it the result's audit date is unknown: said in
        a note).

    Returns
    -------
    GeoDataFrame
        Rows with ``district`` (``全部`` for all together), ``period_kind`` (``year``, ``recent``,
        ``long``), ``period`` (label), ``period_start``, ``period_end``, ``approvals_n``,
        ``approved_m2/_mu``, ``supplied_m2/_mu``, ``unsupplied_m2/_mu``, ``sliver_m2``,
        ``supply_rate`` (supplied ÷ (approved − slivers)), ``min_rate``, ``below_min`` (only on
        ``long`` rows: the five-year rate under ``supply_rate.min_rate_5y``, 增存挂钩), ``rule``;
        geometry: the district's unit when ``admin`` is given.

        Windows (``supply_rate.window_mode``): ``calendar`` (default) takes the approvals dated in
        the last N whole calendar years (recent: N = ``window_recent_years``, long: N =
        ``window_long_years``). A year counts once the audit date has reached its last day: audited
        on 31 December, the audit year itself is the last year (2024-12-31: 2024 and 2020–2024);
        on any other day the windows end with the year before (2024-12-30: 2023 and 2019–2023).
        ``rolling`` takes approvals dated in (as_of − N years, as_of]. The ``year`` row of the audit
        year, when it is not complete, ends on the audit date (``period_end``).
    """
    rules = resolve_rules(rules)
    unknown = [b for b in by if b not in ("year", "district")]
    if unknown:
        raise ValueError(f"by must name year and/or district, not {', '.join(map(str, unknown))}")
    notes: list[str] = []
    if supplies is None:
        res = result_or_approvals
        need = {"approved_m2", "supplied_m2", "unsupplied_m2", "sliver_m2", "approval_date"}
        if not need <= set(res.columns):
            raise ValueError("supply_rate needs the result of approved_not_supplied, or approvals and supplies; "
                             f"missing columns: {', '.join(sorted(need - set(res.columns)))}")
        info = source_log if source_log is not None else AuditLog()
        computed = info.as_of.isoformat() if info.as_of is not None else None
        as_of = to_date(as_of if as_of is not None else computed)
        if computed is not None and computed != as_of.isoformat():
            raise ValueError(f"supply_rate as of {as_of.isoformat()}: the approved_not_supplied result was computed "
                             f"as of {computed}, so its supplied areas are that day's; pass as_of={computed!r}, or "
                             f"pass the approvals and supplies to read them as of {as_of.isoformat()}")
        prep_admin = prepare({"admin": (admin, "admin")}, crs=res.crs, strict=strict) if admin is not None else None
        working_name = info.working_crs or str(res.crs)
        rejected = list(info.rejected)
        notes += info.notes
        area_method = info.area_method or area_method
        if computed is None:
            late = (pd.to_datetime(res["approval_date"]) > to_timestamp(as_of)).to_numpy()
            notes.append(f"[supply_rate] the approved_not_supplied result carries no audit date: its supplied areas "
                         f"are taken as they are, not checked against {as_of.isoformat()}")
            if late.any():
                gone = res.loc[late]
                notes.append(f"[supply_rate] {int(late.sum())} approval{'' if late.sum() == 1 else 's'} dated after "
                             f"the audit date {as_of.isoformat()} not counted (not an approval yet on that date): "
                             f"{_listed(gone, 'approval_id', 'approval_date')}")
                res = res.loc[~late]
        prep = None
    else:
        as_of = to_date(as_of)
        inner = AuditLog()
        res = approved_not_supplied(result_or_approvals, supplies, as_of=as_of, rules=rules, area_method=area_method,
                                    crs=crs, strict=strict, log=inner, backend=backend)
        prep_admin = prepare({"admin": (admin, "admin")}, crs=res.crs, strict=strict) if admin is not None else None
        working_name = inner.working_crs
        rejected = inner.rejected
        notes += inner.notes
        prep = None
    adm = prep_admin.layers.get("admin") if prep_admin is not None else None
    district, geoms = _district_of(res, adm, res.crs)
    frame = pd.DataFrame({
        "district": district.to_numpy() if "district" in by else "全部",
        "date": pd.to_datetime(res["approval_date"]).to_numpy(),
        "approved_m2": res["approved_m2"].to_numpy(), "supplied_m2": res["supplied_m2"].to_numpy(),
        "unsupplied_m2": res["unsupplied_m2"].to_numpy(), "sliver_m2": res["sliver_m2"].to_numpy()})
    frame["year"] = frame["date"].dt.year
    mode = str(rules.value("supply_rate.window_mode"))
    if mode not in ("calendar", "rolling"):
        raise ValueError(f"rule supply_rate.window_mode must be calendar or rolling, not {mode!r}")
    min_rate = float(rules.value("supply_rate.min_rate_5y"))
    rows = []

    def add(sub: pd.DataFrame, district_name, kind, label, start, end, rule):
        approved = sub["approved_m2"].sum()
        supplied = sub["supplied_m2"].sum()
        sliver = sub["sliver_m2"].sum()
        base = approved - sliver
        rate = supplied / base if base > 0 else np.nan
        rows.append({"district": district_name, "period_kind": kind, "period": label,
                     "period_start": start, "period_end": end, "approvals_n": len(sub),
                     "approved_m2": approved, "approved_mu": m2_to_mu(approved), "supplied_m2": supplied,
                     "supplied_mu": m2_to_mu(supplied), "unsupplied_m2": sub["unsupplied_m2"].sum(),
                     "unsupplied_mu": m2_to_mu(sub["unsupplied_m2"].sum()), "sliver_m2": sliver,
                     "supply_rate": min(max(rate, 0.0), 1.0) if rate == rate else np.nan,
                     "min_rate": min_rate if kind == "long" else np.nan,
                     "below_min": bool(kind == "long" and rate == rate and rate < min_rate),
                     "rule": rule})

    t = to_timestamp(as_of)
    windows = []
    for kind, key in (("recent", "supply_rate.window_recent_years"), ("long", "supply_rate.window_long_years")):
        n = int(rules.value(key))
        if mode == "calendar":
            last = as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1  # the last whole year
            start, end = pd.Timestamp(last - n + 1, 1, 1), pd.Timestamp(last, 12, 31)
            label = f"近{n}年 {last - n + 1}" + (f"–{last}" if n > 1 else "")
            inside = (frame["date"] >= start) & (frame["date"] <= end)
        else:
            start = t - pd.DateOffset(years=n) + pd.Timedelta(days=1)
            end = t
            label = f"近{n}年 {start.date()}–{end.date()}"
            inside = (frame["date"] >= start) & (frame["date"] <= end)
        cite = f"{rules.cite(key)}; {rules.cite('supply_rate.window_mode')}"
        if kind == "long":
            cite = f"{rules.cite('supply_rate.min_rate_5y')}; {cite}"
        windows.append((kind, label, start, end, inside, cite))
    year_rule = f"{rules.label} 供地率 = 已供面积 ÷ (报批面积 − 碎片) by approval year"
    districts = sorted(frame["district"].unique(), key=str)
    groups = [(d, frame[frame["district"] == d]) for d in districts]
    if "district" in by and len(districts) > 1:
        groups.append(("全部", frame))
    for name, sub in groups:
        if "year" in by:
            for year, ys in sub.groupby("year", sort=True):
                add(ys, name, "year", str(int(year)), pd.Timestamp(int(year), 1, 1),
                    min(pd.Timestamp(int(year), 12, 31), t), year_rule)
        for kind, label, start, end, inside, cite in windows:
            add(sub[inside.loc[sub.index]], name, kind, label, start, end, cite)
    columns = ["district", "period_kind", "period", "period_start", "period_end", "approvals_n", "approved_m2",
               "approved_mu", "supplied_m2", "supplied_mu", "unsupplied_m2", "unsupplied_mu", "sliver_m2",
               "supply_rate", "min_rate", "below_min", "rule"]
    table = pd.DataFrame(rows, columns=columns)
    geometry = [geoms.get(d) for d in table["district"]] if geoms else [None] * len(table)
    result = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(geometry, index=table.index, crs=res.crs), crs=res.crs)
    flagged = table.loc[table["below_min"], "district"].tolist()
    if flagged:
        notes.append(f"[supply_rate] five-year supply rate under {min_rate:.0%} (增存挂钩) in: {', '.join(flagged)}")
    deliver(AuditLog(rejected=rejected, notes=NoteList(notes), rules=rules.label, area_method=area_method,
                     working_crs=working_name, as_of=as_of, facts={"supply_rate": {"window_mode": mode}}),
            log, "supply_rate")
    del prep
    return result
