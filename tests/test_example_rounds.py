"""The example county's rounds 2 and 3: every planted transition is found by the audits, and nothing else moves."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from redline.example import load_example
from redline.example.rounds import CASE_KEYS, ROUND_DATES, example_round, write_round
from redline.overlay import IDLE_STATUSES
from redline.pipeline import run_audits

AUDITS = ["approved_not_supplied", "supplied_not_used"]


@pytest.fixture(scope="module")
def rounds():
    out = {}
    for n in ROUND_DATES:
        r = example_round(n)
        run = run_audits({k: r.layers[k] for k in ("approvals", "supplies", "buildings")}, audits=AUDITS,
                         as_of=r.as_of)
        out[n] = (r, run.outputs)
    return out


def cases(rounds, n, output):
    """The round's cases of ``output``, indexed by their key: approvals with land unsupplied, idle supplies."""
    frame = rounds[n][1][output].set_index(CASE_KEYS[output], drop=False)
    if output == "approved_not_supplied":
        return frame[frame["unsupplied_m2"] > 0]
    return frame[frame["status"].isin(IDLE_STATUSES)]


def changes(rounds, n, output=None, expected=None):
    c = rounds[n][0].changes
    return c[(c["output"] == output if output else True) & (c["expected"] == expected if expected else True)]


def test_round_dates_and_round_1_is_the_example(rounds):
    assert list(ROUND_DATES) == [1, 2, 3] and all(d <= dt.date.today() for d in ROUND_DATES.values())
    assert ROUND_DATES[1] == dt.date(2026, 6, 30) and (ROUND_DATES[2] - ROUND_DATES[1]).days == 92
    r1, example = rounds[1][0], load_example()
    assert r1.changes.empty and list(r1.layers) == list(example)
    for name in ("approvals", "supplies", "buildings", "parcels"):
        pd.testing.assert_frame_equal(r1.layers[name], example[name])
    for n in (2, 3):
        info = rounds[n][0].layers["example_info"].set_index("key")["value"]
        assert info["as_of"] == ROUND_DATES[n].isoformat() and info["round"] == str(n)
    with pytest.raises(ValueError, match="no example round 4"):
        example_round(4)


def test_every_listed_change_is_what_a_register_would_find(rounds):
    """Each change row, classified from the two rounds' findings alone: new, persisting, resolved, reappeared."""
    for n in (2, 3):
        assert len(rounds[n][0].changes) and (rounds[n][0].changes["round"] == n).all()
        for _, c in rounds[n][0].changes.iterrows():
            prev, cur = cases(rounds, n - 1, c["output"]), cases(rounds, n, c["output"])
            key = c["case_key"]
            earlier = set().union(*(cases(rounds, m, c["output"]).index for m in range(1, n - 1)))
            if c["expected"] == "resolved":
                assert key in prev.index and key not in cur.index, c["why"]
            elif c["expected"] == "new":
                assert key in cur.index and key not in prev.index and key not in earlier, c["why"]
            elif c["expected"] == "reappeared":
                assert key in cur.index and key not in prev.index and key in earlier, c["why"]
            else:
                assert c["expected"] == "persisting"
                old = c["old_key"] if c["matched_by"] == "geometry" else key
                assert old in prev.index and key in cur.index, c["why"]


def test_two_approvals_now_supplied_by_contracts_signed_in_the_quarter(rounds):
    planted = changes(rounds, 2, "approved_not_supplied", "resolved")
    planted = planted[planted["why"].str.contains("新签出让合同")]
    assert len(planted) == 2
    sup1, sup2 = rounds[1][0].layers["supplies"], rounds[2][0].layers["supplies"]
    added = sup2[~sup2["合同编号"].isin(sup1["合同编号"])]
    assert len(added) == 2 and added["合同编号"].str.fullmatch(r"411528-2026-\d{3}").all()
    signed = pd.to_datetime(added["签订日期"]).dt.date
    assert ((signed > ROUND_DATES[1]) & (signed <= ROUND_DATES[2])).all()
    a1 = rounds[1][1]["approved_not_supplied"].set_index("approval_id")
    a2 = rounds[2][1]["approved_not_supplied"].set_index("approval_id")
    for aid in planted["case_key"]:
        assert a1.loc[aid, "unsupplied_m2"] > 1000 and a2.loc[aid, "unsupplied_m2"] == 0
        assert a2.loc[aid, "supplied_m2"] == pytest.approx(a2.loc[aid, "approved_m2"], abs=1.0)
    # drawn inside their approvals: no new supply outside the approvals, 出让面积 as drawn
    for n in (1, 2, 3):
        assert set(rounds[n][1]["supply_outside_approvals"]["supply_id"]) == \
            set(rounds[1][1]["supply_outside_approvals"]["supply_id"])
        assert set(rounds[n][1]["supply_before_approval"]["supply_id"]) == \
            set(rounds[1][1]["supply_before_approval"]["supply_id"])
    idle2 = rounds[2][1]["idle_land"].set_index("supply_id")
    assert (idle2.loc[added["合同编号"], "status"] == "not_due").all()


def test_an_idle_supply_built_on_in_the_quarter_is_started(rounds):
    sid = changes(rounds, 2, "idle_land", "resolved")["case_key"].item()
    i1 = rounds[1][1]["idle_land"].set_index("supply_id").loc[sid]
    i2 = rounds[2][1]["idle_land"].set_index("supply_id").loc[sid]
    assert i1["status"] in IDLE_STATUSES and not i1["started"]
    assert i2["started"] and i2["status"] == "in_progress" and i2["idle_days"] == 0
    b1, b2 = rounds[1][0].layers["buildings"], rounds[2][0].layers["buildings"]
    new = b2[~b2["建筑物编号"].isin(b1["建筑物编号"])]
    site = rounds[2][0].layers["supplies"].set_index("合同编号").geometry[sid]
    built = pd.to_datetime(new["建成日期"]).dt.date
    assert len(new) == 1 and new.geometry.within(site).all() and ((built > ROUND_DATES[1]) & (built <= ROUND_DATES[2])).all()
    assert i2["developed_m2"] == pytest.approx(new.geometry.area.sum(), rel=1e-3)


def test_a_start_date_a_year_old_in_the_quarter_is_a_new_idle_case(rounds):
    sid = changes(rounds, 2, "idle_land", "new")["case_key"].item()
    i1 = rounds[1][1]["idle_land"].set_index("supply_id").loc[sid]
    i2 = rounds[2][1]["idle_land"].set_index("supply_id").loc[sid]
    assert i1["status"] == "start_overdue" and i2["status"] == "idle"
    assert ROUND_DATES[1] < i2["idle_date"].date() <= ROUND_DATES[2]
    assert i2["idle_days"] - i1["idle_days"] == (ROUND_DATES[2] - ROUND_DATES[1]).days


def test_the_other_idle_cases_persist_idle_longer_by_the_days_between_rounds(rounds):
    for n in (2, 3):
        prev, cur = cases(rounds, n - 1, "idle_land"), cases(rounds, n, "idle_land")
        both = prev.index.intersection(cur.index)
        assert len(both) >= 20
        grown = cur.loc[both, "idle_days"] - prev.loc[both, "idle_days"]
        assert (grown == (ROUND_DATES[n] - ROUND_DATES[n - 1]).days).all()
        assert (cur.loc[both, "idle_fee"].fillna(-1) == prev.loc[both, "idle_fee"].fillna(-1)).all()


def test_a_recovered_supply_leaves_its_land_unsupplied(rounds):
    sid = changes(rounds, 3, "idle_land", "resolved")["case_key"].item()
    assert cases(rounds, 2, "idle_land").loc[sid, "status"] == "idle_recover"
    assert sid not in set(rounds[3][0].layers["supplies"]["合同编号"]) and sid not in set(rounds[3][1]["idle_land"]["supply_id"])
    grown = changes(rounds, 3, "approved_not_supplied", "persisting")
    aid = grown.loc[grown["matched_by"] == "key", "case_key"].item()
    a2, a3 = cases(rounds, 2, "approved_not_supplied").loc[aid], cases(rounds, 3, "approved_not_supplied").loc[aid]
    supply_m2 = rounds[2][1]["idle_land"].set_index("supply_id").loc[sid, "supply_m2"]
    assert a3["unsupplied_m2"] - a2["unsupplied_m2"] == pytest.approx(supply_m2, abs=0.1)
    assert a3["supplies_n"] == a2["supplies_n"] - 1


def test_a_renumbered_approval_keeps_its_geometry(rounds):
    c = changes(rounds, 3, "approved_not_supplied", "persisting")
    c = c[c["matched_by"] == "geometry"].iloc[0]
    old, new = c["old_key"], c["new_key"]
    assert c["case_key"] == new and old != new
    apps2 = rounds[2][0].layers["approvals"].set_index("批准文号")
    apps3 = rounds[3][0].layers["approvals"].set_index("批准文号")
    assert new not in apps2.index and old not in apps3.index
    assert apps3.geometry[new].equals_exact(apps2.geometry[old], 0)
    assert (apps3.drop(columns="geometry").loc[new] == apps2.drop(columns="geometry").loc[old]).all()
    a2, a3 = cases(rounds, 2, "approved_not_supplied"), cases(rounds, 3, "approved_not_supplied")
    assert old in a2.index and new in a3.index and old not in a3.index
    assert a3.loc[new, "unsupplied_m2"] == pytest.approx(a2.loc[old, "unsupplied_m2"])


def test_a_cancelled_supply_makes_its_approval_reappear(rounds):
    aid = changes(rounds, 3, "approved_not_supplied", "reappeared")["case_key"].item()
    a = {n: rounds[n][1]["approved_not_supplied"].set_index("approval_id").loc[aid, "unsupplied_m2"] for n in (1, 2, 3)}
    assert a[1] > 0 and a[2] == 0 and a[3] == pytest.approx(a[1])
    assert aid in changes(rounds, 2, "approved_not_supplied", "resolved")["case_key"].tolist()


def test_nothing_else_changes(rounds):
    """The sets of cases differ between rounds by the listed changes only; the persisting ones keep their area."""
    for n in (2, 3):
        for output in CASE_KEYS:
            prev, cur = cases(rounds, n - 1, output), cases(rounds, n, output)
            c = changes(rounds, n, output)
            gone = set(c.loc[c["expected"] == "resolved", "case_key"]) | set(c["old_key"].dropna())
            came = set(c.loc[c["expected"].isin(["new", "reappeared"]), "case_key"]) | set(c["new_key"].dropna())
            assert set(cur.index) == (set(prev.index) - gone) | came, (n, output)
            if output == "approved_not_supplied":
                same = sorted(set(prev.index) & set(cur.index) - set(c["case_key"]))
                assert (cur.loc[same, "unsupplied_m2"] - prev.loc[same, "unsupplied_m2"]).abs().max() < 1e-6
        layers_prev, layers_cur = rounds[n - 1][0].layers, rounds[n][0].layers
        assert list(layers_cur) == list(layers_prev)
        for name in layers_cur:
            if name not in ("approvals", "supplies", "buildings", "example_info"):
                pd.testing.assert_frame_equal(layers_cur[name], layers_prev[name])
        for name, key in (("approvals", "批准文号"), ("supplies", "合同编号"), ("buildings", "建筑物编号")):
            a, b = layers_prev[name].set_index(key), layers_cur[name].set_index(key)
            kept = a.index.intersection(b.index)
            pd.testing.assert_frame_equal(pd.DataFrame(a.loc[kept]), pd.DataFrame(b.loc[kept]))


def test_rounds_are_deterministic_and_written_with_the_example_layer_names(rounds, tmp_path):
    again = example_round(3)
    pd.testing.assert_frame_equal(again.changes, rounds[3][0].changes)
    for name, frame in rounds[3][0].layers.items():
        pd.testing.assert_frame_equal(again.layers[name], frame)
    path = write_round(3, tmp_path / "round3.gpkg")
    back = load_example(path=path)
    assert list(back) == list(load_example())
    assert set(back["supplies"]["合同编号"]) == set(rounds[3][0].layers["supplies"]["合同编号"])
    assert set(back["approvals"]["批准文号"]) == set(rounds[3][0].layers["approvals"]["批准文号"])
