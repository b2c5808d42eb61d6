"""The case register: every finding kept as a case from one audit round to the next, with its disposal.

A register is a GeoPackage (the embedded default) or a PostGIS schema with four tables
(:mod:`redline.register.layout`): ``rounds``, ``cases``, ``case_events`` and ``dispositions``. Each
``redline audit … --register 台账.gpkg`` is recorded as a round; each finding of an output that holds cases
(its spec's :class:`~redline.spec.CaseSpec`) becomes a case keyed by the bureau's own id (批准文号, 合同编号,
图斑编号 …), matched by geometry when an id was renumbered; each round says of every case whether it is new,
persisting, resolved (and why) or reappeared. Disposal steps follow the procedures of
:mod:`redline.register.procedures` (MLR order 53 for idle land).
"""

from __future__ import annotations

from .cases import CHANGES, case_outputs, classify, findings
from .core import Register, RegisterError, RoundReport, fingerprint

__all__ = ["CHANGES", "Register", "RegisterError", "RoundReport", "case_outputs", "classify", "findings",
           "fingerprint", "init_register", "open_register"]


def init_register(target, *, crs=None) -> Register:
    """Make an empty register at ``target``: a new ``.gpkg`` file or a ``postgresql://…?schema=NAME`` URL."""
    return Register.init(target, crs=crs)


def open_register(target) -> Register:
    """The register at ``target`` (a ``.gpkg`` path or a ``postgresql://`` URL)."""
    return Register.open(target)
