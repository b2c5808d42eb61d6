"""The report's case-register section (案件跟踪): what the run's round did to the register's cases.

A run recorded in a case register (:func:`redline.pipeline.run_audits` with ``register=``) carries its round
(:class:`redline.register.RoundReport`); the report then shows, first after the overview: the round (number,
audit date, register), per audit output the cases 本期新增 / 持续 / 本期消化 / 重新出现 and open at the round's
end (counts and 亩), the trend over the register's rounds (open cases per output; new, reappeared and resolved
per round), the new and resolved cases (with what was found, or why it was resolved), the cases renumbered
(matched by geometry), and the deadlines the recorded disposal steps set.

Headline figures (``data-figure``): ``register.new``, ``register.resolved``, ``register.reappeared``,
``register.persisting`` (cases, all outputs), ``register.open`` / ``register.open_mu`` (open at the round's end,
from its trend), ``register.overdue`` (deadlines passed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..io.ledger import LedgerColumn, LedgerSheet
from ..register.cases import CHANGES
from ..register.views import CHANGE_COLOURS, output_label
from . import _figures as F
from .sections import Ctx, Figure, Table, table

__all__ = ["RegisterList", "RegisterSection", "register_section"]

_OPEN_ROWS = 60  # a list this long or shorter is shown open


@dataclass
class RegisterList:
    """One list of cases in the section (new, resolved, renumbered, deadlines)."""

    key: str
    title: str
    note: str
    rows: int
    table: Table | None
    empty: str

    @property
    def open(self) -> bool:
        return 0 < self.rows <= _OPEN_ROWS


@dataclass
class RegisterSection:
    """The case-register section as the page template shows it (``macros.html.j2``: ``register``)."""

    title: str
    facts: list[tuple[str, str]]
    description: str
    figures: list[Figure] = field(default_factory=list)
    changes_title: str = ""
    changes: Table | None = None
    images: list[tuple[str, str, bool]] = field(default_factory=list)  # (data URI, caption, wide)
    lists: list[RegisterList] = field(default_factory=list)
    anchor: str = "register"

    @property
    def grave(self) -> bool:
        return any(f.grave and f.value for f in self.figures)


def _round_name(ctx: Ctx, round_id: Any) -> str:
    return ctx.w(f"第{int(round_id)}轮", f"round {int(round_id)}")


def _change(ctx: Ctx, code: str) -> str:
    zh, en = CHANGES[code]
    return ctx.w(zh, en)


def register_section(ctx: Ctx, rnd: Any) -> RegisterSection:
    """The section of a round (a :class:`redline.register.RoundReport`)."""
    summary = rnd.summary
    trend = rnd.trend if rnd.trend is not None else pd.DataFrame()
    this = trend[trend["round_id"] == rnd.round_id] if len(trend) else trend
    facts = [(ctx.w("轮次", "Round"), str(int(rnd.round_id))), (ctx.t("as_of"), str(rnd.as_of)),
             (ctx.w("案件台账", "Register"), rnd.where or "–")]
    sec = RegisterSection(
        title=ctx.w("案件跟踪", "Case register"), facts=facts,
        description=ctx.w("每条审计发现即台账中的一件案件；本轮的发现按业务编号（编号变更时按图形）与台账在册案件比对："
                          "本期新增 = 首次发现，持续 = 上一轮在册、本轮仍发现，本期消化 = 上一轮在册、本轮不再发现，"
                          "重新出现 = 曾消化、本轮又发现。",
                          "Every finding is a case of the register; this round's findings are matched with the "
                          "register's cases by their key (by geometry when the key changed): new = found for the first "
                          "time, persisting = open and found again, resolved = open and no longer found, reappeared "
                          "= resolved before and found again."))
    totals = {c: int(summary.loc[summary["change"] == c, "count"].sum()) for c in CHANGES}
    for code, grave in (("new", False), ("resolved", False), ("reappeared", True), ("persisting", False)):
        sec.figures.append(Figure(f"register.{code}", _change(ctx, code), totals[code], grave=grave))
    if len(this):
        sec.figures.append(Figure("register.open", ctx.w("在册案件", "open cases"), int(this["open"].sum())))
        sec.figures.append(Figure("register.open_mu", ctx.w("在册面积", "open area"), float(this["open_mu"].sum()),
                                  "亩", 2))
    alerts = rnd.alerts if rnd.alerts is not None else pd.DataFrame()
    if len(alerts):
        overdue = int(alerts["overdue"].astype(bool).sum())
        sec.figures.append(Figure("register.overdue", ctx.w("处置逾期", "deadlines passed"), overdue, grave=True))
    sec.changes_title = ctx.w(f"{_round_name(ctx, rnd.round_id)}案件变化（件 / 亩）",
                              f"Changes in {_round_name(ctx, rnd.round_id)} (cases / mu)")
    sec.changes = _changes_table(ctx, summary, this)
    _trend_charts(ctx, sec, trend)
    sec.lists = _lists(ctx, rnd, alerts)
    return sec


def _changes_table(ctx: Ctx, summary: pd.DataFrame, this: pd.DataFrame) -> Table | None:
    """Per output: each change's cases and 亩, and the cases open at the round's end; a total row."""
    outputs = list(dict.fromkeys(summary["output"]))
    rows = []
    for output in outputs:
        g = summary[summary["output"] == output]
        row: dict[str, Any] = {"output": output, "label": output_label(output, ctx.lang)}
        for c in CHANGES:
            r = g[g["change"] == c]
            row[f"{c}_n"] = int(r["count"].sum())
            row[f"{c}_mu"] = float(r["area_mu"].sum(min_count=1))  # none for an output without an area
        t = this[this["output"] == output] if len(this) else this
        row["open_n"] = int(t["open"].sum()) if len(t) else None
        row["open_mu"] = float(t["open_mu"].sum()) if len(t) else None
        rows.append(row)
    frame = pd.DataFrame(rows)
    if not len(frame):
        return None
    total: dict[str, Any] = {"output": "", "label": ctx.w("合计", "total")}
    for col in frame.columns[2:]:
        total[col] = frame[col].sum() if frame[col].notna().any() else None
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    cols = [LedgerColumn("label", ctx.w("审计项", "audit"))]
    for c in CHANGES:
        cols += [LedgerColumn(f"{c}_n", ctx.w(f"{_change(ctx, c)}（件）", f"{_change(ctx, c)} (cases)"), "int"),
                 LedgerColumn(f"{c}_mu", ctx.w(f"{_change(ctx, c)}（亩）", f"{_change(ctx, c)} (mu)"), "mu")]
    cols += [LedgerColumn("open_n", ctx.w("在册（件）", "open (cases)"), "int"),
             LedgerColumn("open_mu", ctx.w("在册（亩）", "open (mu)"), "mu")]
    return _table(ctx, frame, cols, css="data register-changes")


def _trend_charts(ctx: Ctx, sec: RegisterSection, trend: pd.DataFrame) -> None:
    if not len(trend):
        return
    rounds = list(dict.fromkeys(zip(trend["round_id"], trend["as_of"], strict=True)))
    labels = [f"{ctx.c(f'第{int(r)}轮', f'round {int(r)}')}\n{a}" for r, a in rounds]
    ids = [r for r, _ in rounds]
    outputs = list(dict.fromkeys(trend["output"]))
    open_series = {}
    for output in outputs:
        g = trend[trend["output"] == output].set_index("round_id")
        name = output_label(output, ctx.canvas.lang)
        open_series[name] = [int(g.at[r, "open"]) if r in g.index else None for r in ids]
    uri = ctx.image(F.line_chart(ctx.canvas, labels, open_series, title=ctx.c("各轮在册案件", "Open cases per round"),
                                 ylabel=ctx.c("案件数", "cases")))
    if uri:
        sec.images.append((uri, ctx.w("各轮末在册案件数（按审计项）", "Cases open at the end of each round, per audit"),
                           False))
    per_round = trend.groupby("round_id")[["new", "reappeared", "resolved"]].sum().reindex(ids, fill_value=0)
    series = {ctx.c(*CHANGES[c]): list(per_round[c]) for c in ("new", "reappeared", "resolved")}
    colours = {ctx.c(*CHANGES[c]): CHANGE_COLOURS[c] for c in ("new", "reappeared", "resolved")}
    uri = ctx.image(F.grouped_bars(ctx.canvas, labels, series, colors=colours,
                                   title=ctx.c("各轮新增与消化", "New and resolved per round"),
                                   ylabel=ctx.c("案件数", "cases")))
    if uri:
        sec.images.append((uri, ctx.w("各轮本期新增、重新出现与本期消化的案件数（全部审计项）",
                                      "Cases new, reappeared and resolved in each round (all audits)"), False))


def _english(text: str) -> str:
    """The English of a bilingual reason ``已全部供应 (fully supplied)``; the text itself when it has none."""
    head, sep, tail = text.partition(" (")
    return tail[:-1] if sep and tail.endswith(")") else text


def _events(ctx: Ctx, rnd: Any, changes: tuple[str, ...]) -> pd.DataFrame:
    e = rnd.events
    e = e[e["change"].isin(changes)].copy()
    order = {o: i for i, o in enumerate(dict.fromkeys(rnd.summary["output"]))}
    e["_order"] = e["output"].map(lambda o: order.get(o, len(order)))
    e = e.sort_values(["_order", "case_id"]).drop(columns="_order")
    e["output_label"] = e["output"].map(lambda o: output_label(o, ctx.lang))
    e["change_label"] = e["change"].map(lambda c: _change(ctx, c))
    labels = rnd.labels or {}
    e["label"] = e["case_id"].map(lambda c: labels.get(c, ""))
    if ctx.lang == "en":  # the finding's status in English where a spec declares it; the reason's English part
        e["status_zh"] = [ctx.cat(s) if s else "" for s in e["status"].fillna("").astype(str)]
        e["reason_zh"] = [_english(r) for r in e["reason_zh"].fillna("").astype(str)]
    return e


def _lists(ctx: Ctx, rnd: Any, alerts: pd.DataFrame) -> list[RegisterList]:
    common = [LedgerColumn("case_id", ctx.w("案件编号", "case")), LedgerColumn("output_label", ctx.w("审计项", "audit")),
              LedgerColumn("case_key", ctx.w("业务编号", "key")), LedgerColumn("label", ctx.w("名称", "name"))]
    new = _events(ctx, rnd, ("new", "reappeared"))
    gone = _events(ctx, rnd, ("resolved",))
    persisting = _events(ctx, rnd, ("persisting",))
    renumbered = persisting[persisting["old_key"].fillna("").astype(str) != ""]
    out = [
        RegisterList("new", ctx.w("本期新增与重新出现的案件", "Cases new or reappeared this round"),
                     ctx.w("审计结论为本轮审计对该案件的认定。", "The finding is what this round's audit found."),
                     len(new), _table(ctx, new, [
                         *common, LedgerColumn("change_label", ctx.w("变化", "change")),
                         LedgerColumn("area_mu", ctx.w("面积（亩）", "area (mu)"), "mu"),
                         LedgerColumn("status_zh", ctx.w("审计结论", "finding"))]),
                     ctx.w("本轮没有新增或重新出现的案件。", "No case is new or reappeared in this round.")),
        RegisterList("resolved", ctx.w("本期消化的案件", "Cases resolved this round"),
                     ctx.w("上一轮在册、本轮不再发现的案件及原因。", "Cases open before and no longer found, and why."),
                     len(gone), _table(ctx, gone, [
                         *common, LedgerColumn("area_mu", ctx.w("面积（亩）", "area (mu)"), "mu"),
                         LedgerColumn("reason_zh", ctx.w("消化原因", "why"))]),
                     ctx.w("本轮没有消化的案件。", "No case was resolved in this round.")),
        RegisterList("renumbered", ctx.w("编号变更的案件", "Cases renumbered"),
                     ctx.w("业务编号变化、按图形匹配为同一案件（案件编号不变）。",
                           "The key changed; matched with the same case by geometry (its case id kept)."),
                     len(renumbered), _table(ctx, renumbered, [
                         *common, LedgerColumn("old_key", ctx.w("原业务编号", "old key")),
                         LedgerColumn("matched_by", ctx.w("匹配方式", "matched by"))]),
                     ctx.w("本轮没有编号变更的案件。", "No case was renumbered in this round.")),
    ]
    if len(alerts):
        a = alerts.copy()
        a["overdue_text"] = [ctx.w("已逾期", "passed") if bool(v) else "" for v in a["overdue"]]
        a["rule"] = [ctx.data.cite(str(k)) or str(k) for k in a["rule"]]  # the article the deadline comes from
        tb = _table(ctx, a, [
            LedgerColumn("case_id", ctx.w("案件编号", "case")), LedgerColumn("case_key", ctx.w("业务编号", "key")),
            LedgerColumn("label", ctx.w("名称", "name")), LedgerColumn("what_zh", ctx.w("到期事项", "due")),
            LedgerColumn("due", ctx.w("期限", "due date"), "date"),
            LedgerColumn("days_left", ctx.w("剩余天数", "days left"), "days"),
            LedgerColumn("overdue_text", ctx.w("逾期", "passed")), LedgerColumn("rule", ctx.w("依据", "rule"))])
    else:
        tb = None
    out.append(RegisterList("deadlines", ctx.w("处置期限", "Disposal deadlines"),
                            ctx.w(f"已记录的处置步骤所定期限，截至 {rnd.as_of}；剩余天数为负即已逾期。",
                                  f"Deadlines set by the recorded disposal steps, as of {rnd.as_of}; negative days "
                                  "left have passed."),
                            len(alerts), tb,
                            ctx.w("在册案件没有已记录的处置步骤，因而没有处置期限（redline register set 记录处置步骤）。",
                                  "No open case has a recorded disposal step, so none has a deadline (record steps "
                                  "with redline register set).")))
    return out


def _table(ctx: Ctx, frame: pd.DataFrame, cols: list[LedgerColumn], css: str = "data") -> Table | None:
    """``table`` with these headers in either language (``table`` shows an output's column names in English)."""
    tb = table(ctx, frame, cols, css=css)
    if tb is not None:
        tb.headers = [c.header for c in LedgerSheet("t", frame, cols).resolved_columns()]
    return tb
