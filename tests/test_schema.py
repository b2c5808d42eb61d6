"""Field names as bureaus write them: Chinese, pinyin initials, or the user's own mapping."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import box

import redline
from redline.schema import SCHEMAS, apply_schema
from redline.validate import validate_layer


@pytest.mark.parametrize(("columns", "kind"), [
    (["批准文号", "批准日期"], "approvals"), (["PZWH", "PZRQ"], "approvals"), (["pzwh", "pzrq"], "approvals"),
    (["合同编号", "签订日期", "约定开工日期", "约定竣工日期", "实际开工日期", "出让价款", "总投资", "已投资"], "supplies"),
    (["HTBH", "QDRQ", "YDKGRQ"], "supplies"), (["建筑物编号", "层数", "建筑面积"], "buildings"),
    (["宗地号", "容积率_备注"], "parcels"), (["BSM", "DLBM", "DLMC", "TBMJ"], "landuse"),
])
def test_aliases_map_to_canonical_names(columns, kind):
    frame = pd.DataFrame([["1"] * len(columns)], columns=columns)
    out, info = apply_schema(frame, kind)
    assert set(SCHEMAS[kind].required) <= set(out.columns)
    assert all(c in SCHEMAS[kind].labels_zh() or c in frame.columns for c in out.columns)


def test_full_width_and_spacing_variants_match():
    frame = pd.DataFrame({"批准文号 ": ["a"], "批准日期（审批）": ["2019-01-01"]})
    with pytest.raises(redline.SchemaError):  # different word: not a match
        apply_schema(frame, "approvals")
    out, _ = apply_schema(pd.DataFrame({"批准文号 ": ["a"], "ＰＺＲＱ": ["2019-01-01"]}), "approvals")
    assert list(out.columns) == ["approval_id", "approval_date"]


@pytest.mark.parametrize(("text", "expected"), [
    ("2019-03-01", "2019-03-01"), ("2019/3/1", "2019-03-01"), ("2019.3.1", "2019-03-01"),
    ("2019年3月1日", "2019-03-01"), ("20190301", "2019-03-01"), (20190301, "2019-03-01"), (43525, "2019-03-01"),
])
def test_dates_as_bureaus_write_them(text, expected):
    out, info = apply_schema(pd.DataFrame({"PZWH": ["a"], "PZRQ": [text]}), "approvals")
    assert str(out["approval_date"].iloc[0].date()) == expected and info["bad_values"] == {}


def test_user_mapping_and_clash_with_existing_column():
    frame = pd.DataFrame({"号": ["a"], "approval_id": ["other"], "时间": ["2019-01-01"]})
    out, info = apply_schema(frame, "approvals", fields={"approval_id": "号", "approval_date": "时间"})
    assert out["approval_id"].tolist() == ["a"] and out["approval_id_orig"].tolist() == ["other"]


def test_mapping_errors_are_explained():
    frame = pd.DataFrame({"PZWH": ["a"], "PZRQ": ["2019-01-01"]})
    with pytest.raises(redline.SchemaError, match="which the layer lacks"):
        apply_schema(frame, "approvals", fields={"approval_date": "日期"})
    with pytest.raises(redline.SchemaError, match="does not have: nonsense"):
        apply_schema(frame, "approvals", fields={"nonsense": "PZWH"})
    with pytest.raises(redline.SchemaError, match="unknown layer kind"):
        apply_schema(frame, "approval")


def test_every_kind_has_chinese_labels_and_an_id():
    for schema in SCHEMAS.values():
        assert schema.id_field in schema.required
        assert all(f.label_zh for f in schema.fields)


# --- dates as bureaus write them: years as numbers, months and years alone, Excel serials -------------------------
def _supplies(**cols):
    n = len(next(iter(cols.values())))
    return pd.DataFrame({"合同编号": [f"C{k + 1}" for k in range(n)], **cols})


@pytest.mark.parametrize("year", [2020, 2020.0, "2020", "2020年"])
def test_a_year_stored_as_a_number_is_a_year_not_an_excel_day(year):
    out, info = apply_schema(_supplies(签订日期=[year]), "supplies")
    assert str(out["supply_date"].iloc[0].date()) == "2020-01-01"  # not 1905-07-12 (Excel day 2020)
    (note,) = info["date_notes"]
    assert note.code == "partial_date_year" and note.ids == ("C1",) and not note.fatal
    assert "supply_date (供地日期)" in note.message and "first day of the period" in note.message


@pytest.mark.parametrize(("text", "first", "last"), [
    ("2020-03", "2020-03-01", "2020-03-31"), ("2020.3", "2020-03-01", "2020-03-31"),
    ("2020年3月", "2020-03-01", "2020-03-31"), ("2020/2", "2020-02-01", "2020-02-29"), (2020.3, "2020-03-01", "2020-03-31"),
    (2020.12, "2020-12-01", "2020-12-31"), ("2021", "2021-01-01", "2021-12-31"),
])
def test_a_month_or_year_alone_fills_the_day_and_says_which(text, first, last):
    # a supply date takes the first day; an agreed start (a deadline) the last, the holder's reading
    out, info = apply_schema(_supplies(签订日期=[text], 约定开工日期=[text]), "supplies")
    assert str(out["supply_date"].iloc[0].date()) == first
    assert str(out["agreed_start_date"].iloc[0].date()) == last
    by_field = {n.message.split(" ")[0]: n for n in info["date_notes"]}
    assert set(by_field) == {"supply_date", "agreed_start_date"} and info["bad_values"] == {}
    assert "first day" in by_field["supply_date"].message
    assert "last day" in by_field["agreed_start_date"].message and "民法典" in by_field["agreed_start_date"].message
    assert last in by_field["agreed_start_date"].message  # what was filled is shown


def test_excel_serials_stay_but_are_noted_and_ambiguous_numbers_are_refused():
    out, info = apply_schema(_supplies(签订日期=[43525, "43525", 1500, 2020.1, "2019-03-01"]), "supplies")
    got = [None if pd.isna(d) else str(d.date()) for d in out["supply_date"]]
    assert got == ["2019-03-01", "2019-03-01", None, None, "2019-03-01"]
    assert info["bad_values"] == {"supply_date": ["C3", "C4"]}  # 1500: no year, no serial; 2020.1: Jan or Oct?
    (note,) = info["date_notes"]
    assert note.code == "excel_serial_date" and note.ids == ("C1", "C2")


def test_date_notes_reach_the_prepared_notes_and_redline_check(tmp_path):
    import geopandas as gpd
    from click.testing import CliRunner
    from shapely.geometry import box

    from redline.cli import main
    from redline.validate import prepare_layers

    gdf = gpd.GeoDataFrame(_supplies(签订日期=["2020-01-01", "2020-01-01"], 约定开工日期=["2021年3月", "2021-03-15"]),
                           geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10)], crs="EPSG:4547")
    prepared = prepare_layers({"supplies": (gdf, "supplies")})
    assert str(prepared.layers["supplies"]["agreed_start_date"].iloc[0].date()) == "2021-03-31"
    (line,) = [n for n in prepared.note_lines() if "agreed_start_date" in n]
    assert "C1" in line and "C2" not in line and "2021-03-31" in line
    path = tmp_path / "s.gpkg"
    gdf.to_file(path)
    result = CliRunner().invoke(main, ["check", str(path), "--kind", "supplies"])
    assert result.exit_code == 0, result.output
    assert "agreed_start_date (约定开工日期): 1 value(s) give a month only" in result.output


@given(year=st.integers(1900, 2100), month=st.integers(1, 12), sep=st.sampled_from(["-", "/", ".", "年"]))
def test_a_month_alone_spans_exactly_its_month(year, month, sep):
    from redline.schema import _parse_one_date

    text = f"{year}{sep}{month}" + ("月" if sep == "年" else "")
    first, how = _parse_one_date(text, fill="first")
    last, _ = _parse_one_date(text, fill="last")
    assert how == "month" and (first.year, first.month, first.day) == (year, month, 1)
    assert (last.year, last.month) == (year, month) and (last + pd.Timedelta(days=1)).day == 1


def test_strict_makes_a_completed_date_an_error():
    import geopandas as gpd
    from shapely.geometry import box

    from redline.validate import prepare_layers

    gdf = gpd.GeoDataFrame(_supplies(签订日期=["2020-01-01"], 约定开工日期=["2021年3月"]),
                           geometry=[box(0, 0, 10, 10)], crs="EPSG:4547")
    with pytest.raises(redline.ValidationError, match="agreed_start_date .*a month only"):
        prepare_layers({"supplies": (gdf, "supplies")}, strict=True)


# -- numbers as bureaus type them --------------------------------------------------------------------------------

NAN = float("nan")
#: (value in the cell, the number read, whether it is reported as unreadable): blanks are unknown without a word,
#: "," and "，" are thousands separators, surrounding spaces (full-width too) do not count, nothing else is guessed
NUMBER_CELLS = [
    (3, 3.0, False), (2.5, 2.5, False), (-4, -4.0, False), (" 35 ", 35.0, False), ("\u3000 7 \u3000", 7.0, False),
    ("1e3", 1000.0, False), ("0.1", 0.1, False), ("1,5", 15.0, False), ("1,200.5", 1200.5, False),
    ("1，200.5", 1200.5, False), ("", NAN, False), ("  ", NAN, False), (None, NAN, False), (NAN, NAN, False),
    (pd.NA, NAN, False), ("abc", NAN, True), ("1 200", NAN, True), ("１２", NAN, True), (",", NAN, True),
    ("nan", NAN, True), ("None", NAN, True), (True, NAN, True), ("1.5.2", NAN, True),
]


def _buildings(area):
    return pd.DataFrame({"幢号": [f"B{i}" for i in range(len(area))], "建筑面积": area})


def _expected(cells):
    return (np.array([number for _, number, _ in cells]),
            [f"B{i}" for i, (_, _, bad) in enumerate(cells) if bad])


def test_numbers_typed_every_way_are_read_by_the_rule():
    out, info = apply_schema(_buildings(pd.Series([v for v, _, _ in NUMBER_CELLS], dtype=object)), "buildings")
    numbers, bad = _expected(NUMBER_CELLS)
    assert out["floor_area_m2"].dtype == "float64"
    np.testing.assert_array_equal(out["floor_area_m2"].to_numpy(), numbers)
    assert info["bad_values"] == {"floor_area_m2": bad}
    _, _, problems = validate_layer(
        gpd.GeoDataFrame(_buildings(pd.Series([v for v, _, _ in NUMBER_CELLS], dtype=object)),
                         geometry=[box(0, 0, 1, 1)] * len(NUMBER_CELLS), crs="EPSG:4547"), "buildings")
    assert [p.ids for p in problems if p.code == "bad_float"] == [tuple(bad)]


def test_numbers_as_text_and_as_numbers_read_alike():
    text = [(v, number, bad) for v, number, bad in NUMBER_CELLS if isinstance(v, str) or v is None]
    out, info = apply_schema(_buildings(pd.Series([v for v, _, _ in text], dtype="str")), "buildings")
    numbers, bad = _expected(text)
    np.testing.assert_array_equal(out["floor_area_m2"].to_numpy(), numbers)
    assert info["bad_values"] == ({"floor_area_m2": bad} if bad else {})
    for column in (pd.Series([1.5, NAN, -2.0, np.inf]), pd.Series([1, 2, 3]), pd.Series([1, None, 3], dtype="Int64")):
        out, info = apply_schema(_buildings(column), "buildings")
        np.testing.assert_array_equal(out["floor_area_m2"].to_numpy(), column.astype("float64").to_numpy())
        assert info["bad_values"] == {}


def _cleaned_text(v):
    """The rule, spelled out: a value is its text without "," "，" and surrounding whitespace; blank is no value."""
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    return str(v).replace(",", "").replace("，", "").strip() or None


def _same_numbers(a, b):
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    return np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(b))  # -0.0 too


CELL_TEXT = st.text(alphabet="0123456789.,，eE+- \u3000１a", max_size=8) | st.sampled_from(
    ["-0", " -0 ", "-0.0", "0", "12", "1,200.5", "nan", "inf", "-Infinity", "1e400", "18446744073709551617", "", "  "])
CELL = (CELL_TEXT | st.floats() | st.integers(-2**70, 2**70) | st.sampled_from([10**400, 0, -0.0, True, False])
        | st.sampled_from([None, NAN, pd.NA]))


@given(st.lists(CELL, max_size=20))
def test_a_column_of_numbers_reads_as_the_texts_of_its_values(cells):
    """Whatever mix a column holds (numbers, numeric text, separators, blanks, words), it reads as its texts do,
    cleaned by the rule and read together; the ids reported are those of the values not blank that give no number."""
    expected = pd.to_numeric(pd.Series([_cleaned_text(v) for v in cells], dtype=object), errors="coerce")
    bad = [f"B{i}" for i, v in enumerate(cells) if not pd.isna(v) and str(v).strip() != "" and np.isnan(expected[i])]
    columns = [pd.Series(cells, dtype=object)]
    if all(isinstance(v, str) or v is None for v in cells):
        columns.append(pd.Series(cells, dtype="str"))
    for column in columns:
        out, info = apply_schema(_buildings(column), "buildings")
        assert _same_numbers(out["floor_area_m2"], expected)
        assert info["bad_values"] == ({"floor_area_m2": bad} if bad else {})
