"""土地开发强度 development intensity, and how much of each growth boundary is built.

Output table ``development_intensity`` (one row per administrative unit, the unit's geometry):
``admin_code``, ``admin_name``, ``total_m2``/``total_mu`` (the unit's own area: the denominator),
``covered_m2`` (land-use patches inside the unit) and ``coverage`` (covered ÷ total: a land-use layer
that does not cover the unit shows here), ``construction_m2``/``construction_mu`` (建设用地),
``unknown_m2`` and ``unknown_codes`` (codes the table does not know or cannot classify: reported,
not guessed), ``intensity`` (construction ÷ total), ``level`` (``warning`` at or above
``intensity.warning``, ``attention`` at or above ``intensity.attention``, else ``normal``), ``level_zh``
(预警 / 关注 / 正常), ``classification``, ``rule``; with a GDP table also ``gdp_yi_yuan``,
``construction_ha_per_yi_yuan`` (单位GDP建设用地占用, 公顷/亿元) and ``gdp_yi_yuan_per_km2`` (建设用地地均GDP,
亿元/平方公里). A land-use patch across a unit border is split by area.

Output table ``growth_boundary_use`` (one row per growth boundary): ``boundary_id``, ``name``,
``total_m2``/``total_mu``, ``built_m2``/``built_mu`` (construction land inside), ``unbuilt_m2``/``unbuilt_mu``
(the rest: land still to be developed, incl. land without land-use patches), ``built_share``,
``unknown_m2``, ``unknown_codes``, ``classification``, ``rule``.
"""

from __future__ import annotations

import os

import geopandas as gpd
import numpy as np
import pandas as pd

from ..area import check_area_method, geodesic_area, piece_areas
from ..errors import Problem, SchemaError
from ..rules import resolve_rules
from ..units import M2_PER_HA, M2_PER_MU
from ..validate import prepare_layers
from ._fast import overlay_pairs
from .codes import code_table

__all__ = ["development_intensity", "growth_boundary_use", "read_gdp"]

LEVEL_ZH = {"warning": "预警", "attention": "关注", "normal": "正常"}
CZCS = {"201", "202", "203", "204", "205", "201A", "202A", "203A", "204A", "205A"}


def _landuse_fields(landuse, code_field):
    """Field mapping so the user's code column becomes ``land_use_code``."""
    if landuse is None or not code_field or code_field == "land_use_code":
        return None
    if landuse.attrs.get("redline", {}).get("prepared"):
        return None
    if code_field in landuse.columns and "land_use_code" not in landuse.columns:
        return {"land_use_code": code_field}
    if code_field not in landuse.columns and code_field != "DLBM":
        raise SchemaError(Problem(layer="landuse", code="missing_field",
                                  message=f"the land-use layer has no column {code_field!r} (code_field)",
                                  fix="name the land-use code column, e.g. code_field='DLBM'; columns: "
                                      + ", ".join(map(str, landuse.columns))))
    return None


def _check_not_czcs(codes: pd.Series) -> None:
    raw = set(codes.dropna().astype(str).str.strip())
    if raw and raw <= CZCS:
        raise SchemaError(Problem(
            layer="landuse", code="wrong_field",
            message="the land-use code column holds only 201-205: these are 城镇村属性码 (CZCSXM), not 地类编码 (DLBM)",
            fix="point code_field at the DLBM column"))


def classify_patches(codes, table) -> pd.DataFrame:
    """Per patch: normalised ``code``, ``construction`` (bool), ``cultivated``, ``unknown`` (unknown or ambiguous)."""
    codes = pd.Series(codes).reset_index(drop=True)
    _check_not_czcs(codes)
    look = table.lookup(codes)
    unknown = look["construction"].isna().to_numpy()
    return pd.DataFrame({"code": look["code"], "construction": look["construction"].fillna(False).to_numpy(bool),
                         "cultivated": look["cultivated"].to_numpy(bool), "unknown": unknown})


def _sum_by(pairs: pd.DataFrame, n: int, mask_small: np.ndarray) -> np.ndarray:
    if len(pairs) == 0:
        return np.zeros(n)
    m = mask_small[pairs["small"].to_numpy()]
    return np.bincount(pairs["big"].to_numpy()[m], weights=pairs["area_m2"].to_numpy()[m], minlength=n)


def _unknown_lists(pairs, cls, n) -> list[str]:
    out = [""] * n
    if len(pairs) == 0:
        return out
    unk = cls["unknown"].to_numpy()[pairs["small"].to_numpy()]
    if not unk.any():
        return out
    sub = pd.DataFrame({"big": pairs["big"].to_numpy()[unk],
                        "code": cls["code"].to_numpy()[pairs["small"].to_numpy()[unk]]})
    sub["code"] = sub["code"].fillna("<empty>").astype(str)
    for big, codes in sub.groupby("big")["code"]:
        out[int(big)] = ", ".join(sorted(set(codes)))
    return out


def _clip_areas(small, big, crs, area_method) -> pd.DataFrame:
    pairs = overlay_pairs(small.geometry.values, big.geometry.values, merge=False)
    pairs["area_m2"] = piece_areas(pairs["geometry"].to_numpy(), crs, area_method) if len(pairs) else np.empty(0)
    return pairs.drop(columns="geometry")


def _total_area(frame, crs, area_method) -> np.ndarray:
    if area_method == "ellipsoidal":
        return geodesic_area(frame.geometry.values, crs)
    return np.asarray(frame.geometry.area, dtype=float)


def read_gdp(gdp) -> pd.DataFrame:
    """A GDP table (``admin_code``, ``gdp_yi_yuan`` 亿元) from a DataFrame or a CSV/XLSX path."""
    if gdp is None:
        return None
    if not isinstance(gdp, pd.DataFrame):
        path = os.fspath(gdp)
        if path.lower().endswith((".xlsx", ".xls")):
            gdp = pd.read_excel(path, dtype={0: str})
        else:
            gdp = None
            for enc in ("utf-8-sig", "gb18030"):
                try:
                    gdp = pd.read_csv(path, dtype=str, encoding=enc)
                    break
                except UnicodeDecodeError:
                    continue
    aliases = {"admin_code": ("admin_code", "行政区代码", "行政区划代码", "XZQDM", "adcode", "code"),
               "gdp_yi_yuan": ("gdp_yi_yuan", "GDP(亿元)", "GDP（亿元）", "地区生产总值(亿元)", "地区生产总值", "GDP", "gdp")}
    rename = {}
    for canon, names in aliases.items():
        for c in gdp.columns:
            if str(c).strip() in names:
                rename[c] = canon
                break
    g = gdp.rename(columns=rename)
    missing = [c for c in aliases if c not in g.columns]
    if missing:
        raise SchemaError(Problem(layer="gdp", code="missing_field",
                                  message=f"the GDP table lacks {', '.join(missing)}; columns: "
                                          + ", ".join(map(str, gdp.columns)),
                                  fix="give columns admin_code and gdp_yi_yuan (GDP in 亿元)"))
    g = g[["admin_code", "gdp_yi_yuan"]].copy()
    g["admin_code"] = g["admin_code"].astype(str).str.strip()
    g["gdp_yi_yuan"] = pd.to_numeric(g["gdp_yi_yuan"], errors="coerce")
    return g


def development_intensity(landuse, admin, *, code_field: str = "DLBM", classification="tdt1055-2019", rules=None,
                          gdp=None, area_method: str = "ellipsoidal", crs=None, strict: bool = False,
                          as_of=None) -> gpd.GeoDataFrame:
    """土地开发强度: construction land ÷ total area, per administrative unit.

    Parameters
    ----------
    landuse : GeoDataFrame
        Land-use patches (地类图斑, 三调 DLTB) with a land-use code column.
    admin : GeoDataFrame
        Administrative units (行政区), id ``admin_code`` (XZQDM, adcode), name ``admin_name``. The unit's
        own area is the denominator.
    code_field : str
        The user's code column (default ``DLBM``; after schema mapping the canonical name is
        ``land_use_code``, which is used when present).
    classification : str, path, DataFrame or CodeTable
        ``"tdt1055-2019"`` (三调, default), ``"ydyh2023"`` (用地用海分类), or your own table with columns
        ``code`` and ``construction`` (see :func:`redline.boundaries.code_table`).
    rules : RuleSet, name or path, optional
        ``intensity.warning`` (30 %), ``intensity.attention``.
    gdp : DataFrame or path, optional
        ``admin_code``, ``gdp_yi_yuan`` (GDP in 亿元): adds construction land per unit GDP and GDP per
        unit construction land.
    area_method : {"ellipsoidal", "planar"}
    crs, strict, as_of
        As for the other audits (``as_of`` is ignored).

    Returns
    -------
    GeoDataFrame ``development_intensity`` (fields in the module docstring). ``attrs["redline"]``
    includes ``unknown_codes`` (every code not classified, with its area in m²).
    """
    check_area_method(area_method)
    ruleset = resolve_rules(rules)
    table = code_table(classification)
    prep = prepare_layers({"landuse": (landuse, "landuse", _landuse_fields(landuse, code_field)),
                           "admin": (admin, "admin")}, crs=crs, strict=strict)
    out, unknown = _intensity_prepared(prep.layers["landuse"], prep.layers["admin"], table, ruleset, area_method,
                                       prep.working.crs, read_gdp(gdp))
    notes = prep.note_lines() + out.attrs.get("redline", {}).get("notes", []) + _unknown_notes(unknown)
    out.attrs["redline"] = {"rejected": prep.rejected.to_dict("records"), "notes": notes, "rules": ruleset.label,
                            "area_method": area_method, "working_crs": str(prep.working),
                            "unknown_codes": unknown, "classification": table.name}
    return out


def _unknown_notes(unknown: list[dict]) -> list[str]:
    if not unknown:
        return []
    text = ", ".join(f"{u['code']} ({u['area_m2']:.0f} m2)" for u in unknown[:20])
    return [f"[landuse] {len(unknown)} land-use code(s) not classified as construction or not (counted in "
            f"unknown_m2, not guessed): {text}; pass your own code table (classification=...) to classify them"]


def _unknown_table(pairs, cls) -> list[dict]:
    if len(pairs) == 0:
        return []
    unk = cls["unknown"].to_numpy()[pairs["small"].to_numpy()]
    if not unk.any():
        return []
    sub = pd.DataFrame({"code": cls["code"].to_numpy()[pairs["small"].to_numpy()[unk]],
                        "area_m2": pairs["area_m2"].to_numpy()[unk]})
    sub["code"] = sub["code"].fillna("<empty>").astype(str)
    agg = sub.groupby("code")["area_m2"].sum().sort_values(ascending=False)
    return [{"code": c, "area_m2": float(a)} for c, a in agg.items()]


def _intensity_prepared(lu, adm, table, ruleset, area_method, crs, gdp=None):
    cls = classify_patches(lu["land_use_code"], table)
    pairs = _clip_areas(lu, adm, crs, area_method)
    n = len(adm)
    total = _total_area(adm, crs, area_method)
    covered = _sum_by(pairs, n, np.ones(len(lu), bool))
    cons = _sum_by(pairs, n, cls["construction"].to_numpy())
    unknown = _sum_by(pairs, n, cls["unknown"].to_numpy())
    intensity = np.divide(cons, total, out=np.full(n, np.nan), where=total > 0)
    warn = float(ruleset.value("intensity.warning"))
    attn = float(ruleset.value("intensity.attention"))
    level = np.where(intensity >= warn, "warning", np.where(intensity >= attn, "attention", "normal"))
    rule_w, rule_a = ruleset.cite("intensity.warning"), ruleset.cite("intensity.attention")
    out = pd.DataFrame({
        "admin_code": adm["admin_code"].to_numpy(),
        "admin_name": adm["admin_name"].to_numpy() if "admin_name" in adm else None,
        "total_m2": total, "total_mu": total / M2_PER_MU,
        "covered_m2": covered, "coverage": np.divide(covered, total, out=np.full(n, np.nan), where=total > 0),
        "construction_m2": cons, "construction_mu": cons / M2_PER_MU,
        "unknown_m2": unknown, "unknown_codes": _unknown_lists(pairs, cls, n),
        "intensity": intensity, "level": level, "level_zh": [LEVEL_ZH[v] for v in level],
        "classification": table.name,
        "rule": [rule_w if v == "warning" else rule_a if v == "attention" else f"{rule_a}; {rule_w}" for v in level],
    })
    if gdp is not None:
        g = gdp.drop_duplicates("admin_code").set_index("admin_code")["gdp_yi_yuan"]
        vals = out["admin_code"].astype(str).map(g).to_numpy(dtype=float)
        out["gdp_yi_yuan"] = vals
        out["construction_ha_per_yi_yuan"] = np.divide(cons / M2_PER_HA, vals, out=np.full(n, np.nan),
                                                       where=np.nan_to_num(vals) > 0)
        out["gdp_yi_yuan_per_km2"] = np.divide(vals, cons / 1e6, out=np.full(n, np.nan), where=cons > 0)
    frame = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(adm.geometry.values, crs=adm.crs), crs=adm.crs)
    frame.attrs["redline"] = {"notes": _outside_notes(lu, pairs)}
    return frame, _unknown_table(pairs, cls)


def _outside_notes(lu, pairs) -> list[str]:
    """Land-use patches in no administrative unit: said, with their ids, rather than silently left out."""
    inside = np.zeros(len(lu), bool)
    if len(pairs):
        inside[pairs["small"].to_numpy()] = True
    if inside.all():
        return []
    ids = lu["patch_id"].to_numpy()[~inside]
    shown = ", ".join(map(str, ids[:10])) + (" ..." if len(ids) > 10 else "")
    return [f"[landuse] {len(ids)} land-use patch(es) lie outside every administrative unit and count in no "
            f"unit: {shown} -- check that the admin layer covers the land-use layer"]


def growth_boundary_use(growth_boundary, landuse, *, code_field: str = "DLBM", classification="tdt1055-2019",
                        rules=None, area_method: str = "ellipsoidal", crs=None, strict: bool = False,
                        as_of=None) -> gpd.GeoDataFrame:
    """城镇开发边界内建设情况: how much of each growth boundary is construction land, how much is left.

    Parameters
    ----------
    growth_boundary : GeoDataFrame
        Urban growth boundaries (城镇开发边界), id ``boundary_id``.
    landuse : GeoDataFrame
        Land-use patches with codes (see :func:`development_intensity`).
    code_field, classification, rules, area_method, crs, strict, as_of
        As for :func:`development_intensity`.

    Returns
    -------
    GeoDataFrame ``growth_boundary_use`` (fields in the module docstring), geometry = the boundary.
    """
    check_area_method(area_method)
    ruleset = resolve_rules(rules)
    table = code_table(classification)
    prep = prepare_layers({"growth_boundary": (growth_boundary, "growth_boundary"),
                           "landuse": (landuse, "landuse", _landuse_fields(landuse, code_field))},
                          crs=crs, strict=strict)
    out, unknown = _growth_use_prepared(prep.layers["growth_boundary"], prep.layers["landuse"], table, ruleset,
                                        area_method, prep.working.crs)
    out.attrs["redline"] = {"rejected": prep.rejected.to_dict("records"),
                            "notes": prep.note_lines() + _unknown_notes(unknown), "rules": ruleset.label,
                            "area_method": area_method, "working_crs": str(prep.working), "unknown_codes": unknown,
                            "classification": table.name}
    return out


def _growth_use_prepared(gb, lu, table, ruleset, area_method, crs):
    cls = classify_patches(lu["land_use_code"], table)
    pairs = _clip_areas(lu, gb, crs, area_method)
    n = len(gb)
    total = _total_area(gb, crs, area_method)
    built = _sum_by(pairs, n, cls["construction"].to_numpy())
    unknown = _sum_by(pairs, n, cls["unknown"].to_numpy())
    unbuilt = np.clip(total - built, 0, None)
    out = pd.DataFrame({
        "boundary_id": gb["boundary_id"].to_numpy(),
        "name": gb["name"].to_numpy() if "name" in gb else None,
        "total_m2": total, "total_mu": total / M2_PER_MU,
        "built_m2": built, "built_mu": built / M2_PER_MU,
        "unbuilt_m2": unbuilt, "unbuilt_mu": unbuilt / M2_PER_MU,
        "built_share": np.divide(built, total, out=np.full(n, np.nan), where=total > 0),
        "unknown_m2": unknown, "unknown_codes": _unknown_lists(pairs, cls, n),
        "classification": table.name,
        "rule": f"construction land per {table.name} code table ({table.source})",
    })
    frame = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(gb.geometry.values, crs=gb.crs), crs=gb.crs)
    return frame, _unknown_table(pairs, cls)
