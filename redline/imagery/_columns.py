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

REGISTER_COLUMNS = (
    L("patch_id", "text", "图斑编号", "Patch id", "id"),
    L("judgement_zh", "text", "研判结论", "Judgement (Chinese)", "status"),
    L("judgement", "text", "结论代码", "Judgement", "status"),
    L("from_class", "text", "前时相地类", "First-date class"),
    L("to_class", "text", "后时相地类", "Second-date class"),
    L("area_m2", "m2", "图斑面积(平方米)", "Patch area"),
    L("area_mu", "mu", "图斑面积(亩)", "Patch area"),
    L("approval_ids", "text", "涉及批准文号", "Approvals touched", "id"),
    L("approved_mu", "mu", "已批面积(亩)", "Approved area"),
    L("supply_ids", "text", "涉及合同编号", "Supplies touched", "id"),
    L("supplied_mu", "mu", "已供面积(亩)", "Supplied area"),
    L("farmland_ids", "text", "涉及永久基本农田图斑", "Farmland patches touched", "id"),
    L("farmland_mu", "mu", "占用永久基本农田(亩)", "Permanent basic farmland taken"),
    RULE,
    X("approved_m2", "m2", "已批面积(平方米)", "Approved area"),
    X("approved_sliver_m2", "m2", "已批碎片面积(平方米)", "Approved sliver area"),
    X("supplied_m2", "m2", "已供面积(平方米)", "Supplied area"),
    X("supplied_sliver_m2", "m2", "已供碎片面积(平方米)", "Supplied sliver area"),
    X("farmland_m2", "m2", "占用永久基本农田(平方米)", "Permanent basic farmland taken"),
    X("farmland_sliver_m2", "m2", "永久基本农田碎片面积(平方米)", "Farmland sliver area"),
    X("sliver_reason", "text", "碎片判定", "Sliver reason", "reason"),
)
