"""One spec per audit: inputs, parameters, outputs, their columns and the rules it cites.

The spec drives validation, the command line, the QGIS Processing parameters, the ledger
sheets and the report, so the four never disagree. An audit module declares::

    SPEC = AuditSpec(
        id="approved_not_supplied", label_zh="批而未供", label_en="Approved but not supplied",
        group="overlay", inputs=(InputSpec("approvals", "approvals"), InputSpec("supplies", "supplies")),
        params=(ParamSpec("as_of", "date", ...),),
        outputs=(OutputSpec("approved_not_supplied", ...),),
        runner=_run,   # (layers: dict, params: dict, ctx: RunContext) -> dict[str, frame]
    )

and :mod:`redline.registry` lists the modules that hold specs.

Every column an output emits is declared once, as a :class:`Column` of its :class:`OutputSpec`
(name, kind, unit, Chinese and English labels, role, whether the ledger shows it). The ledger sheets,
the GeoPackage field aliases, the QGIS plugin's output aliases, the report's tables and
``docs/outputs.md`` are all built from these declarations. An output that carries the attributes of
an input (``OutputSpec.passthrough``) also carries that input's canonical fields
(:mod:`redline.schema`) and the user's own columns, which are not declared again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .area import AreaMethod
from .io.ledger import LedgerColumn
from .result import AuditLog, NoteList
from .rules import RuleSet
from .scale import Backend

#: ``table``: a CSV/Excel table, read by :func:`redline.io.tables.read_table` (the audit gets a DataFrame);
#: ``classes``: class values of a classified raster (``"1,2,4"``); see :func:`redline.options.convert_param`
ParamType = Literal["date", "float", "int", "str", "bool", "choice", "field", "table", "classes"]
#: a column's kind: the ledger's kinds (text, 亩, m², date, ratio, count, 万元, number, days) and bool
ColumnKind = Literal["text", "mu", "m2", "date", "ratio", "int", "wan", "float", "days", "bool"]
#: what a column is for: an identifier, an area, a date, a status (code or label), the rule cited,
#: a measure (count, ratio, amount), the reason given, or another attribute
ColumnRole = Literal["id", "area", "date", "status", "rule", "measure", "reason", "attribute"]

#: the unit a column of each kind is in, unless the column says otherwise
KIND_UNITS: dict[str, str] = {"mu": "亩", "m2": "m²", "wan": "万元", "days": "天 days"}
_KIND_ROLES: dict[str, ColumnRole] = {"mu": "area", "m2": "area", "date": "date", "ratio": "measure", "int": "measure",
                                      "wan": "measure", "float": "measure", "days": "measure"}

__all__ = ["ADMIN_CODE", "ADMIN_NAME", "RULE", "RULE_OFF_LEDGER", "AuditSpec", "CaseSpec", "Column", "ColumnKind", "ColumnRole", "FigureSpec", "InputSpec", "LedgerColumn", "OutputSpec",
           "ParamSpec", "RunContext", "Status", "output_aliases"]
#: a report section hook: ``(ctx, section, frame) -> None`` adds the charts and maps specific to an output
#: (``ctx`` a :class:`redline.report.Ctx`, ``section`` a :class:`redline.report.Section`)
SectionHook = Callable[[Any, Any, Any], None]


@dataclass(frozen=True)
class InputSpec:
    """An input layer: its name in the audit call, its kind (schema), whether required.

    ``optional_when_named``: a required input without which the pipeline does not choose the audit, but
    runs it when the audit is asked for by name (``audits=[...]``) and the audit handles the input missing
    (the 卫片 register judged without approvals says so: "not given"). ``ids_only``: the audit reads only the
    layer's id field and geometry, so a run whose audits all read it so validates it with only the id field
    required (:func:`redline.schema.ids_only`)."""

    name: str
    kind: str
    required: bool = True
    label_zh: str = ""
    label_en: str = ""
    help: str = ""
    optional_when_named: bool = False
    ids_only: bool = False


@dataclass(frozen=True)
class ParamSpec:
    """A parameter of the audit (other than the shared as_of / rules / crs / area)."""

    name: str
    type: ParamType
    default: Any = None
    label_zh: str = ""
    label_en: str = ""
    help: str = ""
    choices: Sequence[str] = ()
    parent_input: str = ""  # for type "field": the input layer whose field this names
    #: the audit cannot run without it: a run that picks its audits by the inputs given leaves the audit out, with a
    #: note, when it is not given (an audit asked for by name fails with the audit's own message)
    required: bool = False


def hook(path: str) -> SectionHook:
    """A section hook named ``"module:function"``, imported when the report first calls it.

    The report's plotting stack is then loaded only by the report, not by every audit's import.
    """
    module, _, name = path.partition(":")

    def call(ctx: Any, section: Any, frame: Any) -> None:
        import importlib

        getattr(importlib.import_module(module), name)(ctx, section, frame)

    call.__qualname__ = call.__name__ = name
    call.__doc__ = f"The report section of {path}."
    return call


@dataclass(frozen=True)
class Status:
    """One value of an output's status column, as every view of the output shows it.

    The audit writes ``label_zh`` into the output's ``<status column>_zh`` column; the report's
    legends and charts, the ledger's highlighting of the status cell and the QGIS style all take
    their label and colour from here.
    """

    code: str
    label_zh: str
    label_en: str
    colour: str  # "#rrggbb"
    #: a finding to act on: its headline figure is shown in red when it is not zero
    grave: bool = False
    #: counted as the finding itself (idle land: idle, idle ≥ 2 years, stalled): the output's headline count,
    #: area and overview-map features are the rows with a counted status
    counted: bool = False
    #: a status to watch: listed with its own headline figure and drawn on the output's map
    watch: bool = False

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" else self.label_en


@dataclass(frozen=True)
class FigureSpec:
    """A headline figure of an output: ``<output>.<name>`` in the report.

    It counts the rows (``column`` empty) or sums ``column`` over them; with ``statuses``, over the
    rows whose status is one of them (``counted``: the statuses marked counted). A figure whose column
    (or the status column) the frame lacks is left out.
    """

    name: str
    label_zh: str
    label_en: str
    column: str = ""
    statuses: Sequence[str] | Literal["counted"] = ()
    unit: str = ""
    digits: int = 0
    #: shown in red when it is not zero
    grave: bool = False

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" else self.label_en


@dataclass(frozen=True)
class Column:
    """One column of an output, declared once: what the ledger, GeoPackage, plugin, report and docs show.

    ``ledger`` puts it on the ledger sheet (in the order of declaration), under ``label_zh``; ``total``
    says whether the sheet's totals row sums it (None: the summable kinds 亩, m², 万元 and counts);
    ``optional`` marks a column emitted only in some runs (an optional input or field given). ``unit``
    defaults to the kind's (亩, m², 万元, days), ``role`` to the one the kind implies (areas, dates,
    measures; ``rule`` for the rule cited), else ``attribute``.

    >>> c = Column("unsupplied_mu", "mu", "未供面积(亩)", "Unsupplied area", "area", ledger=True)
    >>> c.unit, c.ledger_column()
    ('亩', LedgerColumn(name='unsupplied_mu', header='未供面积(亩)', kind='mu', total=None))
    """

    name: str
    kind: ColumnKind = "text"
    label_zh: str = ""
    label_en: str = ""
    role: ColumnRole = "attribute"
    ledger: bool = False
    total: bool | None = None
    optional: bool = False
    unit: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        if not self.unit and self.kind in KIND_UNITS:
            object.__setattr__(self, "unit", KIND_UNITS[self.kind])
        if self.role == "attribute":  # the role its kind implies: areas, dates, measures, the rule cited
            role = _KIND_ROLES.get(self.kind) or ("rule" if self.name == "rule" or self.name.endswith("_rule")
                                                  else "attribute")
            object.__setattr__(self, "role", role)

    def ledger_column(self, lang: str = "zh") -> LedgerColumn:
        """The ledger writer's column: the Chinese label as header (``lang="en"``: the column name)."""
        return LedgerColumn(self.name, self.label_zh if lang == "zh" else self.name,
                            "text" if self.kind == "bool" else self.kind, self.total)


#: columns many outputs share, declared once: the rule cited (on the ledger, or only in the layer) and the
#: administrative unit a row is for
RULE = Column("rule", "text", "依据", "Rule", ledger=True)
RULE_OFF_LEDGER = Column("rule", "text", "依据", "Rule")
ADMIN_CODE = Column("admin_code", "text", "行政区代码", "Administrative code", "id", ledger=True)
ADMIN_NAME = Column("admin_name", "text", "行政区名称", "Administrative unit", ledger=True)


@dataclass(frozen=True)
class CaseSpec:
    """How an output's findings become cases of the case register (:mod:`redline.register`).

    ``key``: the columns whose values make a case's stable key, the business id the bureau uses
    (批准文号, 合同编号, 图斑编号 ...; several joined by ``" | "``); ``area``: the column (m²) that is the case's
    area; ``measure``: a second figure followed from round to round (e.g. idle days). A row is a finding
    when its status is one of the output's counted statuses (with a status column) and every column of
    ``where`` holds one of the values given; a row present but not a finding closes an open case with its
    status label as the reason (``resolved_labels`` names the ``where`` values that have no status label).
    ``prefix`` starts the case ids (``IDLE-00001``); ``label`` names the columns that tell a person which
    case it is (project, holder)."""

    key: Sequence[str]
    key_label_zh: str
    key_label_en: str
    area: str
    prefix: str
    measure: str = ""
    where: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    resolved_labels: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    label: Sequence[str] = ()


@dataclass(frozen=True)
class OutputSpec:
    """A result layer or table: its stable name, labels, and every column it emits.

    ``columns`` declares every column (the ledger's among them, ``Column.ledger``); ``passthrough``
    names the input whose attributes the output carries (its schema's canonical fields and the user's
    own columns, not declared here)."""

    name: str
    label_zh: str
    label_en: str
    geometry: bool = True
    columns: Sequence[Column] = ()
    description: str = ""
    style: str = ""  # QML style file name shipped with the plugin, if any
    description_en: str = ""  # ``description`` (Chinese) in English, for the English report and docs
    passthrough: str = ""  # the input whose attributes the output carries, if any
    #: the column holding one of ``statuses`` per row (its labels in ``<status_column>_zh``)
    status_column: str = ""
    statuses: Sequence[Status] = ()
    #: a status column that may hold several codes, joined by this (e.g. ``"; "``): a row is coloured by its
    #: first code, and counted under each code it holds
    status_separator: str = ""
    #: headline figures the report shows first (before those of the ``section`` hook)
    figures: Sequence[FigureSpec] = ()
    #: the report's charts and maps specific to this output; without it: the declared figures and a map
    section: SectionHook | None = None
    #: how its findings are kept as cases from one round to the next (None: the output holds no cases)
    case: CaseSpec | None = None

    def __post_init__(self) -> None:
        wrong = [c for c in self.columns if not isinstance(c, Column)]
        if wrong:  # e.g. a spec written before columns were declared, with the ledger's LedgerColumn
            raise TypeError(f"output {self.name!r}: declare each column as redline.spec.Column(name, kind, label_zh, "
                            f"label_en, ...), not {type(wrong[0]).__name__} ({wrong[0]!r})")

    def sheet_title(self, lang: str = "zh") -> str:
        return (self.label_zh if lang == "zh" else self.label_en)[:31]

    def ledger_columns(self, lang: str = "zh") -> list[LedgerColumn]:
        """The ledger sheet's layout: the ledger columns in order of declaration (empty: no sheet)."""
        return [c.ledger_column(lang) for c in self.columns if c.ledger]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def row_codes(self, value: Any) -> list[str]:
        """The status codes a status cell holds: one, or several joined by ``status_separator``.

        >>> OutputSpec("t", "", "", status_separator="; ").row_codes("pbf_short; pbf_share_low")
        ['pbf_short', 'pbf_share_low']
        """
        text = "" if value is None else str(value)
        return [p.strip() for p in text.split(self.status_separator)] if self.status_separator else [text]

    def status(self, code: str) -> Status | None:
        for s in self.statuses:
            if s.code == code:
                return s
        return None

    @property
    def status_codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.statuses)

    @property
    def counted(self) -> tuple[str, ...]:
        """The statuses that count as the finding (e.g. what counts as idle land)."""
        return tuple(s.code for s in self.statuses if s.counted)

    @property
    def status_colours(self) -> dict[str, str]:
        return {s.code: s.colour for s in self.statuses}


@dataclass
class RunContext:
    """What every audit in a run shares: the date, rules, working CRS and area method, and the run's log.

    Runners pass ``log=ctx.log`` to the audit functions: every note they make and every feature they set
    aside reaches the run, once (:class:`redline.result.AuditLog`).
    """

    as_of: dt.date
    rules: RuleSet
    area_method: AreaMethod = "ellipsoidal"
    crs: Any = None
    strict: bool = False
    progress: Callable[[str, float], None] | None = None
    log: AuditLog = field(default_factory=AuditLog)
    #: output name -> the log of the audit that produced it in this run, for the audits that use the output
    #: (:attr:`AuditSpec.uses`): its audit date, area method, working CRS, features set aside and notes
    sources: dict[str, AuditLog] = field(default_factory=dict)
    #: the outputs the caller keeps (None: all); an audit run only for an output another uses may skip the rest
    wanted: frozenset[str] | None = None
    #: where the overlays' pairs are computed (:mod:`redline.scale`); runners pass it as ``backend=``.
    #: None: on this machine
    backend: Backend | None = None
    #: work several audits of the run do alike on the same layers (the land-use layer's overlap check, its
    #: overlay with the administrative units): done by the first, reused by the others; runners pass it as
    #: ``shared=`` (see :func:`redline.boundaries.intensity.shared_work`)
    shared: dict = field(default_factory=dict)

    def wants(self, output: str) -> bool:
        """Whether ``output`` is kept: an audit may leave out the work of an output that is not."""
        return self.wanted is None or output in self.wanted

    @property
    def notes(self) -> NoteList:
        """The run's notes (``log.notes``): each note once, in the order said."""
        return self.log.notes

    def report(self, message: str, fraction: float = 0.0) -> None:
        if self.progress is not None:
            self.progress(message, fraction)


@dataclass(frozen=True)
class AuditSpec:
    """An audit as the CLI, the plugin, the pipeline and the report see it."""

    id: str
    label_zh: str
    label_en: str
    group: str
    inputs: Sequence[InputSpec]
    outputs: Sequence[OutputSpec]
    runner: Callable[[Mapping[str, Any], Mapping[str, Any], RunContext], dict]
    params: Sequence[ParamSpec] = ()
    rules_keys: Sequence[str] = ()
    description_zh: str = ""
    description_en: str = ""
    needs_as_of: bool = True
    #: optional: (outputs of this audit) -> short lines for the run's printed summary
    summary: Callable[[Mapping[str, Any]], list[str]] | None = None
    #: optional, instead of ``summary``: (outputs, the run's log) -> lines, for figures kept in the log's facts
    summary_with_log: Callable[[Mapping[str, Any], AuditLog], list[str]] | None = None
    #: outputs of other audits this one consumes (e.g. the 供地率 over the 批而未供 overlay): handed to the
    #: runner with its layers, the producer's log in ``ctx.sources``; the producer is run first when the run
    #: did not make the output already (its inputs are among this audit's), and its output is not kept; when an
    #: input the producer needs is not given (an optional input of this audit) the output is None
    uses: Sequence[str] = ()

    def input(self, name: str) -> InputSpec:
        for i in self.inputs:
            if i.name == name:
                return i
        raise KeyError(name)

    def can_run(self, available: set[str], named: bool = False) -> bool:
        """Whether the inputs ``available`` allow the audit; ``named``: it is asked for by name.

        An audit whose inputs are all optional (e.g. 面积核对 on whichever layers carry a recorded area)
        runs when at least one of them is given."""
        if not any(i.required for i in self.inputs):
            return any(i.name in available for i in self.inputs)
        return all(i.name in available for i in self.needed(named))

    def needed(self, named: bool = False) -> list[InputSpec]:
        """The inputs the audit cannot run without (``named``: asked for by name, see :class:`InputSpec`)."""
        return [i for i in self.inputs if i.required and not (named and i.optional_when_named)]

    def run(self, layers: Mapping[str, Any], params: Mapping[str, Any] | None, ctx: RunContext) -> dict:
        """The audit's outputs from ``layers`` (its inputs, and the outputs it uses when already made).

        The audit writes into a log of its own, merged into ``ctx.log`` (each note once) and kept in
        ``ctx.sources`` under each of its outputs. An output in :attr:`uses` not in ``layers`` is made
        first by the audit that declares it, from the same layers and parameters; when the layers lack an input
        the producer needs (an optional input of this audit, e.g. approvals), it stays None and the audit does
        without it."""
        given = dict(layers)
        for name in self.uses:
            if given.get(name) is None:
                from .registry import producer_of

                producer = producer_of(name)
                if any(given.get(i.name) is None for i in producer.needed(named=True)):
                    given[name] = None
                    continue
                made = producer.run(given, params, dataclasses.replace(ctx, wanted=frozenset({name})))
                given[name] = made[name]
        merged = {p.name: p.default for p in self.params}
        merged.update({k: v for k, v in (params or {}).items() if v is not None})
        own = dataclasses.replace(ctx, log=AuditLog())
        produced = self.runner(given, merged, own)
        ctx.log.merge(own.log)
        for name in produced:  # a runner making several outputs may have said which log is whose
            ctx.sources.setdefault(name, own.log)
        return produced


def output_aliases(spec: AuditSpec, output: OutputSpec) -> dict[str, tuple[str, str]]:
    """Column name -> (Chinese label, English description) of an output, for GeoPackage and QGIS aliases.

    The declared columns, then the canonical fields of the ``passthrough`` input's schema not declared;
    a label already taken by another column of the output is left out (aliases name one column each).
    """
    from .schema import SCHEMAS

    found: dict[str, tuple[str, str]] = {}
    for c in output.columns:
        if c.label_zh:
            english = c.label_en + (f" ({c.unit})" if c.unit and c.label_en else "")
            found[c.name] = (c.label_zh, "; ".join(t for t in (english, c.description) if t))
    if output.passthrough:
        schema = SCHEMAS.get(spec.input(output.passthrough).kind)
        for f in schema.fields if schema is not None else ():
            if f.name not in found:
                found[f.name] = (f.label_zh, f.description)
    seen: set[str] = set()
    unique = {}
    for name, (label, text) in found.items():
        if label not in seen:
            seen.add(label)
            unique[name] = (label, text)
    return unique
