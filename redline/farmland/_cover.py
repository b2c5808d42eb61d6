"""What the 补-side audits share: how much of a polygon lies on land of some codes, and rule citations.

The land-use layers (三调 DLTB, 年度变更调查) are partitions of the ground: the area of a polygon on
cultivated land (耕地) is the sum of its intersections with the cultivated patches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..area import AreaMethod, piece_areas
from ..rules import RuleSet
from ..spec import ParamSpec

__all__ = ["CLASSIFICATION", "area_on", "cite", "cultivated", "project_values"]

#: the land-use classification parameter every 补-side audit reads its 耕地 codes from
CLASSIFICATION = ParamSpec("classification", "choice", "tdt1055-2019", "地类分类", "Land-use classification",
                           help="the code table 耕地 (0101/0102/0103) is read from", choices=("tdt1055-2019", "ydyh2023"))


def cultivated(landuse: gpd.GeoDataFrame | None, classification: str | None) -> np.ndarray:
    """True for each patch of ``landuse`` whose code is 耕地 in the code table."""
    from ..boundaries.codes import code_table

    if landuse is None or len(landuse) == 0:
        return np.zeros(0 if landuse is None else len(landuse), dtype=bool)
    table = code_table(classification or "tdt1055-2019")
    return np.asarray(table.is_cultivated(landuse["land_use_code"].astype(str)), dtype=bool)


def area_on(geoms: Any, patches: gpd.GeoDataFrame, mask: np.ndarray | None, crs: Any,
            area_method: str) -> np.ndarray:
    """Per geometry of ``geoms``: the area (m²) of its intersection with the patches where ``mask`` (all: None)."""
    geoms = np.asarray(geoms, dtype=object)
    out = np.zeros(len(geoms))
    pg = np.asarray(patches.geometry.values, dtype=object)
    if mask is not None:
        pg = pg[np.asarray(mask, dtype=bool)]
    if len(geoms) == 0 or len(pg) == 0:
        return out
    left, right = shapely.STRtree(pg).query(geoms, predicate="intersects")
    if len(left) == 0:
        return out
    pieces = shapely.intersection(geoms[left], pg[right])
    return np.bincount(left, weights=piece_areas(pieces, crs, cast(AreaMethod, area_method)), minlength=len(geoms))


def cite(rules: RuleSet, keys: Sequence[str]) -> str:
    """The citations of ``keys``, joined: what a row's ``rule`` column says."""
    return "; ".join(rules.cite(k) for k in keys)


def project_values(frame: pd.DataFrame, field: str, label: str, audit: str, notes: list[str]) -> pd.Series:
    """Per ``project_id``: the one value of a project-level field repeated on the project's plots.

    A project whose plots carry different values gets none (NaN), and a note names it; the field missing
    from the layer gives an empty series."""
    if field not in frame.columns:
        return pd.Series(dtype=object)
    given = frame[["project_id", field]].dropna()
    if not len(given):
        return pd.Series(dtype=object)
    values = given.groupby("project_id")[field].agg(lambda s: list(pd.unique(s)))
    several = values[values.map(len) > 1]
    if len(several):
        notes.append(f"[{audit}] {len(several)} project(s) carry different {label} on their plots, so none is "
                     f"used: " + ", ".join(f"{p} ({', '.join(map(str, v))})" for p, v in several.items()))
    return values.map(lambda v: v[0] if len(v) == 1 else np.nan)
