"""Field schemas: what each kind of layer must and may carry, under which names.

Bureaus name the same field many ways: 批准文号, PZWH, 批复文号 ... Each layer kind
has canonical English field names (what audits use) and the Chinese and
pinyin-initial names seen in bureau data as aliases. :func:`apply_schema`
renames a layer's columns to the canonical names, parses dates and numbers, and
reports every missing required field at once, with what was found instead.

A user with unusual names passes their own mapping ``{canonical: their_name}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .errors import Problem, SchemaError

FieldType = Literal["str", "date", "float", "int"]

__all__ = [
    "FieldSpec",
    "LayerSchema",
    "PARTIAL_DATE_FILL",
    "SCHEMAS",
    "apply_schema",
    "get_schema",
    "ids_only",
    "normalise_name",
    "register_schema",
]


@dataclass(frozen=True)
class FieldSpec:
    """One field of a layer kind.

    ``unit`` is the unit the value is expected in (``"万元"``, ``"m2"``, ``"m"``);
    ``label_zh`` is the header used in ledgers and the QGIS interface.
    """

    name: str
    type: FieldType
    label_zh: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    unit: str = ""
    description: str = ""
    nonnegative: bool = False


@dataclass(frozen=True)
class LayerSchema:
    """The schema of one layer kind (approvals, supplies, ...)."""

    kind: str
    label_zh: str
    id_field: str
    fields: tuple[FieldSpec, ...]
    geometry: Literal["polygon", "any"] = "polygon"
    description: str = ""

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def labels_zh(self) -> dict[str, str]:
        """Canonical name -> Chinese header, for ledgers and user interfaces."""
        return {f.name: f.label_zh for f in self.fields}


def F(name, type, label_zh, *aliases, required=False, unit="", description="", nonnegative=None):
    if nonnegative is None:
        nonnegative = type in ("float", "int")
    return FieldSpec(name, type, label_zh, tuple(aliases), required, unit, description, nonnegative)


_ADMIN_FIELDS = (
    F("district", "str", "所在区县", "所在区县", "行政区", "行政区名称", "区县", "所在区", "XZQMC", "QXMC", "XZQ"),
    F("admin_code", "str", "行政区代码", "行政区代码", "行政区划代码", "XZQDM", "XZQHDM", "adcode"),
)

SCHEMAS: dict[str, LayerSchema] = {}


def register_schema(schema: LayerSchema) -> LayerSchema:
    """Add a layer kind to :data:`SCHEMAS` (an audit module declares the kinds of its own inputs this way).

    A kind already registered with a different schema is an error: two audits may share a kind, not
    redefine it.
    """
    old = SCHEMAS.get(schema.kind)
    if old is not None and old != schema:
        raise ValueError(f"layer kind {schema.kind!r} is already registered with another schema")
    SCHEMAS[schema.kind] = schema
    return schema


_register = register_schema


_register(LayerSchema(
    kind="approvals",
    label_zh="报批(征地)红线",
    id_field="approval_id",
    description="Approved conversions of farmland / expropriations (农用地转用、土地征收批准), one polygon per approved plot or batch.",
    fields=(
        F("approval_id", "str", "批准文号", "批准文号", "批复文号", "PZWH", "PFWH", "文号", "WH", "BSM", required=True),
        F("approval_date", "date", "批准日期", "批准日期", "批复日期", "批准时间", "PZRQ", "PFRQ", "PZSJ", required=True),
        F("batch_name", "str", "批次名称", "批次名称", "项目名称", "PCMC", "XMMC"),
        F("approval_level", "str", "批准机关", "批准机关", "PZJG"),
        F("planned_use", "str", "规划用途", "规划用途", "拟用途", "用途", "GHYT", "YT"),
        F("approved_area_m2", "float", "批准面积(平方米)", "批准面积", "报批面积", "PZMJ", "BPMJ", unit="m2",
          description="The area written in the approval document, kept for comparison; audits measure geometry."),
        *_ADMIN_FIELDS,
    ),
))

_register(LayerSchema(
    kind="supplies",
    label_zh="供地红线",
    id_field="supply_id",
    description="Land supplied by transfer (出让) or allocation (划拨), one polygon per contract or decision.",
    fields=(
        F("supply_id", "str", "合同编号", "合同编号", "出让合同编号", "电子监管号", "划拨决定书编号", "HTBH", "DZJGH", "BSM",
          required=True),
        F("supply_date", "date", "供地日期", "签订日期", "合同签订日期", "供地日期", "供应日期", "QDRQ", "GDRQ", required=True),
        F("supply_method", "str", "供地方式", "供地方式", "供应方式", "GDFS", "GYFS"),
        F("land_use", "str", "土地用途", "土地用途", "用途", "TDYT", "YT"),
        F("holder", "str", "受让人", "受让人", "土地使用者", "受让单位", "SRR", "TDSYZ"),
        F("project_name", "str", "项目名称", "项目名称", "XMMC"),
        F("industry", "str", "行业分类", "行业分类", "行业", "产业类别", "HYFL", "HYLB"),
        F("zone", "str", "园区", "园区", "开发区", "所在园区", "YQ", "KFQ"),
        F("contract_area_m2", "float", "出让面积(平方米)", "出让面积", "供地面积", "合同面积", "CRMJ", "GDMJ", unit="m2"),
        F("price_wan", "float", "出让价款(万元)", "出让价款", "成交价款", "划拨价款", "土地价款", "CRJK", "CJJK", unit="万元"),
        F("agreed_handover_date", "date", "约定交地日期", "约定交地日期", "交地日期", "约定交付日期", "YDJDRQ", "JDRQ"),
        F("agreed_payment_date", "date", "约定缴款日期", "约定缴款日期", "约定付款日期", "缴款期限", "YDJKRQ"),
        F("agreed_start_date", "date", "约定开工日期", "约定开工日期", "约定动工日期", "约定动工开发日期", "YDKGRQ", "YDDGRQ"),
        F("agreed_completion_date", "date", "约定竣工日期", "约定竣工日期", "YDJGRQ"),
        F("actual_handover_date", "date", "实际交地日期", "实际交地日期", "SJJDRQ"),
        F("actual_payment_date", "date", "实际缴款日期", "实际缴款日期", "缴清日期", "SJJKRQ"),
        F("actual_start_date", "date", "实际开工日期", "实际开工日期", "实际动工日期", "SJKGRQ", "SJDGRQ"),
        F("actual_completion_date", "date", "实际竣工日期", "实际竣工日期", "SJJGRQ"),
        F("suspended_date", "date", "停工日期", "停工日期", "中止开发日期", "TGRQ"),
        F("total_investment_wan", "float", "总投资(万元)", "总投资", "约定投资总额", "投资总额", "计划总投资", "ZTZ", "TZZE",
          unit="万元", description="Total investment due, excluding land price and taxes (MLR order 53, art. 2)."),
        F("invested_wan", "float", "已投资(万元)", "已投资", "已完成投资", "累计投资", "YTZ", "WCTZ", unit="万元"),
        F("developed_area_m2", "float", "已开发面积(平方米)", "已开发面积", "已建面积", "YKFMJ", unit="m2"),
        F("delay_cause", "str", "延期原因", "延期原因", "闲置原因", "闲置原因说明", "YQYY", "XZYY",
          description="The recorded cause of delay in words: evidence shown in the reason, never the decision "
                      "(the decision reads delay_cause_code)."),
        F("delay_cause_code", "str", "闲置原因代码", "闲置原因代码", "延期原因代码", "闲置原因类型", "XZYYDM", "YQYYDM",
          description="The verified cause of delay (MLR order 53 art. 8, 经审核属实), as a code the rule set maps to "
                      "its clause (idle.delay_cause_codes): late_handover, planning_revision, policy_change, "
                      "petition, military_heritage, government_other, force_majeure, or their Chinese labels."),
        F("extended_start_date", "date", "补充协议约定动工开发日期", "补充协议约定动工开发日期", "补充协议动工日期",
          "延长后动工日期", "延期后约定开工日期", "BCXYDGRQ",
          description="The start date a supplementary agreement (补充协议) set under MLR order 53 art. 12 (1); the "
                      "idle clocks restart from it."),
        F("far_min", "float", "容积率下限", "容积率下限", "最小容积率", "RJLXX"),
        F("far_max", "float", "容积率上限", "容积率上限", "最大容积率", "RJLSX"),
        F("land_source", "str", "土地来源", "土地来源", "供地来源", "用地来源", "TDLY",
          description="Whether the land supplied was existing construction land (存量) or new (新增); the values "
                      "are read by the rule regions.land_source_values (存量供地比例, TD/T 1018)."),
        *_ADMIN_FIELDS,
    ),
))

_register(LayerSchema(
    kind="buildings",
    label_zh="建筑物",
    id_field="building_id",
    description="Building footprints with storeys and floor area (from cadastre, surveys or 3D models).",
    fields=(
        F("building_id", "str", "建筑物编号", "建筑物编号", "幢号", "JZWBH", "ZH", "BSM", required=True),
        F("floors", "int", "层数", "层数", "地上层数", "总层数", "CS", "DSCS"),
        F("floor_area_m2", "float", "建筑面积(平方米)", "建筑面积", "总建筑面积", "JZMJ", "ZJZMJ", unit="m2"),
        F("storey_height_m", "float", "层高(米)", "层高", "CG", unit="m",
          description="Storey height; a storey over 8 m counts twice in the plot ratio (industrial land)."),
        F("height_m", "float", "建筑高度(米)", "建筑高度", "高度", "JZGD", unit="m"),
        F("structure_type", "str", "建筑类型", "建筑类型", "构筑物类型", "JZLX",
          description="建筑物, 构筑物 or 堆场: all three count in the building coefficient."),
        F("built_date", "date", "建成日期", "建成日期", "竣工日期", "JCRQ",
          description="A footprint built before its supply's 签订日期 is old construction, not a start (idle land); "
                      "one without it is treated as the rule idle.undated_buildings says."),
    ),
))

_register(LayerSchema(
    kind="parcels",
    label_zh="宗地",
    id_field="parcel_id",
    description="Cadastral parcels (宗地) in use, with their industry and economic figures.",
    fields=(
        F("parcel_id", "str", "宗地号", "宗地号", "宗地代码", "宗地编号", "ZDDM", "ZDH", "BSM", required=True),
        F("land_use", "str", "土地用途", "土地用途", "用途", "TDYT", "YT"),
        F("industry", "str", "行业分类", "行业分类", "行业", "产业类别", "HYFL", "HYLB"),
        F("zone", "str", "园区", "园区", "开发区", "所在园区", "YQ", "KFQ"),
        F("holder", "str", "土地使用者", "土地使用者", "权利人", "QLR", "TDSYZ"),
        F("total_investment_wan", "float", "固定资产投资(万元)", "固定资产投资", "总投资", "投资总额", "GDZCTZ", "ZTZ",
          unit="万元", description="Fixed-asset investment incl. buildings, equipment and land price."),
        F("tax_wan", "float", "年税收(万元)", "税收", "年税收", "纳税额", "SS", "NSE", unit="万元"),
        F("output_wan", "float", "年产值(万元)", "产值", "年产值", "工业总产值", "CZ", "GYZCZ", unit="万元"),
        F("floor_area_m2", "float", "建筑面积(平方米)", "建筑面积", "总建筑面积", "JZMJ", unit="m2"),
        F("land_use_standard", "str", "用途分类标准", "用途分类标准", "土地用途分类标准", "用地分类标准", "YTFLBZ",
          description="The classification land_use is written in: 三调 / TD/T 1055, 用地用海 / 2023, GB 50137."),
        F("industry_standard", "str", "行业分类标准", "行业分类标准", "行业分类版本", "国民经济行业分类版本", "HYFLBZ",
          description="The GB/T 4754 edition of the industry code: 2017 (or 2011), 2002."),
        F("building_footprint_m2", "float", "建筑物占地面积(平方米)", "建筑物占地面积", "建筑占地面积", "建筑基底面积",
          "JZZDMJ", unit="m2", description="Building footprint, used when no buildings layer covers the parcel."),
        F("structure_area_m2", "float", "构筑物占地面积(平方米)", "构筑物占地面积", "GZWZDMJ", unit="m2",
          description="Structures' footprint (构筑物): counts in the building coefficient, not in the plot ratio."),
        F("yard_area_m2", "float", "堆场占地面积(平方米)", "堆场占地面积", "堆场用地面积", "DCZDMJ", unit="m2",
          description="Storage yards (堆场): count in the building coefficient, not in the plot ratio."),
        F("admin_facilities_area_m2", "float", "行政办公及生活服务设施用地面积(平方米)", "行政办公及生活服务设施用地面积",
          "行政生活用地面积", "XZSHMJ", unit="m2"),
        F("far_min", "float", "容积率下限", "容积率下限", "最小容积率", "RJLXX"),
        F("far_max", "float", "容积率上限", "容积率上限", "最大容积率", "RJLSX",
          description="The contract's plot-ratio cap: exceeding it is 擅自提高容积率."),
        *_ADMIN_FIELDS,
    ),
))

_register(LayerSchema(
    kind="farmland",
    label_zh="永久基本农田",
    id_field="farmland_id",
    description="Permanent basic farmland (永久基本农田) patches.",
    fields=(
        F("farmland_id", "str", "图斑编号", "图斑编号", "基本农田图斑编号", "TBBH", "JBNTTBBH", "BSM", required=True),
        F("land_use_code", "str", "地类编码", "地类编码", "DLBM"),
        F("quality_grade", "int", "质量等别", "质量等别", "耕地等别", "国家利用等", "ZLDB", "GDDB"),
        F("recorded_area_m2", "float", "图斑面积(平方米)", "图斑面积", "TBMJ", unit="m2"),
        *_ADMIN_FIELDS,
    ),
))

_register(LayerSchema(
    kind="growth_boundary",
    label_zh="城镇开发边界",
    id_field="boundary_id",
    description="Urban development (city growth) boundary (城镇开发边界) polygons.",
    fields=(
        F("boundary_id", "str", "边界编号", "编号", "边界编号", "BH", "BSM", "UGB_ID", required=True),
        F("name", "str", "名称", "名称", "边界名称", "MC", "NAME"),
        F("zone_type", "str", "分区类型", "分区类型", "集中建设区", "FQLX"),
    ),
))

_register(LayerSchema(
    kind="eco_redline",
    label_zh="生态保护红线",
    id_field="redline_id",
    description="Ecological protection red line (生态保护红线) polygons.",
    fields=(
        F("redline_id", "str", "红线编号", "红线编号", "编号", "HXBH", "BH", "BSM", required=True),
        F("name", "str", "名称", "名称", "红线名称", "MC", "NAME"),
        F("function_type", "str", "生态功能类型", "生态功能类型", "类型", "STGNLX", "LX"),
    ),
))

_register(LayerSchema(
    kind="landuse",
    label_zh="地类图斑",
    id_field="patch_id",
    description="Land-use survey patches (三调 DLTB) with land-use codes.",
    fields=(
        F("patch_id", "str", "标识码", "标识码", "图斑编号", "BSM", "TBBH", required=True),
        F("land_use_code", "str", "地类编码", "地类编码", "DLBM", required=True),
        F("land_use_name", "str", "地类名称", "地类名称", "DLMC"),
        F("recorded_area_m2", "float", "图斑面积(平方米)", "图斑面积", "TBMJ", unit="m2"),
        F("owner", "str", "权属单位名称", "权属单位名称", "QSDWMC"),
        F("location", "str", "坐落单位名称", "坐落单位名称", "ZLDWMC"),
        F("urban_attribute", "str", "城镇村属性码", "城镇村属性码", "CZCSXM"),
        F("survey_year", "int", "数据年份", "数据年份", "SJNF", nonnegative=True),
        F("ownership_type", "str", "权属性质", "权属性质", "权属性质代码", "QSXZ",
          description="国有 or 集体 (三调 codes 10/20 国有土地所有权/使用权, 30-34 集体土地所有权, 40 集体土地使用权)"),
        F("slope_grade", "str", "坡度级别", "坡度级别", "耕地坡度级别", "PDJB",
          description="耕地坡度级别 1-5 (≤2°, 2-6°, 6-15°, 15-25°, >25°)"),
        F("quality_grade", "int", "耕地等别", "耕地等别", "质量等别", "耕地质量等别", "ZLDB", "GDDB",
          description="The cultivated patch's quality grade (1 best ... 15 worst), for 进出平衡 by grade."),
    ),
))

_register(LayerSchema(
    kind="admin",
    label_zh="行政区",
    id_field="admin_code",
    description="Administrative units (行政区): districts, counties, townships.",
    fields=(
        F("admin_code", "str", "行政区代码", "行政区代码", "行政区划代码", "XZQDM", "XZQHDM", "adcode", required=True),
        F("admin_name", "str", "行政区名称", "行政区名称", "名称", "XZQMC", "name", "NAME"),
        F("level", "str", "级别", "级别", "JB", "level"),
    ),
))

_register(LayerSchema(
    kind="change_patches",
    label_zh="变化图斑",
    id_field="patch_id",
    description="Land-change patches (卫片图斑), from imagery or issued by the ministry.",
    fields=(
        F("patch_id", "str", "图斑编号", "图斑编号", "监测图斑编号", "TBBH", "JCBH", "JCTBBH", "BSM", required=True),
        F("from_class", "str", "前时相地类", "前时相地类", "前地类", "QSXDL"),
        F("to_class", "str", "后时相地类", "后时相地类", "后地类", "HSXDL"),
        F("before_date", "date", "前时相日期", "前时相日期", "前时相", "QSXRQ", "QSX"),
        F("after_date", "date", "后时相日期", "后时相日期", "后时相", "HSXRQ", "HSX"),
        F("detected_date", "date", "监测日期", "监测日期", "JCRQ"),
    ),
))


_register(LayerSchema(
    kind="stats",
    label_zh="社会经济统计表",
    id_field="admin_name",
    geometry="any",
    description="Statistics per administrative unit and year (a table, no geometry): GDP, resident population, "
                "fixed-asset investment, tax. A header may carry its unit, e.g. 地区生产总值(亿元), 常住人口(人); it "
                "is converted once to the field's unit.",
    fields=(
        F("admin_name", "str", "地区", "地区", "乡镇", "乡镇名称", "行政区名称", "行政区", "单位", "名称", "XZQMC",
          required=True, description="The unit's name, as the statistics name it; matched with the admin layer's "
                                     "admin_name when a row has no admin_code."),
        F("admin_code", "str", "行政区代码", "行政区代码", "行政区划代码", "XZQDM", "XZQHDM", "adcode", "代码",
          description="The unit's code: when given, the unit is matched by it."),
        F("year", "int", "年份", "年份", "年度", "统计年度", "年", "ND", "NF", required=True),
        F("gdp_yi_yuan", "float", "地区生产总值(亿元)", "地区生产总值", "生产总值", "GDP", unit="亿元"),
        F("population_wan", "float", "常住人口(万人)", "常住人口", "人口", "总人口", "年末常住人口", unit="万人"),
        F("investment_wan", "float", "固定资产投资(万元)", "固定资产投资", "全社会固定资产投资", "固定资产投资额",
          unit="万元"),
        F("tax_wan", "float", "税收收入(万元)", "税收收入", "税收", "税收总额", unit="万元"),
    ),
))


def get_schema(kind: str | LayerSchema) -> LayerSchema:
    """The schema of a layer kind, by name (``"approvals"``, ``"supplies"``, ...)."""
    if isinstance(kind, LayerSchema):
        return kind
    if kind not in SCHEMAS:  # a kind an audit module registers (占补平衡, the 卫片 bases): load the audits
        from .registry import all_specs

        all_specs()
    try:
        return SCHEMAS[kind]
    except KeyError:
        raise SchemaError(
            Problem(layer=str(kind), code="unknown_kind",
                    message=f"unknown layer kind {kind!r}",
                    fix=f"use one of: {', '.join(sorted(SCHEMAS))}")
        ) from None


def ids_only(kind: str | LayerSchema) -> LayerSchema:
    """The kind's schema with only its id field required (for uses that need nothing else, e.g. judging patches)."""
    from dataclasses import replace

    schema = get_schema(kind)
    return replace(schema, fields=tuple(replace(f, required=f.name == schema.id_field) for f in schema.fields))


_PUNCT = re.compile(r"[\s_\-（）()【】\[\]：:]+")


def normalise_name(name: str) -> str:
    """Case-, width- and punctuation-insensitive form of a field name, for matching aliases."""
    import unicodedata

    return _PUNCT.sub("", unicodedata.normalize("NFKC", str(name))).casefold()


#: a DBF field name holds at most this many bytes: longer Chinese names are cut (GBK: 5 characters, UTF-8: 3)
DBF_NAME_BYTES = 10


def dbf_cut_aliases(schema: LayerSchema) -> dict[str, str]:
    """``{normalised cut name: canonical field}``: the names a shapefile writer leaves of the aliases that do
    not fit a DBF field name (约定开工日期 -> 约定开工日 in GBK, 约定开 in UTF-8; a character cut in half is
    dropped). A cut that is itself a name of the schema, or that two fields share, is left out."""
    exact = {normalise_name(n) for f in schema.fields for n in (f.name, *f.aliases)}
    owners: dict[str, set[str]] = {}
    for f in schema.fields:
        for alias in (f.name, *f.aliases):
            for enc in ("gb18030", "utf-8"):
                raw = alias.encode(enc)
                if len(raw) > DBF_NAME_BYTES:
                    cut = normalise_name(raw[:DBF_NAME_BYTES].decode(enc, "ignore"))
                    if cut and cut not in exact:
                        owners.setdefault(cut, set()).add(f.name)
    return {cut: next(iter(names)) for cut, names in owners.items() if len(names) == 1}


def _resolve_columns(columns, schema: LayerSchema, mapping: Mapping[str, str] | None) -> tuple[dict[str, str], list]:
    """Find each canonical field's source column. Returns ({source: canonical}, problems)."""
    problems = []
    by_norm: dict[str, str] = {}
    for c in columns:
        by_norm.setdefault(normalise_name(c), c)
    renames: dict[str, str] = {}
    mapping = dict(mapping or {})
    unknown = [k for k in mapping if k not in {f.name for f in schema.fields}]
    if unknown:
        problems.append(Problem(
            layer=schema.kind, code="unknown_mapping_key",
            message=f"the field mapping names fields this layer kind does not have: {', '.join(unknown)}",
            fix=f"map onto these names: {', '.join(f.name for f in schema.fields)}"))
    taken: set[str] = set()
    cuts = dbf_cut_aliases(schema)
    for spec in schema.fields:
        source = None
        if spec.name in mapping:
            want = mapping[spec.name]
            source = want if want in columns else by_norm.get(normalise_name(want))
            if source is None:
                problems.append(Problem(
                    layer=schema.kind, code="mapped_field_missing",
                    message=f"the mapping says {spec.name} ({spec.label_zh}) is in column {want!r}, which the layer lacks",
                    fix="check the column name; the layer has: " + ", ".join(map(str, columns))))
                continue
        else:
            for cand in (spec.name, *spec.aliases):
                col = by_norm.get(normalise_name(cand))
                if col is not None and col not in taken:
                    source = col
                    break
            if source is None:  # a shapefile's name cut at the DBF's 10 bytes
                source = next((col for norm, col in by_norm.items()
                               if cuts.get(norm) == spec.name and col not in taken), None)
        if source is not None:
            taken.add(source)
            if source != spec.name:
                renames[source] = spec.name
    return renames, problems


#: How a date written with only a month or a year (``2020-03``, ``2020.3``, ``2020年3月``, ``2020``) is completed.
#: Every partial date is read in the land holder's favour, so that no finding against a holder rests on a day
#: the document does not give: a deadline the holder must meet (约定交地/缴款/开工/竣工日期) and a suspension
#: (停工日期, from which the stalled year runs) take the LAST day of the period -- an obligation "by 2020年3月"
#: is met until 2020-03-31, and the 出让合同 is the bureau's standard form, whose unclear terms are read against
#: the party that supplied it (民法典 第四百九十八条: 对格式条款有两种以上解释的，应当作出不利于提供格式条款一方的
#: 解释); every other date (the holder's actual dates, approval, supply, survey dates) takes the FIRST day.
#: The choice is noted for every value so completed, with the field, the ids and the day used.
PARTIAL_DATE_FILL: dict[str, Literal["first", "last"]] = {
    "agreed_handover_date": "last", "agreed_payment_date": "last", "agreed_start_date": "last",
    "agreed_completion_date": "last", "suspended_date": "last",
}

#: numbers read as Excel serial day numbers (1900 date system): from 2101 (below it a number is a year) to 79999
EXCEL_SERIAL_RANGE = (2101, 80000)

_FILL_WHY = {
    "last": "the last day of the period (for a deadline the reading most favourable to the holder; 民法典 第四百九十八条: "
            "a standard-form term is read against the party that supplied it)",
    "first": "the first day of the period",
}


def _parse_dates(values: pd.Series, *, fill: Literal["first", "last"] = "first") -> tuple[pd.Series, pd.Series]:
    """Parse dates as bureaus write them: 2019-03-01, 2019/3/1, 20190301, 2019年3月1日, Excel serials, and
    a month or a year alone (completed with the ``fill`` day of the period).

    Returns the parsed dates and, per value, how it was read: ``""`` (a full date), ``"month"`` or
    ``"year"`` (completed), ``"serial"`` (an Excel serial day number).
    """
    how = pd.Series("", index=values.index, dtype=object)
    if pd.api.types.is_datetime64_any_dtype(values):  # cells typed as dates
        out = pd.to_datetime(values).dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
        return out, how
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for i, v in values.items():
        out.at[i], how.at[i] = _parse_one_date(v, fill=fill)
    return out, how


_CN_DATE = re.compile(r"^\s*(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?\s*$")
_CN_MONTH = re.compile(r"^\s*(\d{4})\s*[年./\-]\s*(\d{1,2})\s*月?\s*$")
_CN_YEAR = re.compile(r"^\s*(\d{4})\s*年\s*$")


def _period(year: int, month: int | None, fill: str):
    """The first or last day of a year or a month (NaT when out of range)."""
    if not 1900 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
        return pd.NaT
    if month is None:
        return pd.Timestamp(year, 1, 1) if fill == "first" else pd.Timestamp(year, 12, 31)
    first = pd.Timestamp(year, month, 1)
    return first if fill == "first" else first + pd.offsets.MonthEnd(0)


def _parse_one_date(v, *, fill: Literal["first", "last"] = "first"):
    """One value -> ``(Timestamp or NaT, how)``; see :func:`_parse_dates`.

    A number from 1900 to 2100 is a year (``2020``, ``2020.0``), never Excel day 2020 (1905-07-12);
    ``2020.3`` is March 2020, but the number ``2020.1`` is refused (January, or October with its 0 lost?);
    the text ``"2020.1"`` keeps what was typed and is January.

    >>> [(str(d.date()), how) for d, how in (_parse_one_date(2020), _parse_one_date("2020.3", fill="last"),
    ...                                       _parse_one_date("2019年3月1日"), _parse_one_date(43525))]
    [('2020-01-01', 'year'), ('2020-03-31', 'month'), ('2019-03-01', ''), ('2019-03-01', 'serial')]
    """
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return pd.NaT, ""
    if isinstance(v, pd.Timestamp):
        return v, ""
    if hasattr(v, "year") and hasattr(v, "month"):
        return pd.Timestamp(v), ""
    if isinstance(v, bool | np.bool_):
        return pd.NaT, ""
    if isinstance(v, int | float | np.integer | np.floating):
        v = float(v)
        if v == int(v) and 1900 <= v <= 2100:
            return _period(int(v), None, fill), "year"
        if 1900 < v < 2101:  # 2020.3 -> March 2020; 2020.1 is ambiguous (January, or October written 2020.10)
            year, frac = repr(v).split(".")
            if frac == "1" or len(frac) > 2:
                return pd.NaT, ""
            return _period(int(year), int(frac), fill), "month"
        if 19000101 <= v <= 21001231 and v == int(v):
            return pd.to_datetime(str(int(v)), format="%Y%m%d", errors="coerce"), ""
        if EXCEL_SERIAL_RANGE[0] <= v < EXCEL_SERIAL_RANGE[1]:  # Excel serial day number
            return pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(v)), "serial"
        return pd.NaT, ""
    s = str(v).strip()
    if not s:
        return pd.NaT, ""
    m = _CN_DATE.match(s)
    if m:
        try:
            return pd.Timestamp(int(m[1]), int(m[2]), int(m[3])), ""
        except ValueError:
            return pd.NaT, ""
    if re.fullmatch(r"\d{8}", s):
        return pd.to_datetime(s, format="%Y%m%d", errors="coerce"), ""
    if re.fullmatch(r"\d{4,5}(\.0+)?", s):  # a year or an Excel serial exported as text
        return _parse_one_date(float(s), fill=fill)
    m = _CN_MONTH.match(s)
    if m:
        return _period(int(m[1]), int(m[2]), fill), "month"
    if re.fullmatch(r"\d{6}", s):  # 202003
        return _period(int(s[:4]), int(s[4:]), fill), "month"
    m = _CN_YEAR.match(s)
    if m:
        return _period(int(m[1]), None, fill), "year"
    try:
        return (pd.Timestamp(s).tz_localize(None) if pd.Timestamp(s).tzinfo else pd.Timestamp(s)), ""
    except (ValueError, TypeError):
        return pd.NaT, ""


def _date_notes(name: str, spec, col: pd.Series, parsed: pd.Series, how: pd.Series, ids: pd.Series,
                fill: str) -> list[Problem]:
    """Visible notes for the dates completed from a month or a year, and those read as Excel serials."""
    notes: list[Problem] = []
    if not how.astype(bool).any():  # every date read as written (cells typed as dates, among others)
        return notes
    for kind, what in (("month", "a month only"), ("year", "a year only")):
        mask = (how == kind).to_numpy() & parsed.notna().to_numpy()
        if mask.any():
            ex = "; ".join(f"{col[mask].iloc[k]!r} -> {parsed[mask].iloc[k].date().isoformat()}"
                           for k in range(min(3, int(mask.sum()))))
            notes.append(Problem(
                layer=name, code=f"partial_date_{kind}",
                message=f"{spec.name} ({spec.label_zh}): {int(mask.sum())} value(s) give {what} ({ex}); "
                        f"completed with {_FILL_WHY[fill]}",
                ids=tuple(ids[mask]), fatal=False,
                fix="write the full date from the document (e.g. 2020-03-15) where it gives one"))
    mask = (how == "serial").to_numpy() & parsed.notna().to_numpy()
    if mask.any():
        ex = "; ".join(f"{col[mask].iloc[k]!r} -> {parsed[mask].iloc[k].date().isoformat()}"
                       for k in range(min(3, int(mask.sum()))))
        notes.append(Problem(
            layer=name, code="excel_serial_date",
            message=f"{spec.name} ({spec.label_zh}): {int(mask.sum())} number(s) read as Excel serial day numbers "
                    f"({ex})", ids=tuple(ids[mask]), fatal=False,
            fix="store dates as dates or as text 2019-03-01 to avoid the guess"))
    return notes


def _clean_number_text(v):
    """A value's text without thousands separators (``,`` ``，``) and surrounding whitespace; None when blank."""
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else \
        str(v).replace(",", "").replace("，", "").strip() or None


#: the types read without writing them out (exact types: a bool is no int here, nor a numpy float a float)
_PLAIN_TYPES = {str: 1, float: 2, int: 3}


def _typed_numbers(col: pd.Series) -> pd.Series:
    """Numbers as typed in a text (or mixed) column, as float64: NaN where null, blank or unreadable.

    Each value is read from its text, :func:`_clean_number_text`, the whole column at once:
    ``" 1,200.5 "`` is 1200.5; ``"１２"``, ``"nan"`` and ``True`` are no numbers.

    Most values need not be written out for that: a float's text reads back as the very float; an int's as the
    int rounded to the nearest float; a str that pandas reads as it stands (it skips only whitespace that
    ``strip`` removes, and reads no separator) as the same number once cleaned. Only the values left unread
    and those of other types are cleaned one by one. The one answer that depends on the rest of the column
    is the sign of a zero typed as ``-0`` (0.0 when every text is a whole number, else -0.0): a column with
    such a text is read whole from its text.
    """
    values = col.to_numpy(dtype=object)
    known = col.notna().to_numpy()
    out = np.full(len(values), np.nan)
    if pd.api.types.infer_dtype(values, skipna=True) == "string":
        text, floats, ints = known, np.zeros(len(values), dtype=bool), np.zeros(len(values), dtype=bool)
    else:
        kind = np.frompyfunc(_PLAIN_TYPES.get, 2, 1)(np.frompyfunc(type, 1, 1)(values), 0).astype(np.int8)
        text, floats, ints = known & (kind == 1), known & (kind == 2), known & (kind == 3)
    if floats.any():
        out[floats] = values[floats].astype("float64")
    if ints.any():
        try:
            out[ints] = values[ints].astype("float64")
        except OverflowError:  # beyond the largest float: its text reads as inf
            ints[:] = False
    if text.any():
        out[text] = np.asarray(pd.to_numeric(values[text], errors="coerce"), dtype="float64")
    rest = known & np.isnan(out)
    if rest.any():
        cleaned = pd.Series([_clean_number_text(v) for v in values[rest]], dtype=object)
        out[rest] = np.asarray(pd.to_numeric(cleaned, errors="coerce"), dtype="float64")
    zero = np.flatnonzero((out == 0) & ~floats & ~ints)
    if len(zero) and any("-" in str(v) for v in values[zero]):
        return pd.to_numeric(col.astype(object).map(_clean_number_text), errors="coerce").astype("float64")
    return pd.Series(out, index=col.index)


def apply_schema(frame, kind: str | LayerSchema, *, fields: Mapping[str, str] | None = None,
                 layer_name: str | None = None):
    """Rename a layer's columns to the canonical names of ``kind`` and parse their types.

    Parameters
    ----------
    frame : GeoDataFrame or DataFrame
        The layer as read. It is not modified; a copy is returned.
    kind : str or LayerSchema
        The layer kind, e.g. ``"approvals"``.
    fields : mapping, optional
        ``{canonical_name: column_in_layer}`` for names redline does not recognise.
    layer_name : str, optional
        How to name the layer in messages (defaults to the kind).

    Returns
    -------
    (frame, info)
        The renamed copy, and ``info`` with ``field_map`` (source column -> canonical)
        ``bad_values`` ({canonical field: [ids whose value could not be parsed]}) and ``date_notes``
        (Problems, not fatal: dates completed from a month or a year by :data:`PARTIAL_DATE_FILL`, numbers
        read as Excel serial days).

    Raises
    ------
    SchemaError
        Listing every missing required field, and the columns found instead.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"批准文号": ["豫政土〔2015〕12号"], "PZRQ": ["2015年3月2日"]})
    >>> out, info = apply_schema(df, "approvals")
    >>> list(out.columns), str(out.loc[0, "approval_date"].date())
    (['approval_id', 'approval_date'], '2015-03-02')
    """
    schema = get_schema(kind)
    name = layer_name or schema.kind
    columns = [c for c in frame.columns if c != getattr(frame, "_geometry_column_name", None)]
    renames, problems = _resolve_columns(columns, schema, fields)
    present = set(renames.values()) | {c for c in columns if c in {f.name for f in schema.fields}}
    missing = [f for f in schema.fields if f.required and f.name not in present]
    if missing:
        problems.append(Problem(
            layer=name, code="missing_field",
            message="required fields not found: " + "; ".join(
                f"{f.name} ({f.label_zh}, also accepted: {', '.join(f.aliases[:4])})" for f in missing)
            + ". The layer has: " + (", ".join(map(str, columns)) or "no attribute columns"),
            fix="rename the columns, or pass a field mapping such as fields={"
                + ", ".join(f"'{f.name}': '<your column>'" for f in missing) + "}"))
    problems = [p if p.layer != schema.kind or name == schema.kind else
                Problem(name, p.code, p.message, p.ids, p.fix, p.fatal) for p in problems]
    if problems:
        raise SchemaError(problems)
    # Columns that clash with a canonical name after renaming are kept under a suffixed name.
    out = frame.copy()
    clashes = {c for c in columns if c in renames.values() and c not in renames}
    if clashes:
        out = out.rename(columns={c: f"{c}_orig" for c in clashes})
    out = out.rename(columns=renames)
    bad: dict[str, list] = {}
    date_notes: list[Problem] = []
    id_values = out[schema.id_field] if schema.id_field in out else pd.Series(out.index, index=out.index)
    for spec in schema.fields:
        if spec.name not in out.columns:
            continue
        col = out[spec.name]
        if spec.type == "date":
            fill = PARTIAL_DATE_FILL.get(spec.name, "first")
            parsed, how = _parse_dates(col, fill=fill)
            failed = parsed.isna() & col.notna()  # and not blank: only those values are written out to look at
            if failed.any():
                failed[failed] = col[failed].astype(str).str.strip() != ""
            date_notes += _date_notes(name, spec, col, parsed, how, id_values, fill)
        elif spec.type in ("float", "int"):
            if pd.api.types.is_numeric_dtype(col):
                parsed = pd.to_numeric(col, errors="coerce")
            else:  # text, as bureaus type it: "1,200.5", " 35 ", "" (pandas 3 keeps it as str, older as object)
                parsed = _typed_numbers(col)
            failed = parsed.isna() & col.notna()  # and not blank: only those values are written out to look at
            if failed.any():
                failed[failed] = col[failed].astype(str).str.strip() != ""
            parsed = parsed.astype("float64")
        else:
            parsed = col.where(col.isna(), col.astype(str).str.strip())
            if spec.name == schema.id_field:
                parsed = parsed.where(parsed != "", None)
            failed = pd.Series(False, index=col.index)
        if failed.any():
            bad[spec.name] = list(id_values[failed])
        out[spec.name] = parsed
    info = {"field_map": renames, "bad_values": bad, "kind": schema.kind, "layer": name, "date_notes": date_notes}
    return out, info
