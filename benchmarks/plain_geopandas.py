"""The overlay audits as a user writes them in plain geopandas: the baseline redline is measured against.

- 批而未供: ``geopandas.overlay(approvals, supplies, how="difference")``: geopandas differences each approval
  with the supplies that intersect it; the unsupplied area of each approval is the area of its piece (an
  approval wholly supplied has none). No dissolve of every supply first: that single union grows faster than
  linearly with the layer and no competent script does it.
- developed area (供而未用): ``geopandas.sjoin`` buildings to supplies, intersect each joined pair,
  then ``dissolve`` the pieces by supply (footprints may overlap: summing them would count land twice)
  and measure.

Planar areas in the layers' own (projected) CRS, as most scripts compute them.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd


def approved_not_supplied(approvals: gpd.GeoDataFrame, supplies: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per approval: approved, supplied and unsupplied area (m²) by ``overlay(how="difference")``."""
    pieces = gpd.overlay(approvals[["approval_id", "geometry"]], supplies[["geometry"]], how="difference")
    unsupplied = pieces.assign(a=pieces.area).groupby("approval_id")["a"].sum()
    out = pd.DataFrame({"approval_id": approvals["approval_id"].to_numpy(),
                        "approved_m2": approvals.area.to_numpy()})
    out["unsupplied_m2"] = unsupplied.reindex(out["approval_id"]).fillna(0.0).to_numpy()
    out["supplied_m2"] = out["approved_m2"] - out["unsupplied_m2"]
    return out


def developed_area(supplies: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> pd.Series:
    """Per supply: land under building footprints inside it (m²), by sjoin + intersection + dissolve."""
    s = supplies[["supply_id", "geometry"]]
    joined = gpd.sjoin(buildings[["geometry"]], s, predicate="intersects", how="inner")
    other = s.geometry.to_numpy()[joined["index_right"].to_numpy()]
    joined = joined.set_geometry(joined.geometry.intersection(gpd.GeoSeries(other, index=joined.index, crs=s.crs)))
    total = joined[["supply_id", "geometry"]].dissolve("supply_id").area
    return total.reindex(s["supply_id"]).fillna(0.0).astype(np.float64)
