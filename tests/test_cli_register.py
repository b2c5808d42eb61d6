"""`redline register` and `--register` on the commands that run audits, on the example county's three rounds.

Round 1 and round 3 are recorded by `redline demo --round N --register`, round 2 by `redline audit --register` on
round 2's layers with two audits only (so the outputs it did not audit keep their cases open). The figures checked
are the planted ones (redline/example/rounds.py): in round 2 豫政土〔2024〕117号 and 〔2022〕109号 are supplied and
411528-2022-006 started; in round 3 411528-2020-007 is recovered (gone from the inputs), 豫政土〔2017〕116号 is
renumbered 161号 and 117号 reappears.
"""

from __future__ import annotations

import shutil
import sqlite3

import pandas as pd
import pytest
from click.testing import CliRunner

from redline.cli import main
from redline.example.rounds import write_round
from redline.register import open_register

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _run(*args, env=None, code=0):
    result = CliRunner().invoke(main, [str(a) for a in args], env=env or {"REDLINE_REGISTER": ""},
                                catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    """A register after three rounds; tests that change it work on a copy (:func:`copy`)."""
    base = tmp_path_factory.mktemp("cli_register")
    reg = base / "台账.gpkg"
    out = _run("register", "init", reg)
    assert "register made" in out
    first = _run("demo", "--round", "1", "--register", reg, "--out", base / "round1")
    round2 = write_round(2, base / "round2_layers.gpkg")
    second = _run("audit", "--approvals", f"{round2}:approvals", "--supplies", f"{round2}:supplies",
                  "--buildings", f"{round2}:buildings", "--only", "approved_not_supplied", "--only",
                  "supplied_not_used", "--as-of", "2026-09-30", "--register", reg, "--out", base / "round2")
    third = _run("demo", "--round", "3", "--register", reg, "--out", base / "round3")
    return reg, {1: first, 2: second, 3: third}


@pytest.fixture
def copy(three, tmp_path):
    path = tmp_path / "台账.gpkg"
    shutil.copy(three[0], path)
    return path


def test_each_run_says_what_its_round_did(three):
    _, outs = three
    assert "register round 1 (as of 2026-06-30)" in outs[1]
    assert "register round 2 (as of 2026-09-30)" in outs[2]
    # round 2: 117号 and 109号 supplied, 2024 902/2020 951 too (4 approvals), 411528-2022-006 started
    line = next(x for x in outs[2].splitlines() if x.strip().startswith("approved_not_supplied:"))
    assert "本期消化 4" in line
    line = next(x for x in outs[2].splitlines() if x.strip().startswith("idle_land:"))
    assert "本期新增 1" in line and "本期消化 1" in line
    line = next(x for x in outs[3].splitlines() if x.strip().startswith("approved_not_supplied:"))
    assert "重新出现 1" in line
    # an output without an area (deadline alerts) shows none, not 0 亩
    line = next(x for x in outs[3].splitlines() if x.strip().startswith("deadline_alerts:"))
    assert "亩" not in line


def test_outputs_round_2_did_not_audit_stay_open(three):
    reg = open_register(three[0])
    events = reg.events(round_id=2)
    assert set(reg.cases(output="underused")["state"]) == {"open"}
    assert not len(events[events["case_id"].str.startswith("DXYD")])  # not audited in round 2: no event at all


def test_rounds_lists_every_round(three):
    out = _run("register", "rounds", "-r", three[0])
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["round", "as", "of"]
    assert [x.split()[:2] for x in lines[2:]] == [["1", "2026-06-30"], ["2", "2026-09-30"], ["3", "2026-11-30"]]


def test_cases_from_the_environment_and_csv(three, tmp_path):
    csv = tmp_path / "resolved.csv"
    out = _run("register", "cases", "--state", "resolved", "--output", "idle_land", "--csv", csv,
               env={"REDLINE_REGISTER": str(three[0])})
    assert "411528-2022-006" in out and "在建" in out  # started in round 2
    assert "411528-2020-007" in out and "已不在本期输入中" in out  # recovered in round 3: gone from the inputs
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads the Chinese as UTF-8
    frame = pd.read_csv(csv, encoding="utf-8-sig")
    assert sorted(frame["case_key"]) == ["411528-2020-007", "411528-2022-006"]
    assert "geometry" not in frame.columns


def test_cases_output_typo_is_a_usage_error(three):
    out = _run("register", "cases", "-r", three[0], "--output", "idle_lands", code=2)
    assert "did you mean 'idle_land'" in out


def test_a_register_option_is_required(three):
    out = _run("register", "cases", code=2)
    assert "REDLINE_REGISTER" in out


def test_diff_shows_renumbered_reappeared_and_hides_growing_days(three):
    out = _run("register", "diff", "2", "3", "-r", three[0])
    assert "豫政土〔2017〕161号 (was 豫政土〔2017〕116号)" in out
    row = next(x for x in out.splitlines() if "豫政土〔2024〕117号" in x)
    assert "reappeared" in row
    assert "whose days only grew (--all lists them)" in out
    every = _run("register", "diff", "2", "3", "--all", "-r", three[0])
    # idle land: 92 days between the rounds' dates, 2026-09-30 -> 2026-11-30 is 61 days
    row = next(x for x in every.splitlines() if "411528-2023-001" in x and "idle_land" in x)
    assert "61.00" in row
    assert len(every.splitlines()) > len(out.splitlines())


def test_diff_of_one_round_or_a_missing_round_is_refused(three):
    assert "two different rounds" in _run("register", "diff", "2", "2", "-r", three[0], code=2)
    assert "no round 9" in _run("register", "diff", "1", "9", "-r", three[0], code=2)


def test_show_prints_the_history(three):
    out = _run("register", "show", "XZTD-00001", "-r", three[0])
    assert "411528-2023-001" in out
    history = out.split("history:")[1].splitlines()
    rounds = [x.split()[0] for x in history[3:6]]
    assert rounds == ["1", "2", "3"]
    assert "disposal: none recorded" in out


def test_unknown_case_is_refused_with_a_suggestion(three):
    out = _run("register", "show", "XZTD-0001X", "-r", three[0], code=2)
    assert "no case 'XZTD-0001X'" in out and "did you mean" in out


def test_set_records_a_step_and_its_deadline(copy):
    out = _run("register", "set", "XZTD-00001", "-r", copy, "--status", "investigation_notice", "--date",
               "2026-10-15", "--doc-no", "息自然资闲〔2026〕3号", "--who", "张三")
    assert "entry 1 recorded, now 闲置土地调查通知书" in out
    row = open_register(copy).dispositions().iloc[0]
    assert (row["status"], str(row["date"])[:10], row["doc_no"], row["who"]) == (
        "investigation_notice", "2026-10-15", "息自然资闲〔2026〕3号", "张三")
    # 第五条: materials within 30 days of the notice: 2026-10-15 + 30 days = 2026-11-14
    due = _run("register", "alerts", "-r", copy, "--as-of", "2026-11-20")
    row = next(x for x in due.splitlines() if "XZTD-00001" in x)
    assert "2026-11-14" in row and "-6" in row and "overdue" in row
    early = _run("register", "alerts", "-r", copy, "--as-of", "2026-11-01")
    row = next(x for x in early.splitlines() if "XZTD-00001" in x)
    assert "2026-11-14" in row and " 13 " in row and "overdue" not in row


def test_set_out_of_order_is_refused_and_writes_nothing(copy):
    out = _run("register", "set", "XZTD-00002", "-r", copy, "--status", "fee_paid", "--date", "2026-10-01", code=2)
    assert "comes before any 征缴土地闲置费决定书" in out
    assert "has no --amount" in out  # the option to give, not the Python name
    assert not len(open_register(copy).dispositions())


def test_set_bad_date_and_unknown_step(copy):
    assert "not a date" in _run("register", "set", "XZTD-00002", "-r", copy, "--status", "investigation_notice",
                                "--date", "2026-13-01", "--doc-no", "x", code=2)
    out = _run("register", "set", "XZTD-00002", "-r", copy, "--status", "investigation", "--date", "2026-10-01",
               code=2)
    assert "did you mean 'investigation_notice'" in out


def test_steps_lists_the_procedure_with_the_options(three):
    out = _run("register", "steps", "idle_land")
    assert "闲置土地调查通知书 needs --doc-no" in out
    assert "征缴土地闲置费决定书 after hearing_notice needs --doc-no, --amount" in out
    assert "(closes the case)" in out
    assert "第五条" in _run("register", "steps", "idle_land", "-v")


def test_check_finds_an_entry_typed_in_qgis(copy):
    con = sqlite3.connect(copy)
    with con:
        con.execute("INSERT INTO dispositions (case_id, status, date) VALUES ('XZTD-00003', 'idle_determinaton', "
                    "'2026-10-20')")
    con.close()
    out = _run("register", "check", "-r", copy, code=3)
    assert "XZTD-00003" in out and "did you mean 'idle_determination'" in out
    problem = open_register(copy).dispositions()["problem"].iat[0]
    assert "idle_determination" in problem


def test_undo_only_the_last_round(copy):
    assert "undo 3 first" in _run("register", "undo", "2", "-r", copy, code=2)
    assert "round 3 undone" in _run("register", "undo", "-r", copy)
    rounds = _run("register", "rounds", "-r", copy)
    assert "undone" in rounds.splitlines()[-1] and "undone" not in rounds.splitlines()[-2]
    # 411528-2020-007 was resolved by round 3: open again as round 2 left it
    cases = open_register(copy).cases(output="idle_land").set_index("case_key")
    assert cases.at["411528-2020-007", "state"] == "open"


def test_draft_names_the_options_it_needs_then_writes(copy, tmp_path):
    from docx import Document

    _run("register", "set", "XZTD-00001", "-r", copy, "--status", "investigation_notice", "--date", "2026-10-15",
         "--doc-no", "息自然资闲〔2026〕3号")
    dest = tmp_path / "调查通知书.docx"
    out = _run("register", "draft", "XZTD-00001", "-r", copy, "--kind", "investigation_notice", "--bureau",
               "息县自然资源局", "--out", dest, code=2)
    assert "--doc-no" in out and "--extra holder_address=VALUE" in out and "document_facts" not in out
    assert not dest.exists()
    _run("register", "draft", "XZTD-00001", "-r", copy, "--kind", "investigation_notice", "--bureau", "息县自然资源局",
         "--out", dest, "--doc-no", "息自然资闲〔2026〕3号", "--date", "2026-10-15", "--extra",
         "holder_address=息县工业大道1号")
    text = "\n".join(p.text for p in Document(dest).paragraphs)
    text += "\n".join(c.text for t in Document(dest).tables for r in t.rows for c in r.cells)
    for fact in ("息县自然资源局", "息自然资闲〔2026〕3号", "息县工业大道1号", "411528-2023-001", "2026年10月15日"):
        assert fact in text, fact
    assert "did you mean 'holder_address'" in _run(
        "register", "draft", "XZTD-00001", "-r", copy, "--kind", "investigation_notice", "--bureau", "局",
        "--out", dest, "--extra", "holder_adress=x", code=2)


def test_templates_written_once(tmp_path):
    out = _run("register", "templates", tmp_path / "tpl")
    assert sorted(p.name for p in (tmp_path / "tpl").iterdir()) == [
        "idle_determination.docx", "idle_fee_decision.docx", "investigation_notice.docx", "recovery_decision.docx"]
    assert out.count("written:") == 4
    assert "refusing to overwrite" in _run("register", "templates", tmp_path / "tpl", code=2)


def test_init_refuses_an_existing_file(three):
    assert "exists" in _run("register", "init", three[0], code=4)


def test_audit_with_a_register_that_is_not_there(tmp_path):
    missing = tmp_path / "nope.gpkg"
    out = _run("demo", "--register", missing, "--out", tmp_path / "out", code=4)
    assert f"redline register init {missing}" in out
    assert not (tmp_path / "out" / "redline_results.gpkg").exists()


def test_a_round_earlier_than_the_last_is_refused(copy, tmp_path):
    out = _run("demo", "--round", "1", "--register", copy, "--out", tmp_path / "out", code=2)
    assert "2026-06-30" in out and "2026-11-30" in out
