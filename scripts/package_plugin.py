#!/usr/bin/env python3
"""Build the QGIS plugin zip, after refreshing what the plugin derives from redline's audit specs.

    python scripts/package_plugin.py --out dist/      # refresh catalogue + translations, build the zip
    python scripts/package_plugin.py --update         # only refresh catalogue.json, i18n/*.ts/.qm, styles, help
    python scripts/package_plugin.py --check          # exit 1 if catalogue.json, the .ts, a style or help is stale

The QML style of every output that declares statuses (``OutputSpec.statuses``) is written from them:
one category per status, its label and colour; the styles of the other outputs are kept as written.
The register's open cases (``styles/register_cases.qml``) are styled from the disposal procedures
(:mod:`redline.register.procedures`): one category per step, its label and ``Step.colour``.

The help pages ``help/{zh,en}/<algorithm>.html`` (each algorithm's Help button opens its page) are written
from the specs by :mod:`plugin_help`.

The zip is ``redline_qgis-<version>.zip`` holding the folder ``redline_qgis/`` (no .pyc or
__pycache__), ready for "Plugins > Install from ZIP" or the QGIS plugin repository. The .qm is
compiled with Qt's ``lrelease`` (Debian: qttools5-dev-tools) when it is on PATH; otherwise the
committed .qm is kept and a warning printed. This script imports redline but never qgis.
"""

from __future__ import annotations

import argparse
import configparser
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "qgis_plugin" / "redline_qgis"
CATALOGUE = PLUGIN / "catalogue.json"
TS = PLUGIN / "i18n" / "redline_qgis_zh_CN.ts"
QM = TS.with_suffix(".qm")
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".ruff_cache"}
SKIP_SUFFIXES = {".pyc", ".pyo", ".orig", ".rej", ".swp"}

sys.path.insert(0, str(ROOT / "qgis_plugin"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def _catalogue_module():
    from redline_qgis import catalogue

    return catalogue


def catalogue_text() -> str:
    import redline
    from redline.registry import all_specs

    data = _catalogue_module().build_catalogue(all_specs(), redline.__version__)
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def ts_text() -> str:
    """The Qt Linguist .ts file: every interface string, English source and Chinese translation."""
    from redline.registry import all_specs

    pairs = _catalogue_module().translations(all_specs())
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>", '<TS version="2.1" language="zh_CN">',
             "<context>", "    <name>redline</name>"]
    for source, comment in sorted(pairs):
        lines += ["    <message>", f"        <source>{escape(source)}</source>"]
        if comment:
            lines.append(f"        <comment>{escape(comment)}</comment>")
        lines += [f"        <translation>{escape(pairs[source, comment])}</translation>", "    </message>"]
    lines += ["</context>", "</TS>", ""]
    return "\n".join(lines)


STYLES = PLUGIN / "styles"

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
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="{width}"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="joinstyle" value="round"/>
          </Option>
        </layer>
      </symbol>
"""


def _rgb(colour: str) -> tuple[int, int, int]:
    h = colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _category_attr(out) -> str:
    """What the categories are read from: the status column, or its first code (``status_separator``)."""
    if not out.status_separator:
        return out.status_column
    sep = out.status_separator.strip()[:1] or out.status_separator[:1]
    return f"regexp_substr(\"{out.status_column}\", '^[^{sep}]*')"


def style_text(out) -> str:
    """The categorised QML of an output with statuses: findings filled strongly, the rest lightly."""
    cats, syms = [], []
    for n, s in enumerate(out.statuses):
        r, g, b = _rgb(s.colour)
        strong = s.grave or s.counted
        dark = ",".join(str(int(c * 0.65)) for c in (r, g, b))
        cats.append(f'      <category render="true" symbol="{n}" value="{escape(s.code, {chr(34): "&quot;"})}" '
                    f'label="{escape(s.label_zh + " " + s.code, {chr(34): "&quot;"})}"/>\n')
        syms.append(_QML_SYMBOL.format(n=n, fill=f"{r},{g},{b},{150 if strong else 90}", outline=f"{dark},255",
                                       width="0.6" if strong else "0.4"))
    return (_QML_HEAD.format(title=escape(f"{out.label_zh} {out.label_en}"), column=out.status_column,
                             attr=escape(_category_attr(out), {chr(34): "&quot;"}))
            + "    <categories>\n" + "".join(cats) + "    </categories>\n    <symbols>\n" + "".join(syms)
            + "    </symbols>\n  </renderer-v2>\n</qgis>\n")


#: the register's open cases with no disposal step recorded yet (its ``disposal`` empty): their category value
NO_DISPOSAL = ("none", "未处置 no disposal yet", "#ffff33")
#: a step of a procedure registered after this style was written: drawn, never hidden
OTHER_STEP = ("", "其他处置步骤 another step", "#969696")


def disposal_categories(procedures) -> list[tuple[str, str, str]]:
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


def register_style_text(procedures=None) -> str:
    """The QML of the register's open cases (``cases`` where state = 'open'): one class per disposal step,
    coloured by :attr:`redline.register.procedures.Step.colour`."""
    if procedures is None:
        from redline.register.procedures import PROCEDURES

        procedures = PROCEDURES.values()
    cats, syms = [], []
    for n, (value, label, colour) in enumerate(disposal_categories(procedures)):
        r, g, b = _rgb(colour)
        dark = ",".join(str(int(c * 0.65)) for c in (r, g, b))
        cats.append(f'      <category render="true" symbol="{n}" value="{escape(value)}" label="{escape(label)}"/>\n')
        syms.append(_QML_SYMBOL.format(n=n, fill=f"{r},{g},{b},150", outline=f"{dark},255", width="0.5"))
    attr = escape(f"coalesce(\"disposal\", '{NO_DISPOSAL[0]}')", {chr(34): "&quot;"})
    return (_QML_HEAD.format(title="案件台账 未结案件 open cases of the register", column="disposal step (处置状态)",
                             attr=attr).replace("the audit's spec", "the register's procedures")
            + "    <categories>\n" + "".join(cats) + "    </categories>\n    <symbols>\n" + "".join(syms)
            + "    </symbols>\n  </renderer-v2>\n</qgis>\n")


def style_texts() -> dict[Path, str]:
    """{style file: QML} for every map layer (an output with geometry) that declares statuses, and the
    register's open cases by disposal step."""
    from redline.registry import all_specs

    texts = {STYLES / (o.style or f"{o.name}.qml"): style_text(o) for spec in all_specs() for o in spec.outputs
             if o.statuses and o.status_column and o.geometry}
    texts[STYLES / "register_cases.qml"] = register_style_text()
    return texts


def generated_texts() -> dict[Path, str]:
    """Every generated file but the catalogue and the translations: the styles and the help pages."""
    from plugin_help import help_pages

    return {**style_texts(), **help_pages()}


def stale() -> list[str]:
    texts = generated_texts()
    out = [str(p.relative_to(ROOT)) for p, text in texts.items()
           if not p.exists() or p.read_text(encoding="utf-8") != text]
    help_dir = PLUGIN / "help"
    out += [str(p.relative_to(ROOT)) + " (no longer generated)" for p in sorted(help_dir.rglob("*.html"))
            if p not in texts]
    if not CATALOGUE.exists() or CATALOGUE.read_text(encoding="utf-8") != catalogue_text():
        out.append(str(CATALOGUE.relative_to(ROOT)))
    if not TS.exists() or TS.read_text(encoding="utf-8") != ts_text():
        out.append(str(TS.relative_to(ROOT)))
    return out


def update() -> None:
    CATALOGUE.write_text(catalogue_text(), encoding="utf-8")
    texts = generated_texts()
    for path in (PLUGIN / "help").rglob("*.html"):
        if path not in texts:  # an algorithm that is gone: its page goes too
            path.unlink()
    for path, text in texts.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    TS.parent.mkdir(exist_ok=True)
    TS.write_text(ts_text(), encoding="utf-8")
    lrelease = shutil.which("lrelease") or shutil.which("lrelease-qt5")
    if lrelease:
        subprocess.run([lrelease, "-silent", str(TS), "-qm", str(QM)], check=True)
    elif QM.exists():
        print(f"warning: lrelease not found (Debian: qttools5-dev-tools); keeping the committed {QM.name}",
              file=sys.stderr)
    else:
        raise SystemExit("lrelease not found: install qttools5-dev-tools to compile the translations")


def plugin_version() -> str:
    meta = configparser.ConfigParser(interpolation=None)
    meta.read(PLUGIN / "metadata.txt", encoding="utf-8")
    return meta["general"]["version"]


def build(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"redline_qgis-{plugin_version()}.zip"
    tmp = target.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(PLUGIN.rglob("*")):
            rel = path.relative_to(PLUGIN.parent)
            if path.is_dir() or SKIP_DIRS & set(rel.parts) or path.suffix in SKIP_SUFFIXES:
                continue
            zf.write(path, rel.as_posix())
    os.replace(tmp, target)
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="folder to write redline_qgis-<version>.zip into")
    parser.add_argument("--update", action="store_true", help="only refresh catalogue.json and translations")
    parser.add_argument("--check", action="store_true", help="fail when catalogue.json or the .ts are stale")
    parser.add_argument("--no-update", action="store_true", help="build the zip from the files as they are")
    args = parser.parse_args(argv)
    if args.check:
        bad = stale()
        if bad:
            print("stale (run: python scripts/package_plugin.py --update): " + ", ".join(bad), file=sys.stderr)
            return 1
        return 0
    if not args.no_update:
        update()
    if args.update and not args.out:
        return 0
    target = build(args.out or ROOT / "dist")
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
