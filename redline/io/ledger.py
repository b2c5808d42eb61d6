"""The spreadsheet ledger (台账): one sheet per finding kind, as bureaus keep them in Excel/WPS.

Chinese headers in the layout bureaus use, a frozen header row, number formats for 亩, m², dates
and percentages, a totals row, and column widths that fit Chinese text. Written atomically.
"""

from __future__ import annotations

import datetime as dt
import os
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
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if kind == "date":
        ts = pd.Timestamp(value)
        return None if pd.isna(ts) else ts.to_pydatetime().date()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.timedelta):
        return value.days
    if isinstance(value, list | tuple | set):
        return "、".join(map(str, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _width(text: str) -> float:
    return sum(2.1 if ord(ch) > 0x2E80 else 1.1 for ch in str(text))


def write_ledger(sheets: Sequence[LedgerSheet], path, *, inputs=(), info: Mapping[str, str] | None = None,
                 total_label: str = "合计") -> str:
    """Write the ledger workbook (``.xlsx``) atomically and return its path.

    ``info`` (rule set, working CRS, area method, as-of date...) goes on a first sheet 说明 (About).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(os.fspath(path))
    check_not_input(path, inputs)
    wb = Workbook()
    about = wb.active
    about.title = "说明"
    about.append(["项目 item", "内容 value"])
    for k, v in (info or {}).items():
        about.append([str(k), str(v)])
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 100
    about["A1"].font = about["B1"].font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE6F0")
    used_titles: set[str] = {"说明"}
    for sheet in sheets:
        title = sheet.title[:31]
        n = 2
        while title in used_titles:
            title = f"{sheet.title[:28]}_{n}"
            n += 1
        used_titles.add(title)
        ws = wb.create_sheet(title)
        cols = sheet.resolved_columns()
        ws.append([c.header for c in cols])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        frame = sheet.frame
        for row in frame[[c.name for c in cols]].itertuples(index=False, name=None):
            ws.append([_cell(v, c.kind) for v, c in zip(row, cols, strict=True)])
        nrows = len(frame)
        for j, c in enumerate(cols, start=1):
            letter = get_column_letter(j)
            fmt = _FORMATS[c.kind]
            for i in range(2, nrows + 2):
                ws.cell(row=i, column=j).number_format = fmt
            sample = [c.header] + [str(x) for x in frame[c.name].head(200).tolist()]
            ws.column_dimensions[letter].width = min(60, max(8, max(_width(s) for s in sample) + 2))
        if nrows and any(c.summed for c in cols):
            total_row = nrows + 2
            ws.cell(row=total_row, column=1, value=total_label).font = Font(bold=True)
            for j, c in enumerate(cols, start=1):
                if c.summed and j > 1:
                    letter = get_column_letter(j)
                    cell = ws.cell(row=total_row, column=j, value=f"=SUM({letter}2:{letter}{nrows + 1})")
                    cell.number_format = _FORMATS[c.kind]
                    cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        if sheet.note:
            ws.cell(row=nrows + 4, column=1, value=sheet.note).font = Font(italic=True, color="555555")
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return str(path)
