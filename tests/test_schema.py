"""Field names as bureaus write them: Chinese, pinyin initials, or the user's own mapping."""

from __future__ import annotations

import pandas as pd
import pytest

import redline
from redline.schema import SCHEMAS, apply_schema


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
