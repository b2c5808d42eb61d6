"""QGIS styles (QML) of the result layers, written from the audits' specs: one generator for every view.

The QGIS plugin ships these as files (``qgis_plugin/redline_qgis/styles/``, written by
``scripts/package_plugin.py``) and :func:`redline.io.write_layers` stores the same text in the results
GeoPackage's ``layer_styles`` table as each layer's default style, so the file opens styled in QGIS
without the plugin. An output that declares statuses (``OutputSpec.statuses``) is drawn one category
per status, its label and colour; the others with the fixed symbol of :data:`FIXED_STYLES` (the generic
:data:`GENERIC` when they have none). The register's open cases are drawn by disposal step
(:func:`register_style_text`). This module writes text only: redline never imports QGIS.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

__all__ = ["FIXED_STYLES", "GENERIC", "NO_DISPOSAL", "OTHER_STEP", "FixedStyle", "disposal_categories",
           "display_expression", "fixed_style_text", "map_tip", "map_tip_columns", "output_style",
           "register_style_text", "rejected_output", "result_styles", "style_text"]

_QUOTE = {'"': "&quot;"}

_QML_HEAD = """<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYMBOLOGY'>
<qgis version="3.22.0" styleCategories="Symbology">
  <!-- redline: {title}, one colour per {column} (written from the audit's spec by redline.styles) -->
  <renderer-v2 type="categorizedSymbol" attr="{attr}" symbollevels="0" enableorderby="0" forceraster="0">
"""
_QML_SYMBOL = """      <symbol type="fill" name="{n}" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="color" value="{fill}"/>
            <Option type="QString" name="style" value="solid"/>
            <Option type="QString" name="outline_color" value="{outline}"/>
            <Option type="QString" name="outline_style" value="{outline_style}"/>
            <Option type="QString" name="outline_width" value="{width}"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>{hatch}
      </symbol>
"""
_QML_HATCH = """
        <layer class="LinePatternFill" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="angle" value="45"/>
            <Option type="QString" name="distance" value="1.6"/>
            <Option type="QString" name="distance_unit" value="MM"/>
            <Option type="QString" name="line_width" value="0.3"/>
            <Option type="QString" name="line_width_unit" value="MM"/>
            <Option type="QString" name="color" value="{colour}"/>
          </Option>
          <symbol type="line" name="@0@1" alpha="1" clip_to_extent="1" force_rhr="0">
            <layer class="SimpleLine" enabled="1" locked="0" pass="0">
              <Option type="Map">
                <Option type="QString" name="line_color" value="{colour}"/>
                <Option type="QString" name="line_width" value="0.3"/>
                <Option type="QString" name="line_width_unit" value="MM"/>
                <Option type="QString" name="line_style" value="solid"/>
              </Option>
            </layer>
          </symbol>
        </layer>"""
_QML_FIXED_TAIL = """  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
  <layerOpacity>1</layerOpacity>
"""


def _rgb(colour: str) -> tuple[int, int, int]:
    h = colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _symbol(n: Any, fill: str, outline: str, width: str, outline_style: str = "solid", hatch: str = "") -> str:
    return _QML_SYMBOL.format(n=n, fill=fill, outline=outline, width=width, outline_style=outline_style,
                              hatch=_QML_HATCH.format(colour=hatch) if hatch else "")


def _category_attr(out) -> str:
    """What the categories are read from: the status column, or its first code (``status_separator``)."""
    if not out.status_separator:
        return out.status_column
    sep = out.status_separator.strip()[:1] or out.status_separator[:1]
    return f"regexp_substr(\"{out.status_column}\", '^[^{sep}]*')"


def style_text(out) -> str:
    """The categorised QML of an output with statuses: findings filled strongly, the rest lightly.

    >>> from redline.spec import OutputSpec, Status
    >>> qml = style_text(OutputSpec("t", "示例", "Example", status_column="s",
    ...                             statuses=[Status("bad", "违规", "Bad", "#c8102e", grave=True)]))
    >>> 'attr="s"' in qml, 'label="违规 bad"' in qml, 'value="200,16,46,150"' in qml
    (True, True, True)
    """
    cats, syms = [], []
    for n, s in enumerate(out.statuses):
        r, g, b = _rgb(s.colour)
        strong = s.grave or s.counted
        dark = ",".join(str(int(c * 0.65)) for c in (r, g, b))
        cats.append(f'      <category render="true" symbol="{n}" value="{escape(s.code, _QUOTE)}" '
                    f'label="{escape(s.label_zh + " " + s.code, _QUOTE)}"/>\n')
        syms.append(_symbol(n, f"{r},{g},{b},{150 if strong else 90}", f"{dark},255", "0.6" if strong else "0.4"))
    return (_QML_HEAD.format(title=escape(f"{out.label_zh} {out.label_en}"), column=out.status_column,
                             attr=escape(_category_attr(out), _QUOTE))
            + "    <categories>\n" + "".join(cats) + "    </categories>\n    <symbols>\n" + "".join(syms)
            + "    </symbols>\n  </renderer-v2>\n" + _feature_text(out) + "</qgis>\n")


@dataclass(frozen=True)
class FixedStyle:
    """One symbol for every feature of an output without statuses: fill and outline ``"r,g,b,a"``,
    outline width (mm) and style (``solid``, ``dash``), and optionally a 45° hatch in that colour."""

    note: str
    fill: str
    outline: str
    width: str = "0.5"
    outline_style: str = "solid"
    hatch: str = ""


#: the generic finding: the style of a map output that has neither statuses nor a fixed style of its own
GENERIC = FixedStyle("a finding (generic): red", "200,16,46,60", "200,16,46,255")

#: output name -> its fixed style (outputs without statuses)
FIXED_STYLES: dict[str, FixedStyle] = {
    "approved_not_supplied": FixedStyle("批而未供 approved, not supplied: red hatch", "200,16,46,40",
                                        "200,16,46,255", "0.6", hatch="200,16,46,255"),
    "area_discrepancies": FixedStyle("面积不符 recorded vs drawn area: magenta dashed outline, light fill "
                                     "(the features to explain)", "200,0,160,40", "170,0,140,255", "0.6", "dash"),
    "change_patches": FixedStyle("变化图斑 change patches: cyan", "0,170,200,60", "0,130,170,255", "0.6"),
    "conflicts_by_unit": FixedStyle("按行政区冲突: outline", "214,51,132,15", "150,30,100,255", "0.4"),
    "growth_boundary_use": FixedStyle("城镇开发边界 growth boundary use: blue dashed", "30,120,200,40",
                                      "30,90,170,255", "0.6", "dash"),
    "supply_outside_approvals": FixedStyle("供地超出批准范围: dark red dashed", "120,0,20,50", "120,0,20,255",
                                           "0.6", "dash"),
    "supply_rate": FixedStyle("供地率 supply rate: outline", "200,16,46,20", "120,20,40,255"),
}


def fixed_style_text(style: FixedStyle, out=None) -> str:
    """The single-symbol QML of a :class:`FixedStyle`, with the map tip of output ``out`` when given."""
    head = _QML_HEAD.split("  <renderer-v2")[0].split("  <!--")[0]
    return (head + f"  <!-- redline: {style.note} -->\n"
            + '  <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">\n'
            + "    <symbols>\n"
            + _symbol(0, style.fill, style.outline, style.width, style.outline_style, style.hatch)
            + "    </symbols>\n  </renderer-v2>\n" + _QML_FIXED_TAIL
            + (_feature_text(out) if out is not None else "") + "</qgis>\n")


#: the register's open cases with no disposal step recorded yet (its ``disposal`` empty): their category value
NO_DISPOSAL = ("none", "未处置 no disposal yet", "#ffff33")
#: a step of a procedure registered after this style was written: drawn, never hidden
OTHER_STEP = ("", "其他处置步骤 another step", "#969696")


def disposal_categories(procedures: Iterable[Any]) -> list[tuple[str, str, str]]:
    """(value, label, colour) of the open-cases style: no disposal yet, then every step code of the
    procedures in their order (a code two procedures share, such as ``closed``, is one class, coloured by
    the first and labelled with each one's name), then every other value."""
    merged: dict[str, tuple[list[str], str]] = {}
    for procedure in procedures:
        for step in procedure.steps:
            labels, colour = merged.setdefault(step.code, ([], step.colour))
            if step.label_zh not in labels:
                labels.append(step.label_zh)
    steps = [(code, " / ".join(labels) + f" {code}", colour) for code, (labels, colour) in merged.items()]
    return [NO_DISPOSAL, *steps, OTHER_STEP]


def register_style_text(procedures: Iterable[Any] | None = None) -> str:
    """The QML of the register's open cases (``cases`` where state = 'open'): one class per disposal step,
    coloured by :attr:`redline.register.procedures.Step.colour`."""
    if procedures is None:
        from .register.procedures import PROCEDURES

        procedures = PROCEDURES.values()
    cats, syms = [], []
    for n, (value, label, colour) in enumerate(disposal_categories(procedures)):
        r, g, b = _rgb(colour)
        dark = ",".join(str(int(c * 0.65)) for c in (r, g, b))
        cats.append(f'      <category render="true" symbol="{n}" value="{escape(value)}" label="{escape(label)}"/>\n')
        syms.append(_symbol(n, f"{r},{g},{b},150", f"{dark},255", "0.5"))
    attr = escape(f"coalesce(\"disposal\", '{NO_DISPOSAL[0]}')", _QUOTE)
    return (_QML_HEAD.format(title="案件台账 未结案件 open cases of the register", column="disposal step (处置状态)",
                             attr=attr).replace("the audit's spec", "the register's procedures")
            + "    <categories>\n" + "".join(cats) + "    </categories>\n    <symbols>\n" + "".join(syms)
            + "    </symbols>\n  </renderer-v2>\n</qgis>\n")


# -- what a feature says when clicked or hovered: the map tip and the display expression ----------------

#: column kinds shown in a map tip besides the status, reasons and rule: the dates and ratios compared
_TIP_KINDS = ("date", "ratio", "days", "float")


def _status_label_column(out):
    """The column holding the status label (``<status_column>_zh``), else the status column itself."""
    if not out.status_column:
        return None
    by_name = {c.name: c for c in out.columns}
    return by_name.get(f"{out.status_column}_zh") or by_name.get(out.status_column)


def map_tip_columns(out) -> list:
    """The columns a feature's map tip shows, in the order of declaration: the status label, then every
    ledger column that says why (role ``status`` or ``reason``) or what was compared (dates, ratios, days,
    measured values), then the rule cited. Columns emitted only in some runs (``optional``) are left out,
    so the tip never names a field the layer may not have.

    >>> from redline.spec import Column, OutputSpec
    >>> out = OutputSpec("t", "示例", "Example", columns=[
    ...     Column("t_id", "text", "编号", role="id", ledger=True), Column("due", "date", "期限", ledger=True),
    ...     Column("area_mu", "mu", "面积", ledger=True), Column("reason", "text", "原因", role="reason", ledger=True),
    ...     Column("rule", "text", "依据", ledger=True), Column("extra", "date", "其他", optional=True)])
    >>> [c.name for c in map_tip_columns(out)]
    ['due', 'reason', 'rule']
    """
    status = _status_label_column(out)
    chosen = [status] if status is not None else []
    for c in out.columns:
        if c is status or c.optional or not c.label_zh or c.role == "rule":
            continue
        if out.status_column and c.name in (out.status_column, f"{out.status_column}_zh"):
            continue
        if c.ledger and (c.role in ("status", "reason") or c.kind in _TIP_KINDS):
            chosen.append(c)
    chosen += [c for c in out.columns if c.role == "rule" and not c.optional]
    return chosen


def _literal(text: str) -> str:
    """A QGIS expression string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _field(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _shown(c) -> str:
    """A QGIS expression giving column ``c``'s value as the map tip shows it (HTML-safe text)."""
    f = _field(c.name)
    if c.kind == "date":
        return f"format_date({f}, 'yyyy-MM-dd')"
    if c.kind == "ratio":
        return f"format_number({f} * 100, 1) || '%'"
    if c.kind in ("days", "int"):
        return f"format_number({f}, 0)" + (" || ' 天'" if c.kind == "days" else "")
    if c.kind in ("mu", "m2", "wan", "float"):
        return f"format_number({f}, 2)" + (f" || ' {c.unit}'" if c.unit else "")
    if c.kind == "bool":
        return f"if({f}, '是', '否')"
    return f"replace(replace(replace({f}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"


def _id_column(out):
    return next((c for c in out.columns if c.role == "id" and not c.optional), None)


def map_tip(out) -> str:
    """The HTML map tip of an output's features (QGIS ``[% expression %]`` template), Chinese labels: the
    output's name and the feature's id, then one row per :func:`map_tip_columns` column that has a value.

    >>> from redline.spec import Column, OutputSpec
    >>> tip = map_tip(OutputSpec("t", "示例", "Example", columns=[
    ...     Column("t_id", "text", "编号", role="id", ledger=True), Column("due", "date", "期限", ledger=True)]))
    >>> print(tip.splitlines()[0])
    <b>示例</b> [% "t_id" %]
    >>> print(tip.splitlines()[2])
    [% CASE WHEN "due" IS NULL THEN '' ELSE '<tr><th align="left">期限</th><td>' || format_date("due", 'yyyy-MM-dd') || '</td></tr>' END %]
    """
    ident = _id_column(out)
    lines = [f"<b>{escape(out.label_zh)}</b>" + (f" [% {_field(ident.name)} %]" if ident is not None else ""),
             "<table>"]
    for c in map_tip_columns(out):
        head = f'<tr><th align="left">{escape(c.label_zh)}</th><td>'
        if c.role == "rule":
            head = f'<tr><th align="left">{escape(c.label_zh)}</th><td><small>'
        tail = "</small></td></tr>" if c.role == "rule" else "</td></tr>"
        lines.append(f"[% CASE WHEN {_field(c.name)} IS NULL THEN '' ELSE {_literal(head)} || {_shown(c)} || "
                     f"{_literal(tail)} END %]")
    lines.append("</table>")
    return "\n".join(lines)


def display_expression(out) -> str:
    """The expression naming a feature (QGIS's display expression, shown by Identify): its id and status
    label, or the output's name and its id.

    >>> from redline.spec import Column, OutputSpec
    >>> print(display_expression(OutputSpec("t", "示例", "Example", columns=[Column("t_id", "text", "编号", role="id")])))
    concat('示例 ', "t_id")
    """
    ident = _id_column(out)
    status = _status_label_column(out)
    if status is not None:
        parts = ([_field(ident.name), "' '"] if ident is not None else []) + [_field(status.name)]
    else:
        parts = [_literal(out.label_zh + " ")] + ([_field(ident.name)] if ident is not None else [])
    return "concat(" + ", ".join(parts) + ")"


def _feature_text(out) -> str:
    """The QML elements of the map tip and the display expression."""
    return (f"  <mapTip>{escape(map_tip(out))}</mapTip>\n"
            f"  <previewExpression>{escape(display_expression(out))}</previewExpression>\n")


def _aliases_text(aliases: dict[str, str]) -> str:
    rows = "".join(f'    <alias field="{escape(name, _QUOTE)}" name="{escape(alias, _QUOTE)}"/>\n'
                   for name, alias in aliases.items())
    return f"  <aliases>\n{rows}  </aliases>\n"


def output_style(out, *, aliases: dict[str, str] | None = None) -> str | None:
    """The QML of an output's layer: categorised by status (:func:`style_text`) or its fixed symbol
    (:data:`FIXED_STYLES`, else :data:`GENERIC`), with its map tip and display expression; ``aliases``
    ({column: alias}) adds the field aliases (the results GeoPackage's copy: GDAL before 3.7 does not read
    them from ``gpkg_data_columns``, so QGIS 3.22 would not show them). A table (no geometry) gets its
    aliases and display expression only, and no style at all without aliases.

    >>> from redline.spec import OutputSpec
    >>> qml = output_style(OutputSpec("t", "示例", "Example"), aliases={"reason": "原因"})
    >>> 'type="singleSymbol"' in qml, '<alias field="reason" name="原因"/>' in qml, "<mapTip>" in qml
    (True, True, True)
    >>> output_style(OutputSpec("t", "示例", "Example", geometry=False)) is None
    True
    >>> "<renderer-v2" in output_style(OutputSpec("t", "示例", "Example", geometry=False), aliases={"a": "甲"})
    False
    """
    if not out.geometry:
        if not aliases:
            return None
        return (_QML_HEAD.split("  <!--")[0].replace('"Symbology"', '"Fields|LayerConfiguration"')
                + f"  <!-- redline: {escape(out.label_zh)} {escape(out.label_en)}, a table: its field aliases -->\n"
                + f"  <previewExpression>{escape(display_expression(out))}</previewExpression>\n"
                + _aliases_text(aliases) + "</qgis>\n")
    if out.statuses and out.status_column:
        text = style_text(out)
    else:
        text = fixed_style_text(FIXED_STYLES.get(out.name, GENERIC), out)
    if aliases:
        text = text[: -len("</qgis>\n")] + _aliases_text(aliases) + "</qgis>\n"
    return text


def rejected_output():
    """The ``rejected`` layer (input features set aside, with the reason) as an output, for its style."""
    from .spec import Column, OutputSpec

    return OutputSpec("rejected", "剔除要素", "Rejected features", columns=[
        Column("layer", "text", "图层", "Input layer", ledger=True),
        Column("feature_id", "text", "要素编号", "Feature id", "id", ledger=True),
        Column("code", "text", "问题代码", "Problem code", "status", ledger=True),
        Column("reason", "text", "原因", "Reason", "reason", ledger=True)])


def result_styles(result, *, aliases=None, layer_names=None) -> dict[str, str]:
    """{layer: QML} of a run's layers and its ``rejected`` features, for the results GeoPackage: a map
    layer its full style (:func:`output_style`), a table (written without geometry) its aliases.

    ``result`` a :class:`redline.pipeline.RunResult`; ``aliases`` ``{layer: {column: (alias, description)}}``
    (already under the renamed layer names), of which each style gets the columns its layer has;
    ``layer_names`` renames layers (output name -> layer name)."""
    import dataclasses

    import geopandas as gpd
    import pandas as pd

    names = dict(layer_names or {})
    aliases = aliases or {}
    found = [(o, result.outputs.get(o.name)) for spec in result.specs for o in spec.outputs]
    found.append((rejected_output(), getattr(result, "rejected", None)))
    styles: dict[str, str] = {}
    for out, frame in found:
        if not isinstance(frame, pd.DataFrame):
            continue
        out = dataclasses.replace(out, geometry=isinstance(frame, gpd.GeoDataFrame))
        table = names.get(out.name, out.name)
        have = {str(c) for c in frame.columns}
        labels = {c: label for c, (label, _) in aliases.get(table, {}).items() if c in have}
        text = output_style(out, aliases=labels)
        if text is not None:
            styles[table] = text
    return styles
