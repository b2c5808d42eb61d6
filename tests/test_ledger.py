"""The ledger workbook (台账): bureau layout, formats, frozen header, totals checked against the outputs."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pandas as pd
import pytest
import report_cases
from openpyxl import load_workbook

from redline.io.ledger import LedgerColumn, LedgerSheet, header_row, write_ledger
from redline.pipeline import write_results


def sheet_rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def totals(ws, header: str):
    """The totals row's stored number for a column (rows, value), checked against the data cells above it."""
    head = header_row(ws)
    heads = [c.value for c in ws[head]]
    j = heads.index(header) + 1
    total_row = next(r for r in range(head + 1, ws.max_row + 1) if ws.cell(r, 1).value == "合计")
    stored = ws.cell(total_row, j).value
    assert isinstance(stored, int | float) and not isinstance(stored, bool), f"合计 of {header}: {stored!r}"
    cells = [ws.cell(r, j).value for r in range(head + 1, total_row)]
    assert stored == pytest.approx(sum(v for v in cells if isinstance(v, int | float)), rel=1e-12)
    return (head + 1, total_row - 1, total_row), stored


def test_bureau_layout_formats_and_totals(tmp_path):
    frame = report_cases.approved_not_supplied()
    path = write_ledger([LedgerSheet("批而未供", frame, report_cases.ANS_COLUMNS, note="每宗批次的未供部分")],
                        tmp_path / "l.xlsx", info={"审计日期 as of": "2026-06-30"})
    wb = load_workbook(path)
    assert wb.sheetnames == ["说明", "批而未供"]
    ws = wb["批而未供"]
    assert [c.value for c in ws[1]] == ["序号", "批准文号", "批准日期", "行政区", "批准面积(平方米)", "未供面积(亩)",
                                        "供地率", "细碎图斑", "依据规则"]
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref == "A1:I4"
    assert [ws.cell(r, 1).value for r in (2, 3, 4)] == [1, 2, 3]
    assert ws["B2"].value == "批2019-01"
    assert ws["C2"].value == dt.datetime(2019, 3, 1) and ws["C2"].number_format == "yyyy-mm-dd"
    assert ws["F2"].value == pytest.approx(6.0) and ws["F2"].number_format == "#,##0.00"
    assert ws["G2"].number_format == "0.0%"
    assert [ws.cell(r, 8).value for r in (2, 3, 4)] == ["否", "否", "是"]
    # totals: numbers stored under exactly the data rows, equal to the audit's totals
    (first, last, row), mu = totals(ws, "未供面积(亩)")
    assert (first, last, row) == (2, 4, 5)
    assert mu == pytest.approx(frame["unsupplied_mu"].sum())
    _, m2 = totals(ws, "批准面积(平方米)")
    assert m2 == pytest.approx(30_000.0)
    assert ws.cell(row, 7).value is None  # ratios are not summed
    assert ws.cell(row + 2, 1).value == "每宗批次的未供部分"
    assert ws.column_dimensions["I"].width > ws.column_dimensions["D"].width  # rule text is wide
    # no formula anywhere: a viewer that does not recalculate shows every number
    assert not [c.coordinate for w in wb for row in w.iter_rows() for c in row if c.data_type == "f"]


def test_empty_sheet_has_header_and_no_totals(tmp_path):
    frame = report_cases.approved_not_supplied().iloc[0:0]
    ws = load_workbook(write_ledger([LedgerSheet("批而未供", frame, report_cases.ANS_COLUMNS)],
                                    tmp_path / "l.xlsx"))["批而未供"]
    assert ws.max_row == 1 and ws["B1"].value == "批准文号"


def test_awkward_values_and_titles(tmp_path):
    frame = pd.DataFrame({
        "when": [pd.Timestamp("2026-01-02 10:00", tz="Asia/Shanghai"), pd.NaT],
        "ids": [["A", "B"], []], "n": [1.5, float("nan")], "text_number": ["12.5", "x"]})
    cols = [LedgerColumn("when", "日期", "date"), LedgerColumn("ids", "编号"), LedgerColumn("n", "面积(亩)", "mu"),
            LedgerColumn("text_number", "金额(万元)", "wan"), LedgerColumn("absent", "不存在")]
    wb = load_workbook(write_ledger([LedgerSheet("a/b:c[1]", frame, cols), LedgerSheet("a/b:c[1]", frame, cols)],
                                    tmp_path / "l.xlsx"))
    assert wb.sheetnames == ["说明", "a_b_c_1_", "a_b_c_1__2"]
    ws = wb["a_b_c_1_"]
    assert [c.value for c in ws[1]] == ["序号", "日期", "编号", "面积(亩)", "金额(万元)"]
    assert ws["B2"].value == dt.datetime(2026, 1, 2) and ws["B3"].value is None
    assert ws["C2"].value == "A、B"
    assert ws["E2"].value == 12.5 and ws["E3"].value == "x"
    _, mu = totals(ws, "面积(亩)")
    assert mu == 1.5


def test_run_ledger_totals_equal_the_audit(tmp_path):
    """The hand-checked run in the audits' columns, laid out by the registered specs: each finding sheet
    holds the findings and totals them; the full register is on its own sheet."""
    res = report_cases.audited()
    paths = write_results(res, tmp_path)
    wb = load_workbook(paths["ledger"])
    assert {"说明", "批而未供", "批而未供（全部）", "闲置土地", "闲置土地（全部）", "剔除要素", "规则"} <= set(wb.sheetnames)
    ans = res.outputs["approved_not_supplied"]
    _, mu = totals(wb["批而未供"], "未供面积(亩)")  # the one approval with land unsupplied (not none, not slivers)
    assert mu == pytest.approx(ans.loc[ans["unsupplied_kind"] == "land", "unsupplied_mu"].sum())
    (first, last, _), all_mu = totals(wb["批而未供（全部）"], "未供面积(亩)")
    assert last - first + 1 == 3 and all_mu == pytest.approx(ans["unsupplied_mu"].sum())
    idle = res.outputs["idle_land"]
    ws = wb["闲置土地"]
    head = header_row(ws)
    heads = [c.value for c in ws[head]]
    # the findings: 闲置满两年 (idle_recover, 20 000 m²) first, then 闲置 (idle, 10 000 m²); not the 4 others
    codes = [ws.cell(r, heads.index("状态代码") + 1).value for r in range(head + 1, head + 3)]
    assert codes == ["idle_recover", "idle"] and ws.cell(head + 3, 1).value == "合计"
    _, m2 = totals(ws, "供地面积(平方米)")
    assert m2 == pytest.approx(30_000.0)
    _, fee = totals(ws, "应征闲置费(万元)")  # the fee due is summed (art. 14: not for land recovered)
    assert fee == pytest.approx(12.5)
    assert ws.cell(head + 1, heads.index("约定开工日期") + 1).number_format == "yyyy-mm-dd"
    everything = wb["闲置土地（全部）"]
    (first, last, row), all_m2 = totals(everything, "供地面积(平方米)")
    assert last - first + 1 == len(idle) == 6 and all_m2 == pytest.approx(idle["supply_m2"].sum())
    # totals, then (a row apart) the output's description, which says where the other rows are
    assert everything.max_row == row + 2 and "闲置土地" in everything.cell(everything.max_row, 1).value
    assert "闲置土地（全部）" in ws.cell(ws.max_row, 1).value


def test_supply_rate_sheet_adds_no_overlapping_rows(tmp_path):
    """供地率 rows overlap (a year and the five-year window hold the same approvals; 全部 holds every district):
    a 合计 over them counted an approval several times (15 633.6 亩 approved in the example county against
    5 564.9), so the sheet has no totals row; the 全部 row of each period is that period's total."""
    res = report_cases.audited()
    ws = load_workbook(write_results(res, tmp_path)["ledger"])["供地率"]
    head = header_row(ws)
    rows = len(res.outputs["supply_rate"])
    assert [ws.cell(r, 1).value for r in range(head + 1, head + rows + 1)] == list(range(1, rows + 1))
    assert "合计" not in [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]


def test_title_block_on_each_sheet_says_what_is_not_given(tmp_path):
    res = report_cases.audited()
    res.jurisdiction = "息县（示例）"  # no bureau given
    wb = load_workbook(write_results(res, tmp_path)["ledger"])
    today = dt.date.today().isoformat()
    for title in ("批而未供", "闲置土地", "闲置土地（全部）", "供地率", "剔除要素", "规则"):
        ws = wb[title]
        head = header_row(ws)
        assert head == 7 and ws.cell(head, 1).value == "序号", title
        assert [ws.cell(r, 1).value for r in range(1, head)] == [
            title, "行政区：息县（示例）", "填报单位：未填写", f"审计基准日：{res.as_of.isoformat()}",
            f"规则集：{res.rules.label}", f"制表日期：{today}"], title
        assert ws.print_title_rows == "$1:$7"  # the title block and the headers on every printed page
        assert ws.freeze_panes == "B8"
        assert f"A1:{ws.cell(head, ws.max_column).column_letter}1" in {str(m) for m in ws.merged_cells.ranges}
    about = {row[0].value: row[1].value for row in wb["说明"].iter_rows(min_row=2)}
    assert about["行政区"] == "息县（示例）" and about["填报单位"] == "未填写"


def test_ledger_heading_refuses_an_unknown_language():
    from redline.io.ledger import ledger_heading

    with pytest.raises(ValueError, match="zh, en"):
        ledger_heading({}, lang="fr")
    assert ledger_heading({"bureau": "息县自然资源局"}, lang="en")[:2] == [("Jurisdiction", "not given"),
                                                                      ("Bureau", "息县自然资源局")]


def test_deadline_alerts_escalated_first_and_coloured(tmp_path):
    """The 批后监管预警 sheet lists the alerts, 警示 (escalated) first, each status cell in its colour; the
    obligations on time are on 批后监管预警（全部）."""
    from redline.io.ledger import _tint
    from redline.registry import get_spec

    spec = get_spec("deadline_alerts")
    out = next(o for o in spec.outputs if o.name == "deadline_alerts")
    frame = pd.DataFrame({"supply_id": ["甲", "乙", "丙", "丁", "戊"],
                          "level": ["upcoming", "ok", "escalated", "overdue", "escalated"]})
    res = report_cases.audited()
    res.outputs = {"deadline_alerts": frame}
    res.specs = [spec]
    wb = load_workbook(write_results(res, tmp_path)["ledger"])
    ws = wb["批后监管预警"]
    head = header_row(ws)
    heads = [c.value for c in ws[head]]
    ids, level = heads.index("合同编号") + 1, heads.index("级别代码") + 1
    got = [(ws.cell(r, ids).value, ws.cell(r, level).value) for r in range(head + 1, ws.max_row + 1)
           if ws.cell(r, ids).value]
    assert got == [("丙", "escalated"), ("戊", "escalated"), ("丁", "overdue"), ("甲", "upcoming")]
    assert ws.cell(head + 1, level).fill.fgColor.rgb.endswith(_tint(out.status("escalated").colour))
    assert wb["批后监管预警（全部）"].max_row >= header_row(wb["批后监管预警（全部）"]) + 5


def test_example_county_ledger_totals_equal_the_audit(tmp_path):
    """The real overlay audit on the example county: every summed column of its sheet adds up to the output."""
    from redline.example import EXAMPLE_AS_OF, example_path
    from redline.pipeline import run_audits

    gpkg = example_path()
    res = run_audits({"approvals": f"{gpkg}:approvals", "supplies": f"{gpkg}:supplies"}, out=tmp_path,
                     audits=["approved_not_supplied"], as_of=EXAMPLE_AS_OF)
    spec = next(s for s in res.specs if s.id == "approved_not_supplied")
    out = next(o for o in spec.outputs if o.name == "approved_not_supplied")
    frame = res.outputs["approved_not_supplied"]
    ws = load_workbook(res.paths["ledger"])[out.sheet_title("zh") + "（全部）"]  # every approval
    head = header_row(ws)
    assert ws.freeze_panes == f"B{head + 1}" and ws.cell(head + len(frame) + 1, 1).value == "合计"
    summed = [c for c in out.ledger_columns() if c.summed and c.name in frame.columns]
    assert any(c.name == "unsupplied_mu" for c in summed)
    for col in summed:
        (first, last, _), total = totals(ws, col.header)
        assert (first, last) == (head + 1, head + len(frame))
        assert total == pytest.approx(pd.to_numeric(frame[col.name]).sum(), rel=1e-9, abs=1e-6), col.name
    dates = [c for c in out.ledger_columns() if c.kind == "date" and c.name in frame.columns]
    heads = [c.value for c in ws[head]]
    for col in dates:
        assert ws.cell(head + 1, heads.index(col.header) + 1).number_format == "yyyy-mm-dd"
    found = load_workbook(res.paths["ledger"])[out.sheet_title("zh")]  # the approvals with land unsupplied
    land = frame[frame["unsupplied_kind"] == "land"]
    assert 0 < len(land) < len(frame)
    (first, last, _), total = totals(found, "未供面积(亩)")
    assert last - first + 1 == len(land) and total == pytest.approx(land["unsupplied_mu"].sum(), rel=1e-9)


TRAPS = ['=HYPERLINK("http://example.invalid","点我")', "=1+1", "+86 10 1234", "-3", "@SUM(A1)"]


def _cells_xml(path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    frame = pd.DataFrame({"id": TRAPS, "area_mu": [1.0] * len(TRAPS)})
    path = write_ledger([LedgerSheet("台账", frame, [LedgerColumn("id", "编号"), LedgerColumn("area_mu", "面积(亩)", "mu")],
                                     note="=2*3")], tmp_path / "l.xlsx", info={"来源 source": "=HYPERLINK(\"x\")"})
    assert "<f>" not in _cells_xml(path)  # not one formula: no live link, nothing computed on opening
    wb = load_workbook(path)
    ws = wb["台账"]
    for r, text in enumerate(TRAPS, start=2):
        cell = ws.cell(r, 2)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True), text
    note = ws.cell(len(TRAPS) + 4, 1)
    assert (note.value, note.data_type) == ("=2*3", "s")
    about = {row[0].value: row[1] for row in wb["说明"].iter_rows(min_row=2)}
    assert (about["来源 source"].value, about["来源 source"].data_type) == ('=HYPERLINK("x")', "s")
    assert ws.cell(2, 3).data_type == "n"  # numbers stay numbers


def test_control_characters_are_removed_with_a_note(tmp_path):
    frame = pd.DataFrame({"id": ["甲\x07乙\x1b", "ok\tand\nlines"]})
    path = write_ledger([LedgerSheet("台账", frame, [LedgerColumn("id", "编号")])], tmp_path / "l.xlsx")
    wb = load_workbook(path)
    assert wb["台账"]["B2"].value == "甲乙"
    assert wb["台账"]["B3"].value == "ok\tand\nlines"  # tab and line breaks are text a cell holds
    notes = [row[1].value for row in wb["说明"].iter_rows(min_row=2) if str(row[0].value).startswith("单元格说明")]
    assert len(notes) == 1 and "台账!B2" in notes[0] and "U+0007" in notes[0] and "U+001B" in notes[0], notes


def test_text_over_excels_limit_is_cut_with_a_note(tmp_path):
    from redline.io.ledger import EXCEL_MAX_TEXT

    long = "依据" * 20_000  # 40 000 characters
    path = write_ledger([LedgerSheet("台账", pd.DataFrame({"rule": [long, "short"]}),
                                     [LedgerColumn("rule", "依据规则")])], tmp_path / "l.xlsx")
    wb = load_workbook(path)
    cell = wb["台账"]["B2"].value
    assert len(cell) == EXCEL_MAX_TEXT and cell.startswith("依据依据") and "已截断" in cell and "40,000" in cell
    assert wb["台账"]["B3"].value == "short"
    notes = [row[1].value for row in wb["说明"].iter_rows(min_row=2) if str(row[0].value).startswith("单元格说明")]
    assert len(notes) == 1 and "台账!B2" in notes[0] and "40,000" in notes[0]


def test_a_run_with_a_control_character_in_its_data_writes_its_ledger(tmp_path):
    """A bell character in an approval's district (as some exports carry) used to stop the run with
    openpyxl's IllegalCharacterError: now it is removed, and the 说明 sheet says where."""
    res = report_cases.audited()
    frame = res.outputs["approved_not_supplied"]
    frame["district"] = frame["district"].astype(object)
    frame.loc[frame.index[0], "district"] = "城关\x07镇"
    paths = write_results(res, tmp_path)
    wb = load_workbook(paths["ledger"])
    ws = wb["批而未供"]
    heads = [c.value for c in ws[header_row(ws)]]
    j = next(i for i, h in enumerate(heads, start=1) if h == "所在区县")
    assert ws.cell(header_row(ws) + 1, j).value == "城关镇"
    assert any("U+0007" in str(row[1].value) for row in wb["说明"].iter_rows(min_row=2))


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("=+-@甲a1 \t\n\x00\x07\x1f\ufffe\"(")), max_size=12),
                min_size=1, max_size=6))
def test_any_text_reads_back_as_text_without_the_characters_a_cell_cannot_hold(tmp_path_factory, texts):
    import re

    path = write_ledger([LedgerSheet("t", pd.DataFrame({"s": texts}), [LedgerColumn("s", "s")])],
                        tmp_path_factory.mktemp("h") / "l.xlsx")
    ws = load_workbook(path)["t"]
    for r, text in enumerate(texts, start=2):
        clean = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)
        cell = ws.cell(r, 2)
        assert (cell.value or "") == clean  # an empty text is an empty cell
        assert cell.value is None or cell.data_type == "s"  # text, never a formula ('f') nor a number


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"),
                    reason="LibreOffice is not installed here (scripts/install-system-deps.sh installs it for CI)")
def test_libreoffice_shows_formula_like_text_as_typed(tmp_path):
    """An independent spreadsheet engine opens the ledger: every trap is shown as the text typed, none computed."""
    import csv
    import subprocess

    assert SOFFICE, "LibreOffice (soffice) is needed: scripts/install-system-deps.sh installs libreoffice-calc-nogui"
    # each trap twice: once more from the shared string table, where a repeated text is kept
    frame = pd.DataFrame({"id": TRAPS * 2, "area_mu": [1.5] * len(TRAPS) * 2})
    path = write_ledger([LedgerSheet("台账", frame, [LedgerColumn("id", "编号"), LedgerColumn("area_mu", "面积(亩)", "mu")])],
                        tmp_path / "l.xlsx")
    out = tmp_path / "csv"
    subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",  # -1: every sheet
                    "--outdir", str(out), str(path)], check=True, timeout=300, capture_output=True)
    sheets = {p.name: list(csv.reader(p.read_text(encoding="utf-8").splitlines())) for p in out.glob("*.csv")}
    data = next((rows for name, rows in sheets.items() if "台账" in name), None)
    assert data is not None, sorted(sheets)
    assert [row[1] for row in data[1:1 + 2 * len(TRAPS)]] == TRAPS * 2  # "=1+1" is not 2, the link is not 点我


def test_text_that_becomes_formula_like_once_cleaned_stays_text(tmp_path):
    """Found by the property test above: a control character before "=" hid the formula from the check."""
    ws = load_workbook(write_ledger([LedgerSheet("t", pd.DataFrame({"s": ["\x1f=1+1"]}), [LedgerColumn("s", "s")])],
                                    tmp_path / "l.xlsx"))["t"]
    assert (ws["B2"].value, ws["B2"].data_type) == ("=1+1", "s")


def test_status_cells_are_filled_with_their_status_colour_light(tmp_path):
    from redline.io.ledger import _tint
    from redline.overlay.idle import STATUS

    frame = pd.DataFrame({"supply_id": ["A", "B", "C"], "status": ["idle", "completed", "unknown_code"]})
    colours = {s.code: s.colour for s in STATUS}
    path = write_ledger([LedgerSheet("闲置土地", frame, [LedgerColumn("supply_id", "合同编号"),
                                                     LedgerColumn("status", "状态代码")],
                                     status_column="status", status_colours=colours)], tmp_path / "l.xlsx")
    ws = load_workbook(path)["闲置土地"]
    assert ws["C2"].fill.fgColor.rgb.endswith(_tint(colours["idle"]))
    assert ws["C3"].fill.fgColor.rgb.endswith(_tint(colours["completed"]))
    assert ws["C4"].fill.fill_type is None  # a code no status declares: left plain
    assert ws["B2"].fill.fill_type is None  # only the status cell


def test_chinese_ledger_says_the_rule_status_in_chinese(tmp_path):
    res = report_cases.audited()
    wb = load_workbook(write_results(res, tmp_path)["ledger"])
    rules = wb["规则"]
    h = header_row(rules)
    heads = [c.value for c in rules[h]]
    status = {rules.cell(r, heads.index("规则项") + 1).value: rules.cell(r, heads.index("性质") + 1).value
              for r in range(h + 1, rules.max_row + 1)}
    assert status["idle.fee_rate"] == "国家规定"  # national in the rule set
    assert set(status.values()) <= {"国家规定", "可配置", "地方规定"}
    cells = {rules.cell(r, heads.index("规则项") + 1).value: r for r in range(h + 1, rules.max_row + 1)}
    recover = res.rules.threshold("idle.recover_years")  # its source explains in English
    assert rules.cell(cells["idle.recover_years"], heads.index("依据") + 1).value == recover.source_zh != recover.source
    assert rules.cell(cells["idle.recover_years"], heads.index("单位") + 1).value == "年"  # "year"
    assert rules.cell(cells["idle.fee_rate"], heads.index("单位") + 1).value == "占土地价款的比例"  # "ratio of land price"
    about = [row[0].value for row in wb["说明"].iter_rows(min_row=2)]
    assert "审计基准日" in about and "规则集" in about and not any(" as of" in str(k) for k in about)


def _screenshot_script():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "scripts" / "screenshot_ledger.py"
    spec = importlib.util.spec_from_file_location("screenshot_ledger", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"),
                    reason="LibreOffice is not installed here (scripts/install-system-deps.sh installs it for CI)")
def test_the_ledger_prints_on_a4_landscape_with_page_numbers(tmp_path):
    """LibreOffice prints the ledger (as scripts/screenshot_ledger.py does for the README): every page A4
    landscape, numbered 第 n 页，共 N 页; the 闲置土地 sheet's page holds its two findings (供1 闲置满两年, 供0
    闲置) and not the supply merely late to start (供2), which is on 闲置土地（全部）."""
    from pathlib import Path

    from pypdf import PdfReader

    script = _screenshot_script()
    res = report_cases.audited()
    res.jurisdiction = "息县（示例）"
    pdf = script.ledger_pdf(Path(write_results(res, tmp_path / "out")["ledger"]), tmp_path / "pdf")
    pages = PdfReader(pdf).pages
    assert len(pages) >= 6
    for n, page in enumerate(pages, start=1):
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (842, 595), n  # A4 landscape, in points
        assert f"第 {n} 页，共 {len(pages)} 页" in page.extract_text(), n
    idle = script.sheet_pages(pdf, "闲置土地")
    everything = script.sheet_pages(pdf, "闲置土地（全部）")
    assert len(idle) == 1 and len(everything) == 1 and everything[0] == idle[0] + 1
    text = pages[idle[0]].extract_text()
    assert "供1" in text and "供0" in text and "供2" not in text
    assert "行政区：息县（示例）" in text and "填报单位：未填写" in text
    assert "供2" in pages[everything[0]].extract_text()


@pytest.fixture(scope="module")
def example_county_ledgers(tmp_path_factory):
    """Every audit on the example county (as ``redline demo`` runs them), its ledger written in Chinese and
    in English."""
    from redline.cli.demo import _readable_inputs, _with_example_rasters, example_sources
    from redline.example import EXAMPLE_AS_OF
    from redline.pipeline import run_audits

    tmp = tmp_path_factory.mktemp("county")
    sources, params = _with_example_rasters(_readable_inputs(example_sources()), tmp / "rasters")
    res = run_audits(sources, as_of=EXAMPLE_AS_OF, params=params, jurisdiction="息县（示例）")
    return {lang: load_workbook(write_results(res, tmp / lang, lang=lang)["ledger"]) for lang in ("zh", "en")}


def _rule_sheet_texts(wb, heads=("依据",)):
    """(sheet!cell, text) of the 说明 and 规则 sheets and of every finding sheet's columns ``heads``."""
    for ws in wb.worksheets:
        head = 1 if ws.title in ("说明", "about") else header_row(ws)
        labels = [c.value for c in ws[head]]
        cols = (range(1, ws.max_column + 1) if ws.title in ("说明", "规则", "about", "rules") else
                [j for j, label in enumerate(labels, start=1) if label in heads])
        for j in cols:
            for r in range(head, ws.max_row + 1):
                value = ws.cell(r, j).value
                if isinstance(value, str):
                    yield f"{ws.title}!{ws.cell(r, j).coordinate}", value


def test_the_chinese_ledger_cites_its_rules_and_notes_in_chinese(example_county_ledgers):
    """On the example county, the Chinese ledger's 说明 and 规则 sheets and each finding's 依据 hold no English
    prose (ids, codes, standard names and file names aside), and nothing is marked untranslated; the English
    ledger keeps its English."""
    from english_text import english_runs

    zh = example_county_ledgers["zh"]
    left = [(where, english_runs(text)) for where, text in _rule_sheet_texts(zh) if english_runs(text)]
    assert not left, left[:10]
    marked = [where for where, text in _rule_sheet_texts(zh) if "无中文说明" in text]
    assert not marked, marked[:10]
    about = {row[0].value: row[1].value for row in zh["说明"].iter_rows()}
    assert about["项目"] == "内容" and about["工作坐标系"].startswith("EPSG:")
    assert sum(1 for k in about if str(k).startswith("说明 ")) >= 20  # the run's notes, each in Chinese
    # a rule cited in a finding shows its Chinese source: 闲置土地's 依据 cites 第十四条 in Chinese
    idle = zh["闲置土地"]
    heads = [c.value for c in idle[header_row(idle)]]
    cited = idle.cell(header_row(idle) + 1, heads.index("依据") + 1).value
    assert "《闲置土地处置办法》" in cited and "（国家规定：" in cited, cited

    en = example_county_ledgers["en"]
    english = [text for _, text in _rule_sheet_texts(en, heads=("rule",)) if english_runs(text)]
    assert len(english) > 50  # the English ledger's notes and sources stay English
    assert not any("无中文说明" in text for _, text in _rule_sheet_texts(en, heads=("rule",)))


def test_a_wide_sheet_prints_across_pages_with_its_id_repeated_and_a_narrow_one_on_one(tmp_path):
    """36 columns of 12-14 characters (the 闲置土地 sheet's shape) fitted to one A4 width print at about a third of
    their size: they go across two pages, the index and id columns repeated on each; 8 columns stay on one."""
    wide = pd.DataFrame({"id": [f"S-{i:03d}" for i in range(5)],
                         **{f"c{k:02d}": [float(i * k) for i in range(5)] for k in range(35)}})
    narrow = wide.iloc[:, :8]
    path = write_ledger([LedgerSheet("宽表", wide), LedgerSheet("窄表", narrow)], tmp_path / "l.xlsx")
    wb = load_workbook(path)
    ws, ns = wb["宽表"], wb["窄表"]
    widths = [ws.column_dimensions[c].width for c in ws.column_dimensions]
    assert sum(widths) > 250 and ws.page_setup.fitToWidth == 2 and ws.print_title_cols == "$A:$B"
    assert ns.page_setup.fitToWidth == 1 and not ns.print_title_cols


@pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"),
                    reason="LibreOffice is not installed here (scripts/install-system-deps.sh installs it for CI)")
def test_libreoffice_prints_a_wide_sheet_across_pages_each_with_the_ids(tmp_path):
    import subprocess

    import pypdf

    assert SOFFICE, "LibreOffice (soffice) is needed: scripts/install-system-deps.sh installs libreoffice-calc-nogui"
    wide = pd.DataFrame({"id": [f"S-{i:03d}" for i in range(5)],
                         **{f"c{k:02d}": [float(i * k) for i in range(5)] for k in range(35)}})
    path = write_ledger([LedgerSheet("宽表", wide)], tmp_path / "l.xlsx")
    subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(path)], check=True, timeout=300, capture_output=True)
    pdf = pypdf.PdfReader(str(tmp_path / "l.pdf"))
    sheet_pages = [p.extract_text() for p in pdf.pages if "c00" in p.extract_text() or "c34" in p.extract_text()]
    assert len(sheet_pages) == 2, [t[:80] for t in sheet_pages]
    assert "c34" not in sheet_pages[0] and "c34" in sheet_pages[1]
    for text in sheet_pages:  # each page carries the ids of its rows
        assert "S-004" in text


def test_every_kind_of_value_reads_back_as_written_over_several_chunks(tmp_path, monkeypatch):
    """The rows are made a column and a chunk at a time: each value reads back as the cell it stands for
    (numbers as numbers, missing and infinite as empty, dates as dates, yes/no in Chinese, lists joined,
    text as text), the totals add every number in row order across chunks, and the notes keep row order."""
    import math

    import numpy as np

    from redline.io import ledger

    monkeypatch.setattr(ledger, "_CHUNK", 3)  # seven rows: three chunks
    frame = pd.DataFrame({
        "n": [1, 2, 3, 4, 5, 6, 7],
        "f": [0.1, np.nan, 0.2, np.inf, -0.3, 1e17, 0.7],
        "d": pd.to_datetime(["2020-01-02", None, "1900-01-15", "2026-06-30 13:45", "1999-12-31", None, "2026-02-28"], format="mixed"),
        "t": ["甲", None, "=1+1", "a\x07b", "", " 前后有空格 ", "#N/A"],
        "b": [True, False, True, False, True, False, True],
        "o": [[1, 2], "x", 3, 4.5, None, ("a", "b"), dt.date(2020, 5, 6)],
        "s": pd.array(["十", None, "+1", "y", "z", "w", "v"], dtype="string"),
        "m": ["1.5", "2", None, "x", 3, 4.25, np.nan],
    })
    cols = [LedgerColumn("n", "n", "int"), LedgerColumn("f", "f", "mu"), LedgerColumn("d", "d", "date"),
            LedgerColumn("t", "t"), LedgerColumn("b", "b"), LedgerColumn("o", "o"), LedgerColumn("s", "s"),
            LedgerColumn("m", "m", "m2")]
    path = write_ledger([LedgerSheet("表", frame, cols)], tmp_path / "l.xlsx")
    ws = load_workbook(path)["表"]
    got = [[ws.cell(r, c).value for c in range(1, 10)] for r in range(2, 9)]
    assert [row[0] for row in got] == [1, 2, 3, 4, 5, 6, 7]  # 序号
    assert [row[1] for row in got] == [1, 2, 3, 4, 5, 6, 7]
    assert [row[2] for row in got] == [0.1, None, 0.2, None, -0.3, 1e17, 0.7]
    assert [row[3] for row in got] == [dt.datetime(2020, 1, 2), None, dt.datetime(1900, 1, 15),
                                       dt.datetime(2026, 6, 30), dt.datetime(1999, 12, 31), None,
                                       dt.datetime(2026, 2, 28)]
    assert [row[4] for row in got] == ["甲", None, "=1+1", "ab", None, " 前后有空格 ", "#N/A"]
    assert (ws.cell(4, 5).data_type, ws.cell(4, 5).quotePrefix) == ("s", True)
    assert [row[5] for row in got] == ["是", "否", "是", "否", "是", "否", "是"]
    assert [row[6] for row in got] == ["1、2", "x", 3, 4.5, None, "a、b", "2020-05-06"]
    assert [row[7] for row in got] == ["十", None, "+1", "y", "z", "w", "v"]
    assert ws.cell(4, 8).quotePrefix
    assert [row[8] for row in got] == [1.5, 2.0, None, "x", 3, 4.25, None]
    totals = [ws.cell(9, c).value for c in range(1, 10)]
    assert totals[0] == "合计"
    assert totals[1] == 28  # ints added as ints
    assert totals[2] == 0.1 + 0.2 + -0.3 + 1e17 + 0.7  # in row order, as sum() adds
    assert totals[8] == math.fsum([1.5, 2.0, 3, 4.25]) and totals[3] is None
    notes = [row[1].value for row in load_workbook(path)["说明"].iter_rows(min_row=2) if "U+0007" in str(row[1].value)]
    assert len(notes) == 1 and "表!E5" in notes[0]


def test_a_sheet_longer_than_excel_allows_goes_on_over_further_sheets_losing_no_row(tmp_path, monkeypatch):
    """Excel stops a worksheet at 1,048,576 rows. Here the limit is set to 12 rows: with the title block (title +
    one heading line + headers = 3 rows) and 3 rows kept for the totals and the note, a sheet holds 6 data rows,
    so 14 rows go on three sheets of 6, 6 and 2, numbered on, each with its own totals and a note."""
    from redline.io import ledger

    monkeypatch.setattr(ledger, "EXCEL_MAX_ROWS", 12)
    frame = pd.DataFrame({"id": [f"S{i:02d}" for i in range(1, 15)], "area_mu": [float(i) for i in range(1, 15)]})
    short = pd.DataFrame({"id": ["A"], "area_mu": [2.5]})
    path = write_ledger([LedgerSheet("闲置土地", frame, note="说明文字。"), LedgerSheet("其他", short)],
                        tmp_path / "l.xlsx", heading=[("行政区", "息县")])
    wb = load_workbook(path)
    assert wb.sheetnames == ["说明", "闲置土地（1）", "闲置土地（2）", "闲置土地（3）", "其他"]
    ids, numbers = [], []
    for k, rows in enumerate((6, 6, 2), start=1):
        ws = wb[f"闲置土地（{k}）"]
        head = header_row(ws)
        assert head == 3
        got = [[ws.cell(r, c).value for c in range(1, 4)] for r in range(head + 1, head + rows + 1)]
        numbers += [g[0] for g in got]
        ids += [g[1] for g in got]
        assert ws.cell(head + rows + 1, 1).value == "合计"
        assert ws.cell(head + rows + 1, 3).value == sum(g[2] for g in got)  # this part's rows
        note = ws.cell(head + rows + 3, 1).value
        first, last = 6 * (k - 1) + 1, 6 * (k - 1) + rows
        assert note == f"说明文字。 第{k}部分，共3部分：第{first:,}–{last:,}条，共14条（Excel 每张工作表至多 12 行）；合计为本部分之和。"
        assert ws.max_row <= 12
    assert ids == frame["id"].tolist() and numbers == list(range(1, 15))  # every row once, in order
    other = wb["其他"]  # a sheet that fits is left as it is
    assert other.cell(header_row(other) + 1, 2).value == "A"
    assert "部分" not in str(other.cell(header_row(other) + 4, 1).value)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab甲 \u3000\t\n\r&<>\"'=+-@#!/NA0\x85\xa0")), max_size=8)
       | st.sampled_from(sorted(__import__("openpyxl.cell.cell", fromlist=["ERROR_CODES"]).ERROR_CODES)))
def test_a_text_written_as_it_stands_is_the_cell_the_careful_path_makes(text):
    """The ledger writes a text the care pattern does not match straight into its cell: every text whose careful
    cell (escapes, kept spaces, quote prefix, error codes) differs from that must be matched by the pattern."""
    from openpyxl.cell.cell import ERROR_CODES

    from redline.io import ledger

    rows = ledger._Rows.__new__(ledger._Rows)
    rows._errors = frozenset(ERROR_CODES)
    if rows._text_cell(text) != (False, f' t="inlineStr"><is><t>{text}</t></is>'):
        assert ledger._TEXT_NEEDS_CARE.search(text), repr(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab甲 \u3000\u2028\t\n\r\x1c\x85\xa0&<>=+-@#!\U0001F600")),
                        max_size=5), max_size=12))
def test_the_texts_looked_at_in_bulk_include_every_text_the_care_pattern_matches(texts):
    """The ledger screens a column's distinct texts for care all at once: no text the pattern matches is missed."""
    from redline.io import ledger

    flags = ledger._may_need_care(texts).tolist()
    assert len(flags) == len(texts)
    for text, flag in zip(texts, flags, strict=True):
        if ledger._TEXT_NEEDS_CARE.search(text):
            assert flag, repr(text)


def test_no_whitespace_lies_above_the_screened_code_points():
    from redline.io import ledger

    assert not any(chr(c).isspace() for c in range(int(ledger._SPACE_CODES.max()) + 1, 0x110000))


def test_repeated_texts_are_kept_once_in_the_shared_table_and_read_back_as_written(tmp_path, monkeypatch):
    """A text a column repeats (a rule's citation on every row) is stored once, in the workbook's shared string
    table, each of its cells holding its number; a text that appears once stays in its cell. Both read back as
    the text written, with the quote prefix of formula-like text, and a text once shared is shared in later
    chunks and sheets too."""
    import re
    import zipfile

    from redline.io import ledger

    monkeypatch.setattr(ledger, "_CHUNK", 4)
    cite = "《闲置土地处置办法》第二条：" + "超过出让合同约定的动工开发日期满一年未动工开发的" * 3
    texts = [cite, cite, " 前后有空格 ", " 前后有空格 ", "a&b<c>", "a&b<c>", "=1+1", "=1+1",  # chunks of four rows
             "#N/A", "#N/A", "", "", "独一", cite, "独二", "=1+1"]
    frame = pd.DataFrame({"t": texts, "n": range(len(texts))})
    cols = [LedgerColumn("t", "t"), LedgerColumn("n", "n", "int")]
    path = write_ledger([LedgerSheet("甲", frame, cols), LedgerSheet("乙", frame.iloc[::-1], cols)], tmp_path / "l.xlsx")
    with zipfile.ZipFile(path) as z:
        table = z.read("xl/sharedStrings.xml").decode("utf-8")
        assert "sharedStrings" in z.read("[Content_Types].xml").decode()
        assert "sharedStrings" in z.read("xl/_rels/workbook.xml.rels").decode()
    items = re.findall(r"<si>(.*?)</si>", table)
    assert items.count(f"<t>{cite}</t>") == 1  # once, for the two sheets' six cells
    assert '<t xml:space="preserve"> 前后有空格 </t>' in items and "<t>a&amp;b&lt;c&gt;</t>" in items
    assert not any("独" in i for i in items)  # a text that appears once is not shared
    for read_only in (False, True):
        wb = load_workbook(path, read_only=read_only)
        for title, order in (("甲", texts), ("乙", texts[::-1])):
            rows = list(wb[title].iter_rows(min_row=2, max_row=1 + len(texts)))
            assert [r[1].value for r in rows] == [t or None for t in order]
            if not read_only:
                formula = [r[1] for r in rows if r[1].value == "=1+1"]
                assert formula and all(c.data_type == "s" and c.quotePrefix for c in formula)
                assert all(r[1].data_type == "e" for r in rows if r[1].value == "#N/A")


def test_every_part_of_the_ledger_is_compressed_at_the_fast_level(tmp_path, monkeypatch):
    """The package is written compressed at zlib's level 1 (a ZipInfo made for a part carries no level, and zlib's
    default 6 took a province's ledger four times as long). openpyxl's own save of the workbook's shell, in
    memory, is not the file written."""
    import zlib

    from redline.io import ledger

    levels: list[int] = []
    real, splice = zlib.compressobj, ledger._splice
    writing = []

    def recording(level=-1, *args, **kwargs):
        if writing:
            levels.append(level)
        return real(level, *args, **kwargs)

    def spliced(*args, **kwargs):
        writing.append(True)
        try:
            return splice(*args, **kwargs)
        finally:
            writing.clear()

    monkeypatch.setattr(zlib, "compressobj", recording)
    monkeypatch.setattr(ledger, "_splice", spliced)
    frame = pd.DataFrame({"t": ["甲", "乙"] * 50, "n": range(100)})
    write_ledger([LedgerSheet("表", frame, [LedgerColumn("t", "t"), LedgerColumn("n", "n", "int")])], tmp_path / "l.xlsx")
    assert levels and set(levels) == {1}, levels
