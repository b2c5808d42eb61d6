"""批后监管 deadline alerts: every agreed date of every supply, warned before and escalated after (DOMAIN §5)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ..rules import RuleSet, resolve_rules
from ._common import finish, prepare, to_date, to_timestamp

__all__ = ["LEVELS", "OBLIGATIONS", "deadline_alerts"]

#: obligation -> (agreed field, actual field, Chinese label)
OBLIGATIONS = {
    "handover": ("agreed_handover_date", "actual_handover_date", "交地"),
    "payment": ("agreed_payment_date", "actual_payment_date", "缴款"),
    "start": ("agreed_start_date", "actual_start_date", "开工"),
    "completion": ("agreed_completion_date", "actual_completion_date", "竣工"),
}
LEVELS = ("escalated", "overdue", "upcoming", "ok", "met")
LEVEL_LABELS_ZH = {"escalated": "警示(逾期未履约)", "overdue": "已逾期", "upcoming": "预警(即将到期)", "ok": "正常",
                   "met": "已履约"}
KEEP = ("supply_id", "holder", "project_name", "district", "land_use", "supply_date")


def deadline_alerts(supplies: gpd.GeoDataFrame, *, as_of, rules: RuleSet | str | None = None, crs=None,
                    strict: bool = False) -> gpd.GeoDataFrame:
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
        ``alerts.warn_days_before`` and ``alerts.escalate_days_after`` (30 / 30 by default).

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
    An obligation is **met** when its actual date is recorded on or before ``as_of``. Otherwise, with
    d = as_of − agreed date in days: ``ok`` when d < −warn; ``upcoming`` when −warn ≤ d ≤ 0 (due
    today counts as upcoming); ``overdue`` when 0 < d ≤ escalate; ``escalated`` when d > escalate
    (the escalate-days period after the date, counted from the next day, has fully passed).
    With 30/30: −31 ok, −30 upcoming, 0 upcoming, +1 overdue, +30 overdue, +31 escalated.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> s = gpd.GeoDataFrame({"合同编号": ["C1"], "签订日期": ["2025-01-01"], "约定缴款日期": ["2026-06-20"],
    ...                       "约定开工日期": ["2026-07-20"]},
    ...                      geometry=[box(500000, 3800000, 500100, 3800100)], crs="EPSG:4547")
    >>> deadline_alerts(s, as_of="2026-06-30")[["obligation", "days_remaining", "days_overdue", "level"]].values.tolist()
    [['payment', nan, 10.0, 'overdue'], ['start', 20.0, nan, 'upcoming']]
    """
    rules = resolve_rules(rules)
    as_of = to_date(as_of, default_today=False)
    prep = prepare({"supplies": (supplies, "supplies")}, crs=crs, strict=strict)
    S = prep.layers["supplies"]
    t = to_timestamp(as_of)
    warn = int(rules.value("alerts.warn_days_before"))
    esc = int(rules.value("alerts.escalate_days_after"))
    cite_warn, cite_esc = rules.cite("alerts.warn_days_before"), rules.cite("alerts.escalate_days_after")
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
        sub["days_late"] = np.where(met & (late > 0), late, np.where(met, 0.0, np.nan))
        sub["level"] = level
        sub["level_zh"] = [LEVEL_LABELS_ZH[v] for v in level]
        sub["rule"] = np.where(np.isin(level, ["escalated", "overdue"]), f"{cite_esc}",
                               np.where(level == "met", rules.label + ": actual date on or before the as-of date",
                                        cite_warn))
        ag = [x.date().isoformat() for x in a]
        ac = ["—" if pd.isna(x) else x.date().isoformat() for x in actual]
        reasons = []
        for k in range(len(sub)):
            lv, dd = level[k], int(d[k])
            if lv == "met":
                reasons.append(f"{zh} met on {ac[k]} (agreed {ag[k]})" + (f", {int(late[k])} day(s) late"
                                                                        if late[k] > 0 else ""))
            elif lv == "escalated":
                reasons.append(f"{zh} agreed {ag[k]}, unmet {dd} day(s) later (> {esc}): escalated to 警示")
            elif lv == "overdue":
                reasons.append(f"{zh} agreed {ag[k]}, unmet, {dd} day(s) overdue (escalated after {esc})")
            elif lv == "upcoming":
                reasons.append(f"{zh} due {ag[k]} in {-dd} day(s) (warning from {warn} days before)")
            else:
                reasons.append(f"{zh} due {ag[k]} in {-dd} day(s)")
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
    return finish(result, prep, rules, "planar", [], as_of=as_of.isoformat())
