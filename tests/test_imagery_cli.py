"""`redline changes`: patches and register written to a GeoPackage."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
from click.testing import CliRunner
from shapely.geometry import box

from redline.cli.changes import RESULT_FILE, command

MOLUSCE = Path(__file__).parent / "data" / "molusce"


def test_changes_writes_patches_and_register(tmp_path):
    approvals = tmp_path / "approvals.gpkg"
    gpd.GeoDataFrame({"批准文号": ["A1"]}, geometry=[box(360000, 6230000, 365000, 6236000)],
                     crs="EPSG:32639").to_file(approvals)
    out = tmp_path / "out"
    result = CliRunner().invoke(command, [str(MOLUSCE / "init.tif"), str(MOLUSCE / "final.tif"),
                                          "--from-classes", "1,2,4", "--to-classes", "3",
                                          "--approvals", str(approvals), "--min-area", "1000", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "77 change patches" in result.output
    layers = dict(pyogrio.list_layers(out / RESULT_FILE))
    assert {"change_patches", "register", "redline_run"} <= set(layers)
    patches = gpd.read_file(out / RESULT_FILE, layer="change_patches")
    register = gpd.read_file(out / RESULT_FILE, layer="register")
    assert patches["pixels"].sum() == 269 and len(patches) == 77
    assert len(register) == int((~patches["below_min_area"]).sum()) > 0
    assert {"approved_not_supplied", "unapproved"} == set(register["judgement"])
    assert (register.loc[register["judgement"] == "approved_not_supplied", "approval_ids"] == "A1").all()


def test_changes_bad_classes_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(command, [str(MOLUSCE / "init.tif"), str(MOLUSCE / "final.tif"),
                                          "--from-classes", "forest", "--to-classes", "3", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "not a class value" in result.output


def _run(tmp_path, *args):
    return CliRunner().invoke(command, [str(MOLUSCE / "init.tif"), str(MOLUSCE / "final.tif"), "--from-classes",
                                        "1,2,4", "--to-classes", "3", "--min-area", "1000", *args])


def test_changes_without_vector_layers_judges_every_patch_unapproved(tmp_path):
    result = _run(tmp_path, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "not given: approvals, supplies, advance_use" in result.output and "farmland, landuse, admin" in result.output
    register = gpd.read_file(tmp_path / RESULT_FILE, layer="register")
    assert len(register) > 0 and set(register["judgement"]) == {"unapproved"}


def test_changes_connectivity_reaches_the_audit(tmp_path):
    eight = _run(tmp_path, "--out", str(tmp_path / "8"))
    four = _run(tmp_path, "--connectivity", "4", "--out", str(tmp_path / "4"))
    assert eight.exit_code == four.exit_code == 0, eight.output + four.output
    n8 = len(gpd.read_file(tmp_path / "8" / RESULT_FILE, layer="change_patches"))
    n4 = len(gpd.read_file(tmp_path / "4" / RESULT_FILE, layer="change_patches"))
    assert n8 == 77 and n4 > n8  # pixels touching at a corner only are one patch under 8, two under 4


def test_changes_leaves_an_audit_result_set_in_the_folder(tmp_path):
    from redline import example
    from redline.io.resultset import verify_set
    from redline.pipeline import RESULTS_GPKG, run_audits

    gpkg = example.example_path()
    run_audits({"approvals": f"{gpkg}:approvals", "supplies": f"{gpkg}:supplies"}, audits=["approved_not_supplied"],
               out=tmp_path)
    run_id = verify_set(tmp_path)
    result = _run(tmp_path, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / RESULTS_GPKG).exists() and verify_set(tmp_path) == run_id
    assert {"change_patches", "register"} <= set(dict(pyogrio.list_layers(tmp_path / RESULT_FILE)))
