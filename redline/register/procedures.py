"""The disposal procedures (处置程序) a case of the register follows, each step with the article it comes from.

Every audit finding becomes a case; the bureau records its disposal steps (处置) one by one. A
:class:`Procedure` says which steps exist, which must come before which, what each step must carry
(文号, a new date, an amount) and what falls due after it. :func:`check_steps` reads a case's recorded
steps against its procedure and says in plain sentences what is out of order or missing;
:func:`deadlines` lists what the recorded steps make due, with the rule that sets the days.

- ``idle_land``: 《闲置土地处置办法》(国土资源部令第53号, 2012-07-01) chapters 2 and 3 (第五条–第十八条), national law.
- ``unsupplied``: 批而未供 disposal, 自然资办发〔2019〕3号 as the handbook cites it; the wording of its categories
  was not checked against the official text (each step's ``article`` says so).
- ``generic``: local practice for every other output (核实 → 整改 / 立案 → 整改到位 → 销号), configurable:
  a bureau with other steps registers its own procedure with :func:`register_procedure`.

The days come from the rule set (``register.*`` in ``cn-national/register.toml``), read with
``rules.value`` as the audits read theirs.

Examples
--------
>>> import datetime as dt
>>> p = procedure_for("idle_land")
>>> check_steps(p, [{"status": "idle_determination", "date": dt.date(2026, 3, 1), "doc_no": "息自然资闲认〔2026〕1号"}])
['闲置土地认定书 (idle_determination) on 2026-03-01 comes before any 闲置土地调查通知书 (investigation_notice) or
 使用权人提交说明材料 (materials_received): record the 闲置土地调查通知书 first']
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..rules import RuleSet, resolve_rules

__all__ = ["PROCEDURES", "Procedure", "Step", "check_steps", "deadlines", "procedure_for", "register_procedure"]

#: the disposition fields a step may require
FIELDS = {"doc_no": "文号 (document number)", "new_date": "新约定日期 (the new date)",
          "amount_wan": "金额 (amount, 万元)"}
#: the documents a step may draft
DOCUMENTS = ("investigation_notice", "idle_determination", "idle_fee_decision", "recovery_decision")

_ORDER53 = "《闲置土地处置办法》(国土资源部令第53号)"
_NOTICE_2019 = "自然资办发〔2019〕3号 (not checked against the official text)"


@dataclass(frozen=True)
class Step:
    """One disposal step of a procedure."""

    code: str
    label_zh: str
    label_en: str
    #: the source, quoted: "《闲置土地处置办法》第五条: …"
    article: str
    #: one of these steps must have been recorded before (empty: the step may come first)
    after: tuple[str, ...] = ()
    #: the case is closed (销号 / disposed) by this step
    closes: bool = False
    #: the idle clock restarts from the step's new_date (第十二条)
    restarts: bool = False
    #: disposition fields the step requires, of :data:`FIELDS`
    needs: tuple[str, ...] = ()
    #: rule key (register.toml) giving the days the step leaves for what follows
    deadline_key: str = ""
    #: what falls due by then
    deadline_zh: str = ""
    #: later steps that fulfil the deadline (a closing step always ends it)
    met_by: tuple[str, ...] = ()
    #: rule key giving the most days the step's new_date may lie after the step's date
    new_date_max_key: str = ""
    #: the document drafted for the step, one of :data:`DOCUMENTS` (or "")
    document: str = ""
    #: for the QGIS style and the report
    colour: str = "#888888"

    @property
    def name(self) -> str:
        """``label_zh (code)``, as messages name the step."""
        return f"{self.label_zh} ({self.code})"


@dataclass(frozen=True)
class Procedure:
    """The steps the cases of some audit outputs follow."""

    id: str
    label_zh: str
    label_en: str
    source: str
    #: the audit outputs whose cases follow it
    outputs: tuple[str, ...]
    steps: tuple[Step, ...]
    #: local practice, not national law
    local: bool = False

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.steps)

    def step(self, code: str) -> Step:
        """The step called ``code``; an unknown code is a ValueError naming the valid ones."""
        for s in self.steps:
            if s.code == code:
                return s
        near = difflib.get_close_matches(str(code), self.codes, n=1, cutoff=0.6)
        hint = f"did you mean {near[0]!r}? " if near else ""
        raise ValueError(f"the procedure {self.id!r} ({self.label_zh}) has no step {code!r}: {hint}"
                         f"its steps are {', '.join(self.codes)}")


_GOV_CAUSE = (f"{_ORDER53}第十二条: 因本办法第八条规定情形造成土地闲置的, 市、县国土资源主管部门应当与国有建设用地使用权人"
              "协商, 选择下列方式处置")
_RESTART = "; 除前款第四项规定外, 动工开发时间按照新约定、规定的时间重新起算"

IDLE_LAND = Procedure(
    id="idle_land", label_zh="闲置土地调查认定和处置", label_en="idle land: investigation, determination, disposal",
    source=f"{_ORDER53} 第二章 调查和认定 (第五条–第十一条), 第三章 处置和利用 (第十二条–第十八条); national law",
    outputs=("idle_land",),
    steps=(
        Step("investigation_notice", "闲置土地调查通知书", "investigation notice served",
             f"{_ORDER53}第五条: 发现有涉嫌构成本办法第二条规定的闲置土地的, 应当在三十日内开展调查核实, "
             "向国有建设用地使用权人发出《闲置土地调查通知书》; 第六条(四): 调查的主要内容及提交材料的期限",
             needs=("doc_no",), deadline_key="register.materials_days",
             deadline_zh="提交土地开发利用情况、闲置原因以及相关说明等材料",
             met_by=("materials_received", "idle_determination"), document="investigation_notice",
             colour="#fdd49e"),
        Step("materials_received", "使用权人提交说明材料", "holder's materials received",
             f"{_ORDER53}第五条: 国有建设用地使用权人应当在接到《闲置土地调查通知书》之日起三十日内, 按照要求提供土地开发"
             "利用情况、闲置原因以及相关说明等材料; 第八条: … 提供土地闲置原因说明材料, 经审核属实的, 依照本办法第十二条"
             "和第十三条规定处置",
             after=("investigation_notice",), colour="#fdbb84"),
        Step("idle_determination", "闲置土地认定书", "idle land determined (and made public)",
             f"{_ORDER53}第九条: 经调查核实, 符合本办法第二条规定条件, 构成闲置土地的, 市、县国土资源主管部门应当向国有"
             "建设用地使用权人下达《闲置土地认定书》; 第十一条: 《闲置土地认定书》下达后, … 应当通过门户网站等形式向社会"
             "公开闲置土地的位置、国有建设用地使用权人名称、闲置时间等信息",
             after=("investigation_notice", "materials_received"), needs=("doc_no",),
             document="idle_determination", colour="#fc8d59"),
        Step("disposal_plan", "闲置土地处置方案 (政府批准)", "disposal plan approved by the government",
             f"{_ORDER53}第十三条: 市、县国土资源主管部门与国有建设用地使用权人协商一致后, 应当拟订闲置土地处置方案, "
             "报本级人民政府批准后实施 (for land idle by a cause of 第八条, disposed under 第十二条)",
             after=("idle_determination",), needs=("doc_no",), colour="#9ecae1"),
        Step("extension", "延长动工开发期限 (补充协议)", "start date extended by a supplementary agreement",
             f"{_GOV_CAUSE}: (一)延长动工开发期限。签订补充协议, 重新约定动工开发、竣工期限和违约责任。从补充协议约定的动工"
             f"开发日期起, 延长动工开发期限最长不得超过一年{_RESTART}",
             after=("disposal_plan",), restarts=True, needs=("doc_no", "new_date"),
             new_date_max_key="register.extension_max_days", colour="#6baed6"),
        Step("change_of_use", "调整土地用途、规划条件", "use or planning conditions changed",
             f"{_GOV_CAUSE}: (二)调整土地用途、规划条件。按照新用途或者新规划条件重新办理相关用地手续 …{_RESTART}",
             after=("disposal_plan",), restarts=True, needs=("doc_no", "new_date"), colour="#4292c6"),
        Step("temporary_use", "政府安排临时使用", "temporary use arranged by the government",
             f"{_GOV_CAUSE}: (三)由政府安排临时使用。待原项目具备开发建设条件, 国有建设用地使用权人重新开发建设。从安排"
             "临时使用之日起, 临时使用期限最长不得超过两年",
             after=("disposal_plan",), needs=("doc_no",), colour="#2171b5"),
        Step("paid_recovery", "协议有偿收回国有建设用地使用权", "right recovered against payment by agreement",
             f"{_GOV_CAUSE}: (四)协议有偿收回国有建设用地使用权",
             after=("disposal_plan",), needs=("doc_no", "amount_wan"), colour="#08519c"),
        Step("swap", "置换土地", "land swapped",
             f"{_GOV_CAUSE}: (五)置换土地。对已缴清土地价款、落实项目资金, 且因规划依法修改造成闲置的, 可以为国有建设用地"
             f"使用权人置换其它价值相当、用途相同的国有建设用地进行开发建设{_RESTART}",
             after=("disposal_plan",), restarts=True, needs=("doc_no", "new_date"), colour="#08306b"),
        Step("hearing_notice", "听证告知", "told of the right to a hearing",
             f"{_ORDER53}第十五条: 市、县国土资源主管部门在依照本办法第十四条规定作出征缴土地闲置费、收回国有建设用地使用权"
             "决定前, 应当书面告知国有建设用地使用权人有申请听证的权利",
             after=("idle_determination",), needs=("doc_no",), colour="#fb6a4a"),
        Step("idle_fee_decision", "征缴土地闲置费决定书", "idle-fee decision served",
             f"{_ORDER53}第十四条(一): 未动工开发满一年的, 由市、县国土资源主管部门报经本级人民政府批准后, 向国有建设用地"
             "使用权人下达《征缴土地闲置费决定书》, 按照土地出让或者划拨价款的百分之二十征缴土地闲置费; 第十六条: 决定书"
             "应当包括 … (四)决定的履行方式和期限",
             after=("hearing_notice",), needs=("doc_no", "amount_wan"), deadline_key="register.fee_payment_days",
             deadline_zh="缴纳土地闲置费", met_by=("fee_paid",), document="idle_fee_decision", colour="#ef3b2c"),
        Step("fee_paid", "缴纳土地闲置费", "idle fee paid",
             f"{_ORDER53}第十七条: 国有建设用地使用权人应当自《征缴土地闲置费决定书》送达之日起三十日内, 按照规定缴纳土地"
             "闲置费",
             after=("idle_fee_decision",), needs=("amount_wan",), colour="#a1d99b"),
        Step("recovery_decision", "收回国有建设用地使用权决定书", "recovery decision served (无偿收回)",
             f"{_ORDER53}第十四条(二): 未动工开发满两年的, … 报经有批准权的人民政府批准后, 向国有建设用地使用权人下达"
             "《收回国有建设用地使用权决定书》, 无偿收回国有建设用地使用权",
             after=("hearing_notice",), needs=("doc_no",), deadline_key="register.cancel_registration_days",
             deadline_zh="办理国有建设用地使用权注销登记, 交回土地权利证书", met_by=("registration_cancelled",),
             document="recovery_decision", colour="#cb181d"),
        Step("registration_cancelled", "注销登记", "registration of the right cancelled",
             f"{_ORDER53}第十七条: 自《收回国有建设用地使用权决定书》送达之日起三十日内, 到市、县国土资源主管部门办理国有"
             "建设用地使用权注销登记, 交回土地权利证书; 第十八条(一): 逾期不办理国有建设用地使用权注销登记, 不交回土地权利"
             "证书的, 直接公告注销国有建设用地使用权登记和土地权利证书",
             after=("recovery_decision",), needs=("doc_no",), colour="#74c476"),
        Step("closed", "销号 (处置完毕)", "disposal complete, case closed",
             f"{_ORDER53}第十一条: 闲置土地在处置完毕前, 相关信息应当长期公开。闲置土地处置完毕后, 应当及时撤销相关信息",
             after=("extension", "change_of_use", "temporary_use", "paid_recovery", "swap", "fee_paid",
                    "registration_cancelled"),
             closes=True, colour="#31a354"),
    ),
)

_UNSUPPLIED_SOURCE = (f"批而未供 disposal, {_NOTICE_2019}: 自然资源部办公厅 on 批而未供 and 闲置土地 disposal (2019); "
                      "the categories and their wording are the practice of the 增存挂钩 ledgers (自然资规〔2018〕1号), "
                      "not quoted from the notice")

UNSUPPLIED = Procedure(
    id="unsupplied", label_zh="批而未供土地处置", label_en="approved but not supplied: disposal",
    source=_UNSUPPLIED_SOURCE, outputs=("approved_not_supplied",),
    steps=(
        Step("supplied", "已供应 (完成供地)", "supplied (contract or allocation decision)",
             f"{_NOTICE_2019}: 批而未供土地通过供应消化 (the 出让合同 or 划拨决定书 number as 文号)",
             needs=("doc_no",), closes=True, colour="#31a354"),
        Step("withdrawn", "撤回用地批准文件", "approval withdrawn",
             f"{_NOTICE_2019}: 撤回 (撤销) 未供部分的用地批准文件 (the withdrawing document's number as 文号)",
             needs=("doc_no",), closes=True, colour="#756bb1"),
        Step("reduced", "核减 (部分)", "approved area reduced (part)",
             f"{_NOTICE_2019}: 核减 批而未供面积 (a part: the case stays open for the rest)",
             needs=("doc_no",), colour="#9e9ac8"),
        Step("adjusted", "调整使用 (另行组件)", "approval adjusted to other use (re-batched)",
             f"{_NOTICE_2019}: 调整使用 / 另行组件报批",
             needs=("doc_no",), closes=True, colour="#6baed6"),
        Step("corrected", "数据纠正", "record corrected (not unsupplied land)",
             f"{_NOTICE_2019}: 纠正 错误的 批而未供 数据 (e.g. a supply not entered in the monitoring system)",
             needs=("doc_no",), closes=True, colour="#bdbdbd"),
        Step("closed", "销号", "case closed",
             f"{_NOTICE_2019}: 销号 after the remaining part is disposed",
             after=("reduced",), closes=True, colour="#238b45"),
    ),
)

_LOCAL = ("local practice of the supervision ledgers (核实 → 整改 or 立案查处 → 整改到位 → 销号), not national law; "
          "configurable: a bureau with other steps registers its own procedure (redline.register.procedures."
          "register_procedure)")

GENERIC = Procedure(
    id="generic", label_zh="核实整改销号", label_en="verify, rectify, close", source=_LOCAL, outputs=(),
    local=True,
    steps=(
        Step("verified", "核实", "verified on site or on file", f"{_LOCAL}: 核实", colour="#fdd49e"),
        Step("rectifying", "整改中", "rectification under way", f"{_LOCAL}: 整改中", after=("verified",),
             colour="#fc8d59"),
        Step("filed", "立案查处", "case filed for enforcement", f"{_LOCAL}: 立案查处 (the 立案 number as 文号)",
             after=("verified",), needs=("doc_no",), colour="#d7301f"),
        Step("rectified", "整改到位", "rectified", f"{_LOCAL}: 整改到位", after=("rectifying", "filed"),
             colour="#74c476"),
        Step("closed", "销号", "case closed", f"{_LOCAL}: 销号 (after rectification, or when 核实 finds no problem)",
             after=("verified", "rectified"), closes=True, colour="#31a354"),
    ),
)

PROCEDURES: dict[str, Procedure] = {}


def _output_names() -> list[str]:
    from ..registry import all_specs  # the audits import much; read them only when asked

    return [o.name for s in all_specs() for o in s.outputs]


def _problems_of(procedure: Procedure) -> list[str]:
    """What is wrong with a procedure's definition (a step naming a step that does not exist, …)."""
    out: list[str] = []
    codes = procedure.codes
    if len(set(codes)) != len(codes):
        out.append(f"{procedure.id}: a step code is listed twice")
    for s in procedure.steps:
        out += [f"{procedure.id}.{s.code}: after {a!r} is not a step" for a in s.after if a not in codes]
        out += [f"{procedure.id}.{s.code}: met_by {a!r} is not a step" for a in s.met_by if a not in codes]
        out += [f"{procedure.id}.{s.code}: needs {n!r} is not one of {', '.join(FIELDS)}"
                for n in s.needs if n not in FIELDS]
        if s.document and s.document not in DOCUMENTS:
            out.append(f"{procedure.id}.{s.code}: document {s.document!r} is not one of {', '.join(DOCUMENTS)}")
        if bool(s.deadline_key) != bool(s.deadline_zh):
            out.append(f"{procedure.id}.{s.code}: a deadline needs both deadline_key and deadline_zh")
        if s.new_date_max_key and "new_date" not in s.needs:
            out.append(f"{procedure.id}.{s.code}: new_date_max_key without needs new_date")
        if s.restarts and "new_date" not in s.needs:
            out.append(f"{procedure.id}.{s.code}: restarts the clock but needs no new_date")
    return out


def register_procedure(procedure: Procedure, *, replace: bool = False) -> Procedure:
    """Add a procedure to :data:`PROCEDURES` (``replace``: in place of one with the same id).

    A malformed procedure, an id already taken, or an output another procedure claims is a ValueError.
    """
    problems = _problems_of(procedure)
    if procedure.id in PROCEDURES and not replace:
        problems.append(f"a procedure {procedure.id!r} exists: pass replace=True to replace it")
    for other in PROCEDURES.values():
        if other.id != procedure.id:
            problems += [f"the output {o!r} already follows {other.id!r}" for o in procedure.outputs
                         if o in other.outputs]
    if problems:
        raise ValueError("cannot register the procedure: " + "; ".join(problems))
    PROCEDURES[procedure.id] = procedure
    return procedure


for _p in (IDLE_LAND, UNSUPPLIED, GENERIC):
    register_procedure(_p)


def procedure_for(output: str) -> Procedure:
    """The procedure the cases of ``output`` follow (``generic`` for an output no procedure names).

    An output no audit makes is a ValueError (a typo would otherwise get the generic steps silently).
    """
    for p in PROCEDURES.values():
        if output in p.outputs:
            return p
    known = _output_names()
    if output not in known:
        near = difflib.get_close_matches(output, known, n=1, cutoff=0.6)
        raise ValueError(f"no audit makes the output {output!r}: "
                         + (f"did you mean {near[0]!r}? " if near else "") + "the outputs are " + ", ".join(known))
    return PROCEDURES["generic"]


def _day(d) -> str:
    return d.isoformat() if isinstance(d, dt.date) else "(no date)"


def _missing(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and value != value)


def check_steps(procedure: Procedure, steps: Sequence[Mapping], rules: RuleSet | str | None = None) -> list[str]:
    """The problems of a case's recorded steps, as sentences a technician can act on.

    ``steps`` are the case's dispositions in entry order, each a mapping with ``status`` (a step code),
    ``date`` (:class:`datetime.date` or None) and, as the step needs them, ``doc_no``, ``new_date``,
    ``amount_wan``. ``rules`` (a RuleSet or its name; None: cn-national) gives the limits such as
    ``register.extension_max_days``.

    >>> import datetime as dt
    >>> check_steps(procedure_for("idle_land"), [
    ...     {"status": "investigation_notice", "date": dt.date(2026, 3, 1), "doc_no": "息闲调〔2026〕1号"},
    ...     {"status": "idle_determinaton", "date": dt.date(2026, 4, 1)}])
    ["step 2: the procedure 'idle_land' (闲置土地调查认定和处置) has no step 'idle_determinaton': did you mean 'idle_determination'? its steps are investigation_notice, materials_received, idle_determination, disposal_plan, extension, change_of_use, temporary_use, paid_recovery, swap, hearing_notice, idle_fee_decision, fee_paid, recovery_decision, registration_cancelled, closed"]
    """
    rules = resolve_rules(rules)
    problems: list[str] = []
    seen: list[str] = []
    last_date: dt.date | None = None
    closed_by: str | None = None
    for n, rec in enumerate(steps, 1):
        try:
            step = procedure.step(str(rec.get("status")))
        except ValueError as exc:
            problems.append(f"step {n}: {exc}")
            continue
        date = rec.get("date")
        on = f"on {_day(date)}"
        if closed_by is not None:
            problems.append(f"{step.name} {on} is recorded after the case was closed by {closed_by}: "
                            "reopen the case or remove the step")
        if not isinstance(date, dt.date):
            problems.append(f"{step.name} (step {n}) has no date: write the date of the step (for a document, "
                            "the date it was served)")
        elif last_date is not None and date < last_date:
            problems.append(f"{step.name} on {_day(date)} is dated before the step recorded before it "
                            f"({_day(last_date)}): steps are entered in the order they happened; check the date")
        if step.after and not any(a in seen for a in step.after):
            before = " or ".join(procedure.step(a).name for a in step.after)
            problems.append(f"{step.name} {on} comes before any {before}: record the "
                            f"{procedure.step(step.after[0]).label_zh} first")
        for field in step.needs:
            value = rec.get(field)
            if _missing(value):
                problems.append(f"{step.name} {on} has no {field} ({FIELDS[field]}): write it from the document")
            elif field == "amount_wan" and (isinstance(value, bool) or not isinstance(value, int | float)
                                            or value < 0):
                problems.append(f"{step.name} {on}: amount_wan {value!r} is not an amount in 万元")
            elif field == "new_date" and not isinstance(value, dt.date):
                problems.append(f"{step.name} {on}: new_date {value!r} is not a date")
        new_date = rec.get("new_date")
        if isinstance(new_date, dt.date) and isinstance(date, dt.date) and "new_date" in step.needs:
            if new_date <= date:
                problems.append(f"{step.name} {on}: the new date {_day(new_date)} is not after the step's date")
            elif step.new_date_max_key:
                limit = int(rules.value(step.new_date_max_key))
                if (new_date - date).days > limit:
                    problems.append(
                        f"{step.name} {on}: the new date {_day(new_date)} is {(new_date - date).days} days later, "
                        f"over the {limit} days allowed ({rules.cite(step.new_date_max_key)})")
        seen.append(step.code)
        if isinstance(date, dt.date):
            last_date = max(date, last_date) if last_date else date
        if step.closes and closed_by is None:
            closed_by = step.name
    return problems


def deadlines(procedure: Procedure, steps: Sequence[Mapping], rules: RuleSet | str | None,
              as_of: dt.date) -> list[dict]:
    """What the recorded steps make due, as of ``as_of``.

    One row per recorded step with a deadline (``deadline_key``) and a date, unless a later step fulfils
    it (its ``met_by``), the same step is recorded again (the later one replaces it) or a later step closes
    the case: ``{"status", "due", "what_zh", "days_left", "overdue", "rule"}`` (``rule`` the cited key,
    ``days_left`` negative once overdue). Unknown statuses are skipped here; :func:`check_steps` names them.

    >>> import datetime as dt
    >>> [(d["due"], d["overdue"]) for d in deadlines(procedure_for("idle_land"), [
    ...     {"status": "investigation_notice", "date": dt.date(2026, 3, 2), "doc_no": "1"},
    ...     {"status": "materials_received", "date": dt.date(2026, 3, 20)}], None, dt.date(2026, 6, 30))]
    []
    """
    rules = resolve_rules(rules)
    known = [(rec, procedure.step(str(rec.get("status")))) for rec in steps
             if str(rec.get("status")) in procedure.codes]
    out: list[dict] = []
    for i, (rec, step) in enumerate(known):
        date = rec.get("date")
        if not step.deadline_key or not isinstance(date, dt.date):
            continue
        later = [s for _, s in known[i + 1:]]
        if any(s.code in step.met_by or s.code == step.code or s.closes for s in later):
            continue
        due = date + dt.timedelta(days=int(rules.value(step.deadline_key)))
        left = (due - as_of).days
        out.append({"status": step.code, "due": due, "what_zh": step.deadline_zh, "days_left": left,
                    "overdue": left < 0, "rule": step.deadline_key, "cite": rules.cite(step.deadline_key)})
    return out
