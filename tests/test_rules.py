"""Rule sets: cited, versioned, selectable by name, extendable, overridable; errors that say what to do."""

from __future__ import annotations

import os
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


TYPOS = ('[ruleset]\nname = "xixian"\nversion = "2026.1"\nextends = "cn-national"\n\n'
         "[alert]\nwarn_days_before = 15\n\n"       # line 7: no such section
         "[alerts]\nwarn_day_before = 15\n\n"       # line 10: no such key
         "[idle.fee_rate]\nvaleu = 0.3\n")          # line 13: no such table key


def test_typos_in_a_rule_set_are_errors_with_file_line_and_nearest_key(tmp_path):
    # Each typo used to make a junk threshold, leave the national value in force and label findings "xixian".
    path = tmp_path / "xixian.toml"
    path.write_text(TYPOS, encoding="utf-8")
    with pytest.raises(redline.RulesError) as exc:
        load_rules(path)
    got = [(p.layer, p.fix.split("?")[0]) for p in exc.value.problems]
    assert got == [(f"{path}, line 7", "did you mean 'alerts.warn_days_before'"),
                   (f"{path}, line 10", "did you mean 'alerts.warn_days_before'"),
                   (f"{path}, line 13", "did you mean 'value'")]
    assert "has no threshold 'alert.warn_days_before'" in str(exc.value)


def test_a_typo_in_ruleset_or_in_a_value_kind_is_an_error(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('[ruleset]\nname = "x"\nextend = "cn-national"\n', encoding="utf-8")
    with pytest.raises(redline.RulesError, match=r"line 3\] \[ruleset\] has no key 'extend' -- fix: did you mean 'extends'"):
        load_rules(path)
    path.write_text('[ruleset]\nname = "x"\nextends = "cn-national"\n[idle]\nfee_rate = "20%"\n', encoding="utf-8")
    with pytest.raises(redline.RulesError, match=r"line 5\] idle.fee_rate = '20%' is text, but cn-national@2026.1 "
                                                 r"holds a number"):
        load_rules(path)
    # a table overriding a table that has a default must keep one (the national far_min has none since the 2023
    # edition: an industry without a floor is reported, never given a default); a base with a default is made here
    base = tmp_path / "base.toml"
    base.write_text('[ruleset]\nname = "base"\nversion = "1"\n[zone.floor]\nvalue = { default = 1.0, A = 2.0 }\n'
                    'unit = "ratio"\nsource = "test"\nstatus = "local"\n', encoding="utf-8")
    path.write_text(f'[ruleset]\nname = "x"\nextends = "{base.as_posix()}"\n[zone.floor]\nvalue = {{ A = 3.0 }}\n',
                    encoding="utf-8")
    with pytest.raises(redline.RulesError, match="no 'default' entry"):
        load_rules(path)


def test_a_standalone_rule_set_defines_its_keys_but_tables_need_a_value(tmp_path):
    path = tmp_path / "own.toml"
    path.write_text('[ruleset]\nname = "own"\n\n[alerts.warn_days_before]\nvalue = 10\nunit = "day"\n'
                    'source = "our bureau"\nstatus = "local"\n', encoding="utf-8")
    assert load_rules(path).value("alerts.warn_days_before") == 10
    path.write_text('[ruleset]\nname = "own"\n\n[alerts.warn_days_before]\nvaleu = 10\nunit = "day"\n',
                    encoding="utf-8")
    with pytest.raises(redline.RulesError, match=r"line 5\] the threshold table \[alerts.warn_days_before\] has no "
                                                 r"key 'valeu' -- fix: did you mean 'value'"):
        load_rules(path)
    path.write_text('[ruleset]\nname = "own"\n\n[alerts.warn_days_before]\nunit = "day"\nsource = "x"\n',
                    encoding="utf-8")
    with pytest.raises(redline.RulesError, match=r"line 4\] the threshold table \[alerts.warn_days_before\] has no value"):
        load_rules(path)
    path.write_text('[ruleset]\nname = "own"\n\n[a.b]\nvalue = 1\nstatus = "nationnal"\n', encoding="utf-8")
    with pytest.raises(redline.RulesError, match="did you mean 'national'"):
        load_rules(path)


def test_find_line_reads_headers_and_dotted_keys():
    from redline.rules import find_line

    text = '# a comment = 1\n[ruleset]\nname = "x"\n\n[idle]\nfee_rate.value = 0.3\n[underused."far_min"]\nvalue = 1\n'
    assert find_line(text, "idle.fee_rate.value") == 6
    assert find_line(text, "underused.far_min") == 7
    assert find_line(text, "underused.far_min.value") == 8
    assert find_line(text, "idle.nothing") is None


def test_an_override_of_an_unknown_key_names_the_nearest():
    with pytest.raises(redline.RulesError, match="did you mean 'idle.fee_rate'"):
        load_rules(overrides={"idle.fee_rat": 0.3})


_names = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)


@given(st.dictionaries(_names, st.lists(_names, min_size=1, max_size=4, unique=True), min_size=1, max_size=4))
def test_find_line_finds_every_key_of_a_written_file(sections):
    # write [section] key = 1 ... as a person would; every key is found on the line it was written on
    from redline.rules import find_line

    lines, where = ['[ruleset]', 'name = "x"'], {}
    for section, keys in sections.items():
        lines += ["", f"[idle.{section}]"]
        where[f"idle.{section}"] = len(lines)
        for key in keys:
            lines.append(f"{key} = 1  # a comment")
            where[f"idle.{section}.{key}"] = len(lines)
    text = "\n".join(lines) + "\n"
    for key, line in where.items():
        assert find_line(text, key) == line


def test_one_number_for_a_per_zone_table_applies_to_every_zone(tmp_path):
    """A bureau with one investment floor for all its zones writes a number where the base holds a table."""
    path = tmp_path / "county.toml"
    path.write_text('[ruleset]\nname = "county"\nversion = "1"\nextends = "cn-national"\n\n'
                    '[underused.investment_intensity_min_wan_per_mu]\nvalue = 250.0\nunit = "万元/亩"\n'
                    'source = "county standard"\nstatus = "local"\n', encoding="utf-8")
    rules = load_rules(path)
    assert rules.value("underused.investment_intensity_min_wan_per_mu", "any zone") == 250.0
    assert rules.value("underused.investment_intensity_min_wan_per_mu") == 250.0


def test_every_shipped_threshold_has_its_source_in_chinese():
    """Each shipped rule's source has a Chinese rendering for the Chinese ledger and report, with no English
    prose in it (codes, ids, standard and file names aside)."""
    from english_text import english_runs

    for name in available_rule_sets():
        for t in load_rules(name).thresholds.values():
            assert t.source_zh.strip(), (name, t.key)
            assert not english_runs(t.source_zh), (name, t.key, english_runs(t.source_zh))


def test_a_rule_set_without_chinese_sources_is_marked_not_silent(tmp_path):
    """A bureau's own rule set need not give source_zh: the Chinese text is its source, marked （无中文说明）."""
    path = tmp_path / "own.toml"
    path.write_text('[ruleset]\nname = "own"\nversion = "1"\nextends = "cn-national"\n\n'
                    '[idle.fee_rate]\nvalue = 0.3\nsource = "our bureau\'s decision"\nstatus = "local"\n\n'
                    '[alerts.warn_days_before]\nvalue = 20\nsource = "本局规定"\nsource_zh = "本局规定（2026年）"\n',
                    encoding="utf-8")
    rules = load_rules(path)
    assert rules.threshold("idle.fee_rate").source_text("zh") == "our bureau's decision（无中文说明）"
    assert rules.threshold("idle.fee_rate").source_text("en") == "our bureau's decision"
    assert rules.threshold("alerts.warn_days_before").source_text("zh") == "本局规定（2026年）"
    cited = rules.citations_zh(rules.cite("idle.fee_rate"))
    assert cited.endswith("（地方规定：our bureau's decision（无中文说明））"), cited
    # an override on the command line keeps the Chinese source, saying what it replaced
    over = load_rules(overrides={"idle.fee_rate": 0.25}).threshold("idle.fee_rate").source_text("zh")
    assert over.startswith("用户覆盖（原值 0.2）：《闲置土地处置办法》第十四条"), over


OWN = ('[ruleset]\nname = "own"\nversion = "1"\nextends = "cn-national"\n\n'
       '[alerts.warn_days_before]\nvalue = {days}\nsource = "本局规定"\n\n'
       '[underused.far_min]\nvalue = {{ default = 0.7, "26" = 0.9 }}\n')


def test_a_rule_file_is_parsed_once_until_its_bytes_change(tmp_path, monkeypatch):
    parsed: list[str] = []
    loads = tomllib.loads
    monkeypatch.setattr(tomllib, "loads", lambda s, **kw: parsed.append(s) or loads(s, **kw))
    path = tmp_path / "own.toml"
    path.write_text(OWN.format(days=15), encoding="utf-8")
    assert load_rules(path).value("alerts.warn_days_before") == 15
    assert load_rules(path).value("alerts.warn_days_before") == 15
    assert parsed.count(OWN.format(days=15)) == 1
    # the same size and the same modification time, another value: the content decides
    stat = path.stat()
    path.write_text(OWN.format(days=16), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert load_rules(path).value("alerts.warn_days_before") == 16
    path.write_text(OWN.format(days=15), encoding="utf-8")
    assert load_rules(path).value("alerts.warn_days_before") == 15
    assert parsed.count(OWN.format(days=16)) == 1


def test_what_a_load_hands_out_cannot_change_the_next_load(tmp_path):
    from redline.rules import _read_toml

    path = tmp_path / "own.toml"
    path.write_text(OWN.format(days=15), encoding="utf-8")
    first = load_rules(path)
    first.threshold("underused.far_min").value["26"] = 5.0        # a table value is a plain dict
    first.threshold("underused.far_min").value.pop("default")
    national = load_rules()
    national.threshold("project.pbf_authority_names").value.append("x")  # a list value
    doc = _read_toml(path)
    doc["ruleset"]["name"] = "changed"
    doc["alerts"]["warn_days_before"]["value"] = 99
    again = load_rules(path)
    assert again.label == "own@1" and again.value("alerts.warn_days_before") == 15
    assert again.value("underused.far_min", "26") == 0.9 and again.value("underused.far_min", "31") == 0.7
    assert "x" not in load_rules().value("project.pbf_authority_names")
    with open(path, "rb") as fh:
        assert _read_toml(path) == tomllib.load(fh)


def test_a_syntax_error_is_reported_with_its_line_after_the_file_was_loaded(tmp_path):
    path = tmp_path / "own.toml"
    path.write_text(OWN.format(days=15), encoding="utf-8")
    load_rules(path)
    broken = OWN.format(days=15).replace("[alerts.warn_days_before]", "[alerts.warn_days_before")
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError) as want:
        tomllib.loads(broken)
    assert "line 6" in str(want.value)
    for _ in range(2):  # a file that does not parse is not kept: the second load reports it again
        with pytest.raises(redline.RulesError) as exc:
            load_rules(path)
        (problem,) = exc.value.problems
        assert (problem.layer, problem.code) == (str(path), "bad_toml")
        assert problem.message == f"cannot parse the rule-set file: {want.value}"
    path.write_text(OWN.format(days=17), encoding="utf-8")
    assert load_rules(path).value("alerts.warn_days_before") == 17


def test_a_rule_file_saved_in_gbk_is_an_error_that_names_the_line_and_the_fix(tmp_path):
    path = tmp_path / "own.toml"
    path.write_bytes(OWN.format(days=15).encode("gbk"))  # "本局规定" on line 8, as a Chinese Windows editor saves it
    with pytest.raises(redline.RulesError) as exc:
        load_rules(path)
    (problem,) = exc.value.problems
    assert (problem.layer, problem.code) == (str(path), "bad_encoding")
    assert "not UTF-8" in problem.message and "line 8" in problem.message, problem.message
    assert "UTF-8" in problem.fix
    path.write_text(OWN.format(days=15), encoding="utf-8")  # saved again as UTF-8, it loads
    assert load_rules(path).value("alerts.warn_days_before") == 15
