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
import itertools
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
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
#: rows in one Excel (and WPS) worksheet: a sheet with more rows is continued on further sheets
EXCEL_MAX_ROWS = 1_048_576
#: characters XML 1.0 (and so .xlsx) cannot hold; tab, line feed and carriage return are kept
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: text starting with these is a formula to Excel when typed: stored as text, with Excel's quote prefix
_FORMULA_START = ("=", "+", "-", "@")

__all__ = ["EXCEL_MAX_ROWS", "EXCEL_MAX_TEXT", "NOT_GIVEN", "LedgerColumn", "LedgerSheet", "header_row", "ledger_heading", "write_ledger"]

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
    #: the 序号 of the first row (a sheet continued from another counts on)
    first_number: int = 1

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


_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
#: text that may need more than its plain cell: an escape, a leading or trailing space, a formula or error start
#: (every Excel error code starts with #), or nothing at all; text it does not match is written as it stands
_TEXT_NEEDS_CARE = re.compile(r"[&<>\r]|^[\s=+\-@#]|\s\Z|^\Z")
#: the parts of that pattern looked for in many texts at once (see _may_need_care): an escape anywhere; the code
#: points of whitespace (str.isspace, which is re's \s: none is above U+3000) and of a formula or error start
_ESCAPED = re.compile(r"[&<>\r]")
_SPACE_CODES = np.array([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint32)
_FIRST_CODES = np.concatenate([_SPACE_CODES, np.array([ord(c) for c in "=+-@#"], dtype=np.uint32)])
#: Excel's serial day 0 (the 1900 date system, as openpyxl writes it)
_EPOCH = pd.Timestamp("1899-12-30")
#: rows turned into XML at a time: a province's sheet is written in constant memory
_CHUNK = 20_000


def _may_need_care(texts: list[str]) -> np.ndarray:
    """For each text, whether :data:`_TEXT_NEEDS_CARE` may match it: True for every text it matches (and perhaps
    a few others), found for all the texts at once (their first and last characters, escapes in their join).

    >>> _may_need_care(["甲", "", " a", "b ", "=1", "x&y", "#N/A", "ok"]).tolist()
    [False, True, True, True, True, True, True, False]
    """
    lens = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    flag = lens == 0
    joined = "".join(texts)
    if joined:
        ends = np.cumsum(lens)
        full = ~flag
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        flag[full] = (np.isin(codes[(ends - lens)[full]], _FIRST_CODES)
                      | np.isin(codes[ends[full] - 1], _SPACE_CODES))
        at = [m.start() for m in _ESCAPED.finditer(joined)]
        if at:  # the text holding each: the first whose end is past it
            flag[np.searchsorted(ends, at, side="right")] = True
    return flag


def _xml_t(text: str) -> str:
    """``text`` as a ``<t>`` element: escaped, spaces kept where they lead or trail (as openpyxl)."""
    body = text.translate(_XML_ESCAPES)
    stripped = text.strip()
    if stripped and stripped != text:
        return f'<t xml:space="preserve">{body}</t>'
    return f"<t>{body}</t>"


def _xml_text(text: str) -> str:
    """``text`` as the body of an inline string (see :func:`_xml_t`)."""
    return f"<is>{_xml_t(text)}</is>"


#: the shared string table's part in the package, its content type and its relationship from the workbook
_SST_PART = "xl/sharedStrings.xml"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


class _SharedStrings:
    """The workbook's shared string table (``xl/sharedStrings.xml``), as Excel itself keeps text.

    A text that a column repeats (a rule's citation, hundreds of characters on each of 800 000 deadline
    obligations; a status; a district) is stored once and each of its cells holds its number in the table: a
    text found twice in a chunk of rows, and from then on wherever it appears. A text that appears once stays
    in its cell (an inline string), so the table holds no province's worth of ids. Both forms read back as the same text, in Excel, WPS, LibreOffice and openpyxl; the table cuts a
    province's sheets from some 2.6 GB of XML to a fraction, and with it the time spent compressing them."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.items: list[str] = []
        self.count = 0  # cells that refer to the table

    def number(self, text: str, cells: int) -> int:
        """The table's number for ``text`` (added if new), referred to by ``cells`` more cells."""
        k = self.index.get(text)
        if k is None:
            k = self.index[text] = len(self.items)
            self.items.append(f"<si>{_xml_t(text)}</si>")
        self.count += cells
        return k

    def xml(self) -> bytes:
        head = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
                f'spreadsheetml/2006/main" count="{self.count}" uniqueCount="{len(self.items)}">')
        return (head + "".join(self.items) + "</sst>").encode("utf-8")


def _declare_shared_strings(name: str, data: bytes) -> bytes:
    """A package part as openpyxl saved it, declaring the shared string table where the package must: its
    content type in ``[Content_Types].xml``, its relationship in the workbook's."""
    if name == "[Content_Types].xml" and b"/" + _SST_PART.encode() not in data:
        return data.replace(b"</Types>", f'<Override PartName="/{_SST_PART}" ContentType="{_SST_TYPE}"/></Types>'
                            .encode())
    if name == "xl/_rels/workbook.xml.rels" and _SST_REL.encode() not in data:
        return data.replace(b"</Relationships>", f'<Relationship Type="{_SST_REL}" Target="/{_SST_PART}" '
                            f'Id="rIdSharedStrings"/></Relationships>'.encode())
    return data


def _number(value) -> str:
    return "%.16g" % value  # noqa: UP031 (openpyxl's own form of a number, kept so a cell reads back the same)


class _Rows:
    """The data rows, totals and note of one sheet, written as SpreadsheetML by this module.

    openpyxl writes a cell in some 20 µs (a cell object, a style lookup, an XML element); a province's ledger
    holds millions. The title block and the headers go through openpyxl; the rows under them are made here a
    column at a time (numbers formatted, text escaped and checked in bulk) into a temporary file, and placed
    into the sheet's part of the package when the workbook is saved (:func:`_splice`). The cells are the ones
    openpyxl writes (inline strings, numbers, dates as serial days with the column's style; text that Excel
    would take for a formula keeps a quote-prefix style), so the ledger reads back the same.
    """

    def __init__(self, wb: Any, ws: Any, title: str, texts: _Texts, shared: _SharedStrings | None = None) -> None:
        from openpyxl.cell.cell import ERROR_CODES

        self.wb, self.ws, self.title, self.texts, self.shared = wb, ws, title, texts, shared
        self._errors = frozenset(ERROR_CODES)
        self._quoted: dict[int, int] = {}
        self._pending: list[tuple[tuple[int, int], list[str]]] = []
        self.head_notes: list[str] = []
        self.plan: dict[str, Any] = {}
        self.frozen = False  # once the workbook's styles are saved, no style can be added

    def style_id(self, style) -> int:
        """The workbook's index of a style record (as openpyxl's ``cell.style_id``)."""
        return self.wb._cell_styles.add(style)

    def quoted(self, sid: int) -> int:
        """The style ``sid`` with Excel's quote prefix: text shown as typed, not taken for a formula."""
        q = self._quoted.get(sid)
        if q is None:
            if self.frozen:
                raise RuntimeError(f"ledger: style {sid} has no quote-prefix twin saved in the workbook")
            style = copy.copy(self.wb._cell_styles[sid])
            style.quotePrefix = 1
            q = self._quoted[sid] = self.style_id(style)
        return q

    def emit(self, write) -> None:
        """The sheet's rows under its headers, its totals and its note, as XML text handed to ``write``."""
        p = self.plan
        frame, cols, offset, head, last, nrows = p["frame"], p["cols"], p["offset"], p["head"], p["last"], p["nrows"]
        sums, summed, row_keys = p["sums"], p["summed"], p["row_keys"]
        self.texts.notes.extend(self.head_notes)
        from openpyxl.utils import get_column_letter

        letters = [get_column_letter(j) for j in range(1, len(p["headers"]) + 1)]
        # each column taken from the frame once (a name the frame holds twice: its first column)
        columns = [frame[c.name] for c in cols]
        columns = [v.iloc[:, 0] if isinstance(v, pd.DataFrame) else v for v in columns]
        for lo in range(0, nrows, _CHUNK):
            hi = min(nrows, lo + _CHUNK)
            at_rows = head + np.arange(lo + 1, hi + 1)
            numbers = at_rows - head + (p["first_number"] - 1)
            refs = at_rows.astype(str).tolist()  # each row's number, spelt once for all its cells
            # each row is one template (its cells' constant parts) filled with the chunk's values in one pass
            forms: list[str] = []
            fields: list[list] = [refs]
            if p["index_header"]:
                forms.append('<c r="A%s" t="n"><v>%d</v></c>')
                fields += [refs, numbers.tolist()]
            for ki, c in enumerate(cols):
                col = ki + 1 + offset
                sids = np.full(hi - lo, p["plain_ids"][ki], dtype=np.int64)
                if row_keys is not None:
                    keys = row_keys[lo:hi]
                    for key, ids in p["fill_ids"].items():
                        sids[keys == key] = ids[ki]
                form, values_of, total = self.column(columns[ki].iloc[lo:hi], c.kind, letters[col - 1], col,
                                                     at_rows, sids, col in sums, sums.get(col))
                if col in sums:
                    sums[col] = total
                forms.append(form)
                fields += [refs, *values_of]
            self.flush_notes()
            write(('<row r="%s">' + "".join(forms) + "</row>") * (hi - lo)
                  % tuple(itertools.chain.from_iterable(zip(*fields, strict=True))))
        if nrows and summed:
            total_row = last + 1
            base, label, by_col = p["total_ids"]
            cells = [self.cell(f"{letters[j]}{total_row}", None, base) for j in range(len(p["headers"]))]
            cells[0] = self.cell(f"A{total_row}", self.texts(p["total_label"], f"{self.title}!A{total_row}"), label)
            for j, _c in summed:
                if sums[j] is None:  # every cell empty (not measured): the total is not 0 either
                    continue
                cells[j - 1] = self.cell(f"{letters[j - 1]}{total_row}", sums[j], by_col[j])
            write(f'<row r="{total_row}">' + "".join(cells) + "</row>")
        if p["note"]:
            at = last + 3
            below = last + 1 if nrows and summed else last
            write("".join(f'<row r="{r}"></row>' for r in range(below + 1, at)))
            write(f'<row r="{at}">' + self.cell(f"A{at}", self.texts(p["note"], f"{self.title}!A{at}"), p["note_id"])
                  + "</row>")

    def clean(self, value, colnum: int, row: int):
        """``value`` made safe for a cell; its note (if any) kept to be listed in row order (see flush_notes)."""
        before = len(self.texts.notes)
        value = self.texts(value, (self.title, colnum, row))
        if len(self.texts.notes) > before:
            self._pending.append(((row, colnum), self.texts.notes[before:]))
            del self.texts.notes[before:]
        return value

    def flush_notes(self) -> None:
        """The notes of the chunk just made, in the order of their cells (row by row), as openpyxl made them."""
        for _, lines in sorted(self._pending, key=lambda p: p[0]):
            self.texts.notes.extend(lines)
        self._pending = []

    def _text_cell(self, value: str) -> tuple[bool, str]:
        """A text cell after its ``s`` attribute: (whether it takes the quote-prefix style, the rest)."""
        if value in self._errors:
            return False, f' t="e"><v>{value.translate(_XML_ESCAPES)}</v>'
        if value == "":
            return value.startswith(_FORMULA_START), ' t="inlineStr">'
        return value.startswith(_FORMULA_START), f' t="inlineStr">{_xml_text(value)}'

    def cell(self, ref: str, value, sid: int | None) -> str:
        """One cell's XML for a value of any type (the path openpyxl takes for values it binds itself)."""
        s = "" if sid is None else f' s="{sid}"'
        if value is None:
            return f'<c r="{ref}"{s} t="n"></c>' if sid is not None else ""
        t = type(value)
        if t is str:
            if value in self._errors:
                return f'<c r="{ref}"{s} t="e"><v>{value.translate(_XML_ESCAPES)}</v></c>'
            if value.startswith(_FORMULA_START):
                s = f' s="{self.quoted(0 if sid is None else sid)}"'
            if value == "":
                return f'<c r="{ref}"{s} t="inlineStr"></c>'
            return f'<c r="{ref}"{s} t="inlineStr">{_xml_text(value)}</c>'
        if t is int or t is float:
            return f'<c r="{ref}"{s} t="n"><v>{_number(value)}</v></c>'
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils.datetime import to_excel

        probe: Any = WriteOnlyCell(self.ws, value)  # Decimal, dates, times: bound as openpyxl binds them
        if probe.data_type == "d":
            return f'<c r="{ref}"{s} t="n"><v>{_number(to_excel(value))}</v></c>'
        if probe.data_type == "s":
            return self.cell(ref, str(value), sid)
        return f'<c r="{ref}"{s} t="{probe.data_type}"><v>{_number(value)}</v></c>'

    def column(self, values: pd.Series, kind: ColumnKind, letter: str, colnum: int, rows: np.ndarray,
               sids: np.ndarray, summed: bool, total: Any = None) -> tuple[str, list[list], Any]:
        """The cells of one column over a chunk of rows, and ``total`` with its numbers added one by one in row
        order, as ``sum()`` adds (None: no number yet).

        The cells are a template of one cell (``%`` fields: the row's number first, then the others) and the
        values of its other fields, a list each over the rows."""
        dtype = values.dtype
        one = len(sids) > 0 and bool((sids == sids[0]).all())
        # the style as a constant of the template when the chunk's cells share it, else a field
        s_form = f' s="{sids[0]}"' if one else ' s="%s"'
        s_field = [] if one else [sids.astype(str).tolist()]
        head = f'<c r="{letter}%s"'
        # Python objects, for the paths that look at values one by one (a text column already typed str needs none)
        arr = values.array if kind == "text" and isinstance(dtype, pd.StringDtype) else values.to_numpy()
        if kind != "date" and (pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype)) \
                and not pd.api.types.is_bool_dtype(dtype) and not isinstance(dtype, pd.api.types.CategoricalDtype):
            num = values.to_numpy(dtype=float, na_value=np.nan)
            ok = np.isfinite(num)
            every = bool(ok.all())
            if pd.api.types.is_integer_dtype(dtype) and every:
                items = values.to_numpy().tolist()  # ints stay ints (as openpyxl writes them)
            else:
                items = num.tolist()
            if summed and ok.any():
                total = sum(items if every else (v for v, k in zip(items, ok.tolist(), strict=True) if k),
                            0 if total is None else total)
            if every:  # "%.16g": the form of _number, applied by the template
                return head + s_form + ' t="n"><v>%.16g</v></c>', [*s_field, items], total
            text = [f"<v>{_number(v)}</v>" if k else "" for v, k in zip(items, ok.tolist(), strict=True)]
            return head + s_form + ' t="n">%s</c>', [*s_field, text], total
        if kind == "date" and pd.api.types.is_datetime64_any_dtype(dtype):
            ts = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) is not None else values
            days = (ts.dt.normalize() - _EPOCH).dt.days
            early = days.notna() & (days <= 60)  # before 1900-03-01: openpyxl's rule for Excel's phantom leap day
            if not early.any():
                if days.notna().all():
                    return head + s_form + ' t="n"><v>%d</v></c>', [*s_field, days.to_numpy(np.int64).tolist()], None
                text = ["" if d != d or d is None else f"<v>{int(d)}</v>" for d in days.tolist()]
                return head + s_form + ' t="n">%s</c>', [*s_field, text], None
            refs = [f"{letter}{r}" for r in rows.tolist()]
            out = []
            for ref, sid, d, v, e in zip(refs, sids.tolist(), days.tolist(), arr.tolist(), early.tolist(), strict=True):
                if d != d or d is None:  # NaT
                    out.append(f'<c r="{ref}" s="{sid}" t="n"></c>')
                elif e:
                    out.append(self.cell(ref, _cell(v, kind), sid))
                else:
                    out.append(f'<c r="{ref}" s="{sid}" t="n"><v>{int(d)}</v></c>')
            return "%.0s%s", [out], None
        if kind == "text" and (isinstance(dtype, pd.StringDtype)
                               or pd.api.types.infer_dtype(arr, skipna=True) in ("string", "empty")):
            # each distinct text checked and made into XML once (a column repeats its statuses, rules and reasons)
            care = _TEXT_NEEDS_CARE.search
            codes, uniques = pd.factorize(values if isinstance(dtype, pd.StringDtype) else values.astype(object),
                                          use_na_sentinel=True)
            distinct = uniques.tolist()
            unsafe = ([k for k, u in enumerate(distinct) if len(u) > EXCEL_MAX_TEXT or _ILLEGAL.search(u)]
                      if max(map(len, distinct), default=0) > EXCEL_MAX_TEXT or _ILLEGAL.search("".join(distinct))
                      else [])  # a character class is found in the join of the texts if in one of them
            if unsafe:  # cleaned cell by cell: each cell's note names the cell
                items = [None if c < 0 else distinct[c] for c in codes.tolist()]
                for i in np.flatnonzero(np.isin(codes, unsafe)):
                    items[i] = self.clean(items[i], colnum, int(rows[i]))
                codes, uniques = pd.factorize(pd.Series(items, dtype=object))
            distinct = uniques.tolist()
            made = [self._text_cell(u) if may and care(u) else (False, f' t="inlineStr"><is><t>{u}</t></is>')
                    for u, may in zip(distinct, _may_need_care(distinct).tolist(), strict=True)]
            if self.shared is not None:  # a text the chunk repeats, or one already shared: a number in the table
                counts = np.bincount(codes[codes >= 0], minlength=len(distinct)).tolist()
                known = self.shared.index
                for k, (u, n) in enumerate(zip(distinct, counts, strict=True)):
                    if (n > 1 or u in known) and u and u not in self._errors:
                        made[k] = (made[k][0], f' t="s"><v>{self.shared.number(u, n)}</v>')
            bodies = np.empty(len(made) + 1, dtype=object)  # the last: a missing text (code -1)
            bodies[:-1] = [body for _, body in made]
            bodies[-1] = ' t="n">'
            cells = bodies[codes].tolist()
            quote = np.array([q for q, _ in made] + [False], dtype=bool)[codes]
            if quote.any():  # text Excel would take for a formula: its style's quote-prefix twin
                sids = sids.copy()
                for sid in np.unique(sids[quote]).tolist():
                    sids[quote & (sids == sid)] = self.quoted(sid)
                return head + ' s="%s"%s</c>', [sids.astype(str).tolist(), cells], total
            return head + s_form + "%s</c>", [*s_field, cells], total
        out = []
        for ref, sid, v, r in zip([f"{letter}{r}" for r in rows.tolist()], sids.tolist(), arr.tolist(),
                                  rows.tolist(), strict=True):
            value = self.clean(_cell(v, kind), colnum, r)
            if kind == "text" and isinstance(value, dt.date):  # a date in a text column: shown as a date, not 43957
                if isinstance(value, dt.datetime) and value.time() != dt.time():
                    value = value.isoformat(sep=" ")
                else:
                    value = dt.date(value.year, value.month, value.day).isoformat()
            if summed and isinstance(value, int | float) and not isinstance(value, bool):
                total = (0 if total is None else total) + value  # as sum() adds
            out.append(self.cell(ref, value, sid))
        return "%.0s%s", [out], total


def _splice(saved: bytes, emit: Mapping[str, Any], out, shared: _SharedStrings | None = None) -> None:
    """The package openpyxl saved, with each worksheet part named in ``emit`` completed by the rows its
    function writes (in the order given), and then, with ``shared``, the shared string table those rows refer
    to. A second thread compresses while the rows are made."""
    import io
    import queue
    import threading
    import zipfile

    with zipfile.ZipFile(io.BytesIO(saved)) as src, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            if info.filename not in emit and not (shared is not None and info.filename == _SST_PART):
                data = src.read(info.filename)
                if shared is not None:
                    data = _declare_shared_strings(info.filename, data)
                dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        for name, produce in emit.items():
            text = src.read(name).replace(b"<sheetData/>", b"<sheetData></sheetData>")
            cut = text.index(b"</sheetData>")
            # opened by name, so the part takes the archive's level 1: a ZipInfo made here would carry no level
            # of its own, and zlib's default (6) compresses a province's rows at a quarter of the speed
            with dst.open(name, "w", force_zip64=True) as fh:
                blocks: queue.Queue = queue.Queue(maxsize=4)
                failed: list[BaseException] = []

                def drain(fh=fh, blocks=blocks, failed=failed) -> None:
                    while (block := blocks.get()) is not None:
                        if not failed:
                            try:
                                fh.write(block)
                            except BaseException as exc:  # re-raised by the thread making the rows
                                failed.append(exc)

                def write(xml: str, blocks=blocks, failed=failed) -> None:
                    if failed:  # the file cannot be written: stop making rows
                        raise failed[0]
                    blocks.put(xml.encode("utf-8"))

                worker = threading.Thread(target=drain, name="ledger-deflate", daemon=True)
                worker.start()
                try:
                    blocks.put(text[:cut])
                    produce(write)
                    blocks.put(text[cut:])
                finally:
                    blocks.put(None)
                    worker.join()
                if failed:
                    raise failed[0]
        if shared is not None:
            dst.writestr(_SST_PART, shared.xml())  # by name: the archive's level, as the sheets


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
    shared = _SharedStrings()
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
    parts: dict[Any, _Rows] = {}
    head_rows = 1 + len(heading) + 1 if heading else 1
    sheets = [part for sheet in sheets for part in _continued(sheet, EXCEL_MAX_ROWS - head_rows - 3, lang)]
    for sheet in sheets:
        title = _safe_title(sheet.title)
        n = 2
        while title in used_titles:
            title = f"{_safe_title(sheet.title)[:28]}_{n}"
            n += 1
        used_titles.add(title)
        notes_before = len(texts.notes)
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
        rows_out = _Rows(wb, ws, title, texts, shared)
        parts[ws] = rows_out
        rows_out.head_notes = texts.notes[notes_before:]  # listed with the sheet's other notes, in its turn
        del texts.notes[notes_before:]
        plain_ids = [rows_out.style_id(st) for st in plain]
        fill_ids = {key: [rows_out.style_id(st) for st in styles_] for key, styles_ in by_fill.items()}
        total_ids = (rows_out.style_id(styles(fill=total_fill, border=total_border)[0]),
                     rows_out.style_id(styles(fill=total_fill, border=total_border, font=Font(bold=True))[0]),
                     {j: rows_out.style_id(styles(fill=total_fill, border=total_border, font=Font(bold=True),
                                                  number_format=_FORMATS[c.kind])[0]) for j, c in summed})
        note_id = rows_out.style_id(styles(font=Font(italic=True, color="555555"))[0])
        # every style the rows can take, with its quote-prefix twin, goes into the workbook before it is saved
        for sid in {0, *plain_ids, *(i for ids in fill_ids.values() for i in ids), total_ids[0], total_ids[1],
                    *total_ids[2].values(), note_id}:
            rows_out.quoted(sid)
        rows_out.plan = dict(
            frame=frame, cols=cols, offset=offset, index_header=index_header, head=head, last=last, nrows=nrows,
            headers=headers, plain_ids=plain_ids, fill_ids=fill_ids, summed=summed, sums=sums, total_ids=total_ids,
            note_id=note_id, total_label=total_label, note=sheet.note, first_number=sheet.first_number,
            row_keys=np.array([id(f) if f is not None else 0 for f in row_fill], dtype=np.int64) if row_fill else None)
        if headers:
            ws.auto_filter.ref = f"A{head}:{get_column_letter(len(headers))}{last}"
    about_rows = _Rows(wb, about, "说明", _Texts(lang))
    wrapped_id = about_rows.style_id(wrapped[0])
    for sid in (0, wrapped_id):
        about_rows.quoted(sid)
    import io

    shell = io.BytesIO()
    wb.save(shell)  # the workbook without its data rows (small); the rows go into its sheets as they are made
    part_of = {ws: f"xl/worksheets/sheet{k}.xml" for k, ws in enumerate(wb.worksheets, start=1)}
    about_rows.frozen = True
    for rows in parts.values():
        rows.frozen = True

    def about_notes(write) -> None:  # the 说明 sheet's notes, once every sheet's cells are made
        notes = _Texts(lang)
        for i, line in enumerate(texts.notes, start=about_row):
            k = i - about_row + 1
            write(f'<row r="{i}">' + about_rows.cell(f"A{i}", notes(f"{note_label} {k}", ("说明", 1, i)), None)
                  + about_rows.cell(f"B{i}", notes(line, ("说明", 2, i)), wrapped_id) + "</row>")

    emit = {part_of[ws]: rows.emit for ws, rows in parts.items()}
    emit[part_of[about]] = about_notes  # last: it lists the notes made while writing the others
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        _splice(shell.getvalue(), emit, _PhaseFile(fh) if os.environ.get(KILL_ENV) == "ledger.partial" else fh,
                shared)
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


def _continued(sheet: LedgerSheet, capacity: int, lang: str | None) -> list[LedgerSheet]:
    """``sheet`` as it is when its rows fit one worksheet (``capacity`` rows under its headers, its totals and
    note below them), else cut into parts of ``capacity`` rows in order, each on its own sheet titled
    ``<title>（k）``, numbered on (序号) from the part before, with its own totals and a note saying which rows
    it holds. Excel stops a worksheet at :data:`EXCEL_MAX_ROWS` rows: a longer sheet would not open, or would
    lose its last rows."""
    n = len(sheet.frame)
    if n <= capacity:
        return [sheet]
    count = -(-n // capacity)
    out = []
    for k in range(count):
        lo, hi = k * capacity, min(n, (k + 1) * capacity)
        tag = f"（{k + 1}）" if lang != "en" else f" ({k + 1})"
        if lang == "en":
            said = (f"Part {k + 1} of {count}: rows {lo + 1:,}–{hi:,} of {n:,} (a worksheet holds at most "
                    f"{EXCEL_MAX_ROWS:,} rows); the totals are this part's.")
        else:
            said = (f"第{k + 1}部分，共{count}部分：第{lo + 1:,}–{hi:,}条，共{n:,}条（Excel 每张工作表至多 "
                    f"{EXCEL_MAX_ROWS:,} 行）；合计为本部分之和。")
        out.append(replace(
            sheet, title=_safe_title(sheet.title)[:31 - len(tag)] + tag, frame=sheet.frame.iloc[lo:hi],
            note=f"{sheet.note} {said}".strip(), first_number=sheet.first_number + lo))
    return out


def _safe_title(title: str) -> str:
    """Excel refuses []:*?/\\ in sheet titles and more than 31 characters."""
    clean = re.sub(r"[\[\]:*?/\\]", "_", str(title)).strip("'") or "sheet"
    return clean[:31]
