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

from .area import AreaMethod
from .io.ledger import LedgerColumn
from .result import AuditLog, NoteList
from .rules import RuleSet

ParamType = Literal["date", "float", "int", "str", "bool", "choice", "field"]

__all__ = ["AuditSpec", "InputSpec", "LedgerColumn", "OutputSpec", "ParamSpec", "RunContext"]


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

    def sheet_title(self, lang: str = "zh") -> str:
        return (self.label_zh if lang == "zh" else self.label_en)[:31]


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
