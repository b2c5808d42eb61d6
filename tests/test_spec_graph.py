"""Audits that use another audit's output declare it (AuditSpec.uses): the pipeline runs the producer first
and hands its output over; asked alone, the consumer gets the producer's output without it being kept."""

from __future__ import annotations

import pandas as pd
import pytest

from redline.overlay import _engine
from redline.registry import all_specs, get_spec, in_dependency_order, producer_of
from redline.spec import AuditSpec, InputSpec, OutputSpec

example = pytest.importorskip("redline.example")


@pytest.fixture(scope="module")
def layers():
    return example.generate_layers()


def _run(layers, audits):
    from redline.pipeline import run_audits

    return run_audits({k: layers[k] for k in ("approvals", "supplies", "admin")}, as_of=example.EXAMPLE_AS_OF,
                      audits=audits)


def _counting(monkeypatch) -> dict[str, int]:
    """Calls of the overlay kernels the 批而未供 audits use, by name."""
    calls = {"pair_index": 0, "remnants": 0}
    for name in calls:
        original = getattr(_engine, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(_engine, name, counted)
    return calls


def test_every_used_output_has_a_producer_whose_inputs_the_user_has():
    for spec in all_specs():
        for name in spec.uses:
            producer = producer_of(name)
            assert producer.id != spec.id
            needed = {i.name for i in producer.inputs if i.required}
            assert needed <= {i.name for i in spec.inputs}, f"{spec.id} uses {name} but lacks its inputs"


def test_supply_rate_uses_the_approved_not_supplied_output():
    assert tuple(get_spec("supply_rate").uses) == ("approved_not_supplied",)


def test_both_asked_the_overlay_is_computed_once(layers, monkeypatch):
    calls = _counting(monkeypatch)
    result = _run(layers, ["approved_not_supplied", "supply_rate"])
    # one pairs table, shared by the three 批而未供 outputs and the 供地率; the approvals' and the supplies' remnants
    assert calls == {"pair_index": 1, "remnants": 2}
    assert {"approved_not_supplied", "supply_rate"} <= set(result.outputs)


def test_asked_alone_the_dependency_is_made_but_not_kept(layers, monkeypatch):
    both = _run(layers, ["approved_not_supplied", "supply_rate"])
    calls = _counting(monkeypatch)
    alone = _run(layers, ["supply_rate"])
    # the approvals' remnants only: the outputs of 批而未供 the 供地率 does not use are not computed
    assert calls == {"pair_index": 1, "remnants": 1}
    assert set(alone.outputs) == {"supply_rate"}
    assert [s.id for s in alone.specs] == ["supply_rate"]
    pd.testing.assert_frame_equal(pd.DataFrame(alone.outputs["supply_rate"]),
                                  pd.DataFrame(both.outputs["supply_rate"]))
    producer_notes = [n for n in alone.notes if n.startswith("[approved_not_supplied]")]
    assert producer_notes, "the 批而未供 notes (approvals and supplies after the audit date) reach the run"
    assert len(producer_notes) == len(set(producer_notes))
    assert not [n for n in alone.notes if n.startswith(("[supply_outside_approvals]", "[supply_before_approval]"))]
    assert set(producer_notes) <= set(both.notes)


def test_spec_run_alone_makes_what_it_uses(layers):
    from redline.rules import resolve_rules
    from redline.spec import RunContext
    from redline.validate import prepare_layers

    prepared = prepare_layers({k: (layers[k], k) for k in ("approvals", "supplies")})
    ctx = RunContext(as_of=example.EXAMPLE_AS_OF, rules=resolve_rules(None), crs=prepared.working)
    out = get_spec("supply_rate").run(dict(prepared.layers), {}, ctx)
    assert set(out) == {"supply_rate"} and len(out["supply_rate"])
    assert ctx.sources["approved_not_supplied"].as_of == example.EXAMPLE_AS_OF
    assert any(n.startswith("[approved_not_supplied]") for n in ctx.notes)


def _spec(audit_id: str, output: str, uses: tuple[str, ...] = ()) -> AuditSpec:
    return AuditSpec(audit_id, audit_id, audit_id, "test", (InputSpec("x", "x"),),
                     (OutputSpec(output, output, output),), runner=lambda layers, params, ctx: {}, uses=uses)


def test_dependency_order_puts_producers_first_and_keeps_the_rest():
    a, b, c = _spec("a", "out_a", uses=("out_c",)), _spec("b", "out_b"), _spec("c", "out_c")
    assert [s.id for s in in_dependency_order([a, b, c])] == ["b", "c", "a"]
    assert [s.id for s in in_dependency_order([b, c])] == ["b", "c"]
    loop = [_spec("p", "out_p", uses=("out_q",)), _spec("q", "out_q", uses=("out_p",))]
    with pytest.raises(ValueError, match="use each other's outputs"):
        in_dependency_order(loop)
