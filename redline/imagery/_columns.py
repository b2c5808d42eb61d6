"""The columns of the imagery audits' outputs, declared once (see :class:`redline.spec.Column`).

``L`` declares a column the ledger sheet shows (in this order), ``X`` one it does not. Class values
and patch numbers are integers in the results and shown as text on the ledger.
"""

from __future__ import annotations

from functools import partial

from ..spec import RULE, Column

L = partial(Column, ledger=True)
X = Column

TRANSITION_COLUMNS = (
    L("before", "text", "前时相地类", "First-date class"),
    L("after", "text", "后时相地类", "Second-date class"),
    L("pixels", "int", "像元数", "Pixels"),
    L("area_m2", "m2", "面积(平方米)", "Area"),
    L("area_mu", "mu", "面积(亩)", "Area"),
    L("changed", "bool", "是否变化", "Changed", "status"),
)

CHANGE_PATCH_COLUMNS = (
    L("patch_id", "text", "图斑编号", "Patch id", "id"),
    L("from_class", "text", "前时相地类", "First-date class"),
    L("to_class", "text", "后时相地类", "Second-date class"),
    L("before_date", "date", "前时相日期", "First image date"),
    L("after_date", "date", "后时相日期", "Second image date"),
    L("pixels", "int", "像元数", "Pixels"),
    L("area_m2", "m2", "面积(平方米)", "Area"),
    L("area_mu", "mu", "面积(亩)", "Area"),
    L("below_min_area", "bool", "低于最小上图面积", "Below the minimum mapping area", "status"),
    L("min_area_rule", "text", "依据", "Rule"),
    X("from_class_pixels", "text", "前时相各地类像元数", "First-date pixels by class"),
    X("to_class_pixels", "text", "后时相各地类像元数", "Second-date pixels by class"),
)

#: the ids of each basis in force covering a patch (the other bases than 报批 and 供地 are optional layers)
_BASIS_ID_COLUMNS = (
    X("advance_use_ids", "text", "涉及先行用地", "Advance use touched", "id"),
    X("linkage_new_ids", "text", "涉及增减挂钩建新区", "Linkage new areas touched", "id"),
    X("homestead_ids", "text", "涉及宅基地审批", "Homestead approvals touched", "id"),
    X("facility_agri_ids", "text", "涉及设施农用地备案", "Facility agriculture records touched", "id"),
    X("temporary_use_ids", "text", "涉及临时用地", "Temporary uses touched", "id"),
    X("consolidation_ids", "text", "涉及土地整治项目", "Consolidation projects touched", "id"),
)

REGISTER_COLUMNS = (
    L("patch_id", "text", "图斑编号", "Patch id", "id"),
    L("judgement_zh", "text", "研判结论", "Judgement (Chinese)", "status"),
    L("judgement", "text", "结论代码", "Judgement", "status"),
    L("from_class", "text", "前时相地类", "First-date class"),
    L("to_class", "text", "后时相地类", "Second-date class"),
    L("before_date", "date", "前时相日期", "First image date"),
    L("after_date", "date", "后时相日期", "Second image date"),
    L("area_m2", "m2", "图斑面积(平方米)", "Patch area"),
    L("area_mu", "mu", "图斑面积(亩)", "Patch area"),
    L("explained_mu", "mu", "合法面积(亩)", "Explained area"),
    L("unexplained_mu", "mu", "违法面积(亩)", "Unexplained area"),
    L("unexplained_cultivated_mu", "mu", "违法占用耕地(亩)", "Unexplained on cultivated land"),
    L("unexplained_pbf_mu", "mu", "违法占用永久基本农田(亩)", "Unexplained on permanent basic farmland"),
    L("cultivated_mu", "mu", "占用耕地(亩)", "Cultivated land occupied"),
    L("approval_ids", "text", "涉及批准文号", "Approvals touched", "id"),
    L("approved_mu", "mu", "已批面积(亩)", "Approved area"),
    L("supply_ids", "text", "涉及合同编号", "Supplies touched", "id"),
    L("supplied_mu", "mu", "已供面积(亩)", "Supplied area"),
    L("farmland_ids", "text", "涉及永久基本农田图斑", "Farmland patches touched", "id"),
    L("farmland_mu", "mu", "占用永久基本农田(亩)", "Permanent basic farmland taken"),
    L("late_basis_ids", "text", "后时相之后取得或已到期的依据", "Bases granted after the image or ended", "reason"),
    L("reason", "text", "研判说明", "Reason", "reason"),
    RULE,
    X("pieces", "int", "分割块数", "Pieces"),
    X("explained_m2", "m2", "合法面积(平方米)", "Explained area"),
    X("unexplained_m2", "m2", "违法面积(平方米)", "Unexplained area"),
    X("unexplained_cultivated_m2", "m2", "违法占用耕地(平方米)", "Unexplained on cultivated land"),
    X("unexplained_pbf_m2", "m2", "违法占用永久基本农田(平方米)", "Unexplained on permanent basic farmland"),
    X("cultivated_m2", "m2", "占用耕地(平方米)", "Cultivated land occupied"),
    X("piece_sliver_m2", "m2", "碎片面积(平方米, 不参与研判)", "Sliver pieces (decide nothing)"),
    *_BASIS_ID_COLUMNS,
    X("approved_m2", "m2", "已批面积(平方米)", "Approved area"),
    X("approved_sliver_m2", "m2", "已批碎片面积(平方米)", "Approved sliver area"),
    X("supplied_m2", "m2", "已供面积(平方米)", "Supplied area"),
    X("supplied_sliver_m2", "m2", "已供碎片面积(平方米)", "Supplied sliver area"),
    X("farmland_m2", "m2", "占用永久基本农田(平方米)", "Permanent basic farmland taken"),
    X("farmland_sliver_m2", "m2", "永久基本农田碎片面积(平方米)", "Farmland sliver area"),
    X("sliver_reason", "text", "碎片判定", "Sliver reason", "reason"),
)

PIECE_COLUMNS = (
    L("patch_id", "text", "图斑编号", "Patch id", "id"),
    L("piece", "int", "分割块号", "Piece", "id", total=False),
    L("patch_judgement_zh", "text", "图斑研判结论", "Patch judgement (Chinese)", "status"),
    L("judgement_zh", "text", "分割块研判结论", "Piece judgement (Chinese)", "status"),
    L("judgement", "text", "结论代码", "Judgement", "status"),
    L("basis_zh", "text", "合法依据", "Legal basis (Chinese)"),
    L("basis_ids", "text", "依据文号", "Basis ids", "id"),
    L("basis_dates", "text", "依据日期", "Basis dates", "date"),
    L("after_date", "date", "后时相日期", "Second image date"),
    L("on_cultivated", "bool", "占用耕地", "On cultivated land"),
    L("on_pbf", "bool", "占用永久基本农田", "On permanent basic farmland"),
    L("farmland_ids", "text", "永久基本农田图斑", "Farmland patches", "id"),
    L("area_m2", "m2", "面积(平方米)", "Area"),
    L("area_mu", "mu", "面积(亩)", "Area"),
    L("sliver", "bool", "碎片(不参与研判)", "Sliver (decides nothing)"),
    L("late_basis_ids", "text", "后时相之后取得或已到期的依据", "Bases granted after the image or ended", "reason"),
    L("reason", "text", "研判说明", "Reason", "reason"),
    RULE,
    X("patch_judgement", "text", "图斑结论代码", "Patch judgement", "status"),
    X("basis", "text", "依据代码", "Basis"),
)

ROLLUP_COLUMNS = (
    L("admin_code", "text", "行政区代码", "Admin code", "id"),
    L("admin_name", "text", "行政区名称", "Admin unit"),
    L("level", "text", "级别", "Level"),
    L("patches", "int", "图斑数", "Patches", total=False),
    L("new_construction_mu", "mu", "新增建设用地(亩)", "New construction", total=False),
    L("illegal_mu", "mu", "违法用地(亩)", "Illegal", total=False),
    L("cultivated_mu", "mu", "新增建设用地占用耕地(亩)", "New construction on cultivated land", total=False),
    L("illegal_cultivated_mu", "mu", "违法占用耕地(亩)", "Illegal on cultivated land", total=False),
    L("illegal_pbf_mu", "mu", "违法占用永久基本农田(亩)", "Illegal on permanent basic farmland", total=False),
    L("illegal_cultivated_ratio", "ratio", "违法占用耕地比例", "Illegal share of cultivated land occupied"),
    L("status_zh", "text", "问责线", "Against the lines (Chinese)", "status"),
    L("status", "text", "状态代码", "Status", "status"),
    L("reason", "text", "说明", "Reason", "reason"),
    RULE,
    X("new_construction_m2", "m2", "新增建设用地(平方米)", "New construction"),
    X("illegal_m2", "m2", "违法用地(平方米)", "Illegal"),
    X("cultivated_m2", "m2", "新增建设用地占用耕地(平方米)", "New construction on cultivated land"),
    X("illegal_cultivated_m2", "m2", "违法占用耕地(平方米)", "Illegal on cultivated land"),
    X("illegal_pbf_m2", "m2", "违法占用永久基本农田(平方米)", "Illegal on permanent basic farmland"),
)
