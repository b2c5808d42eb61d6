"""城乡建设用地增减挂钩 (urban-rural construction land linkage): each project's 拆旧区 against its 建新区.

A linkage project demolishes rural construction land (拆旧区, mostly old village housing), reclaims it as
cultivated land, and builds the same quota elsewhere (建新区, with the villagers' resettlement 安置区);
what the reclamation yields beyond the 建新 is the project's surplus quota (节余指标). The rules checked,
each with its rule-set key (values and sources in ``redline/rules/cn-national/farmland.toml``):

- 建新 ≤ 拆旧 — 《城乡建设用地增减挂钩试点管理办法》(国土资发〔2008〕138号): 项目区内建新地块总面积必须小于
  拆旧地块总面积 (``farmland.linkage_built_max_ratio``; not checked against the official text);
- reclaimed farmland ≥ the farmland the 建新区 takes — same 办法: 拆旧地块整理复垦耕地的数量、质量, 应比建新
  占用耕地的数量有增加、质量有提高 (``farmland.linkage_reclaimed_min_ratio``; not checked against the
  official text);
- each 拆旧区 verified as reclaimed on the later land-use layer: its share that is 耕地 (0101/0102/0103) at
  least ``farmland.linkage_reclaimed_share_min`` (configurable);
- 节余指标 = reclaimed 耕地 − 建新 (安置区 included), reconciled with the recorded figure within
  ``farmland.linkage_surplus_tolerance_m2``; and a recorded surplus larger than recorded 拆旧 − 建新 cannot
  be (the reclaimed land lies in the 拆旧区) whatever the drawing says (国发〔2010〕47号 on the use of 节余指标,
  not checked against the official text);
- 周转指标 returned by its deadline: the recorded 归还期限, else the 建新区 approval date plus
  ``farmland.linkage_quota_max_years`` (138号: 挂钩周转指标 在规定时间内归还; not checked against the official text).

Inputs (layer kinds declared and registered here):

- ``linkage_demolished`` (增减挂钩拆旧区): one polygon per plot, ``plot_id`` (地块编号), ``project_id`` (项目编号),
  and the project's recorded figures, repeated on its plots: ``recorded_demolished_m2`` (拆旧面积),
  ``recorded_built_m2`` (建新面积), ``recorded_surplus_m2`` (节余指标), ``quota_due_date`` (周转指标归还期限),
  ``quota_returned_date`` (归还日期) — areas in m² (公顷 × 10 000);
- ``linkage_built`` (增减挂钩建新区): ``plot_id``, ``project_id``, ``resettlement`` (是否安置区: 是/否),
  ``granted_date`` (批准日期), ``cultivated_taken_m2`` (占用耕地面积, used without an earlier land-use layer).

Outputs: ``linkage`` (one row per project, the fields of :func:`linkage`) and ``linkage_plots`` (one row per
plot, its area, 耕地 before (建新) or after (拆旧) and its verdict).
"""

from __future__ import annotations

import datetime as dt
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
from ._cover import CLASSIFICATION, area_on, cite, cultivated, project_values

__all__ = ["BUILT_SCHEMA", "DEMOLISHED_SCHEMA", "SPEC", "STATUS", "linkage"]

_PROJECT = F("project_id", "str", "项目编号", "项目编号", "挂钩项目编号", "项目区编号", "XMBH", required=True)
_NAME = F("project_name", "str", "项目名称", "项目名称", "XMMC")

DEMOLISHED_SCHEMA = register_schema(LayerSchema(
    kind="linkage_demolished",
    label_zh="增减挂钩拆旧区",
    id_field="plot_id",
    description="Demolished plots of urban-rural land linkage projects (增减挂钩 拆旧区), to be reclaimed as "
                "cultivated land, with the project's recorded figures repeated on each plot.",
    fields=(
        F("plot_id", "str", "地块编号", "地块编号", "拆旧地块编号", "编号", "DKBH", "BSM", required=True),
        _PROJECT,
        _NAME,
        F("recorded_demolished_m2", "float", "拆旧面积(平方米)", "拆旧面积", "拆旧区面积", "CJMJ", unit="m2",
          description="The project's recorded 拆旧 area (the whole project, not the plot)."),
        F("recorded_built_m2", "float", "建新面积(平方米)", "建新面积", "建新区面积", "JXMJ", unit="m2",
          description="The project's recorded 建新 area, 安置区 included."),
        F("recorded_surplus_m2", "float", "节余指标(平方米)", "节余指标", "节余指标面积", "JYZB", unit="m2",
          description="The project's recorded surplus quota (节余指标)."),
        F("quota_due_date", "date", "周转指标归还期限", "周转指标归还期限", "归还期限", "GHQX"),
        F("quota_returned_date", "date", "周转指标归还日期", "周转指标归还日期", "归还日期", "GHRQ"),
    ),
))

BUILT_SCHEMA = register_schema(LayerSchema(
    kind="linkage_built",
    label_zh="增减挂钩建新区",
    id_field="plot_id",
    description="New-construction plots of urban-rural land linkage projects (增减挂钩 建新区, 安置区 flagged).",
    fields=(
        F("plot_id", "str", "地块编号", "地块编号", "建新地块编号", "编号", "DKBH", "BSM", required=True),
        _PROJECT,
        _NAME,
        F("resettlement", "str", "是否安置区", "是否安置区", "安置区", "是否安置", "AZQ",
          description="是 for a plot that resettles the villagers (安置区), 否 for other 建新."),
        F("granted_date", "date", "批准日期", "批准日期", "批复日期", "PZRQ"),
        F("cultivated_taken_m2", "float", "占用耕地面积(平方米)", "占用耕地面积", "占用耕地", "ZYGDMJ", unit="m2",
          description="Cultivated land the plot takes, as recorded; measured on the earlier land use when given."),
    ),
))

_YES = {"是", "1", "true", "y", "yes", "安置", "安置区"}
_NO = {"否", "0", "false", "n", "no", "非安置"}

STATUS: tuple[Status, ...] = (
    Status("no_demolished", "有建新区无拆旧区", "new area without a demolished area", "#7f0000", grave=True,
           counted=True),
    Status("built_exceeds_demolished", "建新面积不小于拆旧面积", "new area not smaller than demolished", "#d62728",
           grave=True, counted=True),
    Status("surplus_over_records", "记录节余指标超过拆旧减建新", "recorded surplus over demolished minus built",
           "#e377c2", grave=True, counted=True),
    Status("surplus_mismatch", "节余指标与记录不符", "surplus differs from the recorded figure", "#9467bd",
           grave=True, counted=True),
    Status("reclaimed_short", "复垦耕地少于建新占用耕地", "reclaimed less than the farmland taken", "#ff7f0e",
           grave=True, counted=True),
    Status("not_reclaimed", "拆旧区未复垦为耕地", "demolished plots not reclaimed", "#bcbd22", grave=True,
           counted=True),
    Status("quota_overdue", "周转指标逾期未归还", "revolving quota overdue", "#8c564b", grave=True, counted=True),
    Status("quota_returned_late", "周转指标逾期归还", "revolving quota returned late", "#c49c94", watch=True),
    Status("not_checked", "部分未核(缺少数据)", "partly not checked (data missing)", "#aaaaaa", watch=True),
    Status("ok", "增减挂钩相符", "consistent", "#2ca02c"),
)
STATUS_ZH = {s.code: s.label_zh for s in STATUS}
PLOT_STATUS: tuple[Status, ...] = (
    Status("not_reclaimed", "未复垦为耕地", "not reclaimed", "#d62728", grave=True, counted=True),
    Status("no_demolished", "项目无拆旧区", "project has no demolished area", "#7f0000", grave=True, counted=True),
    Status("not_checked", "未核(无后期地类)", "not checked (no later land use)", "#aaaaaa", watch=True),
    Status("reclaimed", "已复垦为耕地", "reclaimed", "#2ca02c"),
    Status("built", "建新区", "new area", "#1f77b4"),
)
PLOT_STATUS_ZH = {s.code: s.label_zh for s in PLOT_STATUS}
FIGURES = (
    FigureSpec("projects", "个挂钩项目有问题", "projects with findings", statuses="counted", grave=True),
    FigureSpec("surplus_difference_mu", "节余指标差额", "surplus difference", "surplus_difference_mu",
               ("surplus_mismatch", "surplus_over_records"), "亩", 2, grave=True),
    FigureSpec("demolished_mu", "拆旧面积", "demolished", "demolished_mu", (), "亩", 2),
    FigureSpec("built_mu", "建新面积", "built", "built_mu", (), "亩", 2),
)

RULE_KEYS = ("farmland.linkage_built_max_ratio", "farmland.linkage_reclaimed_min_ratio",
             "farmland.linkage_reclaimed_share_min", "farmland.linkage_surplus_tolerance_m2",
             "farmland.linkage_quota_max_years")


def _flag(values: pd.Series, notes: list[str]) -> pd.Series:
    """是/否 of ``resettlement`` as True/False; empty or unreadable values None (unreadable ones noted)."""
    text = values.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip().lower())
    out = text.map(lambda t: True if t in _YES else False if t in _NO else None)
    odd = sorted({str(t) for t, o in zip(text, out, strict=True) if o is None and t not in (None, "")})
    if odd:
        notes.append(f"[linkage] 是否安置区 values not read as 是/否: {', '.join(odd)} -- those plots count as 建新 "
                     "of unknown kind (the surplus deducts them all the same)")
    return out


def _blank_ids(frame: gpd.GeoDataFrame, name: str, notes: list[str]) -> gpd.GeoDataFrame:
    pid = frame["project_id"]
    blank = pid.isna() | (pid.astype(str).str.strip() == "")
    if blank.any():
        notes.append(f"[linkage] {int(blank.sum())} {name} plot(s) have no project_id (项目编号) and belong to no "
                     f"project: left out -- fill in 项目编号: " + ", ".join(map(str, frame.loc[blank, "plot_id"])))
    return frame.loc[~blank]


def linkage_prepared(dem: gpd.GeoDataFrame, built: gpd.GeoDataFrame, lu: gpd.GeoDataFrame | None,
                     later: gpd.GeoDataFrame | None, ctx: RunContext, classification: str | None
                     ) -> tuple[pd.DataFrame, gpd.GeoDataFrame, list[str]]:
    """The ``linkage`` and ``linkage_plots`` tables of validated layers (working CRS, canonical fields)."""
    notes: list[str] = []
    rules, method = ctx.rules, ctx.area_method
    crs = ctx.crs.crs if ctx.crs is not None else dem.crs
    as_of = pd.Timestamp(ctx.as_of)
    dem = _blank_ids(dem, "拆旧区", notes)
    built = _blank_ids(built, "建新区", notes)
    if "granted_date" in built.columns:
        late = (pd.to_datetime(built["granted_date"]) > as_of).to_numpy()
        if late.any():
            notes.append(f"[linkage] {int(late.sum())} 建新区 plot(s) approved after the audit date {ctx.as_of} are "
                         "not 建新 yet: left out: " + ", ".join(map(str, built.loc[late, "plot_id"])))
            built = built.loc[~late]
    built_max = float(rules.value("farmland.linkage_built_max_ratio"))
    reclaim_min = float(rules.value("farmland.linkage_reclaimed_min_ratio"))
    share_min = float(rules.value("farmland.linkage_reclaimed_share_min"))
    tol = float(rules.value("farmland.linkage_surplus_tolerance_m2"))
    max_years = int(rules.value("farmland.linkage_quota_max_years"))

    d_area = piece_areas(dem.geometry.values, crs, method)
    b_area = piece_areas(built.geometry.values, crs, method)
    if later is not None:
        reclaimed = area_on(dem.geometry.values, later, cultivated(later, classification), crs, method)
        covered = area_on(dem.geometry.values, later, None, crs, method)
        short = covered < d_area * (1 - 1e-6) - 0.01
        if short.any():
            notes.append(f"[linkage] {int(short.sum())} 拆旧区 plot(s) are not wholly covered by the later land-use "
                         "layer: the part outside it is not verified as reclaimed: "
                         + ", ".join(map(str, dem.loc[short, "plot_id"])))
    else:
        reclaimed = np.full(len(dem), np.nan)
        notes.append("[linkage] no later land-use layer (landuse_later): the 拆旧区 are not verified as reclaimed, "
                     "and reclaimed land, surplus and its reconciliation are empty")
    if lu is not None:
        taken = area_on(built.geometry.values, lu, cultivated(lu, classification), crs, method)
    elif "cultivated_taken_m2" in built.columns and built["cultivated_taken_m2"].notna().any():
        taken = built["cultivated_taken_m2"].to_numpy(dtype=float)
        notes.append("[linkage] no earlier land-use layer: the farmland each 建新区 takes is its recorded 占用耕地面积")
    else:
        taken = np.full(len(built), np.nan)
        notes.append("[linkage] no earlier land-use layer and no recorded 占用耕地面积: the farmland the 建新区 take "
                     "is unknown, and reclaimed land is not compared with it")
    resettle = (_flag(built["resettlement"], notes) if "resettlement" in built.columns
                else pd.Series(None, index=built.index, dtype=object))
    if resettle.isna().all():
        notes.append("[linkage] no 建新区 says whether it is a 安置区 (是否安置区): resettlement area is empty")

    share = np.where(d_area > 0, reclaimed / np.where(d_area > 0, d_area, 1.0), np.nan)
    d_plots = pd.DataFrame({"plot_id": dem["plot_id"].to_numpy(), "project_id": dem["project_id"].to_numpy(),
                            "area_m2": d_area, "reclaimed_m2": reclaimed, "share": share})
    b_plots = pd.DataFrame({"plot_id": built["plot_id"].to_numpy(), "project_id": built["project_id"].to_numpy(),
                            "area_m2": b_area, "taken_m2": taken,
                            "resettlement": resettle.to_numpy(dtype=object)})
    projects = sorted(set(d_plots["project_id"].astype(str)) | set(b_plots["project_id"].astype(str)))
    names = pd.concat([dem.get("project_name", pd.Series(dtype=object)).groupby(dem["project_id"]).first()
                       if "project_name" in dem.columns else pd.Series(dtype=object),
                       built.get("project_name", pd.Series(dtype=object)).groupby(built["project_id"]).first()
                       if "project_name" in built.columns else pd.Series(dtype=object)])
    names = names[~names.index.duplicated()]
    rec = {f: project_values(dem, f, label, "linkage", notes) for f, label in (
        ("recorded_demolished_m2", "拆旧面积"), ("recorded_built_m2", "建新面积"), ("recorded_surplus_m2", "节余指标"),
        ("quota_due_date", "周转指标归还期限"), ("quota_returned_date", "周转指标归还日期"))}
    granted = (pd.to_datetime(built["granted_date"]).groupby(built["project_id"]).min()
               if "granted_date" in built.columns else pd.Series(dtype="datetime64[ns]"))

    rows = []
    cited = cite(rules, RULE_KEYS)
    d_by, b_by = d_plots.groupby("project_id"), b_plots.groupby("project_id")
    no_demolished = []
    derived_due = []
    for p in projects:
        d = d_by.get_group(p) if p in d_by.groups else d_plots.iloc[0:0]
        b = b_by.get_group(p) if p in b_by.groups else b_plots.iloc[0:0]
        dm, bm = float(d["area_m2"].sum()), float(b["area_m2"].sum())
        rm = float(d["reclaimed_m2"].sum()) if later is not None else np.nan
        tm = float(b["taken_m2"].sum()) if len(b) and b["taken_m2"].notna().all() else (0.0 if not len(b) else np.nan)
        flags = b["resettlement"]
        res_m2 = float(b.loc[flags.eq(True), "area_m2"].sum()) if flags.notna().any() else np.nan
        surplus = rm - bm
        recorded = _num(rec["recorded_surplus_m2"].get(p))
        r_dem, r_built = _num(rec["recorded_demolished_m2"].get(p)), _num(rec["recorded_built_m2"].get(p))
        diff = recorded - surplus
        codes: list[str] = []
        unchecked = False
        if not len(d):
            codes.append("no_demolished")
            no_demolished.append(p)
        if len(d) and bm >= built_max * dm:
            codes.append("built_exceeds_demolished")
        recorded_room = r_dem - r_built
        if not np.isnan(recorded) and not np.isnan(recorded_room) and recorded > recorded_room + tol:
            codes.append("surplus_over_records")
        if np.isnan(diff):
            unchecked = True
        elif abs(diff) > tol:
            codes.append("surplus_mismatch")
        if np.isnan(rm) or np.isnan(tm):
            unchecked = True
        elif rm < reclaim_min * tm:
            codes.append("reclaimed_short")
        low = int((d["share"] < share_min).sum()) if later is not None else 0
        if low:
            codes.append("not_reclaimed")
        due = rec["quota_due_date"].get(p)
        due = pd.Timestamp(due) if due is not None and not pd.isna(due) else pd.NaT
        if pd.isna(due) and p in granted.index and not pd.isna(granted[p]):
            g = pd.Timestamp(granted[p])
            due = pd.Timestamp(_add_years(g.date(), max_years))
            derived_due.append(f"{p} ({due.date()})")
        returned = rec["quota_returned_date"].get(p)
        returned = pd.Timestamp(returned) if returned is not None and not pd.isna(returned) else pd.NaT
        if not pd.isna(returned) and returned > as_of:
            returned = pd.NaT  # a return dated after the audit date has not happened yet
        overdue = np.nan
        if pd.isna(due):
            unchecked = True
        elif pd.isna(returned) and as_of > due:
            overdue = float((as_of - due).days)
            codes.append("quota_overdue")
        elif not pd.isna(returned) and returned > due:
            overdue = float((returned - due).days)
            codes.append("quota_returned_late")
        if unchecked:
            codes.append("not_checked")
        status = "; ".join(codes) if codes else "ok"
        rows.append({
            "project_id": p, "project_name": names.get(p), "demolished_plots": len(d), "built_plots": len(b),
            "demolished_m2": dm, "demolished_mu": dm / M2_PER_MU, "built_m2": bm, "built_mu": bm / M2_PER_MU,
            "resettlement_m2": res_m2, "cultivated_taken_m2": tm, "reclaimed_m2": rm, "reclaimed_mu": rm / M2_PER_MU,
            "reclaimed_share": rm / dm if dm > 0 else np.nan, "plots_not_reclaimed": low,
            "surplus_m2": surplus, "surplus_mu": surplus / M2_PER_MU,
            "recorded_demolished_m2": r_dem, "recorded_built_m2": r_built, "recorded_surplus_m2": recorded,
            "recorded_room_m2": recorded_room, "surplus_difference_m2": diff, "surplus_difference_mu": diff / M2_PER_MU,
            "reconciles": bool(not np.isnan(diff) and abs(diff) <= tol), "quota_due_date": due,
            "quota_returned_date": returned, "quota_days_late": overdue, "status": status,
            "status_zh": "; ".join(STATUS_ZH[c] for c in codes) if codes else STATUS_ZH["ok"], "rule": cited})
    if no_demolished:
        notes.append(f"[linkage] {len(no_demolished)} project(s) have 建新区 but no 拆旧区 in the demolished layer: "
                     + ", ".join(no_demolished) + " -- check the 项目编号 on both layers")
    if derived_due:
        notes.append(f"[linkage] no recorded 周转指标归还期限: the deadline is the 建新区 approval date plus "
                     f"{max_years} years (farmland.linkage_quota_max_years) for " + ", ".join(derived_due))
    out = pd.DataFrame(rows, columns=[c.name for c in COLUMNS])
    for c in ("quota_due_date", "quota_returned_date"):
        out[c] = pd.to_datetime(out[c])
    out["reconciles"] = out["reconciles"].astype(bool)
    out["demolished_plots"] = out["demolished_plots"].astype(np.int64)
    out["built_plots"] = out["built_plots"].astype(np.int64)
    out["plots_not_reclaimed"] = out["plots_not_reclaimed"].astype(np.int64)

    missing = set(no_demolished)
    d_status = np.where(np.isnan(d_plots["share"]) | (later is None), "not_checked",
                        np.where(d_plots["share"] < share_min, "not_reclaimed", "reclaimed"))
    b_status = np.where(b_plots["project_id"].astype(str).isin(missing), "no_demolished", "built")
    plots = gpd.GeoDataFrame({
        "plot_id": np.concatenate([d_plots["plot_id"].to_numpy(dtype=object), b_plots["plot_id"].to_numpy(dtype=object)]),
        "project_id": np.concatenate([d_plots["project_id"].to_numpy(dtype=object),
                                      b_plots["project_id"].to_numpy(dtype=object)]),
        "side": ["demolished"] * len(d_plots) + ["built"] * len(b_plots),
        "side_zh": ["拆旧区"] * len(d_plots) + ["建新区"] * len(b_plots),
        "area_m2": np.concatenate([d_area, b_area]),
        "cultivated_taken_m2": np.concatenate([np.full(len(d_plots), np.nan), b_plots["taken_m2"].to_numpy(float)]),
        "reclaimed_m2": np.concatenate([d_plots["reclaimed_m2"].to_numpy(float), np.full(len(b_plots), np.nan)]),
        "reclaimed_share": np.concatenate([d_plots["share"].to_numpy(float), np.full(len(b_plots), np.nan)]),
        "status": np.concatenate([d_status, b_status]).astype(object),
    }, geometry=np.concatenate([np.asarray(dem.geometry.values, dtype=object),
                                np.asarray(built.geometry.values, dtype=object)]), crs=crs)
    plots["area_mu"] = plots["area_m2"] / M2_PER_MU
    plots["status_zh"] = plots["status"].map(PLOT_STATUS_ZH)
    plots["rule"] = rules.cite("farmland.linkage_reclaimed_share_min")
    plots = plots[[c.name for c in PLOT_COLUMNS] + ["geometry"]]
    return out, plots, notes


def _num(v: Any) -> float:
    try:
        return float(v) if v is not None and not pd.isna(v) else np.nan
    except (TypeError, ValueError):
        return np.nan


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def linkage(demolished: gpd.GeoDataFrame, built: gpd.GeoDataFrame, *, landuse: gpd.GeoDataFrame | None = None,
            landuse_later: gpd.GeoDataFrame | None = None, rules: Any = None, as_of: Any = None,
            area_method: AreaMethod = "ellipsoidal", crs: Any = None, classification: str = "tdt1055-2019",
            log: Any = None) -> pd.DataFrame:
    """增减挂钩: one row per linkage project, its 拆旧 and 建新 against the rules of the module docstring.

    Parameters
    ----------
    demolished, built : GeoDataFrame
        The 拆旧区 (``linkage_demolished``) and 建新区 (``linkage_built``) plots, with the field names a
        bureau's data has (项目编号, 地块编号, 节余指标, 周转指标归还期限, 是否安置区, ...).
    landuse : GeoDataFrame, optional
        The land use before the project (三调): the 耕地 each 建新区 takes.
    landuse_later : GeoDataFrame, optional
        A later land use (年度变更调查): the 耕地 on each 拆旧区, i.e. what was reclaimed.
    rules, as_of, area_method, crs, classification
        As for the other audits; ``as_of`` is the date the 周转指标 deadline is judged at.
    log : AuditLog, optional
        Receives the run's notes (missing project ids, projects without 拆旧区, the figures not checked).

    Returns
    -------
    DataFrame ``linkage``: ``project_id``, ``demolished_m2``, ``built_m2``, ``resettlement_m2``,
    ``cultivated_taken_m2``, ``reclaimed_m2``, ``reclaimed_share``, ``surplus_m2`` (reclaimed − built),
    ``recorded_surplus_m2``, ``surplus_difference_m2`` (recorded − computed), ``reconciles`` (True only when
    both exist and agree within the tolerance), ``quota_due_date``, ``quota_days_late``, ``status``
    (``ok`` or the findings joined by ``"; "``), ``status_zh``, ``rule``; areas also in 亩.

    Examples
    --------
    One project: 拆旧 1 ha all reclaimed, 建新 0.4 ha, a recorded 节余指标 of 0.7 ha: 1 − 0.4 = 0.6 ha, so the
    record is 1000 m² too high.

    >>> from shapely.geometry import box
    >>> dem = gpd.GeoDataFrame({"地块编号": ["C1"], "项目编号": ["P1"], "节余指标": [7000.0]},
    ...                        geometry=[box(500000, 3800000, 500100, 3800100)], crs="EPSG:4547")
    >>> new = gpd.GeoDataFrame({"地块编号": ["J1"], "项目编号": ["P1"], "是否安置区": ["是"]},
    ...                        geometry=[box(501000, 3800000, 501040, 3800100)], crs="EPSG:4547")
    >>> later = gpd.GeoDataFrame({"BSM": ["L1"], "DLBM": ["0103"]}, geometry=[box(500000, 3800000, 500100, 3800100)],
    ...                          crs="EPSG:4547")
    >>> r = linkage(dem, new, landuse_later=later, as_of="2026-06-30", area_method="planar")
    >>> r[["surplus_m2", "recorded_surplus_m2", "surplus_difference_m2", "reconciles"]].values.tolist()
    [[6000.0, 7000.0, 1000.0, False]]
    """
    from ..pipeline import run_audits

    sources: dict[str, Any] = {"linkage_demolished": demolished, "linkage_built": built}
    if landuse is not None:
        sources["landuse"] = landuse
    if landuse_later is not None:
        sources["landuse_later"] = landuse_later
    res = run_audits(sources, audits=["linkage"], rules=rules, as_of=as_of, area_method=area_method, crs=crs,
                     params={"classification": classification})
    if log is not None:
        log.notes.extend(res.notes)
    return res.outputs["linkage"]


def _run(layers: Mapping[str, Any], params: Mapping[str, Any], ctx: RunContext) -> dict[str, pd.DataFrame]:
    ctx.report("增减挂钩 linkage", 0.0)
    out, plots, notes = linkage_prepared(layers["linkage_demolished"], layers["linkage_built"], layers.get("landuse"),
                                         layers.get("landuse_later"), ctx, params.get("classification"))
    ctx.notes.extend(notes)
    return {"linkage": out, "linkage_plots": plots}


def _summary(outputs: Mapping[str, Any]) -> list[str]:
    t = outputs.get("linkage")
    if t is None or len(t) == 0:
        return []
    bad = t[t["status"].map(lambda s: bool(set(str(s).split("; ")) - {"ok", "not_checked", "quota_returned_late"}))]
    line = (f"增减挂钩 linkage: {len(t)} projects, 拆旧 {t['demolished_mu'].sum():,.1f} 亩, 建新 "
            f"{t['built_mu'].sum():,.1f} 亩; ")
    if not len(bad):
        return [line + "all consistent"]
    off = t.loc[~t["reconciles"] & t["surplus_difference_m2"].notna()]
    return [line + f"{len(bad)} with findings ({len(off)} whose 节余指标 does not reconcile, "
            f"{off['surplus_difference_mu'].abs().sum():,.1f} 亩 apart)"]


L = partial(Column, ledger=True)
COLUMNS = (
    L("project_id", "text", "项目编号", "Project", "id"),
    L("project_name", "text", "项目名称", "Project name"),
    L("demolished_plots", "int", "拆旧地块数", "Demolished plots"),
    L("built_plots", "int", "建新地块数", "New plots"),
    L("demolished_mu", "mu", "拆旧面积(亩)", "Demolished"),
    L("built_mu", "mu", "建新面积(亩)", "Built"),
    L("reclaimed_mu", "mu", "复垦耕地(亩)", "Reclaimed farmland"),
    L("surplus_mu", "mu", "节余指标(亩,核算)", "Surplus quota (computed)"),
    L("demolished_m2", "m2", "拆旧面积(平方米)", "Demolished"),
    L("built_m2", "m2", "建新面积(平方米)", "Built"),
    L("resettlement_m2", "m2", "安置区面积(平方米)", "Resettlement area"),
    L("cultivated_taken_m2", "m2", "建新占用耕地(平方米)", "Farmland the new area takes"),
    L("reclaimed_m2", "m2", "复垦耕地(平方米)", "Reclaimed farmland"),
    L("reclaimed_share", "ratio", "拆旧区复垦率", "Share of demolished now farmland", total=False),
    L("plots_not_reclaimed", "int", "未复垦拆旧地块数", "Demolished plots not reclaimed"),
    L("surplus_m2", "m2", "节余指标(平方米,核算)", "Surplus quota (computed)"),
    L("recorded_demolished_m2", "m2", "记录拆旧面积(平方米)", "Recorded demolished"),
    L("recorded_built_m2", "m2", "记录建新面积(平方米)", "Recorded built"),
    L("recorded_surplus_m2", "m2", "记录节余指标(平方米)", "Recorded surplus quota"),
    L("recorded_room_m2", "m2", "记录拆旧减建新(平方米)", "Recorded demolished minus built"),
    L("surplus_difference_m2", "m2", "节余指标差额(平方米,记录减核算)", "Surplus difference (recorded − computed)"),
    L("surplus_difference_mu", "mu", "节余指标差额(亩)", "Surplus difference"),
    L("reconciles", "bool", "节余指标相符", "Surplus reconciles"),
    L("quota_due_date", "date", "周转指标归还期限", "Quota due"),
    L("quota_returned_date", "date", "周转指标归还日期", "Quota returned"),
    L("quota_days_late", "days", "周转指标逾期天数", "Days late", total=False),
    L("status_zh", "text", "结论", "Conclusion", "status"),
    L("status", "text", "结论代码", "Conclusion code", "status",
      description="ok, or the findings joined by '; ': " + ", ".join(s.code for s in STATUS if s.code != "ok")),
    RULE,
)
PLOT_COLUMNS = (
    L("plot_id", "text", "地块编号", "Plot", "id"),
    L("project_id", "text", "项目编号", "Project", "id"),
    L("side_zh", "text", "类型", "Kind"),
    Column("side", "text", "类型代码", "Kind code", description="demolished (拆旧区), built (建新区)"),
    L("area_mu", "mu", "面积(亩)", "Area"),
    L("area_m2", "m2", "面积(平方米)", "Area"),
    L("cultivated_taken_m2", "m2", "占用耕地(平方米)", "Farmland taken"),
    L("reclaimed_m2", "m2", "复垦耕地(平方米)", "Reclaimed farmland"),
    L("reclaimed_share", "ratio", "复垦率", "Share now farmland", total=False),
    L("status_zh", "text", "结论", "Conclusion", "status"),
    L("status", "text", "结论代码", "Conclusion code", "status"),
    RULE,
)

SPEC = AuditSpec(
    id="linkage",
    label_zh="增减挂钩",
    label_en="Urban-rural land linkage",
    group="farmland",
    inputs=(
        InputSpec("linkage_demolished", "linkage_demolished", True, "增减挂钩拆旧区", "Linkage demolished plots",
                  help="拆旧区: 地块编号, 项目编号, 拆旧面积, 建新面积, 节余指标 (m²), 周转指标归还期限, 归还日期"),
        InputSpec("linkage_built", "linkage_built", True, "增减挂钩建新区", "Linkage new plots",
                  help="建新区: 地块编号, 项目编号, 是否安置区, 批准日期"),
        InputSpec("landuse", "landuse", False, "地类图斑", "Land-use patches",
                  help="optional: the earlier land use, for the 耕地 the 建新区 take"),
        InputSpec("landuse_later", "landuse", False, "后期地类图斑", "Later land-use patches",
                  help="optional: a later land use (年度变更调查), for the 耕地 reclaimed on the 拆旧区"),
    ),
    params=(CLASSIFICATION,),
    outputs=(
        OutputSpec("linkage", "增减挂钩", "Urban-rural land linkage", False, COLUMNS,
                   description="按项目: 建新不大于拆旧, 复垦耕地不少于建新占用耕地, 拆旧区在后期地类上为耕地, 节余指标"
                               "(复垦耕地减建新)与记录相符, 周转指标按期归还 (国土资发〔2008〕138号, 国发〔2010〕47号)",
                   description_en="Per project: new area below the demolished area, reclaimed farmland at least the "
                                  "farmland the new area takes, demolished plots farmland on the later land use, the "
                                  "surplus quota (reclaimed minus built) as recorded, the revolving quota returned "
                                  "in time",
                   status_column="status", statuses=STATUS, status_separator="; ", figures=FIGURES),
        OutputSpec("linkage_plots", "增减挂钩地块", "Linkage plots", True, PLOT_COLUMNS,
                   description="拆旧区与建新区地块: 面积, 建新占用耕地, 拆旧区在后期地类上的耕地面积和比例",
                   description_en="Demolished and new plots: area, farmland taken by the new plots, farmland on "
                                  "the demolished plots in the later land use and its share",
                   status_column="status", statuses=PLOT_STATUS),
    ),
    runner=_run,
    rules_keys=RULE_KEYS,
    description_zh="增减挂钩项目拆旧区与建新区对比: 面积、复垦耕地、节余指标与记录核对、周转指标归还期限",
    description_en="Each linkage project's demolished plots against its new plots: areas, reclaimed farmland, the "
                   "surplus quota reconciled with the record, the revolving quota deadline.",
    summary=_summary,
)
