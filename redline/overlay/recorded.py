"""面积核对: the areas recorded in attributes against the areas of the drawn geometry (DOMAIN §7).

批准面积 (approvals), 出让面积 (supplies) and 三调 TBMJ (farmland, land use) are what statistics and
documents use; the first question a technician is asked is why redline's drawn area differs from the
批文. Each feature whose drawn area differs from its recorded area by more than the rule set's
tolerance is listed, with both areas, the difference in m², 亩 and %, and the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..area import AreaMethod, piece_areas
from ..result import AuditLog
from ..rules import RuleSet, resolve_rules
from ..spec import AuditSpec, CaseSpec, InputSpec, OutputSpec
from ..units import M2_PER_MU
from ._columns import RECORDED_COLUMNS
from ._common import finish, prepare

__all__ = ["RECORDED_AREAS", "SPEC", "recorded_areas"]

#: layer -> (kind, recorded-area field, its Chinese name, the layer's Chinese name)
RECORDED_AREAS = {
    "approvals": ("approvals", "approved_area_m2", "批准面积", "报批(征地)红线"),
    "supplies": ("supplies", "contract_area_m2", "出让面积", "供地红线"),
    "farmland": ("farmland", "recorded_area_m2", "图斑面积(TBMJ)", "永久基本农田"),
    "landuse": ("landuse", "recorded_area_m2", "图斑面积(TBMJ)", "地类图斑"),
}
ID_FIELD = {"approvals": "approval_id", "supplies": "supply_id", "farmland": "farmland_id", "landuse": "patch_id"}
# the drawn area first: a report totals the first 亩 column it finds (the area of the features listed)
COLUMNS = ["layer", "layer_zh", "feature_id", "drawn_m2", "drawn_mu", "recorded_field", "recorded_field_zh",
           "recorded_m2", "recorded_mu", "difference_m2", "difference_mu", "difference_ratio", "tolerance_m2",
           "area_method", "rule", "reason"]
TAG = "[area_discrepancies]"


def recorded_areas(*, approvals: gpd.GeoDataFrame | None = None, supplies: gpd.GeoDataFrame | None = None,
                   farmland: gpd.GeoDataFrame | None = None, landuse: gpd.GeoDataFrame | None = None,
                   rules: RuleSet | str | None = None, area_method: AreaMethod = "ellipsoidal", crs=None,
                   strict: bool = False, log: AuditLog | None = None) -> gpd.GeoDataFrame:
    """面积不符: every feature whose drawn area differs from its recorded area by more than the tolerance.

    Parameters
    ----------
    approvals, supplies, farmland, landuse : GeoDataFrame, optional
        Any of the four layers; each is compared on its recorded area: 批准面积 ``approved_area_m2``,
        出让面积 ``contract_area_m2``, TBMJ ``recorded_area_m2`` (the whole patch, 田坎 not deducted).
        A layer without that field is noted ("not compared"), as are features whose value is empty.
    rules : RuleSet, name or path, optional
        ``geometry.recorded_area_tolerance_ratio`` and ``geometry.recorded_area_tolerance_m2``: a
        feature is listed when |drawn − recorded| > max(ratio × recorded, floor).
    area_method : {"ellipsoidal", "planar"}
        How the drawn area is measured (TBMJ is ellipsoidal by definition, 国土调查办发〔2008〕32号).

    Returns
    -------
    GeoDataFrame
        One row per feature over the tolerance: ``layer``, ``layer_zh``, ``feature_id``,
        ``drawn_m2``, ``drawn_mu``, ``recorded_field`` (canonical), ``recorded_field_zh``,
        ``recorded_m2``, ``recorded_mu``, ``difference_m2`` and ``difference_mu`` (drawn − recorded),
        ``difference_ratio`` ((drawn − recorded) ÷ recorded), ``tolerance_m2``, ``area_method``,
        ``rule``, ``reason``; geometry: the feature. ``log.fact("recorded_areas", "compared")`` holds
        ``{layer: [features compared, features over tolerance]}``; the notes say what was not compared.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> s = gpd.GeoDataFrame({"合同编号": ["C1", "C2"], "签订日期": ["2025-01-01"] * 2, "出让面积": [10000, 9000]},
    ...                      geometry=[box(500000, 3800000, 500100, 3800100)] * 2, crs="EPSG:4547")
    >>> from redline.result import AuditLog
    >>> log = AuditLog()
    >>> r = recorded_areas(supplies=s, area_method="planar", log=log)
    >>> r[["feature_id", "recorded_m2", "drawn_m2", "difference_m2"]].values.tolist()
    [['C2', 9000.0, 10000.0, 1000.0]]
    >>> round(float(r["difference_ratio"].iloc[0]), 4), log.fact("recorded_areas", "compared")
    (0.1111, {'supplies': [2, 1]})
    """
    rules = resolve_rules(rules)
    given = {"approvals": approvals, "supplies": supplies, "farmland": farmland, "landuse": landuse}
    if all(g is None for g in given.values()):
        raise TypeError("recorded_areas needs at least one of approvals, supplies, farmland, landuse")
    prep = prepare({n: (g, RECORDED_AREAS[n][0]) for n, g in given.items() if g is not None}, crs=crs,
                   strict=strict, area_method=area_method)
    ratio = float(rules.value("geometry.recorded_area_tolerance_ratio"))
    floor = float(rules.value("geometry.recorded_area_tolerance_m2"))
    rule = f"{rules.cite('geometry.recorded_area_tolerance_ratio')}; {rules.cite('geometry.recorded_area_tolerance_m2')}"
    notes: list[str] = []
    compared: dict[str, list[int]] = {}
    frames = []
    for name, (_, field, field_zh, layer_zh) in RECORDED_AREAS.items():
        if name not in prep.layers:
            continue
        S = prep.layers[name]
        if field not in S.columns:
            notes.append(f"{TAG} {name} ({layer_zh}): not compared: no {field_zh} field ({field})")
            continue
        recorded = pd.to_numeric(S[field], errors="coerce").to_numpy(dtype=float)
        has = ~np.isnan(recorded)
        if not has.all():
            ids = ", ".join(map(str, S[ID_FIELD[name]].to_numpy()[~has][:20]))
            more = f" and {int((~has).sum()) - 20} more" if (~has).sum() > 20 else ""
            notes.append(f"{TAG} {name} ({layer_zh}): {int((~has).sum())} feature(s) with no {field_zh} value "
                         f"not compared: {ids}{more}")
        drawn = piece_areas(S.geometry.values, S.crs, area_method)
        diff = drawn - recorded
        tol = np.maximum(ratio * np.abs(recorded), floor)
        over = has & (np.abs(diff) > tol)
        compared[name] = [int(has.sum()), int(over.sum())]
        if not over.any():
            continue
        sub = pd.DataFrame(index=pd.RangeIndex(int(over.sum())))
        rec, drw, dif, tl = recorded[over], drawn[over], diff[over], tol[over]
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(rec > 0, dif / rec, np.inf)
        sub.insert(0, "layer", name)
        sub.insert(1, "layer_zh", layer_zh)
        sub.insert(2, "feature_id", S.loc[over, ID_FIELD[name]].to_numpy())
        sub["recorded_field"] = field
        sub["recorded_field_zh"] = field_zh
        sub["recorded_m2"] = rec
        sub["recorded_mu"] = rec / M2_PER_MU
        sub["drawn_m2"] = drw
        sub["drawn_mu"] = drw / M2_PER_MU
        sub["difference_m2"] = dif
        sub["difference_mu"] = dif / M2_PER_MU
        sub["difference_ratio"] = rel
        sub["tolerance_m2"] = tl
        sub["area_method"] = area_method
        sub["rule"] = rule
        reasons = []
        for r, d, x, q, t in zip(rec, drw, dif, rel, tl, strict=True):
            pct = "∞" if not np.isfinite(q) else f"{q:+.2%}"
            why = (f"{field_zh} {r:,.2f} m² ({r / M2_PER_MU:,.2f} 亩), drawn {d:,.2f} m² ({area_method}): "
                   f"{'larger' if x > 0 else 'smaller'} by {abs(x):,.2f} m² ({pct}) > tolerance {t:,.2f} m²")
            for unit, factor in (("公顷", 10000.0), ("亩", M2_PER_MU)):
                if r > 0 and abs(d - r * factor) <= max(ratio * r * factor, floor):
                    why += f"; the recorded value looks like {unit}, not m² ({r:g} {unit} = {r * factor:,.2f} m²)"
            reasons.append(why)
        sub["reason"] = reasons
        sub["geometry"] = S.geometry.to_numpy()[over]
        frames.append(sub)
    for name, (n, k) in compared.items():
        notes.append(f"{TAG} {name} ({RECORDED_AREAS[name][3]}): {n} feature(s) compared on "
                     f"{RECORDED_AREAS[name][2]}, {k} over tolerance ({area_method} drawn areas)")
    if frames:
        out = pd.concat(frames, ignore_index=True)[COLUMNS + ["geometry"]]
    else:
        out = pd.DataFrame({c: [] for c in COLUMNS})
        out["geometry"] = []
    result = gpd.GeoDataFrame(out, geometry="geometry", crs=prep.working.crs)
    return finish(result, prep, rules, area_method, notes, log=log, audit="recorded_areas", compared=compared)


# -- the audit as the pipeline, CLI, plugin and report see it -------------------------------------------------


def _run(layers, params, ctx) -> dict:
    given = {n: layers.get(n) for n in RECORDED_AREAS}
    res = recorded_areas(**given, rules=ctx.rules, area_method=ctx.area_method, strict=ctx.strict, log=ctx.log)
    return {"area_discrepancies": res}


def _summary(outputs: Mapping[str, Any], log: AuditLog) -> list[str]:
    r = outputs.get("area_discrepancies")
    if r is None:
        return []
    compared = log.fact("recorded_areas", "compared", {})
    n = sum(v[0] for v in compared.values())
    parts = ", ".join(f"{name} {k}/{m}" for name, (m, k) in compared.items())
    return [f"面积不符 recorded vs drawn area: {len(r)} of {n:,} features over tolerance"
            + (f" ({parts})" if parts else " (no layer carries a recorded area)")]


SPEC = AuditSpec(
    id="recorded_areas", label_zh="面积核对", label_en="Recorded vs drawn areas", group="overlay",
    inputs=(InputSpec("approvals", "approvals", False, "报批(征地)红线", "Approvals", "With 批准面积"),
            InputSpec("supplies", "supplies", False, "供地红线", "Supplies", "With 出让面积"),
            InputSpec("farmland", "farmland", False, "永久基本农田", "Permanent basic farmland", "With 图斑面积 TBMJ"),
            InputSpec("landuse", "landuse", False, "地类图斑", "Land-use survey patches", "With 图斑面积 TBMJ")),
    outputs=(OutputSpec("area_discrepancies", "面积不符", "Area discrepancies", True, RECORDED_COLUMNS,
                        "记载面积(批准面积、出让面积、图斑面积TBMJ)与图形面积之差超过容差的要素",
                        description_en="Features whose drawn area differs from the area recorded in their "
                                       "attributes (批准面积, 出让面积, TBMJ) by more than the tolerance",
                        case=CaseSpec(("layer", "feature_id", "recorded_field"), "图层 | 要素编号 | 记载面积字段",
                                      "layer | feature | recorded field", "difference_m2", "MJBF")),),
    runner=_run, summary_with_log=_summary, needs_as_of=False,
    rules_keys=("geometry.recorded_area_tolerance_ratio", "geometry.recorded_area_tolerance_m2"),
    description_zh="批准面积、出让面积、三调图斑面积(TBMJ)与图形面积比较, 超过容差者逐宗列出(差值平方米、亩、百分比)。",
    description_en="批准面积, 出让面积 and TBMJ against the drawn area (ellipsoidal or planar, as the run): every "
                   "feature beyond the tolerance, with the difference in m², 亩 and %; a layer with no recorded "
                   "area is noted, not skipped silently.")
