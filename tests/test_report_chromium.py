"""The report as a person sees it: opened in headless Chromium, offline, no errors, the audit's numbers.

Chromium is driven over the DevTools protocol (``redline.report.browser``): every request the page
makes is recorded, console errors and exceptions are collected, and the headline figures are read
from the rendered DOM. Under CI these tests must run (tests/conftest.py turns a skip into a failure).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import report_cases

import redline.report as report
from redline.report.browser import find_chromium, load_page
from redline.units import M2_PER_MU

pytestmark = [pytest.mark.chromium,
              pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed "
                                 "(scripts/install-system-deps.sh installs Debian's chromium)")]


def shown(load) -> dict[str, float]:
    """Each headline figure as rendered; the same key shown twice must show the same value."""
    out: dict[str, float] = {}
    for key, text, value, unit in load.figures:
        v = float(value)
        assert out.setdefault(key, v) == v, key
        t = float(text.replace(",", ""))
        assert t == pytest.approx(round(v * 100, 1) if unit == "%" else round(v, 2)), key
    return out


def assert_clean(load) -> None:
    assert load.title
    assert load.external_requests == [], f"the report requested {load.external_requests}"
    assert load.failed == []
    assert load.console_errors == []
    assert load.requests[0] == load.url


def test_handmade_report_in_chromium(tmp_path):
    res = report_cases.audited()
    load = load_page(report.build(res, tmp_path / "r.html"))
    assert_clean(load)
    got = shown(load)
    ans = res.outputs["approved_not_supplied"]
    assert got["approved_not_supplied.unsupplied_mu"] == pytest.approx(
        ans.loc[ans["unsupplied_kind"] != "sliver", "unsupplied_mu"].sum())
    assert got["approved_not_supplied.unsupplied_mu"] == pytest.approx(6.0)
    assert got["three_line_conflicts.area_mu"] == pytest.approx(5.25)
    assert load.content_height > 2000  # the sections are there, not an empty page


def test_chromium_driver_sees_a_page_that_reaches_out(tmp_path):
    # the check must be able to fail: a page with an external image and a script error is caught
    page = tmp_path / "bad.html"
    page.write_text('<html><head><title>x</title></head><body><img src="https://example.invalid/a.png">'
                    "<script>console.error('boom'); undefined_fn();</script></body></html>", encoding="utf-8")
    load = load_page(page)
    assert "https://example.invalid/a.png" in load.external_requests
    assert any("boom" in e for e in load.console_errors)
    assert any("undefined_fn" in e for e in load.console_errors)


# --- the demo: the example county through every registered audit ------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from redline.registry import all_specs

    if not all_specs():
        pytest.skip("no audit is registered yet: the demo has nothing to report")
    out = tmp_path_factory.mktemp("demo")
    try:
        from redline.cli.demo import command
    except ImportError:
        command = None
    if command is not None:
        from click.testing import CliRunner

        from redline.cli import main

        run = CliRunner().invoke(main, ["demo", "--out", str(out)])
        assert run.exit_code == 0, run.output
    else:
        from redline.example import EXAMPLE_AS_OF, LAYER_KINDS, load_example
        from redline.pipeline import run_audits

        layers = load_example()
        run_audits({k: layers[k] for k in LAYER_KINDS if k in layers}, out=out, as_of=EXAMPLE_AS_OF)
    html = out / report.REPORT_HTML
    if not html.exists():  # the demo does not write the report yet: build it from its results
        report.build(out)
    return out


def _outputs(folder) -> dict[str, pd.DataFrame]:
    import pyogrio

    gpkg = folder / "redline_results.gpkg"
    return {name: pyogrio.read_dataframe(gpkg, layer=name) for name, _ in pyogrio.list_layers(gpkg)}


def test_demo_report_in_chromium(demo):
    load = load_page(demo / report.REPORT_HTML, screenshot=True)
    assert_clean(load)
    assert load.screenshot[:8] == b"\x89PNG\r\n\x1a\n"
    got = shown(load)
    outputs = _outputs(demo)
    checked = 0
    ans = outputs.get("approved_not_supplied")
    if ans is not None and "unsupplied_mu" in ans:
        sliver = ans["is_sliver"].astype(bool) if "is_sliver" in ans else False
        real = (ans["unsupplied_mu"].fillna(0) > 0) & ~sliver
        assert got["approved_not_supplied.count"] == real.sum()
        assert got["approved_not_supplied.unsupplied_mu"] == pytest.approx(ans.loc[real, "unsupplied_mu"].sum())
        checked += 1
    conflicts = outputs.get("three_line_conflicts")
    if conflicts is not None and "area_m2" in conflicts:
        real = ~conflicts["is_sliver"].astype(bool) if "is_sliver" in conflicts else np.ones(len(conflicts), bool)
        assert got["three_line_conflicts.count"] == real.sum()
        area = conflicts["area_mu"] if "area_mu" in conflicts else conflicts["area_m2"] / M2_PER_MU
        assert got["three_line_conflicts.area_mu"] == pytest.approx(area[real].sum())
        checked += 1
    idle = outputs.get("idle_land")
    if idle is not None and "status" in idle:
        for status in ("idle", "idle_recover"):
            assert got[f"idle_land.{status}"] == (idle["status"] == status).sum()
        if "fee_due" in idle:  # the fee stage only (order 53 art. 14)
            assert got["idle_land.idle_fee"] == pytest.approx(idle["fee_due"].sum())
        checked += 1
    register = outputs.get("patch_register")
    if register is not None and "judgement" in register:
        for judgement in ("unapproved_on_farmland", "unapproved"):
            assert got[f"patch_register.{judgement}"] == (register["judgement"] == judgement).sum()
        checked += 1
    rejected = outputs.get("rejected")
    if rejected is not None and len(rejected):
        assert got["rejected.count"] == len(rejected)
    assert checked, f"no known finding in the demo's outputs: {sorted(outputs)}"


def test_case_register_section_in_chromium(tmp_path):
    # the example county's three rounds: round 3 resolves one idle case and finds one approval unsupplied again
    result, _ = report_cases.register_rounds(tmp_path)
    html = report.build(result, tmp_path / "r.html")
    load = load_page(html, screenshot=True, element="#register")
    assert_clean(load)
    got = shown(load)
    summary = result.round.summary.groupby("change")["count"].sum()
    for change in ("new", "resolved", "reappeared", "persisting"):
        assert got[f"register.{change}"] == summary[change]
    assert (got["register.resolved"], got["register.reappeared"]) == (1, 1)
    assert got["register.overdue"] == 1
    assert load.screenshot[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="no element"):
        load_page(html, screenshot=True, element="#no-such-section")
