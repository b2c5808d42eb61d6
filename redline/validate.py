"""Validation: every problem in every layer found before any computing, reported at once.

Two tiers:

- **fatal** problems stop the run (raised together as one :class:`~redline.errors.ValidationError`):
  no CRS, coordinates impossible for the declared CRS, missing required fields, duplicate ids,
  a layer that is empty when an audit needs it;
- **feature** problems set one feature aside in the *rejected* table with its id and reason
  (empty or null geometry, a line or point in a polygon layer, an unparseable required date, a
  negative area or amount), or repair it and say so (invalid geometry -> ``make_valid``).
  With ``strict=True`` every feature problem is fatal too.

No feature silently disappears: each input id ends up either in the prepared layer or in the
rejected table. Inputs are never modified; everything returned is a copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .crs import WorkingCRS, check_crs, choose_working_crs, to_working
from .errors import CRSError, GeometryError, Problem, SchemaError, ValidationError
from .schema import LayerSchema, apply_schema, get_schema

__all__ = ["Prepared", "prepare_layers", "rejected_frame", "validate_layer"]

REJECTED_COLUMNS = ["layer", "feature_id", "code", "reason"]


def rejected_frame(rows=()) -> pd.DataFrame:
    """The rejected table: one row per feature set aside, with layer, id, code and reason."""
    return pd.DataFrame(list(rows), columns=REJECTED_COLUMNS)


@dataclass
class Prepared:
    """Validated layers, in one working CRS, ready for the audits."""

    layers: dict[str, gpd.GeoDataFrame]
    working: WorkingCRS
    rejected: pd.DataFrame = field(default_factory=rejected_frame)
    notes: list[Problem] = field(default_factory=list)

    def note_lines(self) -> list[str]:
        return [str(p) for p in self.notes]


def _polygonal(geom):
    """The polygonal part of a geometry (after make_valid a polygon may come back with lines)."""
    if geom is None:
        return None
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


def validate_layer(gdf: gpd.GeoDataFrame, kind: str | LayerSchema, *, name: str | None = None,
                   strict: bool = False, repair: bool = True, fields: Mapping[str, str] | None = None,
                   allow_empty: bool = True):
    """Check one layer against its kind; return ``(clean, rejected, problems)``.

    Parameters
    ----------
    gdf : GeoDataFrame
        The layer, with canonical or bureau field names (renamed here if needed).
    kind : str or LayerSchema
        ``"approvals"``, ``"supplies"``...
    name : str, optional
        The layer's name in messages.
    strict : bool
        Treat feature problems (repairs, rejections) as fatal.
    repair : bool
        Repair invalid geometries with ``make_valid`` (reported); if False they are rejected.
    fields : mapping, optional
        ``{canonical: column}`` for unrecognised field names.

    Returns
    -------
    clean : GeoDataFrame
        Canonical fields, valid polygonal geometries, only accepted features (a copy).
    rejected : DataFrame
        Features set aside: layer, feature_id, code, reason.
    problems : list of Problem
        Everything found, fatal and not; the caller raises on the fatal ones.
    """
    schema = get_schema(kind)
    name = name or schema.kind
    problems: list[Problem] = []
    rejected: list[dict] = []
    if not isinstance(gdf, gpd.GeoDataFrame):
        return None, rejected_frame(), [Problem(name, "not_spatial", "the layer has no geometry",
                                                fix="give a vector layer with polygons")]
    # Fields: rename if the canonical ones are not all there yet.
    if not set(schema.required) <= set(gdf.columns) or fields:
        try:
            gdf, sinfo = apply_schema(gdf, schema, fields=fields, layer_name=name)
        except SchemaError as exc:
            return None, rejected_frame(), list(exc.problems)
        bad_values = sinfo["bad_values"]
    else:
        gdf, sinfo = apply_schema(gdf, schema, layer_name=name)
        bad_values = sinfo["bad_values"]
    problems += check_crs(gdf, name)
    problems += sinfo.get("date_notes", [])  # dates completed from a month or a year, Excel serials: visible notes
    if len(gdf) == 0:
        if not allow_empty:
            problems.append(Problem(name, "empty_layer", "the layer has no features",
                                    fix="check the file and the layer name (FILE:LAYER)"))
        return gdf, rejected_frame(), problems
    gdf = gdf.reset_index(drop=True)
    ids = gdf[schema.id_field]
    drop = np.zeros(len(gdf), dtype=bool)

    def reject(mask, code, reason):
        nonlocal drop
        mask = np.asarray(mask, dtype=bool) & ~drop
        if mask.any():
            for fid in ids[mask]:
                rejected.append({"layer": name, "feature_id": fid, "code": code, "reason": reason})
            problems.append(Problem(name, code, f"{int(mask.sum())} feature(s) set aside: {reason}",
                                    ids=tuple(ids[mask]), fatal=strict,
                                    fix=_FIX.get(code, "correct the features and run again")))
            drop |= mask

    # Ids: missing ids are named by their row number; duplicates are fatal (results would be ambiguous).
    missing_id = ids.isna().to_numpy()
    if missing_id.any():
        rows = tuple(f"row {i + 1}" for i in np.flatnonzero(missing_id))
        ids = ids.where(~missing_id, pd.Series([f"<row {i + 1}>" for i in range(len(gdf))], index=ids.index))
        gdf[schema.id_field] = ids
        problems.append(Problem(name, "missing_id", f"{len(rows)} feature(s) have no {schema.id_field} "
                                f"({schema.field(schema.id_field).label_zh}); they are named by row number",
                                ids=rows, fatal=strict, fix="fill in the id field"))
    dup = ids.duplicated(keep=False) & ~pd.Series(missing_id)
    if dup.any():
        problems.append(Problem(name, "duplicate_id",
                                f"{int(ids[dup].nunique())} {schema.id_field} ({schema.field(schema.id_field).label_zh}) "
                                f"value(s) occur more than once, so findings could not be told apart",
                                ids=tuple(pd.unique(ids[dup])),
                                fix="make the ids unique, or map another unique field as the id"))
    # Geometry.
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    null = shapely.is_missing(geoms)
    reject(null, "null_geometry", "no geometry")
    empty = ~null & shapely.is_empty(geoms)
    reject(empty, "empty_geometry", "empty geometry")
    live = ~drop
    if schema.geometry == "polygon":
        types = shapely.get_type_id(geoms)
        # 3 Polygon, 6 MultiPolygon, 7 GeometryCollection
        collection = live & (types == 7)
        if collection.any():
            geoms = geoms.copy()
            geoms[collection] = [_polygonal(g) for g in geoms[collection]]
            types = shapely.get_type_id(geoms)
            problems.append(Problem(name, "collection", "geometry collections reduced to their polygons",
                                    ids=tuple(ids[collection]), fatal=strict,
                                    fix="export polygons only"))
        wrong = live & ~np.isin(types, (3, 6))
        reject(wrong | (collection & shapely.is_empty(geoms)), "not_polygon",
               "not a polygon (points and lines have no area)")
    live = ~drop
    invalid = live & ~shapely.is_valid(geoms)
    if invalid.any():
        reasons = shapely.is_valid_reason(geoms[invalid])
        if repair and not strict:
            geoms = geoms.copy()
            fixed = shapely.make_valid(geoms[invalid])
            fixed = np.array([_polygonal(g) for g in fixed], dtype=object) if schema.geometry == "polygon" else fixed
            geoms[invalid] = fixed
            sample = "; ".join(sorted({r.split("[")[0].strip() for r in reasons})[:3])
            problems.append(Problem(name, "repaired_geometry",
                                    f"{int(invalid.sum())} invalid geometr{'y' if invalid.sum() == 1 else 'ies'} "
                                    f"repaired with make_valid ({sample})", ids=tuple(ids[invalid]), fatal=False,
                                    fix="repair them at the source (QGIS: Fix geometries) to control the result"))
            reject(invalid & shapely.is_empty(geoms), "collapsed_geometry", "invalid geometry with no area left")
        else:
            reject(invalid, "invalid_geometry", "invalid geometry (" + reasons[0].split("[")[0].strip() + ")")
    # Values: unparseable and negative values.
    for fname, bad_ids in bad_values.items():
        spec = schema.field(fname)
        mask = ids.isin(bad_ids).to_numpy()
        if spec.required:
            reject(mask, f"bad_{spec.type}", f"{fname} ({spec.label_zh}) cannot be read as a {spec.type}")
        else:
            problems.append(Problem(name, f"bad_{spec.type}",
                                    f"{fname} ({spec.label_zh}) cannot be read as a {spec.type}; treated as unknown",
                                    ids=tuple(bad_ids), fatal=strict, fix="correct the values (e.g. 2019-03-01)"))
    for spec in schema.fields:
        if spec.name not in gdf.columns:
            continue
        col = gdf[spec.name]
        if spec.required and spec.type == "date":
            reject(col.isna().to_numpy(), "missing_date", f"{spec.name} ({spec.label_zh}) is empty")
        if spec.nonnegative and spec.type in ("float", "int"):
            reject((pd.to_numeric(col, errors="coerce") < 0).to_numpy(), "negative_value",
                   f"{spec.name} ({spec.label_zh}) is negative")
    clean = gdf.loc[~drop].copy()
    clean = clean.set_geometry(gpd.GeoSeries(geoms[~drop], index=clean.index, crs=gdf.crs))
    if strict:
        problems = [p if p.fatal else Problem(p.layer, p.code, p.message, p.ids, p.fix, True) for p in problems]
    return clean, rejected_frame(rejected), problems


_FIX = {
    "null_geometry": "draw the feature or delete the record",
    "empty_geometry": "draw the feature or delete the record",
    "not_polygon": "the layer must hold polygons; split points and lines into another layer",
    "invalid_geometry": "repair it (QGIS: Fix geometries) or run without --strict to repair automatically",
    "collapsed_geometry": "redraw the feature: it has no area",
    "missing_date": "fill in the date (e.g. 2019-03-01)",
    "bad_date": "write the date as 2019-03-01, 2019/3/1 or 2019年3月1日",
    "negative_value": "amounts and areas cannot be negative: correct the value",
}


def prepare_layers(layers: Mapping[str, tuple], *, crs=None, strict: bool = False, repair: bool = True,
                   required: Mapping[str, bool] | None = None) -> Prepared:
    """Validate several layers and bring them to one working CRS.

    Parameters
    ----------
    layers : mapping
        ``{name: (GeoDataFrame, kind)}`` or ``{name: (GeoDataFrame, kind, fields_mapping)}``; None values skipped.
    crs : optional
        The working CRS (projected, metres); by default chosen by :func:`redline.crs.choose_working_crs`.
    strict, repair : bool
        See :func:`validate_layer`.

    Raises
    ------
    ValidationError (or its CRSError / SchemaError / GeometryError subclasses)
        With every fatal problem of every layer.
    """
    cleaned: dict[str, gpd.GeoDataFrame] = {}
    rejected = [rejected_frame()]
    problems: list[Problem] = []
    for name, entry in layers.items():
        if entry is None or entry[0] is None:
            continue
        gdf, kind, *rest = entry
        fields = rest[0] if rest else None
        info = gdf.attrs.get("redline", {}) if hasattr(gdf, "attrs") else {}
        if info.get("prepared") and crs is None:
            cleaned[name] = gdf
            continue
        clean, rej, probs = validate_layer(gdf, kind, name=name, strict=strict, repair=repair, fields=fields,
                                           allow_empty=not (required or {}).get(name, False))
        problems += probs
        rejected.append(rej)
        if clean is not None:
            cleaned[name] = clean
    fatal = [p for p in problems if p.fatal]
    if fatal:
        codes = {p.code for p in fatal}
        cls = (CRSError if codes <= {"missing_crs", "crs_mismatch", "crs_conflict"} else
               SchemaError if codes <= {"missing_field", "mapped_field_missing", "unknown_mapping_key", "unknown_kind"}
               else GeometryError if codes <= {"invalid_geometry", "not_polygon", "null_geometry", "empty_geometry",
                                               "collapsed_geometry", "collection", "repaired_geometry"}
               else ValidationError)
        raise cls(fatal)
    frames = list(cleaned.values())
    working = choose_working_crs(frames, crs, names=list(cleaned))
    notes = [p for p in problems if not p.fatal]
    crss = {g.crs for g in frames if g.crs is not None}
    if len(crss) > 1:
        notes.append(Problem("inputs", "mixed_crs", "the layers are in different CRSs: "
                             + "; ".join(f"{n}: {g.crs.to_string()}" for n, g in cleaned.items())
                             + f". All were brought to {working.name}", fatal=False))
    out = {}
    for name, gdf in cleaned.items():
        if gdf.attrs.get("redline", {}).get("prepared") and gdf.crs == working.crs:
            out[name] = gdf
            continue
        g = to_working(gdf, working)
        g.attrs["redline"] = {**gdf.attrs.get("redline", {}), "prepared": True, "working_crs": working.name}
        out[name] = g
    return Prepared(out, working, pd.concat(rejected, ignore_index=True), notes)
