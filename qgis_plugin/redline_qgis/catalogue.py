"""What the plugin shows, derived from redline's audit specs; this module imports neither qgis nor redline.

``scripts/package_plugin.py`` uses it (outside QGIS) to write ``catalogue.json`` (the algorithms
listed when redline is missing) and the Chinese translation file ``i18n/redline_qgis_zh_CN.ts``.
"""

from __future__ import annotations

#: group id -> (Chinese, English) display names
GROUPS = {
    "overlay": ("批供用审计", "Approval, supply and use"),
    "farmland": ("耕地保护", "Farmland protection"),
    "boundaries": ("三区三线", "Growth boundaries and three zones"),
    "imagery": ("卫片执法", "Imagery change enforcement"),
    "project": ("项目用地审查", "Project red-line checks"),
    "register": ("案件台账", "Case register"),
}

#: the case register's algorithms (not audits: they run every audit into a register, or show one)
REGISTER_ALGORITHMS = {
    "record_round": {
        "label_zh": "记录审计轮次", "label_en": "Record an audit round",
        "description_zh": "运行输入图层所能运行的全部审计, 并将结果记为案件台账的下一轮次 (新增、持续、消化、重新出现); "
                          "台账 (.gpkg) 不存在时新建。完成后加载未结案件图层 (按处置状态着色) 和处置记录表。",
        "description_en": "Runs every audit the input layers allow and records the run as the next round of the case "
                          "register (new, persisting, resolved, reappeared cases); the register (.gpkg) is made when "
                          "it does not exist. Loads the open cases, styled by disposal status, and the disposal table.",
    },
    "open_cases": {
        "label_zh": "案件台账 未结案件", "label_en": "Open cases of the register",
        "description_zh": "校验处置记录 (包括在 QGIS 中新增的记录, 问题写入 problem 字段), 然后加载未结案件图层 "
                          "(按处置状态着色) 和可编辑的处置记录表: 在表中新增处置步骤, 下次运行本工具或记录下一轮次时校验。",
        "description_en": "Checks the disposal entries (those added in QGIS too; problems go into their problem "
                          "column), then loads the open cases, styled by disposal status, and the disposal table, "
                          "editable: add a disposal step there and the next check or round reads it.",
    },
}

#: the plugin's own interface strings (English source -> Chinese), written into the .ts file
STATIC_ZH = {
    "redline land-use supervision audits": "redline 土地利用监管审计",
    "{field} field in {layer} (optional: found by name)": "{layer}的{field}字段（可选，默认按字段名识别）",
    "As-of date (empty: today)": "审计日期（留空为今天）",
    "Rule set": "规则集",
    "Rule set file (.toml, overrides the rule set)": "规则集文件（.toml，优先于上面的规则集）",
    "Area method": "面积算法",
    "ellipsoidal (CGCS2000)": "椭球面积（CGCS2000）",
    "planar": "平面面积",
    "Working CRS (empty: the CGCS2000 3-degree zone of the data)": "工作坐标系（留空为数据所在的 CGCS2000 3 度带）",
    "Strict: reject invalid geometries instead of repairing them": "严格模式：剔除无效几何而不修复",
    "Rejected features": "剔除要素",
    "Run summary": "运行摘要",
    "Summary text": "摘要文本",
    "Rejected feature count": "剔除要素数",
    "Inputs": "输入",
    "Outputs": "输出",
    "Rules": "规则",
    "cancelled": "已取消",
    "Reading the input layers": "读取输入图层",
    "Case register (.gpkg; made when it does not exist)": "案件台账（.gpkg，不存在时新建）",
    "Case register (.gpkg)": "案件台账（.gpkg）",
    "Load the open cases and the disposal table": "加载未结案件图层和处置记录表",
    "Round": "轮次",
    "Open cases": "未结案件",
    "Disposal entries": "处置记录",
    "Disposal entries with a problem": "有问题的处置记录数",
    "Rounds recorded": "已记录轮次数",
    "Check the disposal entries as of (empty: today)": "处置记录校验日期（留空为今天）",
    "Required fields: {fields} (found by name or alias, or chosen in the advanced parameters)":
        "必需字段：{fields}（按字段名或别名识别，也可在高级参数中指定）",
    "Default: {value}": "默认值：{value}",
    "Choices: {values}": "可选值：{values}",
    "The field of {layer} that holds {field}; empty: found by its name or an alias":
        "{layer}中存放{field}的字段；留空则按字段名或别名识别",
    "Reading the layer {layer}": "读取图层：{layer}",
    "Checking the layers: fields, geometries, coordinate system": "检查图层：字段、几何、坐标系",
    "Auditing: {audit}": "审计：{audit}",
    "Recording the round in the case register": "记入案件台账",
    "Writing the results": "写出结果",
    "redline finished": "redline 运行完毕",
    "Copying the results into QGIS": "将结果载入 QGIS",
    "The Help button opens the full page: every field, output column and threshold, with the article it quotes":
        "点击“帮助”按钮查看完整说明：各字段、输出列和阈值及其所引条文",
}


#: the parameters every audit algorithm has besides its inputs, params and outputs: name -> (Chinese, English)
#: help, shown by the parameter's tooltip in QGIS and on the help pages
SHARED_HELP = {
    "AS_OF": ("审计日期（留空为今天）：判断逾期、闲置等的基准日", "As-of date (empty: today): the date deadlines are judged at"),
    "RULES": ("规则集：redline 自带的规则集之一", "Rule set: one of the rule sets shipped with redline"),
    "RULES_FILE": ("规则集文件（.toml，优先于上面的规则集；高级）", "Rule set file (.toml, overrides the rule set; advanced)"),
    "AREA_METHOD": ("面积算法：椭球面积（CGCS2000）或平面面积", "Area method: ellipsoidal (CGCS2000) or planar"),
    "CRS": ("工作坐标系（留空为数据所在的 CGCS2000 3 度带；高级）",
            "Working CRS (empty: the CGCS2000 3-degree zone of the data; advanced)"),
    "STRICT": ("严格模式：剔除无效几何而不修复（高级）", "Strict: reject invalid geometries instead of repairing them (advanced)"),
}
SHARED_PARAMS = tuple(SHARED_HELP)


def first_sentence(text: str) -> str:
    """The first sentence of a description (up to its first 。, ; or full stop), for the toolbox's tooltip.

    >>> first_sentence("报批红线减去供地的并集, 列出未供面积; 先供后批单列。")
    '报批红线减去供地的并集, 列出未供面积。'
    >>> first_sentence("Each approval minus the supplies. Slivers apart.")
    'Each approval minus the supplies.'
    """
    text = (text or "").strip()
    cuts = [k for k in (text.find("。"), text.find(";"), text.find("；"), text.find(". ")) if k > 0]
    if not cuts:
        return text
    head = text[:min(cuts)].rstrip()
    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in head)
    return head + ("。" if chinese else ".")


def output_param_name(entry: dict, output: str) -> str:
    """The Processing parameter of output ``output`` of catalogue entry ``entry``: its name in upper case,
    prefixed ``OUTPUT_`` when an input, a param or a shared option has that name already.

    >>> output_param_name({"inputs": [{"name": "patches"}], "params": []}, "patches")
    'OUTPUT_PATCHES'
    """
    taken = {i["name"].upper() for i in entry["inputs"]} | {p["name"].upper() for p in entry["params"]}
    name = output.upper()
    return "OUTPUT_" + name if name in taken | set(SHARED_PARAMS) else name


def is_raster_input(spec, inp, vector_kinds=None) -> bool:
    """Raster inputs: kind ``"raster"`` (or ``"raster:..."``), or an imagery input with no vector schema."""
    if str(inp.kind).startswith("raster"):
        return True
    if spec.group == "imagery":
        if vector_kinds is None:
            from redline.schema import SCHEMAS

            vector_kinds = SCHEMAS
        return inp.kind not in vector_kinds
    return False


def _plain(value):
    """A spec default as JSON (dates as ISO text, tuples as lists)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _aliases(spec, output) -> dict:
    """Column name -> Chinese alias of an output's fields: its declared columns, then the fields it carries."""
    try:
        from redline.spec import output_aliases
    except ImportError:  # a redline from before declared columns: its ledger layout
        return {c.name: c.header for c in output.columns}
    return {name: label for name, (label, _) in output_aliases(spec, output).items()}


def spec_entry(spec, schemas=None) -> dict:
    """The catalogue entry of a spec: everything the plugin needs to show and run it, as plain JSON.

    The plugin builds its Processing algorithms from these entries, which redline's own Python writes
    (``worker.py catalogue``), so QGIS's Python never imports redline or its dependencies.
    """
    if schemas is None:
        from redline.schema import SCHEMAS as schemas

    def inputs():
        for i in spec.inputs:
            raster = is_raster_input(spec, i, schemas)
            schema = None if raster else schemas.get(i.kind)
            yield {"name": i.name, "kind": i.kind, "required": bool(i.required), "label_zh": i.label_zh,
                   "label_en": i.label_en, "help": i.help, "raster": raster,
                   "polygon": schema is not None and schema.geometry == "polygon",
                   "required_fields": [{"name": f.name, "label_zh": f.label_zh} for f in schema.fields
                                       if f.required] if schema is not None else []}

    return {
        "id": spec.id, "label_zh": spec.label_zh, "label_en": spec.label_en, "group": spec.group,
        "description_zh": spec.description_zh, "description_en": spec.description_en,
        "needs_as_of": bool(spec.needs_as_of), "rules_keys": list(spec.rules_keys),
        "inputs": list(inputs()),
        "params": [{"name": p.name, "type": p.type, "default": _plain(p.default), "label_zh": p.label_zh,
                    "label_en": p.label_en, "help": p.help, "choices": [str(c) for c in p.choices],
                    "parent_input": p.parent_input} for p in spec.params],
        "outputs": [{"name": o.name, "label_zh": o.label_zh, "label_en": o.label_en, "geometry": bool(o.geometry),
                     "style": o.style, "aliases": _aliases(spec, o)} for o in spec.outputs],
    }


def build_catalogue(specs, version: str, rule_sets=None, default_rules: str | None = None) -> dict:
    """The whole catalogue: the algorithms, the rule sets shipped with this redline, and its version."""
    if rule_sets is None or default_rules is None:
        from redline.rules import DEFAULT, available_rule_sets

        rule_sets, default_rules = available_rule_sets(), DEFAULT
    return {"generated_from": f"redline {version}", "redline_version": version, "rule_sets": list(rule_sets),
            "default_rules": default_rules, "algorithms": [spec_entry(s) for s in specs]}


def register_entries(audits: list[dict]) -> list[dict]:
    """The catalogue entries of the register's algorithms, built from the audits' entries: recording a round
    reads every input any audit reads, each optional, labelled as the first audit reading it labels it."""
    inputs: dict[str, dict] = {}
    for audit in audits:
        for inp in audit["inputs"]:
            if inp["name"] not in inputs:
                inputs[inp["name"]] = {**inp, "required": False, "key": f"input:{audit['id']}.{inp['name']}"}
    return [{"id": "record_round", "group": "register", **REGISTER_ALGORITHMS["record_round"],
             "inputs": list(inputs.values())},
            {"id": "open_cases", "group": "register", **REGISTER_ALGORITHMS["open_cases"], "inputs": []}]


def translations(specs) -> dict[tuple[str, str], str]:
    """(English source text, disambiguation) -> Chinese, for every string the interface shows.

    Spec items carry a disambiguation naming the item (``"output:<audit>.<output>"``), since the
    same English text may label different things (an audit and its output)."""
    pairs = {(en, ""): zh for en, zh in STATIC_ZH.items()}
    pairs.update({(en, f"group:{gid}"): zh for gid, (zh, en) in GROUPS.items()})
    pairs.update({(en, f"shared:{name}"): zh for name, (zh, en) in SHARED_HELP.items()})
    for aid, a in REGISTER_ALGORITHMS.items():
        pairs[(a["label_en"], f"audit:{aid}")] = a["label_zh"]
        pairs[(a["description_en"], f"description:{aid}")] = a["description_zh"]
    for spec in specs:
        items = [(spec.label_en, spec.label_zh, f"audit:{spec.id}"),
                 (spec.description_en, spec.description_zh, f"description:{spec.id}")]
        items += [(i.label_en, i.label_zh, f"input:{spec.id}.{i.name}") for i in spec.inputs]
        items += [(p.label_en, p.label_zh, f"param:{spec.id}.{p.name}") for p in spec.params]
        items += [(o.label_en, o.label_zh, f"output:{spec.id}.{o.name}") for o in spec.outputs]
        for en, zh, key in items:
            if en and zh:
                pairs[(en, key)] = zh
    return pairs
