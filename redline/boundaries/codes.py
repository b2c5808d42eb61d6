"""Land-use code tables: which codes are construction land (建设用地) and which are cultivated land (耕地).

Two cited tables ship in ``redline/data/``:

``tdt1055-2019`` (``landuse_codes_tdt1055.csv``)
    The 三调 working classification, TD/T 1055-2019 《第三次全国国土调查技术规程》 appendix A, which
    extends GB/T 21010-2017 《土地利用现状分类》 (first-level 00 湿地 ... 12 其他土地; merged second-level codes
    05H1, 08H1, 08H2; the 三调 extension codes 0810A 广场用地, 08H2A 高教用地, 1104A 养殖坑塘 and the
    可调整 (K) codes), plus the GB/T 21010-2017 second-level codes that 三调 merged (0501-0507, 0801-0808,
    0901-0906), as older and 变更调查 data still carry them. The construction flag follows the three-category
    mapping of GB/T 21010-2017 appendix A (土地利用现状分类与《土地管理法》"三大类"对照表).
``ydyh2023`` (``landuse_codes_ydyh2023.csv``)
    The 用地用海分类 of 自然资源部《国土空间调查、规划、用途管制用地用海分类指南》(2023): first-level 01-24,
    second-level (0101 ... 2307) and the third-level 060101/060102, with the guide's three-category mapping.

Columns: ``code, name_zh, level, parent, category (农用地/建设用地/未利用地/mixed/海域), construction (1/0,
empty when a first-level code mixes categories), cultivated (1 for 0101/0102/0103), source, note``.

The codes most often got wrong (DOMAIN §3): 1006 农村道路, 1104 坑塘水面, 1107 沟渠, 1202 设施农用地 and
1203 田坎 are agricultural land, not construction land; 1001/1003/1004/1005/1007/1008/1009 (rail, road,
urban roads, stations, airports, ports, pipelines), 1109 水工建筑用地, 0603 盐田 and 1201 空闲地 are
construction land. A first-level code that mixes categories (10, 11, 12, 00, 04) is *ambiguous* and is
reported with the unknown codes, never guessed. 201-205 are 城镇村属性码 (CZCSXM), not land-use codes:
a code column holding only such values is refused with that hint (a lone ``201`` is read as
``0201`` 果园, a code that lost its leading zero).

Users pass their own table as a CSV path or a DataFrame with at least ``code`` and ``construction``
(``name_zh`` and ``cultivated`` optional).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import Problem, SchemaError

DATA = Path(__file__).resolve().parent.parent / "data"

#: classification name -> shipped CSV
CLASSIFICATIONS = {
    "tdt1055-2019": "landuse_codes_tdt1055.csv",
    "ydyh2023": "landuse_codes_ydyh2023.csv",
}
ALIASES = {"三调": "tdt1055-2019", "tdt1055": "tdt1055-2019", "gb/t21010-2017": "tdt1055-2019",
           "gbt21010-2017": "tdt1055-2019", "用地用海": "ydyh2023", "ydyh": "ydyh2023", "ydyh-2023": "ydyh2023"}

__all__ = ["CLASSIFICATIONS", "CodeTable", "code_table", "normalise_codes"]


def normalise_codes(values) -> pd.Series:
    """Codes as text the tables use: ``101`` or ``101.0`` (a number that lost its zero) -> ``"0101"``.

    Whitespace and full-width characters are removed, letters upper-cased (``05h1`` -> ``05H1``).
    """
    s = pd.Series(values, copy=False)
    out = s.astype("string").str.normalize("NFKC").str.strip().str.upper()
    out = out.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    # a numeric code that lost its leading zero: 3 digits -> 4 (101 -> 0101), 1 digit -> 2 (9 -> 09),
    # 5 digits -> 6 (60101 -> 060101)
    odd = out.str.fullmatch(r"\d{1}|\d{3}|\d{5}").fillna(False)
    out = out.where(~odd, "0" + out)
    out = out.where(out != "", pd.NA)
    return out


@dataclass(frozen=True)
class CodeTable:
    """A land-use code table: codes -> construction / cultivated flags and names."""

    name: str
    frame: pd.DataFrame
    source: str = ""
    _index: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        idx = {c: i for i, c in enumerate(self.frame["code"])}
        object.__setattr__(self, "_index", idx)

    def lookup(self, codes) -> pd.DataFrame:
        """For each code: ``code`` (normalised), ``known``, ``construction`` (bool, NA if unknown/ambiguous),
        ``cultivated``, ``name_zh``.

        A K-suffixed (可调整) or A-suffixed code not in the table falls back to its base code.
        """
        # a layer holds few distinct codes: each is normalised and looked up once
        at, distinct = pd.factorize(pd.Series(codes, copy=False).reset_index(drop=True), use_na_sentinel=True)
        norm_distinct = normalise_codes(pd.Series(np.asarray(distinct, dtype=object), dtype=object))
        code_distinct = norm_distinct.astype(object).where(norm_distinct.notna(), None).to_numpy()
        rows = np.full(len(code_distinct) + 1, -1, dtype=np.int64)  # the last: an empty cell
        for k, c in enumerate(code_distinct):
            if not isinstance(c, str):
                continue
            i = self._index.get(c)
            if i is None and len(c) > 4 and c[-1] in "KA" and c[:-1] in self._index:
                i = self._index[c[:-1]]
            rows[k] = -1 if i is None else i
        p = rows[at]
        code = np.r_[code_distinct, np.array([None], dtype=object)].astype(object)[at]
        known = p >= 0
        cons_all = self.frame["construction"].to_numpy()
        cult_all = self.frame["cultivated"].to_numpy()
        names = self.frame["name_zh"].to_numpy()
        cons = np.where(known, cons_all[np.clip(p, 0, None)], pd.NA)
        cult = np.where(known, cult_all[np.clip(p, 0, None)], False)
        out = pd.DataFrame({
            "code": pd.Series(code, dtype=object),
            "known": known,
            "construction": pd.array(cons, dtype="boolean"),
            "cultivated": cult.astype(bool),
            "name_zh": np.where(known, names[np.clip(p, 0, None)], None),
        })
        # ambiguous first-level codes are "known" but have no construction flag
        return out

    def is_construction(self, codes) -> pd.Series:
        """True/False per code; NA for unknown or ambiguous codes."""
        return self.lookup(codes)["construction"]

    def is_cultivated(self, codes) -> np.ndarray:
        """True for 耕地 (0101 水田, 0102 水浇地, 0103 旱地 and their sub-codes)."""
        return self.lookup(codes)["cultivated"].to_numpy()

    def construction_codes(self) -> list[str]:
        f = self.frame
        return list(f.loc[f["construction"].fillna(False).astype(bool), "code"])


def _bool_column(values, name: str, table: str) -> pd.Series:
    truth = {"1": True, "true": True, "yes": True, "y": True, "是": True, "建设用地": True, "t": True,
             "0": False, "false": False, "no": False, "n": False, "否": False, "f": False}
    s = pd.Series(values).astype("string").str.strip().str.lower()
    mapped = s.map(lambda v: truth.get(v, pd.NA) if isinstance(v, str) and v != "" else pd.NA)
    bad = s.notna() & (s != "") & mapped.isna()
    if bad.any():
        raise SchemaError(Problem(
            layer=f"code table {table}", code="bad_flag",
            message=f"column {name!r} must be 1/0 (or true/false, 是/否); found {sorted(set(s[bad]))[:5]}",
            fix="write 1 for construction land, 0 for other land, empty when a code mixes categories"))
    return pd.array(mapped, dtype="boolean")


def _from_frame(frame: pd.DataFrame, name: str, source: str) -> CodeTable:
    cols = {c.lower().strip(): c for c in frame.columns}
    zh = {"编码": "code", "地类编码": "code", "代码": "code", "名称": "name_zh", "地类名称": "name_zh",
          "建设用地": "construction", "是否建设用地": "construction", "耕地": "cultivated", "是否耕地": "cultivated"}
    rename = {}
    for c in frame.columns:
        key = str(c).strip()
        if key.lower() in ("code", "name_zh", "name", "construction", "cultivated", "category", "level", "note",
                           "source", "parent"):
            rename[c] = "name_zh" if key.lower() == "name" else key.lower()
        elif key in zh:
            rename[c] = zh[key]
    f = frame.rename(columns=rename)
    missing = [c for c in ("code", "construction") if c not in f.columns]
    if missing:
        raise SchemaError(Problem(
            layer=f"code table {name}", code="missing_field",
            message=f"the code table lacks column(s) {', '.join(missing)}; it has {', '.join(map(str, cols.values()))}",
            fix="give a table with columns code, construction (1/0) and optionally name_zh, cultivated"))
    f = f.copy()
    f["code"] = normalise_codes(f["code"]).to_numpy()
    f = f.dropna(subset=["code"])
    dup = f["code"].duplicated(keep=False)
    if dup.any():
        raise SchemaError(Problem(layer=f"code table {name}", code="duplicate_id",
                                  message=f"codes listed twice: {', '.join(sorted(set(f.loc[dup, 'code'])))}",
                                  fix="list each code once"))
    f["construction"] = _bool_column(f["construction"], "construction", name)
    if "cultivated" in f.columns:
        f["cultivated"] = _bool_column(f["cultivated"], "cultivated", name).fillna(False).astype(bool)
    else:
        f["cultivated"] = f["code"].str.match(r"^010[123]").fillna(False).astype(bool)
    if "name_zh" not in f.columns:
        f["name_zh"] = None
    return CodeTable(name, f.reset_index(drop=True), source)


@lru_cache(maxsize=8)
def _shipped(name: str) -> CodeTable:
    path = DATA / CLASSIFICATIONS[name]
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    source = {"tdt1055-2019": "TD/T 1055-2019 附录A 三调工作分类; 三大类 per GB/T 21010-2017 附录A",
              "ydyh2023": "《国土空间调查、规划、用途管制用地用海分类指南》(2023)"}[name]
    return _from_frame(frame, name, source)


def code_table(classification="tdt1055-2019") -> CodeTable:
    """The code table to classify land-use codes with.

    Parameters
    ----------
    classification : str, path, DataFrame or CodeTable
        ``"tdt1055-2019"`` (三调 working classification, default), ``"ydyh2023"`` (用地用海分类 2023),
        a CSV path, or a DataFrame with columns ``code``, ``construction`` (1/0) and optionally
        ``name_zh`` and ``cultivated``.

    Examples
    --------
    >>> t = code_table("tdt1055-2019")
    >>> t.is_construction(["1004", "1006", "1203", "1109"]).tolist()
    [True, False, False, True]
    """
    if isinstance(classification, CodeTable):
        return classification
    if isinstance(classification, pd.DataFrame):
        return _from_frame(classification, "user table", "user table")
    if isinstance(classification, str) and not os.path.exists(classification):
        key = ALIASES.get(classification.strip().lower().replace(" ", ""), classification.strip().lower())
        if key in CLASSIFICATIONS:
            return _shipped(key)
        raise SchemaError(Problem(layer="classification", code="unknown_classification",
                                  message=f"unknown land-use classification {classification!r}",
                                  fix=f"use one of {', '.join(CLASSIFICATIONS)}, or give a CSV file with columns "
                                      "code, construction (1/0)"))
    path = Path(os.fspath(classification))
    for enc in ("utf-8-sig", "gb18030"):
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise SchemaError(Problem(layer=str(path), code="encoding", message="cannot decode the code table"))
    return _from_frame(frame, path.name, str(path))
