"""The Chinese forms of the text a run writes in English: its notes, the method part of each finding's 依据, the
working CRS and the area method, for the Chinese ledger (``lang="zh"``).

The audits write their notes and method lines once, in English (with the Chinese terms a bureau uses), into
the results and the GeoPackage; the Chinese ledger shows them in Chinese. :func:`to_zh` gives the Chinese form:
the citations of the run's rule set first (:meth:`redline.rules.RuleSet.citations_zh`: Chinese unit, status and
source), then each sentence the audits write (:data:`PATTERNS`, with its figures, dates, ids and lists kept as
written), then the fixed phrases (:data:`PHRASES`). A text for which no Chinese form is known keeps its English,
marked （无中文说明） so a reader sees it is untranslated rather than taking it for the Chinese.

>>> to_zh("[supplied_not_used] fee not computed for 1: no price (出让价款)")
'[supplied_not_used] 1 宗未计算闲置费：无价款（出让价款）'
>>> to_zh("something new said in English")
'something new said in English（无中文说明）'
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["NO_ZH", "PATTERNS", "PHRASES", "to_zh"]

#: the mark on a text that has no Chinese form (the rule loader's mark for a rule without ``source_zh``)
NO_ZH = "（无中文说明）"

_DATE = r"\d{4}-\d{2}-\d{2}"

#: (English sentence as a regular expression, its Chinese form with the groups kept as written)
PATTERNS: list[tuple[str, str]] = [
    # the working CRS and the area method (redline.crs, redline.area)
    (r": the inputs' own CRS \(projected, metres\)", "：输入数据自身的坐标系（投影坐标，米）"),
    (r": chosen by the user", "：用户指定"),
    (r"^working CRS: ", "工作坐标系："),
    (r"^ellipsoidal \(CGCS2000 ellipsoid(, geodesic)?\)$", "椭球面积（CGCS2000 椭球）"),
    (r"^planar$", "平面面积"),
    # dates after the audit date (every audit that reads dated records)
    (rf"(\d+) approval dated after the audit date ({_DATE}) not audited \(not an approval yet on that date\): ",
     r"\1 宗批准日期晚于审计基准日 \2 的报批未审计（该日尚未批准）："),
    (rf"(\d+) supplies signed after the audit date ({_DATE}) left out \(not a supply yet on that date\): ",
     r"\1 宗签订日期晚于审计基准日 \2 的供地未计入（该日尚未供地）："),
    (rf"(\d+) supplies signed after the audit date ({_DATE}): not judged",
     r"\1 宗签订日期晚于审计基准日 \2 的供地：不作判断"),
    (rf"(\d+) 补充耕地 farmland_added record\(s\) dated after the audit date ({_DATE}) left out: ",
     r"\1 条日期晚于审计基准日 \2 的补充耕地记录（farmland_added）未计入："),
    (rf"(\d+) approval\(s\) dated after the audit date ({_DATE}) are not approvals yet: left out",
     r"\1 宗批准日期晚于审计基准日 \2 的报批尚未批准：未计入"),
    (rf"(\d+) approval\(s\) dated after the audit date ({_DATE}) left out \(not one yet on that date\)",
     r"\1 宗批准日期晚于审计基准日 \2 的报批未计入（该日尚未批准）"),
    (rf"(\d+) supply\(ies\) dated after the audit date ({_DATE}) left out \(not one yet on that date\)",
     r"\1 宗日期晚于审计基准日 \2 的供地未计入（该日尚未供地）"),
    (rf"(\d+) feature\(s\) dated after the audit date ({_DATE}) left out: ",
     r"\1 个日期晚于审计基准日 \2 的要素未计入："),
    # dates read from partial values (redline.validate)
    (r"(\d+) value\(s\) give a month only \('([^']*)' -> ([^)]*)\); completed with the last day of the period "
     r"\(for a deadline the reading most favourable to the holder; 民法典 第四百九十八条: a standard-form term is read "
     r"against the party that supplied it\)",
     r"\1 个值只写到月（'\2' -> \3）；按该期间的最后一日补足（对期限作有利于使用权人的理解；民法典 第四百九十八条："
     r"格式条款作不利于提供格式条款一方的解释）"),
    (r" \(feature ids: ([^)]*)\)", r"（要素编号：\1）"),
    (r" -- fix: write the full date from the document \(e\.g\. ([^)]*)\) where it gives one",
     r" -- 处理：文件写有完整日期的，按文件填写完整日期（如 \1）"),
    # 供地率, 闲置土地, 用而不足
    (r"five-year supply rate under (\S+) \(增存挂钩\) in: ", r"五年供地率低于 \1（增存挂钩）的："),
    (r"(\d+) building footprint\(s\) without 建成日期 \(built_date\): counted as built after their supply ",
     r"\1 个建筑基底没有建成日期（built_date）：计为供地后建成"),
    (r"fee not computed for (\d+): no price \(出让价款\)", r"\1 宗未计算闲置费：无价款（出让价款）"),
    (r"old construction \(footprints built before their supply\) on (\d+) supplies: not counted as a start",
     r"\1 宗供地上有原有建筑（建成早于供地的建筑基底）：不计为动工"),
    (r"(\d+) industry codes read as (GB/T [\d-]+) \(([\w.]+)\): the parcels do not say their edition",
     r"\1 个行业代码按 \2 理解（\3）：宗地未注明版本"),
    (r"投资强度 not judged: (\S+) has no investment-intensity floor \(([\w.]+); 2023: 推荐性指标, set locally\)",
     r"投资强度不作判断：\1 未规定投资强度下限（\2；2023年版为推荐性指标，由地方设定）"),
    (r"投资强度 not judged: (\S+) has no investment-intensity floor \(([\w.]+); 推荐性指标 under 自然资发〔2023〕72号, "
     r"set locally, e\.g\. --rules ([\w-]+)\)",
     r"投资强度不作判断：\1 未规定投资强度下限（\2；自然资发〔2023〕72号 下为推荐性指标，由地方设定，如 --rules \3）"),
    (r"亩均税收/产值 not judged: ([\w.]+) is off \(entry thresholds for new projects\)",
     r"亩均税收/产值不作判断：\1 未启用（新项目的准入门槛）"),
    (r"低效用地 mark not applied: ([\w.]+) is off \(a local rule, ([^)]*)\)",
     r"未标记低效用地：\1 未启用（地方规则，\2）"),
    (r"(\d+) parcels not assessable \(see reasons\)", r"\1 宗地块不能评价（见原因）"),
    # 面积不符
    (r"^(\[area_discrepancies\]) (\w+) \(([^)]*(?:\([^)]*\))?[^)]*)\): (\d+) feature\(s\) compared on (.+?), (\d+) over "
     r"tolerance \(ellipsoidal drawn areas\)$",
     r"\1 \2（\3）：\4 个要素与\5比较，\6 个超出容差（图形面积为椭球面积）"),
    # 耕地
    (r"the land-use layers carry no 耕地等别 \(quality_grade\) for the land out or in: the balance is by quantity "
     r"only, grades empty",
     r"地类图层没有转出或转入土地的耕地等别（quality_grade）：只按数量平衡，等别为空"),
    # 开发区
    (r"闲置工业用地比例 test not applied: (\S+) has no ([\w.]+) \(a local rule, ([^:()]+?) practice: ([^)]*)\); "
     r"([\w.]+) is empty",
     r"未进行闲置工业用地比例检验：\1 未规定 \2（地方规则，\3 做法：\4）；\5 为空"),
    (r"indicators left empty \(not 0\): ", "指标为空（不是0）："),
    (r"expired_disposal_rate: no input records a project's land-use term \(出让年限\) and its disposal",
     "expired_disposal_rate：没有输入记录项目的出让年限及其处置"),
    (r"suspend_new_industrial: the rule set does not apply the idle-share test",
     "suspend_new_industrial：规则集不适用闲置比例检验"),
    # 区域评价
    (rf"存量供地比例 from supply outside every approval \(the 存量供地 audit's supply_outside_approvals as of ({_DATE}); "
     r"the supplies have no 土地来源\): land supplied outside the approvals is taken as 存量 \(existing construction "
     r"land\), digitising slivers not",
     r"存量供地比例按所有报批范围外的供地计算（存量供地审计 \1 的 supply_outside_approvals；供地没有土地来源）："
     r"报批范围外供应的土地视为存量（存量建设用地），数字化碎片不计"),
    (r"(\d+) unit\(s\) with no supply signed in (\d{4}-\d{4}): their 存量供地比例 is empty, not 0: ",
     r"\1 个单元在 \2 年没有签订供地：其存量供地比例为空（不是0）："),
    (r"(\d+) unit\(s\) with no approval dated in (\d{4}-\d{4}): their 当年报批当年供地率 is empty, not 0: ",
     r"\1 个单元在 \2 年没有报批：其当年报批当年供地率为空（不是0）："),
    (r"no stretch target for the fall of 单位GDP建设用地 in (\S+) \(([\w.]+)\): not judged",
     r"\1 未规定单位GDP建设用地下降的更高目标（\2）：不作判断"),
    (r"城镇开发边界扩展倍数 empty for (\d+) township\(s\) without 现状城镇建设用地 \(CZCSXM ([\d/]+)\): ",
     r"\1 个乡镇没有现状城镇建设用地（CZCSXM \2），城镇开发边界扩展倍数为空："),
    # 卫片
    (r"planar pixel area ([\d.]+ m²) in (EPSG:\d+) \(([^)]*)\); (\d+) pixels nodata on either date",
     r"像元平面面积 \1（\2，\3）；\4 个像元在任一时相为无数据"),
    (r"the pieces' areas are apportioned to each patch's own area_m2 by their measured share, so that they sum to "
     r"it \(largest change ([\d.]+%)\)",
     r"各碎块面积按实测占比分摊到所属图斑自身的 area_m2，使其合计等于该面积（最大调整 \1）"),
    # 项目
    (r"the land-use layer has no 权属性质 \(QSXZ\): the 国有 / 集体 columns are empty",
     "地类图层没有权属性质（QSXZ）：国有 / 集体 两列为空"),
    (r"no plan layer given: 规划用途 \(用地用海\) not checked", "未提供规划图层：未核查规划用途（用地用海）"),
    (r"单独供地 minimum investment not judged: (\S+) has none \(([\w.]+); a local rule\)",
     r"单独供地最低投资额不作判断：\1 未规定（\2；地方规则）"),
    # the method part of the findings' 依据 (the audits' rule columns)
    (r" by approval year$", "（按批准年度）"),
    (r": actual date on or before the as-of date$", "：实际日期不晚于审计基准日"),
    (r": actual completion on or before the as-of date \(completion implies the start\)$",
     "：实际竣工不晚于审计基准日（竣工即已开工）"),
    (r"; targets: 耕地保有量 and 永久基本农田保护面积 per unit \(([^)]*)\)$",
     r"；目标：各单元的耕地保有量和永久基本农田保护面积（\1）"),
    (r" TD/T 1029-2019 as read by redline \(not checked against the official text\): ",
     " TD/T 1029-2019（redline 的理解，未与正式文本核对）："),
    (r"^TD/T 1018-2008 区域评价 \(not checked against the official text\): base (\d{4}), now (\d{4}); ",
     r"TD/T 1018-2008 区域评价（未与正式文本核对）：基期 \1 年，现期 \2 年；"),
    (rf"存量 = supply outside every approval as of ({_DATE}) \(no 土地来源\)",
     r"存量 = 截至 \1 所有报批范围外的供地（无土地来源）"),
    (r"当年报批当年供地率 = approvals of year Y supplied by supplies signed in Y",
     "当年报批当年供地率 = Y 年报批中由 Y 年签订的供地所供应的部分"),
    (r": no basis in force covers it \(", "：没有有效依据覆盖（"),
    (r": approvals in force on the later image date$", "：后期影像日期时有效的批准"),
    (r" need a basis of their own: reported for review, not judged", " 需有其自身的依据：列出待复核，不作判断"),
    (r"; slivers: ", "；碎片："),
    (r"; index over ([\w, ]+): ", r"；综合指数（\1）："),
    (r" codes \(cn-national", " 代码 (cn-national"),
    (r" checked against the layers given \(see the run's notes for those not given\)$",
     " 按所提供的图层核查（未提供的见本次运行的说明）"),
    (r"; areas ellipsoidal \(CGCS2000 ellipsoid\); 合计 = the red line's area, 未调查 = its land no patch covers "
     r"\(within ",
     "；面积为椭球面积（CGCS2000 椭球）；合计 = 红线面积，未调查 = 红线内没有图斑覆盖的土地（容差 "),
    (r" \(TD/T 1055-2019 附录A 三调工作分类; 三大类 per GB/T 21010-2017 附录A\)",
     "（TD/T 1055-2019 附录A 三调工作分类；三大类按 GB/T 21010-2017 附录A）"),
]

#: fixed phrases (English -> Chinese), replaced after :data:`PATTERNS`
PHRASES: dict[str, str] = {
    " and 工矿仓储 by ": "和工矿仓储按 ",
    "(建筑面积, else 基底 × 层数; ": "(建筑面积，无则 基底 × 层数；",
    "(工业用地 read as ": "(工业用地的认定按 ",
}

_COMPILED = [(re.compile(p), t) for p, t in PATTERNS]
#: a list of status codes in a 依据 (``(供而未用: idle_recover, idle, stalled)``): joined with 、
_STATUS_LIST = re.compile(r"\((供而未用): ([\w]+(?:, [\w]+)*)\)")
_WORD_RUN = re.compile(r"(?<![A-Za-z0-9_./\-])[A-Za-z]{3,}(?:[\s,;:'\"()]+[A-Za-z]{3,})+(?![A-Za-z0-9_./\-])")


def english_left(text: str) -> list[str]:
    """The English word runs left in ``text`` (two or more words of three or more letters; codes, ids and
    names joined by ``_ . / -`` or digits are not words)."""
    return _WORD_RUN.findall(text)


def to_zh(text: Any, rules: Any = None) -> Any:
    """The Chinese form of ``text`` (a note, a 依据, the working CRS, the area method); ``rules``: the run's
    rule set, whose citations are put in Chinese too. Not text: returned as it is."""
    if not isinstance(text, str):
        return text
    if rules is not None:
        text = rules.citations_zh(text)
    for pattern, template in _COMPILED:
        text = pattern.sub(template, text)
    text = _STATUS_LIST.sub(lambda m: f"({m.group(1)}：{'、'.join(m.group(2).split(', '))})", text)
    for en, zh in PHRASES.items():
        text = text.replace(en, zh)
    if english_left(text) and not text.endswith(NO_ZH):
        text += NO_ZH
    return text
