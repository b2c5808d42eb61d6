<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>redline</name>
    <message>
        <source>Administrative units</source>
        <translation>行政区</translation>
    </message>
    <message>
        <source>Approval, supply and use</source>
        <translation>批供用审计</translation>
    </message>
    <message>
        <source>Approvals</source>
        <translation>报批(征地)红线</translation>
    </message>
    <message>
        <source>Approved but not supplied</source>
        <translation>批而未供</translation>
    </message>
    <message>
        <source>Approved not supplied</source>
        <translation>批而未供</translation>
    </message>
    <message>
        <source>Area method</source>
        <translation>面积算法</translation>
    </message>
    <message>
        <source>As-of date (empty: today)</source>
        <translation>审计日期（留空为今天）</translation>
    </message>
    <message>
        <source>Buildings</source>
        <translation>建筑物</translation>
    </message>
    <message>
        <source>By district</source>
        <translation>按行政区统计</translation>
    </message>
    <message>
        <source>Change patches</source>
        <translation>变化图斑</translation>
    </message>
    <message>
        <source>Conflicts by unit</source>
        <translation>三区三线冲突汇总</translation>
    </message>
    <message>
        <source>Construction land ÷ total area per unit, its warning level, and optionally land per unit GDP.</source>
        <translation>按行政区计算建设用地占比 (土地开发强度) 与预警等级, 可选单位GDP建设用地占用</translation>
    </message>
    <message>
        <source>Cultivated land and PBF per unit against their targets and the 80 % PBF share.</source>
        <translation>按行政区统计耕地和永久基本农田面积, 对照耕地保有量、基本农田保护目标和 80% 比例</translation>
    </message>
    <message>
        <source>Deadline alerts</source>
        <translation>批后监管预警</translation>
    </message>
    <message>
        <source>Development intensity</source>
        <translation>土地开发强度</translation>
    </message>
    <message>
        <source>Each approval minus the union of the supplies touching it: approved, supplied and unsupplied area in 亩 and m², supply rate; slivers reported apart; supply outside approvals listed.</source>
        <translation>报批红线减去与之相交供地的并集, 按批次列出报批、已供、未供面积(亩、平方米)和供地率。</translation>
    </message>
    <message>
        <source>Ecological red line</source>
        <translation>生态保护红线</translation>
    </message>
    <message>
        <source>Every agreed date of every supply: a warning before it, an escalation after it when unmet.</source>
        <translation>每宗供地的交地、缴款、开工、竣工约定日期: 到期前预警, 逾期后转为警示。</translation>
    </message>
    <message>
        <source>Every overlap between PBF, the eco red line and the growth boundary, in m² and 亩, slivers flagged, with the suggested resolution.</source>
        <translation>永久基本农田、生态保护红线、城镇开发边界两两重叠检查, 面积按平方米和亩, 标记碎片, 给出处置建议</translation>
    </message>
    <message>
        <source>Farmland protection</source>
        <translation>耕地保护</translation>
    </message>
    <message>
        <source>Farmland retention</source>
        <translation>耕地保有量</translation>
    </message>
    <message>
        <source>GDP table</source>
        <translation>GDP表</translation>
    </message>
    <message>
        <source>Growth boundaries and three zones</source>
        <translation>三区三线</translation>
    </message>
    <message>
        <source>Growth boundary use</source>
        <translation>城镇开发边界使用</translation>
    </message>
    <message>
        <source>How much of each growth boundary is built (construction land) and how much is left.</source>
        <translation>每个城镇开发边界内已建设 (建设用地) 与未建设面积</translation>
    </message>
    <message>
        <source>Idle land</source>
        <translation>闲置土地</translation>
    </message>
    <message>
        <source>Imagery change enforcement</source>
        <translation>卫片执法</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Land-use classification</source>
        <translation>地类分类</translation>
    </message>
    <message>
        <source>Land-use patches</source>
        <translation>地类图斑</translation>
    </message>
    <message>
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Parcels</source>
        <translation>宗地</translation>
    </message>
    <message>
        <source>Permanent basic farmland</source>
        <translation>永久基本农田</translation>
    </message>
    <message>
        <source>Plot ratio, building coefficient, investment intensity, tax and output per 亩 of each parcel against the floors for its industry and zone.</source>
        <translation>每宗地的容积率、建筑系数、投资强度、亩均税收与产值, 与按行业、园区的下限比较。</translation>
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
        <source>Rule set</source>
        <translation>规则集</translation>
    </message>
    <message>
        <source>Rule set file (.toml, overrides the rule set)</source>
        <translation>规则集文件（.toml，优先于上面的规则集）</translation>
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
        <source>Status of every supply under MLR order 53: not due, start overdue, idle (fee), idle two years (recovery), stalled, in progress, completed, exempt; with the dates and ratios compared.</source>
        <translation>按国土资源部令第53号判定每宗供地的闲置状态、闲置天数和土地闲置费。</translation>
    </message>
    <message>
        <source>Strict: reject invalid geometries instead of repairing them</source>
        <translation>严格模式：剔除无效几何而不修复</translation>
    </message>
    <message>
        <source>Summary text</source>
        <translation>摘要文本</translation>
    </message>
    <message>
        <source>Supplied but not used (idle land)</source>
        <translation>供而未用(闲置土地)</translation>
    </message>
    <message>
        <source>Supplies</source>
        <translation>供地红线</translation>
    </message>
    <message>
        <source>Supply outside approvals</source>
        <translation>存量供地(报批范围外)</translation>
    </message>
    <message>
        <source>Supply rate</source>
        <translation>供地率</translation>
    </message>
    <message>
        <source>Supply rate by approval year and district, over the last year and five years, flagging jurisdictions under the 增存挂钩 threshold.</source>
        <translation>供地率 = 已供面积 ÷ 报批面积, 按批准年度、行政区及近一年、近五年统计。</translation>
    </message>
    <message>
        <source>Targets table</source>
        <translation>保护目标表</translation>
    </message>
    <message>
        <source>Three control lines: conflicts</source>
        <translation>三区三线冲突</translation>
    </message>
    <message>
        <source>Three-line conflicts</source>
        <translation>三区三线冲突图斑</translation>
    </message>
    <message>
        <source>Under-used land</source>
        <translation>用而不足</translation>
    </message>
    <message>
        <source>Urban growth boundary</source>
        <translation>城镇开发边界</translation>
    </message>
    <message>
        <source>Used but under-used</source>
        <translation>用而不足(低效用地)</translation>
    </message>
    <message>
        <source>Working CRS (empty: the CGCS2000 3-degree zone of the data)</source>
        <translation>工作坐标系（留空为数据所在的 CGCS2000 3 度带）</translation>
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
        <source>redline land-use supervision audits</source>
        <translation>redline 土地利用监管审计</translation>
    </message>
    <message>
        <source>{field} field in {layer} (optional: found by name)</source>
        <translation>{layer}的{field}字段（可选，默认按字段名识别）</translation>
    </message>
</context>
</TS>
