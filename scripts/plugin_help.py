"""The plugin's help pages: one HTML page per algorithm and language, written from the audit specs.

``scripts/package_plugin.py`` writes them into ``qgis_plugin/redline_qgis/help/<lang>/`` (``zh`` and
``en``) with an ``index.html`` each, and ships them in the zip; an algorithm's Help button opens its page
(``helpUrl``, a ``file://`` URL into the installed plugin), so the help works offline and is never a dead
link. A page says what the audit does, each QGIS parameter by its name in ``qgis_process`` (inputs and
the fields they must have, parameters, shared options), each output with its columns and statuses, and
each threshold of the default rule set with its value and the article it quotes. This module imports
redline but never qgis.
"""

from __future__ import annotations

import sys
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "qgis_plugin" / "redline_qgis"
HELP = PLUGIN / "help"
LANGS = ("zh", "en")

sys.path.insert(0, str(ROOT / "qgis_plugin"))
sys.path.insert(0, str(ROOT))

#: the page's own words, (Chinese, English)
WORDS = {
    "index": ("redline 工具帮助", "redline algorithms: help"),
    "inputs": ("输入图层", "Input layers"),
    "params": ("参数", "Parameters"),
    "shared": ("通用选项", "Shared options"),
    "outputs": ("输出", "Outputs"),
    "rules": ("阈值与依据", "Thresholds and their sources"),
    "headless": ("命令行运行", "Headless"),
    "name": ("参数名", "Parameter"),
    "label": ("名称", "Label"),
    "required": ("必需", "Required"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "fields": ("必需字段 (按字段名或别名识别, 也可在高级参数中指定)",
               "Required fields (found by name or alias, or chosen in the advanced parameters)"),
    "type": ("类型", "Type"),
    "default": ("默认值", "Default"),
    "choices": ("可选值", "Choices"),
    "help": ("说明", "Help"),
    "column": ("字段", "Column"),
    "unit": ("单位", "Unit"),
    "status": ("状态", "Status"),
    "colour": ("颜色", "Colour"),
    "key": ("阈值", "Key"),
    "value": ("取值", "Value"),
    "kind": ("性质", "Status"),
    "source": ("依据", "Source"),
    "back": ("全部工具", "All algorithms"),
    "also": ("另有: 剔除要素表 (REJECTED) 和运行摘要表 (SUMMARY), 可选。",
             "Also: the rejected features (REJECTED) and the run summary (SUMMARY), both optional."),
    "other": ("English", "中文"),
    "rule_set": ("默认规则集", "Default rule set"),
}

def _w(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


def _pick(zh: str, en: str, lang: str) -> str:
    return (zh or en) if lang == "zh" else (en or zh)


def _table(head: list[str], rows: list[list[str]]) -> str:
    """An HTML table; the cells are HTML already (escape what you put in)."""
    if not rows:
        return ""
    return ("<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>\n"
            + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>\n" for row in rows) + "</table>\n")


def _page(title: str, body: str, lang: str, name: str) -> str:
    other = "en" if lang == "zh" else "zh"
    return (f'<!DOCTYPE html>\n<html lang="{"zh-Hans" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)}</title>\n<style>\n"
            "body{font-family:sans-serif;max-width:60em;margin:1em auto;padding:0 1em;line-height:1.5}\n"
            "table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #bbb;padding:.2em .5em;"
            "vertical-align:top;text-align:left}th{background:#eee}code{background:#f4f4f4}\n"
            ".swatch{display:inline-block;width:1.2em;height:1em;border:1px solid #555;vertical-align:middle}\n"
            "</style>\n</head>\n<body>\n"
            f'<p><a href="index.html">{escape(_w("back", lang))}</a> · '
            f'<a href="../{other}/{name}">{escape(_w("other", lang))}</a></p>\n'
            f"<!-- written by scripts/package_plugin.py from redline's audit specs (scripts/plugin_help.py) -->\n"
            f"{body}</body>\n</html>\n")


def _inputs_table(inputs: list[dict], lang: str, field_params: bool = True) -> str:
    from redline.schema import SCHEMAS

    rows = []
    for i in inputs:
        schema = SCHEMAS.get(i["kind"])
        fields = [f for f in schema.fields if f.required] if schema is not None and not i.get("raster") else []
        described = "<br>".join(
            f"<code>{escape(f.name)}</code> {escape(f.label_zh)}"
            + (f" (<code>{escape((i['name'] + '_' + f.name).upper())}</code>)" if field_params else "")
            for f in fields)
        rows.append([f"<code>{escape(i['name'].upper())}</code>", escape(_pick(i["label_zh"], i["label_en"], lang)),
                     escape(_w("yes" if i["required"] else "no", lang)), described, escape(i.get("help") or "")])
    return _table([_w(k, lang) for k in ("name", "label", "required", "fields", "help")], rows)


def _params_table(params: list[dict], lang: str) -> str:
    rows = [[f"<code>{escape(p['name'].upper())}</code>", escape(_pick(p["label_zh"], p["label_en"], lang)),
             escape(p["type"]), escape("" if p["default"] is None else str(p["default"])),
             escape(", ".join(p.get("choices") or ())), escape(p.get("help") or "")] for p in params]
    return _table([_w(k, lang) for k in ("name", "label", "type", "default", "choices", "help")], rows)


def _shared_table(lang: str, needs_as_of: bool = True) -> str:
    from redline_qgis.catalogue import SHARED_HELP

    rows = [[f"<code>{n}</code>", escape(zh if lang == "zh" else en)] for n, (zh, en) in SHARED_HELP.items()
            if needs_as_of or n != "AS_OF"]
    return _table([_w("name", lang), _w("help", lang)], rows)


def _outputs(spec, entry: dict, lang: str) -> str:
    from redline_qgis.catalogue import output_param_name

    out = []
    for o in spec.outputs:
        title = _pick(o.label_zh, o.label_en, lang)
        out.append(f"<h3><code>{escape(output_param_name(entry, o.name))}</code> {escape(title)}</h3>\n")
        text = _pick(o.description, o.description_en, lang)
        if text:
            out.append(f"<p>{escape(text)}</p>\n")
        rows = [[f"<code>{escape(c.name)}</code>", escape(_pick(c.label_zh, c.label_en, lang)), escape(c.unit),
                 escape(c.description)] for c in o.columns]
        out.append(_table([_w(k, lang) for k in ("column", "label", "unit", "help")], rows))
        rows = [[f"<code>{escape(s.code)}</code>", escape(s.label(lang)),
                 f'<span class="swatch" style="background:{escape(s.colour)}"></span> {escape(s.colour)}']
                for s in o.statuses]
        out.append(_table([_w("status", lang), _w("label", lang), _w("colour", lang)], rows))
    out.append(f"<p>{escape(_w('also', lang))}</p>\n")
    return "".join(out)


def _rules(keys, lang: str) -> str:
    from redline.rules import DEFAULT, load_rules

    rules = load_rules(DEFAULT)
    records = {r["key"]: r for r in rules.to_records()}
    rows = []
    for key in keys:
        record = records.get(key)
        if record is None:  # a key of a table of entries, or one the default set lacks: said, never dropped
            rows.append([f"<code>{escape(key)}</code>", "", "", "", ""])
            continue
        rows.append([f"<code>{escape(key)}</code>", escape(str(record["value"])), escape(str(record["unit"])),
                     escape(str(record["status"])), escape(str(record["source"]))])
    head = [_w(k, lang) for k in ("key", "value", "unit", "kind", "source")]
    return f"<p>{escape(_w('rule_set', lang))}: <code>{escape(rules.label)}</code></p>\n" + _table(head, rows)


def _headless(aid: str, inputs: list[dict], first_output: str | None) -> str:
    args = [f"{i['name'].upper()}={i['name']}.gpkg" for i in inputs if i["required"]]
    if first_output:
        args.append(f"{first_output}={first_output.lower()}.gpkg")
    return (f"<pre>qgis_process run redline:{escape(aid)} -- {escape(' '.join(args))}\n"
            f"qgis_process help redline:{escape(aid)}</pre>\n")


def audit_page(spec, lang: str) -> str:
    from redline_qgis.catalogue import output_param_name, spec_entry

    entry = spec_entry(spec)
    title = _pick(spec.label_zh, spec.label_en, lang)
    body = [f"<h1>{escape(title)} <small><code>redline:{escape(spec.id)}</code></small></h1>\n",
            f"<p>{escape(_pick(spec.description_zh, spec.description_en, lang))}</p>\n",
            f"<h2>{escape(_w('inputs', lang))}</h2>\n", _inputs_table(entry["inputs"], lang)]
    if entry["params"]:
        body += [f"<h2>{escape(_w('params', lang))}</h2>\n", _params_table(entry["params"], lang)]
    body += [f"<h2>{escape(_w('shared', lang))}</h2>\n", _shared_table(lang, spec.needs_as_of),
             f"<h2>{escape(_w('outputs', lang))}</h2>\n", _outputs(spec, entry, lang)]
    if spec.rules_keys:
        body += [f"<h2>{escape(_w('rules', lang))}</h2>\n", _rules(spec.rules_keys, lang)]
    first = output_param_name(entry, spec.outputs[0].name) if spec.outputs else None
    body += [f"<h2>{escape(_w('headless', lang))}</h2>\n", _headless(spec.id, entry["inputs"], first)]
    return _page(title, "".join(body), lang, f"{spec.id}.html")


def register_page(entry: dict, lang: str) -> str:
    """The page of a case-register algorithm (record a round, open cases)."""
    title = _pick(entry["label_zh"], entry["label_en"], lang)
    body = [f"<h1>{escape(title)} <small><code>redline:{escape(entry['id'])}</code></small></h1>\n",
            f"<p>{escape(_pick(entry['description_zh'], entry['description_en'], lang))}</p>\n"]
    if entry["inputs"]:
        body += [f"<h2>{escape(_w('inputs', lang))}</h2>\n", _inputs_table(entry["inputs"], lang, field_params=False),
                 f"<h2>{escape(_w('shared', lang))}</h2>\n", _shared_table(lang)]
    body += [f"<h2>{escape(_w('headless', lang))}</h2>\n",
             f"<pre>qgis_process run redline:{escape(entry['id'])} -- REGISTER=register.gpkg"
             + (" APPROVALS=approvals.gpkg SUPPLIES=supplies.gpkg AS_OF=2026-06-30" if entry["inputs"] else "")
             + "</pre>\n"]
    return _page(title, "".join(body), lang, f"{entry['id']}.html")


def index_page(specs, register: list[dict], lang: str) -> str:
    from redline_qgis.catalogue import GROUPS

    body = [f"<h1>{escape(_w('index', lang))}</h1>\n"]
    items = [(s.group, s.id, _pick(s.label_zh, s.label_en, lang)) for s in specs]
    items += [(e["group"], e["id"], _pick(e["label_zh"], e["label_en"], lang)) for e in register]
    for group, (zh, en) in GROUPS.items():
        mine = [(aid, label) for g, aid, label in items if g == group]
        if mine:
            body.append(f"<h2>{escape(_pick(zh, en, lang))}</h2>\n<ul>\n" + "".join(
                f'<li><a href="{escape(aid)}.html">{escape(label)}</a> <code>redline:{escape(aid)}</code></li>\n'
                for aid, label in mine) + "</ul>\n")
    unknown = sorted({g for g, _, _ in items} - set(GROUPS))
    if unknown:
        raise ValueError(f"group(s) {', '.join(unknown)} have no label in redline_qgis.catalogue.GROUPS")
    return _page(_w("index", lang), "".join(body), lang, "index.html")


def help_pages(specs=None) -> dict[Path, str]:
    """{file: HTML} of every help page, in both languages."""
    from redline_qgis.catalogue import register_entries, spec_entry

    if specs is None:
        from redline.registry import all_specs

        specs = all_specs()
    register = register_entries([spec_entry(s) for s in specs])
    pages: dict[Path, str] = {}
    for lang in LANGS:
        folder = HELP / lang
        pages[folder / "index.html"] = index_page(specs, register, lang)
        for spec in specs:
            pages[folder / f"{spec.id}.html"] = audit_page(spec, lang)
        for entry in register:
            pages[folder / f"{entry['id']}.html"] = register_page(entry, lang)
    return pages
