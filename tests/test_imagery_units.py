"""Change patches: TD/T 1055-2019 minimum mapping units by land class, and the two images' dates.

Tiny rasters of 5 m pixels (25 m² each), so every area is checkable on paper.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from click.testing import CliRunner
from shapely.geometry import box

from redline.errors import ValidationError
from redline.imagery import change_patches
from redline.imagery._raster import imaging_date
from redline.imagery.patches import TO_CATEGORIES
from redline.registry import get_spec
from redline.result import AuditLog
from redline.rules import load_rules
from redline.schema import apply_schema

FIVE_M = Affine(5, 0, 500000, 0, -5, 3500000)
KEY = "imagery.min_patch_area_m2"


def write(path, array, **tags):
    array = np.asarray(array, "uint8")
    with rasterio.open(path, "w", driver="GTiff", width=array.shape[1], height=array.shape[0], count=1,
                       dtype="uint8", crs="EPSG:4547", transform=FIVE_M, nodata=0) as dst:
        dst.write(array, 1)
        if tags:
            dst.update_tags(**tags)
    return str(path)


@pytest.fixture
def pair(tmp_path):
    """Farmland (2) with two new patches (5): 3 x 3 pixels = 15 m x 15 m = 225 m², 4 x 5 pixels = 20 m x 25 m = 500 m²."""
    before = np.full((10, 12), 2)
    after = before.copy()
    after[0:3, 0:3] = 5
    after[4:8, 6:11] = 5
    return write(tmp_path / "before.tif", before), write(tmp_path / "after.tif", after)


# --------------------------------------------------------------------------- minimum mapping unit by class

@pytest.mark.parametrize("category, minimum, flagged", [
    ("construction", 200, [False, False]),          # 225 and 500 m² both at least 200
    ("facility_agriculture", 200, [False, False]),
    ("agricultural", 400, [True, False]),           # 225 < 400 <= 500
    ("other", 600, [True, True]),                   # both under 600
])
def test_each_category_flags_against_its_td_t_1055_minimum(pair, category, minimum, flagged):
    p = change_patches(*pair, from_classes=2, to_classes=5, to_category=category, after_date="2026-04-30",
                       before_date="2024-05-01", log=(log := AuditLog()))
    assert p["area_m2"].tolist() == [225.0, 500.0]
    assert p["below_min_area"].tolist() == flagged
    rule = p["min_area_rule"].iloc[0]
    assert rule.startswith(f"cn-national@2026.1 {KEY}[{category}]={minimum} m2 (national: TD/T 1055-2019")
    assert (log.fact("change_patches", "to_category"), log.fact("change_patches", "min_area_m2")) == \
        (category, minimum)


def test_default_category_is_construction_and_says_so(pair):
    p = change_patches(*pair, from_classes=2, to_classes=5, log=(log := AuditLog()))
    assert p["below_min_area"].tolist() == [False, False]
    assert f"{KEY}[construction]=200 m2" in p["min_area_rule"].iloc[0]
    assert log.fact("change_patches", "to_category") == "construction"
    assert f"{KEY}[construction]=200 m2" in log.fact("change_patches", "rule")


def test_an_explicit_minimum_overrides_the_category(pair):
    p = change_patches(*pair, from_classes=2, to_classes=5, to_category="agricultural", min_area_m2=250)
    assert p["below_min_area"].tolist() == [True, False]  # 225 < 250 <= 500
    rule = p["min_area_rule"].iloc[0]
    assert f"{KEY}=250 m2 (given by the caller; rule set value for agricultural: 400 m2)" in rule


def test_a_rule_set_override_with_one_number_applies_to_every_category(pair):
    rules = load_rules(overrides={KEY: 300.0})
    for category in TO_CATEGORIES:
        p = change_patches(*pair, from_classes=2, to_classes=5, to_category=category, rules=rules)
        assert p["below_min_area"].tolist() == [True, False]
        assert f"{KEY}=300 m2" in p["min_area_rule"].iloc[0]


def test_an_unknown_category_names_the_four(pair):
    with pytest.raises(ValidationError, match="construction, facility_agriculture, agricultural, other") as err:
        change_patches(*pair, from_classes=2, to_classes=5, to_category="farmland")
    assert "'farmland'" in str(err.value)


def test_the_spec_and_the_command_offer_the_four_categories():
    spec = get_spec("change_patches")
    param = next(p for p in spec.params if p.name == "to_category")
    assert (param.type, param.default, tuple(param.choices)) == ("choice", "construction", TO_CATEGORIES)
    assert param.label_zh and param.label_en and "TD/T 1055" in param.help
    assert {p.name: p.type for p in spec.params if p.name.endswith("_date")} == \
        {"before_date": "date", "after_date": "date"}
    from redline.cli.changes import command

    option = next(o for o in command.params if o.name == "to_category")
    assert tuple(option.type.choices) == TO_CATEGORIES


# --------------------------------------------------------------------------- imaging dates

def test_dates_given_in_the_call_are_on_every_patch(pair):
    p = change_patches(*pair, from_classes=2, to_classes=5, before_date="2024-05-01",
                       after_date=dt.date(2026, 4, 30), log=(log := AuditLog()))
    assert p["before_date"].tolist() == [pd.Timestamp("2024-05-01")] * 2
    assert p["after_date"].tolist() == [pd.Timestamp("2026-04-30")] * 2
    assert pd.api.types.is_datetime64_any_dtype(p["after_date"])
    assert list(log.notes) == []
    assert log.fact("change_patches", "after_date") == dt.date(2026, 4, 30)


def test_tiff_datetime_tag_is_read(tmp_path):
    path = write(tmp_path / "a.tif", np.ones((2, 2)), TIFFTAG_DATETIME="2026:04:30 10:30:00")
    d = imaging_date(path)
    assert (d.date, d.tag, d.text) == (dt.date(2026, 4, 30), "TIFFTAG_DATETIME", "2026:04:30 10:30:00")
    with rasterio.open(path) as ds:  # an open dataset too
        assert imaging_date(ds).date == dt.date(2026, 4, 30)


@pytest.mark.parametrize("tag", ["ACQUISITION_DATE", "acquisition_date", "DATE_ACQUIRED"])
def test_an_iso_acquisition_tag_is_read(tmp_path, tag):
    path = write(tmp_path / "a.tif", np.ones((2, 2)), **{tag: "2026-04-30"})
    assert imaging_date(path).date == dt.date(2026, 4, 30) and imaging_date(path).tag == tag
    path = write(tmp_path / "b.tif", np.ones((2, 2)), **{tag: "2026-04-30T02:15:00Z"})
    assert imaging_date(path).date == dt.date(2026, 4, 30)


def test_tiff_datetime_comes_before_the_other_tags(tmp_path):
    path = write(tmp_path / "a.tif", np.ones((2, 2)), TIFFTAG_DATETIME="2026:04:30 10:30:00",
                 ACQUISITION_DATE="2026-04-29")
    assert imaging_date(path).tag == "TIFFTAG_DATETIME"


def test_tagged_rasters_give_the_patches_their_dates(tmp_path):
    before = np.full((4, 4), 2)
    after = before.copy()
    after[0:3, 0:3] = 5
    a = write(tmp_path / "a.tif", before, TIFFTAG_DATETIME="2024:05:01 03:00:00")
    b = write(tmp_path / "b.tif", after, ACQUISITION_DATE="2026-04-30")
    p = change_patches(a, b, from_classes=2, to_classes=5, log=(log := AuditLog()))
    assert p[["before_date", "after_date"]].iloc[0].tolist() == [pd.Timestamp("2024-05-01"),
                                                                 pd.Timestamp("2026-04-30")]
    assert list(log.notes) == []


def test_no_date_anywhere_is_nat_and_a_note_per_raster(pair):
    p = change_patches(*pair, from_classes=2, to_classes=5, log=(log := AuditLog()))
    assert p["before_date"].isna().all() and p["after_date"].isna().all()
    assert pd.api.types.is_datetime64_any_dtype(p["before_date"])
    notes = list(log.notes)
    assert len(notes) == 2
    assert notes[1].startswith(f"[change_patches] no imaging date for the later raster ({pair[1]}): give "
                               "after_date= or tag the raster (TIFFTAG_DATETIME")
    assert "cannot compare the dates of approvals" in notes[1]
    assert pair[0] in notes[0] and "before_date=" in notes[0]
    assert log.fact("change_patches", "after_date") is None


def test_no_date_and_no_patch_still_gives_the_date_columns(tmp_path):
    a = write(tmp_path / "a.tif", np.ones((3, 3)))
    p = change_patches(a, a, from_classes=1, to_classes=3, after_date="2026-04-30")
    assert len(p) == 0 and {"before_date", "after_date"} <= set(p.columns)


def test_an_unreadable_tag_is_a_note_not_a_date(tmp_path):
    before = np.full((2, 2), 2)
    a = write(tmp_path / "a.tif", before)
    b = write(tmp_path / "b.tif", np.full((2, 2), 5), ACQUISITION_DATE="spring 2026")
    p = change_patches(a, b, from_classes=2, to_classes=5, before_date="2024-05-01", log=(log := AuditLog()))
    assert p["after_date"].isna().all()
    assert any("ACQUISITION_DATE='spring 2026'" in n for n in log.notes)
    assert any("no imaging date for the later raster" in n for n in log.notes)


def test_a_given_date_wins_over_a_different_tag_with_a_note(tmp_path):
    a = write(tmp_path / "a.tif", np.full((2, 2), 2), TIFFTAG_DATETIME="2024:05:01 00:00:00")
    b = write(tmp_path / "b.tif", np.full((2, 2), 5), TIFFTAG_DATETIME="2026:04:30 00:00:00")
    p = change_patches(a, b, from_classes=2, to_classes=5, after_date="2026-05-15", log=(log := AuditLog()))
    assert p["after_date"].iloc[0] == pd.Timestamp("2026-05-15")
    assert p["before_date"].iloc[0] == pd.Timestamp("2024-05-01")
    assert list(log.notes) == [
        f"[change_patches] after_date=2026-05-15 given for the later raster ({b}), whose TIFFTAG_DATETIME says "
        "2026-04-30 ('2026:04:30 00:00:00'): the given date is used"]
    # the same date given as the tag's: nothing to say
    change_patches(a, b, from_classes=2, to_classes=5, after_date="2026-04-30", log=(log := AuditLog()))
    assert list(log.notes) == []


def test_a_first_date_after_the_second_is_an_error(tmp_path, pair):
    with pytest.raises(ValidationError, match="2026-04-30, after the second \\(2024-05-01\\)"):
        change_patches(*pair, from_classes=2, to_classes=5, before_date="2026-04-30", after_date="2024-05-01")
    a = write(tmp_path / "a.tif", np.full((2, 2), 2), ACQUISITION_DATE="2026-04-30")
    b = write(tmp_path / "b.tif", np.full((2, 2), 5), ACQUISITION_DATE="2024-05-01")
    with pytest.raises(ValidationError, match="swap the rasters"):
        change_patches(a, b, from_classes=2, to_classes=5)
    with pytest.raises(ValidationError, match="after_date: not a date"):
        change_patches(a, b, from_classes=2, to_classes=5, after_date="last spring")


def test_the_ministry_patch_layer_reads_its_dates_and_ids():
    issued = gpd.GeoDataFrame({"JCTBBH": ["JC-1"], "QSXRQ": ["2024-05-01"], "HSXRQ": ["2026-04-30"],
                               "JCRQ": ["2026-06-01"]}, geometry=[box(0, 0, 10, 10)], crs="EPSG:4547")
    frame = apply_schema(issued, "change_patches")[0]
    assert frame["patch_id"].tolist() == ["JC-1"]
    assert frame["before_date"].iloc[0] == pd.Timestamp("2024-05-01")
    assert frame["after_date"].iloc[0] == pd.Timestamp("2026-04-30")
    assert frame["detected_date"].iloc[0] == pd.Timestamp("2026-06-01")
    named = apply_schema(gpd.GeoDataFrame({"监测图斑编号": ["JC-2"], "前时相": ["2024-05-01"], "后时相日期": ["2026-04-30"]},
                                          geometry=[box(0, 0, 10, 10)], crs="EPSG:4547"), "change_patches")[0]
    assert named["patch_id"].tolist() == ["JC-2"] and named["after_date"].notna().all()
    assert "detected_date" not in named.columns or named["detected_date"].isna().all()


def test_changes_command_passes_category_and_dates(tmp_path, pair):
    from redline.cli.changes import RESULT_FILE, command

    out = tmp_path / "out"
    result = CliRunner().invoke(command, [*pair, "--from-classes", "2", "--to-classes", "5", "--to-category",
                                          "agricultural", "--before-date", "2024-05-01", "--after-date",
                                          "2026-04-30", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 change patches (1 below the minimum area)" in result.output
    patches = gpd.read_file(out / RESULT_FILE, layer="change_patches")
    assert patches["below_min_area"].tolist() == [True, False]
    assert pd.to_datetime(patches["after_date"]).dt.date.tolist() == [dt.date(2026, 4, 30)] * 2
    assert f"{KEY}[agricultural]=400 m2" in patches["min_area_rule"].iloc[0]


def test_the_example_rasters_carry_their_imaging_dates(tmp_path):
    from redline.example import write_example_rasters

    before, after = write_example_rasters(tmp_path)
    assert (imaging_date(before).date, imaging_date(after).date) == (dt.date(2024, 10, 15), dt.date(2026, 5, 20))


def test_a_mapping_unit_table_missing_a_class_is_refused(tmp_path):
    from redline.errors import RulesError
    from redline.imagery.patches import _min_area

    few = load_rules(overrides={"imagery.min_patch_area_m2": {"construction": 200.0, "agricultural": 400.0}})
    with pytest.raises(RulesError, match="lists no entry for 'facility_agriculture'"):
        _min_area(few, "construction", None)
