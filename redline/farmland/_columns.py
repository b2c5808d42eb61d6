"""The columns of the farmland audits' outputs, declared once (see :class:`redline.spec.Column`).

``L`` declares a column the ledger sheet shows (in this order), ``X`` one it does not.
"""

from __future__ import annotations

from functools import partial

from ..spec import ADMIN_CODE, ADMIN_NAME, RULE, RULE_OFF_LEDGER, Column

L = partial(Column, ledger=True)
X = Column

#: emitted only when the run is given administrative units
_WITH_ADMIN = "with the admin input: the unit holding most of the patch"

CONFLICT_COLUMNS = (
    L("conflict_id", "text", "冲突编号", "Conflict id", "id"),
    L("kind_zh", "text", "冲突类型", "Conflict kind (Chinese)", "status"),
    L("farmland_id", "text", "图斑编号", "Farmland patch id", "id"),
    L("boundary_id", "text", "城镇开发边界编号", "Growth boundary id", "id"),
    L("redline_id", "text", "生态保护红线编号", "Eco red line id", "id"),
    L("part", "int", "分块序号", "Part", total=False),
    L("area_mu", "mu", "面积(亩)", "Area"),
    L("area_m2", "m2", "面积(平方米)", "Area"),
    L("width_m", "float", "平均宽度(米)", "Mean width", total=False, unit="m"),
    L("is_sliver", "bool", "是否碎片", "Sliver", "status"),
    L("sliver_reason", "text", "碎片判定", "Sliver reason", "reason"),
    L("resolution_zh", "text", "建议处置", "Suggested resolution (Chinese)"),
    L("admin_name", "text", "行政区名称", "Administrative unit", optional=True, description=_WITH_ADMIN),
    RULE,
    X("kind", "text", "冲突类型代码", "Conflict kind", "status",
      description="farmland_growth, farmland_eco, growth_eco"),
    X("left_layer", "text", "图层一", "First layer"),
    X("left_id", "text", "图层一要素编号", "First layer's feature id", "id"),
    X("right_layer", "text", "图层二", "Second layer"),
    X("right_id", "text", "图层二要素编号", "Second layer's feature id", "id"),
    X("perimeter_m", "float", "周长(米)", "Perimeter", unit="m"),
    X("yields", "text", "应避让图层", "Layer that yields"),
    X("resolution_en", "text", "建议处置(英文)", "Suggested resolution"),
    X("admin_code", "text", "行政区代码", "Administrative code", "id", optional=True, description=_WITH_ADMIN),
)

BY_UNIT_COLUMNS = (
    ADMIN_CODE,
    ADMIN_NAME,
    L("n_farmland_growth", "int", "农田×开发边界(处)", "PBF x growth boundary (patches)"),
    L("farmland_growth_mu", "mu", "农田×开发边界(亩)", "PBF x growth boundary"),
    L("n_farmland_eco", "int", "农田×生态红线(处)", "PBF x eco red line (patches)"),
    L("farmland_eco_mu", "mu", "农田×生态红线(亩)", "PBF x eco red line"),
    L("n_growth_eco", "int", "开发边界×生态红线(处)", "Growth boundary x eco red line (patches)"),
    L("growth_eco_mu", "mu", "开发边界×生态红线(亩)", "Growth boundary x eco red line"),
    L("conflict_count", "int", "冲突图斑(处, 不含碎片)", "Conflicts (patches, slivers apart)"),
    L("conflict_mu", "mu", "冲突面积(亩, 不含碎片)", "Conflict area (slivers apart)"),
    L("sliver_count", "int", "碎片(处)", "Slivers (patches)"),
    L("sliver_m2", "m2", "碎片面积(平方米)", "Sliver area"),
    X("farmland_growth_m2", "m2", "农田×开发边界(平方米)", "PBF x growth boundary"),
    X("farmland_eco_m2", "m2", "农田×生态红线(平方米)", "PBF x eco red line"),
    X("growth_eco_m2", "m2", "开发边界×生态红线(平方米)", "Growth boundary x eco red line"),
    X("conflict_m2", "m2", "冲突面积(平方米, 不含碎片)", "Conflict area (slivers apart)"),
    RULE_OFF_LEDGER,
)

RETENTION_COLUMNS = (
    ADMIN_CODE,
    ADMIN_NAME,
    L("cultivated_mu", "mu", "耕地面积(亩)", "Cultivated land"),
    L("cultivated_target_mu", "mu", "耕地保有量目标(亩)", "Cultivated land target"),
    L("cultivated_gap_mu", "mu", "耕地差额(亩)", "Cultivated land gap"),
    L("pbf_mu", "mu", "永久基本农田面积(亩)", "Permanent basic farmland"),
    L("pbf_target_mu", "mu", "基本农田保护目标(亩)", "PBF target"),
    L("pbf_gap_mu", "mu", "基本农田差额(亩)", "PBF gap"),
    L("pbf_share", "ratio", "基本农田占耕地比例", "PBF share of cultivated land"),
    L("pbf_share_min", "ratio", "比例下限", "PBF share floor"),
    L("status_zh", "text", "结论", "Conclusion (Chinese)", "status"),
    RULE,
    X("cultivated_m2", "m2", "耕地面积(平方米)", "Cultivated land"),
    X("cultivated_met", "bool", "耕地达标", "Cultivated target met", "status"),
    X("pbf_m2", "m2", "永久基本农田面积(平方米)", "Permanent basic farmland"),
    X("pbf_met", "bool", "基本农田达标", "PBF target met", "status"),
    X("pbf_share_met", "bool", "比例达标", "PBF share met", "status"),
    X("status", "text", "结论代码", "Conclusion", "status",
      description="ok, not_checked, no_target or the shortfalls, joined by '; '"),
)
