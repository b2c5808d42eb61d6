"""The spreadsheet ledger (台账): one sheet per finding kind, as bureaus keep them in Excel/WPS.

Chinese headers in the layout bureaus use, a frozen header row, number formats for 亩, m², dates
and percentages, a totals row, and column widths that fit Chinese text. Written atomically.

Cells cannot hurt: text is always text (``=HYPERLINK(…)``, ``+1``, ``-2``, ``@x`` are shown as typed,
never run as formulas), control characters are removed and text over Excel's 32 767 characters is cut,
each with a note in the cell and on the 说明 sheet; totals are stored as numbers, so viewers that do not
recalculate show them too.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .resultset import KILL_ENV, phase
from .write import atomic_path, check_not_input

ColumnKind = Literal["text", "mu", "m2", "date", "ratio", "int", "wan", "float", "days"]

_FORMATS = {
    "mu": "#,##0.00", "m2": "#,##0.00", "wan": "#,##0.00", "float": "#,##0.000", "ratio": "0.0%",
    "int": "#,##0", "days": "#,##0", "date": "yyyy-mm-dd", "text": "@",
}
_SUMMABLE = {"mu", "m2", "wan", "int"}

#: the longest text an Excel cell holds
EXCEL_MAX_TEXT = 32_767
#: characters XML 1.0 (and so .xlsx) cannot hold; tab, line feed and carriage return are kept
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: text starting with these is a formula to Excel when typed: stored as text, with Excel's quote prefix
_FORMULA_START = ("=", "+", "-", "@")

__all__ = ["EXCEL_MAX_TEXT", "NOT_GIVEN", "LedgerColumn", "LedgerSheet", "header_row", "ledger_heading", "write_ledger"]

#: what a title-block line says when the run does not give its value (a line never vanishes)
NOT_GIVEN = {"zh": "未填写", "en": "not given"}
_HEADING_LABELS = {"zh": ("行政区", "填报单位", "审计基准日", "规则集", "制表日期"),
                   "en": ("Jurisdiction", "Bureau", "Audit date", "Rule set", "Made on")}
#: the 说明 sheet's own labels: its two headers, the run id and a cell note (None: both languages)
_ABOUT_LABELS = {None: ("项目 item", "内容 value", "运行编号 run id", "单元格说明 cell note"),
                 "zh": ("项目", "内容", "运行编号", "单元格说明"),
                 "en": ("item", "value", "run id", "cell note")}


def ledger_heading(metadata: Mapping[str, str], *, lang: str = "zh",
                   made_on: dt.date | None = None) -> list[tuple[str, str]]:
    """The title block under each sheet's title, from a run's metadata (:meth:`RunResult.metadata`).

    行政区 (``jurisdiction``), 填报单位 (``bureau``), 审计基准日 (``as_of``), 规则集 (``rules``) and 制表日期
    (``made_on``, default today). A value the run does not give is written 未填写 (``not given``):
    the line is kept, so a filed sheet shows that nobody named the bureau rather than hiding it.

    >>> ledger_heading({"as_of": "2026-06-30", "rules": "cn-national@2026.1", "jurisdiction": "息县"},
    ...                made_on=dt.date(2026, 7, 1))  # doctest: +NORMALIZE_WHITESPACE
    [('行政区', '息县'), ('填报单位', '未填写'), ('审计基准日', '2026-06-30'), ('规则集', 'cn-national@2026.1'),
     ('制表日期', '2026-07-01')]
    """
    if lang not in _HEADING_LABELS:
        raise ValueError(f"lang must be one of {', '.join(_HEADING_LABELS)}, not {lang!r}")
    made = (made_on or dt.date.today()).isoformat()
    values = [metadata.get("jurisdiction"), metadata.get("bureau"), metadata.get("as_of"), metadata.get("rules"), made]
    return [(label, str(v).strip() if v is not None and str(v).strip() else NOT_GIVEN[lang])
            for label, v in zip(_HEADING_LABELS[lang], values, strict=True)]


def header_row(ws: Any) -> int:
    """The row of a ledger sheet's column headers: 1, or the last row repeated on each printed page (the
    title block and the headers) when the sheet has a title block."""
    titles = getattr(ws, "print_title_rows", None) or ""
    m = re.fullmatch(r"\$?(\d+):\$?(\d+)", str(titles))
    return int(m.group(2)) if m else 1


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
    #: the status column and {status code: "#rrggbb"}: its cells (and those of ``<column>_zh``) are filled
    #: with a light tint of the row's status colour
    status_column: str = ""
    status_colours: Mapping[str, str] = field(default_factory=dict)
    #: a status cell may hold several codes joined by this (e.g. ``"; "``): filled with the first code's colour
    status_separator: str = ""

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
    if value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float | np.floating) and np.isnan(value)):
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
#: the widest a column gets (characters); longer text wraps
_MAX_WIDTH = 28
_MIN_WIDTH = {"date": 11, "mu": 9, "m2": 10, "wan": 9, "ratio": 7, "float": 8, "int": 6, "days": 6, "text": 8}
#: the widest a header makes its column: longer headers wrap (about four Chinese characters a line)
_HEADER_WIDTH = 9


def _width(text: str) -> float:
    return sum(2.1 if ord(ch) > 0x2E80 else 1.1 for ch in str(text))


def _header_width(text: str) -> float:
    # headers wrap: the longest part between spaces/parentheses decides, within limits
    parts = re.split(r"[\s/]", str(text)) or [str(text)]
    return max(_width(p) for p in parts)


class _Texts:
    """Makes text safe for a cell (control characters out, Excel's length limit) and notes what it changed."""

    def __init__(self, lang: str | None = None) -> None:
        self.notes: list[str] = []
        self.lang = lang

    def __call__(self, value, where: str):
        if not isinstance(value, str):
            return value
        if _ILLEGAL.search(value):
            found = sorted(set(_ILLEGAL.findall(value)))
            n = len(_ILLEGAL.findall(value))
            value = _ILLEGAL.sub("", value)
            codes = ", ".join(f"U+{ord(c):04X}" for c in found)
            self.notes.append(
                f"{where}: 删除 {n} 个工作簿不能容纳的控制字符（{codes}）" if self.lang == "zh" else
                f"{where}: removed {n} control character(s) ({codes}), which a workbook cannot hold"
                if self.lang == "en" else
                f"{where}: 删除 {n} 个控制字符 removed {n} control character(s) ({codes}), which a workbook cannot hold")
        if len(value) > EXCEL_MAX_TEXT:
            mark = (f"…[已截断：{len(value):,} 字符，Excel 上限 {EXCEL_MAX_TEXT:,}；见说明]" if self.lang == "zh" else
                    f"…[cut: {len(value):,} characters, Excel's limit {EXCEL_MAX_TEXT:,}; see 说明]"
                    if self.lang == "en" else
                    f"…[已截断 cut: {len(value):,} 字符 characters, Excel 上限 limit {EXCEL_MAX_TEXT:,}; 见 see 说明]")
            self.notes.append(
                f"{where}: 文字过长，{len(value):,} 字符截断为 Excel 上限 {EXCEL_MAX_TEXT:,}（全文见 GeoPackage）"
                if self.lang == "zh" else
                f"{where}: text of {len(value):,} characters cut to Excel's {EXCEL_MAX_TEXT:,} "
                f"(the full text is in the GeoPackage)" if self.lang == "en" else
                f"{where}: 文字过长已截断 text of {len(value):,} characters cut to Excel's "
                f"{EXCEL_MAX_TEXT:,} (the full text is in the GeoPackage)")
            value = value[:EXCEL_MAX_TEXT - len(mark)] + mark
        return value


def _as_text(cell) -> None:
    """Keep a text cell text: Excel (and openpyxl) would take ``=…`` for a formula, and ``+ - @`` when edited."""
    if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def _append(ws, values, texts: _Texts) -> None:
    """``ws.append`` of sanitised values, text kept text."""
    from openpyxl.utils import get_column_letter

    row = ws._current_row + 1  # where ws.append puts it
    values = [texts(v, f"{ws.title}!{get_column_letter(j)}{row}") for j, v in enumerate(values, start=1)]
    ws.append(values)
    for j, v in enumerate(values, start=1):  # the cleaned text: "\x1f=1" is "=1" once cleaned
        if isinstance(v, str) and v.startswith(_FORMULA_START):
            _as_text(ws.cell(row=row, column=j))


def write_ledger(sheets: Sequence[LedgerSheet], path, *, inputs=(), info: Mapping[str, str] | None = None,
                 total_label: str = "合计", index_header: str | None = "序号", run_id: str | None = None,
                 heading: Sequence[tuple[str, str]] = (), footer: str = "第 &P 页，共 &N 页",
                 lang: str | None = None) -> str:
    """Write the ledger workbook (``.xlsx``) atomically and return its path.

    Each sheet is laid out as bureaus keep their 台账: a first column ``序号`` (row number; pass
    ``index_header=None`` to leave it out), the columns' headers in row 1 (bold, shaded, wrapped,
    frozen, with an auto-filter), one row per finding, number formats by column kind (亩/m²/万元
    ``#,##0.00``, dates ``yyyy-mm-dd``, ratios ``0.0%``, days and counts ``#,##0``), and a totals row
    ``合计`` under the data: the sum of every summed column (mu, m2, wan, int by default, or as the
    column's ``total`` says) over the rows as written, left empty for a column with no number in it
    (an area not measured is not 0 亩). A sheet's ``note`` goes under the totals.

    ``heading`` (label, value pairs, e.g. from :func:`ledger_heading`) puts a title block above each
    sheet's headers: the sheet's title, then one line per pair (行政区：息县). Every sheet prints on A4
    landscape, fitted to the page width, with the title block and the headers repeated on each page and
    ``footer`` (page numbers, Excel's ``&P``/``&N`` codes) at the foot; a text column wider than 28
    characters wraps. :func:`header_row` finds a sheet's header row again.
    ``info`` (rule set, working CRS, area method, as-of date...) goes on a first sheet 说明 (About),
    followed by a note for every cell whose text had to be changed. ``run_id`` is stamped in the
    document properties (*identifier*) and on the 说明 sheet. ``lang`` (``"zh"`` or ``"en"``) writes the
    说明 sheet's own labels and the cell notes in that language alone; by default in both.

    Totals are stored as numbers, not formulas, so every viewer shows them (a viewer that does not
    recalculate shows an empty cell for a formula written by a program); a technician who edits or
    deletes rows must re-add them. Text is stored as text: a value such as ``=HYPERLINK(…)`` is shown
    as typed and never becomes a live formula or link.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from openpyxl import load_workbook
    >>> frame = pd.DataFrame({"id": ["=1+1", "B"], "area_mu": [1.5, 2.25]})
    >>> path = write_ledger([LedgerSheet("台账", frame)], pathlib.Path(tempfile.mkdtemp()) / "l.xlsx")
    >>> ws = load_workbook(path)["台账"]
    >>> ws["B2"].value, ws["B2"].data_type, ws["C4"].value
    ('=1+1', 's', 3.75)
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    path = Path(os.fspath(path))
    check_not_input(path, inputs)
    if lang not in _ABOUT_LABELS:
        raise ValueError(f"lang must be 'zh', 'en' or None, not {lang!r}")
    item, content, run_label, note_label = _ABOUT_LABELS[lang]
    texts = _Texts(lang)
    wb = Workbook()
    if run_id:
        wb.properties.identifier = run_id
    about = wb.worksheets[0]  # a new workbook has one sheet, the active one
    about.title = "说明"
    _append(about, [item, content], texts)
    if run_id:
        _append(about, [run_label, run_id], texts)
    for k, v in (info or {}).items():
        _append(about, [str(k), str(v)], texts)
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 100
    about["A1"].font = about["B1"].font = Font(bold=True)
    about.freeze_panes = "A2"
    _print_setup(about, 1, footer)
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
        sep = "：" if re.search(r"[\u2e80-\u9fff]", "".join(label for label, _ in heading)) else ": "
        cols = sheet.resolved_columns()
        offset = 1 if index_header else 0
        headers = ([index_header] if index_header else []) + [c.header for c in cols]
        width = max(len(headers), 1)
        if heading:  # the title block: the sheet's title, then one line per item, over every column
            _append(ws, [sheet.title], texts)
            ws.cell(row=1, column=1).font = Font(bold=True, size=14)
            ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
            ws.row_dimensions[1].height = 24
            for label, value in heading:
                _append(ws, [f"{label}：{value}" if sep == "：" else f"{label}: {value}"], texts)
            for r in range(1, ws.max_row + 1):
                if width > 1:
                    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
                _as_text(ws.cell(row=r, column=1))
        head = ws.max_row + 1 if heading else 1  # the row of the column headers
        first = head + 1
        _append(ws, headers, texts)
        for cell in ws[head]:
            cell.font = Font(bold=True)
            cell.fill = head_fill
            cell.border = head_border
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        frame = sheet.frame
        data = frame[[c.name for c in cols]] if cols else pd.DataFrame(index=frame.index)
        for number, row in enumerate(data.itertuples(index=False, name=None), start=1):
            _append(ws, ([number] if index_header else []) + [_cell(v, c.kind) for v, c in zip(row, cols, strict=True)],
                    texts)
        nrows = len(frame)
        last = head + nrows
        if index_header:
            ws.column_dimensions["A"].width = max(6, _width(index_header) + 2, _width(total_label) + 2)
        wrap = Alignment(wrap_text=True, vertical="top")
        for j, c in enumerate(cols, start=1 + offset):
            letter = get_column_letter(j)
            fmt = _FORMATS[c.kind]
            for i in range(first, last + 1):
                ws.cell(row=i, column=j).number_format = fmt
            values = frame[c.name].head(200).tolist()
            if c.kind in ("mu", "m2", "wan", "float", "ratio"):
                sample = [f"{v:,.2f}" if isinstance(v, int | float) and np.isfinite(v) else str(v) for v in values]
            elif c.kind == "date":
                sample = ["2026-01-01"]
            else:
                sample = [str(_cell(v, c.kind))[:200] for v in values]
            body = max((_width(s) for s in sample), default=0)
            ws.column_dimensions[letter].width = min(_MAX_WIDTH, max(_MIN_WIDTH[c.kind], body + 2,
                                                                     min(_header_width(c.header) + 1, _HEADER_WIDTH)))
            if c.kind == "text" and body + 2 > _MAX_WIDTH:  # long text wraps in its column, on screen and paper
                for i in range(first, last + 1):
                    ws.cell(row=i, column=j).alignment = wrap
        ws.row_dimensions[head].height = 48  # three lines of a wrapped header
        summed = [(j, c) for j, c in enumerate(cols, start=1 + offset) if c.summed]
        if summed and not index_header and summed[0][0] == 1:
            summed = summed[1:]  # column A holds the label
        if nrows and summed:
            total_row = last + 1
            label = ws.cell(row=total_row, column=1, value=texts(total_label, f"{title}!A{total_row}"))
            _as_text(label)
            for j in range(1, len(headers) + 1):
                ws.cell(row=total_row, column=j).fill = total_fill
                ws.cell(row=total_row, column=j).border = total_border
            label.font = Font(bold=True)
            for j, c in summed:
                cells = (ws.cell(row=i, column=j).value for i in range(first, last + 1))
                numbers = [v for v in cells if isinstance(v, int | float) and not isinstance(v, bool)]
                if not numbers:  # every cell empty (not measured): the total is not 0 either
                    continue
                cell = ws.cell(row=total_row, column=j, value=sum(numbers))
                cell.number_format = _FORMATS[c.kind]
                cell.font = Font(bold=True)
        ws.freeze_panes = ws.cell(row=first, column=1 + offset) if index_header else f"A{first}"
        if headers:
            ws.auto_filter.ref = f"A{head}:{get_column_letter(len(headers))}{last}"
        _print_setup(ws, head, footer)
        _fill_statuses(ws, sheet, cols, offset, PatternFill, first)
        if sheet.note:
            at = last + 3
            note = ws.cell(row=at, column=1, value=texts(sheet.note, f"{title}!A{at}"))
            note.font = Font(italic=True, color="555555")
            _as_text(note)
    for i, line in enumerate(texts.notes, start=1):
        _append(about, [f"{note_label} {i}", line], _Texts(lang))
    for row in about.iter_rows(min_row=2, min_col=2, max_col=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        wb.save(_PhaseFile(fh) if os.environ.get(KILL_ENV) == "ledger.partial" else fh)
    return str(path)


def _tint(colour: str, strength: float = 0.35) -> str:
    """A light tint of ``#rrggbb`` (mixed with white), as openpyxl's ``RRGGBB``.

    >>> _tint("#d73027")
    'F1B7B3'
    """
    rgb = [int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(255 - (255 - c) * strength):02X}" for c in rgb)


def _print_setup(ws: Any, head: int, footer: str) -> None:
    """A4 landscape, fitted to the page width, the title block and headers on every page, page numbers below."""
    ws.print_title_rows = f"1:{head}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = footer
    ws.evenFooter.center.text = footer


def _fill_statuses(ws: Any, sheet: LedgerSheet, cols: Sequence[LedgerColumn], offset: int, fill: Any,
                   first: int = 2) -> None:
    """Fill each status cell with its status colour, light, so a sheet's findings stand out."""
    if not sheet.status_column or not sheet.status_colours or sheet.status_column not in sheet.frame.columns:
        return
    names = [c.name for c in cols]
    where = [j for j, n in enumerate(names, start=1 + offset) if n in (sheet.status_column, f"{sheet.status_column}_zh")]
    if not where:
        return
    fills = {code: fill("solid", fgColor=_tint(colour)) for code, colour in sheet.status_colours.items()}
    for i, code in enumerate(sheet.frame[sheet.status_column].astype(str), start=first):
        f = fills.get(code.split(sheet.status_separator)[0].strip() if sheet.status_separator else code)
        if f is not None:
            for j in where:
                ws.cell(row=i, column=j).fill = f


class _PhaseFile:
    """A file whose first flushed bytes mark the write phase ``ledger.partial`` (the tests' kill hook)."""

    def __init__(self, fh) -> None:
        self._fh = fh
        self._written = 0

    def write(self, data) -> int:
        n = self._fh.write(data)
        self._written += n
        if self._written > 1024:
            self._fh.flush()
            phase("ledger.partial")
        return n

    def __getattr__(self, name):
        return getattr(self._fh, name)


def _safe_title(title: str) -> str:
    """Excel refuses []:*?/\\ in sheet titles and more than 31 characters."""
    clean = re.sub(r"[\[\]:*?/\\]", "_", str(title)).strip("'") or "sheet"
    return clean[:31]
