"""The 卫片执法 roll-up per county and township: new construction, its illegal part, and the accountability ratio.

What a county is held to account for (约谈, 问责) is one ratio per administrative unit and year::

    违法占用耕地面积 ÷ 新增建设用地占用耕地面积

the cultivated land (耕地) the round's patches occupied without a basis in force, over all the cultivated land
they occupied. The lines it is read against are the rule set's (``imagery.accountability_ratio``,
``imagery.interview_min_mu``), with their sources.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from ..crs import choose_working_crs, to_working
from ..rules import RuleSet, resolve_rules
from ..spec import Status
from ..units import M2_PER_MU
from .judge import LEGAL

__all__ = ["ROLLUP_STATUS", "roll_up"]

#: the gravest first
ROLLUP_STATUS: tuple[Status, ...] = (
    Status("interview", "达到约谈线", "at the interview line", "#c8102e", grave=True, counted=True),
    Status("over_ratio", "达到问责比例", "at the accountability ratio", "#f58220", grave=True, counted=True),
    Status("below", "未达问责比例", "below the accountability ratio", "#3ca03c"),
    Status("not_measured", "无法计算", "not measured", "#9ca3af"),
)
TOTAL_CODE = "合计"


def roll_up(pieces: gpd.GeoDataFrame, admin: gpd.GeoDataFrame | None = None, *,
            rules: RuleSet | str | None = None, notes: list[str] | None = None,
            cultivated_measured: bool = True, pbf_measured: bool = True) -> pd.DataFrame:
    """Per administrative unit (and for all the patches) the 卫片执法 figures and the accountability ratio.

    Parameters
    ----------
    pieces : GeoDataFrame
        The ``pieces`` of :func:`redline.imagery.judge_register` (``patch_id``, ``judgement``, ``on_pbf``,
        ``on_cultivated``, ``sliver``, ``area_m2``).
    admin : GeoDataFrame, optional
        Administrative units (``admin_code``, ``admin_name``, ``level``; validated): each piece's area is shared
        among the units it lies in. Without it there is one row, for all the patches.
    cultivated_measured, pbf_measured : bool
        Whether a land-use layer / a PBF layer was given: without them the cultivated / PBF figures are empty.
    notes : list, optional
        Receives a note on pieces outside every unit.

    Returns
    -------
    DataFrame
        One row per unit (in the admin layer's order) and a last row ``合计`` for every patch: ``admin_code``,
        ``admin_name``, ``level``, ``patches``, ``new_construction_m2`` (all the patches' area),
        ``illegal_m2`` (the unexplained pieces), ``illegal_cultivated_m2`` (违法占用耕地), ``illegal_pbf_m2``,
        ``cultivated_m2`` (新增建设用地占用耕地), each also in 亩, ``illegal_cultivated_ratio``, ``status``
        (:data:`ROLLUP_STATUS`), ``status_zh``, ``rule``. Sliver pieces count in the new construction only.
    """
    rules = resolve_rules(rules)
    line = float(rules.value("imagery.accountability_ratio"))
    min_mu = float(rules.value("imagery.interview_min_mu"))
    area = pieces["area_m2"].to_numpy(float)
    sliver = pieces["sliver"].to_numpy(bool)
    illegal = ~pieces["judgement"].isin(LEGAL).to_numpy() & ~sliver
    cult = pieces["on_cultivated"].fillna(False).to_numpy(bool) & ~sliver  # empty: not measured
    pbf = pieces["on_pbf"].fillna(False).to_numpy(bool) & ~sliver
    patch = pieces["patch_id"].astype(str).to_numpy()

    units: list[tuple[str, str, str, np.ndarray]] = []  # (code, name, level, per-piece share of area)
    if admin is not None and len(admin) and len(pieces):
        work = choose_working_crs([pieces, admin], names=["pieces", "admin"])
        pg = to_working(pieces[[pieces.geometry.name]], work).geometry.to_numpy()
        ag = to_working(admin[[admin.geometry.name]], work).geometry.to_numpy()
        planar = shapely.area(pg)
        tree = STRtree(ag)
        pi, ai = tree.query(pg, predicate="intersects")
        shared = shapely.area(shapely.intersection(pg[pi], ag[ai]))
        share = np.divide(shared, planar[pi], out=np.zeros(len(pi)), where=planar[pi] > 0)
        codes = admin["admin_code"].astype(str).to_numpy()
        names = admin["admin_name"].astype(str).to_numpy() if "admin_name" in admin.columns else codes
        levels = admin["level"].astype(str).to_numpy() if "level" in admin.columns else np.full(len(admin), "")
        for a in range(len(admin)):
            mine = ai == a
            s = np.zeros(len(pieces))
            np.add.at(s, pi[mine], share[mine])
            units.append((codes[a], names[a], levels[a], s))
        covered = np.zeros(len(pieces))
        np.add.at(covered, pi, share)
        outside = (1 - np.clip(covered, 0, 1)) * area
        if notes is not None and outside.sum() > 0.01:
            notes.append(f"[admin] {outside.sum():,.1f} m² of the change patches lie outside every administrative "
                         f"unit: counted in the 合计 row only")
    elif notes is not None and admin is None:
        notes.append("[admin] no administrative units given: the roll-up has one row, for all the patches")
    units.append((TOTAL_CODE, "全部图斑", TOTAL_CODE, np.ones(len(pieces))))

    cite_line = rules.cite("imagery.accountability_ratio")
    cite_mu = rules.cite("imagery.interview_min_mu")
    rows = []
    for code, name, level, s in units:
        w = s * area
        inside = s > 0
        row = {"admin_code": code, "admin_name": name, "level": level,
               "patches": len(set(patch[inside])),
               "new_construction_m2": w.sum(), "illegal_m2": w[illegal].sum(),
               "illegal_cultivated_m2": w[illegal & cult].sum() if cultivated_measured else np.nan,
               "illegal_pbf_m2": w[illegal & pbf].sum() if pbf_measured else np.nan,
               "cultivated_m2": w[cult].sum() if cultivated_measured else np.nan}
        ratio = (row["illegal_cultivated_m2"] / row["cultivated_m2"]
                 if cultivated_measured and row["cultivated_m2"] > 0 else np.nan)
        row["illegal_cultivated_ratio"] = ratio
        illegal_mu = row["illegal_cultivated_m2"] / M2_PER_MU
        if np.isnan(ratio):
            status = "not_measured"
            why = ("no land-use layer: cultivated land not measured" if not cultivated_measured
                   else "no change patch here" if row["patches"] == 0
                   else "the patches occupy no cultivated land here")
        elif ratio > line and illegal_mu > min_mu:
            status, why = "interview", f"{ratio:.1%} > {line:.0%} and {illegal_mu:,.1f} 亩 > {min_mu:g} 亩"
        elif ratio >= line:
            status, why = "over_ratio", f"{ratio:.1%} ≥ {line:.0%}"
        else:
            status, why = "below", f"{ratio:.1%} < {line:.0%}"
        row["status"] = status
        row["reason"] = why
        row["rule"] = f"{cite_line}; {cite_mu}"
        rows.append(row)
    out = pd.DataFrame(rows)
    for stem in ("new_construction", "illegal", "illegal_cultivated", "illegal_pbf", "cultivated"):
        out.insert(out.columns.get_loc(f"{stem}_m2") + 1, f"{stem}_mu", out[f"{stem}_m2"] / M2_PER_MU)
    labels = {s.code: s.label_zh for s in ROLLUP_STATUS}
    out.insert(out.columns.get_loc("status") + 1, "status_zh", out["status"].map(labels))
    return out
