"""One spec per audit: inputs, parameters, outputs, ledger columns and the rules it cites.

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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .io.ledger import LedgerColumn
from .rules import RuleSet

ParamType = Literal["date", "float", "int", "str", "bool", "choice", "field"]

__all__ = ["AuditSpec", "FigureSpec", "InputSpec", "LedgerColumn", "OutputSpec", "ParamSpec", "RunContext", "Status"]

#: a report section hook: ``(ctx, section, frame) -> None`` adds the charts and maps specific to an output
#: (``ctx`` a :class:`redline.report.Ctx`, ``section`` a :class:`redline.report.Section`)
SectionHook = Callable[[Any, Any, Any], None]


@dataclass(frozen=True)
class InputSpec:
    """An input layer: its name in the audit call, its kind (schema), whether required."""

    name: str
    kind: str
    required: bool = True
    label_zh: str = ""
    label_en: str = ""
    help: str = ""


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
class OutputSpec:
    """A result layer or table: its stable name, labels, and its ledger sheet layout."""

    name: str
    label_zh: str
    label_en: str
    geometry: bool = True
    columns: Sequence[LedgerColumn] = ()  # ledger layout (Chinese headers); empty: no ledger sheet
    description: str = ""
    style: str = ""  # QML style file name shipped with the plugin, if any
    description_en: str = ""  # ``description`` (Chinese) in English, for the English report and docs
    #: the column holding one of ``statuses`` per row (its labels in ``<status_column>_zh``)
    status_column: str = ""
    statuses: Sequence[Status] = ()
    #: headline figures the report shows first (before those of the ``section`` hook)
    figures: Sequence[FigureSpec] = ()
    #: the report's charts and maps specific to this output; without it: the declared figures and a map
    section: SectionHook | None = None

    def sheet_title(self, lang: str = "zh") -> str:
        return (self.label_zh if lang == "zh" else self.label_en)[:31]

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
    """What every audit in a run shares: the date, rules, working CRS and area method."""

    as_of: dt.date
    rules: RuleSet
    area_method: str = "ellipsoidal"
    crs: Any = None
    strict: bool = False
    progress: Callable[[str, float], None] | None = None
    notes: list[str] = field(default_factory=list)

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

    def input(self, name: str) -> InputSpec:
        for i in self.inputs:
            if i.name == name:
                return i
        raise KeyError(name)

    def can_run(self, available: set[str]) -> bool:
        return all(i.name in available for i in self.inputs if i.required)

    def run(self, layers: Mapping[str, Any], params: Mapping[str, Any] | None, ctx: RunContext) -> dict:
        merged = {p.name: p.default for p in self.params}
        merged.update({k: v for k, v in (params or {}).items() if v is not None})
        return self.runner(layers, merged, ctx)
