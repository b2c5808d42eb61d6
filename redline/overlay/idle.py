"""供而未用 / 闲置土地 supplied but not used: MLR order 53 (《闲置土地处置办法》, 2012) as written in DOMAIN §1."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ..rules import RuleSet, resolve_rules
from ..units import m2_to_mu
from . import _engine
from ._common import add_years, finish, prepare, to_date, to_timestamp

__all__ = ["STATUSES", "STATUS_LABELS_ZH", "developed_area", "supplied_not_used"]

#: every status, in the order of the ledger
STATUSES = ("idle_recover", "idle", "stalled", "start_overdue", "exempt", "undetermined", "not_due", "in_progress",
            "completed")
STATUS_LABELS_ZH = {
    "not_due": "未到约定开工日期", "start_overdue": "逾期未开工(不满一年)", "idle": "闲置满一年(征缴闲置费)",
    "idle_recover": "闲置满两年(可无偿收回)", "stalled": "开工后中止满一年(闲置)", "in_progress": "在建",
    "completed": "已竣工", "exempt": "政府原因或不可抗力(不征缴)", "undetermined": "缺约定开工日期(无法判定)",
}
IDLE_STATUSES = ("idle", "idle_recover", "stalled")


def developed_area(supplies: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame | None,
                   change_patches: gpd.GeoDataFrame | None = None, *, crs=None, method: str = "planar",
                   threads: int = _engine.THREADS) -> np.ndarray:
    """Developed land (m²) inside each supply: building footprints, and construction patches when given.

    The footprints (and patches) inside each supply are united before measuring, so overlapping
    footprints, or a footprint also detected as a change patch, count once. Footprints the supply
    covers are used as they are; only those crossing its edge are intersected with it. Floating-point
    contact is not crossing: a footprint within 1 µm of the supply (``_engine.EDGE_EPS_M``) counts as
    inside, one reaching less than 1 µm into it as outside, and pieces under 1e-9 m² are dropped; a
    supply covered by one footprint is developed in full.
    """
    shapely = _engine.shapely
    sg = np.asarray(supplies.geometry.values, dtype=object)
    n = len(sg)
    factor = np.ones(n) if method == "planar" or n == 0 else _engine.ellipsoidal_factor(sg, crs)
    total = np.zeros(n)
    if n == 0:
        return total
    parts = [np.asarray(x.geometry.values, dtype=object) for x in (buildings, change_patches)
             if x is not None and len(x)]
    if parts:
        right = np.concatenate(parts)
        tree = shapely.STRtree(right)
        pairs = _engine.pair_index(sg, right, tree=tree, threads=threads)
        whole = np.zeros(n, dtype=bool)
        whole[pairs.left[pairs.left_within]] = True
        live = ~whole[pairs.left]
        inside = live & pairs.left_covers
        cross = live & ~pairs.left_covers
        if cross.any():
            # Footprints drawn on a supply's edge cross it, or touch the neighbour, by floating-point noise
            # only: within EDGE_EPS_M of the supply they are inside (used whole), clear of the supply shrunk
            # by it they are outside (dropped). Either way the area moves by at most perimeter x EDGE_EPS_M.
            key = pairs.left * len(right) + pairs.right
            grown = shapely.buffer(sg, _engine.EDGE_EPS_M, join_style="mitre")
            shrunk = shapely.buffer(sg, -_engine.EDGE_EPS_M, join_style="mitre")
            gl, gr = _engine._query(tree, grown, "covers", threads)
            sl, sr = _engine._query(tree, shrunk, "intersects", threads)
            near_in = cross & np.isin(key, gl * len(right) + gr)
            near_out = cross & ~near_in & ~np.isin(key, sl * len(right) + sr)
            inside |= near_in
            cross &= ~(near_in | near_out)
        cross = np.flatnonzero(cross)
        a, b = sg[pairs.left[cross]], right[pairs.right[cross]]
        cut = _engine.chunked(lambda sl: _engine.robust(shapely.intersection, a[sl], b[sl]), len(cross), threads)
        real = shapely.area(cut) > 1e-9
        pieces = np.concatenate([right[pairs.right[inside]], cut[real]])
        groups = np.concatenate([pairs.left[inside], pairs.left[cross][real]])
        total = _engine.grouped_union_area(pieces, groups, n, threads=threads)
        total[whole] = shapely.area(sg[whole])
    planar = _engine.shapely.area(sg)
    return np.minimum(total, planar) * factor


def _pct(v) -> str:
    return "—" if v is None or not np.isfinite(v) else f"{v:.1%}"


def _exempt_match(cause, keywords) -> str | None:
    if cause is None or (isinstance(cause, float) and np.isnan(cause)):
        return None
    text = str(cause).casefold()
    for k in keywords:
        if str(k).casefold() in text:
            return str(k)
    return None


def supplied_not_used(supplies: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame | None = None, *, as_of,
                      change_patches: gpd.GeoDataFrame | None = None, rules: RuleSet | str | None = None,
                      area_method: str = "ellipsoidal", crs=None, strict: bool = False,
                      threads: int = _engine.THREADS) -> gpd.GeoDataFrame:
    """供而未用 / 闲置土地: the status of every supply under MLR order 53 (《闲置土地处置办法》).

    Parameters
    ----------
    supplies : GeoDataFrame
        Supply red lines with ``supply_id`` (合同编号), ``supply_date``, and as available
        ``agreed_start_date`` (约定开工日期), ``actual_start_date`` (实际开工日期), ``suspended_date``
        (停工日期), ``actual_completion_date`` (实际竣工日期), ``price_wan`` (出让价款),
        ``total_investment_wan`` (总投资, excluding land price and taxes), ``invested_wan`` (已投资),
        ``developed_area_m2`` (已开发面积) and ``delay_cause`` (延期原因).
    buildings : GeoDataFrame, optional
        Building footprints (建筑物); those with ``built_date`` after ``as_of`` are ignored.
    as_of : date or str
        The audit date (required).
    change_patches : GeoDataFrame, optional
        Construction change patches (变化图斑) from imagery; those detected after ``as_of`` are ignored.
    rules : RuleSet, name or path, optional
        ``idle.*`` thresholds (default ``cn-national``).
    area_method, crs, strict, threads
        As for :func:`redline.overlay.approved_not_supplied`.

    Returns
    -------
    GeoDataFrame
        One row per supply (its attributes and geometry) with ``supply_m2``/``supply_mu``,
        ``developed_m2``, ``developed_source`` (``buildings``, ``buildings+patches``, ``field``,
        ``none``), ``developed_ratio``, ``invested_ratio``, ``started``, ``idle_since``, ``idle_date``
        (the first day counted as idle), ``recover_date``, ``idle_days``, ``status``, ``status_zh``,
        ``exempt_from`` (the status an exempt supply would have had), ``idle_fee`` (万元),
        ``recovery_candidate``, ``rule`` and ``reason``.

    Notes
    -----
    Status, first match wins:

    - ``completed``: ``actual_completion_date`` on or before ``as_of``;
    - started (``actual_start_date`` on or before ``as_of``, or developed land found inside):
      ``stalled`` when ``suspended_date`` is recorded, the suspension has lasted a full year, and the
      developed ratio is under ``idle.stalled_developed_ratio`` (1/3) **or** the invested ratio under
      ``idle.stalled_invested_ratio`` (25 %); otherwise ``in_progress``;
    - not started: ``undetermined`` without an agreed start date; ``not_due`` up to and including the
      agreed start date D; ``start_overdue`` from D + 1 day; ``idle`` from the idle date; ``idle_recover``
      from the recovery date;
    - ``exempt`` replaces ``start_overdue``/``idle``/``idle_recover``/``stalled`` when ``delay_cause``
      contains a keyword of ``idle.exempt_causes`` (government action, force majeure): reported, not
      charged; ``exempt_from`` keeps the status it would have had.

    **One full year** (满一年) is counted by calendar date: A = the same calendar day one year after
    the agreed start date D (29 February → 28 February, the month's last day, as the Civil Code's
    rule for periods in years has it, 民法典 第二百零二条). With ``idle.full_year_counting =
    "anniversary"`` (default) the land is idle from A itself (``idle_date`` = A, idle when
    ``as_of ≥ A``): an agreed start of 2025-06-30 is idle on 2026-06-30, overdue on 2026-06-29. With
    ``"civil_code"`` the start day is not counted and the year's last day is A (民法典 第二百零一条), so
    the land is idle from A + 1 day. Two years (``idle.recover_years``) and the suspension year are
    counted the same way.

    ``idle_days``: days from D (not started) or from the suspension date (stalled) to ``as_of``.
    ``idle_fee`` = ``idle.fee_rate`` × ``price_wan`` for ``idle``, ``idle_recover`` and ``stalled``
    (order 53 art. 14); **NaN when the price is missing**, with the reason saying so; 0 otherwise.
    ``developed_ratio`` = developed land ÷ supply area; ``invested_ratio`` = ``invested_wan`` ÷
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
    ...     print(day, r["status"], r["idle_days"], r["idle_fee"])
    2026-06-29 start_overdue 364 0.0
    2026-06-30 idle 365 120.0
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
    if B is not None and "built_date" in B.columns:
        B = B[~(pd.to_datetime(B["built_date"]) > t)]
    if P is not None and "detected_date" in P.columns:
        P = P[~(pd.to_datetime(P["detected_date"]) > t)]
    n = len(S)
    sg = np.asarray(S.geometry.values, dtype=object)
    factor = np.ones(n) if area_method == "planar" or n == 0 else _engine.ellipsoidal_factor(sg, prep.working.crs)
    supply_m2 = _engine.shapely.area(sg) * factor if n else np.zeros(0)
    col = lambda c: S[c] if c in S.columns else pd.Series(np.nan, index=S.index)  # noqa: E731
    dcol = lambda c: pd.to_datetime(S[c]) if c in S.columns else pd.Series(pd.NaT, index=S.index,  # noqa: E731
                                                                        dtype="datetime64[ns]")
    if B is not None or P is not None:
        developed = developed_area(S, B, P, crs=prep.working.crs, method=area_method, threads=threads)
        source = "buildings+patches" if (P is not None and B is not None) else ("patches" if B is None else "buildings")
        dev_source = np.full(n, source, dtype=object)
    else:
        field = pd.to_numeric(col("developed_area_m2"), errors="coerce").to_numpy(dtype=float)
        developed = field
        dev_source = np.where(np.isfinite(field), "field", "none").astype(object)
    with np.errstate(divide="ignore", invalid="ignore"):
        dev_ratio = np.where(supply_m2 > 0, developed / supply_m2, np.nan)
        total = pd.to_numeric(col("total_investment_wan"), errors="coerce").to_numpy(dtype=float)
        invested = pd.to_numeric(col("invested_wan"), errors="coerce").to_numpy(dtype=float)
        inv_ratio = np.where(total > 0, invested / total, np.nan)
    price = pd.to_numeric(col("price_wan"), errors="coerce").to_numpy(dtype=float)

    grace = int(rules.value("idle.start_grace_years"))
    recover = int(rules.value("idle.recover_years"))
    susp_years = int(rules.value("idle.stalled_suspended_years"))
    counting = str(rules.value("idle.full_year_counting"))
    if counting not in ("civil_code", "anniversary"):
        raise ValueError(f"rule idle.full_year_counting must be civil_code or anniversary, not {counting!r}")
    shift = pd.Timedelta(days=1 if counting == "civil_code" else 0)  # civil_code: from the day after A
    dev_min = float(rules.value("idle.stalled_developed_ratio"))
    inv_min = float(rules.value("idle.stalled_invested_ratio"))
    fee_rate = float(rules.value("idle.fee_rate"))
    keywords = list(rules.value("idle.exempt_causes"))

    agreed = dcol("agreed_start_date")
    actual = dcol("actual_start_date")
    completed_on = dcol("actual_completion_date")
    suspended = dcol("suspended_date")
    idle_date = add_years(agreed, grace) + shift
    recover_date = add_years(agreed, recover) + shift
    stall_date = add_years(suspended, susp_years) + shift
    causes = col("delay_cause")

    cite_grace = rules.cite("idle.start_grace_years")
    cite_recover = rules.cite("idle.recover_years")
    cite_stall = "; ".join(rules.cite(k) for k in ("idle.stalled_developed_ratio", "idle.stalled_invested_ratio",
                                                   "idle.stalled_suspended_years"))
    cite_fee = rules.cite("idle.fee_rate")
    cite_exempt = rules.cite("idle.exempt_causes")
    cite_start = rules.cite("idle.start_definition")
    cite_count = rules.cite("idle.full_year_counting")

    # day numbers (NaT -> missing) so the rules are array comparisons; strings for the reasons
    def days(series):
        arr = pd.to_datetime(series).to_numpy(dtype="datetime64[D]")
        return arr.astype(np.int64), ~np.isnat(arr), np.datetime_as_string(arr, unit="D")

    T = np.datetime64(as_of, "D").astype(np.int64)
    D, hasD, sD = days(agreed)
    ACT, hasACT, sACT = days(actual)
    COMP, hasCOMP, sCOMP = days(completed_on)
    SUS, hasSUS, sSUS = days(suspended)
    IDLE, _, sIDLE = days(idle_date)
    REC, _, sREC = days(recover_date)
    STALL, _, sSTALL = days(stall_date)
    SUSREC, _, _ = days(add_years(suspended, recover) + shift)
    as_of_s = as_of.isoformat()

    completed = hasCOMP & (COMP <= T)
    started_by_date = hasACT & (ACT <= T)
    dev_known = np.isfinite(dev_ratio)
    started = started_by_date | (dev_known & (dev_ratio > 0))
    low_dev = dev_known & (dev_ratio < dev_min)
    low_inv = np.isfinite(inv_ratio) & (inv_ratio < inv_min)
    suspended_now = hasSUS & (SUS <= T)
    stalled = ~completed & started & suspended_now & (T >= STALL) & (low_dev | low_inv)
    waiting = ~completed & ~started
    status = np.select(
        [completed, stalled, ~completed & started, waiting & ~hasD, waiting & (T <= D), waiting & (T >= REC),
         waiting & (T >= IDLE)],
        ["completed", "stalled", "in_progress", "undetermined", "not_due", "idle_recover", "idle"],
        "start_overdue").astype(object)
    is_idle = np.isin(status, IDLE_STATUSES)
    idle_since = np.where(status == "stalled", pd.to_datetime(suspended).to_numpy(dtype="datetime64[ns]"),
                          np.where(np.isin(status, ("start_overdue", "idle", "idle_recover")),
                                   pd.to_datetime(agreed).to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT")))
    idle_days = np.where(status == "stalled", T - SUS,
                         np.where(np.isin(status, ("start_overdue", "idle", "idle_recover")), T - D, 0)).astype(int)
    fee = np.where(is_idle, fee_rate * price, 0.0)  # NaN where the price is missing
    recovery = (status == "idle_recover") | ((status == "stalled") & (T >= SUSREC))
    exempt_from = np.full(n, None, dtype=object)
    rule_col = np.empty(n, dtype=object)
    reason = np.empty(n, dtype=object)
    rule_of = {"completed": cite_start, "in_progress": cite_stall, "stalled": f"{cite_stall}; {cite_count}",
               "undetermined": cite_grace, "not_due": cite_grace, "start_overdue": f"{cite_grace}; {cite_count}",
               "idle": f"{cite_grace}; {cite_count}", "idle_recover": f"{cite_recover}; {cite_count}"}
    for i in range(n):
        st = status[i]
        dr, ir = dev_ratio[i], inv_ratio[i]
        if st == "completed":
            why = f"completed on {sCOMP[i]} (实际竣工日期) ≤ as of {as_of_s}"
        elif st in ("stalled", "in_progress"):
            how = (f"started on {sACT[i]} (实际开工日期)" if started_by_date[i]
                   else f"no start date recorded, but developed land found ({_pct(dr)})")
            below = []
            if low_dev[i]:
                below.append(f"developed ratio {_pct(dr)} < {dev_min:.4g}")
            if low_inv[i]:
                below.append(f"invested ratio {_pct(ir)} < {inv_min:.0%}")
            ratios = (f"developed {_pct(dr)} ({developed[i]:.1f} m² of {supply_m2[i]:.1f} m², {dev_source[i]}), "
                      f"invested {_pct(ir)}" if np.isfinite(developed[i]) else
                      f"developed unknown, invested {_pct(ir)}")
            if st == "stalled":
                why = (f"{how}; suspended on {sSUS[i]}, a full year passed (idle from {sSTALL[i]} ≤ as of "
                       f"{as_of_s}); {' and '.join(below)}")
            elif suspended_now[i] and below:
                why = f"{how}; suspended on {sSUS[i]}, under a full year (idle from {sSTALL[i]}); {' and '.join(below)}"
            elif suspended_now[i]:
                why = f"{how}; suspended on {sSUS[i]} but {ratios}: above the order-53 floors"
            else:
                why = f"{how}; not recorded as suspended; {ratios}"
        elif st == "undetermined":
            why = "not started and no agreed start date (约定开工日期) recorded: cannot be judged; fill it in"
        elif st == "not_due":
            why = f"not started; agreed start {sD[i]} ≥ as of {as_of_s}"
        elif st == "idle_recover":
            why = (f"not started; agreed start {sD[i]}; {recover} full years passed (recoverable from {sREC[i]} ≤ "
                   f"as of {as_of_s})")
        elif st == "idle":
            why = f"not started; agreed start {sD[i]}; a full year passed (idle from {sIDLE[i]} ≤ as of {as_of_s})"
        else:
            why = f"not started; agreed start {sD[i]} passed {idle_days[i]} day(s) ago; idle from {sIDLE[i]}"
        rl = rule_of[st]
        if is_idle[i]:
            if np.isfinite(price[i]):
                why += f"; idle fee {fee_rate:.0%} × 出让价款 {price[i]:.2f} 万元 = {fee[i]:.2f} 万元"
            else:
                why += "; 出让价款 (price_wan) missing: idle fee not computed"
            rl = f"{rl}; {cite_fee}"
        if is_idle[i] or st == "start_overdue":
            matched = _exempt_match(causes.iat[i], keywords)
            if matched is not None:
                exempt_from[i] = st
                why = f"would be {st}: {why}; but the delay cause {causes.iat[i]!r} matches {matched!r}: reported, " \
                      "not charged"
                st, rl = "exempt", f"{rl}; {cite_exempt}"
                fee[i] = 0.0
                recovery[i] = False
                status[i] = st
        rule_col[i], reason[i] = rl, why
    started_flag = started
    out = S.copy()
    out["supply_m2"] = supply_m2
    out["supply_mu"] = m2_to_mu(supply_m2)
    out["developed_m2"] = developed
    out["developed_source"] = dev_source
    out["developed_ratio"] = dev_ratio
    out["invested_ratio"] = inv_ratio
    out["started"] = started_flag
    out["idle_since"] = idle_since
    out["idle_date"] = idle_date.to_numpy()
    out["recover_date"] = recover_date.to_numpy()
    out["idle_days"] = idle_days
    out["status"] = status
    out["status_zh"] = [STATUS_LABELS_ZH.get(s, s) for s in status]
    out["exempt_from"] = exempt_from
    out["idle_fee"] = fee
    out["recovery_candidate"] = recovery
    out["rule"] = rule_col
    out["reason"] = reason
    return finish(gpd.GeoDataFrame(out, geometry=S.geometry.name, crs=S.crs), prep, rules, area_method, [],
                  as_of=as_of_s)
