"""批后监管 deadline alerts: warned 30 days before, escalated when unmet more than 30 days after."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from redline.overlay import deadline_alerts
from redline.rules import load_rules

CRS = "EPSG:4547"
AS_OF = dt.date(2026, 6, 30)


def supply(**fields):
    base = {"合同编号": "C1", "签订日期": "2020-01-01"}
    base.update(fields)
    return gpd.GeoDataFrame({k: [v] for k, v in base.items()}, geometry=[box(500000, 3800000, 500100, 3800100)],
                            crs=CRS)


@pytest.mark.parametrize("offset, level", [(-31, "ok"), (-30, "upcoming"), (-1, "upcoming"), (0, "upcoming"),
                                           (1, "overdue"), (30, "overdue"), (31, "escalated")])
def test_levels_around_the_agreed_date(offset, level):
    agreed = AS_OF - dt.timedelta(days=offset)  # offset = as_of - agreed
    r = deadline_alerts(supply(约定开工日期=agreed.isoformat()), as_of=AS_OF)
    assert len(r) == 1
    row = r.iloc[0]
    assert row["obligation"] == "start" and row["obligation_zh"] == "开工"
    assert row["level"] == level
    if offset > 0:
        assert row["days_overdue"] == offset and np.isnan(row["days_remaining"])
        assert "alerts.escalate_days_after" in row["rule"]
    else:
        assert row["days_remaining"] == -offset and np.isnan(row["days_overdue"])
        assert "alerts.warn_days_before" in row["rule"]


def test_met_obligations_and_every_kind():
    s = supply(约定交地日期="2026-01-01", 实际交地日期="2026-01-11", 约定缴款日期="2026-07-10",
               实际缴款日期="2026-06-01", 约定开工日期="2026-05-01", 实际开工日期="2026-08-01",
               约定竣工日期="2028-01-01")
    r = deadline_alerts(s, as_of=AS_OF).set_index("obligation")
    assert list(r.index) == ["handover", "payment", "start", "completion"]
    assert r.loc["handover", "level"] == "met" and r.loc["handover", "days_late"] == 10
    assert r.loc["payment", "level"] == "met" and r.loc["payment", "days_late"] == 0
    assert r.loc["start", "level"] == "escalated"  # a start recorded in the future is not met yet
    assert r.loc["completion", "level"] == "ok"


def test_windows_come_from_the_rules_and_missing_dates_make_no_rows():
    rules = load_rules(overrides={"alerts.warn_days_before": 15, "alerts.escalate_days_after": 10})
    r = deadline_alerts(supply(约定开工日期="2026-07-20", 约定缴款日期="2026-06-15"), as_of=AS_OF, rules=rules)
    lv = dict(zip(r["obligation"], r["level"], strict=True))
    assert lv == {"payment": "escalated", "start": "ok"}
    assert deadline_alerts(supply(), as_of=AS_OF).empty
