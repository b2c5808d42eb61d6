"""耕作层土壤剥离 (topsoil stripping): the cultivated land each approval takes, against the topsoil stripped.

《土地管理法》第三十一条: 县级以上地方人民政府可以要求占用耕地的单位将所占用耕地耕作层的土壤用于新开垦耕地、
劣质地或者其他耕地的土壤改良; 《基本农田保护条例》第十六条 makes it a duty on basic farmland (both not checked
against the official text). The depth is local practice (the seeds: 息县 strips 30 cm): the rule set's
``farmland.topsoil_depth_min_m``.

Inputs: ``approvals`` (批准文号, 批准日期), ``landuse`` (the 耕地 each approval takes, 0101/0102/0103) and
``topsoil`` (耕作层剥离, layer kind ``topsoil_stripping``): one polygon per stripped area, ``record_id``
(剥离编号), ``approval_id`` (批准文号), ``depth_m`` (剥离厚度, m; ``depth_cm`` 厘米 converted),
``volume_m3`` (剥离量, m³), ``receiving_site`` (存放或利用地点).

Output ``topsoil_stripping``, one row per approval on 耕地 (on or before the audit date), the approval's
geometry: ``cultivated_m2``/``_mu``, ``stripped_m2``, ``stripped_share`` (stripped ÷ cultivated),
``depth_m`` (area-weighted), ``depth_min_m``, ``volume_m3`` (recorded, else area × depth), ``required_m3``
(cultivated × depth_min), ``volume_short_m3``, ``receiving_site``, ``status`` (``ok`` or the findings
``no_record``, ``depth_short``, ``volume_short``, ``no_receiving_site``, ``not_checked``, joined by
``"; "``), ``status_zh``, ``rule``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..area import AreaMethod, piece_areas
from ..schema import F, LayerSchema, register_schema
from ..spec import RULE, AuditSpec, Column, FigureSpec, InputSpec, OutputSpec, RunContext, Status
from ..units import M2_PER_MU
from ._cover import CLASSIFICATION, area_on, cultivated

__all__ = ["SPEC", "STATUS", "TOPSOIL_SCHEMA", "topsoil_stripping"]

TOPSOIL_SCHEMA = register_schema(LayerSchema(
    kind="topsoil_stripping",
    label_zh="耕作层剥离",
    id_field="record_id",
    description="Topsoil stripped from cultivated land taken by an approval (耕作层土壤剥离), one polygon per "
                "stripped area.",
    fields=(
        F("record_id", "str", "剥离编号", "剥离编号", "剥离项目编号", "编号", "BLBH", "BSM", required=True),
        F("approval_id", "str", "批准文号", "批准文号", "批复文号", "PZWH", required=True),
        F("depth_m", "float", "剥离厚度(米)", "剥离厚度(米)", "剥离厚度", "BLHD", unit="m"),
        F("depth_cm", "float", "剥离厚度(厘米)", "剥离厚度(厘米)", "剥离厚度cm", unit="cm",
          description="The depth in 厘米, converted to m when depth_m is empty."),
        F("volume_m3", "float", "剥离量(立方米)", "剥离量(立方米)", "剥离量", "剥离方量", "BLL", unit="m3"),
        F("receiving_site", "str", "存放或利用地点", "存放或利用地点", "存放地点", "利用去向", "受土区", "CFDD"),
        F("stripped_date", "date", "剥离日期", "剥离日期", "BLRQ"),
    ),
))

STATUS: tuple[Status, ...] = (
    Status("no_record", "未见剥离记录", "no stripping recorded", "#d62728", grave=True, counted=True),
    Status("volume_short", "剥离量不足", "volume short", "#ff7f0e", grave=True, counted=True),
    Status("depth_short", "剥离厚度不足", "depth short", "#e377c2", grave=True, counted=True),
    Status("no_receiving_site", "未记录存放或利用地点", "no receiving site recorded", "#bcbd22", watch=True),
    Status("not_checked", "厚度和剥离量均未记录", "neither depth nor volume recorded", "#aaaaaa", watch=True),
    Status("ok", "剥离相符", "stripped as required", "#2ca02c"),
)
STATUS_ZH = {s.code: s.label_zh for s in STATUS}
FIGURES = (
    FigureSpec("findings", "个批次剥离不足或无记录", "approvals short or unrecorded", statuses="counted", grave=True),
    FigureSpec("volume_short_m3", "剥离量缺口", "volume short", "volume_short_m3", "counted", "m³", 0, grave=True),
    FigureSpec("cultivated_mu", "批准占用耕地", "cultivated land approved", "cultivated_mu", (), "亩", 2),
)


def topsoil_prepared(approvals: gpd.GeoDataFrame, lu: gpd.GeoDataFrame, strips: gpd.GeoDataFrame, ctx: RunContext,
                     classification: str | None) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The ``topsoil_stripping`` table of validated layers (working CRS, canonical fields), and its notes."""
    notes: list[str] = []
    rules, method = ctx.rules, ctx.area_method
    crs = ctx.crs.crs if ctx.crs is not None else approvals.crs
    depth_min = float(rules.value("farmland.topsoil_depth_min_m"))
    later = (pd.to_datetime(approvals["approval_date"]) > pd.Timestamp(ctx.as_of)).to_numpy()
    if later.any():
        notes.append(f"[topsoil_stripping] {int(later.sum())} approval(s) dated after the audit date {ctx.as_of} "
                     "are not approvals yet: left out")
    apps = approvals.loc[~later]
    cult = area_on(apps.geometry.values, lu, cultivated(lu, classification), crs, method)
    on = cult > 0
    apps, cult = apps.loc[on], cult[on]
    s = strips.copy()
    depth = s["depth_m"].astype(float) if "depth_m" in s.columns else pd.Series(np.nan, index=s.index)
    if "depth_cm" in s.columns:
        depth = depth.where(depth.notna(), s["depth_cm"].astype(float) / 100.0)
    odd = depth > 3.0
    if odd.any():
        notes.append(f"[topsoil_stripping] {int(odd.sum())} record(s) give a depth over 3 m, not a topsoil layer: "
                     "read as unknown -- was it in 厘米 (剥离厚度(厘米))? " + ", ".join(map(str, s.loc[odd, "record_id"])))
        depth = depth.where(~odd)
    s["_depth"] = depth
    s["_area"] = piece_areas(s.geometry.values, crs, method)
    vol = s["volume_m3"].astype(float) if "volume_m3" in s.columns else pd.Series(np.nan, index=s.index)
    s["_volume"] = vol.where(vol.notna(), s["_area"] * s["_depth"])
    site = s["receiving_site"] if "receiving_site" in s.columns else pd.Series(None, index=s.index, dtype=object)
    s["_site"] = site.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) or not str(v).strip()
                          else str(v).strip())
    known = set(approvals["approval_id"].astype(str))
    stray = ~s["approval_id"].astype(str).isin(known)
    if stray.any():
        notes.append(f"[topsoil_stripping] {int(stray.sum())} stripping record(s) name no approval of the approvals "
                     "layer: " + ", ".join(f"{r} ({a})" for r, a in zip(s.loc[stray, "record_id"],
                                                                       s.loc[stray, "approval_id"], strict=True)))
    s["_aid"] = s["approval_id"].astype(str)
    groups = {k: g for k, g in s.groupby("_aid")}
    rows = []
    for aid, c in zip(apps["approval_id"].astype(str), cult, strict=True):
        g = groups.get(aid, s.iloc[0:0])
        area = float(g["_area"].sum())
        dg = g.dropna(subset=["_depth"])
        d = float((dg["_depth"] * dg["_area"]).sum() / dg["_area"].sum()) if len(dg) and dg["_area"].sum() > 0 else np.nan
        v = float(g["_volume"].sum()) if len(g) and g["_volume"].notna().all() else np.nan
        need = c * depth_min
        sites = sorted({x for x in g["_site"] if isinstance(x, str) and x})
        codes: list[str] = []
        if not len(g):
            codes.append("no_record")
        else:
            if not np.isnan(v) and v < need - 1e-6:
                codes.append("volume_short")
            if not np.isnan(d) and d < depth_min - 1e-9:
                codes.append("depth_short")
            if np.isnan(v) and np.isnan(d):
                codes.append("not_checked")
            if not sites:
                codes.append("no_receiving_site")
        rows.append({"stripped_m2": area, "depth_m": d, "volume_m3": v if len(g) else np.nan, "required_m3": need,
                     "volume_short_m3": max(need - v, 0.0) if not np.isnan(v) else (need if not len(g) else np.nan),
                     "receiving_site": "; ".join(sites) if sites else None,
                     "status": "; ".join(codes) if codes else "ok"})
    r = pd.DataFrame(rows, columns=["stripped_m2", "depth_m", "volume_m3", "required_m3", "volume_short_m3",
                                    "receiving_site", "status"])
    out = gpd.GeoDataFrame({
        "approval_id": apps["approval_id"].to_numpy(),
        "batch_name": apps["batch_name"].to_numpy() if "batch_name" in apps.columns else None,
        "approval_date": pd.to_datetime(apps["approval_date"]).to_numpy(),
        "cultivated_m2": cult, "cultivated_mu": cult / M2_PER_MU, "stripped_m2": r["stripped_m2"].to_numpy(float),
        "stripped_share": r["stripped_m2"].to_numpy(float) / cult, "depth_m": r["depth_m"].to_numpy(float),
        "depth_min_m": depth_min, "volume_m3": r["volume_m3"].to_numpy(float),
        "required_m3": r["required_m3"].to_numpy(float), "volume_short_m3": r["volume_short_m3"].to_numpy(float),
        "receiving_site": r["receiving_site"].to_numpy(dtype=object), "status": r["status"].to_numpy(dtype=object),
    }, geometry=np.asarray(apps.geometry.values, dtype=object), crs=crs)
    out["status_zh"] = out["status"].map(lambda t: "; ".join(STATUS_ZH[x] for x in str(t).split("; ")))
    out["rule"] = rules.cite("farmland.topsoil_depth_min_m")
    return out[[c.name for c in COLUMNS] + ["geometry"]], notes


def topsoil_stripping(approvals: gpd.GeoDataFrame, landuse: gpd.GeoDataFrame, topsoil: gpd.GeoDataFrame, *,
                      rules: Any = None, as_of: Any = None, area_method: AreaMethod = "ellipsoidal", crs: Any = None,
                      classification: str = "tdt1055-2019", log: Any = None) -> gpd.GeoDataFrame:
    """耕作层剥离: per approval on 耕地, the topsoil stripped (m³) against cultivated area × the rule's depth.

    Examples
    --------
    An approval of 1 ha, 6 000 m² of it 耕地: 6 000 × 0.30 = 1 800 m³ due; 5 000 m² stripped 30 cm deep gives
    1 500 m³, 300 m³ short; no receiving site recorded.

    >>> from shapely.geometry import box
    >>> a = gpd.GeoDataFrame({"批准文号": ["A1"], "批准日期": ["2025-01-01"]}, geometry=[box(0, 0, 100, 100)],
    ...                      crs="EPSG:4547")
    >>> lu = gpd.GeoDataFrame({"BSM": ["1", "2"], "DLBM": ["0101", "0702"]},
    ...                       geometry=[box(0, 0, 60, 100), box(60, 0, 100, 100)], crs="EPSG:4547")
    >>> t = gpd.GeoDataFrame({"剥离编号": ["B1"], "批准文号": ["A1"], "剥离厚度(厘米)": [30.0]},
    ...                      geometry=[box(0, 0, 50, 100)], crs="EPSG:4547")
    >>> r = topsoil_stripping(a, lu, t, as_of="2026-06-30", area_method="planar")
    >>> r[["required_m3", "volume_m3", "volume_short_m3", "status"]].values.tolist()
    [[1800.0, 1500.0, 300.0, 'volume_short; no_receiving_site']]
    """
    from ..pipeline import run_audits

    res = run_audits({"approvals": approvals, "landuse": landuse, "topsoil": topsoil}, audits=["topsoil_stripping"],
                     rules=rules, as_of=as_of, area_method=area_method, crs=crs,
                     params={"classification": classification})
    if log is not None:
        log.notes.extend(res.notes)
    return res.outputs["topsoil_stripping"]


def _run(layers: Mapping[str, Any], params: Mapping[str, Any], ctx: RunContext) -> dict[str, pd.DataFrame]:
    ctx.report("耕作层剥离 topsoil stripping", 0.0)
    out, notes = topsoil_prepared(layers["approvals"], layers["landuse"], layers["topsoil"], ctx,
                                  params.get("classification"))
    ctx.notes.extend(notes)
    return {"topsoil_stripping": out}


def _summary(outputs: Mapping[str, Any]) -> list[str]:
    t = outputs.get("topsoil_stripping")
    if t is None or len(t) == 0:
        return []
    codes = t["status"].str.split("; ")
    none = int(codes.map(lambda c: "no_record" in c).sum())
    short = int(codes.map(lambda c: "volume_short" in c or "depth_short" in c).sum())
    return [f"耕作层剥离 topsoil stripping: {len(t)} approvals on 耕地 ({t['cultivated_mu'].sum():,.1f} 亩); "
            f"{none} without a stripping record, {short} short of depth or volume"]


L = partial(Column, ledger=True)
COLUMNS = (
    L("approval_id", "text", "批准文号", "Approval", "id"),
    L("batch_name", "text", "批次名称", "Batch"),
    L("approval_date", "date", "批准日期", "Approved"),
    L("cultivated_mu", "mu", "占用耕地(亩)", "Cultivated land taken"),
    L("cultivated_m2", "m2", "占用耕地(平方米)", "Cultivated land taken"),
    L("stripped_m2", "m2", "剥离面积(平方米)", "Area stripped"),
    L("stripped_share", "ratio", "剥离面积占耕地比例", "Stripped ÷ cultivated", total=False),
    L("depth_m", "float", "剥离厚度(米)", "Depth", unit="m", total=False),
    L("depth_min_m", "float", "规定厚度(米)", "Depth required", unit="m", total=False),
    L("volume_m3", "float", "剥离量(立方米)", "Volume stripped", unit="m³"),
    L("required_m3", "float", "应剥离量(立方米)", "Volume due", unit="m³"),
    L("volume_short_m3", "float", "剥离量缺口(立方米)", "Volume short", unit="m³"),
    L("receiving_site", "text", "存放或利用地点", "Receiving site"),
    L("status_zh", "text", "结论", "Conclusion", "status"),
    L("status", "text", "结论代码", "Conclusion code", "status",
      description="ok, or the findings joined by '; ': no_record, volume_short, depth_short, no_receiving_site, "
                  "not_checked"),
    RULE,
)

SPEC = AuditSpec(
    id="topsoil_stripping",
    label_zh="耕作层剥离",
    label_en="Topsoil stripping",
    group="farmland",
    inputs=(
        InputSpec("approvals", "approvals", True, "报批红线", "Approvals"),
        InputSpec("landuse", "landuse", True, "地类图斑", "Land-use patches", help="耕地 = 0101/0102/0103"),
        InputSpec("topsoil", "topsoil_stripping", True, "耕作层剥离", "Topsoil stripping",
                  help="剥离编号, 批准文号, 剥离厚度 (米, or 剥离厚度(厘米)), 剥离量 (m³), 存放或利用地点"),
    ),
    params=(CLASSIFICATION,),
    outputs=(
        OutputSpec("topsoil_stripping", "耕作层剥离", "Topsoil stripping", True, COLUMNS,
                   description="按批次: 占用耕地面积乘规定厚度为应剥离量, 对照记录的剥离量、厚度和存放或利用地点 "
                               "(《土地管理法》第三十一条, 《基本农田保护条例》第十六条)",
                   description_en="Per approval on cultivated land: area × the required depth is the volume due, "
                                  "against the volume, depth and receiving site recorded",
                   status_column="status", statuses=STATUS, status_separator="; ", figures=FIGURES),
    ),
    runner=_run,
    rules_keys=("farmland.topsoil_depth_min_m",),
    description_zh="批准占用耕地的耕作层剥离: 应剥离量(占用耕地×规定厚度)与记录的剥离量、厚度、存放地点对照",
    description_en="Topsoil stripping of the cultivated land approvals take: volume due (cultivated area × the "
                   "required depth) against the volume, depth and receiving site recorded.",
    summary=_summary,
)
