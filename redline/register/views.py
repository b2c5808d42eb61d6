"""What a round shows outside the register: the ledger's sheets 本期新增 / 本期消化, the changes' summary, the
procedural deadlines, and the trend over rounds for the report."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..io.ledger import LedgerColumn, LedgerSheet
from .cases import CHANGES, case_outputs

__all__ = ["ledger_sheets", "output_label", "trend"]

#: the colours of the changes, in the ledger and the report
CHANGE_COLOURS = {"new": "#d7301f", "reappeared": "#7a0177", "persisting": "#fdae61", "resolved": "#1a9850"}


def output_label(output: str, lang: str = "zh") -> str:
    co = case_outputs().get(output)
    if co is None:
        return output
    return co.output.label_zh if lang == "zh" else co.output.label_en


def _events_table(report: Any, changes: tuple[str, ...], lang: str) -> pd.DataFrame:
    e = report.events
    e = e[e["change"].isin(changes)].copy()
    e["output_zh"] = e["output"].map(lambda o: output_label(o, lang))
    e["change_zh"] = e["change"].map(lambda c: CHANGES[c][0] if lang == "zh" else CHANGES[c][1])
    labels = getattr(report, "labels", {}) or {}
    e["label"] = e["case_id"].map(lambda c: labels.get(c, ""))
    order = {o: i for i, o in enumerate(case_outputs())}
    return e.sort_values(["output", "case_id"], key=lambda s: s.map(order) if s.name == "output" else s)


def ledger_sheets(report: Any, lang: str = "zh") -> list[LedgerSheet]:
    """The round's ledger sheets: 案件变化汇总 (counts and areas), 本期新增 (new and reappeared), 本期消化 (resolved,
    with why), and 处置期限 (deadlines the recorded disposal steps set) when there are any."""
    zh = lang == "zh"
    summary = report.summary.copy()
    summary["output_zh"] = summary["output"].map(lambda o: output_label(o, lang))
    if not zh:
        summary["change_zh"] = summary["change"]
    title = f"第{report.round_id}轮" if zh else f"round {report.round_id}"
    sheets = [LedgerSheet(("案件变化汇总" if zh else "case changes"), summary, [
        LedgerColumn("output_zh", "审计项" if zh else "audit"), LedgerColumn("change_zh", "变化" if zh else "change"),
        LedgerColumn("count", "案件数" if zh else "cases", "int"), LedgerColumn("area_mu", "面积(亩)" if zh else "area (mu)",
                                                                            "mu")],
        note=f"{title} (审计日期 {report.as_of})" if zh else f"{title} (as of {report.as_of})")]
    common = [LedgerColumn("case_id", "案件编号" if zh else "case"),
              LedgerColumn("output_zh", "审计项" if zh else "audit"),
              LedgerColumn("case_key", "业务编号" if zh else "key"),
              LedgerColumn("label", "名称" if zh else "name")]
    new = _events_table(report, ("new", "reappeared"), lang)
    sheets.append(LedgerSheet("本期新增" if zh else "new this round", new, [
        *common, LedgerColumn("change_zh", "变化" if zh else "change"),
        LedgerColumn("area_mu", "面积(亩)" if zh else "area (mu)", "mu"),
        LedgerColumn("area_m2", "面积(平方米)" if zh else "area (m2)", "m2"),
        LedgerColumn("status_zh", "审计结论" if zh else "finding"),
        LedgerColumn("matched_by", "匹配方式" if zh else "matched by")],
        note="本期新发现与重新出现的案件" if zh else "cases found for the first time, or again after being resolved",
        status_column="change", status_colours=CHANGE_COLOURS))
    gone = _events_table(report, ("resolved",), lang)
    sheets.append(LedgerSheet("本期消化" if zh else "resolved this round", gone, [
        *common, LedgerColumn("area_mu", "面积(亩)" if zh else "area (mu)", "mu"),
        LedgerColumn("area_m2", "面积(平方米)" if zh else "area (m2)", "m2"),
        LedgerColumn("reason_zh", "消化原因" if zh else "why")],
        note="上期在册、本期不再发现的案件及原因" if zh else "open cases no longer found, and why"))
    persisting = _events_table(report, ("persisting",), lang)
    renumbered = persisting[persisting["old_key"].fillna("") != ""]
    if len(renumbered):
        sheets.append(LedgerSheet("编号变更" if zh else "renumbered", renumbered, [
            *common, LedgerColumn("old_key", "原业务编号" if zh else "old key"),
            LedgerColumn("matched_by", "匹配方式" if zh else "matched by")],
            note="业务编号变化、按图形匹配为同一案件" if zh else "keys changed, matched by geometry"))
    alerts = getattr(report, "alerts", None)
    if alerts is not None and len(alerts):
        sheets.append(LedgerSheet("处置期限" if zh else "disposal deadlines", alerts, [
            LedgerColumn("case_id", "案件编号" if zh else "case"), LedgerColumn("case_key", "业务编号" if zh else "key"),
            LedgerColumn("label", "名称" if zh else "name"), LedgerColumn("what_zh", "到期事项" if zh else "due"),
            LedgerColumn("due", "期限" if zh else "due date", "date"),
            LedgerColumn("days_left", "剩余天数" if zh else "days left", "days"),
            LedgerColumn("rule", "依据" if zh else "rule")],
            note="已记录的处置步骤所定期限" if zh else "deadlines set by the recorded disposal steps"))
    return sheets


def trend(events: pd.DataFrame, rounds: pd.DataFrame) -> pd.DataFrame:
    """Per live round and output: the cases open at its end, and the new, reappeared and resolved in it, with
    the open area (亩)."""
    live = rounds[rounds["undone_at"].isna()] if "undone_at" in rounds.columns else rounds
    ev = events.sort_values(["round_id"])
    rows = []
    for r, as_of in zip(live["round_id"], live["as_of"], strict=True):
        upto = ev[ev["round_id"] <= r]
        state = upto.groupby("case_id").tail(1)
        this = ev[ev["round_id"] == r]
        for output in dict.fromkeys(list(ev["output"]) if "output" in ev.columns else []):
            open_ = state[(state["output"] == output) & (state["change"] != "resolved")]
            t = this[this["output"] == output]
            rows.append({"round_id": int(r), "as_of": as_of, "output": output, "open": len(open_),
                         "open_mu": float(pd.to_numeric(open_["area_mu"], errors="coerce").sum()),
                         **{c: int((t["change"] == c).sum()) for c in CHANGES}})
    return pd.DataFrame(rows, columns=["round_id", "as_of", "output", "open", "open_mu", *CHANGES])
