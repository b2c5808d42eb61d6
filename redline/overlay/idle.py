"""供而未用 / 闲置土地 supplied but not used: MLR order 53 (《闲置土地处置办法》, 2012) as written in DOMAIN §1."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd

from .._frames import coded_texts
from ..area import AreaMethod, area_factor
from ..result import AuditLog
from ..rules import RuleSet, resolve_rules
from ..rules.strategies import register_strategy, strategy
from ..scale import Backend
from ..spec import Status
from ..units import m2_to_mu
from . import _engine
from ._common import add_years, finish, prepare, to_date, to_timestamp

__all__ = ["IDLE_STATUSES", "MEASURES_ZH", "STATUS", "STATUSES", "STATUS_LABELS_ZH", "FeeAmounts", "FeeCase", "developed_area",
           "supplied_not_used"]

#: every status, in the order of the ledger. ``counted``: idle land (order 53 art. 2: idle one full year, two
#: years, stalled); ``watch``: listed apart in the report (the statuses on the way to, or beside, idle land)
STATUS: tuple[Status, ...] = (
    Status("idle_recover", "闲置满两年(可无偿收回)", "idle ≥ 2 years (recover)", "#a50026", grave=True, counted=True,
           watch=True),
    Status("idle", "闲置满一年(征缴闲置费)", "idle ≥ 1 year", "#d73027", grave=True, counted=True, watch=True),
    Status("stalled", "开工后中止满一年(闲置, 收回待审查)", "stalled", "#984ea3", grave=True, counted=True, watch=True),
    Status("start_overdue", "逾期未开工(不满一年)", "start overdue", "#fdae61", watch=True),
    Status("exempt_overdue", "第八条情形(处置逾期未记录, 待审查)", "art. 8 cause (disposal overdue)", "#8c564b",
           watch=True),
    Status("exempt", "第八条情形(待按第十二条协商处置, 不征缴)", "art. 8 cause (disposal pending)", "#969696",
           watch=True),
    Status("suspended_undetermined", "停工满一年(开发面积或投资比例不明, 待核实)", "suspended ≥ 1 year (to verify)",
           "#c5b0d5", watch=True),
    Status("undetermined", "无法判定(缺约定开工日期或闲置原因代码无法识别)", "undetermined", "#5a5a5a"),
    Status("not_due", "未到约定开工日期", "not due", "#abd9e9"),
    Status("in_progress", "在建", "in progress", "#a1d99b"),
    Status("completed", "已竣工", "completed", "#787878"),
    Status("not_yet_supplied", "签订日期晚于审计基准日(尚未供地, 不判定)", "not yet supplied", "#dbdb8d"),
)
STATUSES = tuple(s.code for s in STATUS)
STATUS_LABELS_ZH = {s.code: s.label_zh for s in STATUS}
#: what order 53 art. 14 does with each status: the fee (一), recovery (二), or a review (art. 2 second case)
MEASURES_ZH = {"none": "", "fee": "征缴土地闲置费(第十四条(一))", "recovery": "无偿收回(第十四条(二)), 闲置费不另计",
               "fee_review": "征缴土地闲置费; 已动工后中止满两年, 是否收回待审查(不自动无偿收回)"}
#: what counts as idle land: the statuses marked ``counted``
IDLE_STATUSES = tuple(s.code for s in STATUS if s.counted)


# -- the idle fee (土地闲置费): a method named by the rule idle.fee_method -----------------------------------


@dataclass(frozen=True)
class FeeCase:
    """What an idle-fee method is given: one entry per supply, in the layer's order.

    ``supplies`` holds the supplies' attributes as validated (canonical names: ``price_wan``, ``supply_id``,
    ``land_use``, ... and any other column the layer carries, e.g. a local benchmark price).
    """

    supplies: pd.DataFrame
    price_wan: np.ndarray  # 出让价款 / 划拨价款, 万元; NaN when missing
    supply_m2: np.ndarray
    idle_days: np.ndarray
    status: np.ndarray


@dataclass(frozen=True)
class FeeAmounts:
    """What an idle-fee method returns: the fee of every supply as if it were idle, and how it was reached."""

    fee_wan: np.ndarray  # 万元; NaN where it cannot be computed
    explain: Sequence[str]  # per supply: the formula with its figures, or why there is no fee
    cite: str  # the rule(s) the fee rests on, added to the rule column of idle supplies
    missing: str = "no price (出让价款)"  # what a supply without a fee lacked, for the run's notes


@register_strategy("idle.fee_method", "price_share")
def fee_price_share(case: FeeCase, rules: RuleSet) -> FeeAmounts:
    """Order 53 art. 14 (一): ``idle.fee_rate`` (20 %) of the transfer or allocation price (``price_wan``)."""
    rate = float(rules.value("idle.fee_rate"))
    fee = rate * case.price_wan
    explain = [f"idle fee {rate:.0%} × 出让价款 {p:.2f} 万元 = {f:.2f} 万元" if np.isfinite(p)
               else "出让价款 (price_wan) missing: idle fee not computed" for p, f in zip(case.price_wan, fee, strict=True)]
    return FeeAmounts(fee, explain, rules.cite("idle.fee_rate"))


#: which footprints :func:`developed_area` measures, by their date against the supply's signing date
PARTS = ("all", "new", "old", "undated")


def _dates(frame, column) -> np.ndarray:
    if frame is None or column not in frame.columns:
        return np.full(0 if frame is None else len(frame), np.datetime64("NaT"), dtype="datetime64[D]")
    return pd.to_datetime(frame[column]).to_numpy(dtype="datetime64[D]")


def developed_area(supplies: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame | None,
                   change_patches: gpd.GeoDataFrame | None = None, *, crs=None, method: AreaMethod = "planar",
                   threads: int = _engine.THREADS, since=None, part: str = "all",
                   backend: Backend | None = None, overlaps: list | None = None,
                   reuse: dict | None = None) -> np.ndarray:
    """Developed land (m²) inside each supply: building footprints, and construction patches when given.

    The footprints (and patches) inside each supply are united before measuring, so overlapping
    footprints, or a footprint also detected as a change patch, count once. Footprints the supply
    covers are used as they are; only those crossing its edge are intersected with it. Floating-point
    contact is not crossing: a footprint within 1 µm of the supply (``_engine.EDGE_EPS_M``) counts as
    inside, one reaching less than 1 µm into it as outside, and pieces under 1e-9 m² are dropped; a
    supply covered by one footprint is developed in full.

    ``since`` (one date per supply, its 签订日期) with ``part`` picks footprints by date: a building's
    ``built_date`` or a patch's ``detected_date`` before its supply's date is old construction
    (``part="old"``), on or after it new (``"new"``, with the undated ones and supplies without a date),
    without a date ``"undated"``; ``"all"`` (default) measures every footprint.

    ``overlaps``, when given a list, receives the positions (in ``buildings`` then ``change_patches``, as
    concatenated) of the footprints that overlap another one inside a supply: only those are united, the others
    are summed, which gives the same area as uniting them all. ``reuse``, a dict kept between calls on the same
    layers (one per part, as :func:`supplied_not_used` makes), keeps the pairs and the clipped footprints, which
    do not depend on the part, and the supplies' area factor (for the same supplies, ``crs`` and ``method``).
    """
    if part not in PARTS:
        raise ValueError(f"part must be one of {', '.join(PARTS)}, not {part!r}")
    shapely = _engine.shapely
    sg = np.asarray(supplies.geometry.values, dtype=object)
    n = len(sg)
    known = reuse.get("factor") if reuse is not None else None
    if known is not None and known[0] is supplies and known[1] is crs and known[2] == method:
        factor = known[3]
    else:
        factor = area_factor(sg, crs, method)
        if reuse is not None:
            reuse["factor"] = (supplies, crs, method, factor)
    total = np.zeros(n)
    if n == 0:
        return total
    layers = [x for x in (buildings, change_patches) if x is not None and len(x)]
    if layers:
        key = (supplies, *layers)
        hit = reuse.get("developed") if reuse is not None else None
        if hit is None or len(hit[0]) != len(key) or not all(a is b for a, b in zip(hit[0], key, strict=True)):
            hit = (key, _footprint_pairs(sg, layers, threads, backend))
            if reuse is not None:
                reuse["developed"] = hit
                reuse.pop("unions", None)
        right, pairs, inside_pair, cut, (meet_a, meet_b) = hit[1]
        keep = np.ones(len(pairs.left), dtype=bool)
        if part != "all":
            built = np.concatenate([_dates(x, "built_date" if x is buildings else "detected_date") for x in layers])
            signed = (np.full(n, np.datetime64("NaT"), dtype="datetime64[D]") if since is None else
                      pd.to_datetime(pd.Series(np.asarray(since))).to_numpy(dtype="datetime64[D]"))
            rd, sd = built[pairs.right], signed[pairs.left]
            undated = np.isnat(rd)
            old = ~undated & ~np.isnat(sd) & (rd < sd)
            keep = {"new": ~old, "old": old, "undated": undated}[part]
        whole = np.zeros(n, dtype=bool)
        whole[pairs.left[keep & pairs.left_within]] = True
        live = keep & ~whole[pairs.left]
        inside = np.flatnonzero(live & inside_pair)
        cross = np.flatnonzero(live & (cut != None))  # noqa: E711 (elementwise: pairs clipped to a real piece)
        pieces = np.concatenate([right[pairs.right[inside]], cut[cross]])
        groups = np.concatenate([pairs.left[inside], pairs.left[cross]])
        source = np.concatenate([pairs.right[inside], pairs.right[cross]])
        # the overlapping pairs found once on every piece, renumbered to this part's pieces
        local = np.full(len(pairs.left), -1, dtype=np.int64)
        local[inside] = np.arange(len(inside))
        local[cross] = len(inside) + np.arange(len(cross))
        la, lb = local[meet_a], local[meet_b]
        both = (la >= 0) & (lb >= 0)
        # and the unions of one part kept for the next, where a supply's overlapping footprints are the same
        total, hit_idx = _engine.grouped_union_area(pieces, groups, n, threads=threads, return_overlaps=True,
                                                    pairs=(la[both], lb[both]), ids=np.concatenate([inside, cross]),
                                                    cache=reuse.setdefault("unions", {}) if reuse is not None else None)
        if overlaps is not None:
            overlaps.extend(np.unique(source[hit_idx]).tolist())
        total[whole] = shapely.area(sg[whole])
    planar = _engine.shapely.area(sg)
    return np.minimum(total, planar) * factor


def _footprint_pairs(sg: np.ndarray, layers: list, threads: int, backend: Backend | None):
    """The footprint pairs of :func:`developed_area`, whatever the part: ``(right, pairs, inside, cut, meet)``.

    ``inside[k]``: pair k's footprint is used whole (the supply covers it, or it lies within ``EDGE_EPS_M`` of
    the supply); ``cut[k]``: the piece of a footprint crossing the supply's edge inside it (None for the other
    pairs, and for pieces under 1e-9 m²); ``meet``: the pairs ``(k, l)`` of pieces of one supply whose interiors
    meet (:func:`redline.overlay._engine.overlapping_pairs`). Each is a property of the pairs alone, so the parts
    share them.
    """
    shapely = _engine.shapely
    right = np.concatenate([np.asarray(x.geometry.values, dtype=object) for x in layers])
    tree = shapely.STRtree(right)
    pairs = _engine.pair_index(sg, right, tree=tree, threads=threads, backend=backend)
    inside = pairs.left_covers.copy()
    cross = ~pairs.left_covers & ~pairs.left_within
    if cross.any():
        # Footprints drawn on a supply's edge cross it, or touch the neighbour, by floating-point noise
        # only: within EDGE_EPS_M of the supply they are inside (used whole), clear of the supply shrunk
        # by it they are outside (dropped). Either way the area moves by at most perimeter x EDGE_EPS_M.
        # Only the supplies some footprint crosses are buffered, and only the crossing pairs are tested.
        c = np.flatnonzero(cross)
        cl, cr = pairs.left[c], pairs.right[c]
        edged = np.unique(cl)
        grown = np.full(len(sg), None, dtype=object)
        shrunk = np.full(len(sg), None, dtype=object)
        eg, work = sg[edged], shapely.get_num_coordinates(sg[edged])

        def buffered(by: float) -> np.ndarray:  # on the engine's threads
            return _engine.chunked(lambda sl: shapely.buffer(eg[sl], by, join_style="mitre"), len(eg), threads,
                                   work=work)

        grown[edged] = buffered(_engine.EDGE_EPS_M)
        shrunk[edged] = buffered(-_engine.EDGE_EPS_M)
        near_in = _engine._related(shapely.covers, grown, cl, right, cr, threads)
        near_out = ~near_in
        if near_out.any():
            o = np.flatnonzero(near_out)
            near_out[o] = ~_engine._related(shapely.intersects, shrunk, cl[o], right, cr[o], threads)
        inside[c[near_in]] = True
        cross[c[near_in | near_out]] = False
    cut = np.full(len(pairs.left), None, dtype=object)
    k = np.flatnonzero(cross)
    a, b = sg[pairs.left[k]], right[pairs.right[k]]
    pieces = _engine.chunked(lambda sl: _engine.robust(shapely.intersection, a[sl], b[sl]), len(k), threads,
                             work=shapely.get_num_coordinates(a) + shapely.get_num_coordinates(b))
    real = shapely.area(pieces) > 1e-9
    cut[k[real]] = pieces[real]
    used = np.flatnonzero(inside | (cut != None))  # noqa: E711 (elementwise)
    piece = np.where(inside[used], right[pairs.right[used]], cut[used])
    ma, mb = _engine.overlapping_pairs(piece, pairs.left[used], threads=threads)
    return right, pairs, inside, cut, (used[ma], used[mb])


def _pct(v) -> str:
    return "—" if v is None or not math.isfinite(v) else f"{v:.1%}"


def _code_table(rules: RuleSet) -> dict[str, str]:
    """``{normalised code or label: clause}`` from ``idle.delay_cause_codes``."""
    table = rules.threshold("idle.delay_cause_codes").value
    if not isinstance(table, dict):
        raise ValueError("rule idle.delay_cause_codes must be a table {clause = [codes, ...]}")
    out = {}
    for clause, codes in table.items():
        for c in [clause, *(codes if isinstance(codes, list) else [codes])]:
            out[str(c).strip().casefold()] = str(clause)
    return out


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip()) or \
        v is pd.NA or v is pd.NaT


def supplied_not_used(supplies: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame | None = None, *, as_of,
                      change_patches: gpd.GeoDataFrame | None = None, rules: RuleSet | str | None = None,
                      area_method: AreaMethod = "ellipsoidal", crs=None, strict: bool = False,
                      threads: int = _engine.THREADS, log: AuditLog | None = None,
                      backend: Backend | None = None) -> gpd.GeoDataFrame:
    """供而未用 / 闲置土地: the status of every supply under MLR order 53 (《闲置土地处置办法》).

    Parameters
    ----------
    supplies : GeoDataFrame
        Supply red lines with ``supply_id`` (合同编号), ``supply_date`` (签订日期), and as available
        ``agreed_start_date`` (约定开工日期), ``agreed_handover_date`` / ``actual_handover_date`` (约定 /
        实际交地日期), ``extended_start_date`` (补充协议约定动工开发日期), ``actual_start_date`` (实际开工日期),
        ``suspended_date`` (停工日期), ``actual_completion_date`` (实际竣工日期), ``price_wan`` (出让价款),
        ``total_investment_wan`` (总投资, excluding land price and taxes), ``invested_wan`` (已投资),
        ``developed_area_m2`` (已开发面积, 开发建设用地面积), ``delay_cause_code`` (闲置原因代码, the verified
        cause) and ``delay_cause`` (延期原因, evidence in words).
    buildings : GeoDataFrame, optional
        Building footprints (建筑物); those with ``built_date`` after ``as_of`` are ignored, those built
        before the supply's signing are old construction (``old_construction_m2``), not a start.
    as_of : date or str
        The audit date (required).
    change_patches : GeoDataFrame, optional
        Construction change patches (变化图斑) from imagery; those detected after ``as_of`` are ignored,
        those detected before the supply's signing are old construction.
    rules : RuleSet, name or path, optional
        ``idle.*`` thresholds (default ``cn-national``).
    area_method, crs, strict, threads
        As for :func:`redline.overlay.approved_not_supplied`.

    Returns
    -------
    GeoDataFrame
        One row per supply (its attributes and geometry) with ``supply_m2``/``supply_mu``,
        ``developed_m2``, ``developed_source`` (``field``, ``patches``, ``buildings+patches``,
        ``buildings (estimate)``, ``none``), ``developed_estimated``, ``old_construction_m2``,
        ``undated_building_m2``, ``developed_ratio``, ``invested_ratio``, ``started``,
        ``effective_start_date`` (the start date the clocks run from), ``start_basis``,
        ``delay_cause_clause``, ``extension_over_limit``, ``idle_since``, ``idle_date`` (the first day
        counted as idle), ``recover_date``, ``idle_days``, ``pending_since``, ``status``, ``status_zh``,
        ``exempt_from`` (the status an exempt supply would have had), ``idle_fee`` (万元, the 20 % fee of
        the land), ``fee_due`` (万元, the fee for land at the fee stage only), ``measure``/``measure_zh``,
        ``recovery_candidate``, ``rule`` and ``reason``.

    Notes
    -----
    Status, first match wins:

    - ``not_yet_supplied``: signed (``supply_date``) after ``as_of``: not a supply yet, not judged;
    - ``completed``: ``actual_completion_date`` on or before ``as_of``;
    - started (any evidence ``idle.start_evidence`` accepts: 实际开工日期 on or before ``as_of``, 已开发面积,
      construction patches or footprints dated on or after the signing): ``stalled`` when ``suspended_date``
      is recorded, the suspension has lasted a full year, and the developed ratio is under
      ``idle.stalled_developed_ratio`` (1/3) **or** the invested ratio under ``idle.stalled_invested_ratio``
      (25 %) (art. 2 second paragraph). The developed ratio decides only when it is the land under
      development (``developed_area_m2`` or change patches); from footprints alone it is an estimate and
      only the investment test decides; ``suspended_undetermined`` when the suspension lasted a year and
      neither ratio can decide; otherwise ``in_progress``;
    - not started: ``undetermined`` without a start date; ``not_due`` up to and including the start date S;
      ``start_overdue`` from S + 1 day; ``idle`` from the idle date; ``idle_recover`` from the recovery date.
      S is the agreed start date, moved by a late handover (art. 8 (1), ``idle.late_handover_start``) and
      replaced by the supplementary agreement's date (``extended_start_date``, art. 12 (1): the clocks
      restart from it; an extension over ``idle.extension_max_years`` is reported);
    - a 第八条 cause code (``delay_cause_code``, mapped to its clause by ``idle.delay_cause_codes``) with no
      disposal recorded (no ``extended_start_date``) turns ``start_overdue``/``idle``/``idle_recover``/
      ``stalled`` into ``exempt`` (disposal pending since S, or the suspension, for up to
      ``idle.exempt_disposal_max_years``), then ``exempt_overdue``: reported, never charged; an unknown
      code gives ``undetermined``. The free text ``delay_cause`` never decides.

    **One full year** (满一年) is counted by calendar date: A = the same calendar day one year after
    the start date S (29 February → 28 February, the month's last day, as the Civil Code's
    rule for periods in years has it, 民法典 第二百零二条). With ``idle.full_year_counting =
    "anniversary"`` (default) the land is idle from A itself (``idle_date`` = A, idle when
    ``as_of ≥ A``): an agreed start of 2025-06-30 is idle on 2026-06-30, overdue on 2026-06-29. With
    ``"civil_code"`` the start day is not counted and the year's last day is A (民法典 第二百零一条), so
    the land is idle from A + 1 day. Two years (``idle.recover_years``) and the suspension year are
    counted the same way.

    ``idle_days``: days from S (not started) or from the suspension date (stalled) to ``as_of``.
    ``idle_fee``: for ``idle``, ``idle_recover`` and ``stalled`` the fee of the method ``idle.fee_method``
    names (cn-national ``price_share``: ``idle.fee_rate`` × ``price_wan``, order 53 art. 14 (一); a local
    method is registered with :func:`redline.rules.strategies.register_strategy`, see :class:`FeeCase`);
    **NaN when the price is missing**, with the reason saying so; 0 otherwise.
    The fee and recovery are successive steps (art. 14 (一), (二)): ``fee_due`` counts the fee of
    ``idle`` and ``stalled`` land only; ``idle_recover`` land is at the recovery stage. Stalled land
    started, so two years of suspension make it ``fee_review`` (to be reviewed), never an automatic
    recovery. ``developed_ratio`` = developed land ÷ supply area; ``invested_ratio`` = ``invested_wan`` ÷
    ``total_investment_wan`` (NaN when unknown; an unknown ratio never makes land stalled).

    Examples
    --------
    Agreed to start on 2025-06-30, not started, 出让价款 600 万元: idle on the anniversary, fee 120 万元.

    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> s = gpd.GeoDataFrame({"合同编号": ["C1"], "签订日期": ["2024-12-01"], "约定开工日期": ["2025-06-30"],
    ...                       "出让价款": [600.0]}, geometry=[box(500000, 3800000, 500100, 3800100)], crs="EPSG:4547")
    >>> for day in ("2026-06-29", "2026-06-30"):
    ...     r = supplied_not_used(s, as_of=day).iloc[0]
    ...     print(day, r["status"], r["idle_days"], r["idle_fee"], r["fee_due"])
    2026-06-29 start_overdue 364 0.0 0.0
    2026-06-30 idle 365 120.0 120.0

    The land was handed over 200 days late (约定交地 2024-12-10, 实际交地 2025-06-28): the start moves to
    2026-01-16, so on 2026-06-30 the land is overdue, not idle.

    >>> s["约定交地日期"], s["实际交地日期"] = ["2024-12-10"], ["2025-06-28"]
    >>> r = supplied_not_used(s, as_of="2026-06-30").iloc[0]
    >>> print(r["status"], str(r["effective_start_date"])[:10], r["idle_fee"])
    start_overdue 2026-01-16 0.0
    """
    rules = resolve_rules(rules)
    as_of = to_date(as_of, default_today=False)
    prep = prepare({"supplies": (supplies, "supplies"), "buildings": (buildings, "buildings"),
                    "change_patches": (change_patches, "change_patches")}, crs=crs, strict=strict,
                   area_method=area_method)
    S = prep.layers["supplies"]
    B = prep.layers.get("buildings")
    P = prep.layers.get("change_patches")
    t = to_timestamp(as_of)
    notes: list[str] = []
    tag = "[supplied_not_used]"
    undated_rule = str(rules.value("idle.undated_buildings"))
    if undated_rule not in ("count", "ignore"):
        raise ValueError(f"rule idle.undated_buildings must be count or ignore, not {undated_rule!r}")
    if B is not None:
        bdate = pd.to_datetime(B["built_date"]) if "built_date" in B.columns else pd.Series(pd.NaT, index=B.index)
        B = B[~(bdate > t)]
        n_undated = int(bdate.reindex(B.index).isna().sum())
        if n_undated:
            if undated_rule == "ignore":
                B = B[bdate.reindex(B.index).notna()]
            notes.append(f"{tag} {n_undated} building footprint(s) without 建成日期 (built_date): "
                         + ("counted as built after their supply" if undated_rule == "count" else
                            "not counted as developed land or as a start")
                         + f" ({rules.cite('idle.undated_buildings')})")
        if not len(B):
            B = None
    if P is not None and "detected_date" in P.columns:
        P = P[~(pd.to_datetime(P["detected_date"]) > t)]
    n = len(S)
    sg = np.asarray(S.geometry.values, dtype=object)
    factor = area_factor(sg, prep.working.crs, area_method)
    supply_m2 = _engine.shapely.area(sg) * factor if n else np.zeros(0)
    col = lambda c: S[c] if c in S.columns else pd.Series(np.nan, index=S.index)  # noqa: E731
    dcol = lambda c: pd.to_datetime(S[c]) if c in S.columns else pd.Series(pd.NaT, index=S.index,  # noqa: E731
                                                                        dtype="datetime64[ns]")
    signed = dcol("supply_date")

    # developed land: the 已开发面积 field first, then change patches (land under development), footprints last
    overlapping: list = []  # positions in B of footprints overlapping another one in a supply (a data finding)
    reused: dict = {}  # per pair of layers: their pairs and clipped footprints, shared by the parts
    seed = {"factor": (S, prep.working.crs, area_method, factor)}  # the supplies' area factor, computed above

    def measure(b, p, part):
        if b is None and p is None:
            return np.zeros(n)
        return developed_area(S, b, p, crs=prep.working.crs, method=area_method, threads=threads, since=signed,
                              part=part, backend=backend, overlaps=overlapping if p is None else None,
                              reuse=reused.setdefault((b is not None, p is not None), dict(seed)))

    dev_new = measure(B, P, "new")
    dev_b = measure(B, None, "new") if P is not None else dev_new
    dev_p = measure(None, P, "new") if B is not None else dev_new
    old_m2 = measure(B, P, "old")
    undated_m2 = measure(B, None, "undated") if undated_rule == "count" else np.zeros(n)
    if overlapping and B is not None:
        ids = pd.unique(B["building_id"].to_numpy(dtype=object)[np.unique(overlapping)]) \
            if "building_id" in B.columns else np.unique(overlapping)
        shown = ", ".join(map(str, ids[:10])) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
        notes.append(f"{tag} {len(ids)} building footprint(s) overlap another footprint inside a supply (their "
                     f"interiors meet; footprints are normally drawn apart or sharing walls): {shown}. The "
                     f"overlapping footprints were united, so the land under both counts once; check the buildings "
                     f"layer for duplicated or overlapping footprints")
    field = pd.to_numeric(col("developed_area_m2"), errors="coerce").to_numpy(dtype=float)
    has_field = np.isfinite(field)
    if P is not None:
        geo_source, geo_dev = ("buildings+patches" if B is not None else "patches"), dev_new
    elif B is not None:
        geo_source, geo_dev = "buildings (estimate)", dev_b
    else:
        geo_source, geo_dev = "none", np.full(n, np.nan)
    developed = np.where(has_field, field, geo_dev)
    dev_source = np.where(has_field, "field", geo_source).astype(object)
    estimated = ~has_field & (P is None) & (B is not None)
    estimated = np.broadcast_to(estimated, (n,)).copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        dev_ratio = np.where(supply_m2 > 0, developed / supply_m2, np.nan)
        total = pd.to_numeric(col("total_investment_wan"), errors="coerce").to_numpy(dtype=float)
        invested = pd.to_numeric(col("invested_wan"), errors="coerce").to_numpy(dtype=float)
        inv_ratio = np.where(total > 0, invested / total, np.nan)
    price = pd.to_numeric(col("price_wan"), errors="coerce").to_numpy(dtype=float)

    grace = int(rules.value("idle.start_grace_years"))
    recover = int(rules.value("idle.recover_years"))
    susp_years = int(rules.value("idle.stalled_suspended_years"))
    ext_max = int(rules.value("idle.extension_max_years"))
    pend_max = int(rules.value("idle.exempt_disposal_max_years"))
    counting = str(rules.value("idle.full_year_counting"))
    if counting not in ("civil_code", "anniversary"):
        raise ValueError(f"rule idle.full_year_counting must be civil_code or anniversary, not {counting!r}")
    handover_mode = str(rules.value("idle.late_handover_start"))
    if handover_mode not in ("shift_by_delay", "from_handover"):
        raise ValueError(f"rule idle.late_handover_start must be shift_by_delay or from_handover, "
                         f"not {handover_mode!r}")
    evidence = [str(e) for e in rules.value("idle.start_evidence")]
    known_evidence = ("actual_start_date", "developed_area_m2", "change_patches", "buildings")
    bad = [e for e in evidence if e not in known_evidence]
    if bad:
        raise ValueError(f"rule idle.start_evidence: unknown evidence {bad}; use some of {', '.join(known_evidence)}")
    shift = pd.Timedelta(days=1 if counting == "civil_code" else 0)  # civil_code: from the day after A
    dev_min = float(rules.value("idle.stalled_developed_ratio"))
    inv_min = float(rules.value("idle.stalled_invested_ratio"))
    fee_method = strategy(rules, "idle.fee_method")
    codes = _code_table(rules)

    # the start date the clocks run from: agreed, moved by a late handover (art. 8 (1)), replaced by an extension
    agreed = dcol("agreed_start_date")
    h_agreed = dcol("agreed_handover_date")
    h_actual = dcol("actual_handover_date")
    extended = dcol("extended_start_date")
    start = agreed.copy()
    late = h_actual.notna() & agreed.notna() & (((h_actual > h_agreed) & h_agreed.notna()) | (h_actual > agreed))
    if handover_mode == "shift_by_delay":
        moved = (agreed + (h_actual - h_agreed).where(h_actual > h_agreed)).where(h_agreed.notna())
        moved = pd.concat([moved, h_actual.where(h_actual > agreed)], axis=1).max(axis=1)
    else:
        moved = h_actual
    start = start.where(~late, moved.where(late & moved.notna(), start))
    start = start.where(~(late & (start < agreed)), agreed)
    before_ext = start.copy()
    has_ext = extended.notna()
    start = start.where(~has_ext, extended)
    over_limit = (has_ext & before_ext.notna() & (extended > add_years(before_ext, ext_max))).to_numpy()

    actual = dcol("actual_start_date")
    completed_on = dcol("actual_completion_date")
    suspended = dcol("suspended_date")
    idle_date = add_years(start, grace) + shift
    recover_date = add_years(start, recover) + shift
    stall_date = add_years(suspended, susp_years) + shift
    causes = col("delay_cause")
    cause_codes = col("delay_cause_code")

    cite_grace = rules.cite("idle.start_grace_years")
    cite_recover = rules.cite("idle.recover_years")
    cite_stall = "; ".join(rules.cite(k) for k in ("idle.stalled_developed_ratio", "idle.stalled_invested_ratio",
                                                   "idle.stalled_suspended_years"))
    cite_start = f"{rules.cite('idle.start_definition')}; {rules.cite('idle.start_evidence')}"
    cite_count = rules.cite("idle.full_year_counting")
    cite_ext = rules.cite("idle.extension_max_years")
    cite_pend = rules.cite("idle.exempt_disposal_max_years")
    cite_hand = rules.cite("idle.late_handover_start")

    # day numbers (NaT -> missing) so the rules are array comparisons; strings for the reasons
    def days(series):
        arr = pd.to_datetime(series).to_numpy(dtype="datetime64[D]")
        return arr.astype(np.int64), ~np.isnat(arr), np.datetime_as_string(arr, unit="D")

    T = np.datetime64(as_of, "D").astype(np.int64)
    SIG, hasSIG, sSIG = days(signed)
    D, hasD, sD = days(start)
    _, hasAG, sAG = days(agreed)
    _, _, sHA = days(h_agreed)
    _, _, sHX = days(h_actual)
    _, _, sBE = days(before_ext)
    ACT, hasACT, sACT = days(actual)
    COMP, hasCOMP, sCOMP = days(completed_on)
    SUS, hasSUS, sSUS = days(suspended)
    IDLE, _, sIDLE = days(idle_date)
    REC, _, sREC = days(recover_date)
    STALL, _, sSTALL = days(stall_date)
    SUSREC, _, _ = days(add_years(suspended, recover) + shift)
    PEND_END, _, sPEND_END = days(add_years(start, pend_max) + shift)
    PEND_END_S, _, sPEND_END_S = days(add_years(suspended, pend_max) + shift)
    as_of_s = as_of.isoformat()

    future = hasSIG & (SIG > T)
    completed = ~future & hasCOMP & (COMP <= T)
    ev = {"actual_start_date": hasACT & (ACT <= T), "developed_area_m2": has_field & (field > 0),
          "change_patches": (dev_p > 0) if P is not None else np.zeros(n, bool),
          "buildings": (dev_b > 0) if B is not None else np.zeros(n, bool)}
    started = np.zeros(n, dtype=bool)
    for e in evidence:
        started |= ev[e]
    started &= ~future
    dev_known = np.isfinite(dev_ratio)
    low_dev = dev_known & (dev_ratio < dev_min)
    low_dev_decides = low_dev & ~estimated
    inv_known = np.isfinite(inv_ratio)
    low_inv = inv_known & (inv_ratio < inv_min)
    suspended_now = hasSUS & (SUS <= T)
    year_suspended = ~completed & started & suspended_now & (T >= STALL)
    stalled = year_suspended & (low_dev_decides | low_inv)
    cannot = year_suspended & ~stalled & ~inv_known & (~dev_known | estimated)
    waiting = ~future & ~completed & ~started
    status = np.select(
        [future, completed, stalled, cannot, ~completed & started, waiting & ~hasD, waiting & (T <= D),
         waiting & (T >= REC), waiting & (T >= IDLE)],
        ["not_yet_supplied", "completed", "stalled", "suspended_undetermined", "in_progress", "undetermined",
         "not_due", "idle_recover", "idle"],
        "start_overdue").astype(object)
    is_idle = np.isin(status, IDLE_STATUSES)
    not_started_late = np.isin(status, ("start_overdue", "idle", "idle_recover"))
    idle_since = np.where(status == "stalled", suspended.to_numpy(dtype="datetime64[ns]"),
                          np.where(not_started_late, start.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT")))
    idle_days = np.where(status == "stalled", T - SUS, np.where(not_started_late, T - D, 0)).astype(int)
    case = FeeCase(pd.DataFrame(S.drop(columns=S.geometry.name)), price, supply_m2, idle_days.copy(), status.copy())
    fees = fee_method(case, rules)
    if len(fees.fee_wan) != n or len(fees.explain) != n:
        raise ValueError(f"idle.fee_method {rules.value('idle.fee_method')!r} ({fee_method.__qualname__}) returned "
                         f"{len(fees.fee_wan)} fees and {len(fees.explain)} explanations for {n} supplies")
    cite_fee = fees.cite
    fee = np.where(is_idle, np.asarray(fees.fee_wan, dtype=float), 0.0)  # NaN where it cannot be computed
    measure_code = np.select([status == "idle", status == "idle_recover", (status == "stalled") & (T >= SUSREC),
                              status == "stalled"], ["fee", "recovery", "fee_review", "fee"], "none").astype(object)
    recovery = status == "idle_recover"
    exempt_from = np.full(n, None, dtype=object)
    clause_col = np.full(n, None, dtype=object)
    pending_since = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    basis = np.empty(n, dtype=object)
    rule_col = np.full(n, -1, dtype=np.int64)
    reason = np.empty(n, dtype=object)
    unknown_codes: list[str] = []
    rule_codes: dict[tuple[str, ...], int] = {}  # each distinct list of citations numbered, its text made once
    cite = cache(rules.cite)
    rule_of = {"completed": cite_start, "in_progress": f"{cite_start}; {cite_stall}",
               "stalled": f"{cite_stall}; {cite_count}", "suspended_undetermined": cite_stall,
               "undetermined": cite_grace, "not_due": cite_grace, "start_overdue": f"{cite_grace}; {cite_count}",
               "idle": f"{cite_grace}; {cite_count}", "idle_recover": f"{cite_recover}; {cite_count}",
               "not_yet_supplied": cite_grace}
    # the columns read row by row, as lists of their arrays' items (item for item what Series.iat gives, without
    # the overhead of indexing an extension array once per row)
    late_v, has_ext_v, cause_codes_v, causes_v = (x.to_numpy().tolist() for x in (late, has_ext, cause_codes, causes))
    # and the arrays every row reads, as lists of Python numbers and texts (the same values, unboxed once)
    dr_v, ir_v, old_v, undated_v, idle_v, hasAG_v, sAG_v = (np.asarray(x).tolist() for x in (
        dev_ratio, inv_ratio, old_m2, undated_m2, is_idle, hasAG, sAG))
    for i in range(n):
        st = status[i]
        dr, ir = dr_v[i], ir_v[i]
        # how the start date was found
        b = f"agreed start {sAG_v[i]} (约定开工日期)" if hasAG_v[i] else "no agreed start (约定开工日期)"
        if late_v[i]:
            b += (f"; land handed over late (约定交地 {sHA[i]}, 实际交地 {sHX[i]}, 第八条(一)): "
                  + (f"start moved to {sBE[i]}" if sBE[i] != sAG[i] else
                     "start not moved (the handover is still before the agreed start)")
                  + f" (idle.late_handover_start = {handover_mode})")
        if has_ext_v[i]:
            b += f"; 补充协议约定动工开发日期 {sD[i]} (第十二条(一)): the clocks restart from it"
            if over_limit[i]:
                b += (f"; the extension from {sBE[i]} exceeds {ext_max} year(s) (第十二条(一), idle.extension_max_years): "
                      "reported for review")
        basis[i] = b
        if st == "not_yet_supplied":
            why = (f"signed on {sSIG[i]} (签订日期), after the audit date {as_of_s}: not a supply yet on that date, "
                   "not judged, no fee")
        elif st == "completed":
            why = f"completed on {sCOMP[i]} (实际竣工日期) ≤ as of {as_of_s}"
        elif st in ("stalled", "in_progress", "suspended_undetermined"):
            proofs = [e for e in evidence if ev[e][i]]
            proof_text = {"actual_start_date": f"started on {sACT[i]} (实际开工日期)",
                          "developed_area_m2": f"已开发面积 {field[i]:.1f} m² recorded",
                          "change_patches": f"construction patches since the supply ({dev_p[i]:.1f} m²)",
                          "buildings": f"footprints built since the supply ({dev_b[i]:.1f} m²)"}
            how = "; ".join(proof_text[e] for e in proofs)
            below = []
            if low_dev[i]:
                below.append(f"developed ratio {_pct(dr)} < {dev_min:.4g}"
                             + (" (footprint estimate, not 开发建设用地面积: not deciding)" if estimated[i] else ""))
            if low_inv[i]:
                below.append(f"invested ratio {_pct(ir)} < {inv_min:.0%}")
            ratios = (f"developed {_pct(dr)} ({developed[i]:.1f} m² of {supply_m2[i]:.1f} m², {dev_source[i]}), "
                      f"invested {_pct(ir)}" if np.isfinite(developed[i]) else
                      f"developed unknown, invested {_pct(ir)}")
            if st == "stalled":
                why = (f"{how}; suspended on {sSUS[i]}, a full year passed (idle from {sSTALL[i]} ≤ as of "
                       f"{as_of_s}); {' and '.join(b for b in below if 'not deciding' not in b)} (第二条第二款)")
            elif st == "suspended_undetermined":
                why = (f"{how}; suspended on {sSUS[i]}, a full year passed (from {sSTALL[i]}), but {ratios}: "
                       "the footprint ratio is an estimate and the investment is unknown, so 第二条第二款 cannot be "
                       "judged; record 已开发面积 (developed_area_m2) or 已投资/总投资")
            elif suspended_now[i] and below and STALL[i] > T:
                why = f"{how}; suspended on {sSUS[i]}, under a full year (idle from {sSTALL[i]}); {' and '.join(below)}"
            elif suspended_now[i]:
                why = f"{how}; suspended on {sSUS[i]} but {ratios}: not under the order-53 floors"
                if below:
                    why += f" ({'; '.join(below)})"
            else:
                why = f"{how}; not recorded as suspended; {ratios}"
        elif st == "undetermined":
            why = "not started and no agreed start date (约定开工日期) recorded: cannot be judged; fill it in"
        elif st == "not_due":
            why = f"not started; start date {sD[i]} ≥ as of {as_of_s}"
        elif st == "idle_recover":
            why = (f"not started; start date {sD[i]}; {recover} full years passed (recoverable from {sREC[i]} ≤ "
                   f"as of {as_of_s}): recovery without compensation (第十四条(二)); the one-year fee is the "
                   "earlier step and is not added to the fees due")
        elif st == "idle":
            why = f"not started; start date {sD[i]}; a full year passed (idle from {sIDLE[i]} ≤ as of {as_of_s})"
        else:
            why = f"not started; start date {sD[i]} passed {idle_days[i]} day(s) ago; idle from {sIDLE[i]}"
        if old_v[i] > 0:
            why += (f"; {old_v[i]:.1f} m² of footprints older than the supply (built before 签订日期 {sSIG[i]}): "
                    "old construction, not counted as developed land or as a start")
        if undated_v[i] > 0 and st != "not_yet_supplied":
            why += f"; {undated_v[i]:.1f} m² of footprints without 建成日期 counted as built after the supply"
        rl = [rule_of[st]]  # the citations, joined by "; " once per distinct list
        if idle_v[i]:
            why += f"; {fees.explain[i]}"
            if measure_code[i] == "fee_review":
                why += ("; suspended for two full years, but the land was started (第二条第二款): recovery is not "
                        "automatic, to be reviewed")
            rl.append(cite_fee)
        # 第八条: the verified cause, as a code; the free text is evidence only
        code = cause_codes_v[i]
        text = causes_v[i]
        judged = idle_v[i] or st == "start_overdue"
        if not _blank(code):
            clause = codes.get(str(code).strip().casefold())
            if clause is None:
                unknown_codes.append(str(code))
                if judged:
                    why = (f"would be {st}: {why}; but 闲置原因代码 {code!r} is not a code of idle.delay_cause_codes: "
                           "cannot say whether 第八条 applies; correct the code")
                    exempt_from[i], st = st, "undetermined"
                    idle_days[i] = 0
                    fee[i] = np.nan
                    recovery[i] = False
                    measure_code[i] = "none"
                else:
                    why += f"; 闲置原因代码 {code!r} is not a known code (idle.delay_cause_codes)"
            else:
                clause_col[i] = clause
                cite_clause = cite("idle.delay_cause_codes", clause)
                if judged and not has_ext_v[i]:
                    since_i = SUS[i] if status[i] == "stalled" else D[i]
                    s_since = sSUS[i] if status[i] == "stalled" else sD[i]
                    end_i, s_end = ((PEND_END_S[i], sPEND_END_S[i]) if status[i] == "stalled" else
                                    (PEND_END[i], sPEND_END[i]))
                    pending_since[i] = np.datetime64(int(since_i), "D")
                    over = end_i <= T
                    why = (f"would be {st}: {why}; but the delay cause is {clause} (闲置原因代码 {code!r}): a 第八条 "
                           f"case, not charged; disposal under 第十二条 pending since {s_since} ({T - since_i} days)"
                           + (f", longer than {pend_max} year(s) (from {s_end}): disposal overdue, to be reviewed"
                              if over else f"; to be disposed of by {s_end}"))
                    exempt_from[i], st = st, ("exempt_overdue" if over else "exempt")
                    rl += [cite_clause, cite_pend]
                    fee[i] = 0.0
                    recovery[i] = False
                    measure_code[i] = "none"
                    idle_days[i] = 0
                else:
                    why += f"; delay cause {clause} (闲置原因代码 {code!r})"
                    if has_ext_v[i]:
                        why += ": disposed of by extending the start (第十二条(一))"
                    rl.append(cite_clause)
        if not _blank(text):
            why += f"; 延期原因 (recorded, evidence only, not deciding): {str(text)!r}"
            if judged and _blank(code):
                why += ("; no 闲置原因代码: not treated as a 第八条 case; if the cause was verified (经审核属实), "
                        "record its code")
        if late_v[i] or has_ext_v[i]:
            why = f"{basis[i]}; {why}"
            if late_v[i]:
                rl.append(cite_hand)
            if has_ext_v[i]:
                rl.append(cite_ext)
        status[i] = st
        rule_col[i] = rule_codes.setdefault(tuple(rl), len(rule_codes))
        reason[i] = why
    # what the audit could not judge, said up front
    judged_rows = ~future
    if "agreed_start_date" not in S.columns and "extended_start_date" not in S.columns:
        notes.append(f"{tag} {int((status == 'undetermined').sum())} supplies not judged: no agreed start date "
                     "(约定开工日期) column")
    elif (status == "undetermined").any():
        notes.append(f"{tag} {int(((status == 'undetermined') & ~hasD).sum())} supplies not judged: no agreed start "
                     "date (约定开工日期)")
    no_fee = np.isin(measure_code, ("fee", "fee_review")) & ~np.isfinite(fee)
    if no_fee.any():
        notes.append(f"{tag} fee not computed for {int(no_fee.sum())}: {fees.missing}")
    if unknown_codes:
        notes.append(f"{tag} unknown 闲置原因代码 {sorted(set(unknown_codes))}: "
                     f"{len(unknown_codes)} supplies; known codes: idle.delay_cause_codes")
    if future.any():
        notes.append(f"{tag} {int(future.sum())} supplies signed after the audit date {as_of_s}: not judged")
    if over_limit.any():
        notes.append(f"{tag} {int(over_limit.sum())} extensions (补充协议) longer than {ext_max} year(s) "
                     "(第十二条(一)): reported for review")
    if B is not None and (old_m2[judged_rows] > 0).any():
        notes.append(f"{tag} old construction (footprints built before their supply) on {int((old_m2 > 0).sum())} "
                     "supplies: not counted as a start")
    fee_due = np.where(np.isin(measure_code, ("fee", "fee_review")), fee, 0.0)
    out = S.copy()
    out["supply_m2"] = supply_m2
    out["supply_mu"] = m2_to_mu(supply_m2)
    out["developed_m2"] = developed
    out["developed_source"] = dev_source
    out["developed_estimated"] = estimated
    out["old_construction_m2"] = old_m2
    out["undated_building_m2"] = undated_m2
    out["developed_ratio"] = dev_ratio
    out["invested_ratio"] = inv_ratio
    out["started"] = started
    out["effective_start_date"] = start.to_numpy()
    out["start_basis"] = basis
    out["delay_cause_clause"] = clause_col
    out["extension_over_limit"] = over_limit
    out["idle_since"] = idle_since
    out["idle_date"] = idle_date.to_numpy()
    out["recover_date"] = recover_date.to_numpy()
    out["idle_days"] = idle_days
    out["pending_since"] = pending_since
    out["status"] = status
    out["status_zh"] = [STATUS_LABELS_ZH.get(s, s) for s in status]
    out["exempt_from"] = exempt_from
    out["idle_fee"] = fee
    out["fee_due"] = fee_due
    out["measure"] = measure_code
    out["measure_zh"] = [MEASURES_ZH[m] for m in measure_code]
    out["recovery_candidate"] = recovery
    out["rule"] = coded_texts(rule_col, ["; ".join(k) for k in rule_codes])  # a few citations over every supply: each converted once
    out["reason"] = reason
    return finish(gpd.GeoDataFrame(out, geometry=S.geometry.name, crs=S.crs), prep, rules, area_method, notes,
                  log=log, audit="supplied_not_used", as_of=as_of)
