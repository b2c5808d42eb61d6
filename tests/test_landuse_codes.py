"""The shipped land-use code tables: every code of the classifications, and the codes people get wrong."""

from __future__ import annotations

import pandas as pd
import pytest

from redline.boundaries import code_table, normalise_codes
from redline.errors import SchemaError

# TD/T 1055-2019 appendix A, the 三调 working classification: every second-level code
TDT_SECOND_LEVEL = ["0303", "0304", "0306", "0402", "0603", "1105", "1106", "1108", "0101", "0102", "0103", "0201", "0202", "0203", "0204", "0301", "0302", "0305", "0307", "0401", "0403", "0404", "05H1", "0508", "0601", "0602", "0701", "0702", "08H1", "08H2", "0809", "0810", "1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009", "1101", "1102", "1103", "1104", "1107", "1109", "1110", "1201", "1202", "1203", "1204", "1205", "1206", "1207"]


def test_tdt1055_has_every_first_and_second_level_code():
    t = code_table("tdt1055-2019")
    codes = set(t.frame["code"])
    assert {f"{i:02d}" for i in range(13)} <= codes  # 00 湿地 ... 12 其他土地
    assert set(TDT_SECOND_LEVEL) <= codes
    assert {"0810A", "1104A", "08H2A"} <= codes  # 三调 extension codes
    assert not t.frame["code"].duplicated().any()


@pytest.mark.parametrize("code", ["1006", "1104", "1107", "1202", "1203", "1103", "1104A", "0201K", "0101", "0404"])
def test_agricultural_and_unused_codes_are_not_construction(code):
    assert code_table().is_construction([code]).tolist() == [False]


@pytest.mark.parametrize("code", ["1001", "1002", "1003", "1004", "1005", "1007", "1008", "1009", "1109", "1201",
                                  "0603", "05H1", "0508", "0601", "0602", "0701", "0702", "08H1", "08H2", "0809",
                                  "0810", "0810A", "09", "0501", "0807"])
def test_construction_codes(code):
    assert code_table().is_construction([code]).tolist() == [True]


@pytest.mark.parametrize("code", ["10", "11", "12", "00", "04", "9999", "", None])
def test_mixed_first_level_and_unknown_codes_are_not_guessed(code):
    assert pd.isna(code_table().is_construction([code]).iloc[0])


def test_cultivated_land_is_exactly_0101_0102_0103():
    t = code_table()
    assert sorted(t.frame.loc[t.frame["cultivated"], "code"]) == ["0101", "0102", "0103"]


def test_normalise_codes_restores_lost_zeros_and_case():
    assert normalise_codes([101, "101.0", " 0102 ", "05h1", "９", "60101", "1104A"]).tolist() == \
        ["0101", "0101", "0102", "05H1", "09", "060101", "1104A"]


def test_ydyh2023_tricky_codes():
    t = code_table("ydyh2023")
    codes = set(t.frame["code"])
    assert {f"{i:02d}" for i in range(1, 25)} <= codes
    assert {f"13{i:02d}" for i in range(1, 14)} <= codes  # 1301 供水用地 ... 1313 其他公用设施用地
    assert {f"12{i:02d}" for i in range(1, 10)} <= codes
    got = dict(zip(["1207", "1312", "1311", "0601", "2301", "0703", "1704", "1705", "2302", "2303", "0602", "1703",
                    "0403", "1802"],
                   t.is_construction(["1207", "1312", "1311", "0601", "2301", "0703", "1704", "1705", "2302", "2303",
                                      "0602", "1703", "0403", "1802"]).tolist(), strict=True))
    assert got == {"1207": True, "1312": True, "1311": True, "0601": True, "2301": True, "0703": True,
                   "1704": False, "1705": False, "2302": False, "2303": False, "0602": False, "1703": False,
                   "0403": False, "1802": False}
    assert pd.isna(t.is_construction(["17"]).iloc[0])


def test_user_table_as_frame_and_csv(tmp_path):
    own = pd.DataFrame({"code": ["A1", "B2"], "name_zh": ["城区", "农田"], "construction": ["1", "0"]})
    t = code_table(own)
    assert t.is_construction(["A1", "B2", "C3"]).tolist()[:2] == [True, False]
    path = tmp_path / "codes.csv"
    pd.DataFrame({"地类编码": ["A1", "B2"], "是否建设用地": ["是", "否"]}).to_csv(path, index=False, encoding="gb18030")
    assert code_table(str(path)).is_construction(["A1", "B2"]).tolist() == [True, False]


def test_bad_user_tables_are_refused_with_a_reason():
    with pytest.raises(SchemaError, match="construction"):
        code_table(pd.DataFrame({"code": ["A1"]}))
    with pytest.raises(SchemaError, match="1/0"):
        code_table(pd.DataFrame({"code": ["A1"], "construction": ["maybe"]}))
    with pytest.raises(SchemaError, match="twice"):
        code_table(pd.DataFrame({"code": ["A1", "A1"], "construction": ["1", "0"]}))
    with pytest.raises(SchemaError, match="unknown land-use classification"):
        code_table("gb50137")
