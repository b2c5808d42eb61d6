"""The spreadsheet ledger (台账): one sheet per finding kind, as bureaus keep them in Excel/WPS.

Chinese headers in the layout bureaus use, a frozen header row, number formats for 亩, m², dates
and percentages, a totals row, and column widths that fit Chinese text. Written atomically.

Cells cannot hurt: text is always text (``=HYPERLINK(…)``, ``+1``, ``-2``, ``@x`` are shown as typed,
never run as formulas), control characters are removed and text over Excel's 32 767 characters is cut,
each with a note in the cell and on the 说明 sheet; totals are stored as numbers, so viewers that do not
recalculate show them too.
"""

from __future__ import annotations

import copy
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
    """Makes text safe for a cell (control characters out, Excel's length limit) and notes what it changed.

    ``where`` names the cell for the note: a string, or ``(sheet, column number, row)`` spelt out only when a
    note is made (a province's ledger has millions of cells and almost none needs one)."""

    def __init__(self, lang: str | None = None) -> None:
        self.notes: list[str] = []
        self.lang = lang

    def __call__(self, value, where):
        if not isinstance(value, str) or (len(value) <= EXCEL_MAX_TEXT and not _ILLEGAL.search(value)):
            return value
        if not isinstance(where, str):
            from openpyxl.utils import get_column_letter

            title, column, row = where
            where = f"{title}!{get_column_letter(column)}{row}"
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


class _Styles:
    """Cell styles made once and shared by every cell that has them.

    The workbook is written row by row (openpyxl's write-only mode: a row goes to disk when appended, so a
    province's ledger is written in constant memory); a style set attribute by attribute on each cell costs a
    lookup per attribute, so each distinct style is made once on a template cell and its style record reused.
    """

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self._made: dict[tuple, Any] = {}

    def __call__(self, **attrs):
        key = tuple(sorted(attrs.items(), key=lambda kv: kv[0]))  # openpyxl's style objects compare by value
        style = self._made.get(key)
        if style is None:
            from openpyxl.cell import WriteOnlyCell

            cell: Any = WriteOnlyCell(self.ws)
            for k, v in attrs.items():
                setattr(cell, k, v)
            style = self._made[key] = (cell._style, attrs)
        return style

    def cell(self, value, style=None):
        """A cell holding ``value`` with ``style`` (from :meth:`__call__`); text kept text (see :func:`_as_text`)."""
        from openpyxl.cell import WriteOnlyCell

        cell: Any = WriteOnlyCell(self.ws, value)
        if style is not None:
            cell._style = style[0]
        if isinstance(value, str) and value.startswith(_FORMULA_START):
            if style is not None:
                cell._style = copy.copy(style[0])
            _as_text(cell)
        return cell


def _as_text(cell) -> None:
    """Keep a text cell text: Excel (and openpyxl) would take ``=…`` for a formula, and ``+ - @`` when edited."""
    if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def _given_cells(values, row_idx: int):
    for col_idx, cell in enumerate(values, 1):
        if cell is not None:
            cell.column = col_idx
            cell.row = row_idx
            yield cell


def _append_cells_as_given(ws: Any) -> None:
    """Every row this module appends is made of cells: skip openpyxl's trying each as a value first (a
    ``ValueError`` caught per cell). Where openpyxl has no such step, its own path takes the cells as well."""
    if hasattr(ws, "_values_to_row"):
        setattr(ws, "_values_to_row", _given_cells)  # noqa: B010 (an instance's, not the class's)


class _RowCells:
    """One reusable cell per column for the data rows of a write-only sheet.

    openpyxl writes an appended row at once, so a row's cells can be the same objects as the last row's: a
    province's ledger makes a few cells instead of millions. Only values of the plain types the ledger
    writes are bound here (text, numbers, dates); text Excel would take for a formula or an error code and
    anything else get a cell of their own, bound by openpyxl as usual."""

    def __init__(self, ws: Any, width: int) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ERROR_CODES

        self._ws = ws
        self._errors = frozenset(ERROR_CODES)
        self._cells: list[Any] = [WriteOnlyCell(ws) for _ in range(width)]

    def put(self, at: int, value: Any, style: Any) -> Any:
        t = type(value)
        if t is str:
            if value.startswith(_FORMULA_START) or value in self._errors:
                return self._own(value, style)
            kind = "s"
        elif t is int or t is float:
            kind = "n"
        elif t is dt.date or t is dt.datetime:
            kind = "d"
        elif value is None:
            kind = "n"
        else:
            return self._own(value, style)
        cell = self._cells[at]
        cell._value = value
        cell.data_type = kind
        if style is not None:
            cell._style = style
        return cell

    def _own(self, value: Any, style: Any) -> Any:
        from openpyxl.cell import WriteOnlyCell

        cell: Any = WriteOnlyCell(self._ws, value)
        if style is not None:
            cell._style = copy.copy(style)
        _as_text(cell)
        return cell


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
    wb = Workbook(write_only=True)
    if run_id:
        wb.properties.identifier = run_id
    about = wb.create_sheet("说明")
    _append_cells_as_given(about)
    about_styles = _Styles(about)
    bold = about_styles(font=Font(bold=True))
    wrapped = about_styles(alignment=Alignment(wrap_text=True, vertical="top"))
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 100
    about.freeze_panes = "A2"
    _print_setup(about, 1, footer)
    about_row = 1

    def about_line(key: str, value: str, notes: _Texts) -> None:
        nonlocal about_row
        style = bold if about_row == 1 else None
        about.append([about_styles.cell(notes(key, ("说明", 1, about_row)), style),
                      about_styles.cell(notes(value, ("说明", 2, about_row)), bold if about_row == 1 else wrapped)])
        about_row += 1

    about_line(item, content, texts)
    if run_id:
        about_line(run_label, run_id, texts)
    for k, v in (info or {}).items():
        about_line(str(k), str(v), texts)
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
        _append_cells_as_given(ws)
        styles = _Styles(ws)
        sep = "：" if re.search(r"[\u2e80-\u9fff]", "".join(label for label, _ in heading)) else ": "
        cols = sheet.resolved_columns()
        offset = 1 if index_header else 0
        headers = ([index_header] if index_header else []) + [c.header for c in cols]
        width = max(len(headers), 1)
        frame = sheet.frame
        nrows = len(frame)
        head = 1 + len(heading) + 1 if heading else 1  # the row of the column headers
        first = head + 1
        last = head + nrows
        # what goes before the first row: column widths, frozen panes, row heights (write-only mode)
        widths: list[float] = []
        if index_header:
            ws.column_dimensions["A"].width = max(6, _width(index_header) + 2, _width(total_label) + 2)
            widths.append(ws.column_dimensions["A"].width)
        wrap = Alignment(wrap_text=True, vertical="top")
        body_styles = []
        for j, c in enumerate(cols, start=1 + offset):
            values = frame[c.name].head(200).tolist()
            if c.kind in ("mu", "m2", "wan", "float", "ratio"):
                sample = [f"{v:,.2f}" if isinstance(v, int | float) and np.isfinite(v) else str(v) for v in values]
            elif c.kind == "date":
                sample = ["2026-01-01"]
            else:
                sample = [str(_cell(v, c.kind))[:200] for v in values]
            body = max((_width(s) for s in sample), default=0)
            ws.column_dimensions[get_column_letter(j)].width = min(
                _MAX_WIDTH, max(_MIN_WIDTH[c.kind], body + 2, min(_header_width(c.header) + 1, _HEADER_WIDTH)))
            widths.append(ws.column_dimensions[get_column_letter(j)].width)
            attrs: dict[str, Any] = {"number_format": _FORMATS[c.kind]}
            if c.kind == "text" and body + 2 > _MAX_WIDTH:  # long text wraps in its column, on screen and paper
                attrs["alignment"] = wrap
            body_styles.append(attrs)
        ws.freeze_panes = f"{get_column_letter(1 + offset)}{first}" if index_header else f"A{first}"
        ws.row_dimensions[head].height = 48  # three lines of a wrapped header
        if heading:
            ws.row_dimensions[1].height = 24
        # a wide sheet fitted to one page width prints too small to read: it goes over as many pages across as
        # keep the type readable, the index and the first column (the finding's id) repeated on each
        across = paper_pages_across(widths)
        _print_setup(ws, head, footer, across=across,
                     repeat_cols=("A:B" if index_header and len(widths) > 1 else "A:A") if across > 1 else None)
        # the title block: the sheet's title, then one line per item, over every column
        if heading:
            ws.append([styles.cell(texts(sheet.title, (title, 1, 1)), styles(
                font=Font(bold=True, size=14),  # centred over one page; over several, on the first
                alignment=Alignment(horizontal="center" if across == 1 else "left", vertical="center")))])
            for r, (label, value) in enumerate(heading, start=2):
                line = f"{label}：{value}" if sep == "：" else f"{label}: {value}"
                ws.append([styles.cell(texts(line, (title, 1, r)))])
            if width > 1:
                for r in range(1, head):
                    ws.merged_cells.add(f"A{r}:{get_column_letter(width)}{r}")
        header_style = styles(font=Font(bold=True), fill=head_fill, border=head_border,
                              alignment=Alignment(wrap_text=True, vertical="center", horizontal="center"))
        ws.append([styles.cell(texts(h, (title, j, head)), header_style) for j, h in enumerate(headers, start=1)])
        # each column's style, and with each status colour where the column shows the status
        plain = [styles(**attrs)[0] for attrs in body_styles]
        row_fill: list[Any] = []
        by_fill: dict[int, list[Any]] = {}
        if sheet.status_column and sheet.status_colours and sheet.status_column in frame.columns:
            names = [c.name for c in cols]
            status_at = [k for k, n in enumerate(names) if n in (sheet.status_column, f"{sheet.status_column}_zh")]
            fills = {code: PatternFill("solid", fgColor=_tint(colour)) for code, colour in sheet.status_colours.items()}
            for f in fills.values():
                by_fill[id(f)] = [styles(**body_styles[k], fill=f)[0] if k in status_at else plain[k]
                                  for k in range(len(cols))]
            codes = frame[sheet.status_column].astype(str).tolist()
            if sheet.status_separator:
                codes = [code.split(sheet.status_separator)[0].strip() for code in codes]
            row_fill = [fills.get(code) for code in codes] if status_at else []
        summed = [(j, c) for j, c in enumerate(cols, start=1 + offset) if c.summed]
        if summed and not index_header and summed[0][0] == 1:
            summed = summed[1:]  # column A holds the label
        sums: dict[int, Any] = {j: None for j, _ in summed}
        data = frame[[c.name for c in cols]] if cols else pd.DataFrame(index=frame.index)
        kinds = [c.kind for c in cols]
        reuse = _RowCells(ws, len(headers))
        for number, row in enumerate(data.itertuples(index=False, name=None), start=1):
            at_row = head + number
            row_f = row_fill[number - 1] if row_fill else None
            row_styles = plain if row_f is None else by_fill[id(row_f)]
            cells = [reuse.put(0, number, None)] if index_header else []
            for ki, (v, kind) in enumerate(zip(row, kinds, strict=True)):
                col = ki + 1 + offset
                value = texts(_cell(v, kind), (title, col, at_row))
                if col in sums and isinstance(value, int | float) and not isinstance(value, bool):
                    sums[col] = (0 if sums[col] is None else sums[col]) + value  # as sum() adds
                cells.append(reuse.put(col - 1, value, row_styles[ki]))
            ws.append(cells)
        if nrows and summed:
            total_row = last + 1
            base = styles(fill=total_fill, border=total_border)
            cells = [styles.cell(None, base) for _ in range(len(headers))]
            cells[0] = styles.cell(texts(total_label, f"{title}!A{total_row}"),
                                   styles(fill=total_fill, border=total_border, font=Font(bold=True)))
            for j, c in summed:
                if sums[j] is None:  # every cell empty (not measured): the total is not 0 either
                    continue
                cells[j - 1] = styles.cell(sums[j], styles(fill=total_fill, border=total_border, font=Font(bold=True),
                                                           number_format=_FORMATS[c.kind]))
            ws.append(cells)
        if headers:
            ws.auto_filter.ref = f"A{head}:{get_column_letter(len(headers))}{last}"
        if sheet.note:
            at = last + 3
            for _ in range(at - (last + 1 if nrows and summed else last) - 1):
                ws.append([])
            ws.append([styles.cell(texts(sheet.note, f"{title}!A{at}"), styles(font=Font(italic=True, color="555555")))])
    notes = _Texts(lang)
    for i, line in enumerate(texts.notes, start=1):
        about_line(f"{note_label} {i}", line, notes)
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


#: the columns' total width (in Excel's character units) printed across one A4 landscape page: at about 250
#: characters the type is scaled to some 60 %, the smallest a reviewer reads without a lens
PAPER_WIDTH_CHARS = 250


def paper_pages_across(widths: Sequence[float]) -> int:
    """How many A4 landscape pages a sheet of these column widths prints across (1 for most sheets).

    >>> paper_pages_across([10] * 12), paper_pages_across([14] * 36)
    (1, 3)
    """
    return max(1, -(-int(sum(widths)) // PAPER_WIDTH_CHARS))


def _print_setup(ws: Any, head: int, footer: str, *, across: int = 1, repeat_cols: str | None = None) -> None:
    """A4 landscape, fitted to ``across`` page widths (columns ``repeat_cols`` repeated on each), the title block
    and headers on every page, page numbers below."""
    ws.print_title_rows = f"1:{head}"
    if repeat_cols:
        ws.print_title_cols = repeat_cols
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = across
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = footer
    ws.evenFooter.center.text = footer


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
