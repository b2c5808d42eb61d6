"""Rules as checked policy: every audit reads only the rule keys its spec lists, and every listed key exists.

The example county runs through every registered audit once (as ``redline demo`` runs it, rasters
included); :meth:`redline.rules.RuleSet.recording` collects, per audit, the keys it read. A key read
but not listed is a citation the docs and the plugin never show; a listed key the rule set lacks is a
threshold no bureau can set. Keys read only on a branch the example does not reach are listed anyway
(read from the code); the static check below keeps such listed keys honest: each is named in the code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import redline
from redline.errors import RulesError
from redline.example import EXAMPLE_AS_OF
from redline.registry import all_specs
from redline.rules import load_rules

SPECS = all_specs()
NATIONAL = load_rules("cn-national")


@pytest.fixture(scope="session")
def example_run(tmp_path_factory):
    from redline.cli.demo import _readable_inputs, _with_example_rasters, example_sources
    from redline.pipeline import run_audits

    sources, params = _with_example_rasters(_readable_inputs(example_sources()),
                                            tmp_path_factory.mktemp("rule-keys-rasters"))
    return run_audits(sources, as_of=EXAMPLE_AS_OF, rules=NATIONAL, params=params)


def test_every_audit_ran_on_the_example(example_run):
    # an audit the example does not reach would pass the next test without having been checked
    assert sorted(example_run.rules_read) == sorted(s.id for s in SPECS)


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_keys_read_are_listed_in_the_spec(example_run, spec):
    read = example_run.rules_read[spec.id]
    unlisted = sorted(read - set(spec.rules_keys))
    assert not unlisted, f"{spec.id} reads rule keys its spec does not list: {unlisted}"


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_listed_keys_exist_in_cn_national(spec):
    missing = sorted(set(spec.rules_keys) - set(NATIONAL.thresholds))
    assert not missing, f"{spec.id} lists rule keys cn-national does not define: {missing}"
    assert len(set(spec.rules_keys)) == len(spec.rules_keys), f"{spec.id} lists a rule key twice"


_SOURCE = "\n".join(p.read_text(encoding="utf-8") for p in Path(redline.__file__).parent.rglob("*.py")
                    if "rules" not in p.relative_to(Path(redline.__file__).parent).parts[:1])


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_listed_keys_are_read_by_some_code(spec):
    # the spec lists keys the example may not reach; each must still be named where it is read, not
    # only in the spec itself (a key no code reads is a dead citation)
    code = re.sub(r"rules_keys=\([^)]*\)", "", _SOURCE)
    dead = [k for k in spec.rules_keys if f'"{k}"' not in code and f"'{k}'" not in code]
    assert not dead, f"{spec.id} lists rule keys no code reads: {dead}"


def test_recording_collects_reads_inside_the_block_only():
    rules = load_rules()
    rules.value("idle.fee_rate")
    with rules.recording() as outer:
        rules.cite("alerts.warn_days_before")
        with rules.recording() as inner:
            rules.value("idle.recover_years", None)
        rules.threshold("farmland.pbf_share_min")
        with pytest.raises(RulesError):
            rules.value("idle.no_such_rule")
    rules.value("intensity.warning")
    assert inner == {"idle.recover_years"}
    assert outer == {"alerts.warn_days_before", "idle.recover_years", "farmland.pbf_share_min", "idle.no_such_rule"}
    assert rules._recorders == []
