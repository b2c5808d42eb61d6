"""`redline changes`: patches and register written to a GeoPackage."""

from __future__ import annotations

import geopandas as gpd
import pyogrio
import pytest
from click.testing import CliRunner
from shapely.geometry import box

from redline.cli.changes import RESULT_FILE, command
from redline.data import sample_path

MOLUSCE = sample_path("molusce")


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


# -- an issued patch layer (监测图斑) -----------------------------------------------------------------

GK = "EPSG:4547"
X, Y = 500_000, 3_500_000


def _square(x, y, size):
    return box(X + x, Y + y, X + x + size, Y + y + size)


@pytest.fixture
def issued(tmp_path):
    """P1, 100 m x 100 m: 10 m x 10 m inside approval A1 (2020), 9 000 m² on PBF F1, 900 m² elsewhere, all on
    cultivated land. P2, 30 m x 30 m, lies in approval A2, granted 2024-07-01: a day after the later image."""
    paths = {name: tmp_path / f"{name}.gpkg" for name in ("patches", "approvals", "farmland", "landuse")}
    gpd.GeoDataFrame({"图斑编号": ["P1", "P2"], "前时相日期": ["2023-06-30"] * 2, "后时相日期": ["2024-06-30"] * 2},
                     geometry=[_square(0, 0, 100), _square(300, 0, 30)], crs=GK).to_file(paths["patches"])
    gpd.GeoDataFrame({"批准文号": ["A1", "A2"], "批准日期": ["2020-01-01", "2024-07-01"]},
                     geometry=[_square(0, 0, 10), _square(295, -5, 40)], crs=GK).to_file(paths["approvals"])
    gpd.GeoDataFrame({"图斑编号": ["F1"]}, geometry=[box(X + 10, Y, X + 100, Y + 100)], crs=GK
                     ).to_file(paths["farmland"])
    gpd.GeoDataFrame({"标识码": ["D1"], "地类编码": ["0101"]}, geometry=[_square(-50, -50, 200)], crs=GK
                     ).to_file(paths["landuse"])
    return paths


def _judge(issued, out, *args):
    return CliRunner().invoke(command, ["--patches", str(issued["patches"]), "--approvals", str(issued["approvals"]),
                                        "--farmland", str(issued["farmland"]), "--landuse", str(issued["landuse"]),
                                        "--area", "planar", "--out", str(out), *args])


def test_changes_judges_an_issued_patch_layer_split_by_its_bases(issued, tmp_path):
    result = _judge(issued, tmp_path / "out")
    assert result.exit_code == 0, result.output
    gpkg = tmp_path / "out" / RESULT_FILE
    assert set(dict(pyogrio.list_layers(gpkg))) == {"register", "patch_pieces", "patch_rollup", "rejected",
                                                     "redline_run", "layer_styles"}  # no change_patches: none were extracted
    register = gpd.read_file(gpkg, layer="register").set_index("patch_id")
    assert register["judgement"].to_dict() == {"P1": "unapproved_on_farmland", "P2": "built_before_approval"}
    assert "A2 (2024-07-01) 晚于后时相 2024-06-30" in register.loc["P2", "late_basis_ids"]
    pieces = gpd.read_file(gpkg, layer="patch_pieces")
    p1 = pieces[pieces["patch_id"] == "P1"].groupby("judgement")["area_m2"].sum().to_dict()
    # the 900 m2 off PBF is cultivated land (0101): unapproved on cultivated land
    assert p1 == pytest.approx({"approved_not_supplied": 100, "unapproved_on_farmland": 9000,
                                "unapproved_on_cultivated": 900})
    # unexplained: 9 900 + 900 m2 = 16.20 亩; on PBF 9 000 m2 = 13.50 亩; on cultivated land P1's 9 900 m2
    # (P2 lies outside the land-use patch) = 14.85 亩; the ratio 9 900 / 10 000 of cultivated land occupied
    assert "2 issued change patches, 10,900 m² = 16.35 亩" in result.output
    assert "without a basis in force: 16.20 亩; of which on permanent basic farmland 13.50 亩, on cultivated " \
           "land 14.85 亩" in result.output
    assert "违法占用耕地比例 (all patches): 99.0%" in result.output
    assert "not given: supplies" in result.output
    run = pyogrio.read_dataframe(gpkg, layer="redline_run", read_geometry=False).set_index("key")["value"]
    assert run["patches"] == str(issued["patches"]) and run["audits"] == "judge_patches"


def test_changes_after_date_replaces_the_issued_later_image_date(issued, tmp_path):
    """Given 2024-07-01, A2 (granted that day) is a basis for P2; the note says the patches' dates were replaced."""
    result = _judge(issued, tmp_path / "out", "--after-date", "2024-07-01")
    assert result.exit_code == 0, result.output
    register = gpd.read_file(tmp_path / "out" / RESULT_FILE, layer="register").set_index("patch_id")
    assert register.loc["P2", "judgement"] == "approved_not_supplied"
    assert "after_date=2024-07-01 given for every patch; 2 patch(es) carried another date" in result.output


def test_changes_reads_the_issued_fields_named_by_hand(issued, tmp_path):
    renamed = tmp_path / "renamed.gpkg"
    frame = gpd.read_file(issued["patches"]).rename(columns={"图斑编号": "编号X"})
    frame.to_file(renamed)
    issued = {**issued, "patches": renamed}
    unmapped = _judge(issued, tmp_path / "a")  # the patches are numbered by row, and the note says how to map
    assert unmapped.exit_code == 0, unmapped.output
    assert "named by row number" in unmapped.output and "--field change_patches.patch_id=" in unmapped.output
    mapped = _judge(issued, tmp_path / "b", "--field", "change_patches.patch_id=编号X")
    assert mapped.exit_code == 0, mapped.output
    register = gpd.read_file(tmp_path / "b" / RESULT_FILE, layer="register")
    assert sorted(register["patch_id"]) == ["P1", "P2"]


@pytest.mark.parametrize("args, message", [
    ([], "give either BEFORE AFTER (two classified rasters) or --patches"),
    ([str(MOLUSCE / "init.tif")], "only one raster given"),
    ([str(MOLUSCE / "init.tif"), str(MOLUSCE / "final.tif"), "--patches", "x.gpkg"], "not both"),
    ([str(MOLUSCE / "init.tif"), str(MOLUSCE / "final.tif")], "BEFORE AFTER need --from-classes and --to-classes"),
])
def test_changes_takes_two_rasters_or_an_issued_layer(tmp_path, args, message):
    result = CliRunner().invoke(command, [*args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("option", [["--from-classes", "1,2"], ["--to-classes", "3"], ["--min-area", "200"],
                                    ["--to-category", "other"], ["--before-date", "2023-06-30"],
                                    ["--connectivity", "8"], ["--align", "refuse"]])
def test_changes_refuses_raster_options_with_an_issued_layer(issued, tmp_path, option):
    """Even at its default value: given with --patches it would change nothing, so it is refused, not ignored."""
    result = _judge(issued, tmp_path / "out", *option)
    assert result.exit_code == 2 and f"{option[0]}: only for BEFORE AFTER" in result.output, result.output
    assert not (tmp_path / "out").exists()
