"""Where the audits' specs are: the pipeline, CLI, plugin and report iterate over these."""

from __future__ import annotations

import importlib

from .spec import AuditSpec

#: modules that define ``SPECS`` (a tuple of AuditSpec), in the order findings are reported
AUDIT_MODULES = (
    "redline.overlay",
    "redline.farmland",
    "redline.boundaries",
    "redline.imagery",
)

__all__ = ["AUDIT_MODULES", "all_specs", "get_spec"]


def all_specs() -> list[AuditSpec]:
    specs: list[AuditSpec] = []
    for mod in AUDIT_MODULES:
        module = importlib.import_module(mod)
        specs.extend(getattr(module, "SPECS", ()))
    return specs


def get_spec(audit_id: str) -> AuditSpec:
    for spec in all_specs():
        if spec.id == audit_id:
            return spec
    raise KeyError(f"no audit {audit_id!r}; known: {', '.join(s.id for s in all_specs())}")
