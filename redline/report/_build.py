"""The report's sections: headline figures, maps, charts and tables for every output a run produced.

Each known output (by its stable name, or by its columns for outputs named otherwise) has a
section builder; any other output gets a generic section (count, area, table). A builder reads
columns defensively: a column that is missing only removes the figure or chart that needs it.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..io.ledger import LedgerColumn, LedgerSheet
from ..units import M2_PER_MU
from . import _figures as F
from ._data import ReportData

# --- words ----------------------------------------------------------------------------------------

LABELS = {  # output name -> (zh, en), used when no spec names the output
    "approved_not_supplied": ("批而未供", "Approved but not supplied"),
    "supply_outside_approvals": ("批外供地", "Supply outside approvals"),
    "supply_before_approval": ("先供后批", "Supply before approval"),
    "supply_rate": ("供地率", "Supply rate"),
    "idle_land": ("供而未用（闲置土地）", "Supplied but not used (idle land)"),
    "underused": ("用而不足（低效用地）", "Used but under-used"),
    "deadline_alerts": ("履约期限预警", "Deadline alerts"),
    "three_line_conflicts": ("三区三线冲突", "Three-control-line conflicts"),
    "conflicts_by_unit": ("分行政区冲突汇总", "Conflicts by unit"),
    "development_intensity": ("土地开发强度", "Development intensity"),
    "growth_boundary_use": ("城镇开发边界使用", "Growth boundary use"),
    "farmland_retention": ("耕地保有量", "Farmland retention"),
    "change_patches": ("变化图斑", "Change patches"),
    "patch_register": ("卫片图斑登记表", "Change-patch register"),
    "transitions": ("地类转移矩阵", "Land-cover transitions"),
}

CATEGORY = {  # status / kind / judgement codes -> (zh, en)
    "not_due": ("未到期", "not due"), "start_overdue": ("逾期未开工", "start overdue"),
    "idle": ("闲置满一年", "idle ≥ 1 year"), "idle_recover": ("闲置满两年（可收回）", "idle ≥ 2 years (recover)"),
    "stalled": ("开工后停建", "stalled"), "in_progress": ("在建", "in progress"), "completed": ("已竣工", "completed"),
    "exempt": ("第八条情形（待处置）", "art. 8 cause (disposal pending)"),
    "exempt_overdue": ("第八条情形（处置逾期）", "art. 8 cause (disposal overdue)"),
    "suspended_undetermined": ("停工满一年（待核实）", "suspended ≥ 1 year (to verify)"),
    "undetermined": ("无法判定", "undetermined"), "not_yet_supplied": ("尚未供地", "not yet supplied"),
    "farmland_growth": ("永农×开发边界", "farmland × growth boundary"),
    "farmland_eco": ("永农×生态红线", "farmland × eco red line"),
    "growth_eco": ("开发边界×生态红线", "growth boundary × eco red line"),
    "approved_supplied": ("已批已供", "approved, supplied"), "approved_not_supplied": ("已批未供", "approved, not supplied"),
    "unapproved": ("未批先用", "unapproved"), "unapproved_on_farmland": ("未批占用永农", "unapproved on farmland"),
    "warning": ("预警", "warning"), "escalation": ("督办", "escalation"), "overdue": ("已逾期", "overdue"),
    "attention": ("关注", "attention"), "ok": ("正常", "ok"), "normal": ("正常", "normal"),
    "escalated": ("已督办", "escalated"), "upcoming": ("即将到期", "upcoming"), "met": ("已履约", "met"),
    "pbf_share_low": ("永农占耕地比例偏低", "PBF share low"), "start": ("开工", "start"),
    "completion": ("竣工", "completion"), "handover": ("交地", "handover"), "payment": ("缴款", "payment"),
}

STATUS_COLOURS = {
    "start_overdue": "#ffbb33", "idle": "#ff7f0e", "idle_recover": "#d62728", "stalled": "#9467bd",
    "exempt": "#7f7f7f", "not_due": "#aec7e8", "in_progress": "#2ca02c", "completed": "#1f77b4",
    "exempt_overdue": "#8c564b", "suspended_undetermined": "#c5b0d5", "undetermined": "#bcbd22",
    "not_yet_supplied": "#dbdb8d",
    "farmland_growth": "#d62728", "farmland_eco": "#2ca02c", "growth_eco": "#9467bd",
    "approved_supplied": "#2ca02c", "approved_not_supplied": "#ffbb33", "unapproved": "#ff7f0e",
    "unapproved_on_farmland": "#d62728", "warning": "#ffbb33", "escalation": "#d62728", "escalated": "#d62728",
    "overdue": "#ff7f0e", "upcoming": "#ffbb33",
}
IDLE_STATES = ("start_overdue", "idle", "idle_recover", "stalled", "exempt", "exempt_overdue",
               "suspended_undetermined")

TEXT = {
    "zh": {
        "title": "土地利用监管审计报告", "as_of": "审计基准日", "rules": "规则集", "crs": "工作坐标系",
        "area": "面积算法", "version": "redline 版本", "overview": "概览", "overview_map": "审计发现分布图",
        "findings": "条", "count": "数量", "mu": "亩", "rows": "行", "table": "明细表", "rule": "依据规则",
        "rejected": "剔除要素", "rejected_none": "没有要素被剔除。", "notes": "说明", "thresholds": "规则阈值及依据",
        "key": "规则项", "value": "取值", "unit": "单位", "status": "性质", "source": "依据", "empty": "本项审计无发现。",
        "truncated": "仅显示前 {n} 行（共 {total} 行）；全部见台账 redline_ledger.xlsx 与 redline_results.gpkg。",
        "codes": "图中编号：", "no_cjk": "（本机未安装中文字体，图中文字以英文或编号显示。）",
        "contents": "目录", "figures_note": "统计口径", "generated": "生成于", "layer": "图层", "feature_id": "要素编号",
        "code": "问题代码", "reason": "原因", "summary": "审计摘要",
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
    },
}

MAX_ROWS = 1000


@dataclass
class Figure:
    """A headline figure: its key (``output.column``), label, value and unit."""

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


@dataclass
class Section:
    name: str
    title: str
    description: str = ""
    figures: list[Figure] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)  # (data URI, caption)
    blocks: list[str] = field(default_factory=list)  # extra HTML (explanations)
    table: str = ""


class Ctx:
    """What section builders share: the data, language, canvas for figures, background geometry."""

    def __init__(self, data: ReportData, lang: str) -> None:
        self.data = data
        self.lang = lang
        self.canvas = F.Canvas(lang)
        self.background = _background(data)
        self.metric = _metric(data)
        self.labels: dict[str, tuple[str, str]] = {}
        self.wide: set[str] = set()  # figures that take a whole row

    def t(self, key: str) -> str:
        return TEXT[self.lang][key]

    def w(self, zh: str, en: str) -> str:
        """Page text in the report's language."""
        return zh if self.lang == "zh" else en

    def c(self, zh: str, en: str) -> str:
        """Chart text: Chinese only when a CJK font can draw it."""
        return self.canvas.text(zh, en)

    def learn_labels(self, frame: pd.DataFrame) -> None:
        """Take Chinese labels for codes from an output's ``<column>_zh`` columns (status_zh, kind_zh ...)."""
        for col in frame.columns:
            base = str(col).removesuffix("_zh")
            if str(col).endswith("_zh") and base in frame.columns:
                pairs = frame[[base, col]].dropna().drop_duplicates(base)
                for code, zh in zip(pairs[base].astype(str), pairs[col].astype(str), strict=True):
                    en = CATEGORY.get(code, (code, code.replace("_", " ")))[1]
                    self.labels.setdefault(code, (zh, en))

    def cat(self, code, *, chart: bool = False) -> str:
        zh, en = self.labels.get(str(code)) or CATEGORY.get(str(code), (str(code), str(code).replace("_", " ")))
        if chart:
            return self.canvas.label(self.c(zh, en))
        return self.w(zh, en)

    def chart_title(self, sec: Section) -> str:
        """An output's name as a chart can draw it."""
        if self.canvas.lang == self.lang:
            return self.canvas.label(sec.title)
        _, out = self.data.output_spec(sec.name)
        return self.canvas.label(out.label_en if out is not None else LABELS.get(sec.name, (sec.name, sec.name))[1])

    def image(self, fig) -> str | None:
        if fig is None:
            return None
        return F.to_data_uri(fig, self.canvas)

    def map(self, layers, title: str = "", zoom: str = "auto"):
        fig = F.map_figure(self.canvas, layers, background=self.background, metric=self.metric, title=title,
                           zoom=zoom)
        uri = self.image(fig)
        if uri is not None and fig is not None and len(fig.axes) > 1:
            self.wide.add(uri)
        return uri


def _metric(data: ReportData) -> bool:
    for frame in list(data.outputs.values()) + list(data.layers.values()):
        if isinstance(frame, gpd.GeoDataFrame) and frame.crs is not None:
            return bool(frame.crs.is_projected)
    return True


def _background(data: ReportData):
    admin = data.layers.get("admin")
    if isinstance(admin, gpd.GeoDataFrame) and len(admin):
        return _present(admin)
    for name in ("development_intensity", "conflicts_by_unit"):
        frame = data.outputs.get(name)
        if _spatial(frame):
            return _present(frame)
    return None


# --- column helpers -------------------------------------------------------------------------------


def _col(frame: pd.DataFrame, *names: str) -> str | None:
    for n in names:
        if n in frame.columns:
            return n
    return None


def _num(frame: pd.DataFrame, name: str | None) -> pd.Series | None:
    if name is None or name not in frame.columns:
        return None
    return _numeric(frame, name)


def _numeric(frame: pd.DataFrame, name: str) -> pd.Series:
    """Column ``name`` (present) as numbers, what does not read as one NaN."""
    return pd.to_numeric(frame[name], errors="coerce")


def _mu(frame: pd.DataFrame, *prefer: str) -> pd.Series | None:
    """An area in 亩: the first preferred column present (``_mu``, or ``_m2`` converted), else any area column."""
    for name in prefer:
        if name in frame.columns:
            s = _numeric(frame, name)
            return s / M2_PER_MU if name.endswith("_m2") else s
    for suffix, factor in (("_mu", 1.0), ("_m2", 1 / M2_PER_MU)):
        for name in frame.columns:
            if str(name).endswith(suffix):
                return _numeric(frame, name) * factor
    return None


def _bool(frame: pd.DataFrame, name: str | None) -> pd.Series | None:
    if name is None or name not in frame.columns:
        return None
    s = frame[name]
    if s.dtype == bool:
        return s
    text = s.astype(str).str.strip().str.lower()
    return text.isin({"true", "1", "1.0", "yes", "是", "y", "t"})


def _slivers(frame: pd.DataFrame) -> pd.Series:
    """Rows that are slivers: ``is_sliver`` true, or ``unsupplied_kind`` / ``outside_kind`` = ``sliver``."""
    s = _bool(frame, _col(frame, "is_sliver", "sliver"))
    if s is not None:
        return s
    kind = _col(frame, "unsupplied_kind", "outside_kind", "sliver_kind")
    if kind is not None:
        return frame[kind].astype(str) == "sliver"
    return pd.Series(False, index=frame.index)


def _present(frame) -> np.ndarray:
    """Geometries that are neither missing nor empty (as an object array)."""
    arr = np.asarray(frame.geometry.array, dtype=object)
    return arr[~shapely.is_missing(arr) & ~shapely.is_empty(arr)]


def _spatial(frame) -> bool:
    return isinstance(frame, gpd.GeoDataFrame) and len(frame) > 0 and len(_present(frame)) > 0


def _geoms(frame, mask=None):
    if not isinstance(frame, gpd.GeoDataFrame):
        return None
    sub = frame if mask is None else frame[np.asarray(mask, dtype=bool)]
    g = _present(sub)
    return g if len(g) else None


def _unit_col(frame: pd.DataFrame) -> str | None:
    return _col(frame, "admin_name", "unit_name", "name", "district", "unit", "admin_code", "boundary_id")


def _total(s: pd.Series | None, mask=None) -> float:
    if s is None:
        return float("nan")
    if mask is not None:
        s = s[mask]
    return float(np.nansum(s.to_numpy(dtype=float))) if len(s) else 0.0


# --- sections -------------------------------------------------------------------------------------


def _sec_approved_not_supplied(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    name = sec.name
    unsup = _mu(frame, "unsupplied_mu", "unsupplied_m2")
    sliver = _slivers(frame)
    if unsup is not None:
        real = (unsup.fillna(0) > 0) & ~sliver
        sec.figures += [
            Figure(f"{name}.count", ctx.w("宗批次有未供土地", "approvals with unsupplied land"), int(real.sum())),
            Figure(f"{name}.unsupplied_mu", ctx.w("批而未供面积", "unsupplied area"), _total(unsup, real), "亩", 2,
                   grave=True)]
        if sliver.any():
            sec.figures.append(Figure(f"{name}.sliver_count", ctx.w("宗仅余细碎图斑（另列，不计入）",
                                                                    "with slivers only (listed, not counted)"),
                                      int(sliver.sum())))
    approved = _num(frame, "approved_m2")
    supplied = _num(frame, "supplied_m2")
    if approved is not None and supplied is not None and _total(approved) > 0:
        sec.figures.append(Figure(f"{name}.supply_rate", ctx.w("总体供地率", "overall supply rate"),
                                  _total(supplied) / _total(approved), "%"))
    if unsup is not None and _spatial(frame):
        real = (unsup.fillna(0) > 0) & ~sliver
        uri = ctx.map([(_geoms(frame, real), "#d62728", ctx.c("批而未供部分", "unsupplied part")),
                       (_geoms(frame, sliver), "#ffbb33", ctx.c("细碎图斑", "sliver"))])
        if uri:
            drawn_slivers = _geoms(frame, sliver) is not None
            sec.images.append((uri, ctx.w("批而未供部分（红）" + ("与细碎图斑（黄）" if drawn_slivers else ""),
                                          "Unsupplied parts (red)" + (", slivers (yellow)" if drawn_slivers else ""))))
    age = _col(frame, "age_years", "approval_age_years", "age_days", "approval_age_days")
    if unsup is not None and age is not None:
        years = _numeric(frame, age) / (365.25 if age.endswith("days") else 1)
        bins = [0, 1, 2, 3, 5, np.inf]
        names = ["<1", "1–2", "2–3", "3–5", "≥5"]
        binned = pd.cut(years, bins, right=False, labels=names)
        real = (unsup.fillna(0) > 0) & ~sliver
        by = unsup[real].groupby(binned[real], observed=False).sum().reindex(names, fill_value=0)
        uri = ctx.image(F.bar_chart(ctx.canvas, [f"{n} {ctx.c('年', 'y')}" for n in names], by.to_numpy(),
                                    title=ctx.c("批而未供面积按批准年限", "Unsupplied area by approval age"),
                                    ylabel=ctx.c("亩", "mu"), colors=["#d62728"] * len(names)))
        if uri:
            sec.images.append((uri, ctx.w("按批准后年限统计的批而未供面积（亩）", "Unsupplied area by age (mu)")))


def _sec_supply_outside(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    area = _mu(frame, "outside_mu", "area_mu", "outside_m2", "area_m2")
    real = ~_slivers(frame)
    sec.figures.append(Figure(f"{sec.name}.count", ctx.w("宗供地在批准范围外", "supplies outside approvals"),
                              int(real.sum())))
    if area is not None:
        sec.figures.append(Figure(f"{sec.name}.area_mu", ctx.w("批外供地面积", "area outside approvals"),
                                  _total(area, real), "亩", 2))
    if _spatial(frame):
        uri = ctx.map([(_geoms(frame), "#8c564b", ctx.c("批外供地", "outside approvals"))])
        if uri:
            sec.images.append((uri, ctx.w("批准范围外的供地", "Supply outside approvals")))


def _sec_supply_before_approval(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    """先供后批: one row per (supply, approval) pair; the overlap is the land supplied before its approval."""
    sec.figures.append(Figure(f"{sec.name}.count", ctx.w("对供地早于批准（先供后批）", "supplies signed before approval"),
                              len(frame), grave=bool(len(frame))))
    area = _mu(frame, "overlap_mu", "overlap_m2")
    if area is not None:
        sec.figures.append(Figure(f"{sec.name}.overlap_mu", ctx.w("先于批准供应的面积", "area supplied before approval"),
                                  _total(area), "亩", 2))
    if _spatial(frame):
        uri = ctx.map([(_geoms(frame), "#9467bd", ctx.c("先供后批", "supplied before approval"))])
        if uri:
            sec.images.append((uri, ctx.w("供地早于批准的重叠部分", "Land supplied before its approval")))


def _sec_supply_rate(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    rate = _num(frame, _col(frame, "supply_rate", "rate"))
    if rate is None:
        return
    if {"period_kind", "period"} <= set(frame.columns) and _col(frame, "district", "admin_name"):
        _supply_rate_periods(ctx, sec, frame, rate)
        return
    thr_col = _num(frame, _col(frame, "threshold", "min_rate"))
    default = ctx.data.threshold("supply_rate.min_rate_5y", 0.6)
    threshold = thr_col if thr_col is not None else pd.Series(default, index=frame.index)
    flag = _bool(frame, _col(frame, "below_min", "below_threshold", "below", "flagged", "under_threshold"))
    below = flag if flag is not None else (rate < threshold)
    sec.figures.append(Figure(f"{sec.name}.below", ctx.w("个统计单元低于供地率红线", "units under the threshold"),
                              int(below.sum()), grave=bool(below.any())))
    line_value = float(np.nanmedian(threshold)) if len(threshold.dropna()) else default
    line = [(line_value, ctx.c(f"{line_value:.0%} 供地率线", f"{line_value:.0%} threshold"), "#d62728")]
    year = _col(frame, "year", "approval_year")
    unit = _col(frame, "district", "admin_name", "unit", "admin_code", "name")
    window = _col(frame, "window", "period")
    groups: list[tuple[str, pd.Series]] = []
    if year:
        m = frame[year].notna() & (frame[unit].isna() if unit else True)
        groups.append((year, m))
    if unit:
        m = frame[unit].notna() & (frame[year].isna() if year else True)
        groups.append((unit, m))
    if not groups:
        label = _col(frame, "group", "key", "scope", "label")
        if label:
            groups.append((label, frame[label].notna()))
    for col, mask in groups:
        parts = [(None, mask)] if not window else [(w, mask & (frame[window] == w)) for w in frame[window].dropna()
                                                   .unique()]
        for w, m in parts:
            sub = frame[m.to_numpy()] if hasattr(m, "to_numpy") else frame
            if not len(sub):
                continue
            if col == year:
                sub = sub.sort_values(col)
            labels = [(str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)) for v in sub[col]]
            r = rate[sub.index]
            colours = ["#d62728" if b else "#1f77b4" for b in below[sub.index]]
            by = ctx.c("按年度", "by year") if col == year else ctx.c("按行政区", "by district")
            wtxt = f" · {ctx.canvas.label(w)}" if w is not None else ""
            fig = F.bar_chart(ctx.canvas, labels, r.to_numpy(), lines=line, percent=True, colors=colours,
                              title=ctx.c("供地率", "Supply rate") + f" {by}{wtxt}", ylabel=ctx.c("供地率", "rate"))
            uri = ctx.image(fig)
            if uri:
                sec.images.append((uri, ctx.w(f"供地率{'按批准年度' if col == year else '按行政区'}"
                                              f"{'（' + str(w) + '）' if w is not None else ''}，红色低于"
                                              f" {line_value:.0%}",
                                              f"Supply rate {'by approval year' if col == year else 'by district'}"
                                              f"{' (' + str(w) + ')' if w is not None else ''}; red: under "
                                              f"{line_value:.0%}")))


TOTAL_UNITS = ("全部", "合计", "全县", "all", "total", "All", "Total")


def _supply_rate_periods(ctx: Ctx, sec: Section, frame: pd.DataFrame, rate: pd.Series) -> None:
    """Rows per district and period: ``period_kind`` year / recent / long, a total row per period (全部)."""
    unit = _col(frame, "district", "admin_name")
    kind = frame["period_kind"].astype(str)
    total = frame[unit].astype(str).isin(TOTAL_UNITS)
    default = ctx.data.threshold("supply_rate.min_rate_5y", 0.6)
    mins = _num(frame, "min_rate")
    line_value = float(mins.dropna().iloc[0]) if mins is not None and len(mins.dropna()) else default
    flag = _bool(frame, _col(frame, "below_min", "below_threshold"))
    below = flag if flag is not None else (kind.eq("long") & (rate < line_value))
    long_total = frame[kind.eq("long") & total]
    if len(long_total):
        period = str(long_total["period"].iloc[0])
        sec.figures.append(Figure(f"{sec.name}.rate_long", ctx.w(f"全域供地率（{period}）",
                                                                 f"overall rate ({_period_en(period)})"),
                                  float(rate[long_total.index[0]]), "%", grave=bool(below[long_total.index[0]])))
    units_below = below & ~total
    sec.figures.append(Figure(f"{sec.name}.below", ctx.w(f"个行政区低于 {line_value:.0%}", f"units under {line_value:.0%}"),
                              int(units_below.sum()), grave=bool(units_below.any())))
    line = [(line_value, ctx.c(f"{line_value:.0%} 供地率线", f"{line_value:.0%} line"), "#d62728")]
    years = frame[kind.eq("year") & total].copy()
    if len(years):
        years["_y"] = pd.to_numeric(years["period"], errors="coerce")
        years = years.sort_values("_y")
        r = rate[years.index]
        uri = ctx.image(F.bar_chart(ctx.canvas, [str(p) for p in years["period"]], r.to_numpy(), lines=line,
                                    percent=True, colors=["#d62728" if v < line_value else "#1f77b4" for v in r],
                                    title=ctx.c("全域供地率按批准年度", "Supply rate by approval year"),
                                    ylabel=ctx.c("供地率", "rate")))
        if uri:
            sec.images.append((uri, ctx.w(f"各批准年度的供地率（全域），红色低于 {line_value:.0%}",
                                          f"Supply rate by approval year (all units); red: under {line_value:.0%}")))
    longs = frame[kind.eq("long") & ~total & rate.notna()]
    if len(longs):
        longs = longs.loc[rate[longs.index].sort_values().index]
        period = str(longs["period"].iloc[0])
        uri = ctx.image(F.bar_chart(ctx.canvas, list(longs[unit]), rate[longs.index].to_numpy(), lines=line,
                                    percent=True, horizontal=True,
                                    colors=["#d62728" if b else "#1f77b4" for b in below[longs.index]],
                                    title=ctx.c(f"各行政区供地率（{period}）", "Supply rate by district (5 years)"),
                                    ylabel=ctx.c("供地率", "rate")))
        if uri:
            sec.images.append((uri, ctx.w(f"各行政区 {period} 供地率与 {line_value:.0%} 红线（增存挂钩）",
                                          f"Supply rate by district, {_period_en(period)}, against the "
                                          f"{line_value:.0%} line")))


IDLE_COUNTED = ("idle", "idle_recover", "stalled")
#: order 53 art. 14: the fee (一) is owed at the fee stage only; land at the recovery stage (二) is recovered instead
FEE_STAGE = ("idle", "stalled")


def _sec_idle(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    status = _col(frame, "status")
    area = _mu(frame, "supply_mu", "area_mu", "site_area_mu", "supplied_mu", "supply_m2", "area_m2",
               "site_area_m2")
    fee = _num(frame, "fee_due")
    if fee is None and _num(frame, "idle_fee") is not None:  # older results: the fee of land at the fee stage only
        fee = _numeric(frame, "idle_fee").where(frame[status].isin(FEE_STAGE), 0.0) if status else None
    if status:
        idle = frame[status].isin(IDLE_COUNTED)
        sec.figures.append(Figure(f"{sec.name}.count", ctx.w("宗闲置（满一年、满两年、停建）",
                                                             "idle (≥ 1 y, ≥ 2 y, stalled)"),
                                  int(idle.sum()), grave=bool(idle.any())))
        if area is not None:
            sec.figures.append(Figure(f"{sec.name}.idle_mu", ctx.w("闲置土地面积", "idle area"),
                                      _total(area, idle), "亩", 2, grave=bool(idle.any())))
    if fee is not None:
        sec.figures.append(Figure(f"{sec.name}.idle_fee", ctx.w("应征闲置费（不含已到无偿收回阶段）",
                                                                "idle fee due (land at the recovery stage excluded)"),
                                  _total(fee), "万元", 2))
    if status:
        for code in IDLE_STATES:
            m = frame[status] == code
            if m.any() or code in ("idle", "idle_recover"):
                sec.figures.append(Figure(f"{sec.name}.{code}", ctx.w(f"宗{ctx.cat(code)}", ctx.cat(code)),
                                          int(m.sum()), grave=code in IDLE_COUNTED and bool(m.any())))
    if status:
        present = [c for c in (*IDLE_STATES, "not_due", "in_progress", "completed") if (frame[status] == c).any()]
        present += [c for c in frame[status].dropna().unique() if c not in present]
        counts = [int((frame[status] == c).sum()) for c in present]
        uri = ctx.image(F.bar_chart(ctx.canvas, [ctx.cat(c, chart=True) for c in present], counts, horizontal=True,
                                    colors=[STATUS_COLOURS.get(c, "#1f77b4") for c in present],
                                    title=ctx.c("供地按状态（宗）", "Supplies by status (count)"),
                                    ylabel=ctx.c("宗", "count")))
        if uri:
            sec.images.append((uri, ctx.w("按《闲置土地处置办法》判定的状态", "Status under MLR order 53")))
        days = _num(frame, "idle_days")
        if days is not None:
            names = ["<1", "1–2", "≥2"]
            yrs = days / 365.0
            binned = pd.cut(yrs, [0, 1, 2, np.inf], right=False, labels=names)
            m = days.fillna(0) > 0
            series = {}
            for c in present:
                mm = m & (frame[status] == c)
                if mm.any():
                    vals = (area[mm] if area is not None else pd.Series(1.0, index=frame.index)[mm])
                    series[ctx.cat(c, chart=True)] = vals.groupby(binned[mm], observed=False).sum().reindex(
                        names, fill_value=0).to_numpy()
            colours = {ctx.cat(c, chart=True): STATUS_COLOURS.get(c, "#1f77b4") for c in present}
            uri = ctx.image(F.stacked_bars(ctx.canvas, [f"{n} {ctx.c('年', 'y')}" for n in names], series,
                                           colors=colours,
                                           title=ctx.c("逾期/闲置土地按时长", "Overdue and idle land by age"),
                                           xlabel=ctx.c("亩", "mu") if area is not None else ctx.c("宗", "count")))
            if uri:
                sec.images.append((uri, ctx.w("超过约定开工日期的时长", "Time since the agreed start date")))
        if _spatial(frame):
            layers = [(_geoms(frame, frame[status] == c), STATUS_COLOURS.get(c, "#1f77b4"), ctx.cat(c, chart=True))
                      for c in present if c in IDLE_STATES]
            uri = ctx.map(layers)
            if uri:
                sec.images.append((uri, ctx.w("逾期未开工、闲置与停建的供地", "Overdue, idle and stalled supplies")))


def _sec_underused(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    flag = _bool(frame, _col(frame, "underused"))
    area = _mu(frame, "site_mu", "area_mu", "site_area_mu", "site_m2", "area_m2", "site_area_m2")
    if flag is not None:
        sec.figures.append(Figure(f"{sec.name}.count", ctx.w("宗用而不足", "under-used"), int(flag.sum()),
                                  grave=bool(flag.any())))
        if area is not None:
            sec.figures.append(Figure(f"{sec.name}.area_mu", ctx.w("用而不足面积", "under-used area"),
                                      _total(area, flag), "亩", 2))
        low = _bool(frame, _col(frame, "low_efficiency"))
        if low is not None:
            sec.figures.append(Figure(f"{sec.name}.low_efficiency", ctx.w("宗低于低效用地容积率", "under the low-efficiency FAR"),
                                      int(low.sum()), grave=bool(low.any())))
    reasons = _col(frame, "reasons", "reason")
    if reasons:
        rows = frame[reasons].dropna().astype(str)
        if flag is not None:
            rows = rows[flag[rows.index]]
        items = rows.str.split(r"[;；,、]\s*").explode().str.strip()
        items = items[items != ""].str.replace(r"\s*[\d<≥>≤(（\[].*$", "", regex=True)
        counts = items.value_counts().head(12)
        if len(counts):
            uri = ctx.image(F.bar_chart(ctx.canvas, list(counts.index), counts.to_numpy(), horizontal=True,
                                        title=ctx.c("低效原因（宗）", "Reasons (count)"), ylabel=ctx.c("宗", "count"),
                                        colors=["#9467bd"] * len(counts)))
            if uri:
                sec.images.append((uri, ctx.w("未达标的指标", "Indicators under their threshold")))
    if flag is not None and _spatial(frame):
        uri = ctx.map([(_geoms(frame, flag), "#9467bd", ctx.c("低效用地", "under-used"))])
        if uri:
            sec.images.append((uri, ctx.w("低效用地分布", "Under-used parcels")))


QUIET_LEVELS = ("met", "ok", "normal", "not_due", "none")
ALERT_ORDER = ("escalated", "escalation", "overdue", "warning", "upcoming")


def _sec_alerts(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    level = _col(frame, "level", "alert", "alert_level", "stage", "status")
    if level is None:
        sec.figures.append(Figure(f"{sec.name}.count", ctx.w("条期限提醒", "alerts"), len(frame)))
        return
    quiet = frame[level].astype(str).isin(QUIET_LEVELS)
    sec.figures.append(Figure(f"{sec.name}.count", ctx.w("条需处理的期限提醒", "alerts needing action"),
                              int((~quiet).sum()), grave=bool((~quiet).any())))
    order = [c for c in ALERT_ORDER if (frame[level] == c).any()]
    order += [c for c in frame.loc[~quiet, level].dropna().unique() if c not in order]
    for code in order:
        sec.figures.append(Figure(f"{sec.name}.{code}", ctx.cat(code), int((frame[level] == code).sum()),
                                  grave=code in ("escalation", "escalated", "overdue")))
    sec.figures.append(Figure(f"{sec.name}.obligations", ctx.w("项履约义务（全部）", "obligations in all"), len(frame)))
    obligation = _col(frame, "obligation", "deadline", "kind")
    if obligation and (~quiet).any():
        table = frame[~quiet].groupby([obligation, level]).size().unstack(fill_value=0)
        table = table[[c for c in order if c in table.columns]]
        series = {ctx.cat(c, chart=True): table[c].to_numpy() for c in table.columns}
        colours = {ctx.cat(c, chart=True): STATUS_COLOURS.get(str(c), "#1f77b4") for c in table.columns}
        uri = ctx.image(F.stacked_bars(ctx.canvas, [ctx.cat(i, chart=True) for i in table.index], series,
                                       colors=colours, title=ctx.c("期限提醒", "Alerts by obligation"),
                                       xlabel=ctx.c("条", "count")))
        if uri:
            sec.images.append((uri, ctx.w("按履约事项统计", "By obligation")))




def _sec_conflicts(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    kind = _col(frame, "kind")
    area = _mu(frame, "area_mu", "area_m2")
    sliver = _slivers(frame)
    real = ~sliver
    sec.figures.append(Figure(f"{sec.name}.count", ctx.w("处冲突", "conflicts"), int(real.sum()),
                              grave=bool(real.any())))
    if area is not None:
        sec.figures.append(Figure(f"{sec.name}.area_mu", ctx.w("冲突面积", "conflict area"), _total(area, real),
                                  "亩", 2, grave=bool(real.any())))
    if kind and area is not None:
        for code in ("farmland_growth", "farmland_eco", "growth_eco"):
            m = real & (frame[kind] == code)
            if m.any():
                sec.figures.append(Figure(f"{sec.name}.{code}_mu", ctx.cat(code), _total(area, m), "亩", 2))
    if sliver.any():
        sec.figures.append(Figure(f"{sec.name}.sliver_count", ctx.w("处细碎图斑（另列）", "slivers (listed apart)"),
                                  int(sliver.sum())))
    if _spatial(frame):
        if kind:
            kinds = [k for k in ("farmland_growth", "farmland_eco", "growth_eco") if (frame[kind] == k).any()]
            kinds += [k for k in frame[kind].dropna().unique() if k not in kinds]
            layers = [(_geoms(frame, real & (frame[kind] == k)), STATUS_COLOURS.get(k, F.PALETTE[i % 10]),
                       ctx.cat(k, chart=True)) for i, k in enumerate(kinds)]
        else:
            layers = [(_geoms(frame, real), "#d62728", ctx.c("冲突", "conflict"))]
        layers.append((_geoms(frame, sliver), "#bcbd22", ctx.c("细碎图斑", "sliver")))
        uri = ctx.map(layers)
        if uri:
            sec.images.append((uri, ctx.w("三区三线冲突图斑", "Three-line conflict patches")))


def _sec_conflicts_by_unit(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    unit = _unit_col(frame)
    kind = _col(frame, "kind")
    if unit is None:
        return
    if kind:
        area = _mu(frame, "area_mu", "conflict_mu", "area_m2", "conflict_m2")
        if area is None:
            return
        table = area.groupby([frame[unit], frame[kind]]).sum().unstack(fill_value=0)
    else:
        skip = ("total", "unit", "conflict", "sliver", "area")
        cols = [c for c in frame.columns if str(c).endswith("_mu") and not str(c).startswith(skip)]
        if not cols:
            cols = [c for c in frame.columns if str(c).endswith("_m2") and not str(c).startswith(skip)]
            if not cols:
                return
            table = frame.set_index(unit)[cols].apply(pd.to_numeric, errors="coerce") / M2_PER_MU
        else:
            table = frame.set_index(unit)[cols].apply(pd.to_numeric, errors="coerce")
        table.columns = [str(c).removesuffix("_mu").removesuffix("_m2") for c in table.columns]
        if "area" in table.columns and len(table.columns) > 1:
            table = table.drop(columns="area")
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index]
    table = table[table.sum(axis=1) > 0]
    if table.empty:
        return
    series = {ctx.cat(c, chart=True): table[c].to_numpy() for c in table.columns}
    colours = {ctx.cat(c, chart=True): STATUS_COLOURS.get(str(c), F.PALETTE[i % 10])
               for i, c in enumerate(table.columns)}
    uri = ctx.image(F.stacked_bars(ctx.canvas, list(table.index), series, colors=colours,
                                   title=ctx.c("三线冲突按行政区", "Three-line conflicts by unit"),
                                   xlabel=ctx.c("亩", "mu")))
    if uri:
        sec.images.append((uri, ctx.w("各行政区冲突面积（亩）", "Conflict area per unit (mu)")))


def _sec_intensity(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    value = _num(frame, _col(frame, "intensity", "development_intensity"))
    unit = _unit_col(frame)
    if value is None:
        return
    warning = ctx.data.threshold("intensity.warning", 0.30)
    attention = ctx.data.threshold("intensity.attention", None)
    over = value >= warning
    sec.figures += [
        Figure(f"{sec.name}.over_warning", ctx.w(f"个行政区开发强度 ≥ {warning:.0%}", f"units at or over {warning:.0%}"),
               int(over.sum()), grave=bool(over.any())),
        Figure(f"{sec.name}.max_intensity", ctx.w("最高开发强度", "highest intensity"), float(value.max())
               if len(value.dropna()) else float("nan"), "%")]
    total = _num(frame, "total_m2")
    built = _num(frame, "construction_m2")
    if total is not None and built is not None and _total(total) > 0:
        sec.figures.append(Figure(f"{sec.name}.overall", ctx.w("全域开发强度", "overall intensity"),
                                  _total(built) / _total(total), "%"))
    order = value.sort_values(ascending=False).index
    labels = [frame.at[i, unit] if unit else str(i) for i in order]
    colours = ["#d62728" if v >= warning else "#ff7f0e" if attention is not None and v >= attention else "#2ca02c"
               for v in value[order]]
    lines = [(warning, ctx.c(f"{warning:.0%} 预警线", f"{warning:.0%} warning line"), "#d62728")]
    if attention is not None:
        lines.append((attention, ctx.c(f"{attention:.0%} 关注线", f"{attention:.0%} attention"), "#ff7f0e"))
    uri = ctx.image(F.bar_chart(ctx.canvas, labels, value[order].to_numpy(), lines=lines, percent=True,
                                horizontal=True, colors=colours,
                                title=ctx.c("各行政区土地开发强度", "Development intensity per unit"),
                                ylabel=ctx.c("建设用地 ÷ 国土面积", "construction ÷ total area")))
    if uri:
        sec.images.append((uri, ctx.w(f"开发强度与 {warning:.0%} 预警线", f"Intensity against the {warning:.0%} line")))
    if _spatial(frame):
        att = attention if attention is not None else warning
        bands = [(value >= warning, "#d62728", ctx.c(f"≥ {warning:.0%}", f"≥ {warning:.0%}")),
                 ((value >= att) & (value < warning), "#ff7f0e", ctx.c(f"{att:.0%}–{warning:.0%}",
                                                                        f"{att:.0%}–{warning:.0%}")),
                 (value < att, "#2ca02c", ctx.c(f"< {att:.0%}", f"< {att:.0%}"))]
        uri = ctx.map([(_geoms(frame, m.fillna(False)), c, lab) for m, c, lab in bands])
        if uri:
            sec.images.append((uri, ctx.w("开发强度分级图", "Intensity classes")))


def _sec_growth_use(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    used = _mu(frame, "built_mu", "used_mu", "construction_mu", "built_m2", "used_m2", "construction_m2")
    left = _mu(frame, "unbuilt_mu", "left_mu", "remaining_mu", "unused_mu", "unbuilt_m2", "left_m2",
               "remaining_m2", "unused_m2")
    if used is not None:
        sec.figures.append(Figure(f"{sec.name}.built_mu", ctx.w("开发边界内已建设", "built inside boundary"),
                                  _total(used), "亩", 2))
    if left is not None:
        sec.figures.append(Figure(f"{sec.name}.left_mu", ctx.w("开发边界内剩余", "left inside boundary"),
                                  _total(left), "亩", 2))
    unit = _col(frame, "name", "boundary_id", "admin_name")
    if used is not None and left is not None and unit:
        uri = ctx.image(F.stacked_bars(ctx.canvas, list(frame[unit]), {ctx.c("已建设", "built"): used.to_numpy(),
                                                                       ctx.c("剩余", "left"): left.to_numpy()},
                                       colors={ctx.c("已建设", "built"): "#7f7f7f", ctx.c("剩余", "left"): "#2ca02c"},
                                       title=ctx.c("城镇开发边界使用", "Growth boundary use"), xlabel=ctx.c("亩", "mu")))
        if uri:
            sec.images.append((uri, ctx.w("开发边界内已建与剩余（亩）", "Built and left inside each boundary (mu)")))


def _sec_retention(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    unit = _unit_col(frame)
    status = _col(frame, "status")
    if status:
        short = ~frame[status].astype(str).isin(QUIET_LEVELS)
        sec.figures.append(Figure(f"{sec.name}.short", ctx.w("个行政区未达标", "units short of a target"),
                                  int(short.sum()), grave=bool(short.any())))
    for col, zh, en in (("cultivated_mu", "耕地面积", "cultivated land"), ("pbf_mu", "永久基本农田", "PBF")):
        if col in frame.columns:
            sec.figures.append(Figure(f"{sec.name}.{col}", ctx.w(zh, en), _total(_num(frame, col)), "亩", 0))
    share = _num(frame, "pbf_share")
    if share is not None and unit:
        minimum = _num(frame, "pbf_share_min")
        line = float(minimum.dropna().iloc[0]) if minimum is not None and len(minimum.dropna()) else \
            ctx.data.threshold("farmland.pbf_share_min", 0.8)
        order = share.sort_values().index
        uri = ctx.image(F.bar_chart(ctx.canvas, list(frame.loc[order, unit]), share[order].to_numpy(),
                                    lines=[(line, ctx.c(f"{line:.0%} 下限", f"{line:.0%} minimum"), "#d62728")],
                                    percent=True, horizontal=True,
                                    colors=["#d62728" if v < line else "#2ca02c" for v in share[order]],
                                    title=ctx.c("永久基本农田占耕地比例", "PBF share of cultivated land"),
                                    ylabel=ctx.c("比例", "share")))
        if uri:
            sec.images.append((uri, ctx.w(f"各行政区永久基本农田占耕地比例与 {line:.0%} 要求",
                                          f"PBF share per unit against {line:.0%}")))


def _sec_register(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    col = "judgement"
    area = _mu(frame, "area_mu", "area_m2")
    order = ["unapproved_on_farmland", "unapproved", "approved_not_supplied", "approved_supplied"]
    present = [c for c in order if (frame[col] == c).any()] + [c for c in frame[col].dropna().unique()
                                                               if c not in order]
    sec.figures.append(Figure(f"{sec.name}.count", ctx.w("个变化图斑", "change patches"), len(frame)))
    for c in order:
        m = frame[col] == c
        if m.any() or c.startswith("unapproved"):
            sec.figures.append(Figure(f"{sec.name}.{c}", ctx.cat(c), int(m.sum()),
                                      grave=c.startswith("unapproved") and bool(m.any())))
            if area is not None and m.any():
                sec.figures.append(Figure(f"{sec.name}.{c}_mu", ctx.w(f"{ctx.cat(c)}面积", f"{ctx.cat(c)} area"),
                                          _total(area, m), "亩", 2))
    counts = [int((frame[col] == c).sum()) for c in present]
    uri = ctx.image(F.bar_chart(ctx.canvas, [ctx.cat(c, chart=True) for c in present], counts, horizontal=True,
                                colors=[STATUS_COLOURS.get(c, "#1f77b4") for c in present],
                                title=ctx.c("变化图斑研判结果", "Judgement of change patches"),
                                ylabel=ctx.c("个", "count")))
    if uri:
        sec.images.append((uri, ctx.w("按研判结果统计", "By judgement")))
    if _spatial(frame):
        uri = ctx.map([(_geoms(frame, frame[col] == c), STATUS_COLOURS.get(c, "#1f77b4"), ctx.cat(c, chart=True))
                       for c in present])
        if uri:
            sec.images.append((uri, ctx.w("变化图斑研判分布", "Judged change patches")))


def _sec_patches(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    area = _mu(frame, "area_mu", "area_m2")
    small = _bool(frame, _col(frame, "below_min_area"))
    keep = ~small if small is not None else pd.Series(True, index=frame.index)
    sec.figures.append(Figure(f"{sec.name}.count", ctx.w("个变化图斑", "change patches"), int(keep.sum())))
    if area is not None:
        sec.figures.append(Figure(f"{sec.name}.area_mu", ctx.w("变化面积", "changed area"), _total(area, keep), "亩", 2))
    if small is not None and small.any():
        sec.figures.append(Figure(f"{sec.name}.below_min_count", ctx.w("个图斑小于最小面积（另列）",
                                                                       "under the minimum area (listed)"),
                                  int(small.sum())))
    if _spatial(frame):
        uri = ctx.map([(_geoms(frame, keep), "#ff7f0e", ctx.c("变化图斑", "change patch"))])
        if uri:
            sec.images.append((uri, ctx.w("变化图斑分布", "Change patches")))


def _sec_transitions(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    if {"before", "after"} <= set(frame.columns):  # long form: one row per (before, after) pair
        value = _col(frame, "area_mu", "area_m2", "pixels")
        if value is None:
            return
        changed = _bool(frame, "changed")
        if changed is None:
            changed = frame["before"].astype(str) != frame["after"].astype(str)
        area = _mu(frame, "area_mu", "area_m2")
        if area is not None:
            sec.figures.append(Figure(f"{sec.name}.changed_mu", ctx.w("地类变化面积", "changed area"),
                                      _total(area, changed), "亩", 2))
            sec.figures.append(Figure(f"{sec.name}.total_mu", ctx.w("两期均有效面积", "area valid on both dates"),
                                      _total(area), "亩", 2))
        matrix = pd.to_numeric(frame[value], errors="coerce").groupby([frame["before"], frame["after"]]).sum()
        m = matrix.unstack(fill_value=0)
        unit = "亩" if value.endswith("_mu") else ("m²" if value.endswith("_m2") else ctx.c("像元", "pixels"))
        uri = ctx.image(F.heatmap(ctx.canvas, m, title=ctx.c("地类转移矩阵", "Transition matrix"), unit=unit))
        if uri:
            sec.images.append((uri, ctx.w("行：前一时相地类；列：后一时相地类", "Rows: first date; columns: second date")))
        return
    m = frame
    if len(m.columns) and not pd.api.types.is_numeric_dtype(m[m.columns[0]]):
        m = m.set_index(m.columns[0])
    m = m.apply(pd.to_numeric, errors="coerce").dropna(axis=1, how="all")
    if m.empty:
        return
    unit = "亩" if str(sec.name).endswith("_mu") else ("m²" if "m2" in str(sec.name) else "")
    uri = ctx.image(F.heatmap(ctx.canvas, m, title=ctx.c("地类转移矩阵", "Transition matrix"), unit=unit))
    if uri:
        sec.images.append((uri, ctx.w("行：前一时相地类；列：后一时相地类", "Rows: first date; columns: second date")))


def _sec_generic(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    sec.figures.append(Figure(f"{sec.name}.count", ctx.w("条记录", "rows"), len(frame)))
    area = _mu(frame)
    if area is not None:
        sec.figures.append(Figure(f"{sec.name}.area_mu", ctx.w("面积", "area"), _total(area), "亩", 2))
    if _spatial(frame):
        uri = ctx.map([(_geoms(frame), "#1f77b4", ctx.chart_title(sec))])
        if uri:
            sec.images.append((uri, sec.title))


BUILDERS: dict[str, Callable] = {
    "approved_not_supplied": _sec_approved_not_supplied,
    "supply_outside_approvals": _sec_supply_outside,
    "supply_before_approval": _sec_supply_before_approval,
    "supply_rate": _sec_supply_rate,
    "idle_land": _sec_idle,
    "supplied_not_used": _sec_idle,
    "underused": _sec_underused,
    "deadline_alerts": _sec_alerts,
    "three_line_conflicts": _sec_conflicts,
    "conflicts_by_unit": _sec_conflicts_by_unit,
    "development_intensity": _sec_intensity,
    "growth_boundary_use": _sec_growth_use,
    "farmland_retention": _sec_retention,
}


BUILDER_LABELS = {
    _sec_register: LABELS["patch_register"], _sec_patches: LABELS["change_patches"],
    _sec_transitions: LABELS["transitions"],
}


def builder_for(name: str, frame: pd.DataFrame) -> Callable:
    if name in BUILDERS:
        return BUILDERS[name]
    cols = set(frame.columns)
    if "judgement" in cols:
        return _sec_register
    if {"from_class", "to_class"} <= cols:
        return _sec_patches
    if "transition" in name or {"before", "after"} <= cols:
        return _sec_transitions
    if "intensity" in cols:
        return _sec_intensity
    if "status" in cols and "idle_days" in cols:
        return _sec_idle
    if "kind" in cols and ("is_sliver" in cols or "area_mu" in cols) and isinstance(frame, gpd.GeoDataFrame):
        return _sec_conflicts
    return _sec_generic


# --- tables ---------------------------------------------------------------------------------------


def _fmt_cell(value, kind: str) -> str:
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


def table_html(ctx: Ctx, frame: pd.DataFrame, columns=None, *, max_rows: int = MAX_ROWS, css: str = "data") -> str:
    if frame is None or not len(frame.columns):
        return ""
    cols = LedgerSheet("t", frame, list(columns or [])).resolved_columns()
    if columns and "rule" in frame.columns and "rule" not in {c.name for c in cols}:
        cols.append(LedgerColumn("rule", "依据规则"))
    if ctx.lang == "en":
        cols = [LedgerColumn(c.name, c.name, c.kind, c.total) for c in cols]
    numeric = {"mu", "m2", "wan", "float", "ratio", "int", "days"}
    head = "".join(f"<th>{html.escape(c.header)}</th>" for c in cols)
    wide = {c.name for c in cols if c.kind == "text" and c.name != "rule"
            and frame[c.name].head(max_rows).astype(str).str.len().max() > 24}
    rows = []
    for rec in frame[[c.name for c in cols]].head(max_rows).itertuples(index=False, name=None):
        cells = []
        for v, c in zip(rec, cols, strict=True):
            cls = ' class="n"' if c.kind in numeric else ' class="d"' if c.kind == "date" else (
                ' class="rule"' if c.name == "rule" else ' class="w"' if c.name in wide else "")
            cells.append(f"<td{cls}>{html.escape(_fmt_cell(v, c.kind))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    out = f'<div class="scroll"><table class="{css}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}' \
          f"</tbody></table></div>"
    if len(frame) > max_rows:
        out += f'<p class="muted">{html.escape(ctx.t("truncated").format(n=max_rows, total=len(frame)))}</p>'
    return out


def _period_en(period: str) -> str:
    """A supply-rate window's label in English: 近5年 2021–2025 -> last 5 years, 2021–2025.

    >>> _period_en("近5年 2021–2025"), _period_en("2024")
    ('last 5 years, 2021–2025', '2024')
    """
    m = re.fullmatch(r"近(\d+)年\s*(.*)", period.strip())
    if m is None:
        return period
    n, span = m.groups()
    return f"last {'year' if n == '1' else n + ' years'}" + (f", {span}" if span else "")


def build_section(ctx: Ctx, name: str, frame: pd.DataFrame) -> Section:
    spec, out = ctx.data.output_spec(name)
    builder = builder_for(name, frame)
    zh, en = LABELS.get(name) or BUILDER_LABELS.get(builder, (name, name))
    title = (out.label_zh if ctx.lang == "zh" else out.label_en) if out is not None else ctx.w(zh, en)
    description = "" if out is None else (out.description_en or out.description) if ctx.lang == "en" else \
        out.description
    sec = Section(name=name, title=title or name, description=description)
    if builder is _sec_transitions and not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    if len(frame):
        ctx.learn_labels(frame)
        builder(ctx, sec, frame)
    elif name in ("approved_not_supplied", "three_line_conflicts", "idle_land", "underused", "deadline_alerts",
                  "supply_outside_approvals", "supply_before_approval") or name not in BUILDERS:
        sec.figures.append(Figure(f"{name}.count", ctx.w("条", "findings"), 0))
    sec.table = table_html(ctx, frame, out.ledger_columns() if out is not None else None) if len(frame) else \
        f'<p class="muted">{html.escape(ctx.t("empty"))}</p>'
    return sec


def overview_map(ctx: Ctx, sections: list[Section]) -> str | None:
    units = {"development_intensity", "conflicts_by_unit", "supply_rate", "growth_boundary_use",
             "farmland_retention", "farmland_balance"}
    layers = []
    k = 0
    for sec in sections:
        frame = ctx.data.outputs.get(sec.name)
        if frame is None or sec.name in units or not _spatial(frame) or "intensity" in frame.columns:
            continue
        mask = None
        if sec.name == "approved_not_supplied":
            unsup = _mu(frame, "unsupplied_mu", "unsupplied_m2")
            mask = ((unsup.fillna(0) > 0) & ~_slivers(frame)) if unsup is not None else None
        elif "status" in frame.columns and sec.name in ("idle_land", "supplied_not_used"):
            mask = frame["status"].isin(["start_overdue", "idle", "idle_recover", "stalled"])
        elif sec.name == "deadline_alerts" and "level" in frame.columns:
            mask = ~frame["level"].astype(str).isin(QUIET_LEVELS)
        elif "underused" in frame.columns:
            mask = _bool(frame, "underused")
        elif "judgement" in frame.columns:
            mask = frame["judgement"].astype(str).str.startswith("unapproved")
        else:
            mask = ~_slivers(frame)
        geoms = _geoms(frame, mask)
        if geoms is None:
            continue
        layers.append((geoms, F.PALETTE[k % len(F.PALETTE)], ctx.chart_title(sec)))
        k += 1
    return ctx.map(layers, title=ctx.c("审计发现分布", "Findings"), zoom="inset") if layers else None
