"""The imagery audits as specs, so the pipeline, ``redline audit``, the QGIS plugin and the report see them.

Inputs of kind ``"raster"`` (``before``, ``after``) are passed through as paths: they are not read as
vector layers or validated by :func:`redline.validate.prepare_layers`. The ``change_patches`` output of
the second spec feeds the third (the pipeline hands a spec's outputs to later specs that name them as
inputs), so one run goes from two rasters to the judged register; a bureau with the ministry's issued
patches gives them as the ``change_patches`` input instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from ..options import parse_classes  # the one parser of class lists
from ..spec import AuditSpec, CaseSpec, FigureSpec, InputSpec, OutputSpec, ParamSpec, RunContext, hook
from ._columns import (
    CHANGE_PATCH_COLUMNS,
    PIECE_COLUMNS,
    REGISTER_COLUMNS,
    ROLLUP_COLUMNS,
    TRANSITION_COLUMNS,
)
from .bases import BASES
from .judge import JUDGEMENT, RULES_KEYS
from .rollup import ROLLUP_STATUS

_REGISTER_FIGURES = (FigureSpec("count", "个变化图斑", "change patches"),
                     FigureSpec("unexplained_mu", "违法面积（无合法依据）", "unexplained area (no basis in force)",
                                "unexplained_mu", unit="亩", digits=2, grave=True))
_PIECE_FIGURES = (FigureSpec("count", "块分割块", "pieces"),)

BEFORE = InputSpec("before", "raster", True, "前时相分类影像", "Classified raster, first date",
                   "Single-band classified land cover of the first date (GeoTIFF or any GDAL raster)")
AFTER = InputSpec("after", "raster", True, "后时相分类影像", "Classified raster, second date",
                  "Single-band classified land cover of the second date")


def _run_transitions(layers: Mapping, params: Mapping, ctx: RunContext) -> dict:
    from .transitions import transitions

    t = transitions(layers["before"], layers["after"],
                    classes=parse_classes(params["classes"], "classes") if params.get("classes") else None)
    ctx.notes.append(f"[transitions] {t.pixel_area_note}; {t.nodata_pixels:,} pixels nodata on either date")
    long = t.to_long()
    long["before"] = long["before"].astype(str)
    long["after"] = long["after"].astype(str)
    return {"transitions": long}


def _summary_transitions(outputs: Mapping) -> list[str]:
    t = outputs.get("transitions")
    if t is None or t.empty:
        return []
    changed = t[t["changed"]]
    return [f"转移矩阵 transitions: {len(t)} class pairs, {changed['area_mu'].sum():,.1f} 亩 changed class"]


def _run_patches(layers: Mapping, params: Mapping, ctx: RunContext) -> dict:
    from .patches import change_patches

    patches = change_patches(layers["before"], layers["after"],
                             from_classes=parse_classes(params.get("from_classes"), "from_classes"),
                             to_classes=parse_classes(params.get("to_classes"), "to_classes"),
                             to_category=params.get("to_category") or "construction",
                             min_area_m2=params.get("min_area_m2"), before_date=params.get("before_date"),
                             after_date=params.get("after_date"), connectivity=int(params.get("connectivity") or 8),
                             align=params.get("align") or "nearest", rules=ctx.rules, log=ctx.log,
                             progress=partial(_report_blocks, ctx))
    return {"change_patches": patches}


def _report_blocks(ctx: RunContext, done: int, total: int) -> None:
    """The blocks of the rasters done so far, about every twentieth of them (a large pair has hundreds)."""
    if done == total or done % max(1, total // 20) == 0:
        ctx.report(f"变化图斑 change patches: {done}/{total} blocks of the rasters", 0.0)


def _summary_patches(outputs: Mapping) -> list[str]:
    p = outputs.get("change_patches")
    if p is None:
        return []
    small = p["below_min_area"] if "below_min_area" in p.columns else p["area_m2"] < 0
    return [f"变化图斑 change patches: {int((~small).sum())} patches, {p.loc[~small, 'area_mu'].sum():,.1f} 亩 "
            f"(+ {int(small.sum())} below the minimum mapping area)"]


def _run_judge(layers: Mapping, params: Mapping, ctx: RunContext) -> dict:
    from .judge import judge_register

    patches = layers["change_patches"]
    if "below_min_area" in patches.columns:
        patches = patches[~patches["below_min_area"].astype(bool)]
    given: dict[str, Any] = {name: layers.get(name) for name in (*(b.kind for b in BASES), "farmland", "landuse",
                                                                  "admin")}
    judged = judge_register(patches, **given, after_date=params.get("after_date"),
                            before_date=params.get("before_date"), rules=ctx.rules, area_method=ctx.area_method,
                            log=ctx.log)
    register = judged.register
    if "area_mu" not in register.columns and "area_m2" in register.columns:
        from ..units import m2_to_mu

        register["area_mu"] = m2_to_mu(register["area_m2"])
    return {"patch_register": register, "patch_pieces": judged.pieces, "patch_rollup": judged.rollup}


def _summary_judge(outputs: Mapping) -> list[str]:
    r = outputs.get("patch_register")
    if r is None or r.empty:
        return []
    parts = [f"{j} {int(n)}" for j, n in r["judgement"].value_counts().items()]
    lines = [f"卫片执法 patch register: {len(r)} patches judged ({', '.join(parts)}); "
             f"{r['unexplained_mu'].sum():,.1f} 亩 without a basis in force, of which "
             f"{r['unexplained_pbf_mu'].sum():,.1f} 亩 on permanent basic farmland"]
    roll = outputs.get("patch_rollup")
    if roll is not None and len(roll):
        total = roll.iloc[-1]
        ratio = total["illegal_cultivated_ratio"]
        lines.append(f"  违法占用耕地比例 {'not measured' if ratio != ratio else f'{ratio:.1%}'} "
                     f"({total['status_zh']}: {total['reason']})")
    return lines


_BASIS_HELP = {
    "advance_use": "先行用地批复 with 批复日期 (and 期限)",
    "linkage_new": "增减挂钩 建新区 with 批准日期",
    "homestead": "宅基地批准书 with 批准日期",
    "facility_agri": "设施农用地备案 with 备案日期",
    "temporary_use": "临时用地 with 批准日期 and 到期日期: an expired temporary use is no basis",
    "consolidation": "土地整治项目区 with 立项日期",
}
_OTHER_BASES = tuple(
    InputSpec(b.kind, b.kind, False, b.label_zh, b.label_en.capitalize(), _BASIS_HELP[b.kind],
              ids_only=b.kind != "temporary_use")
    for b in BASES if b.kind not in ("approvals", "supplies"))


SPECS = (
    AuditSpec(
        id="transitions", label_zh="土地利用转移矩阵", label_en="Transition matrix", group="imagery",
        inputs=(BEFORE, AFTER), outputs=(OutputSpec("transitions", "转移矩阵", "Transitions", False, TRANSITION_COLUMNS,
                                                    "两期分类影像之间各地类的转移(像元数、平方米、亩)",
                   description_en="Transitions between the classes of the two classified images (pixels, m², mu)",
                   section=hook("redline.imagery._report:transitions")),),
        params=(ParamSpec("classes", "classes", None, "地类取值", "Classes",
                          "Class values to tabulate, e.g. 1,2,3,4 (default: every class present)"),),
        runner=_run_transitions, summary=_summary_transitions, needs_as_of=False,
        description_zh="两期分类影像的转移矩阵, 以像元数和面积(平方米、亩)表示; 地理坐标系下逐行按椭球计算像元面积。",
        description_en="Transition matrix between two classified rasters, in pixels, m² and 亩; pixel areas on the "
                       "ellipsoid row by row in a geographic CRS."),
    AuditSpec(
        id="change_patches", label_zh="变化图斑提取", label_en="Change patches", group="imagery",
        inputs=(BEFORE, AFTER),
        outputs=(OutputSpec("change_patches", "变化图斑", "Change patches", True, CHANGE_PATCH_COLUMNS,
                            "由前时相地类变为后时相地类的连片像元; 低于最小上图面积者标注但不删除",
                   description_en="Connected pixels that changed from a first-date class to a second-date class; patches under the minimum mapping area flagged, not deleted",
                   section=hook("redline.imagery._report:change_patches")),),
        params=(ParamSpec("from_classes", "classes", None, "前时相地类", "From classes",
                          "First-date classes, e.g. 1,2 (farmland, forest)"),
                ParamSpec("to_classes", "classes", None, "后时相地类", "To classes",
                          "Second-date classes, e.g. 3 (construction)"),
                ParamSpec("to_category", "choice", "construction", "变化后地类(最小上图面积)",
                          "Class the patches became (minimum mapping area)",
                          "TD/T 1055-2019 class of the second-date land, whose minimum mapping area (最小上图图斑面积) "
                          "applies: construction 建设用地 (200 m²), facility_agriculture 设施农用地 (200 m²), "
                          "agricultural 农用地 (400 m²), other 其他地类 (600 m²), as the rule set's "
                          "imagery.min_patch_area_m2 gives them",
                          choices=("construction", "facility_agriculture", "agricultural", "other")),
                ParamSpec("min_area_m2", "float", None, "最小上图面积(平方米)", "Minimum patch area (m²)",
                          "Default: the rule set's imagery.min_patch_area_m2 for the class the patches became"),
                ParamSpec("before_date", "date", None, "前时相日期", "First image date",
                          "Date of the first-date image; default: the raster's TIFFTAG_DATETIME or "
                          "ACQUISITION_DATE tag (none: the patches carry no date, and a note says so)"),
                ParamSpec("after_date", "date", None, "后时相日期", "Second image date",
                          "Date of the second-date image: an approval or supply counts only if granted before "
                          "it; default: the raster's TIFFTAG_DATETIME or ACQUISITION_DATE tag"),
                ParamSpec("connectivity", "choice", "8", "像元连通方式", "Pixel connectivity",
                          "8 joins pixels touching at a corner; 4 only pixels sharing an edge", choices=("8", "4")),
                ParamSpec("align", "choice", "nearest", "栅格对齐", "Raster alignment",
                          "Rasters on different grids: resample the second onto the first's grid (nearest), or stop "
                          "(refuse)", choices=("nearest", "refuse"))),
        runner=_run_patches, summary=_summary_patches, needs_as_of=False,
        rules_keys=("imagery.min_patch_area_m2",),
        description_zh="分块提取变化图斑, 跨块图斑合并为一个, 内存与影像大小无关。",
        description_en="Connected changed pixels as polygons, found block by block with patches across block edges "
                       "joined; memory bounded independent of raster size."),
    AuditSpec(
        id="judge_patches", label_zh="卫片图斑研判", label_en="Judge change patches", group="imagery",
        inputs=(InputSpec("change_patches", "change_patches", True, "变化图斑", "Change patches",
                          "From change_patches, or the ministry's issued patches (监测图斑 with 前时相/后时相 dates)"),
                InputSpec("approvals", "approvals", True, "报批红线", "Approvals",
                          "Required: without approvals no patch can be judged legal (asked for by name, the audit "
                          "runs without them and says so)", optional_when_named=True, ids_only=True),
                InputSpec("supplies", "supplies", False, "供地红线", "Supplies", ids_only=True),
                InputSpec("farmland", "farmland", False, "永久基本农田", "Permanent basic farmland", ids_only=True),
                InputSpec("landuse", "landuse", False, "地类图斑(三调)", "Land-use survey",
                          "Cultivated land (耕地 0101-0103) for the illegal occupation of cultivated land and the "
                          "county ratio"),
                *_OTHER_BASES,
                InputSpec("admin", "admin", False, "行政区", "Administrative units",
                          "Townships / county for the roll-up")),
        params=(ParamSpec("after_date", "date", None, "后时相日期", "Later image date",
                          "Date of the later image, for every patch: a basis counts only if granted by then; "
                          "default: each patch's own 后时相日期 (after_date) column"),
                ParamSpec("before_date", "date", None, "前时相日期", "Earlier image date",
                          "Date of the earlier image, for every patch (must not be after the later one); "
                          "default: each patch's own 前时相日期 (before_date) column")),
        outputs=(OutputSpec("patch_register", "卫片图斑研判表", "Change-patch register", True, REGISTER_COLUMNS,
                            "每个变化图斑: 按合法依据分割后的合法与违法面积、违法占用耕地和永久基本农田面积, 以最严重的分割块定性",
                   description_en="Each change patch: its explained and unexplained area after the split by legal "
                                  "basis, the unexplained part on cultivated land and on permanent basic farmland, "
                                  "judged by its gravest piece",
                            passthrough="change_patches",
                   status_column="judgement", statuses=JUDGEMENT[::-1], figures=_REGISTER_FIGURES,
                   section=hook("redline.imagery._report:patch_register"),
                   case=CaseSpec(("patch_id",), "图斑编号", "patch number", "unexplained_m2", "WP",
                                 label=("judgement_zh",))),
                 OutputSpec("patch_pieces", "卫片图斑登记表", "Change-patch pieces", True, PIECE_COLUMNS,
                            "每个图斑按合法依据、永久基本农田和耕地分割后的每一块: 依据、日期、地类和研判结论",
                            description_en="Each piece of each patch after the split by legal basis, permanent "
                                           "basic farmland and cultivated land: its basis, dates, land and judgement",
                            status_column="judgement", statuses=JUDGEMENT[::-1], figures=_PIECE_FIGURES,
                            section=hook("redline.imagery._report:patch_pieces")),
                 OutputSpec("patch_rollup", "卫片执法统计", "Change-patch roll-up", False, ROLLUP_COLUMNS,
                            "按乡镇和县统计: 新增建设用地、违法用地、违法占用耕地和永久基本农田, 违法占用耕地比例对照问责线",
                            description_en="Per township and county: new construction, its illegal part, illegal "
                                           "occupation of cultivated land and permanent basic farmland, and the ratio "
                                           "accountability uses against the rule set's lines",
                            status_column="status", statuses=ROLLUP_STATUS,
                            section=hook("redline.imagery._report:patch_rollup"))),
        runner=_run_judge, summary=_summary_judge, needs_as_of=False,
        rules_keys=(*RULES_KEYS, "imagery.accountability_ratio", "imagery.interview_min_mu"),
        description_zh="逐图斑按合法依据(供地、农转用、先行用地、增减挂钩、宅基地、设施农用地、临时用地、土地整治)分割研判, "
                       "依据须在后时相之前取得; 量算违法占用耕地和永久基本农田, 按乡镇和县统计违法占用耕地比例。",
        description_en="Each patch split by its legal bases (supply, approval, advance use, linkage, homestead, "
                       "facility agriculture, temporary use, consolidation) granted before the later image; the "
                       "illegal part measured on cultivated land and permanent basic farmland; rolled up per "
                       "township and county to the ratio accountability uses."),
)
