<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>redline</name>
    <message>
        <source>A project red line against permanent basic farmland, cultivated land, the eco red line, the growth boundary (by zone) and the planned use.</source>
        <comment>description:project_check</comment>
        <translation>项目用地红线与永久基本农田、耕地、生态保护红线、城镇开发边界及国土空间规划用途叠加审查</translation>
    </message>
    <message>
        <source>A project's area against the investment-intensity and FAR floors: the area to reduce and the rate; projects below the standalone minimum are told to use standard factory space.</source>
        <comment>description:project_standard</comment>
        <translation>项目用地面积对照投资强度和容积率控制指标, 计算核减面积和核减率; 投资不足者入驻标准厂房</translation>
    </message>
    <message>
        <source>Administrative units</source>
        <comment>input:development_intensity.admin</comment>
        <translation>行政区</translation>
    </message>
    <message>
        <source>Administrative units</source>
        <comment>input:farmland_exchange.admin</comment>
        <translation>行政区</translation>
    </message>
    <message>
        <source>Administrative units</source>
        <comment>input:farmland_retention.admin</comment>
        <translation>行政区</translation>
    </message>
    <message>
        <source>Administrative units</source>
        <comment>input:judge_patches.admin</comment>
        <translation>行政区</translation>
    </message>
    <message>
        <source>Administrative units</source>
        <comment>input:region_evaluation.admin</comment>
        <translation>行政区</translation>
    </message>
    <message>
        <source>Administrative units</source>
        <comment>input:supply_rate.admin</comment>
        <translation>行政区</translation>
    </message>
    <message>
        <source>Administrative units</source>
        <comment>input:three_line_conflicts.admin</comment>
        <translation>行政区</translation>
    </message>
    <message>
        <source>Advance use</source>
        <comment>input:judge_patches.advance_use</comment>
        <translation>先行用地</translation>
    </message>
    <message>
        <source>Approval, supply and use</source>
        <comment>group:overlay</comment>
        <translation>批供用审计</translation>
    </message>
    <message>
        <source>Approvals</source>
        <comment>input:approved_not_supplied.approvals</comment>
        <translation>报批(征地)红线</translation>
    </message>
    <message>
        <source>Approvals</source>
        <comment>input:judge_patches.approvals</comment>
        <translation>报批红线</translation>
    </message>
    <message>
        <source>Approvals</source>
        <comment>input:pbf_approval_level.approvals</comment>
        <translation>报批(征地)红线</translation>
    </message>
    <message>
        <source>Approvals</source>
        <comment>input:recorded_areas.approvals</comment>
        <translation>报批(征地)红线</translation>
    </message>
    <message>
        <source>Approvals</source>
        <comment>input:region_evaluation.approvals</comment>
        <translation>报批(征地)红线</translation>
    </message>
    <message>
        <source>Approvals</source>
        <comment>input:supply_rate.approvals</comment>
        <translation>报批(征地)红线</translation>
    </message>
    <message>
        <source>Approvals</source>
        <comment>input:topsoil_stripping.approvals</comment>
        <translation>报批红线</translation>
    </message>
    <message>
        <source>Approvals</source>
        <comment>input:zone_indicators.approvals</comment>
        <translation>报批(征地)红线</translation>
    </message>
    <message>
        <source>Approvals on PBF</source>
        <comment>output:pbf_approval_level.pbf_approval_level</comment>
        <translation>占用永久基本农田审批层级</translation>
    </message>
    <message>
        <source>Approvals on PBF: approving authority</source>
        <comment>audit:pbf_approval_level</comment>
        <translation>占用永久基本农田审批层级</translation>
    </message>
    <message>
        <source>Approvals overlapping permanent basic farmland, checked for State Council approval.</source>
        <comment>description:pbf_approval_level</comment>
        <translation>已批用地与永久基本农田叠加, 占用者核对批准机关是否为国务院</translation>
    </message>
    <message>
        <source>Approved but not supplied</source>
        <comment>audit:approved_not_supplied</comment>
        <translation>批而未供</translation>
    </message>
    <message>
        <source>Approved not supplied</source>
        <comment>output:approved_not_supplied.approved_not_supplied</comment>
        <translation>批而未供</translation>
    </message>
    <message>
        <source>Area discrepancies</source>
        <comment>output:recorded_areas.area_discrepancies</comment>
        <translation>面积不符</translation>
    </message>
    <message>
        <source>Area method</source>
        <translation>面积算法</translation>
    </message>
    <message>
        <source>Area method: ellipsoidal (CGCS2000) or planar</source>
        <comment>shared:AREA_METHOD</comment>
        <translation>面积算法：椭球面积（CGCS2000）或平面面积</translation>
    </message>
    <message>
        <source>As-of date (empty: today)</source>
        <translation>审计日期（留空为今天）</translation>
    </message>
    <message>
        <source>As-of date (empty: today): the date deadlines are judged at</source>
        <comment>shared:AS_OF</comment>
        <translation>审计日期（留空为今天）：判断逾期、闲置等的基准日</translation>
    </message>
    <message>
        <source>Auditing: {audit}</source>
        <translation>审计：{audit}</translation>
    </message>
    <message>
        <source>Base year</source>
        <comment>param:region_evaluation.base_year</comment>
        <translation>基期年份</translation>
    </message>
    <message>
        <source>Buildings</source>
        <comment>input:supplied_not_used.buildings</comment>
        <translation>建筑物</translation>
    </message>
    <message>
        <source>Buildings</source>
        <comment>input:underused.buildings</comment>
        <translation>建筑物</translation>
    </message>
    <message>
        <source>Buildings</source>
        <comment>input:zone_indicators.buildings</comment>
        <translation>建筑物</translation>
    </message>
    <message>
        <source>By district</source>
        <comment>param:supply_rate.by_district</comment>
        <translation>按行政区统计</translation>
    </message>
    <message>
        <source>Case register</source>
        <comment>group:register</comment>
        <translation>案件台账</translation>
    </message>
    <message>
        <source>Case register (.gpkg)</source>
        <translation>案件台账（.gpkg）</translation>
    </message>
    <message>
        <source>Case register (.gpkg; made when it does not exist)</source>
        <translation>案件台账（.gpkg，不存在时新建）</translation>
    </message>
    <message>
        <source>Change patches</source>
        <comment>audit:change_patches</comment>
        <translation>变化图斑提取</translation>
    </message>
    <message>
        <source>Change patches</source>
        <comment>input:judge_patches.change_patches</comment>
        <translation>变化图斑</translation>
    </message>
    <message>
        <source>Change patches</source>
        <comment>input:supplied_not_used.change_patches</comment>
        <translation>变化图斑</translation>
    </message>
    <message>
        <source>Change patches</source>
        <comment>output:change_patches.change_patches</comment>
        <translation>变化图斑</translation>
    </message>
    <message>
        <source>Change-patch pieces</source>
        <comment>output:judge_patches.patch_pieces</comment>
        <translation>卫片图斑登记表</translation>
    </message>
    <message>
        <source>Change-patch register</source>
        <comment>output:judge_patches.patch_register</comment>
        <translation>卫片图斑研判表</translation>
    </message>
    <message>
        <source>Change-patch roll-up</source>
        <comment>output:judge_patches.patch_rollup</comment>
        <translation>卫片执法统计</translation>
    </message>
    <message>
        <source>Check the disposal entries as of (empty: today)</source>
        <translation>处置记录校验日期（留空为今天）</translation>
    </message>
    <message>
        <source>Checking the layers: fields, geometries, coordinate system</source>
        <translation>检查图层：字段、几何、坐标系</translation>
    </message>
    <message>
        <source>Checks the disposal entries (those added in QGIS too; problems go into their problem column), then loads the open cases, styled by disposal status, and the disposal table, editable: add a disposal step there and the next check or round reads it.</source>
        <comment>description:open_cases</comment>
        <translation>校验处置记录 (包括在 QGIS 中新增的记录, 问题写入 problem 字段), 然后加载未结案件图层 (按处置状态着色) 和可编辑的处置记录表: 在表中新增处置步骤, 下次运行本工具或记录下一轮次时校验。</translation>
    </message>
    <message>
        <source>Choices: {values}</source>
        <translation>可选值：{values}</translation>
    </message>
    <message>
        <source>Class the patches became (minimum mapping area)</source>
        <comment>param:change_patches.to_category</comment>
        <translation>变化后地类(最小上图面积)</translation>
    </message>
    <message>
        <source>Classes</source>
        <comment>param:transitions.classes</comment>
        <translation>地类取值</translation>
    </message>
    <message>
        <source>Classified raster, first date</source>
        <comment>input:change_patches.before</comment>
        <translation>前时相分类影像</translation>
    </message>
    <message>
        <source>Classified raster, first date</source>
        <comment>input:transitions.before</comment>
        <translation>前时相分类影像</translation>
    </message>
    <message>
        <source>Classified raster, second date</source>
        <comment>input:change_patches.after</comment>
        <translation>后时相分类影像</translation>
    </message>
    <message>
        <source>Classified raster, second date</source>
        <comment>input:transitions.after</comment>
        <translation>后时相分类影像</translation>
    </message>
    <message>
        <source>Conflicts by unit</source>
        <comment>output:three_line_conflicts.conflicts_by_unit</comment>
        <translation>三区三线冲突汇总</translation>
    </message>
    <message>
        <source>Connected changed pixels as polygons, found block by block with patches across block edges joined; memory bounded independent of raster size.</source>
        <comment>description:change_patches</comment>
        <translation>分块提取变化图斑, 跨块图斑合并为一个, 内存与影像大小无关。</translation>
    </message>
    <message>
        <source>Consolidation projects</source>
        <comment>input:consolidation_projects.consolidation</comment>
        <translation>土地整治项目区</translation>
    </message>
    <message>
        <source>Consolidation projects: new farmland over scale, cost per new 亩, the recorded new farmland verified on the land use before and after.</source>
        <comment>description:consolidation_projects</comment>
        <translation>土地整治项目新增耕地率、亩均投资, 以整治前后地类核实记录的新增耕地</translation>
    </message>
    <message>
        <source>Consolidation: new farmland</source>
        <comment>output:consolidation_projects.consolidation_projects</comment>
        <translation>土地整治新增耕地</translation>
    </message>
    <message>
        <source>Construction land ÷ total area per unit, its warning level, and optionally land per unit GDP.</source>
        <comment>description:development_intensity</comment>
        <translation>按行政区计算建设用地占比 (土地开发强度) 与预警等级, 可选单位GDP建设用地占用</translation>
    </message>
    <message>
        <source>Copying the results into QGIS</source>
        <translation>将结果载入 QGIS</translation>
    </message>
    <message>
        <source>Cultivated land and PBF per unit against their targets and the 80 % PBF share.</source>
        <comment>description:farmland_retention</comment>
        <translation>按行政区统计耕地和永久基本农田面积, 对照耕地保有量、基本农田保护目标和 80% 比例</translation>
    </message>
    <message>
        <source>Cultivated land taken against land added, per unit and year, by quantity and quality grade; units short of either are flagged with the area still to add.</source>
        <comment>description:farmland_balance</comment>
        <translation>按行政区和年度对比耕地占用与补充耕地的数量和质量等别, 标出未平衡者及尚需补充的面积</translation>
    </message>
    <message>
        <source>Current year</source>
        <comment>param:region_evaluation.year</comment>
        <translation>现状年份</translation>
    </message>
    <message>
        <source>Deadline alerts</source>
        <comment>audit:deadline_alerts</comment>
        <translation>批后监管预警</translation>
    </message>
    <message>
        <source>Deadline alerts</source>
        <comment>output:deadline_alerts.deadline_alerts</comment>
        <translation>批后监管预警</translation>
    </message>
    <message>
        <source>Default: {value}</source>
        <translation>默认值：{value}</translation>
    </message>
    <message>
        <source>Development intensity</source>
        <comment>audit:development_intensity</comment>
        <translation>土地开发强度</translation>
    </message>
    <message>
        <source>Development intensity</source>
        <comment>output:development_intensity.development_intensity</comment>
        <translation>土地开发强度</translation>
    </message>
    <message>
        <source>Development zone indicators</source>
        <comment>audit:zone_indicators</comment>
        <translation>开发区土地集约利用评价</translation>
    </message>
    <message>
        <source>Development zone indicators</source>
        <comment>output:zone_indicators.zone_indicators</comment>
        <translation>开发区土地集约利用评价</translation>
    </message>
    <message>
        <source>Development zones</source>
        <comment>input:zone_indicators.zones</comment>
        <translation>开发区</translation>
    </message>
    <message>
        <source>Disposal entries</source>
        <translation>处置记录</translation>
    </message>
    <message>
        <source>Disposal entries with a problem</source>
        <translation>有问题的处置记录数</translation>
    </message>
    <message>
        <source>Each approval minus the union of the supplies touching it: approved, supplied and unsupplied area in 亩 and m², supply rate; slivers reported apart; supply outside approvals listed; supplies signed and approvals dated after the audit date left out (noted); supplies signed before their approval (先供后批) listed.</source>
        <comment>description:approved_not_supplied</comment>
        <translation>报批红线减去与之相交供地的并集, 按批次列出报批、已供、未供面积(亩、平方米)和供地率; 审计基准日之后签订的供地、批准的报批不计; 先供后批单列。</translation>
    </message>
    <message>
        <source>Each linkage project's demolished plots against its new plots: areas, reclaimed farmland, the surplus quota reconciled with the record, the revolving quota deadline.</source>
        <comment>description:linkage</comment>
        <translation>增减挂钩项目拆旧区与建新区对比: 面积、复垦耕地、节余指标与记录核对、周转指标归还期限</translation>
    </message>
    <message>
        <source>Each patch split by its legal bases (supply, approval, advance use, linkage, homestead, facility agriculture, temporary use, consolidation) granted before the later image; the illegal part measured on cultivated land and permanent basic farmland; rolled up per township and county to the ratio accountability uses.</source>
        <comment>description:judge_patches</comment>
        <translation>逐图斑按合法依据(供地、农转用、先行用地、增减挂钩、宅基地、设施农用地、临时用地、土地整治)分割研判, 依据须在后时相之前取得; 量算违法占用耕地和永久基本农田, 按乡镇和县统计违法占用耕地比例。</translation>
    </message>
    <message>
        <source>Earlier image date</source>
        <comment>param:judge_patches.before_date</comment>
        <translation>前时相日期</translation>
    </message>
    <message>
        <source>Eco red line</source>
        <comment>input:region_evaluation.eco_redline</comment>
        <translation>生态保护红线</translation>
    </message>
    <message>
        <source>Ecological red line</source>
        <comment>input:project_check.eco_redline</comment>
        <translation>生态保护红线</translation>
    </message>
    <message>
        <source>Ecological red line</source>
        <comment>input:three_line_conflicts.eco_redline</comment>
        <translation>生态保护红线</translation>
    </message>
    <message>
        <source>Ecological red line</source>
        <comment>input:zone_indicators.eco_redline</comment>
        <translation>生态保护红线</translation>
    </message>
    <message>
        <source>Every agreed date of every supply: a warning before it, an escalation after it when unmet.</source>
        <comment>description:deadline_alerts</comment>
        <translation>每宗供地的交地、缴款、开工、竣工约定日期: 到期前预警, 逾期后转为警示。</translation>
    </message>
    <message>
        <source>Every overlap between PBF, the eco red line and the growth boundary, in m² and 亩, slivers flagged, with the suggested resolution.</source>
        <comment>description:three_line_conflicts</comment>
        <translation>永久基本农田、生态保护红线、城镇开发边界两两重叠检查, 面积按平方米和亩, 标记碎片, 给出处置建议</translation>
    </message>
    <message>
        <source>Facility agriculture</source>
        <comment>input:judge_patches.facility_agri</comment>
        <translation>设施农用地备案</translation>
    </message>
    <message>
        <source>Farmland added</source>
        <comment>input:farmland_balance.farmland_added</comment>
        <translation>补充耕地</translation>
    </message>
    <message>
        <source>Farmland balance</source>
        <comment>audit:farmland_balance</comment>
        <translation>占补平衡</translation>
    </message>
    <message>
        <source>Farmland balance</source>
        <comment>output:farmland_balance.farmland_balance</comment>
        <translation>占补平衡</translation>
    </message>
    <message>
        <source>Farmland in and out</source>
        <comment>audit:farmland_exchange</comment>
        <translation>耕地进出平衡</translation>
    </message>
    <message>
        <source>Farmland in and out</source>
        <comment>output:farmland_exchange.farmland_exchange</comment>
        <translation>耕地进出平衡</translation>
    </message>
    <message>
        <source>Farmland in and out: pieces</source>
        <comment>output:farmland_exchange.farmland_exchange_patches</comment>
        <translation>耕地进出图斑</translation>
    </message>
    <message>
        <source>Farmland protection</source>
        <comment>group:farmland</comment>
        <translation>耕地保护</translation>
    </message>
    <message>
        <source>Farmland retention</source>
        <comment>audit:farmland_retention</comment>
        <translation>耕地保有量</translation>
    </message>
    <message>
        <source>Farmland retention</source>
        <comment>output:farmland_retention.farmland_retention</comment>
        <translation>耕地保有量与基本农田</translation>
    </message>
    <message>
        <source>Farmland taken</source>
        <comment>input:farmland_balance.farmland_taken</comment>
        <translation>耕地占用</translation>
    </message>
    <message>
        <source>First image date</source>
        <comment>param:change_patches.before_date</comment>
        <translation>前时相日期</translation>
    </message>
    <message>
        <source>From classes</source>
        <comment>param:change_patches.from_classes</comment>
        <translation>前时相地类</translation>
    </message>
    <message>
        <source>GDP table</source>
        <comment>param:development_intensity.gdp</comment>
        <translation>GDP表</translation>
    </message>
    <message>
        <source>Growth boundaries and three zones</source>
        <comment>group:boundaries</comment>
        <translation>三区三线</translation>
    </message>
    <message>
        <source>Growth boundary use</source>
        <comment>audit:growth_boundary_use</comment>
        <translation>城镇开发边界使用</translation>
    </message>
    <message>
        <source>Growth boundary use</source>
        <comment>output:growth_boundary_use.growth_boundary_use</comment>
        <translation>城镇开发边界使用情况</translation>
    </message>
    <message>
        <source>Homestead</source>
        <comment>input:judge_patches.homestead</comment>
        <translation>宅基地审批</translation>
    </message>
    <message>
        <source>How much of each growth boundary is built (construction land) and how much is left.</source>
        <comment>description:growth_boundary_use</comment>
        <translation>每个城镇开发边界内已建设 (建设用地) 与未建设面积</translation>
    </message>
    <message>
        <source>Idle land</source>
        <comment>output:supplied_not_used.idle_land</comment>
        <translation>闲置土地</translation>
    </message>
    <message>
        <source>Imagery change enforcement</source>
        <comment>group:imagery</comment>
        <translation>卫片执法</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Judge change patches</source>
        <comment>audit:judge_patches</comment>
        <translation>卫片图斑研判</translation>
    </message>
    <message>
        <source>Land consolidation</source>
        <comment>input:judge_patches.consolidation</comment>
        <translation>土地整治项目区</translation>
    </message>
    <message>
        <source>Land consolidation: new farmland</source>
        <comment>audit:consolidation_projects</comment>
        <translation>土地整治新增耕地</translation>
    </message>
    <message>
        <source>Land-use classification</source>
        <comment>param:consolidation_projects.classification</comment>
        <translation>地类分类</translation>
    </message>
    <message>
        <source>Land-use classification</source>
        <comment>param:development_intensity.classification</comment>
        <translation>地类分类</translation>
    </message>
    <message>
        <source>Land-use classification</source>
        <comment>param:farmland_exchange.classification</comment>
        <translation>地类分类</translation>
    </message>
    <message>
        <source>Land-use classification</source>
        <comment>param:farmland_retention.classification</comment>
        <translation>地类分类</translation>
    </message>
    <message>
        <source>Land-use classification</source>
        <comment>param:growth_boundary_use.classification</comment>
        <translation>地类分类</translation>
    </message>
    <message>
        <source>Land-use classification</source>
        <comment>param:linkage.classification</comment>
        <translation>地类分类</translation>
    </message>
    <message>
        <source>Land-use classification</source>
        <comment>param:project_landuse.classification</comment>
        <translation>地类分类</translation>
    </message>
    <message>
        <source>Land-use classification</source>
        <comment>param:topsoil_stripping.classification</comment>
        <translation>地类分类</translation>
    </message>
    <message>
        <source>Land-use classification</source>
        <comment>param:zone_indicators.classification</comment>
        <translation>地类分类</translation>
    </message>
    <message>
        <source>Land-use patches</source>
        <comment>input:consolidation_projects.landuse</comment>
        <translation>地类图斑</translation>
    </message>
    <message>
        <source>Land-use patches</source>
        <comment>input:development_intensity.landuse</comment>
        <translation>地类图斑</translation>
    </message>
    <message>
        <source>Land-use patches</source>
        <comment>input:farmland_exchange.landuse</comment>
        <translation>地类图斑</translation>
    </message>
    <message>
        <source>Land-use patches</source>
        <comment>input:farmland_retention.landuse</comment>
        <translation>地类图斑</translation>
    </message>
    <message>
        <source>Land-use patches</source>
        <comment>input:growth_boundary_use.landuse</comment>
        <translation>地类图斑</translation>
    </message>
    <message>
        <source>Land-use patches</source>
        <comment>input:linkage.landuse</comment>
        <translation>地类图斑</translation>
    </message>
    <message>
        <source>Land-use patches</source>
        <comment>input:project_check.landuse</comment>
        <translation>地类图斑</translation>
    </message>
    <message>
        <source>Land-use patches</source>
        <comment>input:project_landuse.landuse</comment>
        <translation>地类图斑</translation>
    </message>
    <message>
        <source>Land-use patches</source>
        <comment>input:region_evaluation.landuse</comment>
        <translation>地类图斑</translation>
    </message>
    <message>
        <source>Land-use patches</source>
        <comment>input:topsoil_stripping.landuse</comment>
        <translation>地类图斑</translation>
    </message>
    <message>
        <source>Land-use patches</source>
        <comment>input:zone_indicators.landuse</comment>
        <translation>地类图斑</translation>
    </message>
    <message>
        <source>Land-use patches, base year</source>
        <comment>input:region_evaluation.landuse_base</comment>
        <translation>基期地类图斑</translation>
    </message>
    <message>
        <source>Land-use standard</source>
        <comment>audit:project_standard</comment>
        <translation>用地标准核查</translation>
    </message>
    <message>
        <source>Land-use standard</source>
        <comment>output:project_standard.project_standard</comment>
        <translation>用地标准核查</translation>
    </message>
    <message>
        <source>Land-use survey</source>
        <comment>input:judge_patches.landuse</comment>
        <translation>地类图斑(三调)</translation>
    </message>
    <message>
        <source>Land-use survey patches</source>
        <comment>input:recorded_areas.landuse</comment>
        <translation>地类图斑</translation>
    </message>
    <message>
        <source>Later image date</source>
        <comment>param:judge_patches.after_date</comment>
        <translation>后时相日期</translation>
    </message>
    <message>
        <source>Later land-use patches</source>
        <comment>input:consolidation_projects.landuse_later</comment>
        <translation>后期地类图斑</translation>
    </message>
    <message>
        <source>Later land-use patches</source>
        <comment>input:farmland_exchange.landuse_later</comment>
        <translation>后期地类图斑</translation>
    </message>
    <message>
        <source>Later land-use patches</source>
        <comment>input:linkage.landuse_later</comment>
        <translation>后期地类图斑</translation>
    </message>
    <message>
        <source>Linkage demolished plots</source>
        <comment>input:linkage.linkage_demolished</comment>
        <translation>增减挂钩拆旧区</translation>
    </message>
    <message>
        <source>Linkage new area</source>
        <comment>input:judge_patches.linkage_new</comment>
        <translation>增减挂钩建新区</translation>
    </message>
    <message>
        <source>Linkage new plots</source>
        <comment>input:linkage.linkage_built</comment>
        <translation>增减挂钩建新区</translation>
    </message>
    <message>
        <source>Linkage plots</source>
        <comment>output:linkage.linkage_plots</comment>
        <translation>增减挂钩地块</translation>
    </message>
    <message>
        <source>Load the open cases and the disposal table</source>
        <translation>加载未结案件图层和处置记录表</translation>
    </message>
    <message>
        <source>Minimum patch area (m²)</source>
        <comment>param:change_patches.min_area_m2</comment>
        <translation>最小上图面积(平方米)</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>未结案件</translation>
    </message>
    <message>
        <source>Open cases of the register</source>
        <comment>audit:open_cases</comment>
        <translation>案件台账 未结案件</translation>
    </message>
    <message>
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Parcels</source>
        <comment>input:underused.parcels</comment>
        <translation>宗地</translation>
    </message>
    <message>
        <source>Parcels</source>
        <comment>input:zone_indicators.parcels</comment>
        <translation>宗地</translation>
    </message>
    <message>
        <source>Permanent basic farmland</source>
        <comment>input:farmland_retention.farmland</comment>
        <translation>永久基本农田</translation>
    </message>
    <message>
        <source>Permanent basic farmland</source>
        <comment>input:judge_patches.farmland</comment>
        <translation>永久基本农田</translation>
    </message>
    <message>
        <source>Permanent basic farmland</source>
        <comment>input:pbf_approval_level.farmland</comment>
        <translation>永久基本农田</translation>
    </message>
    <message>
        <source>Permanent basic farmland</source>
        <comment>input:project_check.farmland</comment>
        <translation>永久基本农田</translation>
    </message>
    <message>
        <source>Permanent basic farmland</source>
        <comment>input:recorded_areas.farmland</comment>
        <translation>永久基本农田</translation>
    </message>
    <message>
        <source>Permanent basic farmland</source>
        <comment>input:three_line_conflicts.farmland</comment>
        <translation>永久基本农田</translation>
    </message>
    <message>
        <source>Permanent basic farmland</source>
        <comment>input:zone_indicators.farmland</comment>
        <translation>永久基本农田</translation>
    </message>
    <message>
        <source>Pixel connectivity</source>
        <comment>param:change_patches.connectivity</comment>
        <translation>像元连通方式</translation>
    </message>
    <message>
        <source>Plan classification</source>
        <comment>param:zone_indicators.plan_classification</comment>
        <translation>规划地类分类</translation>
    </message>
    <message>
        <source>Planned land use</source>
        <comment>input:project_check.plan</comment>
        <translation>国土空间规划用途</translation>
    </message>
    <message>
        <source>Planned land use</source>
        <comment>input:zone_indicators.plan</comment>
        <translation>规划用地</translation>
    </message>
    <message>
        <source>Plot ratio, building coefficient, investment intensity, tax and output per 亩 of each parcel against the floors for its industry and zone.</source>
        <comment>description:underused</comment>
        <translation>每宗地的容积率、建筑系数、投资强度、亩均税收与产值, 与按行业、园区的下限比较。</translation>
    </message>
    <message>
        <source>Project land-use table</source>
        <comment>audit:project_landuse</comment>
        <translation>地类面积表</translation>
    </message>
    <message>
        <source>Project land-use table</source>
        <comment>output:project_landuse.project_landuse</comment>
        <translation>地类面积表</translation>
    </message>
    <message>
        <source>Project red lines</source>
        <comment>input:project_check.projects</comment>
        <translation>项目用地红线</translation>
    </message>
    <message>
        <source>Project red lines</source>
        <comment>input:project_landuse.projects</comment>
        <translation>项目用地红线</translation>
    </message>
    <message>
        <source>Project red lines</source>
        <comment>input:project_standard.projects</comment>
        <translation>项目用地红线</translation>
    </message>
    <message>
        <source>Project red-line checks</source>
        <comment>audit:project_check</comment>
        <translation>项目红线审查</translation>
    </message>
    <message>
        <source>Project red-line checks</source>
        <comment>group:project</comment>
        <translation>项目用地审查</translation>
    </message>
    <message>
        <source>Project red-line checks</source>
        <comment>output:project_check.project_checks</comment>
        <translation>项目红线审查</translation>
    </message>
    <message>
        <source>Raster alignment</source>
        <comment>param:change_patches.align</comment>
        <translation>栅格对齐</translation>
    </message>
    <message>
        <source>Reading the input layers</source>
        <translation>读取输入图层</translation>
    </message>
    <message>
        <source>Reading the layer {layer}</source>
        <translation>读取图层：{layer}</translation>
    </message>
    <message>
        <source>Record an audit round</source>
        <comment>audit:record_round</comment>
        <translation>记录审计轮次</translation>
    </message>
    <message>
        <source>Recorded vs drawn areas</source>
        <comment>audit:recorded_areas</comment>
        <translation>面积核对</translation>
    </message>
    <message>
        <source>Recording the round in the case register</source>
        <translation>记入案件台账</translation>
    </message>
    <message>
        <source>Region evaluation</source>
        <comment>output:region_evaluation.region_evaluation</comment>
        <translation>区域节约集约评价</translation>
    </message>
    <message>
        <source>Region evaluation (TD/T 1018)</source>
        <comment>audit:region_evaluation</comment>
        <translation>区域建设用地节约集约利用评价</translation>
    </message>
    <message>
        <source>Rejected feature count</source>
        <translation>剔除要素数</translation>
    </message>
    <message>
        <source>Rejected features</source>
        <translation>剔除要素</translation>
    </message>
    <message>
        <source>Required fields: {fields} (found by name or alias, or chosen in the advanced parameters)</source>
        <translation>必需字段：{fields}（按字段名或别名识别，也可在高级参数中指定）</translation>
    </message>
    <message>
        <source>Round</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Rounds recorded</source>
        <translation>已记录轮次数</translation>
    </message>
    <message>
        <source>Rule set</source>
        <translation>规则集</translation>
    </message>
    <message>
        <source>Rule set file (.toml, overrides the rule set)</source>
        <translation>规则集文件（.toml，优先于上面的规则集）</translation>
    </message>
    <message>
        <source>Rule set file (.toml, overrides the rule set; advanced)</source>
        <comment>shared:RULES_FILE</comment>
        <translation>规则集文件（.toml，优先于上面的规则集；高级）</translation>
    </message>
    <message>
        <source>Rule set: one of the rule sets shipped with redline</source>
        <comment>shared:RULES</comment>
        <translation>规则集：redline 自带的规则集之一</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Run summary</source>
        <translation>运行摘要</translation>
    </message>
    <message>
        <source>Runs every audit the input layers allow and records the run as the next round of the case register (new, persisting, resolved, reappeared cases); the register (.gpkg) is made when it does not exist. Loads the open cases, styled by disposal status, and the disposal table.</source>
        <comment>description:record_round</comment>
        <translation>运行输入图层所能运行的全部审计, 并将结果记为案件台账的下一轮次 (新增、持续、消化、重新出现); 台账 (.gpkg) 不存在时新建。完成后加载未结案件图层 (按处置状态着色) 和处置记录表。</translation>
    </message>
    <message>
        <source>Second image date</source>
        <comment>param:change_patches.after_date</comment>
        <translation>后时相日期</translation>
    </message>
    <message>
        <source>Statistics table</source>
        <comment>param:region_evaluation.stats</comment>
        <translation>社会经济统计表</translation>
    </message>
    <message>
        <source>Status of every supply under MLR order 53: not due, start overdue, idle (fee), idle two years (recovery), stalled, in progress, completed, exempt; with the dates and ratios compared.</source>
        <comment>description:supplied_not_used</comment>
        <translation>按国土资源部令第53号判定每宗供地的闲置状态、闲置天数和土地闲置费。</translation>
    </message>
    <message>
        <source>Strict: reject invalid geometries instead of repairing them</source>
        <translation>严格模式：剔除无效几何而不修复</translation>
    </message>
    <message>
        <source>Strict: reject invalid geometries instead of repairing them (advanced)</source>
        <comment>shared:STRICT</comment>
        <translation>严格模式：剔除无效几何而不修复（高级）</translation>
    </message>
    <message>
        <source>Summary text</source>
        <translation>摘要文本</translation>
    </message>
    <message>
        <source>Supplied but not used (idle land)</source>
        <comment>audit:supplied_not_used</comment>
        <translation>供而未用(闲置土地)</translation>
    </message>
    <message>
        <source>Supplies</source>
        <comment>input:approved_not_supplied.supplies</comment>
        <translation>供地红线</translation>
    </message>
    <message>
        <source>Supplies</source>
        <comment>input:deadline_alerts.supplies</comment>
        <translation>供地红线</translation>
    </message>
    <message>
        <source>Supplies</source>
        <comment>input:judge_patches.supplies</comment>
        <translation>供地红线</translation>
    </message>
    <message>
        <source>Supplies</source>
        <comment>input:recorded_areas.supplies</comment>
        <translation>供地红线</translation>
    </message>
    <message>
        <source>Supplies</source>
        <comment>input:region_evaluation.supplies</comment>
        <translation>供地红线</translation>
    </message>
    <message>
        <source>Supplies</source>
        <comment>input:supplied_not_used.supplies</comment>
        <translation>供地红线</translation>
    </message>
    <message>
        <source>Supplies</source>
        <comment>input:supply_outside_boundary.supplies</comment>
        <translation>供地红线</translation>
    </message>
    <message>
        <source>Supplies</source>
        <comment>input:supply_rate.supplies</comment>
        <translation>供地红线</translation>
    </message>
    <message>
        <source>Supplies</source>
        <comment>input:zone_indicators.supplies</comment>
        <translation>供地红线</translation>
    </message>
    <message>
        <source>Supplies against the growth boundary: the land supplied outside it.</source>
        <comment>description:supply_outside_boundary</comment>
        <translation>已供地与城镇开发边界叠加, 列出边界外供地</translation>
    </message>
    <message>
        <source>Supplies outside the boundary</source>
        <comment>output:supply_outside_boundary.supply_outside_boundary</comment>
        <translation>城镇开发边界外供地</translation>
    </message>
    <message>
        <source>Supplies outside the growth boundary</source>
        <comment>audit:supply_outside_boundary</comment>
        <translation>城镇开发边界外供地</translation>
    </message>
    <message>
        <source>Supply before approval</source>
        <comment>output:approved_not_supplied.supply_before_approval</comment>
        <translation>先供后批</translation>
    </message>
    <message>
        <source>Supply outside approvals</source>
        <comment>output:approved_not_supplied.supply_outside_approvals</comment>
        <translation>存量供地(报批范围外)</translation>
    </message>
    <message>
        <source>Supply rate</source>
        <comment>audit:supply_rate</comment>
        <translation>供地率</translation>
    </message>
    <message>
        <source>Supply rate</source>
        <comment>output:supply_rate.supply_rate</comment>
        <translation>供地率</translation>
    </message>
    <message>
        <source>Supply rate by approval year and district, over the last year and five years, flagging jurisdictions under the 增存挂钩 threshold.</source>
        <comment>description:supply_rate</comment>
        <translation>供地率 = 已供面积 ÷ 报批面积, 按批准年度、行政区及近一年、近五年统计。</translation>
    </message>
    <message>
        <source>Supply structure</source>
        <comment>output:region_evaluation.region_supply</comment>
        <translation>供地结构与存量供地</translation>
    </message>
    <message>
        <source>Targets table</source>
        <comment>param:farmland_retention.targets</comment>
        <translation>保护目标表</translation>
    </message>
    <message>
        <source>Temporary use</source>
        <comment>input:judge_patches.temporary_use</comment>
        <translation>临时用地</translation>
    </message>
    <message>
        <source>The Help button opens the full page: every field, output column and threshold, with the article it quotes</source>
        <translation>点击“帮助”按钮查看完整说明：各字段、输出列和阈值及其所引条文</translation>
    </message>
    <message>
        <source>The TD/T 1029-2019 land-use intensity indicators of each development zone, and its land inside the growth boundary, on permanent basic farmland and on the ecological red line.</source>
        <comment>description:zone_indicators</comment>
        <translation>按开发区计算 TD/T 1029-2019 土地集约利用评价指标, 及开发区在城镇开发边界、永久基本农田和生态保护红线上的面积</translation>
    </message>
    <message>
        <source>The field of {layer} that holds {field}; empty: found by its name or an alias</source>
        <translation>{layer}中存放{field}的字段；留空则按字段名或别名识别</translation>
    </message>
    <message>
        <source>The land a project red line takes, by 三调 class and the three categories of Land Administration Law art. 4, as the 报批 land-use table.</source>
        <comment>description:project_landuse</comment>
        <translation>项目用地红线压盖三调地类图斑, 按《土地管理法》第四条三大类和地类编码统计面积, 生成报批地类面积表</translation>
    </message>
    <message>
        <source>Three control lines: conflicts</source>
        <comment>audit:three_line_conflicts</comment>
        <translation>三区三线冲突</translation>
    </message>
    <message>
        <source>Three-line conflicts</source>
        <comment>output:three_line_conflicts.three_line_conflicts</comment>
        <translation>三区三线冲突图斑</translation>
    </message>
    <message>
        <source>To classes</source>
        <comment>param:change_patches.to_classes</comment>
        <translation>后时相地类</translation>
    </message>
    <message>
        <source>Topsoil stripping</source>
        <comment>audit:topsoil_stripping</comment>
        <translation>耕作层剥离</translation>
    </message>
    <message>
        <source>Topsoil stripping</source>
        <comment>input:topsoil_stripping.topsoil</comment>
        <translation>耕作层剥离</translation>
    </message>
    <message>
        <source>Topsoil stripping</source>
        <comment>output:topsoil_stripping.topsoil_stripping</comment>
        <translation>耕作层剥离</translation>
    </message>
    <message>
        <source>Topsoil stripping of the cultivated land approvals take: volume due (cultivated area × the required depth) against the volume, depth and receiving site recorded.</source>
        <comment>description:topsoil_stripping</comment>
        <translation>批准占用耕地的耕作层剥离: 应剥离量(占用耕地×规定厚度)与记录的剥离量、厚度、存放地点对照</translation>
    </message>
    <message>
        <source>Townships and the county over a base and a current year (TD/T 1018-2008): land per GDP and its fall against the target, elasticities, stock supply share and more; a composite index ranks the townships.</source>
        <comment>description:region_evaluation</comment>
        <translation>按乡镇和全县评价基期到现状的建设用地节约集约利用 (TD/T 1018-2008): 单位GDP建设用地及其下降、弹性、存量供地比例等, 综合指数与乡镇排名</translation>
    </message>
    <message>
        <source>Transition matrix</source>
        <comment>audit:transitions</comment>
        <translation>土地利用转移矩阵</translation>
    </message>
    <message>
        <source>Transition matrix between two classified rasters, in pixels, m² and 亩; pixel areas on the ellipsoid row by row in a geographic CRS.</source>
        <comment>description:transitions</comment>
        <translation>两期分类影像的转移矩阵, 以像元数和面积(平方米、亩)表示; 地理坐标系下逐行按椭球计算像元面积。</translation>
    </message>
    <message>
        <source>Transitions</source>
        <comment>output:transitions.transitions</comment>
        <translation>转移矩阵</translation>
    </message>
    <message>
        <source>Two land-use layers compared: cultivated land out to orchard, forest or grassland against land in, by quantity and grade.</source>
        <comment>description:farmland_exchange</comment>
        <translation>两期地类图斑对比: 耕地转为园林草地与园林草地转为耕地的数量和等别是否平衡</translation>
    </message>
    <message>
        <source>Under-used land</source>
        <comment>output:underused.underused</comment>
        <translation>用而不足</translation>
    </message>
    <message>
        <source>Urban growth boundary</source>
        <comment>input:growth_boundary_use.growth_boundary</comment>
        <translation>城镇开发边界</translation>
    </message>
    <message>
        <source>Urban growth boundary</source>
        <comment>input:project_check.growth_boundary</comment>
        <translation>城镇开发边界</translation>
    </message>
    <message>
        <source>Urban growth boundary</source>
        <comment>input:region_evaluation.growth_boundary</comment>
        <translation>城镇开发边界</translation>
    </message>
    <message>
        <source>Urban growth boundary</source>
        <comment>input:supply_outside_boundary.growth_boundary</comment>
        <translation>城镇开发边界</translation>
    </message>
    <message>
        <source>Urban growth boundary</source>
        <comment>input:three_line_conflicts.growth_boundary</comment>
        <translation>城镇开发边界</translation>
    </message>
    <message>
        <source>Urban growth boundary</source>
        <comment>input:zone_indicators.growth_boundary</comment>
        <translation>城镇开发边界</translation>
    </message>
    <message>
        <source>Urban-rural land linkage</source>
        <comment>audit:linkage</comment>
        <translation>增减挂钩</translation>
    </message>
    <message>
        <source>Urban-rural land linkage</source>
        <comment>output:linkage.linkage</comment>
        <translation>增减挂钩</translation>
    </message>
    <message>
        <source>Used but under-used</source>
        <comment>audit:underused</comment>
        <translation>用而不足(低效用地)</translation>
    </message>
    <message>
        <source>Working CRS (empty: the CGCS2000 3-degree zone of the data)</source>
        <translation>工作坐标系（留空为数据所在的 CGCS2000 3 度带）</translation>
    </message>
    <message>
        <source>Working CRS (empty: the CGCS2000 3-degree zone of the data; advanced)</source>
        <comment>shared:CRS</comment>
        <translation>工作坐标系（留空为数据所在的 CGCS2000 3 度带；高级）</translation>
    </message>
    <message>
        <source>Writing the results</source>
        <translation>写出结果</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>ellipsoidal (CGCS2000)</source>
        <translation>椭球面积（CGCS2000）</translation>
    </message>
    <message>
        <source>planar</source>
        <translation>平面面积</translation>
    </message>
    <message>
        <source>redline finished</source>
        <translation>redline 运行完毕</translation>
    </message>
    <message>
        <source>redline land-use supervision audits</source>
        <translation>redline 土地利用监管审计</translation>
    </message>
    <message>
        <source>{field} field in {layer} (optional: found by name)</source>
        <translation>{layer}的{field}字段（可选，默认按字段名识别）</translation>
    </message>
    <message>
        <source>批准面积, 出让面积 and TBMJ against the drawn area (ellipsoidal or planar, as the run): every feature beyond the tolerance, with the difference in m², 亩 and %; a layer with no recorded area is noted, not skipped silently.</source>
        <comment>description:recorded_areas</comment>
        <translation>批准面积、出让面积、三调图斑面积(TBMJ)与图形面积比较, 超过容差者逐宗列出(差值平方米、亩、百分比)。</translation>
    </message>
</context>
</TS>
