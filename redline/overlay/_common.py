"""Shared plumbing of the overlay audits: validation, dates, the call's log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from ..area import AreaMethod, check_area_method
from ..audit_date import to_date  # one parser of dates, re-exported for the overlay audits
from ..result import AuditLog, NoteList, deliver
from ..validate import Prepared, prepare_layers

__all__ = ["add_years", "days_between", "finish", "prepare", "to_date", "to_timestamp"]


def to_timestamp(value: dt.date) -> pd.Timestamp:
    return pd.Timestamp(value.year, value.month, value.day)


def add_years(dates: pd.Series, years: int) -> pd.Series:
    """The same calendar day ``years`` later; 29 February goes to 28 February (the month's last day).

    This is the Civil Code's rule for periods counted in years (民法典 第二百零二条: 到期月的对应日为
    期间的最后一日; 没有对应日的, 月末日为期间的最后一日).
    """
    dates = pd.to_datetime(dates)
    if int(years) == 0:
        return dates
    return dates + pd.DateOffset(years=int(years))


def days_between(later: pd.Series | pd.Timestamp, earlier: pd.Series | pd.Timestamp) -> pd.Series:
    """Whole days from ``earlier`` to ``later`` (float, NaN where either is missing)."""
    delta = pd.to_datetime(later) - pd.to_datetime(earlier)
    if isinstance(delta, pd.Series):
        return delta.dt.days.astype(float)
    return float(delta.days) if not pd.isna(delta) else np.nan


def prepare(layers: Mapping[str, tuple], *, crs=None, strict: bool = False, area_method: AreaMethod = "ellipsoidal",
            required: Mapping[str, bool] | None = None) -> Prepared:
    """Validate the audit's inputs (a cheap no-op on layers the pipeline already prepared)."""
    check_area_method(area_method)
    return prepare_layers({k: v for k, v in layers.items() if v is not None and v[0] is not None}, crs=crs,
                          strict=strict, required=required)


def finish(frame: gpd.GeoDataFrame, prepared: Prepared, rules, area_method: AreaMethod | None, notes=(), *,
           log: AuditLog | None, audit: str, as_of: dt.date | None = None, **facts) -> gpd.GeoDataFrame:
    """Write the call's metadata into ``log`` (rejected features, notes, rule set, area method, working CRS,
    audit date and the audit's own ``facts``), or warn what would be lost when there is none."""
    rejected = prepared.rejected.to_dict("records") if prepared.rejected is not None else []
    own = AuditLog(rejected=rejected, notes=NoteList([*prepared.note_lines(), *notes]), rules=rules.label,
                   area_method=area_method, working_crs=prepared.working.name, as_of=as_of,
                   facts={audit: dict(facts)} if facts else {})
    deliver(own, log, audit)
    return frame


def empty_polygons(n: int) -> np.ndarray:
    import shapely

    out = np.empty(n, dtype=object)
    out[:] = [shapely.Polygon()] * n
    return out
