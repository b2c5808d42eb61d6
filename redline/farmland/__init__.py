"""Farmland audits: 三区三线冲突 (three-control-line conflicts), 耕地保有量 (retention), 占补平衡 (balance) and the
补 side: 增减挂钩, 土地整治, 耕作层剥离, 进出平衡.

Public API (pure functions of GeoDataFrames, keyword-only options):

- :func:`conflicts` -> layer ``three_line_conflicts``: one row per connected overlap patch between
  permanent basic farmland, the urban growth boundary and the ecological red line, with areas in m² and
  亩, sliver flag and the suggested resolution (DOMAIN §2 precedence); :func:`conflicts_by_unit` ->
  ``conflicts_by_unit``, the per-unit summary.
- :func:`retention` -> ``farmland_retention``: cultivated land and PBF per unit against their targets
  and PBF's ≥ 80 % share of cultivated land.
- :func:`balance` -> ``farmland_balance`` and :func:`balance_by_grade` -> ``farmland_balance_grades``:
  占补平衡 by quantity and quality grade; the audit ``farmland_balance`` (:mod:`redline.farmland.balance`)
  runs it on the layers ``farmland_taken`` (耕地占用) and ``farmland_added`` (补充耕地).
- :func:`linkage` -> ``linkage`` and ``linkage_plots``: 增减挂钩 projects, 拆旧区 against 建新区, reclaimed
  farmland on a later land use, 节余指标 reconciled with the record, 周转指标 deadline
  (:mod:`redline.farmland.linkage`).
- :func:`consolidation` -> ``consolidation_projects``: 土地整治 new farmland over scale, cost per new 亩,
  verified on the land use before and after (:mod:`redline.farmland.consolidation`).
- :func:`topsoil_stripping` -> ``topsoil_stripping``: 耕作层剥离 of the cultivated land approvals take
  (:mod:`redline.farmland.topsoil`).
- :func:`exchange` -> ``farmland_exchange`` and ``farmland_exchange_patches``: 耕地进出平衡 between two
  land-use layers (:mod:`redline.farmland.exchange`).

The columns of each output are declared once, in :mod:`redline.farmland._columns`, and listed in
``docs/outputs.md``.
"""

from __future__ import annotations

from ..result import AuditLog
from ..spec import AuditSpec, CaseSpec, InputSpec, OutputSpec, ParamSpec, hook
from ._columns import BY_UNIT_COLUMNS, CONFLICT_COLUMNS, RETENTION_COLUMNS
from .balance import SPEC as BALANCE_SPEC
from .conflicts import KIND, KINDS, _by_unit, _conflicts_prepared, conflicts, conflicts_by_unit
from .consolidation import SPEC as CONSOLIDATION_SPEC
from .consolidation import consolidation
from .exchange import SPEC as EXCHANGE_SPEC
from .exchange import exchange
from .linkage import SPEC as LINKAGE_SPEC
from .linkage import linkage
from .retention import STATUS as RETENTION_STATUS
from .retention import _retention_prepared, balance, balance_by_grade, read_targets, retention
from .topsoil import SPEC as TOPSOIL_SPEC
from .topsoil import topsoil_stripping

__all__ = ["KINDS", "SPECS", "balance", "balance_by_grade", "conflicts", "conflicts_by_unit", "consolidation", "exchange", "linkage", "retention", "topsoil_stripping"]


def _run_conflicts(layers, params, ctx):
    ctx.report("三区三线冲突 three-line conflicts", 0.0)
    out, touching = _conflicts_prepared(layers, ctx.rules, ctx.area_method, ctx.crs, backend=ctx.backend)
    if touching:
        ctx.notes.append(touching)
    result = {"three_line_conflicts": out}
    adm = layers.get("admin")
    if adm is not None:
        result["conflicts_by_unit"] = _by_unit(out, adm, ctx.rules, ctx.area_method, ctx.crs.crs, ctx.backend)
    return result


def _summary_conflicts(outputs):
    c = outputs.get("three_line_conflicts")
    if c is None:
        return []
    lines = []
    for kind, label in (("farmland_growth", "永久基本农田×城镇开发边界 PBF x growth boundary"),
                        ("farmland_eco", "永久基本农田×生态保护红线 PBF x eco red line"),
                        ("growth_eco", "城镇开发边界×生态保护红线 growth boundary x eco red line")):
        k = c[c["kind"] == kind]
        if len(k):
            real = k[~k["is_sliver"]]
            lines.append(f"三区三线冲突 {label}: {len(real)} overlap patches, {real['area_mu'].sum():,.1f} 亩"
                         + (f" (+ {int(k['is_sliver'].sum())} slivers, {k.loc[k['is_sliver'], 'area_m2'].sum():,.1f} m²)"
                            if k["is_sliver"].any() else ""))
    if not lines:
        lines.append("三区三线冲突 three-line conflicts: none")
    return lines


CONFLICTS_SPEC = AuditSpec(
    id="three_line_conflicts",
    label_zh="三区三线冲突",
    label_en="Three control lines: conflicts",
    group="farmland",
    inputs=(
        InputSpec("farmland", "farmland", True, "永久基本农田", "Permanent basic farmland"),
        InputSpec("growth_boundary", "growth_boundary", True, "城镇开发边界", "Urban growth boundary"),
        InputSpec("eco_redline", "eco_redline", False, "生态保护红线", "Ecological red line"),
        InputSpec("admin", "admin", False, "行政区", "Administrative units",
                  help="optional: adds the unit of each conflict and a per-unit summary"),
    ),
    outputs=(
        OutputSpec("three_line_conflicts", "三区三线冲突图斑", "Three-line conflicts", True, CONFLICT_COLUMNS,
                   description="每处重叠一行 (一个农田图斑与一条边界的每个连通重叠块); 碎片单列不剔除; 建议处置按"
                               "生态保护红线优先、永久基本农田其次、城镇开发边界避让的顺序",
                   description_en="One row per overlap (each connected overlap of a farmland patch and a boundary); slivers listed, not dropped; suggested resolution in the order ecological red line first, then permanent basic farmland, then the growth boundary yields",
                   status_column="kind", statuses=KIND, section=hook("redline.farmland._report:three_line_conflicts"),
                   case=CaseSpec(("kind", "left_id", "right_id", "part"), "冲突类型 | 图斑 | 图斑 | 块",
                                 "kind | patch | patch | part", "area_m2", "SQSX", where={"is_sliver": (False,)},
                                 resolved_labels={"True": ("仅余碎片", "only a sliver left")})),
        OutputSpec("conflicts_by_unit", "三区三线冲突汇总", "Conflicts by unit", True, BY_UNIT_COLUMNS,
                   description="按行政区汇总; 跨界图斑按面积拆分",
                   description_en="Totals per administrative unit; patches crossing units split by area",
                   section=hook("redline.farmland._report:conflicts_by_unit")),
    ),
    runner=_run_conflicts,
    rules_keys=("farmland.conflict_max_area_m2", "farmland.sliver_max_area_m2", "farmland.sliver_max_width_m",
                "geometry.area_tolerance_m2"),
    description_zh="永久基本农田、生态保护红线、城镇开发边界两两重叠检查, 面积按平方米和亩, 标记碎片, 给出处置建议",
    description_en="Every overlap between PBF, the eco red line and the growth boundary, in m² and 亩, slivers "
                   "flagged, with the suggested resolution.",
    needs_as_of=False,
    summary=_summary_conflicts,
)


def _run_retention(layers, params, ctx):
    from ..boundaries.codes import code_table

    table = code_table(params.get("classification") or "tdt1055-2019")
    targets_log = AuditLog()
    targets = read_targets(params.get("targets"), log=targets_log)
    out, notes, _ = _retention_prepared(layers.get("landuse"), layers.get("farmland"), layers["admin"],
                                        targets, table, ctx.rules, ctx.area_method, ctx.crs.crs, targets_log.notes,
                                        shared=ctx.shared)
    ctx.notes.extend(notes)
    return {"farmland_retention": out}


def _summary_retention(outputs):
    r = outputs.get("farmland_retention")
    if r is None or len(r) == 0:
        return []
    parts = r["status"].str.split("; ")
    bad = parts.map(lambda p: bool(set(p) - {"ok", "not_checked", "no_target"}))
    line = f"耕地保护 farmland retention: {len(r)} units, cultivated {r['cultivated_mu'].sum():,.0f} 亩"
    if r["pbf_mu"].notna().any():
        line += f", PBF {r['pbf_mu'].sum():,.0f} 亩"
    if (r["status"] == "not_checked").all():
        return [line + "; no targets or PBF given: nothing checked"]
    unlisted = int(parts.map(lambda p: "no_target" in p).sum())
    return [line + f"; {int(bad.sum())} unit(s) short of a target or below the PBF share"
            + (f"; {unlisted} unit(s) not in the targets table" if unlisted else "")]


RETENTION_SPEC = AuditSpec(
    id="farmland_retention",
    label_zh="耕地保有量",
    label_en="Farmland retention",
    group="farmland",
    inputs=(
        InputSpec("landuse", "landuse", True, "地类图斑", "Land-use patches", help="耕地 = 0101/0102/0103"),
        InputSpec("admin", "admin", True, "行政区", "Administrative units"),
        InputSpec("farmland", "farmland", False, "永久基本农田", "Permanent basic farmland"),
    ),
    params=(
        ParamSpec("targets", "table", None, "保护目标表", "Targets table",
                  help="CSV/XLSX: admin_code, cultivated_target_mu (耕地保有量, 亩), pbf_target_mu (永久基本农田保护面积, 亩); "
                       "a unit in the header (公顷, 万亩) is converted"),
        ParamSpec("classification", "choice", "tdt1055-2019", "地类分类", "Land-use classification",
                  choices=("tdt1055-2019", "ydyh2023")),
    ),
    outputs=(
        OutputSpec("farmland_retention", "耕地保有量与基本农田", "Farmland retention", True, RETENTION_COLUMNS,
                   description="耕地 (0101/0102/0103) 与永久基本农田按行政区对比保护目标; 基本农田占耕地比例对照"
                               "《土地管理法》第三十三条 80% (该比例按省级考核, 县乡数据仅作参考)",
                   description_en="Cultivated land (0101/0102/0103) and permanent basic farmland per unit against the protection targets; PBF share of cultivated land against the 80 % of Land Administration Law art. 33 (assessed per province; county and township figures for reference)",
                   status_column="status", statuses=RETENTION_STATUS, status_separator="; ",
                   section=hook("redline.farmland._report:farmland_retention")),
    ),
    runner=_run_retention,
    rules_keys=("farmland.pbf_share_min", "intensity.overlap_tolerance_m2"),
    description_zh="按行政区统计耕地和永久基本农田面积, 对照耕地保有量、基本农田保护目标和 80% 比例",
    description_en="Cultivated land and PBF per unit against their targets and the 80 % PBF share.",
    needs_as_of=False,
    summary=_summary_retention,
)

SPECS = (CONFLICTS_SPEC, RETENTION_SPEC, BALANCE_SPEC, LINKAGE_SPEC, CONSOLIDATION_SPEC, TOPSOIL_SPEC, EXCHANGE_SPEC)
