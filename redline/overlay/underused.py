"""用而不足 / 低效用地 used but under-used: plot ratio, building coefficient, investment, tax and output per 亩.

Each parcel gets a ``judgement``: ``underused`` (a floor of the rule set, or of its contract, is missed),
``meets`` (every figure that could be judged meets its floor), ``not_assessable`` (the data cannot say:
blank, unknown or ambiguous land use, or industrial land with nothing measurable) or ``not_industrial``.
The audit judges what the data says, never what it lacks: every figure not judged is named in ``reasons``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._frames import text_array
from ..area import AreaMethod, area_factor
from ..result import AuditLog
from ..rules import RuleSet, resolve_rules
from ..scale import Backend
from ..spec import Status
from ..units import M2_PER_MU
from . import _engine
from ._common import finish, prepare

__all__ = ["JUDGEMENT", "JUDGEMENTS", "JUDGEMENT_LABELS_ZH", "building_floor_area", "far_floor", "industry_division",
           "read_land_use", "underused"]

#: the judgements a parcel can get, in the order the summary lists them
JUDGEMENT: tuple[Status, ...] = (
    Status("underused", "用而不足", "under-used", "#ffdd57", grave=True, counted=True),
    Status("meets", "达标", "meets the floors", "#969696"),
    Status("not_assessable", "无法判定", "not assessable", "#7878dc"),
    Status("not_industrial", "非工业用地", "not industrial", "#c8c8c8"),
)
JUDGEMENTS = tuple(s.code for s in JUDGEMENT)
JUDGEMENT_LABELS_ZH = {s.code: s.label_zh for s in JUDGEMENT}

_DIGITS = re.compile(r"(\d{2})")
_CODE = re.compile(r"^([0-9]{1,6}[0-9A-Z]*|[A-Z][0-9]{0,2})(?:\s+|$)(.*)$")
_CLASSIFICATION_WORDS = {  # how parcels write the classification of their land use -> the rule set's key
    "tdt1055-2019": ("三调", "tdt1055", "td/t1055", "td/t1055-2019", "gb/t21010", "gb/t21010-2017", "gbt21010",
                     "土地利用现状分类", "第三次全国国土调查"),
    "ydyh2023": ("用地用海", "用地用海分类", "ydyh", "ydyh2023", "2023", "国土空间调查、规划、用途管制用地用海分类指南"),
    "gb50137": ("gb50137", "gb50137-2011", "城市用地分类与规划建设用地标准", "城市用地分类"),
}
_EDITIONS = {"GB/T 4754-2002": "2002", "GB/T 4754-2017": "2017"}


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or str(v).strip() == ""


def _norm(v) -> str:
    return unicodedata.normalize("NFKC", str(v)).strip()


def industry_division(value) -> str | None:
    """The GB/T 4754 two-digit division of an industry code or label: ``"C1711"`` → ``"17"``.

    >>> industry_division("C1711 棉纺纱加工"), industry_division(26), industry_division("纺织业")
    ('17', '26', None)
    """
    if _blank(value):
        return None
    m = _DIGITS.search(str(value))
    return m.group(1) if m else None


def classification_key(value) -> str | None:
    """The land-use classification a ``land_use_standard`` value names, or None when it names none known.

    >>> classification_key("TD/T 1055-2019"), classification_key("用地用海"), classification_key("GB 50137-2011")
    ('tdt1055-2019', 'ydyh2023', 'gb50137')
    """
    text = _norm(value).casefold().replace(" ", "")
    for key, words in _CLASSIFICATION_WORDS.items():
        if text == key or text in words:
            return key
    return None


def industry_edition(value) -> str | None:
    """``"2002"`` or ``"2017"`` for the GB/T 4754 edition a value names (2011 codes its divisions as 2017 does).

    >>> industry_edition("GB/T 4754-2002"), industry_edition("2011"), industry_edition("国标2017"), industry_edition("x")
    ('2002', '2017', '2017', None)
    """
    text = _norm(value)
    if "2002" in text:
        return "2002"
    if any(y in text for y in ("2011", "2017", "2019")):
        return "2017"
    return None


@lru_cache(maxsize=1)
def _division_pairs() -> pd.DataFrame:
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "data" / "gbt4754_divisions_2002_2017.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _corresponding(division: str, from_edition: str, to_edition: str) -> list[str]:
    if from_edition == to_edition:
        return [division]
    pairs = _division_pairs()
    a, b = f"division_{from_edition}", f"division_{to_edition}"
    return sorted({d for d in pairs.loc[pairs[a] == division, b] if d})


def far_floor(division: str | None, code_edition: str, rules: RuleSet) -> tuple[float | None, str, str | None, str]:
    """The FAR floor (容积率控制值) of an industry division read in ``code_edition`` ("2002"/"2017").

    Returns ``(floor or None, rule key, table entry used or None, why there is none)``. The table is the one of
    ``underused.control_standard_edition`` ("2023": ``underused.far_min``, keyed by GB/T 4754-2017;
    "2008": ``underused.far_min_2008``, keyed by GB/T 4754-2002); a code of the other edition is mapped through
    ``redline/data/gbt4754_divisions_2002_2017.csv``, and a division that maps to several with different floors
    has no floor. A ``default`` entry is used only when the table has one.

    >>> from redline.rules import load_rules
    >>> r = load_rules()
    >>> far_floor("39", "2017", r)[:3], far_floor("40", "2002", r)[:3], far_floor("30", "2017", r)[:3]
    ((1.0, 'underused.far_min', '39'), (1.0, 'underused.far_min', '39'), (0.7, 'underused.far_min', '30'))
    >>> far_floor("70", "2017", r)[0], far_floor("70", "2017", r)[3]
    (None, 'no floor for industry code 70 (GB/T 4754-2017) in the 2023 edition (underused.far_min)')
    """
    std = str(rules.value("underused.control_standard_edition"))
    if std not in ("2023", "2008"):
        raise ValueError(f"underused.control_standard_edition must be one of 2023, 2008, not {std!r}")
    key, keyed = ("underused.far_min", "2017") if std == "2023" else ("underused.far_min_2008", "2002")
    table = rules.threshold(key).value
    table = table if isinstance(table, Mapping) else {"default": table}
    label = f"GB/T 4754-{code_edition}"
    where = f"the {std} edition ({key})"
    if division is None:
        return None, key, None, f"no industry code: no floor in {where}"
    cands = _corresponding(division, code_edition, keyed)
    if not cands:
        return None, key, None, f"industry code {division} ({label}) has no GB/T 4754-{keyed} division: no floor in {where}"
    found = {c: table[c] for c in cands if c in table}
    if not found:
        if "default" in table:
            return float(table["default"]), key, None, ""
        return None, key, None, f"no floor for industry code {division} ({label}) in {where}"
    values = set(found.values())
    if len(found) < len(cands) or len(values) > 1:
        text = ", ".join(f"{c}: {found.get(c, 'none')}" for c in cands)
        return None, key, None, (f"industry code {division} ({label}) is GB/T 4754-{keyed} {'/'.join(cands)} "
                                 f"with different floors ({text}) in {where}: say the newer code")
    sub = cands[0] if len(cands) == 1 else None
    return float(values.pop()), key, sub, ""


@lru_cache(maxsize=4)
def _names_and_codes(classification: str):
    """{code: name} of a classification (three-category code tables, GB 50137 only its M codes)."""
    if classification == "gb50137":
        return {}
    from ..boundaries.codes import code_table

    f = code_table(classification).frame
    return dict(zip(f["code"], f["name_zh"], strict=False))


def read_land_use(value, standard, rules: RuleSet) -> tuple[str, str]:
    """How the rule set reads a parcel's land use: ``(kind, text)``, kind ∈ industrial, not_industrial, unknown.

    ``standard`` is the parcel's ``land_use_standard`` (None: ``underused.land_use_classification_default``).
    A code is read in that classification only; a name must be a name of it (or a synonym of the rule set).

    >>> from redline.rules import load_rules
    >>> r = load_rules()
    >>> read_land_use("1001", "用地用海", r)[0], read_land_use("1001", "三调", r)[0], read_land_use("非工业用地", None, r)[0]
    ('industrial', 'not_industrial', 'not_industrial')
    >>> read_land_use("", None, r)
    ('unknown', '土地用途 blank: cannot tell whether it is industrial land')
    """
    if _blank(value):
        return "unknown", "土地用途 blank: cannot tell whether it is industrial land"
    text = _norm(value)
    declared = not _blank(standard)
    if declared:
        cls = classification_key(standard)
        if cls is None:
            return "unknown", (f"用途分类标准 {_norm(standard)!r} unknown: write 三调 (TD/T 1055), 用地用海 (2023) "
                               "or GB 50137")
        how = f"{cls}, as the parcel says"
    else:
        cls = str(rules.value("underused.land_use_classification_default"))
        how = f"{cls} by underused.land_use_classification_default"
    industrial = rules.threshold("underused.industrial_land_uses").value.get(cls, {})
    known = _names_and_codes(cls) if cls != "gb50137" else {}
    synonyms = rules.threshold("underused.land_use_synonyms").value
    m = _CODE.match(text.upper() if text.isascii() else text)
    code, name = (m.group(1), m.group(2).strip()) if m and (any(ch.isdigit() for ch in m.group(1))
                                                           or cls == "gb50137") else (None, text)
    if code is not None:
        if re.fullmatch(r"\d{3}|\d{5}", code):
            code = "0" + code
        if cls == "gb50137":
            is_known = bool(re.fullmatch(r"[RABMWSUGHE]\d{0,2}", code))
            table_name = industrial.get(code)
        else:
            is_known = code in known
            table_name = known.get(code) or industrial.get(code)
        if not is_known and code not in industrial:
            return "unknown", f"土地用途 code {code} is not a code of {cls} (read as {how})"
        if name and table_name and name != table_name:
            return "unknown", f"土地用途 {text!r}: code {code} is {table_name} in {cls}, not {name} (read as {how})"
        if code in industrial:
            return "industrial", f"土地用途 {code} {industrial[code]} ({how})"
        if any(c.startswith(code) for c in industrial):
            return "unknown", (f"土地用途 {code} {table_name or ''} mixes industrial and other land in {cls}: "
                               "give the second-level code")
        return "not_industrial", f"土地用途 {code} {table_name or ''} ({how})".replace("  ", " ")
    # a name
    folded = {str(k).casefold(): v for k, v in synonyms.items()}
    if name.casefold() in folded:
        kind = str(folded[name.casefold()])
        if kind == "ambiguous":
            return "unknown", f"土地用途 {name!r} mixes industrial and other land (underused.land_use_synonyms)"
        return kind, f"土地用途 {name} (underused.land_use_synonyms)"
    classes = [cls] if declared else sorted({cls, *rules.threshold("underused.industrial_land_uses").value})
    kinds = set()
    for c in classes:
        ind = rules.threshold("underused.industrial_land_uses").value.get(c, {})
        names = _names_and_codes(c)
        if name in ind.values():
            kinds.add("industrial")
        for code_, n in names.items():
            if n == name and code_ not in ind:
                kinds.add("unknown" if any(x.startswith(code_) for x in ind) else "not_industrial")
    if kinds == {"industrial"}:
        return "industrial", f"土地用途 {name} (工业用地 in {', '.join(classes)})"
    if kinds == {"not_industrial"}:
        return "not_industrial", f"土地用途 {name} ({', '.join(classes)})"
    if kinds:
        return "unknown", f"土地用途 {name!r} mixes industrial and other land, or means both in {', '.join(classes)}"
    return "unknown", f"土地用途 {name!r} is no code or name of {', '.join(classes)}: cannot tell industrial land"


_STRUCTURE_KINDS = {"构筑物": "structure", "structure": "structure", "堆场": "yard", "yard": "yard"}


def building_floor_area(buildings: pd.DataFrame, footprint_m2: np.ndarray, double_height_m: float,
                        kinds: np.ndarray | None = None) -> tuple:
    """Floor area counted in the plot ratio, per building, and whether its storeys count twice.

    The floor area is ``floor_area_m2`` (建筑面积) when recorded, else footprint × ``floors`` (层数,
    1 when unknown). A building whose storey height (``storey_height_m``, else ``height_m`` ÷
    ``floors``) is over ``double_height_m`` counts twice (层高超过8米的按两层计算). Structures and storage
    yards (``structure_type`` 构筑物 / 堆场) have no floor area: they count in the building coefficient only.
    ``kinds``: :func:`building_kinds` of ``buildings``, when the caller has it.
    """
    n = len(buildings)

    def num(c):
        return (pd.to_numeric(buildings[c], errors="coerce").to_numpy(dtype=float) if c in buildings.columns
                else np.full(n, np.nan))

    floors, recorded, storey, height = num("floors"), num("floor_area_m2"), num("storey_height_m"), num("height_m")
    base = np.where(np.isfinite(recorded), recorded, footprint_m2 * np.where(np.isfinite(floors) & (floors > 0),
                                                                            floors, 1.0))
    kinds = building_kinds(buildings) if kinds is None else kinds
    base = np.where(kinds == "building", base, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        storey = np.where(np.isfinite(storey), storey,
                          np.where(np.isfinite(height) & np.isfinite(floors) & (floors > 0), height / floors, np.nan))
    double = np.isfinite(storey) & (storey > double_height_m) & (base > 0)
    return base * np.where(double, 2.0, 1.0), double


def building_kinds(buildings: pd.DataFrame) -> np.ndarray:
    """``building``, ``structure`` (构筑物) or ``yard`` (堆场) per feature, from ``structure_type``."""
    if "structure_type" not in buildings.columns:
        return np.full(len(buildings), "building", dtype=object)
    # each distinct value read once (a layer of a million footprints holds a handful); blanks are buildings
    codes, values = pd.factorize(buildings["structure_type"], use_na_sentinel=True)
    kinds = np.array([_STRUCTURE_KINDS.get(_norm(v), "building") if not _blank(v) else "building" for v in values]
                     + ["building"], dtype=object)
    return kinds[codes]


def underused(parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame | None = None, *,
              rules: RuleSet | str | None = None, area_method: AreaMethod = "ellipsoidal", crs=None, strict: bool = False,
              kind: Literal["parcels", "supplies"] = "parcels", threads: int = _engine.THREADS,
              log: AuditLog | None = None, backend: Backend | None = None) -> gpd.GeoDataFrame:
    """用而不足 / 低效用地: each parcel's intensity against the rule set's floors and its contract.

    Parameters
    ----------
    parcels : GeoDataFrame
        Parcels (宗地: ``parcel_id`` 宗地号, ``land_use`` with ``land_use_standard``, ``industry`` (GB/T 4754
        code) with ``industry_standard``, ``zone``, ``total_investment_wan`` 固定资产投资, ``tax_wan``,
        ``output_wan``, ``floor_area_m2``, ``building_footprint_m2``, ``structure_area_m2`` 构筑物占地面积,
        ``yard_area_m2`` 堆场占地面积, ``admin_facilities_area_m2``, contract ``far_min`` / ``far_max``), or
        supplies with ``kind="supplies"`` (their ``price_wan`` is added to ``total_investment_wan``, which
        excludes the land price there).
    buildings : GeoDataFrame, optional
        Building footprints (``floors`` 层数, ``floor_area_m2`` 建筑面积, ``storey_height_m`` 层高,
        ``height_m``, ``structure_type`` 建筑物/构筑物/堆场); a building straddling parcels is shared by
        footprint area. A parcel no building touches uses its own ``floor_area_m2`` and
        ``building_footprint_m2``; without either its plot ratio and building coefficient are not measured.
    rules : RuleSet, name or path, optional
        ``underused.*`` thresholds: ``control_standard_edition`` ("2023" → ``far_min`` keyed by GB/T 4754-2017
        divisions, "2008" → ``far_min_2008`` keyed by GB/T 4754-2002), ``industry_code_edition_default``,
        ``building_coefficient_min``, ``admin_facilities_max_ratio``, ``investment_intensity_min_wan_per_mu``
        (per zone when a table; none in cn-national), ``apply_output_tax_floors`` with ``tax_min_wan_per_mu``
        and ``output_min_wan_per_mu``, ``apply_far_low_efficiency`` with ``far_low_efficiency``,
        ``storey_double_height_m``,
        ``land_use_classification_default``, ``industrial_land_uses``, ``land_use_synonyms``.
    kind : {"parcels", "supplies"}
        The layer kind of ``parcels``.

    Returns
    -------
    GeoDataFrame
        One row per parcel (attributes, geometry) with ``site_m2``, ``site_mu``, ``footprint_m2`` (buildings,
        structures and yards), ``counted_floor_area_m2``, ``floor_area_source``, ``buildings_n``, ``far``
        (容积率), ``building_coefficient`` (建筑系数), ``investment_wan``, ``investment_intensity`` (万元/亩),
        ``tax_per_mu``, ``output_per_mu`` (万元/亩), ``industry_code``, ``industry_edition``, ``far_min``,
        ``land_use_read``, ``judgement`` (see :data:`JUDGEMENTS`), ``judgement_zh``, ``assessed`` (judged
        against at least one floor), ``low_efficiency`` (FAR under ``far_low_efficiency``), ``underused``
        (a floor missed), ``far_over_max`` (容积率 above the contract's ``far_max``: 擅自提高容积率),
        ``admin_over_max``, ``reasons`` (each miss with the value, threshold and rule key; for a parcel not
        assessable, why), ``not_judged`` (each figure of an industrial parcel not judged, with why) and ``rule``
        (citations).

    Examples
    --------
    A 100 m × 100 m industrial plot (15 亩) with a 50 m × 40 m two-storey workshop:

    >>> from shapely.geometry import box
    >>> p = gpd.GeoDataFrame({"宗地号": ["Z1"], "土地用途": ["工业用地"], "行业分类": ["C17"],
    ...                       "固定资产投资": [3000]}, geometry=[box(500000, 3800000, 500100, 3800100)], crs="EPSG:4547")
    >>> b = gpd.GeoDataFrame({"幢号": ["B1"], "层数": [2]}, geometry=[box(500000, 3800000, 500050, 3800040)],
    ...                      crs="EPSG:4547")
    >>> r = underused(p, b, area_method="planar")
    >>> r[["far", "building_coefficient", "investment_intensity", "far_min", "judgement"]].values.tolist()
    [[0.4, 0.2, 200.0, 0.8, 'underused']]
    """
    rules = resolve_rules(rules)
    if kind not in ("parcels", "supplies"):
        raise ValueError(f"kind must be one of parcels, supplies, not {kind!r}")
    prep = prepare({kind: (parcels, kind), "buildings": (buildings, "buildings")}, crs=crs, strict=strict,
                   area_method=area_method)
    P = prep.layers[kind]
    B = prep.layers.get("buildings")
    n = len(P)
    pg = np.asarray(P.geometry.values, dtype=object)
    planar_site = shapely.area(pg) if n else np.zeros(0)
    factor = area_factor(pg, prep.working.crs, area_method)
    site_m2 = planar_site * factor
    site_mu = site_m2 / M2_PER_MU
    double_h = float(rules.value("underused.storey_double_height_m"))

    def num(c):
        return pd.to_numeric(P[c], errors="coerce").to_numpy(dtype=float) if c in P.columns else np.full(n, np.nan)

    def col(c):
        return P[c] if c in P.columns else pd.Series([None] * n, index=P.index)

    # footprints (planar, in the working CRS) and floor area: the buildings layer where it has features on the
    # parcel, else the parcel's own fields
    fp_building, floor_area = num("building_footprint_m2") / factor, num("floor_area_m2")
    fp_structure, fp_yard = num("structure_area_m2") / factor, num("yard_area_m2") / factor
    floor_source = np.where(np.isfinite(floor_area), "parcel 建筑面积", np.array(None, dtype=object)).astype(object)
    buildings_n = np.zeros(n, dtype=int)
    doubled_n = np.zeros(n, dtype=int)
    overlay_notes: list[str] = []
    id_field = "parcel_id" if kind == "parcels" else "supply_id"
    if B is not None and n:
        bg = np.asarray(B.geometry.values, dtype=object)
        pairs, pair_area, fallback = _engine.pair_areas(pg, bg, threads=threads, return_fallback=True,
                                                        backend=backend)
        per_parcel = np.zeros(n, dtype=np.int8)
        np.maximum.at(per_parcel, pairs.left, fallback)
        overlay_notes = _engine.fallback_note("underused", "parcels", P[id_field].to_numpy(), per_parcel)
        b_area = shapely.area(bg)
        kind_of = building_kinds(B)
        counted, double = building_floor_area(B, b_area, double_h, kinds=kind_of)
        kinds = kind_of[pairs.right]
        share = np.where(b_area[pairs.right] > 0, pair_area / np.maximum(b_area[pairs.right], 1e-300), 0.0)
        buildings_n = np.bincount(pairs.left, minlength=n)
        has = buildings_n > 0

        def by_kind(k, values):
            return np.bincount(pairs.left, weights=np.where(kinds == k, values, 0.0), minlength=n)

        fp_building = np.where(has, by_kind("building", pair_area), fp_building)
        fp_structure = np.where(np.isfinite(fp_structure), fp_structure, by_kind("structure", pair_area))
        fp_yard = np.where(np.isfinite(fp_yard), fp_yard, by_kind("yard", pair_area))
        layer_floor = np.bincount(pairs.left, weights=counted[pairs.right] * share, minlength=n)
        with_floor = np.bincount(pairs.left, weights=(kinds == "building").astype(float), minlength=n) > 0
        floor_area = np.where(with_floor, layer_floor, floor_area)
        floor_source = np.where(with_floor, "buildings layer", floor_source)
        doubled_n = np.bincount(pairs.left, weights=double[pairs.right].astype(float), minlength=n).astype(int)
    measured_fp = np.isfinite(fp_building) | np.isfinite(num("structure_area_m2")) | np.isfinite(num("yard_area_m2"))
    footprint = np.where(measured_fp, np.nan_to_num(fp_building) + np.nan_to_num(fp_structure)
                         + np.nan_to_num(fp_yard), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        far = np.where(planar_site > 0, floor_area / planar_site, np.nan)
        coeff = np.where(planar_site > 0, np.minimum(footprint, planar_site) / planar_site, np.nan)
        investment = num("total_investment_wan")
        if kind == "supplies":
            price = num("price_wan")
            investment = np.where(np.isfinite(price), investment + price, investment)
        intensity = np.where(site_mu > 0, investment / site_mu, np.nan)
        tax_mu = np.where(site_mu > 0, num("tax_wan") / site_mu, np.nan)
        output_mu = np.where(site_mu > 0, num("output_wan") / site_mu, np.nan)
        admin_ratio = np.where(site_m2 > 0, num("admin_facilities_area_m2") / site_m2, np.nan)
    codes = [industry_division(v) for v in col("industry")]
    code_editions = col("industry_standard")
    land_use, land_std = col("land_use"), col("land_use_standard")
    zones = col("zone")
    contract_min, contract_max = num("far_min"), num("far_max")

    low_min = float(rules.value("underused.far_low_efficiency"))
    coeff_min = float(rules.value("underused.building_coefficient_min"))
    admin_max = float(rules.value("underused.admin_facilities_max_ratio"))
    edition_default = _EDITIONS.get(str(rules.value("underused.industry_code_edition_default")))
    if edition_default is None:
        raise ValueError("underused.industry_code_edition_default must be one of "
                         f"{', '.join(_EDITIONS)}, not {rules.value('underused.industry_code_edition_default')!r}")
    inv_t = rules.threshold("underused.investment_intensity_min_wan_per_mu")
    output_tax = rules.value("underused.apply_output_tax_floors")
    mark_low = rules.value("underused.apply_far_low_efficiency")
    for key, v in (("apply_output_tax_floors", output_tax), ("apply_far_low_efficiency", mark_low)):
        if not isinstance(v, bool):
            raise ValueError(f"underused.{key} must be true or false, not {v!r}")
    far_min_col = np.full(n, np.nan)
    judgement = np.empty(n, dtype=object)
    assessed = np.zeros(n, dtype=bool)
    low = np.zeros(n, dtype=bool)
    over_max = np.zeros(n, dtype=bool)
    admin_over = np.zeros(n, dtype=bool)
    reasons_col = np.empty(n, dtype=object)
    rule_col = np.empty(n, dtype=object)
    read_col = np.empty(n, dtype=object)
    not_judged_col = np.empty(n, dtype=object)
    edition_col = np.empty(n, dtype=object)
    by_default = {"land use": 0, "industry": 0}
    read_cache: dict = {}
    floor_cache: dict = {}
    # each citation made once (a province cites the same few keys on tens of thousands of parcels); the land-use
    # columns read row by row as lists of their items (item for item what Series.iat gives)
    cite = cache(rules.cite)
    land_use_v, land_std_v = list(land_use.array), list(land_std.array)
    for i in range(n):
        reasons: list[str] = []
        cites: list[str] = []
        not_judged: list[str] = []
        met: list[str] = []

        def miss(label, value, op, threshold, key, sub=None, fmt="{:.2f}", reasons=reasons, cites=cites):
            where = f"[{sub}]" if sub else ""
            reasons.append(f"{label} {fmt.format(value)} {op} {fmt.format(threshold)} [{key}{where}]")
            cites.append(cite(key, sub))

        lu_key = (None if _blank(land_use_v[i]) else str(land_use_v[i]),
                  None if _blank(land_std_v[i]) else str(land_std_v[i]))
        if lu_key not in read_cache:  # the same few values on many parcels: read each once
            read_cache[lu_key] = read_land_use(*lu_key, rules)
        lu_kind, lu_text = read_cache[lu_key]
        read_col[i] = lu_text
        if lu_kind != "unknown" and _blank(land_std_v[i]) and "land_use_classification_default" in lu_text:
            by_default["land use"] += 1
        cited_lu = cite("underused.industrial_land_uses")
        # the contract binds whatever the land use
        if np.isfinite(contract_min[i]) and np.isfinite(far[i]) and far[i] < contract_min[i]:
            reasons.append(f"容积率 far {far[i]:.2f} < 合同容积率下限 {contract_min[i]:.2f} [contract far_min]")
            cites.append("出让合同约定容积率下限 (far_min)")
        if np.isfinite(contract_max[i]) and np.isfinite(far[i]) and far[i] > contract_max[i]:
            over_max[i] = True
        industrial = lu_kind == "industrial"
        if industrial:
            code = codes[i]
            ed_raw = code_editions.iat[i]
            ed = edition_default if _blank(ed_raw) else industry_edition(ed_raw)
            if code is not None and _blank(ed_raw):
                by_default["industry"] += 1
            edition_col[i] = f"GB/T 4754-{ed}" if ed else None
            if not np.isfinite(far[i]):
                not_judged.append("容积率 not measured (no building on the parcel and no 建筑面积)")
            elif ed is None:
                not_judged.append(f"容积率 not judged: 行业分类标准 {_norm(ed_raw)!r} unknown (write 2017 or 2002)")
            else:
                if (code, ed) not in floor_cache:
                    floor_cache[code, ed] = far_floor(code, ed, rules)
                fm, key, sub, why = floor_cache[code, ed]
                if fm is None:
                    not_judged.append(f"容积率 not judged: {why}")
                else:
                    far_min_col[i] = fm
                    if far[i] < fm:
                        miss("容积率 far", far[i], "<", fm, key, sub)
                    else:
                        met.append("容积率")
                        cites.append(cite(key, sub))
            if mark_low and np.isfinite(far[i]) and far[i] < low_min:
                low[i] = True
                miss("低效用地 far", far[i], "<", low_min, "underused.far_low_efficiency")
            if not np.isfinite(coeff[i]):
                not_judged.append("建筑系数 not measured (no footprint of buildings, structures or yards)")
            elif coeff[i] < coeff_min:
                miss("建筑系数 building coefficient", coeff[i], "<", coeff_min, "underused.building_coefficient_min",
                     fmt="{:.1%}")
            else:
                met.append("建筑系数")
            if np.isfinite(admin_ratio[i]) and admin_ratio[i] > admin_max:
                admin_over[i] = True
            zone = None if _blank(zones.iat[i]) else str(zones.iat[i])
            inv_min = inv_t.for_key(zone)
            if inv_min is None:
                where = (f"for zone {zone!r}" if isinstance(inv_t.value, Mapping) and inv_t.value else "")
                not_judged.append(f"投资强度 not judged: no floor {where + ' ' if where else ''}in {rules.label} "
                                  "(underused.investment_intensity_min_wan_per_mu)")
            elif not np.isfinite(intensity[i]):
                not_judged.append("投资强度 not measured (no 固定资产投资)")
            elif intensity[i] < float(inv_min):
                miss("投资强度 investment intensity (万元/亩)", intensity[i], "<", float(inv_min),
                     "underused.investment_intensity_min_wan_per_mu",
                     zone if isinstance(inv_t.value, Mapping) and zone in inv_t.value else None)
            else:
                met.append("投资强度")
            if output_tax:
                tax_min = float(rules.value("underused.tax_min_wan_per_mu", zone))
                out_min = float(rules.value("underused.output_min_wan_per_mu", zone))
                figures = [(tax_mu[i], tax_min, "亩均税收 tax per mu (万元/亩)", "underused.tax_min_wan_per_mu"),
                           (output_mu[i], out_min, "亩均产值 output per mu (万元/亩)", "underused.output_min_wan_per_mu")]
                known = [f for f in figures if np.isfinite(f[0])]
                if known and all(v < m for v, m, _, _ in known):
                    for v, m, label, key in known:
                        miss(label, v, "<", m, key)
                elif known:
                    met.append("亩均税收/产值")
        if reasons:
            judgement[i] = "underused"
        elif industrial and met:
            judgement[i] = "meets"
        elif lu_kind == "not_industrial":
            judgement[i] = "not_industrial"
        else:
            judgement[i] = "not_assessable"
        assessed[i] = judgement[i] in ("underused", "meets")
        extra = []
        if over_max[i]:
            extra.append(f"擅自提高容积率: far {far[i]:.2f} > 合同容积率上限 {contract_max[i]:.2f} [contract far_max]")
            cites.append("出让合同约定容积率上限 (far_max)")
        if admin_over[i]:
            extra.append(f"行政办公及生活服务设施用地 {admin_ratio[i]:.1%} > {admin_max:.1%} "
                         "[underused.admin_facilities_max_ratio]")
            cites.append(cite("underused.admin_facilities_max_ratio"))
        head = {"underused": "; ".join(reasons),
                "meets": "meets " + ", ".join(met),
                "not_industrial": f"not industrial land: {lu_text}",
                "not_assessable": (f"not assessable: {lu_text}" if not industrial
                                   else "not assessable: nothing measurable against a floor")}[judgement[i]]
        tail = not_judged if judgement[i] == "not_assessable" else []
        reasons_col[i] = "; ".join([head, *extra, *tail])
        not_judged_col[i] = "; ".join(not_judged) if not_judged else None
        rule_col[i] = "; ".join(dict.fromkeys([*cites, cited_lu]))
    out = P.copy()
    out["site_m2"] = site_m2
    out["site_mu"] = site_mu
    out["footprint_m2"] = footprint * factor
    out["counted_floor_area_m2"] = floor_area
    out["floor_area_source"] = floor_source
    out["buildings_n"] = buildings_n
    out["doubled_storey_buildings"] = doubled_n
    out["far"] = far
    out["building_coefficient"] = coeff
    out["investment_wan"] = investment
    out["investment_intensity"] = intensity
    out["tax_per_mu"] = tax_mu
    out["output_per_mu"] = output_mu
    out["industry_code"] = codes
    out["industry_edition"] = edition_col
    out["far_min"] = far_min_col
    out["land_use_read"] = read_col
    out["judgement"] = judgement
    out["judgement_zh"] = [JUDGEMENT_LABELS_ZH.get(j) for j in judgement]
    out["assessed"] = assessed
    out["low_efficiency"] = low
    out["underused"] = judgement == "underused"
    out["far_over_max"] = over_max
    out["admin_over_max"] = admin_over
    out["reasons"] = reasons_col
    out["not_judged"] = not_judged_col
    out["rule"] = text_array(rule_col)  # a few citations over every parcel: each converted once
    if "far_min" in P.columns:
        out["contract_far_min"] = contract_min
    if "far_max" in P.columns:
        out["contract_far_max"] = contract_max
    notes = list(overlay_notes)
    if by_default["land use"]:
        notes.append(f"[underused] {by_default['land use']} land-use codes read as "
                     f"{rules.value('underused.land_use_classification_default')} "
                     "(underused.land_use_classification_default): the parcels do not say their classification")
    if by_default["industry"]:
        notes.append(f"[underused] {by_default['industry']} industry codes read as "
                     f"{rules.value('underused.industry_code_edition_default')} "
                     "(underused.industry_code_edition_default): the parcels do not say their edition")
    if n and inv_t.for_key(None) is None and not (isinstance(inv_t.value, Mapping) and inv_t.value):
        notes.append(f"[underused] 投资强度 not judged: {rules.label} has no investment-intensity floor "
                     "(underused.investment_intensity_min_wan_per_mu; 2023: 推荐性指标, set locally)")
    if n and not output_tax:
        notes.append("[underused] 亩均税收/产值 not judged: underused.apply_output_tax_floors is off "
                     "(entry thresholds for new projects)")
    if n and not mark_low:
        notes.append("[underused] 低效用地 mark not applied: underused.apply_far_low_efficiency is off "
                     "(a local rule, 南通 通州)")
    na = int((judgement == "not_assessable").sum()) if n else 0
    if na:
        notes.append(f"[underused] {na} parcels not assessable (see reasons)")
    return finish(gpd.GeoDataFrame(out, geometry=P.geometry.name, crs=P.crs), prep, rules, area_method, notes, log=log,
                  audit="underused")
