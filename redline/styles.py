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
           "fixed_style_text", "register_style_text", "style_text"]

_QUOTE = {'"': "&quot;"}

_QML_HEAD = """<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYMBOLOGY'>
<qgis version="3.22.0" styleCategories="Symbology">
  <!-- redline: {title}, one colour per {column} (written from the audit's spec by scripts/package_plugin.py) -->
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
            + "    </symbols>\n  </renderer-v2>\n</qgis>\n")


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


def fixed_style_text(style: FixedStyle) -> str:
    """The single-symbol QML of a :class:`FixedStyle`."""
    head = _QML_HEAD.split("  <renderer-v2")[0].split("  <!--")[0]
    return (head + f"  <!-- redline: {style.note} -->\n"
            + '  <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">\n'
            + "    <symbols>\n"
            + _symbol(0, style.fill, style.outline, style.width, style.outline_style, style.hatch)
            + "    </symbols>\n  </renderer-v2>\n" + _QML_FIXED_TAIL + "</qgis>\n")


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
