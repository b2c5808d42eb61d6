"""The layer kinds the project checks read: ``projects`` (项目用地红线) and ``plan`` (国土空间规划 用地用海)."""

from __future__ import annotations

from ..schema import F, LayerSchema, register_schema

__all__ = ["PLAN_SCHEMA", "PROJECTS_SCHEMA"]

PROJECTS_SCHEMA = register_schema(LayerSchema(
    kind="projects",
    label_zh="项目用地红线",
    id_field="project_id",
    description="A construction project's land red line (建设项目用地红线) as submitted for 用地预审 or 报批, one polygon "
                "per project.",
    fields=(
        F("project_id", "str", "项目编号", "项目编号", "项目代码", "项目编码", "XMBH", "XMDM", "BSM", required=True),
        F("project_name", "str", "项目名称", "项目名称", "XMMC"),
        F("planned_use", "str", "拟用地类型", "拟用地类型", "拟用途", "用地类型", "用地用海代码", "YDLX", "NYT",
          description="The project's use as a 用地用海分类 (2023) code, e.g. 1001 工业用地: compared with the plan layer"),
        F("zone", "str", "园区", "园区", "开发区", "所在园区", "所在地区", "YQ", "KFQ",
          description="The zone whose local thresholds apply (a key of the rule set's per-zone tables)"),
        F("industry", "str", "行业分类", "行业分类", "行业代码", "HYFL", "HYDM",
          description="GB/T 4754-2017 industry code (C34, 3411 ...): its division selects the FAR floor"),
        F("total_investment_wan", "float", "总投资(万元)", "总投资", "固定资产投资", "计划总投资", "投资总额", "ZTZ", "GDZCTZ",
          unit="万元"),
        F("floor_area_m2", "float", "计划建筑面积(平方米)", "计划建筑面积", "总建筑面积", "建筑面积", "JZMJ", unit="m2"),
        F("eco_activity", "str", "红线内活动类型", "红线内活动类型", "生态红线活动类型", "HDLX",
          description="For a project in the ecological red line: the limited activity (有限人为活动) it claims to be"),
    ),
))

PLAN_SCHEMA = register_schema(LayerSchema(
    kind="plan",
    label_zh="国土空间规划用途",
    id_field="plan_id",
    description="Planned land use of the 国土空间规划 (规划地类图斑), coded by the 用地用海分类 (2023): the project "
                "checks compare a project's use with it; the zone indicators take a zone's planned construction "
                "land from it.",
    fields=(
        F("plan_id", "str", "图斑编号", "标识码", "图斑编号", "规划图斑编号", "BSM", "TBBH", required=True),
        F("plan_use_code", "str", "规划用途代码", "规划用途代码", "用地用海代码", "规划地类编码", "用地用海分类代码", "YDYHFLDM",
          "GHDLBM", "GHYT", required=True),
        F("plan_use_name", "str", "规划用途名称", "规划用途名称", "用地用海名称", "YDYHFLMC", "GHDLMC"),
    ),
))
