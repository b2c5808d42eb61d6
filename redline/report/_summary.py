"""The report's summary (审计摘要): a few sentences per audit, written from the headline figures it shows.

Every number in a sentence is a headline figure of the page (the same value, rounded the same way), so the
summary can never say what the sections do not; a sentence per section reads its figures in order, and a
few audits add the sentence a reader needs to act on them (the supply rate against its line, idle land at
the recovery stage). Chinese by default, English with ``lang="en"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .sections import Ctx, Figure, Section

__all__ = ["summary_sentences"]

#: Chinese measure words a count label starts with: "95 宗批次有未供土地" reads number first
MEASURES = tuple("宗个对项条处块件次")


def _number(f: Figure) -> str:
    text = f.text()
    return f"{text}%" if f.unit == "%" else text


def phrase(f: Figure, lang: str) -> str:
    """One figure as words: ``95 宗批次有未供土地``, ``批而未供面积 2,263.62 亩`` / ``unsupplied area 2,263.62 mu``.

    >>> phrase(Figure("a.count", "宗批次有未供土地", 95), "zh"), phrase(Figure("a.mu", "批而未供面积", 2.5, "亩", 2), "zh")
    ('95 宗批次有未供土地', '批而未供面积 2.50 亩')
    >>> phrase(Figure("a.mu", "unsupplied area", 2.5, "亩", 2), "en"), phrase(Figure("a.n", "approvals", 3), "en")
    ('unsupplied area 2.50 mu', '3 approvals')
    """
    number = _number(f)
    unit = "" if f.unit == "%" else (f.unit if lang == "zh" or f.unit != "亩" else "mu")
    if not f.unit and (lang == "en" or f.label.startswith(MEASURES)):
        return f"{number} {f.label}"
    return f"{f.label} {number}" + (f" {unit}" if unit else "")


def _by_key(sec: Any) -> dict[str, Figure]:
    return {f.key.split(".", 1)[-1]: f for f in sec.figures}


def _extra(ctx: Ctx, sec: Section) -> str:
    """The sentence a reader acts on, for the audits that need one; empty otherwise."""
    figs = _by_key(sec)
    if sec.name == "supply_rate" and "rate_long" in figs:
        line = ctx.data.threshold("supply_rate.min_rate_5y")
        rate = figs["rate_long"].value
        if line is None or rate is None or rate != rate:
            return ""
        below = rate < float(line)
        # the line and its source are the rule set's (supply_rate.min_rate_5y), listed in the thresholds table
        return ctx.w(f"全域供地率{'低于' if below else '不低于'} {float(line):.0%} 的增存挂钩线"
                     "（supply_rate.min_rate_5y，依据见规则阈值表）。",
                     f"The overall rate is {'under' if below else 'at or above'} the {float(line):.0%} line of "
                     "增存挂钩 (supply_rate.min_rate_5y; its source is in the thresholds table).")
    if sec.name == "idle_land" and figs.get("idle_recover") is not None and figs["idle_recover"].value:
        n = int(figs["idle_recover"].value)
        return ctx.w(f"其中 {n} 宗闲置满两年，依《闲置土地处置办法》第十四条第（二）项可无偿收回，其闲置费未计入。",
                     f"Of them {n} have been idle two years or more: under order 53 art. 14(2) the land may be "
                     "recovered without compensation, so no idle fee is added for them.")
    return ""


def sentence(ctx: Ctx, sec: Any, *, most: int = 4) -> str:
    """A section's sentence: its title and its first ``most`` headline figures in words."""
    figs = list(sec.figures)[:most]
    sep, stop, colon = ("，", "。", "：") if ctx.lang == "zh" else ("; ", ".", ": ")
    if not figs:  # a table per unit, without figures of its own (its findings are another section's)
        return ""
    if not any(f.value for f in figs if f.value == f.value):
        return f"{sec.title}{colon}{ctx.w('本项审计无发现', 'nothing found')}{stop}"
    text = f"{sec.title}{colon}{sep.join(phrase(f, ctx.lang) for f in figs)}{stop}"
    extra = _extra(ctx, sec) if isinstance(sec, Section) else ""
    return f"{text}{'' if ctx.lang == 'zh' else ' '}{extra}" if extra else text


def summary_sentences(ctx: Ctx, sections: Sequence[Section], register: Any = None) -> list[str]:
    """The summary: a sentence for the case register (when the run was recorded in one), then one per section."""
    out = [sentence(ctx, register)] if register is not None and getattr(register, "figures", None) else []
    return [line for line in out + [sentence(ctx, s) for s in sections] if line]
