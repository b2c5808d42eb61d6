"""The legal bases (合法依据) a change patch is judged against, and the layer kinds that carry them.

A change patch found on satellite imagery (卫片图斑) is legal where, on the later image's date, some
basis covered the land and allowed what it is used for. The bases, mildest first (the order a piece
takes its basis from when several cover it):

========================  ===================  ====================================================
basis (layer kind)        中文                  date that grants it (and its end, if it has one)
========================  ===================  ====================================================
``supplies``              供地 (出让/划拨)       ``supply_date`` 签订日期
``approvals``             农转用/征收批准        ``approval_date`` 批准日期
``advance_use``           先行用地              ``granted_date`` 批复日期 (``end_date`` 期限, optional)
``linkage_new``           增减挂钩建新区          ``granted_date`` 批准日期
``homestead``             宅基地审批             ``granted_date`` 批准日期
``facility_agri``         设施农用地备案          ``granted_date`` 备案日期
``temporary_use``         临时用地              ``granted_date`` 批准日期, ``end_date`` 到期日期 (required)
``consolidation``         土地整治项目区          ``granted_date`` 立项/批准日期
========================  ===================  ====================================================

A basis granted after the later image's date is not a basis for what the image shows (先建后批), and a
temporary use (or 先行用地) whose term ended before it is none either. Which bases allow occupying
cultivated land (耕地) and permanent basic farmland (永久基本农田) is the rule set's table
``imagery.basis_may_occupy_cultivated`` / ``imagery.basis_may_occupy_pbf``, not this code's.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import F, FieldSpec, LayerSchema, get_schema, register_schema

__all__ = ["BASES", "BASIS_KINDS", "Basis", "basis"]


@dataclass(frozen=True)
class Basis:
    """One kind of legal basis: its layer kind, labels, id and date fields, and its register column."""

    kind: str
    label_zh: str
    label_en: str
    date_field: str
    #: the register's column listing the ids of this basis covering each patch
    ids_column: str
    end_field: str | None = None

    @property
    def id_field(self) -> str:
        return get_schema(self.kind).id_field


def _granted(*aliases: str, label: str = "批准日期") -> FieldSpec:
    return F("granted_date", "date", label, label, *aliases)


def _end(required: bool) -> FieldSpec:
    return F("end_date", "date", "到期日期", "到期日期", "截止日期", "使用期限截止日期", "期限截止日期", "终止日期",
             "DQRQ", "JZRQ", required=required)


register_schema(LayerSchema(
    kind="facility_agri", label_zh="设施农用地备案", id_field="record_id",
    description="Facility agricultural land records (设施农业用地备案, 自然资规〔2019〕4号), one polygon per record.",
    fields=(F("record_id", "str", "备案编号", "备案编号", "备案号", "项目编号", "BABH", "BSM", required=True),
            _granted("备案日期", "备案时间", "BARQ", label="备案日期"),
            F("project_name", "str", "项目名称", "项目名称", "XMMC"))))
register_schema(LayerSchema(
    kind="temporary_use", label_zh="临时用地", id_field="temporary_id",
    description="Approved temporary land use (临时用地, 《土地管理法》第五十七条) with the end of its term.",
    fields=(F("temporary_id", "str", "批准文号", "批准文号", "批复文号", "PZWH", "BSM", required=True),
            _granted("批复日期", "PZRQ", "QSRQ", "起始日期"), _end(required=True),
            F("project_name", "str", "项目名称", "项目名称", "XMMC"))))
register_schema(LayerSchema(
    kind="homestead", label_zh="宅基地审批", id_field="homestead_id",
    description="Approved rural homesteads (农村宅基地批准书, 《土地管理法》第六十二条).",
    fields=(F("homestead_id", "str", "批准书编号", "批准书编号", "宅基地批准书编号", "审批编号", "PZSBH", "BSM",
              required=True),
            _granted("批复日期", "审批日期", "PZRQ"),
            F("holder", "str", "户主", "户主", "申请人", "HZ"))))
register_schema(LayerSchema(
    kind="linkage_new", label_zh="增减挂钩建新区", id_field="project_id",
    description="New-construction areas of approved urban-rural land linkage projects (城乡建设用地增减挂钩 建新区).",
    fields=(F("project_id", "str", "项目编号", "项目编号", "批准文号", "项目区编号", "XMBH", "PZWH", "BSM", required=True),
            _granted("批复日期", "PZRQ"),
            F("project_name", "str", "项目名称", "项目名称", "XMMC"))))
register_schema(LayerSchema(
    kind="advance_use", label_zh="先行用地", id_field="advance_id",
    description="Land the ministry allowed a major project to use ahead of its formal approval (先行用地批复).",
    fields=(F("advance_id", "str", "批复文号", "批复文号", "批准文号", "PFWH", "PZWH", "BSM", required=True),
            _granted("批复日期", "PFRQ", "PZRQ", label="批复日期"), _end(required=False),
            F("project_name", "str", "项目名称", "项目名称", "XMMC"))))
register_schema(LayerSchema(
    kind="consolidation", label_zh="土地整治项目区", id_field="project_id",
    description="Approved land consolidation project areas (土地整治/高标准农田建设项目区).",
    fields=(F("project_id", "str", "项目编号", "项目编号", "XMBH", "BSM", required=True),
            _granted("立项日期", "批复日期", "LXRQ", "PZRQ"),
            F("project_name", "str", "项目名称", "项目名称", "XMMC"),
            F("scale_m2", "float", "建设规模(平方米)", "建设规模", "项目规模", "整治规模", "JSGM", unit="m2",
              description="The project's recorded scale (建设规模), for the 新增耕地率 (consolidation audit)."),
            F("new_farmland_m2", "float", "新增耕地面积(平方米)", "新增耕地面积", "新增耕地", "XZGDMJ", unit="m2",
              description="The cultivated land the project records as added, verified on the later land use."),
            F("cost_wan", "float", "项目总投资(万元)", "项目总投资", "总投资", "投资", "ZTZ", unit="万元"),
            F("accepted_date", "date", "验收日期", "验收日期", "验收时间", "YSRQ"))))

#: the bases, mildest first: a piece covered by several takes the first that allows its land
BASES: tuple[Basis, ...] = (
    Basis("supplies", "供地", "supply", "supply_date", "supply_ids"),
    Basis("approvals", "农转用/征收批准", "approval", "approval_date", "approval_ids"),
    Basis("advance_use", "先行用地", "advance use", "granted_date", "advance_use_ids", end_field="end_date"),
    Basis("linkage_new", "增减挂钩建新区", "linkage new area", "granted_date", "linkage_new_ids"),
    Basis("homestead", "宅基地审批", "homestead", "granted_date", "homestead_ids"),
    Basis("facility_agri", "设施农用地备案", "facility agriculture", "granted_date", "facility_agri_ids"),
    Basis("temporary_use", "临时用地", "temporary use", "granted_date", "temporary_use_ids", end_field="end_date"),
    Basis("consolidation", "土地整治项目区", "land consolidation", "granted_date", "consolidation_ids"),
)
BASIS_KINDS: tuple[str, ...] = tuple(b.kind for b in BASES)


def basis(kind: str) -> Basis:
    for b in BASES:
        if b.kind == kind:
            return b
    raise KeyError(kind)
