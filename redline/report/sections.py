"""The report's sections, generically: what every output gets, and the kit an audit's section hook uses.

Every output of a run gets a section: its title and description from its
:class:`~redline.spec.OutputSpec`, the headline figures the spec declares (``figures``), a count per
status to watch (``statuses`` with ``watch``), a map of its rows, and its table. An output whose spec
has a ``section`` hook (``(ctx, section, frame) -> None``, kept beside the audit, e.g.
:mod:`redline.overlay._report`) adds its own figures, charts and maps; the hook reads the columns the
audit emits, by name. Labels and colours of status codes come from the specs' statuses.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..io.ledger import LedgerColumn, LedgerSheet
from ..spec import FigureSpec, OutputSpec, Status
from ..units import M2_PER_MU
from . import _figures as F
from ._data import ReportData

__all__ = ["CLASS_COLUMNS", "MAX_ROWS", "TEXT", "Ctx", "Figure", "Section", "Table", "build_section", "class_key", "control_lines", "flag", "generic_map", "geoms",
           "holds", "mu", "num", "overview_map", "row_status", "slivers", "spatial", "split_label", "status_legend", "table", "total"]

TEXT = {
    "zh": {
        "title": "土地利用监管审计报告", "as_of": "审计基准日", "rules": "规则集", "crs": "工作坐标系",
        "area": "面积算法", "version": "redline 版本", "overview": "概览", "overview_map": "审计发现分布图",
        "findings": "条", "count": "数量", "mu": "亩", "rows": "行", "table": "明细表", "rule": "依据规则",
        "rejected": "剔除要素", "rejected_none": "没有要素被剔除。", "notes": "说明", "thresholds": "规则阈值及依据",
        "key": "规则项", "value": "取值", "unit": "单位", "status": "性质", "source": "依据", "empty": "本项审计无发现。",
        "truncated": "仅显示前 {n} 行（共 {total} 行）；全部见台账 redline_ledger.xlsx 与 redline_results.gpkg。",
        "codes": "图中编号：", "no_cjk": "本机未安装中文字体，图中文字以英文或编号显示（安装 fonts-noto-cjk 后重新生成即为中文）。",
        "contents": "目录", "figures_note": "统计口径", "generated": "生成于", "layer": "图层", "feature_id": "要素编号",
        "code": "问题代码", "reason": "原因", "summary": "审计摘要",
        "rejected_said": "{n} 个要素未参与审计（几何、编号、坐标系等问题），逐一列出：",
        "area_label": "面积", "rows_label": "条记录",
        "jurisdiction": "被审计区域", "bureau": "审计单位", "sign_bureau": "审计单位（盖章）：",
        "sign_person": "负责人（签字）：", "sign_date": "日期：",
        "no_lines": "地图未绘制三条控制线（永久基本农田、生态保护红线、城镇开发边界）：成果 GeoPackage 不含输入图层，"
                    "由运行本身生成报告（redline audit … --report）时绘制。",
        "no_class_names": "地类以分类影像的取值显示（{codes}）：未给出地类名称（redline report --class-names 1=耕地,3=建设用地）。",
    },
    "en": {
        "title": "Land-use supervision audit report", "as_of": "As of", "rules": "Rule set", "crs": "Working CRS",
        "area": "Area method", "version": "redline version", "overview": "Overview", "overview_map": "Findings map",
        "findings": "findings", "count": "count", "mu": "mu", "rows": "rows", "table": "Table", "rule": "rule",
        "rejected": "Rejected features", "rejected_none": "No feature was set aside.", "notes": "Notes",
        "thresholds": "Rule-set thresholds and sources", "key": "key", "value": "value", "unit": "unit",
        "status": "status", "source": "source", "empty": "This audit found nothing.",
        "truncated": "First {n} of {total} rows shown; all rows are in redline_ledger.xlsx and redline_results.gpkg.",
        "codes": "Codes on the charts: ", "no_cjk": "(No Chinese font installed: chart text is in English or codes.)",
        "contents": "Contents", "figures_note": "How the figures are counted", "generated": "generated",
        "layer": "layer", "feature_id": "feature id", "code": "code", "reason": "reason", "summary": "Summary",
        "rejected_said": "{n} features were set aside (geometry, ids, CRS ...), each listed:",
        "area_label": "area", "rows_label": "rows",
        "jurisdiction": "Jurisdiction", "bureau": "Audited by", "sign_bureau": "Audited by (seal): ",
        "sign_person": "Responsible officer (signature): ", "sign_date": "Date: ",
        "no_lines": "The maps do not draw the control lines (permanent basic farmland, ecological red line, urban "
                    "growth boundary): a results GeoPackage holds no input layers; a report written by the run "
                    "itself draws them.",
        "no_class_names": "Land-cover classes are shown by their raster values ({codes}): no class names were "
                          "given (redline report --class-names 1=cultivated,3=construction).",
    },
}

MAX_ROWS = 1000
#: a colour for a code no spec declares
DEFAULT_COLOUR = "#1f77b4"


@dataclass
class Figure:
    """A headline figure: its key (``output.name``), label, value and unit."""

    key: str
    label: str
    value: float
    unit: str = ""
    digits: int = 0
    grave: bool = False

    def text(self) -> str:
        if self.value is None or (isinstance(self.value, float) and math.isnan(self.value)):
            return "–"
        if self.unit == "%":
            return f"{self.value * 100:.1f}"
        return f"{self.value:,.{self.digits}f}"

    @property
    def number(self) -> str:
        """The unrounded value, as ``data-value`` carries it."""
        return "" if self.value is None else repr(float(self.value))


@dataclass
class Section:
    """One output's part of the page; a section hook adds to ``figures``, ``images`` and ``blocks``."""

    name: str
    title: str
    description: str = ""
    figures: list[Figure] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)  # (data URI, caption)
    blocks: list[str] = field(default_factory=list)  # extra HTML (explanations), already escaped
    table: Table | None = None
    rows: int = 0
    #: which rows the overview map draws: True (the counted statuses, else the rows that are not slivers),
    #: False (none: a table per unit, not findings), or a boolean mask of the frame
    overview: Any = True
    #: how the overview map draws its rows: "fill", or "outline" (rows on land another output fills, e.g. deadline
    #: alerts on the supplies idle land also shows, drawn as outlines over it so that neither hides the other)
    overview_style: str = "fill"
    anchor: str = ""  # its id on the page
    #: the statuses the rows hold, as the page's legend shows them: (code, colour, label, rows)
    legend: list[tuple[str, str, str, int]] = field(default_factory=list)

    @property
    def grave(self) -> bool:
        """A headline figure to act on is not zero (the overview card is marked)."""
        return any(f.grave and f.value for f in self.figures)


class Ctx:
    """What sections share: the data, language, canvas for figures, background geometry, code labels."""

    def __init__(self, data: ReportData, lang: str) -> None:
        self.data = data
        self.lang = lang
        self.canvas = F.Canvas(lang)
        self.background = _background(data)
        self.metric = _metric(data)
        self.statuses: dict[str, Status] = {}
        for spec in _known_specs(data):
            for out in spec.outputs:
                for s in out.statuses:
                    self.statuses.setdefault(s.code, s)
        self.labels: dict[str, tuple[str, str]] = {}
        self.wide: set[str] = set()  # figures that take a whole row
        #: the control lines (三线) the run had as inputs, drawn on every map: input kind -> geometries
        self.lines = control_lines(data)
        #: names of the land-cover classes of classified rasters: class value (as text) -> (Chinese, English)
        self.class_names = {class_key(k): split_label(v) for k, v in (data.class_names or {}).items()}

    def t(self, key: str) -> str:
        return TEXT[self.lang][key]

    def w(self, zh: str, en: str) -> str:
        """Page text in the report's language."""
        return zh if self.lang == "zh" else en

    def c(self, zh: str, en: str) -> str:
        """Chart text: Chinese only when a CJK font can draw it."""
        return self.canvas.text(zh, en)

    def learn_labels(self, frame: pd.DataFrame) -> None:
        """Take Chinese labels for undeclared codes from an output's ``<column>_zh`` columns (obligation_zh ...)."""
        for col in frame.columns:
            base = str(col).removesuffix("_zh")
            if str(col).endswith("_zh") and base in frame.columns:
                pairs = frame[[base, col]].dropna().drop_duplicates(base)
                for code, zh in zip(pairs[base].astype(str), pairs[col].astype(str), strict=True):
                    self.labels.setdefault(code, (zh, code.replace("_", " ")))

    def cat(self, code: Any, *, chart: bool = False) -> str:
        """A code's label: its declared status, else the output's ``_zh`` column, else the code."""
        s = self.statuses.get(str(code))
        zh, en = (s.label_zh, s.label_en) if s is not None else self.labels.get(
            str(code), (str(code), str(code).replace("_", " ")))
        if chart:
            return self.canvas.label(self.c(zh, en))
        return self.w(zh, en)

    def land_class(self, code: Any, *, chart: bool = False) -> str:
        """A land-cover class value by its name (``class_names``), e.g. ``3`` -> 建设用地; the value when unnamed."""
        text = class_key(code)
        if text not in self.class_names:
            return text
        zh, en = self.class_names[text]
        if chart:
            return self.canvas.label(self.c(zh, en))
        return self.w(zh, en)

    def colour(self, code: Any, default: str = DEFAULT_COLOUR) -> str:
        s = self.statuses.get(str(code))
        return s.colour if s is not None else default

    def output(self, sec: Section) -> OutputSpec | None:
        """The spec of the section's output."""
        return self.data.output_spec(sec.name)[1]

    def chart_title(self, sec: Section) -> str:
        """An output's name as a chart can draw it."""
        if self.canvas.lang == self.lang:
            return self.canvas.label(sec.title)
        _, out = self.data.output_spec(sec.name)
        return self.canvas.label(out.label_en if out is not None else sec.name)

    def image(self, fig: Any) -> str | None:
        if fig is None:
            return None
        return F.to_data_uri(fig, self.canvas)

    def map(self, layers: Sequence[tuple], title: str = "", zoom: str = "auto") -> str | None:
        """A map of ``layers`` ((geometries, colour, label[, "outline"]) ...) over the units and the control lines."""
        fig = F.map_figure(self.canvas, layers, background=self.background, metric=self.metric, title=title,
                           zoom=zoom, lines=self.lines)
        uri = self.image(fig)
        if fig is not None and len(fig.axes) > 1 and uri is not None:
            self.wide.add(uri)
        return uri


def _known_specs(data: ReportData) -> list[Any]:
    from ..registry import all_specs

    return [*data.specs, *all_specs()]


def _metric(data: ReportData) -> bool:
    for frame in list(data.outputs.values()) + list(data.layers.values()):
        if isinstance(frame, gpd.GeoDataFrame) and frame.crs is not None:
            return bool(frame.crs.is_projected)
    return True


#: the outputs whose columns hold land-cover class values of the classified rasters
CLASS_COLUMNS = {"transitions": ("before", "after"), "change_patches": ("from_class", "to_class"),
                 "patch_register": ("from_class", "to_class")}


def class_key(code: Any) -> str:
    """A class value as text, the same whether read as 3, 3.0 or "3".

    >>> class_key(3), class_key(3.0), class_key("3"), class_key(" 12 ")
    ('3', '3', '3', '12')
    """
    text = str(code).strip()
    return text[:-2] if text.endswith(".0") and text[:-2].lstrip("-").isdigit() else text


def control_lines(data: ReportData) -> dict[str, np.ndarray]:
    """The control lines (三线: 永久基本农田 ``farmland``, 生态保护红线 ``eco_redline``, 城镇开发边界
    ``growth_boundary``) among the run's prepared input layers, in the order they are drawn."""
    found = {}
    for kind in F.LINE_STYLES:
        layer = data.layers.get(kind)
        if isinstance(layer, gpd.GeoDataFrame) and len(layer):
            g = _present(layer)
            if len(g):
                found[kind] = g
    return found


def split_label(text: Any) -> tuple[str, str]:
    """A bilingual label ``"construction 建设用地"`` -> (``"建设用地"``, ``"construction"``); one language: both.

    >>> split_label("forest/grass 林草地"), split_label("耕地"), split_label(("水域", "water"))
    (('林草地', 'forest/grass'), ('耕地', '耕地'), ('水域', 'water'))
    """
    if isinstance(text, tuple | list) and len(text) == 2:
        return str(text[0]), str(text[1])
    s = str(text).strip()
    words = s.split()
    zh_words = [w for w in words if any(ord(ch) >= 0x2E80 for ch in w)]
    en_words = [w for w in words if w not in zh_words]
    zh = " ".join(zh_words) or s
    en = " ".join(en_words) or s
    return zh, en


def _background(data: ReportData) -> np.ndarray | None:
    admin = data.layers.get("admin")
    if isinstance(admin, gpd.GeoDataFrame) and len(admin):
        return _present(admin)
    for name in ("development_intensity", "conflicts_by_unit"):
        frame = data.outputs.get(name)
        if spatial(frame):
            return _present(frame)
    return None


# --- column helpers for section hooks ------------------------------------------------------------


def num(frame: pd.DataFrame, name: str) -> pd.Series | None:
    """Column ``name`` as numbers, or None when the frame lacks it."""
    if name not in frame.columns:
        return None
    return pd.to_numeric(frame[name], errors="coerce")


def mu(frame: pd.DataFrame, name: str | None = None) -> pd.Series | None:
    """An area in 亩: column ``name`` (``_mu``, or ``_m2`` converted); without a name, the first area column."""
    if name is not None:
        s = num(frame, name)
        return s / M2_PER_MU if s is not None and name.endswith("_m2") else s
    for suffix, factor in (("_mu", 1.0), ("_m2", 1 / M2_PER_MU)):
        for col in frame.columns:
            if str(col).endswith(suffix):
                s = num(frame, str(col))
                return None if s is None else s * factor
    return None


def flag(frame: pd.DataFrame, name: str) -> pd.Series | None:
    """A yes/no column as booleans (also when read back from a GeoPackage as text or 0/1)."""
    if name not in frame.columns:
        return None
    s = frame[name]
    if s.dtype == bool:
        return s
    text = s.astype(str).str.strip().str.lower()
    return text.isin({"true", "1", "1.0", "yes", "是", "y", "t"})


def slivers(frame: pd.DataFrame, kind: str | None = None) -> pd.Series:
    """Rows that are slivers: ``is_sliver`` true, or column ``kind`` (e.g. ``unsupplied_kind``) = ``sliver``."""
    if kind is not None and kind in frame.columns:
        return frame[kind].astype(str) == "sliver"
    s = flag(frame, "is_sliver")
    return s if s is not None else pd.Series(False, index=frame.index)


def _present(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Geometries that are neither missing nor empty (as an object array)."""
    arr = np.asarray(frame.geometry.array, dtype=object)
    return arr[~shapely.is_missing(arr) & ~shapely.is_empty(arr)]


def spatial(frame: Any) -> bool:
    return isinstance(frame, gpd.GeoDataFrame) and len(frame) > 0 and len(_present(frame)) > 0


def geoms(frame: Any, mask: Any = None) -> np.ndarray | None:
    if not isinstance(frame, gpd.GeoDataFrame):
        return None
    sub = frame if mask is None else frame[np.asarray(mask, dtype=bool)]
    g = _present(sub)
    return g if len(g) else None


def total(s: pd.Series | None, mask: Any = None) -> float:
    if s is None:
        return float("nan")
    if mask is not None:
        s = s[mask]
    return float(np.nansum(s.to_numpy(dtype=float))) if len(s) else 0.0


# --- what every output gets ----------------------------------------------------------------------


def row_status(out: OutputSpec, frame: pd.DataFrame) -> pd.Series:
    """Each row's status code (the first, when the status column holds several: ``status_separator``)."""
    column = frame[out.status_column].astype(str)
    return column.map(lambda v: out.row_codes(v)[0]) if out.status_separator else column


def holds(out: OutputSpec, frame: pd.DataFrame, codes: Sequence[str]) -> pd.Series:
    """The rows whose status cell holds one of ``codes`` (any of its codes, with ``status_separator``)."""
    column = frame[out.status_column].astype(str)
    if not out.status_separator:
        return column.isin(tuple(codes))
    wanted = set(codes)
    return column.map(lambda v: bool(wanted.intersection(out.row_codes(v))))


def _rows(out: OutputSpec, frame: pd.DataFrame, statuses: Sequence[str] | str) -> pd.Series | None:
    if not statuses:
        return pd.Series(True, index=frame.index)
    if not out.status_column or out.status_column not in frame.columns:
        return None
    return holds(out, frame, out.counted if statuses == "counted" else tuple(statuses))


def declared_figures(ctx: Ctx, sec: Section, out: OutputSpec, frame: pd.DataFrame) -> None:
    """The output's declared figures, then a count per status to watch (shown when present, or grave)."""
    for fs in out.figures:
        fig = _figure(ctx, sec.name, out, fs, frame)
        if fig is not None:
            sec.figures.append(fig)
    if out.status_column in frame.columns:
        for s in out.statuses:
            if s.watch:
                n = int(holds(out, frame, (s.code,)).sum())
                if n or s.grave:
                    sec.figures.append(Figure(f"{sec.name}.{s.code}", s.label(ctx.lang), n, grave=s.grave and n > 0))


def _figure(ctx: Ctx, name: str, out: OutputSpec, fs: FigureSpec, frame: pd.DataFrame) -> Figure | None:
    rows = _rows(out, frame, fs.statuses)
    if rows is None:
        return None
    if fs.column:
        values = mu(frame, fs.column) if fs.unit == "亩" else num(frame, fs.column)
        if values is None:
            return None
        value = total(values, rows)
    else:
        value = int(rows.sum())
    return Figure(f"{name}.{fs.name}", ctx.w(fs.label_zh, fs.label_en), value, fs.unit, fs.digits,
                  grave=fs.grave and bool(value))


def generic(ctx: Ctx, sec: Section, frame: pd.DataFrame, out: OutputSpec | None = None) -> None:
    """An output without a section hook and without declared figures: its rows, its area, a map."""
    sec.figures.append(Figure(f"{sec.name}.count", ctx.t("rows_label"), len(frame)))
    area = mu(frame)
    if area is not None:
        sec.figures.append(Figure(f"{sec.name}.area_mu", ctx.t("area_label"), total(area), "亩", 2))
    generic_map(ctx, sec, out, frame)


def generic_map(ctx: Ctx, sec: Section, out: OutputSpec | None, frame: pd.DataFrame) -> None:
    """An output's rows on a map: by status in the statuses' colours when it declares them, else in one colour."""
    if not spatial(frame):
        return
    if out is not None and out.statuses and out.status_column in frame.columns:
        status_map(ctx, sec, out, frame, (sec.title, sec.title), codes=present_codes(out, frame))
        return
    uri = ctx.map([(geoms(frame), DEFAULT_COLOUR, ctx.chart_title(sec))])
    if uri:
        sec.images.append((uri, sec.title))


def status_legend(ctx: Ctx, out: OutputSpec, frame: pd.DataFrame) -> list[tuple[str, str, str, int]]:
    """The declared statuses the rows hold, in their order: (code, colour, label, rows holding it)."""
    if not out.statuses or out.status_column not in frame.columns:
        return []
    found = []
    for s in out.statuses:
        n = int(holds(out, frame, (s.code,)).sum())
        if n:
            found.append((s.code, s.colour, s.label(ctx.lang), n))
    return found


def status_map(ctx: Ctx, sec: Section, out: OutputSpec, frame: pd.DataFrame, caption: tuple[str, str],
               codes: Sequence[str] | None = None, mask: Any = None) -> None:
    """A map of the rows by status, in the statuses' colours (those to watch, or ``codes``)."""
    if not spatial(frame) or out.status_column not in frame.columns:
        return
    column = row_status(out, frame)
    keep = pd.Series(True, index=frame.index) if mask is None else mask
    chosen = [s for s in out.statuses if (s.code in codes if codes is not None else s.watch)]
    layers = [(geoms(frame, keep & (column == s.code)), s.colour, ctx.canvas.label(ctx.c(s.label_zh, s.label_en)))
              for s in chosen if (keep & (column == s.code)).any()]
    uri = ctx.map(layers) if layers else None
    if uri:
        sec.images.append((uri, ctx.w(*caption)))


def present_codes(out: OutputSpec, frame: pd.DataFrame) -> list[str]:
    """The status codes the frame holds: the declared ones in their order, then any other."""
    column = row_status(out, frame[frame[out.status_column].notna()])
    have = set(column)
    return [c for c in out.status_codes if c in have] + [c for c in column.unique() if c not in out.status_codes]


def status_bars(ctx: Ctx, sec: Section, out: OutputSpec, frame: pd.DataFrame, title: tuple[str, str],
                unit: tuple[str, str], caption: tuple[str, str]) -> None:
    """A bar per status present: how many rows have it."""
    present = present_codes(out, frame)
    column = row_status(out, frame)
    counts = [int((column == c).sum()) for c in present]
    uri = ctx.image(F.bar_chart(ctx.canvas, [ctx.cat(c, chart=True) for c in present], counts, horizontal=True,
                                colors=[ctx.colour(c) for c in present], title=ctx.c(*title),
                                ylabel=ctx.c(*unit)))
    if uri:
        sec.images.append((uri, ctx.w(*caption)))


# --- tables ---------------------------------------------------------------------------------------


def _fmt_cell(value: Any, kind: str) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        if kind in ("mu", "m2", "wan"):
            return f"{float(value):,.2f}"
        if kind == "float":
            return f"{float(value):,.3f}"
        if kind == "ratio":
            return f"{float(value) * 100:.1f} %"
        if kind in ("int", "days"):
            return f"{int(round(float(value))):,}"
        if kind == "date":
            ts = pd.Timestamp(value)
            return "" if pd.isna(ts) else ts.strftime("%Y-%m-%d")
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool | np.bool_):
        return "是" if value else "否"
    if isinstance(value, list | tuple | set | np.ndarray):
        return "、".join(map(str, value))
    return str(value)


@dataclass
class Table:
    """A table as the page template shows it: headers, rows of (css class, text) cells, a truncation note."""

    headers: list[str]
    rows: list[list[tuple[str, str]]]
    truncated: str = ""
    css: str = "data"


NUMERIC = frozenset({"mu", "m2", "wan", "float", "ratio", "int", "days"})


def table(ctx: Ctx, frame: pd.DataFrame | None, columns: Sequence[LedgerColumn] | None = None, *,
          max_rows: int = MAX_ROWS, css: str = "data") -> Table | None:
    """The first ``max_rows`` rows of ``frame`` in ``columns`` (the output's ledger layout), formatted."""
    if frame is None or not len(frame.columns):
        return None
    cols = LedgerSheet("t", frame, list(columns or [])).resolved_columns()
    if columns and "rule" in frame.columns and "rule" not in {c.name for c in cols}:
        cols.append(LedgerColumn("rule", ctx.t("rule")))
    if ctx.lang == "en":
        cols = [LedgerColumn(c.name, c.name, c.kind, c.total) for c in cols]
    # the rule behind each finding, under one header in every table of the page
    cols = [LedgerColumn(c.name, ctx.t("rule"), c.kind, c.total) if c.name == "rule" and columns else c for c in cols]
    wide = {c.name for c in cols if c.kind == "text" and c.name != "rule"
            and frame[c.name].head(max_rows).astype(str).str.len().max() > 24}
    classes = ["n" if c.kind in NUMERIC else "d" if c.kind == "date" else "rule" if c.name == "rule" else
               "w" if c.name in wide else "" for c in cols]
    rows = [[(cls, _fmt_cell(v, c.kind)) for v, c, cls in zip(rec, cols, classes, strict=True)]
            for rec in frame[[c.name for c in cols]].head(max_rows).itertuples(index=False, name=None)]
    truncated = ctx.t("truncated").format(n=max_rows, total=len(frame)) if len(frame) > max_rows else ""
    return Table([c.header for c in cols], rows, truncated, css)


# --- a section, the overview map -----------------------------------------------------------------


def build_section(ctx: Ctx, name: str, frame: pd.DataFrame) -> Section:
    _, out = ctx.data.output_spec(name)
    title = (out.label_zh if ctx.lang == "zh" else out.label_en) if out is not None else name
    description = "" if out is None else (out.description_en or out.description) if ctx.lang == "en" else \
        out.description
    sec = Section(name=name, title=title or name, description=description, rows=len(frame))
    if len(frame):
        ctx.learn_labels(frame)
        if out is not None:
            declared_figures(ctx, sec, out, frame)
        if out is not None and out.section is not None:
            out.section(ctx, sec, frame)
        else:  # the declared figures, a legend of the statuses and a map (the hook draws its own)
            if out is None or not out.figures:
                generic(ctx, sec, frame, out)
            else:
                generic_map(ctx, sec, out, frame)
            if out is not None:
                sec.legend = status_legend(ctx, out, frame)
    else:
        sec.figures.append(Figure(f"{name}.count", ctx.t("findings"), 0))
    shown = _named_classes(ctx, name, frame)
    sec.table = table(ctx, shown, out.ledger_columns() if out is not None else None) if len(frame) else None
    return sec


def _named_classes(ctx: Ctx, name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as its table shows it: land-cover class values with their names (``3 建设用地``)."""
    cols = [c for c in CLASS_COLUMNS.get(name, ()) if c in frame.columns]
    if not ctx.class_names or not cols:
        return frame
    shown = frame.copy()
    for col in cols:
        shown[col] = [v if v is None or (isinstance(v, float) and math.isnan(v)) or class_key(v) not in ctx.class_names
                      else f"{class_key(v)} {ctx.land_class(v)}" for v in frame[col]]
    return shown


def overview_map(ctx: Ctx, sections: Sequence[Section]) -> str | None:
    """The findings of every output on one map: the rows its section chose (``Section.overview``)."""
    layers = []
    k = 0
    for sec in sections:
        frame = ctx.data.outputs.get(sec.name)
        if sec.overview is False or not spatial(frame):
            continue
        mask = sec.overview
        if mask is True:
            _, out = ctx.data.output_spec(sec.name)
            counted = _rows(out, frame, "counted") if out is not None and out.counted else None
            mask = counted if counted is not None else ~slivers(frame)
        g = geoms(frame, mask)
        if g is None:
            continue
        layers.append((g, F.PALETTE[k % len(F.PALETTE)], ctx.chart_title(sec), sec.overview_style))
        k += 1
    return ctx.map(layers, title=ctx.c("审计发现分布", "Findings"), zoom="inset") if layers else None
