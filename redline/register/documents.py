"""The bureau's documents for an idle-land case, drafted as DOCX from the case register.

For idle land 《闲置土地处置办法》(国土资源部令第53号) makes the bureau issue, in turn, a 闲置土地调查通知书
(第五条, contents 第六条), a 闲置土地认定书 (第九条, contents 第十条), then a 征缴土地闲置费决定书 (第十四条(一))
or a 收回国有建设用地使用权决定书 (第十四条(二)), whose contents 第十六条 lists and whose time to perform
第十七条 sets (30 days). :data:`DOCUMENTS` names each with its article and the facts it needs.

- :func:`document_facts` turns a case record of the register into the flat facts a template fills in: areas in
  m² and 亩, dates written 2026年6月30日, the idle fee (price × ``idle.fee_rate``, in 万元, 元 and 大写), the
  numbers and dates of the earlier documents (from the case's dispositions), the bureau's name.
- :func:`draft_document` fills a template (the default one, or a bureau's own .docx with docxtpl placeholders)
  and writes the .docx atomically. A fact the template needs but the case lacks, or a placeholder redline does not
  know, is a :class:`DocumentError` saying what to fill in where; a document never goes out with a blank.
- :func:`write_templates` writes the default templates for a bureau to edit in Word or WPS.

>>> import datetime as dt
>>> case = {"case_id": "IDLE-0001", "area_m2": 6666.67, "status": "idle",
...         "detail": {"holder": "某某实业有限公司", "price_wan": 500.0}}
>>> f = document_facts(case, bureau="息县自然资源局", date=dt.date(2026, 6, 30))
>>> f["area_mu"], f["fee_wan"], f["fee_upper"], f["date_zh"]
('10.00', '100.00', '人民币壹佰万元整', '2026年6月30日')
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from ..errors import RedlineError
from ..io.write import atomic_path
from ..rules import RuleSet, resolve_rules
from ..units import M2_PER_MU
from . import _templates

__all__ = [
    "DOCUMENTS",
    "FACTS",
    "DocumentError",
    "DocumentSpec",
    "document_facts",
    "draft_document",
    "rmb_upper",
    "write_templates",
]


class DocumentError(RedlineError, ValueError):
    """A document cannot be drafted: a fact is missing, a placeholder unknown, a kind or option not known."""


@dataclass(frozen=True)
class DocumentSpec:
    """One document the bureau issues: its key, titles, the article it follows (quoted) and the facts it needs."""

    key: str
    title_zh: str
    title_en: str
    article: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Fact:
    """A fact a template may use: its Chinese label and where a missing one is filled in."""

    label_zh: str
    where: str


_SUPPLIES = "the supplies layer's field {f} ({zh}); run the audit again so the case carries it"
_EXTRA = "pass extra={{'{name}': ...}} to document_facts (the register does not carry it)"

#: every fact :func:`document_facts` makes, by name: what a bureau template may use as ``{{ name }}``
FACTS: dict[str, Fact] = {
    "bureau": Fact("作出决定的行政机关名称", "document_facts(bureau=...)"),
    "doc_no": Fact("本文书文号", "document_facts(doc_no=...), e.g. 息自然资闲〔2026〕3号"),
    "date_zh": Fact("作出日期", "document_facts(date=...)"),
    "case_id": Fact("案件编号", "the case record's case_id"),
    "case_key": Fact("业务编号", "the case record's case_key"),
    "holder": Fact("国有建设用地使用权人", _SUPPLIES.format(f="holder", zh="受让人")),
    "holder_address": Fact("使用权人地址", _EXTRA.format(name="holder_address")),
    "supply_id": Fact("合同编号", _SUPPLIES.format(f="supply_id", zh="合同编号")),
    "project_name": Fact("项目名称", _SUPPLIES.format(f="project_name", zh="项目名称")),
    "district": Fact("坐落(所在区县)", _SUPPLIES.format(f="district", zh="所在区县")),
    "area_m2": Fact("面积(平方米)", "the case record's area_m2"),
    "area_mu": Fact("面积(亩)", "the case record's area_m2"),
    "supply_date_zh": Fact("合同签订日期", _SUPPLIES.format(f="supply_date", zh="签订日期")),
    "agreed_start_date_zh": Fact("约定动工开发日期", _SUPPLIES.format(f="agreed_start_date", zh="约定开工日期")),
    "effective_start_date_zh": Fact("起算动工开发日期", "the finding's effective_start_date (from the supplies' "
                                                       "约定开工日期 or 补充协议约定动工开发日期)"),
    "idle_date_zh": Fact("认定闲置日期", "the finding's idle_date (a case that is idle)"),
    "idle_days": Fact("闲置天数", "the finding's idle_days (a case that is idle)"),
    "recover_date_zh": Fact("未动工开发满两年之日", "the finding's recover_date (a case at the recovery stage)"),
    "as_of_zh": Fact("核查截止日期", "the case record's as_of"),
    "status_zh": Fact("状态", "the case record's status_zh"),
    "facts_zh": Fact("闲置事实", "the case's status and dates (effective_start_date, idle_date, idle_days)"),
    "conclusion_zh": Fact("闲置原因及认定结论", "the case's status (idle, idle_recover or stalled)"),
    "rule": Fact("审计依据", "the case record's rule"),
    "price_wan": Fact("出让(划拨)价款(万元)", _SUPPLIES.format(f="price_wan", zh="出让价款")),
    "fee_rate_pct": Fact("闲置费比例", "the rule set's idle.fee_rate"),
    "fee_wan": Fact("土地闲置费(万元)", _SUPPLIES.format(f="price_wan", zh="出让价款")),
    "fee_yuan": Fact("土地闲置费(元)", _SUPPLIES.format(f="price_wan", zh="出让价款")),
    "fee_upper": Fact("土地闲置费(大写)", _SUPPLIES.format(f="price_wan", zh="出让价款")),
    "notice_no": Fact("调查通知书文号", "a disposition investigation_notice with its doc_no, recorded in the register"),
    "notice_date_zh": Fact("调查通知书日期", "a disposition investigation_notice with its date, recorded in the register"),
    "determination_no": Fact("认定书文号", "a disposition idle_determination with its doc_no, recorded in the register"),
    "determination_date_zh": Fact("认定书日期", "a disposition idle_determination with its date, recorded in the "
                                              "register"),
    "hearing_notice_no": Fact("听证权利告知书文号", "a disposition hearing_notice (第十五条) with its doc_no, recorded in "
                                                "the register"),
    "hearing_notice_date_zh": Fact("听证权利告知书日期", "a disposition hearing_notice (第十五条) with its date, recorded "
                                                     "in the register"),
}

_PLACEHOLDER = re.compile(r"{{\s*([A-Za-z_][A-Za-z0-9_]*)\s*}}")


def _fields(kind: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for _, text in _templates.template_lines(kind):
        for name in _PLACEHOLDER.findall(text):
            seen.setdefault(name, None)
    return tuple(seen)


_ARTICLES = {
    "investigation_notice": (
        "闲置土地调查通知书", "Notice of investigation of idle land",
        "《闲置土地处置办法》第五条: 市、县国土资源主管部门发现有涉嫌构成本办法第二条规定的闲置土地的, 应当在三十日内开展"
        "调查核实, 向国有建设用地使用权人发出《闲置土地调查通知书》。国有建设用地使用权人应当在接到《闲置土地调查通知书》"
        "之日起三十日内, 按照要求提供土地开发利用情况、闲置原因以及相关说明等材料。第六条: 《闲置土地调查通知书》应当包括"
        "下列内容: (一)国有建设用地使用权人的姓名或者名称、地址; (二)涉嫌闲置土地的基本情况; (三)涉嫌闲置土地的事实和依据;"
        " (四)调查的主要内容及提交材料的期限; (五)国有建设用地使用权人的权利和义务; (六)其他需要调查的事项。"),
    "idle_determination": (
        "闲置土地认定书", "Determination of idle land",
        "《闲置土地处置办法》第九条: 经调查核实, 构成闲置土地的, 市、县国土资源主管部门应当向国有建设用地使用权人下达"
        "《闲置土地认定书》。第十条: 《闲置土地认定书》应当载明下列事项: (一)国有建设用地使用权人的姓名或者名称、地址;"
        " (二)闲置土地的基本情况; (三)认定闲置土地的事实、依据; (四)闲置原因及认定结论; (五)其他需要说明的事项。"),
    "idle_fee_decision": (
        "征缴土地闲置费决定书", "Decision to levy the idle-land fee",
        "《闲置土地处置办法》第十四条(一): 未动工开发满一年的, 由市、县国土资源主管部门报经本级人民政府批准后, 向国有建设"
        "用地使用权人下达《征缴土地闲置费决定书》, 按照土地出让或者划拨价款的百分之二十征缴土地闲置费。第十六条: 《征缴"
        "土地闲置费决定书》和《收回国有建设用地使用权决定书》应当包括下列内容: (一)国有建设用地使用权人的姓名或者名称、"
        "地址; (二)违反法律、法规或者规章的事实和证据; (三)决定的种类和依据; (四)决定的履行方式和期限; (五)申请行政复议"
        "或者提起行政诉讼的途径和期限; (六)作出决定的行政机关名称和作出决定的日期; (七)其他需要说明的事项。第十七条: 国有"
        "建设用地使用权人应当自《征缴土地闲置费决定书》送达之日起三十日内, 按照规定缴纳土地闲置费。"),
    "recovery_decision": (
        "收回国有建设用地使用权决定书", "Decision to recover the state-owned construction land use right",
        "《闲置土地处置办法》第十四条(二): 未动工开发满两年的, 由市、县国土资源主管部门 … 报经有批准权的人民政府批准后, "
        "向国有建设用地使用权人下达《收回国有建设用地使用权决定书》, 无偿收回国有建设用地使用权。第十六条 (contents as for "
        "the fee decision). 第十七条: 自《收回国有建设用地使用权决定书》送达之日起三十日内, 到市、县国土资源主管部门办理国有"
        "建设用地使用权注销登记, 交回土地权利证书。"),
}

#: the documents, by key
DOCUMENTS: dict[str, DocumentSpec] = {
    key: DocumentSpec(key, zh, en, article, _fields(key)) for key, (zh, en, article) in _ARTICLES.items()
}


# -- formatting --------------------------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, list | tuple | dict) else False
    except (TypeError, ValueError):
        return False


def _to_date(value: Any, what: str) -> dt.date | None:
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return value.to_pydatetime().date()
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise DocumentError(f"{what}: {value!r} is not a date (write it as 2026-06-30)") from None


def date_zh(day: dt.date) -> str:
    """``2026年6月30日``."""
    return f"{day.year}年{day.month}月{day.day}日"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def _group_upper(n: int) -> str:
    out, zero = "", False
    for pos, unit in ((3, "仟"), (2, "佰"), (1, "拾"), (0, "")):
        d = n // 10 ** pos % 10
        if d == 0:
            zero = bool(out)
        else:
            out += ("零" if zero else "") + _DIGITS[d] + unit
            zero = False
    return out


def rmb_upper(yuan: float) -> str:
    """An amount in 元 written in capitals, as on a payment document.

    >>> rmb_upper(1_000_000), rmb_upper(1_000_500), rmb_upper(1_234_000.5), rmb_upper(0.07)
    ('人民币壹佰万元整', '人民币壹佰万零伍佰元整', '人民币壹佰贰拾叁万肆仟元伍角整', '人民币柒分')
    """
    if yuan < 0 or yuan >= 1e16 or math.isnan(yuan):
        raise DocumentError(f"amount {yuan!r} cannot be written in capitals (0 to 10^16 元)")
    cents = round(yuan * 100)
    whole, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    groups = [whole // 10 ** (4 * i) % 10000 for i in (3, 2, 1, 0)]
    out, zero = "", False
    for g, unit in zip(groups, ("万亿", "亿", "万", ""), strict=True):
        if g == 0:
            zero = bool(out)
            continue
        if out and (zero or g < 1000):
            out += "零"
        out += _group_upper(g) + unit
        zero = False
    if whole:
        out += "元"
    if not jiao and not fen:
        return "人民币" + (out or "零元") + "整"
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif whole:
        out += "零"
    out += _DIGITS[fen] + "分" if fen else "整"
    return "人民币" + out


def _num(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}"


# -- the facts ---------------------------------------------------------------------------------------------------


def _latest(dispositions: Iterable[Mapping[str, Any]], status: str) -> Mapping[str, Any] | None:
    found = [d for d in dispositions if str(d.get("status", "")) == status]
    return found[-1] if found else None  # entry order: the last one recorded stands


def _idle_text(status: str, d: Mapping[str, dt.date | None], idle_days: Any) -> str | None:
    start, idle = d.get("effective_start_date"), d.get("idle_date")
    days = "" if _blank(idle_days) else f"，已闲置{int(idle_days)}日"
    if status in ("idle", "idle_recover") and start and idle:
        return (f"该宗地超过约定动工开发日期（{date_zh(start)}）满一年未动工开发，自{date_zh(idle)}起构成闲置"
                + days)
    if status == "stalled" and idle:
        return ("该宗地已动工开发，但开发建设用地面积占应动工开发建设用地总面积不足三分之一或者已投资额占总投资额不足"
                f"百分之二十五，中止开发建设满一年，自{date_zh(idle)}起构成闲置" + days)
    if status == "start_overdue" and start:
        return f"该宗地超过约定动工开发日期（{date_zh(start)}）仍未动工开发"
    return None


_CONCLUSIONS = {
    "idle": "经调查核实，该宗地的闲置不属于《闲置土地处置办法》第八条规定的政府、政府有关部门的行为或者不可抗力造成的"
            "情形，闲置原因在于你方。",
    "idle_recover": "经调查核实，该宗地的闲置不属于《闲置土地处置办法》第八条规定的政府、政府有关部门的行为或者不可抗力"
                    "造成的情形，闲置原因在于你方，且未动工开发已满两年。",
    "stalled": "经调查核实，该宗地中止开发建设不属于《闲置土地处置办法》第八条规定的政府、政府有关部门的行为或者不可抗力"
               "造成的情形，闲置原因在于你方。",
}


def document_facts(case: Mapping[str, Any], *, bureau: str, doc_no: str = "", date: dt.date | None = None,
                   extra: Mapping[str, Any] | None = None, rules: RuleSet | str | Path | None = None) -> dict[str, Any]:
    """The flat facts of a case that the templates fill in (see :data:`FACTS` for every name).

    Parameters
    ----------
    case : mapping
        The register's case record: ``case_id``, ``case_key``, ``area_m2``, ``status``, ``status_zh``, ``as_of``,
        ``rule``, ``detail`` (the finding row: ``holder``, ``supply_id``, ``project_name``, ``district``,
        ``supply_date``, ``agreed_start_date``, ``effective_start_date``, ``idle_date``, ``idle_days``,
        ``recover_date``, ``price_wan``, ``idle_fee`` …) and ``dispositions`` (each ``status``, ``date``,
        ``doc_no``): the latest ``investigation_notice``, ``idle_determination`` and ``hearing_notice`` give the
        numbers and dates the later documents cite.
    bureau : str
        The issuing authority's name, e.g. ``息县自然资源局``.
    doc_no : str
        This document's number (文号); a template that prints it needs it.
    date : datetime.date, optional
        The document's date; the day it is drafted (today) when not given.
    extra : mapping, optional
        Facts the register does not carry (``holder_address``), or corrections, by fact name; a name not in
        :data:`FACTS` is an error.
    rules : RuleSet, name or path, optional
        The rule set the audit used (cn-national by default): the fee is ``idle.fee_rate`` × the price under the
        method ``price_share`` of 第十四条(一); another ``idle.fee_method`` is refused (the letter's arithmetic
        would not be the audit's).

    A fact the case lacks is left out of the dict (never set to an empty text); :func:`draft_document` says which
    ones a template needs and where to fill them in.
    """
    if not str(bureau or "").strip():
        raise DocumentError("document_facts: bureau (the issuing authority's name, e.g. 息县自然资源局) is empty")
    case_id = str(case.get("case_id") or "?")
    detail: Mapping[str, Any] = case.get("detail") or {}
    out: dict[str, Any] = {"bureau": str(bureau).strip(), "case_id": case_id,
                           "date_zh": date_zh(date if date is not None else dt.date.today())}
    if str(doc_no or "").strip():
        out["doc_no"] = str(doc_no).strip()

    def text(name: str, value: Any) -> None:
        if not _blank(value):
            out[name] = str(value).strip()

    text("case_key", case.get("case_key"))
    text("status_zh", case.get("status_zh"))
    text("rule", case.get("rule"))
    for name in ("holder", "supply_id", "project_name", "district"):
        text(name, detail.get(name))
    text("holder_address", detail.get("holder_address"))

    area: Any = case.get("area_m2")
    if not _blank(area):
        out["area_m2"] = _num(float(area))
        out["area_mu"] = _num(float(area) / M2_PER_MU)

    as_of = _to_date(case.get("as_of"), f"case {case_id} as_of")
    if as_of:
        out["as_of_zh"] = date_zh(as_of)
    days: dict[str, dt.date | None] = {}
    for name in ("supply_date", "agreed_start_date", "effective_start_date", "idle_date", "recover_date"):
        day = _to_date(detail.get(name), f"case {case_id} detail {name}")
        days[name] = day
        if day:
            out[f"{name}_zh"] = date_zh(day)
    if not _blank(detail.get("idle_days")):
        out["idle_days"] = str(int(detail["idle_days"]))

    status = str(case.get("status") or detail.get("status") or "")
    facts_text = _idle_text(status, days, detail.get("idle_days"))
    if facts_text:
        out["facts_zh"] = facts_text
    if status in _CONCLUSIONS:
        out["conclusion_zh"] = _CONCLUSIONS[status]

    price: Any = detail.get("price_wan")
    if not _blank(price):
        ruleset = resolve_rules(rules)
        method = ruleset.value("idle.fee_method")
        if method != "price_share":
            raise DocumentError(f"case {case_id}: the rule set's idle.fee_method is {method!r}; the fee decision "
                                "drafts the national method price_share (第十四条(一): 出让或者划拨价款的百分之二十) "
                                "only: draft it with the cn-national rules or write the fee into your own template")
        rate = float(ruleset.value("idle.fee_rate"))
        fee = round(float(price) * rate, 2)
        audited: Any = detail.get("idle_fee")
        if not _blank(audited) and float(audited) > 0 and abs(float(audited) - fee) > 0.005:
            raise DocumentError(f"case {case_id}: the audit's idle_fee {float(audited):.2f} 万元 is not price "
                                f"{float(price):.2f} × {rate:g} = {fee:.2f} 万元: pass rules= the rule set the audit "
                                "used")
        out["price_wan"] = _num(float(price))
        out["fee_rate_pct"] = f"{rate * 100:g}%"
        out["fee_wan"] = _num(fee)
        out["fee_yuan"] = f"{fee * 10000:,.2f}"
        out["fee_upper"] = rmb_upper(fee * 10000)

    dispositions = list(case.get("dispositions") or ())
    for status_code, prefix in (("investigation_notice", "notice"), ("idle_determination", "determination"),
                                ("hearing_notice", "hearing_notice")):
        d = _latest(dispositions, status_code)
        if d is None:
            continue
        text(f"{prefix}_no", d.get("doc_no"))
        day = _to_date(d.get("date"), f"case {case_id} disposition {status_code} date")
        if day:
            out[f"{prefix}_date_zh"] = date_zh(day)

    for name, value in (extra or {}).items():
        if name not in FACTS:
            raise DocumentError(f"document_facts: extra fact {name!r} is not a fact a template knows; the facts are: "
                                + ", ".join(sorted(FACTS)))
        if _blank(value):
            raise DocumentError(f"document_facts: extra fact {name!r} is empty")
        out[name] = str(value).strip()
    return out


# -- drafting ----------------------------------------------------------------------------------------------------


def _spec(kind: str) -> DocumentSpec:
    try:
        return DOCUMENTS[kind]
    except KeyError:
        raise DocumentError(f"unknown document {kind!r}; the documents are: {', '.join(DOCUMENTS)}") from None


def _env():
    from jinja2 import Environment, StrictUndefined

    return Environment(undefined=StrictUndefined, autoescape=True)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def draft_document(facts: Mapping[str, Any], kind: str, dest: str | os.PathLike, *,
                   template: str | os.PathLike | None = None) -> Path:
    """Fill the template of document ``kind`` with ``facts`` and write the .docx to ``dest`` (atomically).

    ``template`` is a bureau's own .docx with docxtpl (Jinja2) placeholders, each a name of :data:`FACTS`;
    without it the default template of ``kind`` is used. Refused, with a :class:`DocumentError`: a placeholder
    that is not a known fact (the message lists the known ones), a fact the template needs that ``facts`` lacks
    (the message names the case, each missing fact and where to fill it in), ``dest`` that is the template.
    Values are escaped (a holder named ``A&B <公司>`` stays that text).
    """
    from docxtpl import DocxTemplate

    spec = _spec(kind)
    dest = Path(dest)
    if template is None:
        source: Any = BytesIO(_templates.build_template(kind))
        where = f"the default template of {kind}"
    else:
        tpath = Path(template)
        if not tpath.is_file():
            raise DocumentError(f"template {tpath} does not exist (write the defaults with write_templates)")
        if _same(tpath, dest):
            raise DocumentError(f"refusing to write the document over its template {tpath}: choose another dest")
        source, where = tpath, f"template {tpath}"
    tpl = DocxTemplate(source)
    env = _env()
    try:
        needed = set(tpl.get_undeclared_template_variables(jinja_env=env))
    except Exception as exc:  # jinja2's TemplateSyntaxError and the like: the template cannot be read as one
        raise DocumentError(f"{where}: not a valid template ({type(exc).__name__}: {exc})") from exc
    unknown = sorted(needed - set(FACTS))
    if unknown:
        raise DocumentError(f"{where} ({spec.title_zh}) uses placeholder(s) redline does not know: "
                            f"{', '.join(unknown)}; the known facts are: {', '.join(sorted(FACTS))}")
    missing = sorted(n for n in needed if _blank(facts.get(n)))
    if missing:
        case_id = facts.get("case_id") or "?"
        lines = "; ".join(f"{n} ({FACTS[n].label_zh}): {FACTS[n].where}" for n in missing)
        raise DocumentError(f"case {case_id}: cannot draft the {spec.title_zh} ({kind}): missing {lines}")
    tpl.render({n: facts[n] for n in needed}, jinja_env=env)
    with atomic_path(dest) as tmp:
        tpl.save(tmp)
    return dest


def write_templates(folder: str | os.PathLike) -> list[Path]:
    """Write the default template of every document into ``folder`` (``<key>.docx``), for a bureau to edit.

    An existing file of that name is refused rather than overwritten (it may be the bureau's edited copy).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    taken = [folder / f"{k}.docx" for k in DOCUMENTS if (folder / f"{k}.docx").exists()]
    if taken:
        raise DocumentError(f"refusing to overwrite existing template(s): {', '.join(map(str, taken))}; "
                            "move them away or write into another folder")
    out = []
    for key in DOCUMENTS:
        with atomic_path(folder / f"{key}.docx") as tmp:
            tmp.write_bytes(_templates.build_template(key))
        out.append(folder / f"{key}.docx")
    return out
