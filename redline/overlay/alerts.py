"""批后监管 deadline alerts: every agreed date of every supply, warned before and escalated after (DOMAIN §5)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from .._frames import text_array
from ..result import AuditLog
from ..rules import RuleSet, resolve_rules
from ..spec import Status
from ._common import finish, prepare, to_date, to_timestamp

__all__ = ["LEVEL", "LEVELS", "OBLIGATIONS", "deadline_alerts"]

#: obligation -> (agreed field, actual field, Chinese label)
OBLIGATIONS = {
    "handover": ("agreed_handover_date", "actual_handover_date", "交地"),
    "payment": ("agreed_payment_date", "actual_payment_date", "缴款"),
    "start": ("agreed_start_date", "actual_start_date", "开工"),
    "completion": ("agreed_completion_date", "actual_completion_date", "竣工"),
}
#: the alert levels; ``counted``: an alert needing action
LEVEL: tuple[Status, ...] = (
    Status("escalated", "警示(逾期未履约)", "escalated", "#d73027", grave=True, counted=True, watch=True),
    Status("overdue", "已逾期", "overdue", "#fdae61", grave=True, counted=True, watch=True),
    Status("upcoming", "预警(即将到期)", "upcoming", "#ffed6f", counted=True, watch=True),
    Status("ok", "正常", "ok", "#969696"),
    Status("met", "已履约", "met", "#bebebe"),
)
LEVELS = tuple(s.code for s in LEVEL)
LEVEL_LABELS_ZH = {s.code: s.label_zh for s in LEVEL}
KEEP = ("supply_id", "holder", "project_name", "district", "land_use", "supply_date")


def _iso(dates: pd.Series, missing: str) -> list[str]:
    """Each date as ``YYYY-MM-DD`` (as ``date.isoformat``), ``missing`` where there is none."""
    if getattr(dates.dtype, "tz", None) is not None:  # the local calendar day, item by item
        return [missing if pd.isna(x) else x.date().isoformat() for x in dates]
    days = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    text = np.datetime_as_string(days, unit="D").astype(object)
    text[np.isnat(days)] = missing
    return text.tolist()


def deadline_alerts(supplies: gpd.GeoDataFrame, *, as_of, rules: RuleSet | str | None = None, crs=None,
                    strict: bool = False, log: AuditLog | None = None) -> gpd.GeoDataFrame:
    """批后监管: one row per agreed obligation (交地, 缴款, 开工, 竣工) of each supply, with its alert level.

    Parameters
    ----------
    supplies : GeoDataFrame
        Supplies with agreed dates (``agreed_handover_date`` 约定交地日期, ``agreed_payment_date``,
        ``agreed_start_date`` 约定开工日期, ``agreed_completion_date`` 约定竣工日期) and the matching
        ``actual_*`` dates.
    as_of : date or str
        The audit date (required).
    rules : RuleSet, name or path, optional
        ``alerts.warn_days_before`` and ``alerts.escalate_days_after`` (30 / 0 in cn-national, the
        Changzhou practice of the seeds: warned 30 days before, 警示 once the agreed date has passed).

    Returns
    -------
    GeoDataFrame
        One row per supply and obligation whose agreed date is recorded: ``supply_id`` and a few
        supply attributes, ``obligation`` (handover, payment, start, completion), ``obligation_zh``,
        ``agreed_date``, ``actual_date``, ``days_remaining`` (agreed − as_of, unmet and not past),
        ``days_overdue`` (as_of − agreed, unmet and past), ``days_late`` (met after the agreed date),
        ``level``, ``level_zh``, ``rule``, ``reason``; geometry: the supply.

    Notes
    -----
    An obligation is **met** when its actual date is recorded on or before ``as_of``. The start (开工)
    is also met when no actual start is recorded (or one after ``as_of``) but the actual completion
    (实际竣工日期) is on or before ``as_of``: a completed project has started, as the idle audit
    (``completed``) reads it too; the reason says so and ``actual_date`` stays empty (the start day is
    not known). Completion does **not** imply the handover (交地, the bureau's act, proven by its 交地确认书)
    or the payment (缴款, proven by the receipts): those stay unmet until their dates are recorded, and
    their reason says the completion was not taken as proof.

    Otherwise, with d = as_of − agreed date in days: ``ok`` when d < −warn; ``upcoming`` when
    −warn ≤ d ≤ 0 (due today counts as upcoming); ``overdue`` when 0 < d ≤ escalate; ``escalated``
    when d > escalate (the escalate-days period after the date, counted from the next day, has fully
    passed).

    ========================  =====  ========  ========  ==========  ==========  ==========
    d = as_of − agreed (days)  −31    −30       0         +1          +30         +31
    ========================  =====  ========  ========  ==========  ==========  ==========
    30 / 0 (cn-national)      ok     upcoming  upcoming  escalated   escalated   escalated
    30 / 30 (a grace tier)    ok     upcoming  upcoming  overdue     overdue     escalated
    ========================  =====  ========  ========  ==========  ==========  ==========

    With the national default ``overdue`` never occurs; a bureau that grants a grace period sets
    ``alerts.escalate_days_after`` in its rule set.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> s = gpd.GeoDataFrame({"合同编号": ["C1"], "签订日期": ["2025-01-01"], "约定缴款日期": ["2026-06-20"],
    ...                       "约定开工日期": ["2026-07-20"]},
    ...                      geometry=[box(500000, 3800000, 500100, 3800100)], crs="EPSG:4547")
    >>> deadline_alerts(s, as_of="2026-06-30")[["obligation", "days_remaining", "days_overdue", "level"]].values.tolist()
    [['payment', nan, 10.0, 'escalated'], ['start', 20.0, nan, 'upcoming']]
    """
    rules = resolve_rules(rules)
    as_of = to_date(as_of, default_today=False)
    prep = prepare({"supplies": (supplies, "supplies")}, crs=crs, strict=strict)
    S = prep.layers["supplies"]
    t = to_timestamp(as_of)
    warn = int(rules.value("alerts.warn_days_before"))
    esc = int(rules.value("alerts.escalate_days_after"))
    cite_warn, cite_esc = rules.cite("alerts.warn_days_before"), rules.cite("alerts.escalate_days_after")
    comp_f = OBLIGATIONS["completion"][1]
    completed = (pd.to_datetime(S[comp_f]) if comp_f in S.columns
                 else pd.Series(pd.NaT, index=S.index, dtype="datetime64[ns]"))
    completed = completed.where(completed <= t)
    frames = []
    for name, (agreed_f, actual_f, zh) in OBLIGATIONS.items():
        if agreed_f not in S.columns:
            continue
        agreed = pd.to_datetime(S[agreed_f])
        has = agreed.notna().to_numpy()
        if not has.any():
            continue
        sub = S.loc[has, [c for c in KEEP if c in S.columns] + [S.geometry.name]].copy()
        a = agreed[has]
        actual = (pd.to_datetime(S[actual_f])[has] if actual_f in S.columns
                  else pd.Series(pd.NaT, index=sub.index, dtype="datetime64[ns]"))
        met = (actual.notna() & (actual <= t)).to_numpy()
        done = completed[has]
        by_completion = (~met & done.notna().to_numpy()) if name == "start" else np.zeros(len(sub), dtype=bool)
        met = met | by_completion
        not_proof = (~met & done.notna().to_numpy()) if name in ("handover", "payment") else np.zeros(len(sub),
                                                                                                      dtype=bool)
        dn = _iso(done, "")
        d = (t - a).dt.days.to_numpy().astype(float)
        level = np.where(met, "met", np.where(d > esc, "escalated", np.where(d > 0, "overdue",
                                                                            np.where(d >= -warn, "upcoming", "ok"))))
        sub.insert(1, "obligation", name)
        sub.insert(2, "obligation_zh", zh)
        sub["agreed_date"] = a.to_numpy()
        sub["actual_date"] = actual.to_numpy()
        sub["days_remaining"] = np.where(~met & (d <= 0), -d, np.nan)
        sub["days_overdue"] = np.where(~met & (d > 0), d, np.nan)
        late = (actual - a).dt.days.to_numpy().astype(float)
        sub["days_late"] = np.where(by_completion, np.nan, np.where(met & (late > 0), late,
                                                                     np.where(met, 0.0, np.nan)))
        sub["level"] = level
        sub["level_zh"] = [LEVEL_LABELS_ZH[v] for v in level]
        # each row's citation chosen from the four by number: np.where over the texts themselves would make a
        # fixed-width array of the longest (a province's 200 000 rows: 800 MB per obligation)
        cites = np.array([cite_warn, cite_esc,
                          rules.label + ": actual completion on or before the as-of date (completion implies the "
                          "start)", rules.label + ": actual date on or before the as-of date"], dtype=object)
        sub["rule"] = text_array(cites[np.where(np.isin(level, ["escalated", "overdue"]), 1,
                                     np.where(level == "met", np.where(by_completion, 2, 3), 0))])
        ag = _iso(a, "")
        ac = _iso(actual, "—")
        passed = f" (> {esc})" if esc else " (agreed date passed)"
        reasons = []
        # row by row over Python values (a numpy scalar looked up per row costs more than the text it makes)
        for lv, dd, bc, lt, agk, ack, dnk, np_k in zip(level.tolist(), d.astype(np.int64).tolist(),
                                                      by_completion.tolist(), late.tolist(), ag, ac, dn,
                                                      not_proof.tolist(), strict=True):
            if bc:
                r = (f"{zh} met: no actual start on or before the as-of date recorded, but completed on "
                     f"{dnk} (实际竣工日期): a completed project has started (agreed {agk}; start day unknown)")
            elif lv == "met":
                r = f"{zh} met on {ack} (agreed {agk})" + (f", {int(lt)} day(s) late" if lt > 0 else "")
            elif lv == "escalated":
                r = f"{zh} agreed {agk}, unmet {dd} day(s) later{passed}: escalated to 警示"
            elif lv == "overdue":
                r = f"{zh} agreed {agk}, unmet, {dd} day(s) overdue (escalated after {esc})"
            elif lv == "upcoming":
                r = f"{zh} due {agk} in {-dd} day(s) (warning from {warn} days before)"
            else:
                r = f"{zh} due {agk} in {-dd} day(s)"
            if np_k:
                r += f"; completed on {dnk}, but completion is not taken as proof of {zh}: record the actual {zh} date"
            reasons.append(r)
        sub["reason"] = reasons
        frames.append(sub)
    columns = [c for c in KEEP if c in S.columns] + ["obligation", "obligation_zh", "agreed_date", "actual_date",
                                                     "days_remaining", "days_overdue", "days_late", "level",
                                                     "level_zh", "rule", "reason"]
    if frames:
        out = pd.concat(frames, ignore_index=True)
        out = out[columns + [S.geometry.name]]
    else:
        out = pd.DataFrame({c: [] for c in columns})
        out[S.geometry.name] = []
    result = gpd.GeoDataFrame(out, geometry=S.geometry.name, crs=S.crs)
    return finish(result, prep, rules, "planar", [], log=log, audit="deadline_alerts", as_of=as_of)
