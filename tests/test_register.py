"""The case register over the example county's three rounds: each planted change is what the register says.

The rounds (redline.example.rounds) plant: round 2 two approvals supplied, one idle supply started, one new idle
case; round 3 one idle supply recovered (its record removed), one approval renumbered (same geometry), one
resolved approval unsupplied again.
"""

from __future__ import annotations

import pytest

from redline.example.rounds import example_round
from redline.pipeline import run_audits
from redline.register import RegisterError, init_register

AUDITS = ["approved_not_supplied", "supplied_not_used"]
INPUTS = {"approvals", "supplies", "buildings"}


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    path = tmp_path_factory.mktemp("register") / "台账.gpkg"
    reg = init_register(path)
    reports = {}
    for n in (1, 2, 3):
        r = example_round(n)
        result = run_audits({k: v for k, v in r.layers.items() if k in INPUTS}, as_of=r.as_of, audits=AUDITS,
                            register=path)
        reports[n] = (r, result.round)
    return reg, reports


def _event(report, key):
    e = report.events
    return e[e["case_key"] == key].iloc[0]


def test_every_planted_change_is_the_registers(rounds):
    _, reports = rounds
    for n in (2, 3):
        r, report = reports[n]
        for row in r.changes.itertuples(index=False):
            key = row.new_key if isinstance(row.new_key, str) and row.new_key else row.case_key
            assert _event(report, key)["change"] == row.expected, (n, key)


def test_renumbered_approval_keeps_its_case_matched_by_geometry(rounds):
    reg, reports = rounds
    e = _event(reports[3][1], "豫政土〔2017〕161号")
    assert e["change"] == "persisting" and e["old_key"] == "豫政土〔2017〕116号"
    assert e["matched_by"].startswith("geometry IoU")
    first = _event(reports[1][1], "豫政土〔2017〕116号")
    assert first["case_id"] == e["case_id"]


def test_idle_days_grow_by_the_days_between_rounds(rounds):
    _, reports = rounds
    e = reports[2][1].events
    idle = e[(e["output"] == "idle_land") & (e["change"] == "persisting")]
    assert len(idle) and (idle["d_measure"] == 92).all()  # 2026-06-30 -> 2026-09-30


def test_resolved_says_why(rounds):
    _, reports = rounds
    assert "供应" in _event(reports[2][1], "豫政土〔2024〕117号")["reason_zh"]
    assert _event(reports[3][1], "411528-2020-007")["reason"] == "gone"


def test_undo_is_last_round_only_and_a_round_before_the_last_is_refused(rounds, tmp_path):
    reg, _ = rounds
    with pytest.raises(RegisterError, match="not the last round"):
        reg.undo(1)
    r = example_round(1)
    result = run_audits({k: v for k, v in r.layers.items() if k in INPUTS}, as_of=r.as_of, audits=AUDITS)
    with pytest.raises(RegisterError, match="earlier state"):
        reg.record_round(result)


def test_a_disposal_step_out_of_order_is_refused_and_nothing_written(rounds):
    reg, _ = rounds
    case = reg.cases(state="open", output="idle_land").iloc[0]["case_id"]
    before = len(reg.dispositions())
    with pytest.raises(RegisterError):
        reg.set_disposition(case, "idle_determination", date="2026-10-01", doc_no="息自然资闲认〔2026〕1号")
    assert len(reg.dispositions()) == before
    reg.set_disposition(case, "investigation_notice", date="2026-10-01", doc_no="息自然资闲调〔2026〕1号")
    assert reg.cases(output="idle_land").set_index("case_id").at[case, "disposal"] == "investigation_notice"
