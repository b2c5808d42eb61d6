"""The audit date (审计基准日) against the calendar and the data: warnings, never a silent oddity.

An audit is read as of its date. A date after today judges deadlines that have not come yet as passed;
a date before every date in the data audits a county where nothing had happened yet. Either may be
meant (a what-if, a historical check), so the run goes on, but it says so: the warnings go to the log
(stderr on the command line) and into the run's notes, which the results and the ledger keep.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import pandas as pd

from .schema import SCHEMAS

__all__ = ["as_of_warnings", "to_date"]


def to_date(value: object, *, name: str = "as_of", default_today: bool = True) -> dt.date:
    """A ``datetime.date`` from a date, datetime, Timestamp or ``'YYYY-MM-DD'`` text.

    ``None`` is today, or with ``default_today=False`` an error naming the parameter ``name``.

    >>> to_date("2026-06-30"), to_date(dt.datetime(2026, 6, 30, 12))
    (datetime.date(2026, 6, 30), datetime.date(2026, 6, 30))
    >>> to_date("soon")
    Traceback (most recent call last):
    ...
    ValueError: as_of: not a date: 'soon' (no year); write it as 2026-06-30

    Text without a four-digit year is refused rather than completed with this year (``"June"`` would
    otherwise be read as the first of June of the current year).
    """
    if value is None:
        if default_today:
            return dt.date.today()
        raise TypeError(f"{name} is required: the date the audit is made at, e.g. {name}='2026-06-30'")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and not re.search(r"\d{4}", value):
        raise ValueError(f"{name}: not a date: {value!r} (no year); write it as 2026-06-30")
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        ts = pd.NaT
    if pd.isna(ts):
        raise ValueError(f"{name}: not a date: {value!r}; write it as 2026-06-30")
    return ts.date()


def as_of_warnings(as_of: dt.date, layers: Mapping[str, tuple], *, today: dt.date | None = None) -> list[str]:
    """Warnings about the audit date: after today, or before every date the layers carry.

    Parameters
    ----------
    as_of : date
        The audit date.
    layers : mapping
        ``{input name: (frame with canonical fields, kind)}``; the date fields of each kind's schema are read.
    today : date, optional
        Today (default: the computer's date).

    Examples
    --------
    >>> import datetime as dt, pandas as pd
    >>> approvals = pd.DataFrame({"approval_date": pd.to_datetime(["2015-03-02", "2018-07-01"])})
    >>> as_of_warnings(dt.date(2014, 1, 1), {"approvals": (approvals, "approvals")}, today=dt.date(2026, 12, 1))
    ... # doctest: +NORMALIZE_WHITESPACE
    ['the audit date 2014-01-01 is before every date in the data (the earliest: 批准日期 2015-03-02 in approvals):
      nothing in it had happened yet as of that date; check the audit date (--as-of, as_of=)']
    >>> as_of_warnings(dt.date(2027, 6, 30), {}, today=dt.date(2026, 12, 1))  # doctest: +ELLIPSIS
    ['the audit date 2027-06-30 is after today (2026-12-01): ...']
    """
    today = today or dt.date.today()
    out = []
    if as_of > today:
        out.append(f"the audit date {as_of.isoformat()} is after today ({today.isoformat()}): agreed dates up to it "
                   "are judged as passed although they have not come yet, and the data as if nothing changes until "
                   "then; check the audit date (--as-of, as_of=)")
    earliest = None
    for name, (frame, kind) in layers.items():
        schema = SCHEMAS.get(kind)
        if frame is None or schema is None:
            continue
        for f in schema.fields:
            if f.type != "date" or f.name not in frame.columns:
                continue
            first = pd.to_datetime(frame[f.name], errors="coerce").min()
            if pd.notna(first) and (earliest is None or first < earliest[0]):
                earliest = (first, f.label_zh, name)
    if earliest is not None and pd.Timestamp(as_of) < earliest[0]:
        first, label, name = earliest
        out.append(f"the audit date {as_of.isoformat()} is before every date in the data (the earliest: {label} "
                   f"{first.date().isoformat()} in {name}): nothing in it had happened yet as of that date; "
                   "check the audit date (--as-of, as_of=)")
    return out
