"""The pipeline: audits chosen by the inputs given, outputs chained into later audits, rasters passed through."""

from __future__ import annotations

import pyogrio
import pytest
from click.testing import CliRunner

from redline import example
from redline.cli import main
from redline.pipeline import run_audits

CLASSES = {"from_classes": "1,2,4,5", "to_classes": "3"}


@pytest.fixture(scope="module")
def rasters(tmp_path_factory):
    return example.write_example_rasters(tmp_path_factory.mktemp("rasters"))


def _gpkg(layer):
    return f"{example.example_path()}:{layer}"


def test_rasters_to_judged_register_in_one_run(rasters, tmp_path):
    before, after = rasters
    result = run_audits({"before": before, "after": after, "approvals": _gpkg("approvals"),
                         "supplies": _gpkg("supplies"), "farmland": _gpkg("farmland")},
                        audits=["change_patches", "judge_patches"], params=CLASSES, out=tmp_path)
    patches, register = result.outputs["change_patches"], result.outputs["patch_register"]
    # the register judges exactly the patches at or above the minimum area
    assert sorted(register["patch_id"]) == sorted(patches.loc[~patches["below_min_area"], "patch_id"])
    # without the facility-agriculture and temporary-use layers their sites are plain unapproved
    assert set(register["judgement"]) == {"approved_supplied", "approved_not_supplied", "unapproved",
                                          "unapproved_on_farmland", "built_before_approval"}
    layers = dict(pyogrio.list_layers(tmp_path / "redline_results.gpkg"))
    assert {"change_patches", "patch_register", "rejected", "redline_run"} <= set(layers)


def test_judging_needs_approvals(rasters):
    before, after = rasters
    result = run_audits({"before": before, "after": after}, params=CLASSES)
    assert "change_patches" in result.outputs and "patch_register" not in result.outputs
    assert result.working.name == "none"


def test_missing_class_params_are_explained(rasters):
    before, after = rasters
    with pytest.raises(ValueError, match="from_classes"):
        run_audits({"before": before, "after": after}, audits=["change_patches"])


def test_missing_raster_is_an_io_error(tmp_path):
    from redline.errors import RedlineIOError

    with pytest.raises(RedlineIOError, match="raster not found"):
        run_audits({"before": tmp_path / "x.tif", "after": tmp_path / "y.tif"}, params=CLASSES)


def test_unknown_input_and_audit_names(tmp_path):
    with pytest.raises(ValueError, match="no audit reads input"):
        run_audits({"aproval": _gpkg("approvals")})
    with pytest.raises(ValueError, match="unknown audit"):
        run_audits({"approvals": _gpkg("approvals")}, audits=["nope"])
    with pytest.raises(ValueError, match="need input"):
        run_audits({"approvals": _gpkg("approvals")}, audits=["approved_not_supplied"])


def test_cli_audit_with_rasters_and_params(rasters, tmp_path):
    before, after = rasters
    result = CliRunner().invoke(main, ["audit", "--before", str(before), "--after", str(after),
                                       "--approvals", _gpkg("approvals"), "--param", "from_classes=1,2,4,5",
                                       "--param", "to_classes=3", "--only", "change_patches",
                                       "--only", "judge_patches", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "卫片执法 patch register: 9 patches judged" in result.output


def test_cli_unknown_param(tmp_path):
    result = CliRunner().invoke(main, ["audit", "--approvals", _gpkg("approvals"), "--param", "nonsense=1",
                                       "--out", str(tmp_path)])
    assert result.exit_code == 2 and "known parameters are" in result.output


def test_judging_asked_for_by_name_runs_without_approvals(rasters):
    before, after = rasters
    result = run_audits({"before": before, "after": after}, audits=["change_patches", "judge_patches"],
                        params=CLASSES)
    register = result.outputs["patch_register"]
    assert len(register) > 0 and set(register["judgement"]) == {"unapproved"}
    assert result.log.fact("judge_patches", "layers_missing").startswith("approvals, supplies, advance_use")


def test_layers_only_judged_need_only_their_ids(rasters, tmp_path):
    import geopandas as gpd

    before, after = rasters
    approvals = gpd.read_file(example.example_path(), layer="approvals")[["批准文号", "geometry"]]
    result = run_audits({"before": before, "after": after, "approvals": approvals},
                        audits=["change_patches", "judge_patches"], params=CLASSES)
    assert "approved_not_supplied" in set(result.outputs["patch_register"]["judgement"])
    from redline.errors import SchemaError

    with pytest.raises(SchemaError, match="approval_date"):  # an audit reading more validates it fully
        run_audits({"approvals": approvals, "supplies": _gpkg("supplies")}, audits=["approved_not_supplied"])


def test_a_parameter_no_audit_has_is_an_error_and_one_for_an_audit_not_run_a_note():
    with pytest.raises(ValueError, match="'from_clases' \\(did you mean 'from_classes'\\?\\)"):
        run_audits({"approvals": _gpkg("approvals"), "supplies": _gpkg("supplies")},
                   audits=["approved_not_supplied"], params={"from_clases": "1"})
    result = run_audits({"approvals": _gpkg("approvals"), "supplies": _gpkg("supplies")},
                        audits=["approved_not_supplied"], params={"to_classes": "3"})
    assert any("to_classes given for audits this run does not run: ignored" in n for n in result.notes)


def test_jurisdiction_and_bureau_are_kept_with_the_run(tmp_path):
    from redline.example import load_example
    from redline.options import RunOptions

    layers = load_example()
    result = run_audits({"approvals": layers["approvals"], "supplies": layers["supplies"]},
                        audits=["approved_not_supplied"], as_of="2026-06-30", jurisdiction=" 息县 ",
                        bureau="息县自然资源局", out=tmp_path)
    assert (result.jurisdiction, result.bureau) == ("息县", "息县自然资源局")
    meta = pyogrio.read_dataframe(tmp_path / "redline_results.gpkg", layer="redline_run")
    got = dict(zip(meta["key"], meta["value"], strict=True))
    assert (got["jurisdiction"], got["bureau"]) == ("息县", "息县自然资源局")
    assert RunOptions(bureau="  ").bureau is None  # blank is none, not an empty title
    with pytest.raises(ValueError, match="bureau must be text"):
        RunOptions(bureau=3)


def test_cli_jurisdiction_and_bureau(tmp_path):
    from redline.example import example_path

    gpkg = example_path()
    result = CliRunner().invoke(main, ["audit", "--approvals", f"{gpkg}:approvals", "--supplies", f"{gpkg}:supplies",
                                       "--only", "approved_not_supplied", "--as-of", "2026-06-30", "--jurisdiction",
                                       "息县", "--bureau", "息县自然资源局", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    meta = pyogrio.read_dataframe(tmp_path / "redline_results.gpkg", layer="redline_run")
    assert dict(zip(meta["key"], meta["value"], strict=True))["bureau"] == "息县自然资源局"


def test_an_audit_chosen_by_its_inputs_but_lacking_a_required_parameter_is_left_out_with_a_note():
    """Land use of two years and townships allow the region evaluation, which cannot run without its statistics
    table: a run choosing its audits by the inputs leaves it out and says so; asked for by name, it fails."""
    from redline.errors import SchemaError
    from redline.example import load_example

    layers = load_example()
    sources = {k: layers[k] for k in ("admin", "landuse", "landuse_base")}
    result = run_audits(sources, as_of="2026-06-30")
    assert "region_evaluation" not in {s.id for s in result.specs}
    assert "development_intensity" in {s.id for s in result.specs}
    assert any(n.startswith("[region_evaluation]") and "--param stats=" in n for n in result.notes)
    with pytest.raises(SchemaError, match="statistics table"):
        run_audits(sources, audits=["region_evaluation"], as_of="2026-06-30")


@pytest.mark.parametrize("helper", [False, True], ids=["one-after-the-other", "gpkg-beside-the-ledger"])
def test_each_phase_of_a_run_is_timed_and_recorded(tmp_path, monkeypatch, helper):
    from redline.io import beside

    monkeypatch.setattr(beside, "ENABLED", helper)
    helper = helper and beside.can_fork()  # Linux, one thread
    result = run_audits({"approvals": _gpkg("approvals"), "supplies": _gpkg("supplies")},
                        audits=["approved_not_supplied"], out=tmp_path)
    assert list(result.timings) == ["read", "validate", "audit approved_not_supplied", "gpkg", "ledger",
                                    *(["write"] if helper else [])]
    assert all(seconds > 0 for seconds in result.timings.values())
    if helper:  # the two files written at once: the wall time of the writing covers each
        assert result.helper["gpkg"]["helper"] and result.helper["gpkg"]["seconds"] == result.timings["gpkg"]
        assert result.timings["write"] >= max(result.timings["gpkg"], result.timings["ledger"])
    # the GeoPackage records the phases timed before it was written
    run = pyogrio.read_dataframe(tmp_path / "redline_results.gpkg", layer="redline_run")
    recorded = run.loc[run["key"] == "timings", "value"].item()
    assert [part.rsplit(" ", 2)[0] for part in recorded.split("; ")] == ["read", "validate",
                                                                       "audit approved_not_supplied"]
    # `redline audit -v` prints them on stderr
    out = CliRunner().invoke(main, ["audit", "-v", "--approvals", _gpkg("approvals"), "--supplies",
                                    _gpkg("supplies"), "--out", str(tmp_path / "cli")])
    assert out.exit_code == 0, out.output
    assert "timing audit approved_not_supplied:" in out.stderr and "timing ledger:" in out.stderr
