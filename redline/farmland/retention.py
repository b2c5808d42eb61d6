"""耕地保有量与永久基本农田保护目标 (retention) and 占补平衡 (balance).

Output table ``farmland_retention`` (:func:`retention`), one row per administrative unit:
``admin_code``, ``admin_name``, ``cultivated_m2``/``cultivated_mu`` (耕地: codes 0101/0102/0103 of the code
table, clipped to the unit), ``cultivated_target_mu`` (耕地保有量 target), ``cultivated_gap_mu`` (actual −
target; negative: short), ``cultivated_met``, ``pbf_m2``/``pbf_mu`` (永久基本农田 patches clipped to the
unit), ``pbf_target_mu`` (基本农田保护面积 target), ``pbf_gap_mu``, ``pbf_met``, ``pbf_share`` (PBF ÷
cultivated land), ``pbf_share_min`` (``farmland.pbf_share_min``, 80 %), ``pbf_share_met``, ``status``
(``ok``, the failed checks, e.g. ``cultivated_short; pbf_share_low``, ``no_target`` for a unit the
targets table does not list, or ``not_checked`` when neither targets nor PBF were given), ``status_zh``,
``rule``. Targets missing for a unit leave its ``*_target_mu``/``*_met`` empty. Admin codes are matched
as text (``411528.0`` from an Excel float column is ``411528``); codes normalised, target rows naming no
unit, and cultivated land or PBF outside every unit (ids and area; also in the log's ``facts["farmland_retention"]["outside"]``)
are said in the log's notes (an :class:`~redline.result.AuditLog`). Overlapping land-use or PBF patches stop the audit (their land
would count twice; see :func:`redline.boundaries.development_intensity`). Art. 33's 80 % applies to a province
as a whole; for smaller units the share is shown as an indicator against the same line.

:func:`balance` returns table ``farmland_balance``, one row per group (default ``admin_code`` and
``year``): ``taken_m2``/``taken_mu``, ``added_m2``/``added_mu``, ``net_mu`` (added − taken),
``added_ratio`` (added ÷ taken), ``quantity_balanced`` (ratio ≥ ``farmland.balance_min_ratio``),
``taken_grade_mean``/``added_grade_mean`` (area-weighted mean 等别, 1 best ... 15 worst),
``grade_change`` (added − taken; positive = worse), ``quality_balanced`` (change ≤
``farmland.balance_grade_tolerance``), ``quality_dominates`` (for every grade g the area added at grade g
or better covers the area taken at grade g or better: no part of the loss is replaced by worse land),
``ungraded_taken_mu``/``ungraded_added_mu``, ``balanced``, ``rule``. :func:`balance_by_grade` gives the
grade-by-grade table ``farmland_balance_grades`` (group, ``grade``, ``taken_mu``, ``added_mu``,
``cum_taken_mu``, ``cum_added_mu``). The audit ``farmland_balance`` runs :func:`balance` on layers: see
:mod:`redline.farmland.balance`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Hashable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from ..area import AreaMethod, check_area_method, piece_areas
from ..boundaries.codes import code_table
from ..boundaries.intensity import (
    _admin_units,
    _clip_areas,
    _join_notes,
    _landuse_fields,
    _numbers,
    _overlap_notes,
    _shown,
    _sum_by,
    _table_codes,
    classify_patches,
    header_unit,
    normalise_admin_codes,
)
from ..errors import Problem, SchemaError
from ..io.tables import read_table
from ..result import AuditLog, NoteList, deliver
from ..rules import resolve_rules
from ..spec import Status
from ..units import M2_PER_MU
from ..validate import prepare_layers

__all__ = ["STATUS", "balance", "balance_by_grade", "read_targets", "retention"]

#: the checks of a unit (``status``: ``ok``, ``not_checked``, or the failed checks joined by ``"; "`` in this
#: order; ``status_zh`` their labels joined the same way, the share's with the floor applied, e.g. 低于80%)
STATUS: tuple[Status, ...] = (
    Status("no_target", "保护目标表中无此单位", "not in the targets table", "#8c564b", watch=True),
    Status("cultivated_short", "耕地保有量未达标", "cultivated land short of its target", "#d62728", grave=True,
           counted=True, watch=True),
    Status("pbf_short", "永久基本农田保护面积未达标", "PBF short of its target", "#ff7f0e", grave=True, counted=True,
           watch=True),
    Status("pbf_share_low", "永久基本农田占耕地比例低于下限", "PBF share below the floor", "#e7ba52", counted=True,
           watch=True),
    Status("ok", "达标", "targets met", "#2ca02c"),
    Status("not_checked", "未核查 (无保护目标表, 无永久基本农田图层)", "not checked (no targets, no PBF)", "#bdbdbd"),
)
_STATUS_ZH = {s.code: s.label_zh for s in STATUS}
#: the share check's label names the floor applied
_SHARE_LOW_ZH = "永久基本农田占耕地比例低于{:.0%}"

_TARGET_ALIASES = {
    "admin_code": ("admin_code", "行政区代码", "行政区划代码", "XZQDM", "adcode"),
    "cultivated_target_mu": ("cultivated_target_mu", "耕地保有量", "耕地保有量目标", "GDBYL"),
    "pbf_target_mu": ("pbf_target_mu", "基本农田保护面积", "永久基本农田保护面积", "永久基本农田保护目标",
                      "基本农田保护目标", "JBNTBHMJ"),
}

#: a unit written in a target column's header, e.g. 耕地保有量(公顷), and its factor to 亩
_HEADER_UNITS = {"亩": 1.0, "mu": 1.0, "万亩": 10000.0, "公顷": 15.0, "ha": 15.0, "hm2": 15.0, "平方米": 1 / M2_PER_MU,
                 "m2": 1 / M2_PER_MU, "平方公里": 1500.0, "km2": 1500.0}


def _header(name) -> tuple[str, float | None]:
    return header_unit(name, _HEADER_UNITS)


def read_targets(targets, *, log: AuditLog | None = None) -> pd.DataFrame | None:
    """The targets table: ``admin_code``, ``cultivated_target_mu``, ``pbf_target_mu`` (亩), from a frame or CSV/XLSX.

    A unit in a target column's header is read and converted to 亩 (``耕地保有量(公顷)`` × 15, ``(万亩)``
    × 10 000, ``(平方米)`` ÷ 666.67); a header without a unit is taken as 亩, and the notes say both.
    Codes are normalised as text (``411528.0`` -> ``411528``, see
    :func:`redline.boundaries.intensity.normalise_admin_codes`). A target that is not a number or is
    negative, an empty or repeated code: one :class:`~redline.errors.SchemaError` naming the rows.
    Notes go into ``log`` (an :class:`~redline.result.AuditLog`).

    Examples
    --------
    >>> import pandas as pd
    >>> t = read_targets(pd.DataFrame({"行政区代码": [411528001.0], "耕地保有量（公顷）": ["1,000"]}))
    >>> t.values.tolist()
    [['411528001', 15000.0, nan]]
    """
    if targets is None:
        return None
    if not isinstance(targets, pd.DataFrame):
        targets = read_table(targets, name="targets")
    rename: dict[Hashable, str] = {}
    factor, notes = {}, []
    for canon, names in _TARGET_ALIASES.items():
        for c in targets.columns:
            base, unit = _header(c)
            if base in names and unit is not None and np.isnan(unit):
                raise SchemaError(Problem(layer="targets", code="unknown_unit",
                                          message=f"column {c!r}: unit not understood",
                                          fix="write the unit as 亩, 万亩, 公顷 or 平方米, e.g. 耕地保有量(亩)"))
            if base in names or str(c).strip() == canon:
                if canon in rename.values():
                    raise SchemaError(Problem(layer="targets", code="duplicate_field",
                                              message=f"two columns of the targets table read as {canon}: "
                                                      + ", ".join(str(k) for k, v in rename.items() if v == canon)
                                                      + f", {c}", fix="keep one column per target"))
                rename[c] = canon
                factor[canon] = unit
    t = targets.rename(columns=rename)
    if "admin_code" not in t.columns or not ({"cultivated_target_mu", "pbf_target_mu"} & set(t.columns)):
        raise SchemaError(Problem(layer="targets", code="missing_field",
                                  message="the targets table needs admin_code and cultivated_target_mu and/or "
                                          "pbf_target_mu; columns: " + ", ".join(map(str, targets.columns)),
                                  fix="columns: admin_code (行政区代码), cultivated_target_mu (耕地保有量, 亩), "
                                      "pbf_target_mu (永久基本农田保护面积, 亩)"))
    t = t.reset_index(drop=True)
    problems: list[Problem] = []
    codes, code_notes = _table_codes(t, "targets", problems)
    out = pd.DataFrame({"admin_code": codes.astype(object).to_numpy()})
    for c in ("cultivated_target_mu", "pbf_target_mu"):
        if c not in t.columns:
            out[c] = np.nan
            continue
        source = next(k for k, v in rename.items() if v == c)
        values = _numbers(t[c], "targets", f"{c} ({source})", codes.fillna("?"), problems)
        if factor[c] is None:
            if str(source).strip() != c:
                notes.append(f"[targets] column {source!r} has no unit in its header: read as 亩")
            factor[c] = 1.0
        elif factor[c] != 1.0:
            notes.append(f"[targets] column {source!r} converted to 亩 (x {factor[c]:g})")
        out[c] = values.to_numpy() * factor[c]
        empty = values.isna() & codes.notna()
        if empty.any():
            notes.append(f"[targets] {c} is empty for {int(empty.sum())} unit(s), not checked there: "
                         + ", ".join(codes[empty].astype(str).tolist()[:10]))
    if problems:
        raise SchemaError(problems)
    deliver(AuditLog(notes=NoteList(code_notes + notes)), log, "targets")
    return out


def retention(landuse, farmland, admin, *, targets=None, code_field: str = "DLBM", classification="tdt1055-2019",
              rules=None, area_method: AreaMethod = "ellipsoidal", crs=None, strict: bool = False,
              as_of=None, log: AuditLog | None = None) -> gpd.GeoDataFrame:
    """耕地保有量与永久基本农田保护: cultivated land and PBF per unit against targets and the 80 % rule.

    Parameters
    ----------
    landuse : GeoDataFrame or None
        Land-use patches (三调 DLTB); cultivated land (耕地) = codes flagged ``cultivated`` in the code table
        (0101 水田, 0102 水浇地, 0103 旱地). None: cultivated columns are empty.
    farmland : GeoDataFrame or None
        Permanent basic farmland (永久基本农田) patches. None: PBF columns are empty.
    admin : GeoDataFrame
        Administrative units, id ``admin_code``.
    targets : DataFrame or CSV / XLSX path, optional
        ``admin_code``, ``cultivated_target_mu`` (耕地保有量), ``pbf_target_mu`` (永久基本农田保护面积), in 亩
        or in the unit written in the header (see :func:`read_targets`).
    code_field, classification
        The land-use code column and the code table (see :func:`redline.boundaries.development_intensity`).
    rules : optional
        ``farmland.pbf_share_min`` (0.80, Land Administration Law art. 33).
    area_method, crs, strict, as_of
        As for the other audits.

    Returns
    -------
    GeoDataFrame ``farmland_retention`` (fields in the module docstring), the units' geometry.
    """
    check_area_method(area_method)
    if landuse is None and farmland is None:
        raise ValueError("retention needs land-use patches (for cultivated land), farmland (PBF), or both")
    ruleset = resolve_rules(rules)
    table = code_table(classification)
    layers: dict[str, tuple] = {"admin": (admin, "admin")}
    if landuse is not None:
        layers["landuse"] = (landuse, "landuse", _landuse_fields(landuse, code_field))
    if farmland is not None:
        layers["farmland"] = (farmland, "farmland")
    prep = prepare_layers(layers, crs=crs, strict=strict)
    targets_log = AuditLog()
    target_table = read_targets(targets, log=targets_log)
    out, notes, outside = _retention_prepared(prep.layers.get("landuse"), prep.layers.get("farmland"),
                                              prep.layers["admin"], target_table, table, ruleset, area_method,
                                              prep.working.crs, targets_log.notes)
    deliver(AuditLog(rejected=prep.rejected.to_dict("records"), notes=NoteList(prep.note_lines() + notes),
                     rules=ruleset.label, area_method=area_method, working_crs=str(prep.working),
                     facts={"farmland_retention": {"outside": outside}}), log, "farmland_retention")
    return out


def _outside(frame, pairs, mask, crs, area_method, layer, what) -> tuple[list[str], list[dict]]:
    """Patches (of ``mask``) lying wholly or partly outside every unit: their ids and the area left out."""
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return [], []
    full = piece_areas(frame.geometry.values[idx], crs, area_method)
    inside = np.bincount(pairs["small"].to_numpy(), weights=pairs["area_m2"].to_numpy(),
                         minlength=len(frame))[idx] if len(pairs) else np.zeros(len(idx))
    left = full - inside
    out = left > np.maximum(0.01, 1e-5 * full)  # area-method noise of a patch cut by a unit border
    if not out.any():
        return [], []
    ids = frame.iloc[idx[out]][("patch_id" if "patch_id" in frame else "farmland_id")].astype(str).tolist()
    area = float(left[out].sum())
    rows = [{"layer": layer, "feature_id": i, "outside_m2": float(a)} for i, a in zip(ids, left[out], strict=True)]
    return [f"[{layer}] {len(ids)} {what} patch(es) lie wholly or partly outside every administrative unit: "
            f"{area:,.1f} m2 ({area / M2_PER_MU:,.2f} 亩) counted in no unit: " + ", ".join(ids[:10])
            + (" ..." if len(ids) > 10 else "") + " -- check that the admin layer covers the county"], rows


def _retention_prepared(lu, fl, adm, targets, table, ruleset, area_method: AreaMethod, crs,
                        target_notes: Sequence[str] = (), shared: dict | None = None
                        ) -> tuple[gpd.GeoDataFrame, list[str], list[dict]]:
    """The retention table of prepared layers, its notes and the patches outside every unit."""
    adm, notes = _admin_units(adm)
    outside: list[dict] = []
    n = len(adm)
    if lu is not None:
        notes += _overlap_notes(lu, "landuse", ruleset, shared=shared)
        cls = classify_patches(lu["land_use_code"], table)
        pairs = _clip_areas(lu, adm, crs, area_method, shared=shared)
        cultivated = _sum_by(pairs, n, cls["cultivated"].to_numpy())
        more, rows = _outside(lu, pairs, cls["cultivated"].to_numpy(), crs, area_method, "landuse",
                              "cultivated-land (耕地)")
        notes, outside = notes + more, outside + rows
    else:
        cultivated = np.full(n, np.nan)
    if fl is not None:
        notes += _overlap_notes(fl, "farmland", ruleset, "permanent basic farmland patches", "farmland_id",
                                shared=shared)
        pairs = _clip_areas(fl, adm, crs, area_method, shared=shared)
        pbf = _sum_by(pairs, n, np.ones(len(fl), bool))
        more, rows = _outside(fl, pairs, np.ones(len(fl), bool), crs, area_method, "farmland",
                              "permanent basic farmland (永久基本农田)")
        notes, outside = notes + more, outside + rows
    else:
        pbf = np.full(n, np.nan)
    if targets is not None:
        notes += list(target_notes)
        notes += _join_notes("targets", targets["admin_code"], adm["admin_code"], "target")
    share_min = float(ruleset.value("farmland.pbf_share_min"))
    out = pd.DataFrame({"admin_code": adm["admin_code"].astype(str).to_numpy(),
                        "admin_name": adm["admin_name"].to_numpy() if "admin_name" in adm else None,
                        "cultivated_m2": cultivated, "cultivated_mu": cultivated / M2_PER_MU})
    t = targets.set_index("admin_code") if targets is not None else None
    out["cultivated_target_mu"] = out["admin_code"].map(t["cultivated_target_mu"]).astype(float) if t is not None \
        else np.nan
    out["cultivated_gap_mu"] = out["cultivated_mu"] - out["cultivated_target_mu"]
    out["cultivated_met"] = pd.array(np.where(out["cultivated_gap_mu"].isna(), None,
                                              out["cultivated_gap_mu"] >= -1e-9), dtype="boolean")
    out["pbf_m2"] = pbf
    out["pbf_mu"] = pbf / M2_PER_MU
    out["pbf_target_mu"] = out["admin_code"].map(t["pbf_target_mu"]).astype(float) if t is not None else np.nan
    out["pbf_gap_mu"] = out["pbf_mu"] - out["pbf_target_mu"]
    out["pbf_met"] = pd.array(np.where(out["pbf_gap_mu"].isna(), None, out["pbf_gap_mu"] >= -1e-9),
                              dtype="boolean")
    share = np.divide(pbf, cultivated, out=np.full(n, np.nan), where=np.nan_to_num(cultivated) > 0)
    out["pbf_share"] = share
    out["pbf_share_min"] = share_min
    out["pbf_share_met"] = pd.array(np.where(np.isnan(share), None, share >= share_min), dtype="boolean")
    listed = out["admin_code"].isin(set(targets["admin_code"].dropna())) if t is not None \
        else pd.Series(True, index=out.index)
    status, status_zh = [], []
    for c, p, s, has in zip(out["cultivated_met"], out["pbf_met"], out["pbf_share_met"], listed, strict=True):
        failed = {"no_target": not has, "cultivated_short": not pd.isna(c) and not bool(c),
                  "pbf_short": not pd.isna(p) and not bool(p), "pbf_share_low": not pd.isna(s) and not bool(s)}
        bad = [code for code, fails in failed.items() if fails]
        checked = not (pd.isna(c) and pd.isna(p) and pd.isna(s))
        codes = bad or ["ok" if checked else "not_checked"]
        status.append("; ".join(codes))
        status_zh.append("; ".join(_SHARE_LOW_ZH.format(share_min) if code == "pbf_share_low" else _STATUS_ZH[code]
                                   for code in codes))
    out["status"] = status
    out["status_zh"] = status_zh
    out["rule"] = ruleset.cite("farmland.pbf_share_min") + "; targets: 耕地保有量 and 永久基本农田保护面积 per unit " \
        "(国土空间规划 / 耕地保护目标责任书)"
    frame = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(adm.geometry.values, crs=adm.crs), crs=adm.crs)
    return frame, notes, outside


#: columns that name a 占补 record in messages, first found wins (else the row number)
_RECORD_IDS = ("record_id", "project_id", "项目编号", "项目名称", "approval_id", "批准文号", "farmland_id", "BSM", "id")


def _blank(col, n: int) -> pd.Series:
    """True where a cell is empty (or the column is absent)."""
    if col is None:
        return pd.Series(True, index=range(n))
    return col.isna().reset_index(drop=True) | (col.astype(str).str.strip() == "").reset_index(drop=True)


def _rows_text(rows, labels, values=None) -> str:
    shown = [f"{r + 1} ({labels[r]}" + (f": {_shown(values[r])})" if values is not None else ")") for r in rows[:10]]
    return ", ".join(shown) + (" ..." if len(rows) > 10 else "")


def _areas_and_grades(frame, name, by, grade_field, area_method, crs, problems=None) -> pd.DataFrame:
    """Area (m²) and grade of every 占补 record, group keys as text (``2024.0`` -> ``2024``).

    Every record must have an area (from its polygon, ``area_m2`` or ``area_mu``), not negative, and a
    grade, when given, between 1 and 15; each failure is a :class:`~redline.errors.Problem` naming the row
    (1 = first record) and the record's id. Problems are appended to ``problems``, or raised at once.
    """
    raise_here = problems is None
    problems = [] if problems is None else problems
    missing = [c for c in (*by,) if c not in frame.columns]
    if missing:
        raise SchemaError(Problem(layer=name, code="missing_field",
                                  message=f"{name} lacks the grouping column(s) {', '.join(missing)}",
                                  fix="add them, or group by other columns with by=(...); columns: "
                                      + ", ".join(map(str, frame.columns))))
    frame = frame.reset_index(drop=True)
    id_col = next((c for c in _RECORD_IDS if c in frame.columns), None)
    labels = (frame[id_col].astype(str).to_numpy() if id_col is not None
              else [f"row {i + 1}" for i in range(len(frame))])
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.notna().any():
        if frame.crs is None:
            raise SchemaError(Problem(layer=name, code="missing_crs", message=f"{name} has no CRS",
                                      fix="set the layer's CRS"))
        prep = prepare_layers({name: (frame[[*by, *([grade_field] if grade_field in frame else []), "geometry"]]
                                      .assign(farmland_id=[f"{name}-{i + 1}" for i in range(len(frame))]),
                                      "farmland")}, crs=crs)
        g = prep.layers[name]
        area = piece_areas(g.geometry.values, prep.working.crs, area_method)
        data = pd.DataFrame(g.drop(columns="geometry"))
        data["area_m2"] = area
        if len(prep.rejected):
            raise SchemaError(Problem(layer=name, code="rejected_features",
                                      message=f"{len(prep.rejected)} feature(s) have no usable geometry",
                                      ids=tuple(prep.rejected["feature_id"]), fix="repair or remove them"))
        data[by] = frame[by].to_numpy()
        if grade_field in frame:
            data[grade_field] = frame[grade_field].to_numpy()
    elif "area_m2" in frame.columns or "area_mu" in frame.columns:
        data = pd.DataFrame(frame).copy()
        m2 = (_numbers(data["area_m2"], name, "area_m2", pd.Series(labels), problems)
              if "area_m2" in data else pd.Series(np.nan, index=data.index))
        mu = (_numbers(data["area_mu"], name, "area_mu", pd.Series(labels), problems)
              if "area_mu" in data else pd.Series(np.nan, index=data.index))
        blank_m2 = _blank(data.get("area_m2"), len(data))
        blank_mu = _blank(data.get("area_mu"), len(data))
        data["area_m2"] = m2.where(m2.notna(), mu * M2_PER_MU)
        no_area = np.flatnonzero((blank_m2 & blank_mu).to_numpy())
        if len(no_area):
            problems.append(Problem(name, "missing_area", "no area (area_m2 / area_mu empty) in row "
                                    + _rows_text(no_area, labels), tuple(labels[r] for r in no_area),
                                    "give the record's area, or its polygon; a balance cannot leave it out"))
    else:
        raise SchemaError(Problem(layer=name, code="missing_field",
                                  message=f"{name} has neither geometry nor an area_m2 / area_mu column",
                                  fix="give polygons or an area column"))
    if grade_field in data:
        raw = data[grade_field]
        text = raw.astype(object).map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v))
                                      else unicodedata.normalize("NFKC", str(v)).strip() or None)
        grade = pd.to_numeric(text, errors="coerce").astype(float)
        word = np.flatnonzero((text.notna() & grade.isna()).to_numpy())
        out_of_range = np.flatnonzero(((grade < 1) | (grade > 15)).to_numpy())
        values = raw.to_numpy()
        if len(word):
            problems.append(Problem(name, "bad_grade", f"{grade_field} is not a number in row "
                                    + _rows_text(word, labels, values), tuple(labels[r] for r in word),
                                    "write the 耕地质量等别 as a number 1 (best) ... 15 (worst)"))
        if len(out_of_range):
            problems.append(Problem(name, "bad_grade", f"{grade_field} outside 1-15 in row "
                                    + _rows_text(out_of_range, labels, values), tuple(labels[r] for r in out_of_range),
                                    "耕地质量等别 runs from 1 (best) to 15 (worst): correct the record"))
        data["grade"] = grade.to_numpy()
    else:
        data["grade"] = np.nan
    for c in by:
        key = normalise_admin_codes(data[c])
        if str(c).lower() in ("year", "年度", "年份", "nd"):  # 2024年, 2024年度 -> 2024
            key = key.str.replace(r"^(\d{4})年度?$", r"\1", regex=True)
        empty = np.flatnonzero(key.isna().to_numpy())
        if len(empty):
            problems.append(Problem(name, "missing_key", f"{c} is empty in row " + _rows_text(empty, labels),
                                    tuple(labels[r] for r in empty), f"fill in {c} for every record"))
        data[c] = key.astype(object).to_numpy()
    if raise_here and problems:
        raise SchemaError(problems)
    return data[[*by, "area_m2", "grade"]]


def _grade_mean(d: pd.DataFrame, by) -> pd.DataFrame:
    graded = d.dropna(subset=["grade"])
    w = graded.assign(wg=graded["grade"] * graded["area_m2"])
    agg = w.groupby(list(by)).agg(wg=("wg", "sum"), a=("area_m2", "sum"))
    return (agg["wg"] / agg["a"]).rename("mean")


def balance(taken, added, *, by: Sequence[str] = ("admin_code", "year"), grade_field: str = "quality_grade",
            rules=None, area_method: AreaMethod = "ellipsoidal", crs=None) -> pd.DataFrame:
    """占补平衡: farmland taken by construction against farmland added, by quantity and quality grade.

    Parameters
    ----------
    taken, added : GeoDataFrame or DataFrame
        Farmland taken (占用, e.g. approved conversions) and farmland added by compensation projects
        (补充耕地, accepted projects). Polygons (areas measured) or tables with ``area_m2`` or ``area_mu``;
        both need the ``by`` columns and, for quality, ``grade_field`` (耕地质量等别, 1 best ... 15 worst).
    by : sequence of str
        Grouping columns present in both (default ``admin_code`` and ``year``).
    grade_field : str
        The grade column (``quality_grade``, the schema's 质量等别).
    rules : optional
        ``farmland.balance_min_ratio`` (1.0) and ``farmland.balance_grade_tolerance`` (0 grades).
    area_method, crs
        Area method and working CRS for polygons.

    Returns
    -------
    DataFrame ``farmland_balance`` (fields in :mod:`redline.farmland.retention`).

    Raises
    ------
    SchemaError
        With every record, of both tables, that has no area, a negative area, a grade that is not a number
        or lies outside 1-15, or an empty grouping key; each named by its row (1 = first record) and id
        (``record_id``, ``project_id``, 项目编号, ``approval_id``, 批准文号 ... when present). Group keys are
        compared as text: ``2024``, ``2024.0`` and ``2024年`` are one year, ``411528.0`` is ``411528``.

    Examples
    --------
    >>> import pandas as pd
    >>> taken = pd.DataFrame({"admin_code": ["1"], "year": [2024], "area_mu": [100.0], "quality_grade": [5]})
    >>> added = pd.DataFrame({"admin_code": ["1", "1"], "year": [2024, 2024], "area_mu": [60.0, 50.0],
    ...                       "quality_grade": [5, 8]})
    >>> b = balance(taken, added)
    >>> b[["taken_mu", "added_mu", "quantity_balanced", "added_grade_mean", "quality_balanced"]].round(2).values.tolist()
    [[100.0, 110.0, True, 6.36, False]]
    """
    check_area_method(area_method)
    ruleset = resolve_rules(rules)
    by = list(by)
    problems: list[Problem] = []
    t = _areas_and_grades(taken, "taken", by, grade_field, area_method, crs, problems)
    a = _areas_and_grades(added, "added", by, grade_field, area_method, crs, problems)
    if problems:
        raise SchemaError(problems)
    keys = pd.concat([t[by], a[by]]).drop_duplicates().sort_values(by).reset_index(drop=True)
    out = keys.copy()
    idx = pd.MultiIndex.from_frame(keys) if len(by) > 1 else pd.Index(keys[by[0]])

    def per(d, col="area_m2"):
        return d.groupby(by)[col].sum().reindex(idx).fillna(0.0).to_numpy()

    out["taken_m2"] = per(t)
    out["added_m2"] = per(a)
    out["taken_mu"] = out["taken_m2"] / M2_PER_MU
    out["added_mu"] = out["added_m2"] / M2_PER_MU
    out["net_mu"] = out["added_mu"] - out["taken_mu"]
    ratio_min = float(ruleset.value("farmland.balance_min_ratio"))
    tol = float(ruleset.value("farmland.balance_grade_tolerance"))
    out["added_ratio"] = np.divide(out["added_m2"], out["taken_m2"], out=np.full(len(out), np.inf),
                                   where=out["taken_m2"].to_numpy() > 0)
    out["quantity_balanced"] = out["added_m2"] >= ratio_min * out["taken_m2"] - 1e-6
    out["taken_grade_mean"] = _grade_mean(t, by).reindex(idx).to_numpy()
    out["added_grade_mean"] = _grade_mean(a, by).reindex(idx).to_numpy()
    out["grade_change"] = out["added_grade_mean"] - out["taken_grade_mean"]
    qb = np.where(out["taken_grade_mean"].isna(), True,
                  np.where(out["added_grade_mean"].isna(), False, out["grade_change"] <= tol + 1e-9))
    out["quality_balanced"] = qb.astype(bool)
    grades = balance_by_grade(t, a, by=by, _prepared=True)
    dom = grades.assign(ok=grades["cum_added_mu"] >= grades["cum_taken_mu"] - 1e-9).groupby(by)["ok"].all()
    out["quality_dominates"] = dom.reindex(idx).fillna(True).to_numpy(bool) if len(dom) else True
    out["ungraded_taken_mu"] = per(t.assign(u=np.where(t["grade"].isna(), t["area_m2"], 0.0)), "u") / M2_PER_MU
    out["ungraded_added_mu"] = per(a.assign(u=np.where(a["grade"].isna(), a["area_m2"], 0.0)), "u") / M2_PER_MU
    out["balanced"] = out["quantity_balanced"] & out["quality_balanced"]
    out["rule"] = ruleset.cite("farmland.balance_min_ratio") + "; " + ruleset.cite("farmland.balance_grade_tolerance")
    return out


def balance_by_grade(taken, added, *, by: Sequence[str] = ("admin_code", "year"), grade_field: str = "quality_grade",
                     area_method: AreaMethod = "ellipsoidal", crs=None, _prepared: bool = False) -> pd.DataFrame:
    """占补平衡分等别: area taken and added per group and quality grade (等别), with cumulative sums from grade 1.

    Returns table ``farmland_balance_grades``: the ``by`` columns, ``grade``, ``taken_mu``, ``added_mu``,
    ``cum_taken_mu``, ``cum_added_mu`` (area at this grade or better). Ungraded land is left out here.
    """
    by = list(by)
    if not _prepared:
        problems: list[Problem] = []
        taken = _areas_and_grades(taken, "taken", by, grade_field, area_method, crs, problems)
        added = _areas_and_grades(added, "added", by, grade_field, area_method, crs, problems)
        if problems:
            raise SchemaError(problems)
    t = taken.dropna(subset=["grade"]).groupby([*by, "grade"])["area_m2"].sum().rename("taken_m2")
    a = added.dropna(subset=["grade"]).groupby([*by, "grade"])["area_m2"].sum().rename("added_m2")
    g = pd.concat([t, a], axis=1).fillna(0.0).sort_index().reset_index()
    if len(g) == 0:
        return pd.DataFrame(columns=[*by, "grade", "taken_mu", "added_mu", "cum_taken_mu", "cum_added_mu"])
    g["taken_mu"] = g.pop("taken_m2") / M2_PER_MU
    g["added_mu"] = g.pop("added_m2") / M2_PER_MU
    g["cum_taken_mu"] = g.groupby(by)["taken_mu"].cumsum()
    g["cum_added_mu"] = g.groupby(by)["added_mu"].cumsum()
    return g
