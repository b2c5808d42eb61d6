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
    "redline.project",
)

__all__ = ["AUDIT_MODULES", "all_specs", "get_spec", "in_dependency_order", "producer_of"]


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


def producer_of(output: str) -> AuditSpec:
    """The audit that declares ``output`` among its outputs."""
    for spec in all_specs():
        if any(o.name == output for o in spec.outputs):
            return spec
    raise KeyError(f"no audit makes the output {output!r}")


def in_dependency_order(specs: list[AuditSpec]) -> list[AuditSpec]:
    """``specs`` in their order, except that an audit comes after those in ``specs`` whose outputs it uses
    (:attr:`AuditSpec.uses`). (An output read as an input, such as the change patches, is read from the
    audits listed before: the registry's order.)"""
    made_by = {o.name: s.id for s in specs for o in s.outputs}
    needs = {s.id: {made_by[n] for n in s.uses if made_by.get(n, s.id) != s.id} for s in specs}
    done: set[str] = set()
    ordered: list[AuditSpec] = []
    while len(ordered) < len(specs):
        ready = [s for s in specs if s.id not in done and needs[s.id] <= done]
        if not ready:
            cycle = ", ".join(s.id for s in specs if s.id not in done)
            raise ValueError(f"the audits {cycle} use each other's outputs: no order runs them")
        ordered.append(ready[0])
        done.add(ready[0].id)
    return ordered
