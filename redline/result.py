"""What an audit says besides its frame: features set aside, notes, rule set, area method, working CRS.

Every public audit function returns its frame (a GeoDataFrame or DataFrame) and takes an optional
``log``: an :class:`AuditLog` the metadata of the call is written into. A run shares one log between
its audits (:class:`redline.spec.RunContext` ``.log``), so every note an audit makes reaches the run,
once. Called without a log, an audit logs what would otherwise be lost (the features it set aside, its
notes) as warnings of the ``redline`` logger: nothing passes silently.

>>> log = AuditLog()
>>> log.notes += ["[x] one", "[x] two", "[x] one"]
>>> list(log.notes)
['[x] one', '[x] two']
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, SupportsIndex

import pandas as pd

from .area import AreaMethod

__all__ = ["AuditLog", "LayerInfo", "NoteList", "deliver"]

_log = logging.getLogger("redline")

REJECTED_COLUMNS = ["layer", "feature_id", "code", "reason"]


class NoteList(list[str]):
    """A list of notes that keeps each note once, in the order first said."""

    def __init__(self, items: Iterable[str] = ()) -> None:
        super().__init__()
        self.extend(items)

    def append(self, note: str) -> None:
        if note not in self:
            super().append(note)

    def extend(self, notes: Iterable[str]) -> None:
        for n in notes:
            self.append(n)

    def insert(self, index: SupportsIndex, note: str) -> None:
        if note not in self:
            super().insert(index, note)

    def __iadd__(self, notes: Iterable[str]) -> NoteList:  # type: ignore[override,misc]
        self.extend(notes)
        return self


@dataclass
class AuditLog:
    """The metadata of one audit call, or of every audit of a run.

    ``rejected`` holds one record per feature set aside (layer, feature_id, code, reason), ``notes``
    what the audit says about its inputs and results (each once, in order), ``rules`` the rule set's
    label, ``area_method`` and ``working_crs`` how the areas were measured, ``as_of`` the audit date,
    ``facts`` per audit id the figures an audit reports beside its frame (e.g. the features compared).
    """

    rejected: list[dict[str, Any]] = field(default_factory=list)
    notes: NoteList = field(default_factory=NoteList)
    rules: str = ""
    area_method: AreaMethod | None = None
    working_crs: str = ""
    as_of: dt.date | None = None
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.notes, NoteList):
            self.notes = NoteList(self.notes)

    def rejected_frame(self) -> pd.DataFrame:
        """The features set aside as a table: layer, feature_id, code, reason."""
        return pd.DataFrame(self.rejected, columns=REJECTED_COLUMNS)

    def fact(self, audit: str, key: str, default: Any = None) -> Any:
        """A figure ``audit`` reported (``default`` when it did not)."""
        return self.facts.get(audit, {}).get(key, default)

    def merge(self, other: AuditLog) -> None:
        """Take in ``other``: its rejected features (each once), notes, facts, and the labels it set."""
        seen = {_key(r) for r in self.rejected}
        for r in other.rejected:
            if _key(r) not in seen:
                self.rejected.append(r)
                seen.add(_key(r))
        self.notes.extend(other.notes)
        for audit, facts in other.facts.items():
            self.facts.setdefault(audit, {}).update(facts)
        self.rules = other.rules or self.rules
        self.area_method = other.area_method or self.area_method
        self.working_crs = other.working_crs or self.working_crs
        self.as_of = other.as_of or self.as_of


def _key(record: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(str(record.get(c)) for c in REJECTED_COLUMNS)


def deliver(own: AuditLog, log: AuditLog | None, audit: str) -> None:
    """Write an audit's own log into the caller's ``log``; with none, warn what would be lost."""
    if log is not None:
        log.merge(own)
        return
    if own.rejected:
        ids = ", ".join(f"{r.get('layer')}:{r.get('feature_id')}" for r in own.rejected[:10])
        _log.warning("[%s] %d feature(s) set aside (pass log=AuditLog() to keep them): %s%s", audit,
                     len(own.rejected), ids, " ..." if len(own.rejected) > 10 else "")
    for note in own.notes:
        _log.warning("%s", note)


@dataclass(frozen=True)
class LayerInfo:
    """How a layer was read (:func:`redline.io.vector.read_layer_with_info`).

    ``source`` (a path, ``postgis`` or ``<GeoDataFrame>``), ``layer`` (its name in messages), ``encoding``
    (the attribute encoding and how it was chosen), ``crs_assigned`` (the CRS the user gave, and what it
    replaced), ``gcj02`` (the conversion made), and with a schema its ``kind``, ``field_map`` and the
    ``bad_values`` that could not be parsed (field -> ids).
    """

    source: str = ""
    layer: str | None = None
    encoding: str | None = None
    crs_assigned: str | None = None
    gcj02: str | None = None
    kind: str | None = None
    field_map: Mapping[str, str] = field(default_factory=dict)
    bad_values: Mapping[str, Any] = field(default_factory=dict)
