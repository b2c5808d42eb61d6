"""The command line is made from the specs, and one options object (RunOptions) carries every run's options.

An audit registered in redline.registry appears as options of `redline audit` without another edit; its
parameters are typed by its ParamSpecs (a table is read in redline.io, class lists by one parser).
"""

from __future__ import annotations

import json
import sys
import types

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner
from shapely.geometry import box

import redline.registry
from redline.cli import main
from redline.options import RunOptions, convert_param
from redline.pipeline import run_audits
from redline.spec import AuditSpec, InputSpec, OutputSpec, ParamSpec

X0, Y0 = 580_000, 3_590_000  # inside 息县, in EPSG:4547
SEEN: dict = {}


def _run_plots(layers, params, ctx):
    plots = layers["plots"]
    SEEN.update(params)
    big = plots[plots.geometry.area >= params["min_plot_m2"]]
    return {"big_plots": pd.DataFrame({"approval_id": big["approval_id"].astype(str).tolist()})}


PLOTS_SPEC = AuditSpec(
    id="big_plots", label_zh="大地块", label_en="Big plots", group="overlay",
    inputs=(InputSpec("plots", "approvals", True, "测试地块", "Test plots", "Plots to count (test only)"),),
    outputs=(OutputSpec("big_plots", "大地块", "Big plots", False),),
    params=(ParamSpec("min_plot_m2", "int", 0, "最小面积", "Minimum area", "m², an integer"),
            ParamSpec("plot_notes", "table", None, "备注表", "Notes table", "CSV: approval_id, note")),
    runner=_run_plots, needs_as_of=False,
)


@pytest.fixture
def registered(monkeypatch):
    """PLOTS_SPEC registered as the registry registers audits: a module with SPECS in AUDIT_MODULES."""
    module = types.ModuleType("redline_test_plots")
    module.SPECS = (PLOTS_SPEC,)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(redline.registry, "AUDIT_MODULES", (*redline.registry.AUDIT_MODULES, module.__name__))
    SEEN.clear()
    return PLOTS_SPEC


@pytest.fixture
def plots(tmp_path):
    path = tmp_path / "plots.gpkg"
    gpd.GeoDataFrame({"批准文号": ["P1", "P2"], "批准日期": ["2019-03-01", "2020-05-01"]},
                     geometry=[box(X0, Y0, X0 + 100, Y0 + 100), box(X0 + 200, Y0, X0 + 210, Y0 + 10)],
                     crs="EPSG:4547").to_file(path)
    return path


def test_a_registered_spec_appears_as_options_of_audit(registered, plots, tmp_path):
    runner = CliRunner()
    text = " ".join(runner.invoke(main, ["audit", "--help"]).output.split())
    assert "--plots FILE[:LAYER]" in text and "Test plots 测试地块" in text and "[big_plots]" in text
    assert "min_plot_m2 (int)" in text and "plot_notes (a CSV/XLSX file)" in text
    notes = tmp_path / "notes.csv"
    notes.write_text("approval_id,note\nP1,checked\n", encoding="utf-8")
    res = runner.invoke(main, ["audit", "--plots", str(plots), "--only", "big_plots", "--param", "min_plot_m2=500",
                               "--param", f"plot_notes={notes}", "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert SEEN["min_plot_m2"] == 500 and isinstance(SEEN["min_plot_m2"], int)  # typed by its ParamSpec
    assert isinstance(SEEN["plot_notes"], pd.DataFrame)  # the table read before the audit runs
    assert SEEN["plot_notes"].values.tolist() == [["P1", "checked"]]
    big = pyogrio.read_dataframe(tmp_path / "out" / "redline_results.gpkg", layer="big_plots")
    assert big["approval_id"].tolist() == ["P1"]
    bad = runner.invoke(main, ["audit", "--plots", str(plots), "--param", "min_plot_m2=big",
                               "--out", str(tmp_path / "out2")])
    assert bad.exit_code == 2 and "min_plot_m2 takes a int" in bad.output


def test_without_the_registration_the_option_is_gone():
    text = CliRunner().invoke(main, ["audit", "--help"]).output
    assert "--plots" not in text and "--approvals" in text


def test_report_takes_param(tmp_path):
    """`redline report --param` reaches the audits (it was once taken for an input layer)."""
    from redline.example import example_path

    gpkg = example_path()
    res = CliRunner().invoke(main, ["report", "--param", "by_district=false", "--approvals", f"{gpkg}:approvals",
                                    "--supplies", f"{gpkg}:supplies", "--admin", f"{gpkg}:admin",
                                    "--only", "supply_rate",
                                    "--as-of", "2026-06-30", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rates = pyogrio.read_dataframe(tmp_path / "redline_results.gpkg", layer="supply_rate", read_geometry=False)
    assert set(rates["district"]) == {"全部"}  # not split by district
    assert (tmp_path / "redline_report.html").exists()
    split = run_audits({"approvals": f"{gpkg}:approvals", "supplies": f"{gpkg}:supplies", "admin": f"{gpkg}:admin"},
                       audits=["supply_rate"], as_of="2026-06-30").outputs["supply_rate"]
    assert split["district"].nunique() > 1  # the default splits: the parameter changed something


def test_run_options_check_their_values_in_one_place():
    opts = RunOptions(as_of="2026-06-30", audits="supply_rate", fields={"approvals": {"approval_id": "号"}})
    assert opts.audits == ("supply_rate",) and opts.as_of.isoformat() == "2026-06-30"
    with pytest.raises(ValueError, match="area method"):
        RunOptions(area_method="flat")
    with pytest.raises(ValueError, match="lang"):
        RunOptions(lang="fr")
    with pytest.raises(ValueError, match="as_of: not a date"):
        RunOptions(as_of="tomorrow")
    with pytest.raises(ValueError, match="strict must be true or false"):
        RunOptions(strict="yes")
    with pytest.raises(ValueError, match=r"unknown run option\(s\): area \(did you mean 'area_method'\?\)"):
        RunOptions.from_mapping({"area": "planar"})
    assert RunOptions.from_mapping({"crs": None, "strict": True}, base=opts) == opts.replace(strict=True)
    with pytest.raises(TypeError, match="unknown run option"):
        run_audits({}, are_method="planar")
    with pytest.raises(TypeError, match="options must be a RunOptions"):
        run_audits({}, "out")


def test_run_audits_takes_options_or_the_same_keywords(tmp_path):
    from redline.example import example_path

    gpkg = example_path()
    sources = {"approvals": f"{gpkg}:approvals", "supplies": f"{gpkg}:supplies"}
    by_keywords = run_audits(sources, audits=["approved_not_supplied"], as_of="2026-06-30", area_method="planar")
    by_options = run_audits(sources, RunOptions(audits=("approved_not_supplied",), as_of="2026-06-30",
                                                area_method="planar"))
    pd.testing.assert_frame_equal(by_keywords.outputs["approved_not_supplied"].drop(columns="geometry"),
                                  by_options.outputs["approved_not_supplied"].drop(columns="geometry"))
    assert by_options.area_method == "planar"


def test_the_plugin_worker_reads_its_job_into_run_options(tmp_path):
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent.parent / "qgis_plugin" / "redline_qgis"))
    try:
        import worker
    finally:
        sys.path.pop(0)
    job = {"sources": {}, "audit": "approved_not_supplied", "out": str(tmp_path), "as_of": "2026-06-30",
           "rules": "cn-national", "crs": None, "area_method": "planar", "strict": False, "fields": None,
           "params": None}
    opts = worker.job_options(job)
    assert opts.audits == ("approved_not_supplied",) and opts.ledger is False and opts.area_method == "planar"
    with pytest.raises(ValueError, match="unknown run option.*areamethod"):
        worker.job_options({**job, "areamethod": "planar"})
    path = tmp_path / "job.json"
    path.write_text(json.dumps({**job, "areamethod": "planar"}), encoding="utf-8")
    assert worker.run(str(path)) == 3  # refused with the error as the answer, nothing run


def test_parameter_types_convert_once():
    assert convert_param(ParamSpec("c", "classes"), "1,2;4") == [1, 2, 4]
    with pytest.raises(ValueError, match="'forest' is not a class value"):
        convert_param(ParamSpec("from_classes", "classes"), "forest")
    frame = pd.DataFrame({"admin_code": ["0411"]})
    assert convert_param(ParamSpec("gdp", "table"), frame).equals(frame)
    with pytest.raises(OSError, match="gdp.*not found"):
        convert_param(ParamSpec("gdp", "table"), "/nowhere/gdp.csv")
    with pytest.raises(ValueError, match="classification is one of"):
        convert_param(ParamSpec("classification", "choice", choices=("a", "b")), "c")


def test_redline_evaluate_runs_the_zone_indicators(tmp_path):
    """`redline evaluate` with the example's zones and the layers they read: one row per zone."""
    import pyogrio
    from click.testing import CliRunner

    from redline.cli import main
    from redline.example import example_path

    gpkg = example_path()
    args = ["evaluate", *[x for n in ("zones", "approvals", "supplies", "buildings") for x in
                          (f"--{n}", f"{gpkg}:{n}")], "--as-of", "2026-06-30", "--out", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    layers = {n for n, _ in pyogrio.list_layers(tmp_path / "redline_results.gpkg")}
    assert "zone_indicators" in layers and "region_evaluation" not in layers
    zones = pyogrio.read_dataframe(tmp_path / "redline_results.gpkg", layer="zone_indicators")
    assert sorted(zones["zone_id"]) == ["411528-KFQ-01", "411528-KFQ-02"]
    assert (main.get_command(None, "evaluate").help or "").startswith("节约集约评价")
