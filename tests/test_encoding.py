"""Shapefiles from Chinese systems: GBK without .cpg, with .cpg, by DBF language driver, or overridden."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import box

import redline
from redline.io import read_layer_with_info
from redline.io.encoding import detect_shapefile_encoding

NAMES = ["豫政土〔2015〕12号", "息县国土〔2016〕3号"]


def write_shp(path, encoding, *, cpg=True, ldid=None, names=NAMES):
    gdf = gpd.GeoDataFrame({"批准文号": names, "批准日期": ["2015-03-02", "2016年3月1日"]},
                           geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10)], crs="EPSG:4547")
    gdf.to_file(path, encoding=encoding)
    cpg_path = path.with_suffix(".cpg")
    if not cpg and cpg_path.exists():
        cpg_path.unlink()
    if ldid is not None:
        dbf = path.with_suffix(".dbf")
        raw = bytearray(dbf.read_bytes())
        raw[29] = ldid
        dbf.write_bytes(bytes(raw))
    return path


def test_gbk_without_cpg_reads_correct_chinese(tmp_path):
    shp = write_shp(tmp_path / "报批.shp", "GBK", cpg=False)
    assert not shp.with_suffix(".cpg").exists()
    gdf, info = read_layer_with_info(shp, schema="approvals")
    assert list(gdf["approval_id"]) == NAMES
    assert str(gdf.loc[1, "approval_date"].date()) == "2016-03-01"
    assert "GBK" in info.encoding and "heuristic" in info.encoding
    assert info.field_map == {"批准文号": "approval_id", "批准日期": "approval_date"}


def test_cpg_file_is_used(tmp_path):
    shp = write_shp(tmp_path / "a.shp", "GBK", cpg=True)
    found = detect_shapefile_encoding(shp)
    assert found.encoding == "gb18030" and found.how.startswith(".cpg")
    assert list(redline.read_layer(shp)["批准文号"]) == NAMES


def test_language_driver_byte(tmp_path):
    shp = write_shp(tmp_path / "a.shp", "GBK", cpg=False, ldid=0x4D)  # code page 936
    found = detect_shapefile_encoding(shp)
    assert (found.encoding, found.how) == ("gb18030", "DBF language driver 0x4D")
    assert list(redline.read_layer(shp)["批准文号"]) == NAMES


def test_utf8_without_cpg(tmp_path):
    gdf = gpd.GeoDataFrame({"PZWH": NAMES}, geometry=[box(0, 0, 1, 1), box(2, 0, 3, 1)], crs="EPSG:4547")
    gdf.to_file(tmp_path / "a.shp", encoding="UTF-8")
    (tmp_path / "a.cpg").unlink()
    assert detect_shapefile_encoding(tmp_path / "a.shp").encoding == "utf-8"
    assert list(redline.read_layer(tmp_path / "a.shp")["PZWH"]) == NAMES


def test_truncated_utf8_field_names_still_detected(tmp_path):
    # DBF field names hold 10 bytes: 批准日期 in UTF-8 (12 bytes) is cut inside its last character.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL warns that it truncated the names, as it should
        write_shp(tmp_path / "a.shp", "UTF-8", cpg=False)
    assert detect_shapefile_encoding(tmp_path / "a.shp").encoding == "utf-8"


def test_user_override_corrects_a_wrong_cpg(tmp_path):
    shp = write_shp(tmp_path / "a.shp", "GBK", cpg=True)
    shp.with_suffix(".cpg").write_text("UTF-8")  # the .cpg lies, as exported files sometimes do
    with pytest.raises(redline.EncodingError, match="encoding='GBK'"):
        redline.read_layer(shp)
    gdf, info = read_layer_with_info(shp, encoding="GBK")
    assert info.encoding == "GBK/GB18030 (from user)"
    assert list(gdf["批准文号"]) == NAMES


def test_gb2312_name_in_cpg_reads_as_gb18030(tmp_path):
    shp = write_shp(tmp_path / "a.shp", "GBK", cpg=True)
    shp.with_suffix(".cpg").write_text("GB2312")
    assert detect_shapefile_encoding(shp).encoding == "gb18030"
    assert list(redline.read_layer(shp)["批准文号"]) == NAMES


@pytest.mark.parametrize("name", ["gbk", "GB2312", "936", "cp936"])
def test_normalise_encoding(name):
    from redline.io.encoding import normalise_encoding

    assert normalise_encoding(name) == "gb18030"


def test_unknown_encoding_is_a_clear_error():
    from redline.io.encoding import normalise_encoding

    with pytest.raises(LookupError, match="try 'GBK'"):
        normalise_encoding("klingon")


# Writing the UTF-8 fixtures, GDAL reports the cut names in a message pyogrio cannot decode (it is cut UTF-8
# too) and pytest would turn that into an error of the test; the reading under test raises nothing.
GDAL_CUT_MESSAGE = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def _zip(zip_path, *shps):
    import zipfile

    with zipfile.ZipFile(zip_path, "w") as zf:
        for shp in shps:
            for part in sorted(shp.parent.glob(shp.stem + ".*")):
                zf.write(part, part.name)
    return zip_path


def test_zipped_gbk_shapefile_without_cpg(tmp_path):
    """Bureaus mail shapefiles as .zip: the .dbf inside is read for the same decision."""
    zipped = _zip(tmp_path / "报批.zip", write_shp(tmp_path / "报批.shp", "GBK", cpg=False))
    gdf, info = read_layer_with_info(zipped, schema="approvals")
    assert list(gdf["approval_id"]) == NAMES
    assert "GBK" in info.encoding and "heuristic" in info.encoding


@GDAL_CUT_MESSAGE
def test_zip_with_two_shapefiles_decides_for_the_named_one(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    gbk = write_shp(tmp_path / "a" / "gbk.shp", "GBK", cpg=False)
    utf = write_shp(tmp_path / "b" / "utf.shp", "UTF-8", cpg=False, names=["苏政地〔2019〕112号", "宁政地〔2021〕33号"])
    zipped = _zip(tmp_path / "both.zip", gbk, utf)
    assert list(redline.read_layer(zipped, "gbk")["批准文号"]) == NAMES
    utf8 = redline.read_layer(zipped, "utf", schema="approvals")  # 批准文号 is 12 bytes in UTF-8: cut, see below
    assert list(utf8["approval_id"]) == ["苏政地〔2019〕112号", "宁政地〔2021〕33号"]
    assert list(redline.read_layer(zipped, "gbk", encoding="GBK")["批准文号"]) == NAMES


@GDAL_CUT_MESSAGE
@pytest.mark.parametrize("cpg", [True, False])
def test_utf8_shapefile_with_chinese_names_cut_at_ten_bytes(tmp_path, cpg):
    """QGIS and GDAL write UTF-8 shapefiles, and cut field names at the DBF's 10 bytes: 批准文号 (12 bytes)
    becomes 批准文 plus half a character, which pyogrio refuses to decode. redline drops the half character,
    recognises the cut name, and keeps the values whole."""
    shp = write_shp(tmp_path / "a.shp", "UTF-8", cpg=cpg)
    raw = shp.with_suffix(".dbf").read_bytes()
    assert "批准文号".encode()[:10] in raw and "批准文号".encode() not in raw  # the premise: the writer cut it
    gdf, info = read_layer_with_info(shp, schema="approvals")
    assert list(gdf["approval_id"]) == NAMES
    assert str(gdf.loc[1, "approval_date"].date()) == "2016-03-01"
    assert info.field_map == {"批准文": "approval_id", "批准日": "approval_date"}
    assert "cut in the middle of a character" in info.encoding
