"""The ledger workbook (台账): bureau layout, formats, frozen header, totals checked against the outputs."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
import report_cases
from openpyxl import load_workbook

from redline.io.ledger import LedgerColumn, LedgerSheet, write_ledger
from redline.pipeline import write_results


def sheet_rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def totals(ws, header: str):
    """The totals row's formula for a column, and the sum of the data cells it covers (computed here)."""
    heads = [c.value for c in ws[1]]
    j = heads.index(header) + 1
    total_row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "合计")
    formula = ws.cell(total_row, j).value
    m = re.fullmatch(r"=SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)", formula)
    assert m, formula
    first, last = int(m.group(2)), int(m.group(4))
    assert m.group(1) == m.group(3) == ws.cell(1, j).column_letter
    cells = [ws.cell(r, j).value for r in range(first, last + 1)]
    return (first, last, total_row), sum(v for v in cells if v is not None)


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
    # totals: live formulas over exactly the data rows, and those rows sum to the audit's totals
    (first, last, row), mu = totals(ws, "未供面积(亩)")
    assert (first, last, row) == (2, 4, 5)
    assert mu == pytest.approx(frame["unsupplied_mu"].sum())
    _, m2 = totals(ws, "批准面积(平方米)")
    assert m2 == pytest.approx(30_000.0)
    assert ws.cell(row, 7).value is None  # ratios are not summed
    assert ws.cell(row + 2, 1).value == "每宗批次的未供部分"
    assert ws.column_dimensions["I"].width > ws.column_dimensions["D"].width  # rule text is wide
    assert wb.calculation.fullCalcOnLoad


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
    res = report_cases.result()
    paths = write_results(res, tmp_path)
    wb = load_workbook(paths["ledger"])
    assert {"说明", "批而未供", "供而未用", "剔除要素", "规则"} <= set(wb.sheetnames)
    _, mu = totals(wb["批而未供"], "未供面积(亩)")
    assert mu == pytest.approx(res.outputs["approved_not_supplied"]["unsupplied_mu"].sum())
    idle = res.outputs["idle_land"]
    ws = wb["供而未用"]
    _, fee = totals(ws, "闲置费(万元)")
    assert fee == pytest.approx(idle["idle_fee"].sum())
    _, area = totals(ws, "面积(亩)")
    assert area == pytest.approx(idle["area_mu"].sum())
    assert ws["E2"].number_format == "yyyy-mm-dd"
    assert ws.max_row == 1 + len(idle) + 1  # header, one row per supply, totals


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
    ws = load_workbook(res.paths["ledger"])[out.sheet_title("zh")]
    assert ws.freeze_panes == "B2" and ws.cell(len(frame) + 2, 1).value == "合计"
    summed = [c for c in out.columns if c.summed and c.name in frame.columns]
    assert any(c.name == "unsupplied_mu" for c in summed)
    for col in summed:
        (first, last, _), total = totals(ws, col.header)
        assert (first, last) == (2, len(frame) + 1)
        assert total == pytest.approx(pd.to_numeric(frame[col.name]).sum(), rel=1e-9, abs=1e-6), col.name
    dates = [c for c in out.columns if c.kind == "date" and c.name in frame.columns]
    heads = [c.value for c in ws[1]]
    for col in dates:
        assert ws.cell(2, heads.index(col.header) + 1).number_format == "yyyy-mm-dd"
