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

import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd

from ..area import AreaMethod, check_area_method, layer_areas, piece_areas
from ..errors import GeometryError, Problem, SchemaError
from ..io.tables import read_table
from ..result import AuditLog, NoteList, deliver
from ..rules import resolve_rules
from ..scale import Backend
from ..spec import Status
from ..units import M2_PER_HA, M2_PER_MU
from ..validate import PreparedLayer, prepare_layers
from ._fast import overlay_pairs, self_overlaps
from .codes import code_table

T = TypeVar("T")
U = TypeVar("U")

__all__ = ["development_intensity", "growth_boundary_use", "normalise_admin_codes", "read_gdp"]

#: a unit written in a GDP column's header and its factor to 亿元
_GDP_UNITS = {"亿元": 1.0, "亿": 1.0, "万元": 1e-4, "元": 1e-8}

#: the warning levels of a unit's intensity (``level``; ``level_zh`` the Chinese label): at or above
#: ``intensity.warning``, at or above ``intensity.attention``, below both
LEVEL: tuple[Status, ...] = (
    Status("warning", "预警", "warning", "#d62728", grave=True, counted=True),
    Status("attention", "关注", "attention", "#ff7f0e"),
    Status("normal", "正常", "normal", "#2ca02c"),
)
LEVEL_ZH = {s.code: s.label_zh for s in LEVEL}
CZCS = {"201", "202", "203", "204", "205", "201A", "202A", "203A", "204A", "205A"}


def _landuse_fields(landuse, code_field):
    """Field mapping so the user's code column becomes ``land_use_code``."""
    if landuse is None or not code_field or code_field == "land_use_code":
        return None
    if isinstance(landuse, PreparedLayer):
        return None
    if code_field in landuse.columns and "land_use_code" not in landuse.columns:
        return {"land_use_code": code_field}
    if code_field not in landuse.columns and code_field != "DLBM":
        raise SchemaError(Problem(layer="landuse", code="missing_field",
                                  message=f"the land-use layer has no column {code_field!r} (code_field)",
                                  fix="name the land-use code column, e.g. code_field='DLBM'; columns: "
                                      + ", ".join(map(str, landuse.columns))))
    return None


def normalise_admin_codes(values) -> pd.Series:
    """Administrative codes as text, so tables from Excel match the admin layer.

    A code read from a float column (``411528.0``), with spaces (``" 411528 "``, ``"4115 28"``) or
    full-width digits (``４１１５２８``) becomes ``"411528"``; leading zeros are kept (``"0101"``); empty
    cells, ``nan`` and ``None`` become missing. Any other text is kept as written.

    Examples
    --------
    >>> normalise_admin_codes([411528.0, " 411528 ", "４１１５２８", "0101", "2024.0", None]).tolist()
    ['411528', '411528', '411528', '0101', '2024', <NA>]
    """
    s = pd.Series(values, copy=False)
    raw = s.astype(object).map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else v)
    out = raw.astype("string").str.normalize("NFKC").str.replace(r"\s+", "", regex=True)
    out = out.str.replace(r"^(\d+)\.0*$", r"\1", regex=True)
    return out.where(~out.isin(["", "nan", "NaN", "None", "<NA>"]), pd.NA)


def _normalised_note(layer: str, raw, norm) -> list[str]:
    """One note naming the codes that normalising changed (at most five examples)."""
    raw = pd.Series(raw, copy=False).reset_index(drop=True)
    norm = pd.Series(norm, copy=False).reset_index(drop=True)
    text = raw.astype(object).map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
    changed = norm.notna() & (text != norm.astype(object))
    if not changed.any():
        return []
    pairs = list(dict.fromkeys(f"{r!r} -> {n}" for r, n in zip(text[changed], norm[changed], strict=True)))
    return [f"[{layer}] {int(changed.sum())} admin_code value(s) normalised to text before matching "
            f"(a float column from Excel, spaces or full-width digits): {', '.join(pairs[:5])}"
            + (" ..." if len(pairs) > 5 else "")]


def _admin_units(adm: gpd.GeoDataFrame, layer: str = "admin") -> tuple[gpd.GeoDataFrame, list[str]]:
    """The admin layer with ``admin_code`` normalised (see :func:`normalise_admin_codes`), and a note."""
    raw = adm["admin_code"]
    norm = normalise_admin_codes(raw)
    dup = norm.notna() & norm.duplicated(keep=False)
    if dup.any():
        raise SchemaError(Problem(layer=layer, code="duplicate_id",
                                  message="admin_code values that differ only in how they were written (e.g. "
                                          "411528 and 411528.0) name the same unit twice",
                                  ids=tuple(sorted(set(norm[dup]))), fix="one feature per unit"))
    out = adm.copy()
    out["admin_code"] = norm.astype(object).where(norm.notna(), raw.astype(object)).to_numpy()
    return out, _normalised_note(layer, raw, norm)


def _check_overlaps(frame: gpd.GeoDataFrame, id_field: str, layer: str, tolerance_m2: float, rule: str,
                    what: str = "land-use patches") -> list[str]:
    """Stop when polygons of a layer that must tessellate overlap: their land would be counted twice.

    Pairs overlapping by more than ``tolerance_m2`` raise :class:`~redline.errors.GeometryError` naming the
    pairs (largest first), the overlap area and the fix; smaller overlaps (digitising noise) are summed in a
    note when they reach 0.01 m² in all. Returns the notes. ``frame`` is a validated layer (valid polygons).
    """
    pairs = self_overlaps(frame.geometry.values, valid=True)
    if len(pairs) == 0:
        return []
    ids = frame[id_field].astype(str).to_numpy()
    big = pairs[pairs["area"] > tolerance_m2]
    if len(big):
        shown = "; ".join(f"{ids[a]} x {ids[b]} ({ar:,.1f} m2)"
                          for a, b, ar in big[["a", "b", "area"]].head(10).itertuples(index=False))
        raise GeometryError(Problem(
            layer=layer, code="overlapping_features",
            message=f"{len(big)} pair(s) of {what} overlap ({big['area'].sum():,.1f} m2 in all, "
                    f"{big['area'].sum() / M2_PER_MU:,.2f} 亩; planar), so their land would be counted twice "
                    f"(a development intensity over 100 % is the symptom); the layer must be a tessellation "
                    f"(三调图斑互不重叠): {shown}" + (" ..." if len(big) > 10 else ""),
            ids=tuple(dict.fromkeys(ids[np.r_[big["a"].to_numpy(), big["b"].to_numpy()]])),
            fix="remove duplicate patches and repair the overlaps at the source (QGIS: Vector > Geometry Tools > "
                "Check Validity, or the Topology Checker with the rule 'must not overlap'), then run again; "
                f"overlaps up to {rule} are taken as digitising noise"))
    total = float(pairs["area"].sum())
    if total < 0.01:
        return []
    return [f"[{layer}] {len(pairs)} pair(s) of {what} overlap by at most {tolerance_m2:g} m2 each "
            f"({total:,.2f} m2 in all): digitising noise under {rule}, counted as drawn"]


def _check_not_czcs(codes: pd.Series) -> None:
    distinct = pd.unique(codes.dropna())
    if all(isinstance(v, str) for v in distinct):  # equal texts are one text: strip each once
        raw = {v.strip() for v in distinct}
    else:
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


def shared_work(shared: dict | None, what: tuple, frames: Sequence[gpd.GeoDataFrame], compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave before in this run for the same ``what`` on the same layers.

    ``shared`` is the run's :attr:`redline.spec.RunContext.shared` (None: nothing is shared). Layers are the same
    when they hold the very same geometry objects in the same order (an audit's copy of a layer, a unit layer
    with its codes normalised, keeps them); the layers are kept with the result, so no geometry of theirs is
    freed and its place taken by another while the run lasts. A computation that raises is not kept: the next
    audit computes again and raises the same error."""
    if shared is None:
        return compute()
    geoms = [f.geometry.values for f in frames]
    ids = [np.fromiter(map(id, g), dtype=np.int64, count=len(g)) for g in geoms]
    entries = shared.setdefault(what, [])
    for kept_ids, _kept, value in entries:
        if len(kept_ids) == len(ids) and all(np.array_equal(a, b) for a, b in zip(kept_ids, ids, strict=True)):
            return value
    value = compute()
    entries.append((ids, geoms, value))
    return value


def _clip_areas(small, big, crs, area_method: AreaMethod, backend: Backend | None = None,
                shared: dict | None = None) -> pd.DataFrame:
    """The area of each (small, big) overlap piece: patches only touching a unit from outside are not intersected
    (areas are summed, so a round-off piece along a shared edge is no part of any answer). With the run's
    ``shared`` work, an overlay of the same layers made by another audit of the run is reused."""
    def compute() -> pd.DataFrame:
        pairs = overlay_pairs(small.geometry.values, big.geometry.values, merge=False, backend=backend,
                              touching=False)
        pairs["area_m2"] = piece_areas(pairs["geometry"].to_numpy(), crs, area_method) if len(pairs) else np.empty(0)
        return pairs.drop(columns="geometry")

    what = ("clip_areas", str(crs), area_method, id(backend))
    return shared_work(shared, what, (small, big), compute).copy()


def _total_area(frame, crs, area_method: AreaMethod) -> np.ndarray:
    return layer_areas(frame.geometry.values, crs, area_method)


def header_unit(name, units: dict[str, float]) -> tuple[str, float | None]:
    """A column header and the unit written in it: ``"耕地保有量（公顷）"`` -> ``("耕地保有量", factor)``.

    ``units`` maps unit names (lower case) to the factor into the canonical unit; a header without a
    unit gives ``(name, None)``, one with a unit not in ``units`` gives ``(base, nan)``.

    Examples
    --------
    >>> header_unit("GDP（万元）", {"亿元": 1.0, "万元": 1e-4})
    ('GDP', 0.0001)
    """
    text = unicodedata.normalize("NFKC", str(name)).strip()
    m = re.fullmatch(r"(.*?)\s*[(\[]\s*([^()\[\]]+?)\s*[)\]]", text)
    if m:
        unit = m[2].replace("²", "2").lower()
        return m[1].strip(), units.get(unit, float("nan"))
    return text, None


def _shown(value) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _numbers(col: pd.Series, layer: str, name: str, codes: pd.Series, problems: list[Problem]) -> pd.Series:
    """Numbers as bureaus type them (``1,200.5``, `` 35 ``); a cell that is not a number, or is negative, is
    a problem naming its row (1 = first data row) and code; empty cells stay missing."""
    text = col.astype(object).map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v))
                                  else str(v).replace(",", "").replace("，", "").strip() or None)
    values = pd.to_numeric(text.map(lambda v: unicodedata.normalize("NFKC", v) if isinstance(v, str) else None),
                           errors="coerce").astype(float)
    bad = text.notna() & values.isna()
    neg = values < 0
    for mask, what in ((bad, "is not a number"), (neg, "is negative")):
        if mask.any():
            rows = np.flatnonzero(mask.to_numpy())
            problems.append(Problem(
                layer=layer, code="bad_value",
                message=f"{name} {what} in row(s) " + ", ".join(
                    f"{r + 1} ({codes.iloc[r]}: {_shown(col.iloc[r])})" for r in rows[:10])
                + (" ..." if len(rows) > 10 else ""),
                ids=tuple(str(codes.iloc[r]) for r in rows), fix=f"write {name} as a number (亩, 亿元 ...), or leave "
                                                                  "the cell empty"))
    return values


def _table_codes(t: pd.DataFrame, layer: str, problems: list[Problem]) -> tuple[pd.Series, list[str]]:
    raw = t["admin_code"]
    codes = normalise_admin_codes(raw)
    empty = codes.isna()
    if empty.any():
        problems.append(Problem(layer=layer, code="missing_id",
                                message="admin_code is empty in row(s) "
                                        + ", ".join(str(r + 1) for r in np.flatnonzero(empty.to_numpy())[:10]),
                                fix="give every row its unit's admin_code (行政区代码)"))
    dup = codes.notna() & codes.duplicated(keep=False)
    if dup.any():
        problems.append(Problem(layer=layer, code="duplicate_id",
                                message="admin_code listed twice in " + layer + ": "
                                        + ", ".join(sorted(set(codes[dup]))),
                                ids=tuple(sorted(set(codes[dup]))), fix="one row per unit"))
    return codes, _normalised_note(layer, raw, codes)


def read_gdp(gdp, *, log: AuditLog | None = None) -> pd.DataFrame | None:
    """A GDP table (``admin_code``, ``gdp_yi_yuan`` 亿元) from a DataFrame or a CSV/XLSX path.

    Codes are normalised as text (:func:`normalise_admin_codes`, a note in ``log.notes``);
    a GDP that is not a number or is negative, an empty or repeated code, all raise one
    :class:`~redline.errors.SchemaError` naming the rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from redline.result import AuditLog
    >>> log = AuditLog()
    >>> g = read_gdp(pd.DataFrame({"行政区代码": [411528001.0], "GDP(亿元)": ["1,207.5"]}), log=log)
    >>> g.values.tolist(), log.notes[0][:41]
    ([['411528001', 1207.5]], '[gdp] 1 admin_code value(s) normalised to')
    """
    if gdp is None:
        return None
    if not isinstance(gdp, pd.DataFrame):
        gdp = read_table(gdp, name="gdp")
    aliases = {"admin_code": ("admin_code", "行政区代码", "行政区划代码", "XZQDM", "adcode", "code"),
               "gdp_yi_yuan": ("gdp_yi_yuan", "地区生产总值", "GDP", "gdp")}
    rename, factor, notes = {}, 1.0, []
    for canon, names in aliases.items():
        for c in gdp.columns:
            base, unit = header_unit(c, _GDP_UNITS)
            if base not in names:
                continue
            if unit is not None and np.isnan(unit):
                raise SchemaError(Problem(layer="gdp", code="unknown_unit", message=f"column {c!r}: unit not understood",
                                          fix="write the unit as 亿元 or 万元, e.g. GDP(亿元)"))
            rename[c] = canon
            if canon == "gdp_yi_yuan":
                if unit is None and base != "gdp_yi_yuan":
                    notes.append(f"[gdp] column {c!r} has no unit in its header: read as 亿元")
                elif unit not in (None, 1.0):
                    notes.append(f"[gdp] column {c!r} converted to 亿元 (x {unit:g})")
                factor = 1.0 if unit is None else unit
            break
    g = gdp.rename(columns=rename)
    missing = [c for c in aliases if c not in g.columns]
    if missing:
        raise SchemaError(Problem(layer="gdp", code="missing_field",
                                  message=f"the GDP table lacks {', '.join(missing)}; columns: "
                                          + ", ".join(map(str, gdp.columns)),
                                  fix="give columns admin_code and gdp_yi_yuan (GDP in 亿元)"))
    g = g[["admin_code", "gdp_yi_yuan"]].reset_index(drop=True)
    problems: list[Problem] = []
    codes, code_notes = _table_codes(g, "gdp", problems)
    values = _numbers(g["gdp_yi_yuan"], "gdp", "gdp_yi_yuan (GDP, 亿元)", codes.fillna("?"), problems)
    if problems:
        raise SchemaError(problems)
    out = pd.DataFrame({"admin_code": codes.astype(object).to_numpy(), "gdp_yi_yuan": values.to_numpy() * factor})
    deliver(AuditLog(notes=NoteList(code_notes + notes)), log, "gdp")
    return out


def development_intensity(landuse, admin, *, code_field: str = "DLBM", classification="tdt1055-2019", rules=None,
                          gdp=None, area_method: AreaMethod = "ellipsoidal", crs=None, strict: bool = False,
                          as_of=None, log: AuditLog | None = None, backend: Backend | None = None
                          ) -> gpd.GeoDataFrame:
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
    GeoDataFrame ``development_intensity`` (fields in the module docstring). ``log.fact("development_intensity",
    "unknown_codes")`` lists every code not classified, with its area in m².
    """
    check_area_method(area_method)
    ruleset = resolve_rules(rules)
    table = code_table(classification)
    prep = prepare_layers({"landuse": (landuse, "landuse", _landuse_fields(landuse, code_field)),
                           "admin": (admin, "admin")}, crs=crs, strict=strict)
    gdp_log = AuditLog()
    gdp_table = read_gdp(gdp, log=gdp_log)
    out, unknown, found = _intensity_prepared(prep.layers["landuse"], prep.layers["admin"], table, ruleset,
                                              area_method, prep.working.crs, gdp_table, gdp_log.notes, backend)
    notes = prep.note_lines() + found + _unknown_notes(unknown)
    deliver(AuditLog(rejected=prep.rejected.to_dict("records"), notes=NoteList(notes), rules=ruleset.label,
                     area_method=area_method, working_crs=str(prep.working),
                     facts={"development_intensity": {"unknown_codes": unknown, "classification": table.name}}),
            log, "development_intensity")
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


def _checked_while(check: Callable[[], T], work: Callable[[], U]) -> tuple[T, U]:
    """``(check(), work())``, the check (the overlap test of a layer) on a second thread while the work (the
    overlay it guards) runs: most of the check is numpy and GEOS, which leave the interpreter free. A check that
    fails is the error raised, whatever the work did, as when the check ran first: the work's result is dropped
    unseen."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        checked = pool.submit(check)
        try:
            done = work()
        except BaseException:
            checked.result()  # the check's own error first, if it has one
            raise
        return checked.result(), done


def _overlap_notes(layer_frame, layer, ruleset, what="land-use patches", id_field="patch_id",
                   shared: dict | None = None) -> list[str]:
    """:func:`_check_overlaps` with the rule set's ``intensity.overlap_tolerance_m2`` (once per run and layer with
    the run's ``shared`` work)."""
    tol = float(ruleset.value("intensity.overlap_tolerance_m2"))
    return list(shared_work(shared, ("overlaps", layer, tol, what, id_field), (layer_frame,), lambda: _check_overlaps(
        layer_frame, id_field, layer, tol, f"intensity.overlap_tolerance_m2={tol:g} m2", what)))


#: ellipsoidal areas of overlay pieces are within ~1e-5 of the exact area of the unit (see redline.area)
_AREA_NOISE = 1e-5


def _intensity_prepared(lu, adm, table, ruleset, area_method: AreaMethod, crs, gdp=None,
                        gdp_notes: Sequence[str] = (), backend: Backend | None = None, shared: dict | None = None
                        ) -> tuple[gpd.GeoDataFrame, list[dict], list[str]]:
    adm, notes = _admin_units(adm)
    overlaps, pairs = _checked_while(lambda: _overlap_notes(lu, "landuse", ruleset, shared=shared),
                                     lambda: _clip_areas(lu, adm, crs, area_method, backend, shared))
    notes += overlaps
    cls = classify_patches(lu["land_use_code"], table)
    n = len(adm)
    total = _total_area(adm, crs, area_method)
    covered = _sum_by(pairs, n, np.ones(len(lu), bool))
    cons = _sum_by(pairs, n, cls["construction"].to_numpy())
    unknown = _sum_by(pairs, n, cls["unknown"].to_numpy())
    intensity = np.divide(cons, total, out=np.full(n, np.nan), where=total > 0)
    over = intensity > 1 + _AREA_NOISE
    if over.any():  # cannot happen once overlaps are refused: a guard, so no intensity over 100 % is ever printed
        raise GeometryError(Problem(layer="landuse", code="intensity_over_one",
                                    message="construction land exceeds the unit's own area",
                                    ids=tuple(adm["admin_code"].astype(str).to_numpy()[over]),
                                    fix="check the land-use layer for overlapping patches"))
    intensity = np.minimum(intensity, 1.0)  # area-method noise of at most 1e-5
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
        g = gdp.set_index("admin_code")["gdp_yi_yuan"]
        vals = out["admin_code"].astype(str).map(g).to_numpy(dtype=float)
        out["gdp_yi_yuan"] = vals
        out["construction_ha_per_yi_yuan"] = np.divide(cons / M2_PER_HA, vals, out=np.full(n, np.nan),
                                                       where=np.nan_to_num(vals) > 0)
        out["gdp_yi_yuan_per_km2"] = np.divide(vals, cons / 1e6, out=np.full(n, np.nan), where=cons > 0)
        notes += _join_notes("gdp", gdp["admin_code"], out["admin_code"], "GDP")
        notes += list(gdp_notes)
    frame = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(adm.geometry.values, crs=adm.crs), crs=adm.crs)
    return frame, _unknown_table(pairs, cls), notes + _outside_notes(lu, pairs) + _gap_notes(out)


def _gap_notes(out: pd.DataFrame) -> list[str]:
    """Units the land-use layer does not cover: their uncovered land counts as not built, which is said."""
    gap = out["total_m2"] - out["covered_m2"]
    short = gap > 10 * _AREA_NOISE * out["total_m2"]
    if not short.any():
        return []
    pairs = list(zip(out.loc[short, "admin_code"], out.loc[short, "coverage"], strict=True))
    shown = ", ".join(f"{c} ({cov:.2%})" for c, cov in pairs[:10])
    return [f"[landuse] the land-use patches cover only part of {int(short.sum())} unit(s) (coverage): {shown}"
            f"{' ...' if short.sum() > 10 else ''}; {gap[short].sum():,.0f} m2 without patches count as not "
            "construction land -- give a land-use layer that covers the units"]


def _join_notes(layer: str, table_codes, unit_codes, what: str) -> list[str]:
    """Rows of a table naming no unit, and units the table does not list: said, not silently left empty."""
    table_codes = set(pd.Series(table_codes).dropna().astype(str))
    unit_codes = pd.Series(unit_codes).dropna().astype(str)
    stray = sorted(table_codes - set(unit_codes))
    unlisted = [c for c in unit_codes if c not in table_codes]
    notes = []
    if stray:
        notes.append(f"[{layer}] {len(stray)} {what} row(s) name no unit of the admin layer and are not used: "
                     + ", ".join(stray[:10]) + (" ..." if len(stray) > 10 else ""))
    if unlisted:
        notes.append(f"[{layer}] {len(unlisted)} unit(s) have no {what} row (their {what} columns are empty): "
                     + ", ".join(unlisted[:10]) + (" ..." if len(unlisted) > 10 else ""))
    return notes


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
                        rules=None, area_method: AreaMethod = "ellipsoidal", crs=None, strict: bool = False,
                        as_of=None, log: AuditLog | None = None, backend: Backend | None = None
                        ) -> gpd.GeoDataFrame:
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
    out, unknown, found = _growth_use_prepared(prep.layers["growth_boundary"], prep.layers["landuse"], table,
                                               ruleset, area_method, prep.working.crs, backend)
    deliver(AuditLog(rejected=prep.rejected.to_dict("records"),
                     notes=NoteList(prep.note_lines() + found + _unknown_notes(unknown)), rules=ruleset.label,
                     area_method=area_method, working_crs=str(prep.working),
                     facts={"growth_boundary_use": {"unknown_codes": unknown, "classification": table.name}}),
            log, "growth_boundary_use")
    return out


def _growth_use_prepared(gb, lu, table, ruleset, area_method: AreaMethod, crs, backend: Backend | None = None,
                         shared: dict | None = None) -> tuple[gpd.GeoDataFrame, list[dict], list[str]]:
    notes, pairs = _checked_while(lambda: _overlap_notes(lu, "landuse", ruleset, shared=shared),
                                  lambda: _clip_areas(lu, gb, crs, area_method, backend))
    cls = classify_patches(lu["land_use_code"], table)
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
    return frame, _unknown_table(pairs, cls), notes
