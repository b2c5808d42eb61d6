"""The disposal procedures of the case register, read against the articles they quote.

Dates are worked by hand: 《闲置土地处置办法》第十七条 gives thirty days from service, so a fee decision
served 2026-03-02 is paid by 2026-04-01 (29 days left in March + 1).
"""

from __future__ import annotations

import datetime as dt

import pytest

from redline.register.procedures import (
    PROCEDURES,
    Procedure,
    Step,
    check_steps,
    deadlines,
    procedure_for,
    register_procedure,
)
from redline.rules import load_rules

D = dt.date
IDLE = PROCEDURES["idle_land"]
RULES = load_rules("cn-national")


def rec(status, date, **fields):
    return {"status": status, "date": date, **fields}


NOTICE = rec("investigation_notice", D(2026, 1, 5), doc_no="息闲调〔2026〕1号")
DETERMINED = rec("idle_determination", D(2026, 2, 10), doc_no="息闲认〔2026〕1号")
HEARING = rec("hearing_notice", D(2026, 2, 20), doc_no="息听告〔2026〕1号")
FEE = rec("idle_fee_decision", D(2026, 3, 2), doc_no="息闲费〔2026〕1号", amount_wan=120.0)


def test_procedure_for_outputs():
    assert procedure_for("idle_land").id == "idle_land"
    assert procedure_for("approved_not_supplied").id == "unsupplied"
    assert procedure_for("deadline_alerts").id == "generic"
    with pytest.raises(ValueError, match="did you mean 'idle_land'"):
        procedure_for("idle_lands")


def test_the_fee_path_in_order_has_no_problem():
    assert check_steps(IDLE, [NOTICE, DETERMINED, HEARING, FEE, rec("fee_paid", D(2026, 3, 20), amount_wan=120.0),
                              rec("closed", D(2026, 3, 25))]) == []


def test_determination_before_the_notice():
    problems = check_steps(IDLE, [DETERMINED])
    assert problems == ["闲置土地认定书 (idle_determination) on 2026-02-10 comes before any 闲置土地调查通知书 "
                        "(investigation_notice) or 使用权人提交说明材料 (materials_received): record the 闲置土地调查通知书 "
                        "first"]


def test_fee_decision_needs_the_hearing_notice_of_article_15():
    problems = check_steps(IDLE, [NOTICE, DETERMINED, FEE])
    assert len(problems) == 1 and "comes before any 听证告知 (hearing_notice)" in problems[0]


def test_missing_doc_no_and_amount():
    problems = check_steps(IDLE, [NOTICE, DETERMINED, HEARING, rec("idle_fee_decision", D(2026, 3, 2), doc_no=" ")])
    assert any("has no doc_no" in p for p in problems)
    assert any("has no amount_wan" in p for p in problems)
    assert len(problems) == 2


def test_date_before_the_previous_step():
    problems = check_steps(IDLE, [NOTICE, rec("materials_received", D(2026, 1, 1))])
    assert problems == ["使用权人提交说明材料 (materials_received) on 2026-01-01 is dated before the step recorded "
                        "before it (2026-01-05): steps are entered in the order they happened; check the date"]


def test_unknown_status_names_the_nearest_step():
    (problem,) = check_steps(IDLE, [NOTICE, rec("fee_payed", D(2026, 4, 1))])
    assert problem.startswith("step 2: the procedure 'idle_land'")
    assert "did you mean 'fee_paid'?" in problem
    with pytest.raises(ValueError, match="its steps are investigation_notice, materials_received"):
        IDLE.step("nope")


def _extension(new_date):
    plan = rec("disposal_plan", D(2026, 3, 1), doc_no="息政〔2026〕9号")
    return [NOTICE, DETERMINED, plan, rec("extension", D(2026, 3, 10), doc_no="补充协议1", new_date=new_date)]


def test_extension_of_at_most_a_year():
    # 2026-03-10 + 365 days = 2027-03-10 (no 29 February between): allowed; one day more is over
    assert check_steps(IDLE, _extension(D(2027, 3, 10)), RULES) == []
    (problem,) = check_steps(IDLE, _extension(D(2027, 3, 11)), RULES)
    assert "is 366 days later, over the 365 days allowed" in problem and "第十二条" in problem


def test_extension_limit_is_read_from_the_rules():
    loose = RULES.with_overrides({"register.extension_max_days": 400})
    assert check_steps(IDLE, _extension(D(2027, 3, 11)), loose) == []


def test_extension_needs_a_new_date_and_the_plan_of_article_13():
    steps = [NOTICE, DETERMINED, rec("extension", D(2026, 3, 10), doc_no="补充协议1")]
    problems = check_steps(IDLE, steps)
    assert any("comes before any 闲置土地处置方案" in p for p in problems)
    assert any("has no new_date" in p for p in problems)
    assert IDLE.step("extension").restarts and not IDLE.step("paid_recovery").restarts  # 第十二条: 除前款第四项


def test_step_after_closing():
    steps = [NOTICE, DETERMINED, HEARING, FEE, rec("fee_paid", D(2026, 3, 20), amount_wan=120.0),
             rec("closed", D(2026, 3, 25)), rec("hearing_notice", D(2026, 4, 1), doc_no="x")]
    (problem,) = check_steps(IDLE, steps)
    assert "after the case was closed by 销号" in problem


def test_fee_deadline_thirty_days_after_service():
    (due,) = deadlines(IDLE, [NOTICE, DETERMINED, HEARING, FEE], RULES, as_of=D(2026, 3, 20))
    assert due["status"] == "idle_fee_decision" and due["due"] == D(2026, 4, 1)
    assert due["days_left"] == 12 and not due["overdue"] and due["rule"] == "register.fee_payment_days"
    (late,) = deadlines(IDLE, [NOTICE, DETERMINED, HEARING, FEE], RULES, as_of=D(2026, 4, 2))
    assert late["overdue"] and late["days_left"] == -1


def test_payment_removes_the_fee_deadline():
    steps = [NOTICE, DETERMINED, HEARING, FEE, rec("fee_paid", D(2026, 3, 30), amount_wan=120.0)]
    assert deadlines(IDLE, steps, RULES, as_of=D(2026, 5, 1)) == []


def test_materials_due_thirty_days_after_the_notice():
    # 2026-01-05 + 30 days = 2026-02-04 (26 days left in January + 4)
    (due,) = deadlines(IDLE, [NOTICE], RULES, as_of=D(2026, 2, 10))
    assert (due["due"], due["overdue"], due["rule"]) == (D(2026, 2, 4), True, "register.materials_days")
    assert deadlines(IDLE, [NOTICE, rec("materials_received", D(2026, 1, 20))], RULES, as_of=D(2026, 2, 10)) == []


def test_recovery_decision_leaves_thirty_days_for_cancellation():
    recovery = rec("recovery_decision", D(2026, 5, 15), doc_no="息收〔2026〕2号")
    (due,) = deadlines(IDLE, [NOTICE, DETERMINED, HEARING, recovery], RULES, as_of=D(2026, 6, 1))
    assert due["due"] == D(2026, 6, 14) and due["what_zh"].startswith("办理国有建设用地使用权注销登记")
    done = rec("registration_cancelled", D(2026, 6, 10), doc_no="注销1")
    assert deadlines(IDLE, [NOTICE, DETERMINED, HEARING, recovery, done], RULES, as_of=D(2026, 7, 1)) == []


def test_days_come_from_the_rules():
    short = RULES.with_overrides({"register.fee_payment_days": 15})
    (due,) = deadlines(IDLE, [NOTICE, DETERMINED, HEARING, FEE], short, as_of=D(2026, 3, 3))
    assert due["due"] == D(2026, 3, 17)


def test_unsupplied_partial_reduction_stays_open():
    p = procedure_for("approved_not_supplied")
    assert not p.step("reduced").closes and p.step("supplied").closes
    assert "not checked against the official text" in p.step("withdrawn").article
    assert check_steps(p, [rec("reduced", D(2026, 1, 1), doc_no="a"), rec("closed", D(2026, 2, 1))]) == []
    (problem,) = check_steps(p, [rec("closed", D(2026, 2, 1))])
    assert "comes before any 核减 (部分) (reduced)" in problem


def test_generic_is_marked_local():
    g = procedure_for("three_line_conflicts")
    assert g.local and "local practice" in g.source and "configurable" in g.source
    (problem,) = check_steps(g, [rec("rectified", D(2026, 1, 1))])
    assert "comes before any 整改中 (rectifying) or 立案查处 (filed)" in problem


def test_every_step_quotes_a_source_and_every_deadline_key_exists():
    for p in PROCEDURES.values():
        for s in p.steps:
            assert s.article and s.colour.startswith("#")
            for key in (s.deadline_key, s.new_date_max_key):
                if key:
                    assert RULES.threshold(key).source, key
    order53 = [s for s in IDLE.steps]
    assert all("《闲置土地处置办法》" in s.article for s in order53)


def test_register_refuses_a_malformed_or_clashing_procedure():
    bad = Procedure("mine", "本地", "local", "local practice", ("deadline_alerts",),
                    (Step("a", "甲", "a", "local", after=("b",)),), local=True)
    with pytest.raises(ValueError, match="after 'b' is not a step"):
        register_procedure(bad)
    clash = Procedure("mine", "本地", "local", "local practice", ("idle_land",),
                      (Step("a", "甲", "a", "local"),), local=True)
    with pytest.raises(ValueError, match="the output 'idle_land' already follows 'idle_land'"):
        register_procedure(clash)
    assert "mine" not in PROCEDURES
