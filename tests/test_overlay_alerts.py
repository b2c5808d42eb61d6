"""批后监管 deadline alerts: warned 30 days before, escalated (警示) once the agreed date passes unmet."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
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


GRACE_30 = load_rules(overrides={"alerts.escalate_days_after": 30})


@pytest.mark.parametrize("offset, level, rules", [
    (-31, "ok", None), (-30, "upcoming", None), (-1, "upcoming", None), (0, "upcoming", None),
    (1, "escalated", None), (30, "escalated", None), (31, "escalated", None),
    # a bureau that grants 30 days of grace gets the 已逾期 tier
    (0, "upcoming", GRACE_30), (1, "overdue", GRACE_30), (30, "overdue", GRACE_30), (31, "escalated", GRACE_30),
])
def test_levels_around_the_agreed_date(offset, level, rules):
    agreed = AS_OF - dt.timedelta(days=offset)  # offset = as_of - agreed
    r = deadline_alerts(supply(约定开工日期=agreed.isoformat()), as_of=AS_OF, rules=rules)
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


def test_the_seed_escalates_the_day_after_the_agreed_date():
    """常州: '预警30天内未履行合同约定的…转为警示' -- the warning runs to the agreed date; no grace tier."""
    assert load_rules().value("alerts.escalate_days_after") == 0
    assert "转为警示" in load_rules().cite("alerts.escalate_days_after")
    r = deadline_alerts(supply(约定缴款日期="2026-06-29"), as_of=AS_OF).iloc[0]
    assert r["level"] == "escalated" and r["level_zh"] == "警示(逾期未履约)" and r["days_overdue"] == 1
    assert "agreed date passed" in r["reason"]


def test_a_completed_project_has_started_but_has_not_thereby_paid():
    # agreed start 2020-03-01, no actual start; completed 2022-05-10; handover and payment not recorded
    s = supply(约定交地日期="2020-01-15", 约定缴款日期="2020-01-31", 约定开工日期="2020-03-01",
               约定竣工日期="2022-03-01", 实际竣工日期="2022-05-10")
    r = deadline_alerts(s, as_of=AS_OF).set_index("obligation")
    start = r.loc["start"]
    assert start["level"] == "met" and np.isnan(start["days_late"]) and start["actual_date"] is pd.NaT
    assert "completed on 2022-05-10" in start["reason"] and "completion implies the start" in start["rule"]
    assert r.loc["completion", "level"] == "met" and r.loc["completion", "days_late"] == 70
    for ob in ("handover", "payment"):
        assert r.loc[ob, "level"] == "escalated"
        assert "completion is not taken as proof" in r.loc[ob, "reason"]
    # a completion after the audit date proves nothing yet
    later = deadline_alerts(supply(约定开工日期="2020-03-01", 实际竣工日期="2026-07-01"), as_of=AS_OF).iloc[0]
    assert later["level"] == "escalated" and "completed" not in later["reason"]
