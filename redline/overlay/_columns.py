"""The columns of the overlay audits' outputs, declared once (see :class:`redline.spec.Column`).

``L`` declares a column the ledger sheet shows (in this order), ``X`` one it does not; the tables of
``docs/outputs.md``, the GeoPackage aliases and the plugin's field aliases are built from these.
"""

from __future__ import annotations

from functools import partial

from ..spec import RULE, Column

L = partial(Column, ledger=True)
X = Column

#: columns several overlay outputs share, declared once
SUPPLY_ID = L("supply_id", "text", "合同编号", "Contract number", "id")
PROJECT_NAME = L("project_name", "text", "项目名称", "Project", optional=True)
HOLDER = L("holder", "text", "受让人", "Holder", optional=True)
DISTRICT = L("district", "text", "所在区县", "District", optional=True)
SUPPLY_DATE = L("supply_date", "date", "供地日期", "Supply date")
SUPPLY_MU = L("supply_mu", "mu", "供地面积(亩)", "Supply area")
SUPPLY_M2 = L("supply_m2", "m2", "供地面积(平方米)", "Supply area")
APPROVAL_ID = L("approval_id", "text", "批准文号", "Approval number", "id")
APPROVAL_DATE = L("approval_date", "date", "批准日期", "Approval date")
BATCH_NAME = L("batch_name", "text", "批次名称", "Batch name", optional=True)

#: optional=True: an optional field of the input, emitted when the input has it

ANS_COLUMNS = (
    APPROVAL_ID,
    BATCH_NAME,
    APPROVAL_DATE,
    DISTRICT,
    L("planned_use", "text", "规划用途", "Planned use", optional=True),
    L("approved_mu", "mu", "报批面积(亩)", "Approved area"),
    L("approved_m2", "m2", "报批面积(平方米)", "Approved area"),
    L("supplied_mu", "mu", "已供面积(亩)", "Supplied area"),
    L("supplied_m2", "m2", "已供面积(平方米)", "Supplied area"),
    L("unsupplied_mu", "mu", "未供面积(亩)", "Unsupplied area"),
    L("unsupplied_m2", "m2", "未供面积(平方米)", "Unsupplied area"),
    L("sliver_mu", "mu", "碎片面积(亩)", "Sliver area"),
    L("sliver_m2", "m2", "碎片面积(平方米)", "Sliver area",
      description="unsupplied pieces under the sliver thresholds (digitising error), not counted as unsupplied"),
    L("unsupplied_kind", "text", "未供类型", "Unsupplied kind", "status",
      description="none (fully supplied), sliver (only slivers left), land"),
    L("supply_rate", "ratio", "供地率", "Supply rate"),
    L("supplies_n", "int", "相交供地宗数", "Supplies touching", total=False),
    L("approval_age_years", "int", "批准年限(年)", "Years since approval", total=False, unit="年 years"),
    RULE,
    X("sliver_parts", "int", "碎片块数", "Sliver pieces"),
    X("approval_year", "int", "批准年度", "Approval year", unit="年 year"),
    X("point_x", "float", "标注点X", "Label point x", unit="m"),
    X("point_y", "float", "标注点Y", "Label point y", unit="m"),
)

OUTSIDE_COLUMNS = (
    SUPPLY_ID,
    PROJECT_NAME,
    HOLDER,
    SUPPLY_DATE,
    DISTRICT,
    SUPPLY_MU,
    SUPPLY_M2,
    L("inside_mu", "mu", "报批范围内面积(亩)", "Area inside approvals"),
    L("inside_m2", "m2", "报批范围内面积(平方米)", "Area inside approvals"),
    L("outside_mu", "mu", "报批范围外面积(亩)", "Area outside approvals"),
    L("outside_m2", "m2", "报批范围外面积(平方米)", "Area outside approvals"),
    L("outside_kind", "text", "范围外类型", "Outside kind", "status",
      description="none, sliver (only slivers outside), land"),
    RULE,
    X("outside_sliver_m2", "m2", "范围外碎片面积(平方米)", "Sliver area outside approvals"),
    X("outside_sliver_mu", "mu", "范围外碎片面积(亩)", "Sliver area outside approvals"),
    X("approvals_n", "int", "相交报批数", "Approvals touching"),
)

BEFORE_COLUMNS = (
    SUPPLY_ID,
    PROJECT_NAME,
    HOLDER,
    SUPPLY_DATE,
    APPROVAL_ID,
    BATCH_NAME,
    APPROVAL_DATE,
    L("days_before_approval", "days", "早于批准天数", "Days before the approval", total=False),
    DISTRICT,
    L("overlap_mu", "mu", "重叠面积(亩)", "Overlap area"),
    L("overlap_m2", "m2", "重叠面积(平方米)", "Overlap area"),
    L("reason", "text", "认定理由", "Reason", "reason"),
    RULE,
)

RATE_COLUMNS = (
    L("district", "text", "行政区", "District", "id"),
    L("period", "text", "统计期", "Period"),
    L("period_kind", "text", "统计口径", "Period kind", description="year, recent (last year), long (five years)"),
    # the rows overlap (each approval is in its year, in a window, in its district and in 全部): a sum over the
    # sheet would count an approval several times; the 全部 row of each period is that period's total
    L("approvals_n", "int", "批次数", "Approvals", total=False),
    L("approved_mu", "mu", "报批面积(亩)", "Approved area", total=False),
    L("approved_m2", "m2", "报批面积(平方米)", "Approved area", total=False),
    L("supplied_mu", "mu", "已供面积(亩)", "Supplied area", total=False),
    L("supplied_m2", "m2", "已供面积(平方米)", "Supplied area", total=False),
    L("unsupplied_mu", "mu", "未供面积(亩)", "Unsupplied area", total=False),
    L("unsupplied_m2", "m2", "未供面积(平方米)", "Unsupplied area", total=False),
    L("supply_rate", "ratio", "供地率", "Supply rate"),
    L("min_rate", "ratio", "供地率下限", "Supply rate floor", total=False),
    L("below_min", "bool", "低于下限(增存挂钩)", "Below the floor (增存挂钩)", "status"),
    RULE,
    X("period_start", "date", "统计期起", "Period start"),
    X("period_end", "date", "统计期止", "Period end"),
    X("sliver_m2", "m2", "碎片面积(平方米)", "Sliver area"),
)

IDLE_COLUMNS = (
    SUPPLY_ID,
    PROJECT_NAME,
    HOLDER,
    DISTRICT,
    SUPPLY_DATE,
    SUPPLY_MU,
    SUPPLY_M2,
    L("price_wan", "wan", "出让价款(万元)", "Price", optional=True),
    L("agreed_start_date", "date", "约定开工日期", "Agreed start date", optional=True),
    L("agreed_handover_date", "date", "约定交地日期", "Agreed handover date", optional=True),
    L("actual_handover_date", "date", "实际交地日期", "Actual handover date", optional=True),
    L("extended_start_date", "date", "补充协议约定动工开发日期", "Start date of a supplementary agreement", optional=True),
    L("effective_start_date", "date", "起算动工开发日期", "Start date the clocks run from"),
    L("actual_start_date", "date", "实际开工日期", "Actual start date", optional=True),
    L("suspended_date", "date", "停工日期", "Suspension date", optional=True),
    L("actual_completion_date", "date", "实际竣工日期", "Actual completion date", optional=True),
    L("developed_mu", "mu", "已开发面积(亩)", "Developed area"),
    L("developed_m2", "m2", "已开发面积(平方米)", "Developed area"),
    L("developed_source", "text", "开发面积来源", "Source of the developed area"),
    L("old_construction_m2", "m2", "供地前已有建筑占地(平方米)", "Footprint built before the supply"),
    L("developed_ratio", "ratio", "开发比例", "Developed share", total=False),
    L("invested_ratio", "ratio", "投资比例", "Invested share", total=False),
    L("idle_date", "date", "认定闲置日期", "Idle from"),
    L("idle_days", "days", "闲置天数", "Days idle", total=False),
    L("status_zh", "text", "状态", "Status (Chinese)", "status"),
    L("status", "text", "状态代码", "Status", "status"),
    L("idle_fee", "wan", "闲置费(万元, 按价款20%)", "Idle fee (20 % of the price)", total=False),
    L("fee_due", "wan", "应征闲置费(万元)", "Idle fee due"),
    L("measure_zh", "text", "处置措施(第十四条)", "Measure (art. 14, Chinese)", "status"),
    L("recovery_candidate", "bool", "可无偿收回", "Recovery without compensation", "status"),
    L("delay_cause_code", "text", "闲置原因代码", "Delay cause code", optional=True),
    L("delay_cause_clause", "text", "第八条情形", "Art. 8 clause"),
    L("delay_cause", "text", "延期原因", "Delay cause", optional=True),
    L("pending_since", "date", "待处置起始日期", "Disposal pending since"),
    L("reason", "text", "认定理由", "Reason", "reason"),
    RULE,
    X("developed_estimated", "bool", "开发面积为估算", "Developed area estimated"),
    X("old_construction_mu", "mu", "供地前已有建筑占地(亩)", "Footprint built before the supply"),
    X("undated_building_m2", "m2", "无建成日期建筑占地(平方米)", "Footprint without a built date"),
    X("started", "bool", "已开工", "Started", "status"),
    X("start_basis", "text", "开工认定依据", "Start evidence"),
    X("extension_over_limit", "bool", "延期超过上限", "Extension over the limit", "status"),
    X("idle_since", "date", "闲置起算日期", "Idle clock start"),
    X("recover_date", "date", "可收回日期", "Recoverable from"),
    X("exempt_from", "text", "免责情形", "Exempt by"),
    X("measure", "text", "处置措施代码", "Measure (art. 14)", "status"),
)

UNDERUSED_COLUMNS = (
    L("parcel_id", "text", "宗地号", "Parcel number", "id"),
    L("holder", "text", "土地使用者", "Holder", optional=True),
    L("land_use", "text", "土地用途", "Land use", optional=True),
    L("industry", "text", "行业分类", "Industry", optional=True),
    L("zone", "text", "园区", "Zone", optional=True),
    L("site_mu", "mu", "宗地面积(亩)", "Site area"),
    L("site_m2", "m2", "宗地面积(平方米)", "Site area"),
    L("footprint_m2", "m2", "建筑占地面积(平方米)", "Building footprint"),
    L("counted_floor_area_m2", "m2", "计容建筑面积(平方米)", "Counted floor area"),
    L("far", "float", "容积率", "Plot ratio"),
    L("far_min", "float", "容积率下限", "Plot ratio floor"),
    L("building_coefficient", "ratio", "建筑系数", "Building coefficient", total=False),
    L("investment_intensity", "float", "投资强度(万元/亩)", "Investment intensity", unit="万元/亩"),
    L("tax_per_mu", "float", "亩均税收(万元/亩)", "Tax per mu", unit="万元/亩"),
    L("output_per_mu", "float", "亩均产值(万元/亩)", "Output per mu", unit="万元/亩"),
    L("low_efficiency", "bool", "低效用地(容积率<0.3)", "Low efficiency (plot ratio < 0.3)", "status"),
    L("judgement_zh", "text", "判定", "Judgement (Chinese)", "status"),
    L("judgement", "text", "判定代码", "Judgement", "status"),
    L("underused", "bool", "用而不足", "Under-used", "status"),
    L("far_over_max", "bool", "超合同容积率上限", "Over the contract plot-ratio cap", "status"),
    L("land_use_read", "text", "用途判读", "Land use as read"),
    L("industry_edition", "text", "行业分类标准", "Industry classification edition"),
    L("reasons", "text", "原因", "Reasons", "reason"),
    L("not_judged", "text", "未判定指标", "Indicators not judged", "reason"),
    RULE,
    X("footprint_mu", "mu", "建筑占地面积(亩)", "Building footprint"),
    X("floor_area_source", "text", "建筑面积来源", "Source of the floor area"),
    X("buildings_n", "int", "建筑物数", "Buildings"),
    X("doubled_storey_buildings", "int", "层高超8米按两层计的建筑数", "Buildings with doubled storeys"),
    X("investment_wan", "wan", "投资额(万元)", "Investment"),
    X("industry_code", "text", "行业代码", "Industry code"),
    X("assessed", "bool", "已评价", "Assessed", "status"),
    X("admin_over_max", "bool", "行政办公及生活服务设施超比例", "Administrative facilities over the share", "status"),
    X("contract_far_min", "float", "合同容积率下限", "Contract plot-ratio floor", optional=True),
    X("contract_far_max", "float", "合同容积率上限", "Contract plot-ratio cap", optional=True),
)

ALERT_COLUMNS = (
    SUPPLY_ID,
    PROJECT_NAME,
    HOLDER,
    DISTRICT,
    L("obligation_zh", "text", "履约事项", "Obligation (Chinese)"),
    L("agreed_date", "date", "约定日期", "Agreed date"),
    L("actual_date", "date", "实际日期", "Actual date"),
    L("days_remaining", "days", "剩余天数", "Days remaining", total=False),
    L("days_overdue", "days", "逾期天数", "Days overdue", total=False),
    L("days_late", "days", "迟延天数", "Days late", total=False),
    L("level_zh", "text", "预警级别", "Level (Chinese)", "status"),
    L("level", "text", "级别代码", "Level", "status"),
    L("reason", "text", "说明", "Reason", "reason"),
    RULE,
    X("land_use", "text", "土地用途", "Land use", optional=True),
    X("supply_date", "date", "供地日期", "Supply date"),
    X("obligation", "text", "履约事项代码", "Obligation", description="handover, payment, start, completion"),
)

RECORDED_COLUMNS = (
    L("layer_zh", "text", "图层", "Layer (Chinese)"),
    L("feature_id", "text", "要素编号", "Feature id", "id"),
    L("recorded_field_zh", "text", "记载面积字段", "Recorded-area field (Chinese)"),
    L("recorded_m2", "m2", "记载面积(平方米)", "Recorded area", total=False),
    L("recorded_mu", "mu", "记载面积(亩)", "Recorded area", total=False),
    L("drawn_m2", "m2", "图形面积(平方米)", "Drawn area", total=False),
    L("drawn_mu", "mu", "图形面积(亩)", "Drawn area", total=False),
    L("difference_m2", "m2", "差值(平方米)", "Difference", total=False),
    L("difference_mu", "mu", "差值(亩)", "Difference", total=False),
    L("difference_ratio", "ratio", "差值比例", "Difference ratio", total=False),
    L("tolerance_m2", "m2", "容差(平方米)", "Tolerance", total=False),
    L("area_method", "text", "面积算法", "Area method"),
    L("reason", "text", "说明", "Reason", "reason"),
    RULE,
    X("layer", "text", "图层名", "Layer"),
    X("recorded_field", "text", "记载面积字段名", "Recorded-area field"),
)
