"""The spreadsheet ledger (台账): one sheet per finding kind, as bureaus keep them in Excel/WPS.

Chinese headers in the layout bureaus use, a frozen header row, number formats for 亩, m², dates
and percentages, a totals row, and column widths that fit Chinese text. Written atomically.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .write import atomic_path, check_not_input

ColumnKind = Literal["text", "mu", "m2", "date", "ratio", "int", "wan", "float", "days"]

_FORMATS = {
    "mu": "#,##0.00", "m2": "#,##0.00", "wan": "#,##0.00", "float": "#,##0.000", "ratio": "0.0%",
    "int": "#,##0", "days": "#,##0", "date": "yyyy-mm-dd", "text": "@",
}
_SUMMABLE = {"mu", "m2", "wan", "int"}

__all__ = ["LedgerColumn", "LedgerSheet", "write_ledger"]


@dataclass(frozen=True)
class LedgerColumn:
    """One column: the frame's column name, its Chinese (or English) header and its kind."""

    name: str
    header: str
    kind: ColumnKind = "text"
    total: bool | None = None  # None: sum the summable kinds

    @property
    def summed(self) -> bool:
        return self.kind in _SUMMABLE if self.total is None else self.total


@dataclass
class LedgerSheet:
    """A sheet: its title (≤ 31 characters), the frame, and the columns to show in order."""

    title: str
    frame: pd.DataFrame
    columns: Sequence[LedgerColumn] = field(default_factory=list)
    note: str = ""

    def resolved_columns(self) -> list[LedgerColumn]:
        if self.columns:
            return [c for c in self.columns if c.name in self.frame.columns]
        cols = []
        for name in self.frame.columns:
            if name == "geometry":
                continue
            s = self.frame[name]
            kind: ColumnKind = ("mu" if name.endswith("_mu") else "m2" if name.endswith("_m2") else
                                "wan" if name.endswith("_wan") else "date" if pd.api.types.is_datetime64_any_dtype(s)
                                else "float" if pd.api.types.is_float_dtype(s) else
                                "int" if pd.api.types.is_integer_dtype(s) else "text")
            cols.append(LedgerColumn(name, name, kind, total=False if kind == "int" else None))
        return cols


def _cell(value, kind: ColumnKind):
    if value is None or value is pd.NaT or (isinstance(value, float | np.floating) and np.isnan(value)):
        return None
    if kind == "date":
        try:
            ts = pd.Timestamp(value)
        except (TypeError, ValueError):
            return str(value)
        if pd.isna(ts):
            return None
        return ts.tz_localize(None).date() if ts.tzinfo is not None else ts.date()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return (value.tz_localize(None) if value.tzinfo is not None else value).to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, dt.timedelta | pd.Timedelta):
        return value.days
    if isinstance(value, list | tuple | set | np.ndarray):
        return "、".join(map(str, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if kind in _NUMERIC and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    if isinstance(value, float) and np.isinf(value):
        return None
    return value


_NUMERIC = {"mu", "m2", "wan", "float", "ratio", "int", "days"}
_MIN_WIDTH = {"date": 12, "mu": 11, "m2": 13, "wan": 11, "ratio": 9, "float": 10, "int": 8, "days": 8, "text": 8}


def _width(text: str) -> float:
    return sum(2.1 if ord(ch) > 0x2E80 else 1.1 for ch in str(text))


def _header_width(text: str) -> float:
    # headers wrap: the longest part between spaces/parentheses decides, within limits
    parts = re.split(r"[\s/]", str(text)) or [str(text)]
    return max(_width(p) for p in parts)


def write_ledger(sheets: Sequence[LedgerSheet], path, *, inputs=(), info: Mapping[str, str] | None = None,
                 total_label: str = "合计", index_header: str | None = "序号") -> str:
    """Write the ledger workbook (``.xlsx``) atomically and return its path.

    Each sheet is laid out as bureaus keep their 台账: a first column ``序号`` (row number; pass
    ``index_header=None`` to leave it out), the columns' headers in row 1 (bold, shaded, wrapped,
    frozen, with an auto-filter), one row per finding, number formats by column kind (亩/m²/万元
    ``#,##0.00``, dates ``yyyy-mm-dd``, ratios ``0.0%``, days and counts ``#,##0``), and a totals row
    ``合计`` under the data: a live ``=SUM()`` of every summed column (mu, m2, wan, int by default, or as
    the column's ``total`` says), so totals stay right when a technician edits or filters rows.
    A sheet's ``note`` goes under the totals. ``info`` (rule set, working CRS, area method, as-of
    date...) goes on a first sheet 说明 (About).

    Totals are formulas: Excel, WPS and LibreOffice compute them on opening (the workbook asks for a
    full recalculation); a program reading the file without a spreadsheet engine (openpyxl, pandas)
    sees the formula text, not the number, and should sum the data rows itself.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.properties import CalcProperties

    path = Path(os.fspath(path))
    check_not_input(path, inputs)
    wb = Workbook()
    wb.calculation = CalcProperties(fullCalcOnLoad=True)
    about = wb.active
    about.title = "说明"
    about.append(["项目 item", "内容 value"])
    for k, v in (info or {}).items():
        about.append([str(k), str(v)])
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 100
    about["A1"].font = about["B1"].font = Font(bold=True)
    for row in about.iter_rows(min_row=2, min_col=2, max_col=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    about.freeze_panes = "A2"
    head_fill = PatternFill("solid", fgColor="DDE6F0")
    total_fill = PatternFill("solid", fgColor="F2F2F2")
    thin = Side(style="thin", color="999999")
    head_border = Border(bottom=thin)
    total_border = Border(top=thin)
    used_titles: set[str] = {"说明"}
    for sheet in sheets:
        title = _safe_title(sheet.title)
        n = 2
        while title in used_titles:
            title = f"{_safe_title(sheet.title)[:28]}_{n}"
            n += 1
        used_titles.add(title)
        ws = wb.create_sheet(title)
        cols = sheet.resolved_columns()
        offset = 1 if index_header else 0
        headers = ([index_header] if index_header else []) + [c.header for c in cols]
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = head_fill
            cell.border = head_border
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        frame = sheet.frame
        data = frame[[c.name for c in cols]] if cols else pd.DataFrame(index=frame.index)
        for k, row in enumerate(data.itertuples(index=False, name=None), start=1):
            ws.append(([k] if index_header else []) + [_cell(v, c.kind) for v, c in zip(row, cols, strict=True)])
        nrows = len(frame)
        last = nrows + 1
        if index_header:
            ws.column_dimensions["A"].width = max(6, _width(index_header) + 2, _width(total_label) + 2)
        for j, c in enumerate(cols, start=1 + offset):
            letter = get_column_letter(j)
            fmt = _FORMATS[c.kind]
            for i in range(2, last + 1):
                ws.cell(row=i, column=j).number_format = fmt
            values = frame[c.name].head(200).tolist()
            if c.kind in ("mu", "m2", "wan", "float", "ratio"):
                sample = [f"{v:,.2f}" if isinstance(v, int | float) and np.isfinite(v) else str(v) for v in values]
            elif c.kind == "date":
                sample = ["2026-01-01"]
            else:
                sample = [str(_cell(v, c.kind)) for v in values]
            body = max((_width(s) for s in sample), default=0)
            ws.column_dimensions[letter].width = min(50, max(_MIN_WIDTH[c.kind], body + 2,
                                                             min(_header_width(c.header) + 2, 24)))
        ws.row_dimensions[1].height = 32
        summed = [(j, c) for j, c in enumerate(cols, start=1 + offset) if c.summed]
        if summed and not index_header and summed[0][0] == 1:
            summed = summed[1:]  # column A holds the label
        if nrows and summed:
            total_row = last + 1
            label = ws.cell(row=total_row, column=1, value=total_label)
            for j in range(1, len(headers) + 1):
                ws.cell(row=total_row, column=j).fill = total_fill
                ws.cell(row=total_row, column=j).border = total_border
            label.font = Font(bold=True)
            for j, c in summed:
                letter = get_column_letter(j)
                cell = ws.cell(row=total_row, column=j, value=f"=SUM({letter}2:{letter}{last})")
                cell.number_format = _FORMATS[c.kind]
                cell.font = Font(bold=True)
        ws.freeze_panes = ws.cell(row=2, column=1 + offset) if index_header else "A2"
        if headers:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        if sheet.note:
            ws.cell(row=last + 3, column=1, value=sheet.note).font = Font(italic=True, color="555555")
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return str(path)


def _safe_title(title: str) -> str:
    """Excel refuses []:*?/\\ in sheet titles and more than 31 characters."""
    clean = re.sub(r"[\[\]:*?/\\]", "_", str(title)).strip("'") or "sheet"
    return clean[:31]
