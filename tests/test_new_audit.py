"""A new audit is one module: its spec, its columns, its statuses, its rule keys and its summary.

The module below (宗地缺土地用途: parcels without a land-use code) is written to a folder of its own and
registered the way a package registers its audits (a module with ``SPECS`` in
``redline.registry.AUDIT_MODULES``; the plugin's worker takes it by ``REDLINE_EXTRA_SPECS``). Without
another edit it is then an option of ``redline audit``, an algorithm of the QGIS plugin with its field
aliases, a ledger sheet under its Chinese headers with its status colours, a report section with its
figures and status legend, GeoPackage field aliases, a QML style and a part of ``docs/outputs.md``.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from shapely.geometry import box

import redline
import redline.registry
from redline.cli import main

ROOT = Path(__file__).resolve().parents[1]
X0, Y0 = 580_000, 3_590_000  # inside 息县, in EPSG:4547

MODULE = '''
"""宗地缺土地用途: parcels whose land-use code (土地用途) is empty; parcels under the sliver area not judged."""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from redline.area import piece_areas
from redline.spec import AuditSpec, Column, FigureSpec, InputSpec, OutputSpec, Status
from redline.units import M2_PER_MU

STATUS = (
    Status("no_use_code", "缺土地用途", "no land-use code", "#c8102e", grave=True, counted=True, watch=True),
    Status("sliver", "细碎图斑(不判定)", "sliver (not judged)", "#bcbd22"),
    Status("coded", "已填土地用途", "coded", "#969696"),
)
LABELS = {s.code: s.label_zh for s in STATUS}

COLUMNS = (
    Column("parcel_id", "text", "宗地号", "Parcel id", "id", ledger=True),
    Column("area_mu", "mu", "宗地面积(亩)", "Parcel area", ledger=True),
    Column("use_status_zh", "text", "用途核查结论", "Use-code check", "status", ledger=True),
    Column("rule", "text", "依据", "Rule", ledger=True),
    Column("area_m2", "m2", "宗地面积(平方米)", "Parcel area"),
    Column("use_status", "text", "用途核查代码", "Use-code check code", "status"),
)


def _run(layers, params, ctx):
    parcels = layers["parcels"]
    area = piece_areas(parcels.geometry.values, ctx.crs.crs, ctx.area_method)
    floor = float(ctx.rules.value("geometry.sliver_max_area_m2"))
    use = parcels["land_use"].astype(str).str.strip() if "land_use" in parcels.columns else None
    blank = parcels["land_use"].isna() | (use == "") if use is not None else np.ones(len(parcels), bool)
    status = np.where(area < floor, "sliver", np.where(blank, "no_use_code", "coded"))
    out = gpd.GeoDataFrame({
        "parcel_id": parcels["parcel_id"].astype(str).to_numpy(), "area_mu": area / M2_PER_MU,
        "use_status_zh": [LABELS[s] for s in status], "rule": ctx.rules.cite("geometry.sliver_max_area_m2"),
        "area_m2": area, "use_status": status,
    }, geometry=parcels.geometry.values, crs=parcels.crs)
    return {"uncoded_parcels": out}


def _summary(outputs):
    out = outputs["uncoded_parcels"]
    return [f"宗地缺土地用途 parcels without a use code: {int((out['use_status'] == 'no_use_code').sum())} "
            f"of {len(out)}"]


SPEC = AuditSpec(
    id="parcel_use_codes", label_zh="宗地缺土地用途", label_en="Parcels without a use code", group="overlay",
    inputs=(InputSpec("parcels", "parcels", True, "宗地", "Parcels"),),
    outputs=(OutputSpec("uncoded_parcels", "缺土地用途宗地", "Parcels without a use code", True, COLUMNS,
                        description="土地用途为空的宗地", description_en="Parcels whose land-use code is empty",
                        status_column="use_status", statuses=STATUS,
                        figures=(FigureSpec("count", "宗缺土地用途", "parcels without a use code", statuses="counted",
                                            grave=True),
                                 FigureSpec("area_mu", "缺用途面积", "area without a use code", column="area_mu",
                                            statuses="counted", unit="亩", digits=2))),),
    runner=_run, rules_keys=("geometry.sliver_max_area_m2",), needs_as_of=False,
    description_zh="列出土地用途为空的宗地", description_en="Lists the parcels whose land-use code is empty.",
    summary=_summary,
)
SPECS = (SPEC,)
'''
NAME = "redline_test_parcel_use_codes"


@pytest.fixture
def module_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("audit_module")
    path = folder / f"{NAME}.py"
    path.write_text(MODULE, encoding="utf-8")
    return path


@pytest.fixture
def registered(module_file, monkeypatch):
    """The module registered as the registry registers audits: importable, and named in AUDIT_MODULES."""
    monkeypatch.syspath_prepend(str(module_file.parent))
    module = importlib.import_module(NAME)
    monkeypatch.setitem(sys.modules, NAME, module)  # forgotten again after the test
    monkeypatch.setattr(redline.registry, "AUDIT_MODULES", (*redline.registry.AUDIT_MODULES, NAME))
    return module


@pytest.fixture
def parcels(tmp_path):
    path = tmp_path / "parcels.gpkg"
    gpd.GeoDataFrame({"宗地号": ["Z1", "Z2", "Z3"], "土地用途": ["工业用地", None, None]},
                     geometry=[box(X0, Y0, X0 + 100, Y0 + 100), box(X0 + 200, Y0, X0 + 300, Y0 + 150),
                               box(X0 + 400, Y0, X0 + 402, Y0 + 2)],  # Z3: 4 m², under the 10 m² sliver area
                     crs="EPSG:4547").to_file(path)
    return path


@pytest.fixture
def run(registered, parcels, tmp_path):
    """The audit run from the command line, with its ledger and report."""
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["audit", "--parcels", str(parcels), "--only", "parcel_use_codes",
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    report = CliRunner().invoke(main, ["report", "--from", str(out)])  # read back from its GeoPackage
    assert report.exit_code == 0, report.output
    return out, res.output


def test_it_is_an_option_of_the_command_line_and_runs_there(registered, run):
    text = " ".join(CliRunner().invoke(main, ["audit", "--help"]).output.split())
    readers = re.search(r"--parcels FILE\[:LAYER\][^\[]*\[([^\]]*)\]", text)  # the audits reading it
    assert readers is not None and readers.group(1).split(", ")[-1] == "parcel_use_codes"
    assert "underused" in readers.group(1).split(", ")
    out, printed = run
    assert "宗地缺土地用途 parcels without a use code: 1 of 3" in printed  # its summary
    layer = pyogrio.read_dataframe(out / "redline_results.gpkg", layer="uncoded_parcels")
    assert dict(zip(layer["parcel_id"], layer["use_status"], strict=True)) == {
        "Z1": "coded", "Z2": "no_use_code", "Z3": "sliver"}
    assert set(layer["rule"]) == {redline.rules.resolve_rules(None).cite("geometry.sliver_max_area_m2")}
    assert layer.loc[layer["parcel_id"] == "Z2", "area_m2"].item() == pytest.approx(15_000, rel=1e-3)


def test_it_is_in_the_plugin_catalogue_with_its_aliases(registered, module_file):
    sys.path.insert(0, str(ROOT / "qgis_plugin" / "redline_qgis"))
    try:
        from catalogue import build_catalogue, translations
    finally:
        sys.path.pop(0)
    entry = next(a for a in build_catalogue(redline.registry.all_specs(), redline.__version__)["algorithms"]
                 if a["id"] == "parcel_use_codes")
    assert entry["inputs"][0]["name"] == "parcels" and entry["rules_keys"] == ["geometry.sliver_max_area_m2"]
    (output,) = entry["outputs"]
    assert output["aliases"]["use_status_zh"] == "用途核查结论" and output["aliases"]["area_mu"] == "宗地面积(亩)"
    assert output["aliases"]["parcel_id"] == "宗地号"
    assert translations(redline.registry.all_specs())[("Parcels without a use code", "audit:parcel_use_codes")] == \
        "宗地缺土地用途"
    # the plugin's worker, in its own process, takes the module by REDLINE_EXTRA_SPECS
    env = {**os.environ, "REDLINE_EXTRA_SPECS": f"{module_file}:SPEC",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    answer = subprocess.run([sys.executable, str(ROOT / "qgis_plugin" / "redline_qgis" / "worker.py"), "catalogue"],
                            env=env, capture_output=True, text=True, timeout=300, check=True)
    shown = json.loads(answer.stdout.strip().splitlines()[-1])
    worker_entry = next(a for a in shown["algorithms"] if a["id"] == "parcel_use_codes")
    assert worker_entry["outputs"] == entry["outputs"]


def test_it_gets_a_ledger_sheet_under_its_chinese_headers(run):
    from redline.io.ledger import _tint, header_row

    out, _ = run
    ws = load_workbook(out / "redline_ledger.xlsx")["缺土地用途宗地"]
    h = header_row(ws)  # under the title block
    assert [c.value for c in ws[h]] == ["序号", "宗地号", "宗地面积(亩)", "用途核查结论", "依据"]
    rows = {ws.cell(r, 2).value: r for r in range(h + 1, h + 4)}
    assert ws.cell(rows["Z2"], 4).value == "缺土地用途"
    assert ws.cell(rows["Z2"], 4).fill.fgColor.rgb.endswith(_tint("#c8102e"))  # its status colour
    assert ws.cell(rows["Z1"], 4).fill.fgColor.rgb.endswith(_tint("#969696"))
    assert ws.cell(h + 4, 1).value == "合计" and ws.cell(h + 4, 3).value == pytest.approx(
        sum(ws.cell(r, 3).value for r in range(h + 1, h + 4)))


def test_it_gets_a_report_section_with_its_figures_and_status_legend(run):
    out, _ = run
    html = (out / "redline_report.html").read_text(encoding="utf-8")
    assert "<h2>缺土地用途宗地</h2>" in html and "土地用途为空的宗地" in html
    assert 'data-figure="uncoded_parcels.count" data-value="1.0"' in html
    assert 'data-figure="uncoded_parcels.area_mu" data-value="' in html
    area = float(html.split('data-figure="uncoded_parcels.area_mu" data-value="')[1].split('"')[0])
    assert area == pytest.approx(22.5, rel=1e-3)  # Z2 only: 100 m x 150 m
    assert "宗缺土地用途" in html
    legend = html.split('<ul class="legend">')[1].split("</ul>")[0]
    assert 'data-status="no_use_code"' in legend and "background:#c8102e" in legend and "缺土地用途" in legend
    assert 'data-status="sliver"' in legend and 'data-status="coded"' in legend
    assert legend.index("no_use_code") < legend.index("sliver") < legend.index("coded")  # in declared order


def test_it_gets_geopackage_field_aliases(run):
    out, _ = run
    with sqlite3.connect(out / "redline_results.gpkg") as db:
        aliases = dict(db.execute("SELECT column_name, name FROM gpkg_data_columns WHERE table_name = ?",
                                  ("uncoded_parcels",)).fetchall())
    assert aliases["use_status_zh"] == "用途核查结论" and aliases["use_status"] == "用途核查代码"
    assert aliases["area_m2"] == "宗地面积(平方米)"


def test_it_gets_a_qml_style_from_its_statuses(registered):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import package_plugin
    finally:
        sys.path.pop(0)
    styles = {p.name: text for p, text in package_plugin.style_texts().items()}
    qml = styles["uncoded_parcels.qml"]
    assert 'attr="use_status"' in qml
    assert 'value="no_use_code" label="缺土地用途 no_use_code"' in qml and 'value="coded"' in qml
    assert 'name="color" value="200,16,46,150"' in qml  # #c8102e, a finding: filled strongly


def test_it_gets_a_help_page_in_the_plugin(registered):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import plugin_help
    finally:
        sys.path.pop(0)
    pages = {f"{p.parent.name}/{p.name}": text for p, text in plugin_help.help_pages().items()}
    zh, en = pages["zh/parcel_use_codes.html"], pages["en/parcel_use_codes.html"]
    assert "<title>宗地缺土地用途</title>" in zh and "<title>Parcels without a use code</title>" in en
    assert "<td>用途核查结论</td>" in zh and '<a href="parcel_use_codes.html">' in pages["zh/index.html"]


def test_it_appears_in_the_docs(registered):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import gen_docs
    finally:
        sys.path.pop(0)
    page = gen_docs.outputs_page()
    assert "## 宗地缺土地用途 — Parcels without a use code (`parcel_use_codes`)" in page
    assert "### layer `uncoded_parcels` — 缺土地用途宗地 / Parcels without a use code" in page
    assert "| `use_status_zh` | text |  | 用途核查结论 | Use-code check | status | yes |" in page
    assert "`no_use_code` 缺土地用途 / no land-use code" in page
    assert "Thresholds: `geometry.sliver_max_area_m2`." in page


def test_without_the_registration_it_is_nowhere():
    assert "parcel_use_codes" not in [s.id for s in redline.registry.all_specs()]
    assert "parcel_use_codes" not in CliRunner().invoke(main, ["audit", "--help"]).output
