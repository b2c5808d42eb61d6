"""The columns of the boundary audits' outputs, declared once (see :class:`redline.spec.Column`).

``L`` declares a column the ledger sheet shows (in this order), ``X`` one it does not.
"""

from __future__ import annotations

from functools import partial

from ..spec import ADMIN_CODE, ADMIN_NAME, RULE, RULE_OFF_LEDGER, Column

L = partial(Column, ledger=True)
X = Column

#: emitted only when the run is given a GDP table (the gdp parameter)
_WITH_GDP = "with the gdp table only"

INTENSITY_COLUMNS = (
    ADMIN_CODE,
    ADMIN_NAME,
    L("total_mu", "mu", "总面积(亩)", "Total area"),
    L("construction_mu", "mu", "建设用地面积(亩)", "Construction land"),
    L("intensity", "ratio", "开发强度", "Development intensity"),
    L("level_zh", "text", "预警等级", "Warning level (Chinese)", "status"),
    L("coverage", "ratio", "地类图斑覆盖率", "Land-use coverage"),
    L("unknown_m2", "m2", "未识别地类面积(平方米)", "Unclassified area"),
    L("unknown_codes", "text", "未识别地类编码", "Unclassified codes"),
    L("gdp_yi_yuan", "float", "GDP(亿元)", "GDP", unit="亿元", optional=True, description=_WITH_GDP),
    L("construction_ha_per_yi_yuan", "float", "单位GDP建设用地(公顷/亿元)", "Construction land per GDP",
      total=False, unit="公顷/亿元", optional=True, description=_WITH_GDP),
    L("gdp_yi_yuan_per_km2", "float", "建设用地地均GDP(亿元/平方公里)", "GDP per construction land",
      total=False, unit="亿元/km²", optional=True, description=_WITH_GDP),
    RULE,
    X("total_m2", "m2", "总面积(平方米)", "Total area"),
    X("covered_m2", "m2", "地类图斑覆盖面积(平方米)", "Area covered by land-use patches"),
    X("construction_m2", "m2", "建设用地面积(平方米)", "Construction land"),
    X("level", "text", "预警等级代码", "Warning level", "status"),
    X("classification", "text", "地类分类", "Land-use classification"),
)

GROWTH_USE_COLUMNS = (
    L("boundary_id", "text", "边界编号", "Boundary id", "id"),
    L("name", "text", "名称", "Name"),
    L("total_mu", "mu", "边界面积(亩)", "Boundary area"),
    L("built_mu", "mu", "已建设面积(亩)", "Built area"),
    L("unbuilt_mu", "mu", "未建设面积(亩)", "Unbuilt area"),
    L("built_share", "ratio", "建设比例", "Built share"),
    L("unknown_codes", "text", "未识别地类编码", "Unclassified codes"),
    X("total_m2", "m2", "边界面积(平方米)", "Boundary area"),
    X("built_m2", "m2", "已建设面积(平方米)", "Built area"),
    X("unbuilt_m2", "m2", "未建设面积(平方米)", "Unbuilt area"),
    X("unknown_m2", "m2", "未识别地类面积(平方米)", "Unclassified area"),
    X("classification", "text", "地类分类", "Land-use classification"),
    RULE_OFF_LEDGER,
)
