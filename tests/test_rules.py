"""Rule sets: cited, versioned, selectable by name, extendable, overridable; errors that say what to do."""

from __future__ import annotations

import pytest

import redline
from redline.rules import available_rule_sets, load_rules, resolve_rules


def test_default_rule_set_cites_order_53():
    rules = load_rules()
    assert rules.label == "cn-national@2026.1"
    assert rules.value("idle.fee_rate") == 0.2
    assert rules.threshold("idle.fee_rate").status == "national"
    assert "第53号" in rules.cite("idle.start_grace_years")


def test_every_threshold_has_a_source_and_status():
    for name in available_rule_sets():
        for t in load_rules(name).thresholds.values():
            assert t.source.strip(), t.key
            assert t.status in {"national", "configurable", "local"}, t.key


def test_table_valued_threshold_by_industry():
    rules = load_rules()
    assert rules.value("underused.far_min", "26") == 0.6  # chemicals
    assert rules.value("underused.far_min", "13") == 1.0  # food
    assert rules.value("underused.far_min", "99") == rules.value("underused.far_min")  # default
    assert "[26]" in rules.cite("underused.far_min", "26")


def test_local_rule_set_extends_national():
    rules = load_rules("suzhou-example")
    assert rules.chain == ("cn-national@2026.1",)
    assert rules.value("underused.far_min", "26") == 0.8
    assert rules.value("idle.fee_rate") == 0.2
    assert rules.threshold("underused.far_min").status == "local"


def test_user_file_extends_and_overrides(tmp_path):
    path = tmp_path / "my.toml"
    path.write_text('[ruleset]\nname = "xixian"\nversion = "2026.2"\nextends = "cn-national"\n\n'
                    "[alerts]\nwarn_days_before = 15\n", encoding="utf-8")
    rules = load_rules(path)
    assert rules.label == "xixian@2026.2" and rules.value("alerts.warn_days_before") == 15
    assert rules.threshold("alerts.warn_days_before").unit == "day"  # unit kept from the base
    assert "overrides" in rules.threshold("alerts.warn_days_before").source


def test_overrides_mark_the_version():
    rules = load_rules(overrides={"supply_rate.min_rate_5y": 0.5})
    assert rules.value("supply_rate.min_rate_5y") == 0.5 and rules.version.endswith("+local")
    assert "user override (was 0.6)" in rules.cite("supply_rate.min_rate_5y")


def test_unknown_names_are_clear_errors(tmp_path):
    with pytest.raises(redline.RulesError, match="use one of cn-national"):
        load_rules("nowhere")
    with pytest.raises(redline.RulesError, match="no such threshold"):
        load_rules(overrides={"idle.fee": 0.3})
    with pytest.raises(redline.RulesError, match="has no threshold 'x.y'"):
        load_rules().value("x.y")
    bad = tmp_path / "bad.toml"
    bad.write_text("[ruleset\nname=", encoding="utf-8")
    with pytest.raises(redline.RulesError, match="cannot parse"):
        load_rules(bad)


def test_resolve_rules_accepts_what_users_pass():
    base = load_rules()
    assert resolve_rules(None).label == resolve_rules("cn-national").label == resolve_rules(base).label
