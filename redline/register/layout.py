"""The register's tables, declared once: both stores create them from here, and the docs list them.

The layout is stable (``register_meta`` ``layout`` = :data:`LAYOUT_VERSION`) so a bureau can build on it:
queries, QGIS projects, its own forms. Dates are ISO text ``YYYY-MM-DD`` (declared ``DATE``), times UTC
``YYYY-MM-DDTHH:MM:SSZ``; geometries are MultiPolygons in the register's CRS (``register_meta`` ``crs``), set by
the first round.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LAYOUT_VERSION", "TABLES", "Col", "Table"]

LAYOUT_VERSION = "1"


@dataclass(frozen=True)
class Col:
    name: str
    type: str  # TEXT, INTEGER, REAL, DATE, DATETIME, GEOMETRY
    label_zh: str
    description: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    label_zh: str
    description: str
    key: str  # the integer primary key (the GeoPackage feature id of a spatial table)
    columns: tuple[Col, ...]
    spatial: bool = False

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


ROUNDS = Table("rounds", "审计轮次", "One row per audit round recorded (an undone round keeps its row, marked undone).",
               "round_id", (
                   Col("round_id", "INTEGER", "轮次", "1, 2, 3 … in the order recorded"),
                   Col("as_of", "DATE", "审计日期", "The audit date of the run"),
                   Col("rules", "TEXT", "规则集", "name@version of the rule set"),
                   Col("rules_chain", "TEXT", "规则集来源", "The rule sets it extends"),
                   Col("redline_version", "TEXT", "redline 版本"),
                   Col("audits", "TEXT", "审计项", "The audits the run made, comma separated"),
                   Col("outputs", "TEXT", "案件来源", "The outputs whose cases the round looked at"),
                   Col("fingerprints", "TEXT", "输入指纹", "JSON: input name -> sha256 of the file (or of the layer)"),
                   Col("run_id", "TEXT", "运行编号", "The results' run id, when they were written"),
                   Col("summary", "TEXT", "本期汇总", "JSON: per output, the count and area of each change"),
                   Col("made_at", "DATETIME", "记录时间"),
                   Col("made_by", "TEXT", "记录人"),
                   Col("note", "TEXT", "说明"),
                   Col("undone_at", "DATETIME", "撤销时间", "Set when the round was undone (its events removed)"),
                   Col("undone_by", "TEXT", "撤销人"),
               ))

CASES = Table("cases", "案件", "One row per case: its current state, figures and geometry.", "fid", (
    Col("fid", "INTEGER", "要素号"),
    Col("case_id", "TEXT", "案件编号", "Stable: prefix of its audit and a number, e.g. XZTD-00012"),
    Col("output", "TEXT", "审计输出", "The audit output the case comes from (idle_land, approved_not_supplied …)"),
    Col("audit", "TEXT", "审计项"),
    Col("case_key", "TEXT", "业务编号", "The business id it is keyed by (批准文号, 合同编号, 图斑编号 …)"),
    Col("label", "TEXT", "名称", "Project, holder or batch: which case it is for a person"),
    Col("state", "TEXT", "状态", "open or resolved"),
    Col("change", "TEXT", "本期变化", "The change of the last round that touched it: new/persisting/resolved/reappeared"),
    Col("first_round", "INTEGER", "首次发现轮次"),
    Col("last_round", "INTEGER", "最近发现轮次", "The last round that found it"),
    Col("changed_round", "INTEGER", "最近变化轮次", "The last round that made an event for it"),
    Col("as_of", "DATE", "最近审计日期", "The audit date of the last round that found it"),
    Col("area_m2", "REAL", "面积(平方米)"),
    Col("area_mu", "REAL", "面积(亩)"),
    Col("measure", "REAL", "指标", "The second figure followed (e.g. idle days)"),
    Col("status", "TEXT", "审计结论代码"),
    Col("status_zh", "TEXT", "审计结论"),
    Col("rule", "TEXT", "依据"),
    Col("reason", "TEXT", "消化原因代码", "Why it was resolved"),
    Col("reason_zh", "TEXT", "消化原因"),
    Col("disposal", "TEXT", "处置状态代码", "The latest disposal step recorded"),
    Col("disposal_zh", "TEXT", "处置状态"),
    Col("disposal_date", "DATE", "处置日期"),
    Col("geom", "GEOMETRY", "图形"),
), spatial=True)

EVENTS = Table("case_events", "案件变化", "One row per case and round that changed or saw it.", "fid", (
    Col("fid", "INTEGER", "要素号"),
    Col("case_id", "TEXT", "案件编号"),
    Col("round_id", "INTEGER", "轮次"),
    Col("change", "TEXT", "变化代码", "new, persisting, resolved or reappeared"),
    Col("change_zh", "TEXT", "变化", "本期新增, 持续, 本期消化, 重新出现"),
    Col("case_key", "TEXT", "业务编号", "The key in that round"),
    Col("old_key", "TEXT", "原业务编号", "The key before, when matched by geometry"),
    Col("matched_by", "TEXT", "匹配方式", "key, or the geometry match (IoU) when the id was renumbered"),
    Col("area_m2", "REAL", "面积(平方米)"),
    Col("area_mu", "REAL", "面积(亩)"),
    Col("measure", "REAL", "指标"),
    Col("d_area_m2", "REAL", "面积变化(平方米)", "Against the round before"),
    Col("d_measure", "REAL", "指标变化", "Against the round before (e.g. days)"),
    Col("status", "TEXT", "审计结论代码"),
    Col("status_zh", "TEXT", "审计结论"),
    Col("reason", "TEXT", "消化原因代码"),
    Col("reason_zh", "TEXT", "消化原因"),
    Col("facts", "TEXT", "要素属性", "JSON: the finding's row in that round (its ledger columns)"),
    Col("geom", "GEOMETRY", "图形", "Set when the case's geometry is new or changed in that round"),
), spatial=True)

DISPOSITIONS = Table("dispositions", "处置记录",
                     "The disposal steps a technician records (from the command line, Python or QGIS): appended, "
                     "never rewritten; checked at each round (``problem``).", "disposition_id", (
                         Col("disposition_id", "INTEGER", "记录号"),
                         Col("case_id", "TEXT", "案件编号"),
                         Col("status", "TEXT", "处置步骤代码", "A step of the case's procedure (redline register steps)"),
                         Col("date", "DATE", "日期", "The date of the step (the document's date)"),
                         Col("doc_no", "TEXT", "文书编号"),
                         Col("new_date", "DATE", "新约定日期", "For an extension: the new agreed start date"),
                         Col("amount_wan", "REAL", "金额(万元)", "For a fee decision or payment"),
                         Col("note", "TEXT", "备注"),
                         Col("who", "TEXT", "经办人"),
                         Col("entered_at", "DATETIME", "录入时间"),
                         Col("problem", "TEXT", "校验问题", "Set by the last check: what is wrong with the entry"),
                     ))

META = Table("register_meta", "台账信息", "key/value: layout version, CRS, when and by what it was made.", "", (
    Col("key", "TEXT", "项"),
    Col("value", "TEXT", "值"),
))

TABLES: tuple[Table, ...] = (ROUNDS, CASES, EVENTS, DISPOSITIONS, META)
