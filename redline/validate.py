"""Validation: every problem in every layer found before any computing, reported at once.

Two tiers:

- **fatal** problems stop the run (raised together as one :class:`~redline.errors.ValidationError`):
  no CRS, coordinates impossible for the declared CRS, missing required fields, duplicate ids,
  a layer that is empty when an audit needs it;
- **feature** problems set one feature aside in the *rejected* table with its id and reason
  (empty or null geometry, a line or point in a polygon layer, an unparseable or negative value of a
  required field), or repair it and say so (invalid geometry -> ``make_valid``);
- **value** problems set one optional value aside (an unparseable or negative 出让价款, 总投资 ...): the
  value is treated as unknown by the audits that use it, the feature stays in every other audit, and
  a note names the layer, the field and the ids.
  With ``strict=True`` every feature and value problem is fatal too.

Geometry is checked where it is measured: in the run's working CRS (:func:`prepare_layers` chooses
it first and reprojects each layer before the validity check), because a polygon valid in degrees
can be invalid in a Gauss-Kruger zone (a hole touching its shell at a vertex lands a hair outside it
once projected). Empty rings (a GeoJSON hole ``[]``, ``POLYGON((...), EMPTY)``), which enclose nothing
but crash GEOS, are removed on input and reported.

A layer without an id field is not refused: its features are named by their 1-based row number in
the order read, ``<row 1>``, ``<row 2>`` ... (the same names a missing id in an id field gets), with a
note; ids that repeat still stop the run.

No feature silently disappears: each input id ends up either in the prepared layer or in the
rejected table. Inputs are never modified; everything returned is a copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from ._frames import repeated
from .crs import WorkingCRS, check_crs, choose_working_crs, to_working
from .errors import CRSError, GeometryError, Problem, SchemaError, ValidationError
from .schema import LayerSchema, apply_schema, get_schema

__all__ = ["Prepared", "PreparedLayer", "drop_empty_rings", "prepare_layers", "rejected_frame", "repair_polygons", "row_id",
           "validate_layer"]

REJECTED_COLUMNS = ["layer", "feature_id", "code", "reason"]


def rejected_frame(rows=()) -> pd.DataFrame:
    """The rejected table: one row per feature set aside, with layer, id, code and reason."""
    return pd.DataFrame(list(rows), columns=REJECTED_COLUMNS)


class PreparedLayer(gpd.GeoDataFrame):
    """A layer :func:`prepare_layers` validated, in the working CRS named by ``working_crs``.

    Audits are given these by the pipeline and skip validating them again because of their type;
    frames derived from one (a copy, a selection) stay prepared, as the rows and values are the
    validated ones. A plain GeoDataFrame is always validated.
    """

    _metadata = [*gpd.GeoDataFrame._metadata, "working_crs"]
    working_crs: str

    @classmethod
    def of(cls, frame: gpd.GeoDataFrame, working: WorkingCRS) -> PreparedLayer:
        out = cls(frame)
        out.working_crs = working.name
        return out


@dataclass
class Prepared:
    """Validated layers, in one working CRS, ready for the audits."""

    layers: dict[str, PreparedLayer]
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


#: layers with more geometries than this have their validity checked on several threads (GEOS releases the GIL)
THREADED_VALIDITY_MIN = 10_000


def _is_valid(geoms: np.ndarray) -> np.ndarray:
    """``shapely.is_valid``; for a large layer in slices on the overlay engine's threads (the same answer)."""
    if len(geoms) <= THREADED_VALIDITY_MIN:
        return shapely.is_valid(geoms)
    from .overlay._engine import THREADS, chunked  # not at the top: the overlay package imports this module

    return chunked(lambda part: shapely.is_valid(geoms[part]), len(geoms), THREADS)


def row_id(i: int) -> str:
    """The name of the feature in (0-based) position ``i`` when it has no id: ``<row i+1>``."""
    return f"<row {i + 1}>"


def drop_empty_rings(geoms) -> tuple[np.ndarray, np.ndarray]:
    """Polygons without their empty rings and empty parts; returns ``(geoms, changed)``.

    A GeoJSON hole ``[]`` is read as an empty interior ring (``POLYGON ((...), EMPTY)``). It encloses
    nothing, shapely calls the polygon valid, and GEOS crashes the interpreter (segmentation fault) on
    some predicates with it (``covered_by``, ``buffer``). Removing the ring does not change the polygon.

    Examples
    --------
    >>> g = shapely.from_geojson('{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]], []]}')
    >>> fixed, changed = drop_empty_rings([g, shapely.box(0, 0, 1, 1)])
    >>> fixed[0].wkt, changed.tolist()
    ('POLYGON ((0 0, 1 0, 1 1, 0 0))', [True, False])
    """
    geoms = np.asarray(geoms, dtype=object)
    changed = np.zeros(len(geoms), dtype=bool)
    if len(geoms) == 0:
        return geoms, changed
    types = shapely.get_type_id(geoms)
    # a non-empty polygon without holes has one ring, its non-empty shell: only the others are looked into
    look = np.flatnonzero(~((types == 3) & (shapely.get_num_interior_rings(geoms) == 0) & ~shapely.is_empty(geoms)))
    if len(look) == 0:
        return geoms, changed
    parts, owner = shapely.get_parts(geoms[look], return_index=True)
    if len(parts) == 0:
        return geoms, changed
    owner = look[owner]
    polygonal = shapely.get_type_id(parts) == 3
    empty = polygonal & shapely.is_empty(parts)
    bad = empty & (types[owner] != 3)  # MULTIPOLYGON (EMPTY, ...)
    # and so for the parts of a multipolygon or collection: only the rings of parts with holes (or empty) are read
    holed = np.flatnonzero(empty | (polygonal & (shapely.get_num_interior_rings(parts) > 0)))
    if len(holed):
        rings, ring_owner = shapely.get_rings(parts[holed], return_index=True)
        bad[holed[ring_owner[shapely.is_empty(rings)]]] = True
    if not bad.any():
        return geoms, changed
    changed[np.unique(owner[bad])] = True
    out = geoms.copy()
    for i in np.flatnonzero(changed):
        kept = []
        for part in shapely.get_parts(geoms[i]):
            if part.geom_type != "Polygon":
                kept.append(part)
            elif not part.is_empty and not part.exterior.is_empty:
                kept.append(shapely.Polygon(part.exterior, [r for r in part.interiors if not r.is_empty]))
        kind = geoms[i].geom_type
        out[i] = (shapely.Polygon() if not kept else kept[0] if kind == "Polygon" else
                  shapely.MultiPolygon(kept) if kind == "MultiPolygon" else shapely.GeometryCollection(kept))
    return out, changed


def repair_polygons(geoms) -> np.ndarray:
    """``make_valid`` keeping only the polygonal part of each result (lines and points have no area)."""
    fixed = shapely.make_valid(np.asarray(geoms, dtype=object))
    return np.array([_polygonal(g) for g in fixed], dtype=object)


def _apply(gdf, schema: LayerSchema, fields, name):
    """:func:`apply_schema`, with rows numbered as ids when the layer has no id field. Returns (frame, info, numbered)."""
    relaxed = replace(schema, fields=tuple(replace(f, required=False) if f.name == schema.id_field else f
                                           for f in schema.fields))
    try:
        out, info = apply_schema(gdf, relaxed, fields=fields, layer_name=name)
    except SchemaError:  # the layer fails anyway: say everything it lacks, the id field too
        apply_schema(gdf, schema, fields=fields, layer_name=name)
        raise
    if schema.id_field in out.columns:
        return out, info, False
    numbered = gdf.copy()
    numbered[schema.id_field] = [row_id(i) for i in range(len(gdf))]
    out, info = apply_schema(numbered, schema, fields=fields, layer_name=name)
    return out, info, True


def _crs_text(crs: CRS | None) -> str:
    return crs.to_string() if crs is not None else "no CRS"


def _same_crs(a, b) -> bool:
    if a is None or b is None:
        return False
    try:
        return CRS.from_user_input(a) == CRS.from_user_input(b.crs if isinstance(b, WorkingCRS) else b)
    except Exception:  # an unreadable CRS is simply not the same; choose_working_crs says why
        return False


def validate_layer(gdf: gpd.GeoDataFrame, kind: str | LayerSchema, *, name: str | None = None,
                   strict: bool = False, repair: bool = True, fields: Mapping[str, str] | None = None,
                   allow_empty: bool = True, working: WorkingCRS | CRS | str | None = None):
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
    allow_empty : bool
        False when an audit needs features in this layer.
    working : WorkingCRS or CRS, optional
        The CRS the layer is measured in: it is reprojected there before geometry validity is checked and
        repaired (what is valid in degrees may not be valid once projected). Default: its own CRS.

    Returns
    -------
    clean : GeoDataFrame
        Canonical fields, valid polygonal geometries, only accepted features (a copy), in ``working``
        when given.
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
    # Fields: canonical names, parsed values; a layer without an id field gets its rows numbered.
    try:
        gdf, sinfo, numbered = _apply(gdf, schema, fields, name)
    except SchemaError as exc:
        return None, rejected_frame(), list(exc.problems)
    bad_values = sinfo["bad_values"]
    if numbered and len(gdf):
        spec = schema.field(schema.id_field)
        problems.append(Problem(name, "no_id_field",
                                f"the layer has no {schema.id_field} ({spec.label_zh}) field (also accepted: "
                                f"{', '.join(spec.aliases[:4])}); its {len(gdf)} feature(s) are named by row number, "
                                f"1-based in the order read: {row_id(0)} ... {row_id(len(gdf) - 1)}",
                                fatal=strict, fix=f"if the layer has an id under another name, map it "
                                f"(--field {name}.{schema.id_field}=<column>); else add an id field"))
    problems += check_crs(gdf, name)
    problems += sinfo.get("date_notes", [])  # dates completed from a month or a year, Excel serials: visible notes
    if len(gdf) == 0:  # fatal where an audit needs features; else a note: it is read as holding nothing
        problems.append(Problem(name, "empty_layer", "the layer has no features" + (
            "" if not allow_empty else ": it is read as holding nothing (no farmland, no approval, ...)"),
            fatal=not allow_empty, fix="check the file and the layer name (FILE:LAYER)"))
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
        ids = ids.where(~missing_id, pd.Series([row_id(i) for i in range(len(gdf))], index=ids.index))
        gdf[schema.id_field] = ids
        problems.append(Problem(name, "missing_id", f"{len(rows)} feature(s) have no {schema.id_field} "
                                f"({schema.field(schema.id_field).label_zh}); they are named by row number",
                                ids=rows, fatal=strict, fix="fill in the id field"))
    dup = repeated(ids) & ~missing_id  # the row-number names of missing ids are unique
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
    geoms, ringed = drop_empty_rings(geoms)
    if ringed.any():
        problems.append(Problem(name, "empty_ring", f"{int(ringed.sum())} polygon(s) had empty rings (a GeoJSON hole "
                                "[] or POLYGON ((...), EMPTY)): removed, the polygons are unchanged (such rings "
                                "enclose nothing but crash GEOS)", ids=tuple(ids[ringed]), fatal=strict,
                                fix="re-export the layer (QGIS: Fix geometries) so the files hold no empty rings"))
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
    # Validity where the layer is measured: in the working CRS.
    source_geoms, source_crs = geoms, gdf.crs
    target = working.crs if isinstance(working, WorkingCRS) else working
    placeable = not any(p.code in ("missing_crs", "crs_mismatch") for p in problems)
    if target is not None and gdf.crs is not None and placeable and not _same_crs(gdf.crs, target):
        geoms = np.asarray(gpd.GeoSeries(geoms, crs=gdf.crs).to_crs(target).values, dtype=object)
        gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=target), crs=target)
    live = ~drop
    invalid = live & ~_is_valid(geoms)
    if invalid.any():
        reasons = shapely.is_valid_reason(geoms[invalid])
        projected = np.zeros(len(geoms), dtype=bool)
        if source_geoms is not geoms:  # valid as given, broken by the projection
            projected[invalid] = _is_valid(source_geoms[invalid])
        where = gdf.crs.to_string() if gdf.crs is not None else "its CRS"
        if repair and not strict:
            geoms = geoms.copy()
            geoms[invalid] = repair_polygons(geoms[invalid]) if schema.geometry == "polygon" else \
                shapely.make_valid(geoms[invalid])
            for group, said in ((invalid & ~projected, ""),
                                (projected, f"; valid in {source_crs.to_string() if source_crs else 'the source CRS'}"
                                            f" but not once projected to {where}, where redline measures")):
                if not group.any():
                    continue
                rs = reasons[group[invalid]]
                sample = "; ".join(sorted({r.split("[")[0].strip() for r in rs})[:3])
                problems.append(Problem(name, "repaired_geometry",
                                        f"{int(group.sum())} invalid geometr{'y' if group.sum() == 1 else 'ies'} "
                                        f"repaired with make_valid in {where} ({sample}{said})", ids=tuple(ids[group]),
                                        fatal=False,
                                        fix="repair them at the source (QGIS: Fix geometries) to control the result"
                                        + (", in the working CRS (pass it with --crs to redline check)"
                                           if said else "")))
            reject(invalid & shapely.is_empty(geoms), "collapsed_geometry", "invalid geometry with no area left")
        else:
            extra = f" in {where}, though valid as given" if projected[invalid][0] else ""
            reject(invalid, "invalid_geometry", "invalid geometry (" + reasons[0].split("[")[0].strip() + extra + ")")
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
            negative = (pd.to_numeric(col, errors="coerce") < 0).to_numpy()
            if spec.required:
                reject(negative, "negative_value", f"{spec.name} ({spec.label_zh}) is negative")
            elif (negative & ~drop).any():  # the value is unknown, the feature is not: it stays in every audit
                gdf[spec.name] = col.where(~negative)
                problems.append(Problem(name, "negative_value",
                                        f"{spec.name} ({spec.label_zh}) is negative: the value is set aside (treated "
                                        f"as unknown by the audits that use it); the feature stays in every audit",
                                        ids=tuple(ids[negative & ~drop]), fatal=strict,
                                        fix=_FIX["negative_value"]))
    clean = gdf.loc[~drop].copy()
    clean = clean.set_geometry(gpd.GeoSeries(geoms[~drop], index=clean.index, crs=gdf.crs), crs=gdf.crs)
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
    todo: dict[str, tuple] = {}
    given_crs: dict[str, CRS | None] = {}
    for name, entry in layers.items():
        if entry is None or entry[0] is None:
            continue
        gdf, kind, *rest = entry
        if isinstance(gdf, PreparedLayer) and (crs is None or _same_crs(gdf.crs, crs)):
            cleaned[name] = gdf
        else:
            todo[name] = (gdf, kind, rest[0] if rest else None)
        given_crs[name] = getattr(gdf, "crs", None)
    # The working CRS first, from the layers as given, so that geometry is validated where it is measured.
    placed = {n: g for n, g in {**cleaned, **{n: t[0] for n, t in todo.items()}}.items()
              if isinstance(g, gpd.GeoDataFrame) and g.crs is not None}
    working = None
    try:
        working = choose_working_crs(list(placed.values()), crs, names=list(placed))
    except CRSError as exc:  # reported with every other problem below
        problems += list(exc.problems)
    for name, (gdf, kind, fields) in todo.items():
        clean, rej, probs = validate_layer(gdf, kind, name=name, strict=strict, repair=repair, fields=fields,
                                           allow_empty=not (required or {}).get(name, False), working=working)
        problems += probs
        rejected.append(rej)
        if clean is not None:
            cleaned[name] = clean
    fatal = [p for p in problems if p.fatal]
    if fatal:
        codes = {p.code for p in fatal}
        cls = (CRSError if codes <= {"missing_crs", "crs_mismatch", "crs_conflict", "bad_crs", "not_metric",
                                     "no_extent"} else
               SchemaError if codes <= {"missing_field", "mapped_field_missing", "unknown_mapping_key", "unknown_kind"}
               else GeometryError if codes <= {"invalid_geometry", "not_polygon", "null_geometry", "empty_geometry",
                                               "collapsed_geometry", "collection", "repaired_geometry", "empty_ring"}
               else ValidationError)
        raise cls(fatal)
    assert working is not None  # choosing it failed with CRSError problems, which are fatal: raised above
    notes = [p for p in problems if not p.fatal]
    crss = {c for n, c in given_crs.items() if c is not None and n in cleaned}
    if len(crss) > 1:
        notes.append(Problem("inputs", "mixed_crs", "the layers are in different CRSs: "
                             + "; ".join(f"{n}: {_crs_text(given_crs[n])}" for n in cleaned)
                             + f". All were brought to {working.name}", fatal=False))
    out: dict[str, PreparedLayer] = {}
    for name, gdf in cleaned.items():
        if isinstance(gdf, PreparedLayer) and gdf.crs == working.crs:
            out[name] = gdf
            continue
        out[name] = PreparedLayer.of(gdf if gdf.crs == working.crs else to_working(gdf, working), working)
    return Prepared(out, working, pd.concat(rejected, ignore_index=True), notes)
