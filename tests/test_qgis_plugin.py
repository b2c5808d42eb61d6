"""The QGIS plugin: packaging and catalogue (plain Python), and real QGIS runs (marked ``qgis``).

QGIS never runs inside the pytest process: each QGIS test starts ``tests/qgis/run_algorithms.py``
with this interpreter (or ``qgis_process``) and compares what QGIS wrote with what the library
computes here, directly. Outside CI the QGIS tests skip when QGIS is missing; under CI they fail.
"""

from __future__ import annotations

import ast
import configparser
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "qgis_plugin" / "redline_qgis"
HARNESS = ROOT / "tests" / "qgis" / "run_algorithms.py"
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "qgis_plugin"))

import package_plugin  # noqa: E402  (scripts/package_plugin.py)


def _qgis_importable() -> bool:
    try:
        probe = subprocess.run([sys.executable, "-c", "import qgis.core"], capture_output=True, timeout=60,
                               env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


HAVE_QGIS = _qgis_importable()
requires_qgis = pytest.mark.skipif(not HAVE_QGIS, reason=f"{sys.executable} cannot import qgis (./run test "
                                   "installs python3-qgis and runs the tests from .venv-test)")


def harness(*args, timeout=600) -> dict | list:
    """Run the QGIS harness in a child process (with a throw-away QGIS profile) and return its JSON answer."""
    import tempfile

    profile = tempfile.mkdtemp(prefix="redline_qgis_profile_")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QGIS_CUSTOM_CONFIG_PATH": profile}
    proc = subprocess.run([sys.executable, str(HARNESS), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=str(ROOT))
    marker = "@@JSON@@"
    if marker not in proc.stdout:
        pytest.fail(f"QGIS harness died (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    shutil.rmtree(profile, ignore_errors=True)
    answer = json.loads(proc.stdout.split(marker, 1)[1])
    if isinstance(answer, dict) and "crash" in answer:
        pytest.fail("QGIS harness raised:\n" + answer["crash"])
    return answer


def _specs():
    from redline.registry import all_specs

    return all_specs()


# -- without QGIS ---------------------------------------------------------------------------------

@pytest.mark.parametrize("locale", ["zh_CN", "zh-Hans", "zh_Hans", "zh_Hans_CN", "zh-CN", "zh_TW", "zh"])
def test_every_chinese_locale_gets_the_shipped_translation(locale):
    """QGIS writes ``zh-Hans`` for 简体中文: before, the plugin looked for redline_qgis_zh-Hans.qm and showed English."""
    from redline_qgis.locales import translation_candidates

    found = [c for c in translation_candidates(locale) if (PLUGIN / "i18n" / f"redline_qgis_{c}.ts").exists()]
    assert found == ["zh_CN"]


def test_redline_python_is_found_by_variable_setting_or_default_place(tmp_path):
    """Where the plugin looks for redline's own Python, in order; the install script makes the default place."""
    import install_for_qgis  # scripts/install_for_qgis.py: the same default place
    from redline_qgis.environment import default_venv, find_python, venv_python

    environ = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    assert default_venv("linux", environ) == str(tmp_path / "data" / "redline" / "venv")
    assert default_venv("win32", {"LOCALAPPDATA": "C:/Users/u/AppData/Local"}).endswith("redline" + os.sep + "venv")
    python, how = find_python(None, environ)
    assert python is None and "default environment" in how and "not found" in how
    default = Path(venv_python(default_venv("linux", environ), "linux"))
    default.parent.mkdir(parents=True)
    default.write_text("")
    assert find_python(None, environ)[0] == str(default)
    setting = tmp_path / "other" / "python"
    setting.parent.mkdir()
    setting.write_text("")
    assert find_python(str(setting), environ)[0] == str(setting)
    variable = tmp_path / "python-from-variable"
    variable.write_text("")
    assert find_python(str(setting), {**environ, "REDLINE_PYTHON": str(variable)})[0] == str(variable)
    old = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(tmp_path / "data")
    try:
        assert str(install_for_qgis.default_venv()) == default_venv("linux", environ)
    finally:
        if old is None:
            os.environ.pop("XDG_DATA_HOME")
        else:
            os.environ["XDG_DATA_HOME"] = old


def test_the_worker_lists_every_audit_for_the_plugin():
    """redline's Python writes the catalogue the plugin builds its algorithms from (QGIS never imports redline)."""
    from redline_qgis.environment import load_catalogue

    catalogue = load_catalogue(sys.executable)
    assert [a["id"] for a in catalogue["algorithms"]] == [s.id for s in _specs()]
    assert "cn-national" in catalogue["rule_sets"] and catalogue["python"] == sys.executable
    ans = next(a for a in catalogue["algorithms"] if a["id"] == "approved_not_supplied")
    approvals = next(i for i in ans["inputs"] if i["name"] == "approvals")
    assert {"name": "approval_id", "label_zh": "批准文号"} in approvals["required_fields"] and approvals["polygon"]


def test_other_locales_get_no_chinese():
    from redline_qgis.locales import translation_candidates

    assert translation_candidates("en_US") == ["en_US", "en"]
    assert translation_candidates("") == []


def test_catalogue_and_translations_match_the_specs():
    """catalogue.json (shown without redline) and the .ts are generated from the specs: never stale."""
    stale = package_plugin.stale()
    assert not stale, f"stale: {stale}; regenerate with: python scripts/package_plugin.py --update"
    listed = [a["id"] for a in json.loads((PLUGIN / "catalogue.json").read_text(encoding="utf-8"))["algorithms"]]
    assert listed == [s.id for s in _specs()]


def test_zip_has_the_plugin_and_nothing_else(tmp_path):
    (PLUGIN / "__pycache__").mkdir(exist_ok=True)
    (PLUGIN / "__pycache__" / "junk.cpython-311.pyc").write_bytes(b"junk")
    try:
        target = package_plugin.build(tmp_path)
    finally:
        shutil.rmtree(PLUGIN / "__pycache__", ignore_errors=True)
    meta = configparser.ConfigParser(interpolation=None)
    meta.read(PLUGIN / "metadata.txt", encoding="utf-8")
    assert target.name == f"redline_qgis-{meta['general']['version']}.zip"
    names = zipfile.ZipFile(target).namelist()
    assert all(n.startswith("redline_qgis/") for n in names)
    assert not [n for n in names if n.endswith((".pyc", ".pyo")) or "__pycache__" in n]
    for needed in ("__init__.py", "metadata.txt", "LICENSE", "provider.py", "algorithm.py", "worker.py",
                   "catalogue.json", "icon.svg", "i18n/redline_qgis_zh_CN.qm", "i18n/redline_qgis_zh_CN.ts",
                   "styles/finding.qml", "styles/approved_not_supplied.qml", "styles/patch_register.qml",
                   "help/zh/index.html", "help/en/index.html", "help/zh/supplied_not_used.html",
                   "help/en/record_round.html"):
        assert f"redline_qgis/{needed}" in names, needed
    with zipfile.ZipFile(target) as zf:
        text = zf.read("redline_qgis/metadata.txt").decode("utf-8")
    packed = configparser.ConfigParser(interpolation=None)
    packed.read_string(text)
    general = packed["general"]
    for key in ("name", "qgisMinimumVersion", "description", "about", "version", "author",
                "hasProcessingProvider", "tags", "category", "icon"):
        assert general.get(key, "").strip(), key
    # no address the plugin manager would show as a link, and no made-up mailbox: the project has no public
    # site or mailbox (QGIS loads a plugin without an email); the help ships inside
    for key in ("homepage", "tracker", "repository", "email"):
        assert key not in general, key
    assert "help/zh/" in general["about"] and "example.invalid" not in text
    setup = configparser.ConfigParser(interpolation=None)
    setup.read(PLUGIN.parent.parent / "setup.cfg", encoding="utf-8")
    assert "example.invalid" not in setup["metadata"].get("url", "")
    assert general["qgisMinimumVersion"] == "3.22"
    assert general["hasProcessingProvider"] == "yes"
    assert general["category"] == "Analysis"
    assert f"redline_qgis/{general['icon']}" in names
    import redline

    assert general["version"] == redline.__version__


def test_help_pages_are_shipped_for_every_algorithm_and_quote_every_threshold():
    """A page per algorithm and language, written from the spec: its inputs by QGIS parameter name, its
    outputs with their columns, and each threshold it reads with the source the default rule set quotes."""
    from html import escape

    import plugin_help
    from redline_qgis.catalogue import register_entries, spec_entry

    from redline.rules import DEFAULT, load_rules

    specs = _specs()
    ids = [s.id for s in specs] + [e["id"] for e in register_entries([spec_entry(s) for s in specs])]
    for lang in ("zh", "en"):
        shipped = sorted(p.stem for p in (PLUGIN / "help" / lang).glob("*.html"))
        assert shipped == sorted([*ids, "index"])
        index = (PLUGIN / "help" / lang / "index.html").read_text(encoding="utf-8")
        assert all(f'href="{i}.html"' in index for i in ids)
    sources = {r["key"]: str(r["source"]) for r in load_rules(DEFAULT).to_records()}
    for spec in specs:
        zh = (PLUGIN / "help" / "zh" / f"{spec.id}.html").read_text(encoding="utf-8")
        en = (PLUGIN / "help" / "en" / f"{spec.id}.html").read_text(encoding="utf-8")
        assert f"<title>{escape(spec.label_zh)}</title>" in zh and f"<title>{escape(spec.label_en)}</title>" in en
        assert f'<a href="../en/{spec.id}.html">' in zh and f'<a href="../zh/{spec.id}.html">' in en
        for inp in spec.inputs:
            assert f"<code>{inp.name.upper()}</code>" in zh
        for out in spec.outputs:
            for column in out.columns:
                assert f"<td>{escape(column.label_zh)}</td>" in zh and f"<td>{escape(column.label_en)}</td>" in en
        for key in spec.rules_keys:
            assert key in sources, key
            assert escape(sources[key]) in zh, key
    assert plugin_help.help_pages(specs).keys() == {p for p in (PLUGIN / "help").rglob("*.html")}


def test_short_descriptions_are_the_first_sentence_of_each_description():
    from redline_qgis.catalogue import first_sentence

    cut = 0
    for spec in _specs():
        text = spec.description_zh.strip()
        short = first_sentence(text)
        if short != text:  # cut at its first 。 or ; and closed by 。
            cut += 1
            assert text.startswith(short[:-1]) and short.endswith("。")
            assert not any(mark in short[:-1] for mark in ("。", ";", "；")), short
    assert cut, "no description was shortened"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_qgis_python_never_imports_redline_or_its_stack_and_redline_never_imports_qgis():
    """QGIS's Python keeps the packages QGIS was built with: the plugin's modules that run in QGIS import
    neither redline nor anything of its stack (numpy 2, pandas, shapely, pyproj, GDAL-bundling wheels);
    only worker.py (started with redline's own Python) and catalogue.py (used by it and the packaging) may."""
    stack = {"redline", "numpy", "pandas", "geopandas", "shapely", "pyproj", "pyogrio", "rasterio", "fiona",
             "osgeo", "pyarrow", "matplotlib"}
    for path in PLUGIN.glob("*.py"):
        if path.name in ("worker.py", "catalogue.py"):
            continue
        assert not (_imports(path) & stack), f"{path.name} imports {sorted(_imports(path) & stack)}"
    assert "qgis" not in _imports(PLUGIN / "worker.py")
    assert "qgis" not in _imports(PLUGIN / "catalogue.py")
    for name in ("environment.py", "status.py", "locales.py", "encoding.py"):
        assert "qgis" not in _imports(PLUGIN / name), name
    for path in (ROOT / "redline").rglob("*.py"):
        assert "qgis" not in _imports(path), path


def test_every_interface_string_has_a_chinese_translation():
    from redline_qgis.catalogue import STATIC_ZH

    used = set()
    for path in PLUGIN.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                used.add(node.args[0].value)
    assert used, "no tr() calls found"
    assert sorted(used - set(STATIC_ZH)) == []


# -- in QGIS ----------------------------------------------------------------------------------------

@pytest.mark.qgis
@requires_qgis
@pytest.mark.parametrize("locale", ["en_US", "zh_CN"])
def test_provider_shows_every_audit_from_its_spec(locale):
    answer = harness("list", locale)
    assert answer["status"][0] is True
    algs = {a["name"]: a for a in answer["algorithms"]}
    specs = _specs()
    assert set(algs) == {s.id for s in specs} | {"dummy_area", "record_round", "open_cases"}
    # recording a round reads every input any audit reads, each optional, into a register named by file
    record = algs["record_round"]["parameters"]
    assert {i.name.upper() for s in specs for i in s.inputs} <= set(record)
    assert all(record[i.name.upper()]["optional"] for s in specs for i in s.inputs)
    assert record["REGISTER"]["type"] == "file" and not record["REGISTER"]["optional"]
    assert algs["record_round"]["group_id"] == algs["open_cases"]["group_id"] == "register"
    assert algs["record_round"]["display"] == ("记录审计轮次" if locale == "zh_CN" else "Record an audit round")
    zh = locale == "zh_CN"
    for spec in specs:
        alg = algs[spec.id]
        assert alg["id"] == f"redline:{spec.id}"
        assert alg["display"] == (spec.label_zh if zh else spec.label_en)
        assert alg["group_id"] == spec.group
        params = alg["parameters"]
        for inp in spec.inputs:
            assert params[inp.name.upper()]["optional"] is (not inp.required)
        for p in spec.params:
            assert p.name.upper() in params
        sinks = [n for n, p in params.items() if p["type"] == "sink"]
        assert len(sinks) == len(spec.outputs) + 2  # + rejected + summary
        assert {"RULES", "RULES_FILE", "AREA_METHOD", "CRS", "STRICT"} <= set(params)
        assert ("AS_OF" in params) is spec.needs_as_of
    # a spec compiled into no .qm (the test-only one) still shows its own Chinese label
    assert algs["dummy_area"]["display"] == ("测试面积" if zh else "Test area")
    rules = algs["dummy_area"]["parameters"]["RULES"]["description"]
    assert rules == ("规则集" if zh else "Rule set")
    assert algs["dummy_area"]["group"] == ("批供用审计" if zh else "Approval, supply and use")
    assert answer["long_name"].startswith("redline 土地利用监管审计" if zh else "redline land-use supervision")



@pytest.mark.qgis
@requires_qgis
@pytest.mark.parametrize("locale", ["zh-Hans", "zh_Hans_CN", "zh-CN", "zh_CN", "zh", "en_US"])
def test_qgis_locale_setting_picks_the_shipped_translation(locale, tmp_path):
    """QGIS keeps its language in ``locale/userLocale`` (``zh-Hans`` for 简体中文): every Chinese name loads
    the shipped zh_CN .qm. The provider's long name is known to the .qm only (no spec fallback), so it
    shows that the translation itself was loaded, not only the spec's own Chinese labels."""
    answer = harness("locale", locale, tmp_path)
    chinese = locale != "en_US"
    assert answer["locale"] == locale
    assert answer["translator"] is chinese
    assert answer["display"] == ("批而未供" if chinese else "Approved but not supplied")
    assert answer["group"] == ("批供用审计" if chinese else "Approval, supply and use")
    assert answer["long_name"] == ("redline 土地利用监管审计" if chinese else "redline land-use supervision audits")


@pytest.mark.qgis
@requires_qgis
def test_progress_by_stage_in_chinese_and_cancel_kills_the_worker_leaving_nothing(tmp_path):
    """A run shows redline's stages in Chinese on a bar that only moves forward; a run cancelled while
    redline is silent in a long stage (the test audit waits 120 s) stops at once: the worker process is
    gone, the chosen output folder holds no result, and the scratch folder is removed."""
    answer = harness("progress", tmp_path)
    done = answer["done"]
    expected = ["读取输入图层", "读取图层：", "检查图层：字段、几何、坐标系", "审计：测试面积", "写出结果",
                "redline 运行完毕", "将结果载入 QGIS"]
    assert len(done["texts"]) == len(expected)
    assert all(text.startswith(prefix) for text, prefix in zip(done["texts"], expected, strict=True)), done["texts"]
    assert done["values"] == sorted(done["values"]) and done["values"][-1] == 100.0
    cancelled = answer["cancelled"]
    assert cancelled["texts"][-2:] == ["审计：测试慢速", "测试慢速 slow test: waiting"]
    assert cancelled["error"] == "已取消"
    assert cancelled["seconds"] < 30  # the audit would have waited 120 s
    assert cancelled["alive"] is False and cancelled["pid"] > 0
    assert answer["left"] == ["cancelled", "done.gpkg"]  # nothing in the cancelled run's output folder
    assert cancelled["scratch_left"] is None


@pytest.mark.qgis
@requires_qgis
def test_dialog_in_chinese_is_drawn_and_its_help_button_opens_the_shipped_page(tmp_path):
    """scripts/screenshot_qgis_dialog.py (which makes docs/images/qgis_dialog_zh.png) draws the idle-land
    algorithm's QGIS dialog in Chinese; pressing Help opens the shipped Chinese page of the algorithm."""
    from PIL import Image
    from redline_qgis.catalogue import STATIC_ZH

    spec = next(s for s in _specs() if s.id == "supplied_not_used")
    out = tmp_path / "dialog.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path / "profile")}
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshot_qgis_dialog.py"), "--out", str(out),
                           "--json"], capture_output=True, text=True, timeout=300, env=env, cwd=str(ROOT))
    assert "@@JSON@@" in proc.stdout, proc.stderr[-3000:]
    shown = json.loads(proc.stdout.split("@@JSON@@", 1)[1])
    assert shown["title"] == spec.label_zh
    for inp in spec.inputs:  # QGIS's own words too: an optional parameter is marked [可选]
        assert (inp.label_zh if inp.required else f"{inp.label_zh} [可选]") in shown["labels"], inp.name
    assert f"{STATIC_ZH['As-of date (empty: today)']} [可选]" in shown["labels"]
    assert "运行" in shown["buttons"] and shown["help_visible"] is True
    page = PLUGIN / "help" / "zh" / "supplied_not_used.html"
    assert shown["help_opened"] == [shown["help_url"]] == [page.as_uri()]
    assert f"<title>{spec.label_zh}</title>" in page.read_text(encoding="utf-8")
    with Image.open(out) as image:
        assert image.size == tuple(shown["size"]) == (1100, 760)
        assert len(image.convert("RGB").getcolors(1 << 20)) > 50  # drawn widgets and text, not a blank window


@pytest.mark.qgis
@requires_qgis
def test_layers_travel_as_wkb_with_selection_field_mapping_and_rejects(tmp_path):
    """The test-only audit on memory layers: two squares of 10000 m² and 1000 m², checked on paper."""
    import geopandas as gpd

    answer = harness("dummy", tmp_path)
    every = gpd.read_file(tmp_path / "all.gpkg")
    assert every["approval_id"].tolist() == ["批2020-01", "批2021-07"]
    assert every["area_m2"].tolist() == pytest.approx([10000.0, 1000.0], rel=1e-12)
    assert every["area_mu"].tolist() == pytest.approx([15.0, 1.5], rel=1e-12)
    assert every["large"].tolist() == [True, False]  # MIN_AREA_M2=5000
    assert [str(d)[:10] for d in every["approval_date"]] == ["2020-01-15", "2021-07-01"]
    assert every.crs.to_epsg() == 4547
    assert every.geometry.area.tolist() == pytest.approx([10000.0, 1000.0])
    totals = gpd.read_file(tmp_path / "all_totals.gpkg")
    assert totals["area_m2"].tolist() == [11000.0] and totals["as_of"].tolist() == ["2026-06-30"]
    assert answer["all"]["REJECTED_COUNT"] == 0
    assert "测试 test: 2 approvals" in answer["all"]["SUMMARY_TEXT"]
    summary = gpd.read_file(tmp_path / "all_summary.gpkg")
    assert dict(zip(summary["item"], summary["value"], strict=False))["area_method"] == "planar"
    # only the selected feature travels
    assert gpd.read_file(tmp_path / "selected.gpkg")["approval_id"].tolist() == ["批2021-07"]
    # a missing field: a plain message naming the layer, the field and the fix
    error = answer["missing_field"]["error"]
    assert "[approvals]" in error and "approval_id" in error and "fix:" in error
    # the same data with its fields named by hand through the field-mapping parameters
    mapped = gpd.read_file(tmp_path / "mapped.gpkg")
    assert mapped["approval_id"].tolist() == ["批2020-01", "批2021-07"]
    assert mapped["large"].tolist() == [True, True]  # the spec's default threshold, 400 m²
    # a feature without geometry is set aside, named, and counted, never dropped silently
    assert answer["null_geometry"]["REJECTED_COUNT"] == 1 and answer["null_geometry"]["DUMMY_AREAS"] == 2
    rejected = gpd.read_file(tmp_path / "null_rejected.gpkg")
    assert rejected[["layer", "feature_id"]].values.tolist() == [["approvals", "批2022-02"]]


@pytest.mark.qgis
@requires_qgis
def test_without_redline_the_algorithms_still_show_and_explain_the_install(tmp_path):
    answer = harness("missing", tmp_path)
    assert answer["status"][0] is False and "redline's Python was not found" in answer["status"][1]
    catalogue = json.loads((PLUGIN / "catalogue.json").read_text(encoding="utf-8"))["algorithms"]
    assert sorted(a["name"] for a in answer["algorithms"]) == sorted([a["id"] for a in catalogue]
                                                                     + ["record_round", "open_cases"])
    assert all(a["can_execute"][0] is False for a in answer["algorithms"])
    error = answer["error"]
    for needed in ("python3 REDLINE/scripts/install_for_qgis.py", "py -3 REDLINE\\scripts\\install_for_qgis.py",
                   "REDLINE_PYTHON", "redline/python", str(tmp_path / "redline" / "venv")):
        assert needed in error, needed


def _example_jobs(out: Path):
    """processing.run jobs for every registered audit the example county can feed (vector inputs)."""
    from redline_qgis.catalogue import is_raster_input

    from redline.example import example_path

    gpkg = example_path()
    import pyogrio

    layers = {str(n) for n, _ in pyogrio.list_layers(gpkg)}
    jobs, plans = [], []
    for spec in _specs():
        if any(is_raster_input(spec, i) for i in spec.inputs):
            continue
        if not all(i.name in layers for i in spec.inputs if i.required):
            continue
        given = [i.name for i in spec.inputs if i.name in layers]
        params = {name.upper(): f"{gpkg}|layername={name}" for name in given}
        params.update({"AS_OF": "2026-06-30", "AREA_METHOD": 0})
        library_params = {}
        if "stats" in {p.name for p in spec.params}:  # the example's statistics table, as a bureau's CSV
            from redline.cli.demo import example_params

            table = out / "统计表.csv"
            example = example_params()
            example["stats"].to_csv(table, index=False, encoding="utf-8-sig")
            library_params = {"stats": str(table), "base_year": example["base_year"], "year": example["year"]}
            params.update({"STATS": str(table), "BASE_YEAR": example["base_year"], "YEAR": example["year"]})
        paths = {}
        for o in spec.outputs:
            key = o.name.upper()
            if key in {i.name.upper() for i in spec.inputs} | {p.name.upper() for p in spec.params}:
                key = "OUTPUT_" + key
            paths[o.name] = out / spec.id / f"{o.name}.gpkg"
            paths[o.name].parent.mkdir(parents=True, exist_ok=True)
            params[key] = str(paths[o.name])
        params["REJECTED"] = str(out / spec.id / "rejected.gpkg")
        params["SUMMARY"] = "TEMPORARY_OUTPUT"
        jobs.append({"algorithm": f"redline:{spec.id}", "parameters": params})
        plans.append((spec, {n: f"{gpkg}:{n}" for n in given}, paths, library_params))
    return jobs, plans


def _text(values) -> list[str]:
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
            out.append("")
        elif isinstance(v, pd.Timestamp | np.datetime64):
            out.append(str(pd.Timestamp(v).date()))
        else:
            out.append(str(v)[:10] if hasattr(v, "isoformat") else str(v))
    return out


def assert_same_frame(library, qgis, name):
    """Row by row: the QGIS output (written by QGIS, read back here) equals the library's frame."""
    import geopandas as gpd

    assert len(qgis) == len(library), f"{name}: {len(qgis)} rows in QGIS, {len(library)} in the library"
    spatial = isinstance(library, gpd.GeoDataFrame) and library.geometry.name in library.columns
    for column in library.columns:
        if spatial and column == library.geometry.name:
            continue
        assert column in qgis.columns, f"{name}: column {column} missing in QGIS's output"
        lib, got = library[column], qgis[column]
        if pd.api.types.is_bool_dtype(lib.dtype):
            def flags(values):
                return ["" if pd.isna(v) else str(bool(v)) for v in values]

            assert flags(got) == flags(lib), f"{name}.{column}"
        elif pd.api.types.is_numeric_dtype(lib.dtype):
            np.testing.assert_allclose(got.to_numpy(float), lib.to_numpy(float), rtol=1e-9, atol=1e-9,
                                       equal_nan=True, err_msg=f"{name}.{column}")
        elif pd.api.types.is_datetime64_any_dtype(lib.dtype) or any(hasattr(v, "isoformat") for v in lib):
            assert _text(got) == _text(lib), f"{name}.{column}"
        else:
            assert _text(got) == _text(lib), f"{name}.{column}"
    if spatial and len(library):
        assert qgis.crs == library.crs, name
        # empty and missing geometries both carry no area (GeoPackage reads an empty one back as missing)
        np.testing.assert_allclose(np.nan_to_num(qgis.geometry.area.to_numpy()),
                                   np.nan_to_num(library.geometry.area.to_numpy()), rtol=1e-9, atol=1e-6,
                                   err_msg=f"{name}: geometry areas")


@pytest.mark.qgis
@pytest.mark.slow
@requires_qgis
def test_every_algorithm_gives_the_library_numbers_on_the_example_county(tmp_path):
    import geopandas as gpd
    import pyogrio

    from redline.example import EXAMPLE_AS_OF
    from redline.pipeline import run_audits

    jobs, plans = _example_jobs(tmp_path)
    assert jobs, "no registered audit can run on the example county"
    job_file = tmp_path / "jobs.json"
    job_file.write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
    answers = {a["algorithm"]: a for a in harness("run", job_file)}
    rows = 0
    for spec, sources, paths, params in plans:
        answer = answers[f"redline:{spec.id}"]
        assert answer["ok"], f"{spec.id}: {answer.get('error')}"
        library = run_audits(sources, audits=[spec.id], as_of=EXAMPLE_AS_OF, params=params)
        for o in spec.outputs:
            got = (gpd.read_file(paths[o.name]) if o.geometry
                   else pyogrio.read_dataframe(paths[o.name], read_geometry=False))
            assert_same_frame(library.outputs[o.name], got, f"{spec.id}/{o.name}")
            rows += len(got)
        rejected = pyogrio.read_dataframe(tmp_path / spec.id / "rejected.gpkg", read_geometry=False)
        assert len(rejected) == len(library.rejected) == answer["result"]["REJECTED_COUNT"]
        assert answer["result"]["SUMMARY_TEXT"].splitlines()[:len(library.summary)] == library.summary
    assert rows > 0, "every output was empty: the comparison proved nothing"


def _qgis_process() -> str | None:
    """Debian's qgis_process; its shell wrapper passes --noversioncheck (from /etc/default/qgis), which
    qgis_process 3.22 rejects, so the real binary next to it is used when there is one."""
    found = shutil.which("qgis_process")
    if found and os.path.exists(found + ".bin"):
        return found + ".bin"
    return found


def _qgis_process_runner(env: dict, cwd: Path):
    """``qgis_process(*args) -> stdout`` in ``env``; every call must exit 0."""
    exe = _qgis_process()

    def qgis_process(*args):
        proc = subprocess.run([exe, *args], capture_output=True, text=True, env=env, timeout=600, cwd=cwd)
        assert proc.returncode == 0, f"qgis_process {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr}"
        return proc.stdout

    return qgis_process


@pytest.mark.qgis
@pytest.mark.skipif(_qgis_process() is None, reason="qgis_process is not installed (./run test installs qgis)")
@requires_qgis
def test_zip_installs_into_a_clean_profile_and_qgis_process_runs_an_audit(tmp_path):
    """The built zip, unpacked into an empty profile, loads in qgis_process and runs on files.

    Every qgis_process call must exit 0."""
    import geopandas as gpd

    from redline.example import EXAMPLE_AS_OF, example_path
    from redline.pipeline import run_audits

    zip_path = package_plugin.build(tmp_path / "dist")
    plugins = tmp_path / "config" / "profiles" / "default" / "python" / "plugins"
    plugins.mkdir(parents=True)
    zipfile.ZipFile(zip_path).extractall(plugins)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path / "config"),
           # redline's own Python is this interpreter; QGIS's embedded Python does not see redline at all
           "REDLINE_PYTHON": sys.executable}
    env.pop("PYTHONPATH", None)
    qgis_process = _qgis_process_runner(env, tmp_path)

    qgis_process("plugins", "enable", "redline_qgis")
    assert "* redline_qgis" in qgis_process("plugins")
    listed = qgis_process("list")
    specs = _specs()
    for spec in specs:
        assert f"redline:{spec.id}\t" in listed
    spec = next((s for s in specs if s.id == "development_intensity"), None)
    if spec is None:
        pytest.skip("development_intensity is not registered")
    gpkg = example_path()
    out = tmp_path / "intensity.gpkg"
    answer = json.loads(qgis_process("--json", "run", "redline:development_intensity", "--",
                                     f"LANDUSE={gpkg}|layername=landuse", f"ADMIN={gpkg}|layername=admin",
                                     "AS_OF=2026-06-30", f"DEVELOPMENT_INTENSITY={out}",
                                     f"REJECTED={tmp_path / 'rejected.gpkg'}", "SUMMARY=TEMPORARY_OUTPUT"))
    library = run_audits({"landuse": f"{gpkg}:landuse", "admin": f"{gpkg}:admin"},
                         audits=["development_intensity"], as_of=EXAMPLE_AS_OF)
    assert answer["results"]["DEVELOPMENT_INTENSITY"] == str(out)
    assert_same_frame(library.outputs["development_intensity"], gpd.read_file(out), "qgis_process")
    assert answer["results"]["SUMMARY_TEXT"].splitlines()[:len(library.summary)] == library.summary
    # a raster audit from qgis_process: the plugin finds QGIS's Python and runs it in a child process
    if "change_patches" in {s.id for s in specs}:
        from redline.example import write_example_rasters

        before, after = write_example_rasters(tmp_path / "rasters")
        patches = tmp_path / "patches.gpkg"
        answer = json.loads(qgis_process("--json", "run", "redline:change_patches", "--", f"BEFORE={before}",
                                         f"AFTER={after}", "FROM_CLASSES=1,2", "TO_CLASSES=3",
                                         f"CHANGE_PATCHES={patches}", "REJECTED=TEMPORARY_OUTPUT",
                                         "SUMMARY=TEMPORARY_OUTPUT"))
        library = run_audits({"before": str(before), "after": str(after)}, audits=["change_patches"],
                             params={"from_classes": "1,2", "to_classes": "3"})
        assert_same_frame(library.outputs["change_patches"], gpd.read_file(patches), "qgis_process change_patches")


@pytest.mark.qgis
@pytest.mark.slow
@requires_qgis
def test_raster_audits_run_in_a_child_python_with_the_library_numbers(tmp_path):
    """transitions and change_patches take QGIS raster layers (run in a child Python, one GDAL per
    process); judge_patches then judges the patches QGIS wrote."""
    import geopandas as gpd
    import pyogrio

    from redline.example import example_path, write_example_rasters
    from redline.pipeline import run_audits

    ids = {s.id for s in _specs()}
    if not {"transitions", "change_patches", "judge_patches"} <= ids:
        pytest.skip("the imagery audits are not registered")
    before, after = write_example_rasters(tmp_path / "rasters")
    gpkg = example_path()
    out = {name: tmp_path / f"{name}.gpkg" for name in ("transitions", "change_patches", "patch_register")}
    jobs = [
        {"algorithm": "redline:transitions", "parameters": {
            "BEFORE": str(before), "AFTER": str(after), "TRANSITIONS": str(out["transitions"]),
            "REJECTED": "TEMPORARY_OUTPUT", "SUMMARY": "TEMPORARY_OUTPUT"}},
        {"algorithm": "redline:change_patches", "parameters": {
            "BEFORE": str(before), "AFTER": str(after), "FROM_CLASSES": "1,2", "TO_CLASSES": "3",
            "CHANGE_PATCHES": str(out["change_patches"]), "REJECTED": "TEMPORARY_OUTPUT",
            "SUMMARY": "TEMPORARY_OUTPUT"}},
        {"algorithm": "redline:judge_patches", "parameters": {
            "CHANGE_PATCHES": str(out["change_patches"]), "APPROVALS": f"{gpkg}|layername=approvals",
            "SUPPLIES": f"{gpkg}|layername=supplies", "FARMLAND": f"{gpkg}|layername=farmland",
            "PATCH_REGISTER": str(out["patch_register"]), "REJECTED": "TEMPORARY_OUTPUT",
            "SUMMARY": "TEMPORARY_OUTPUT"}},
    ]
    job_file = tmp_path / "jobs.json"
    job_file.write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
    answers = harness("run", job_file)
    for answer in answers:
        assert answer["ok"], f"{answer['algorithm']}: {answer.get('error')}"
    rasters = {"before": str(before), "after": str(after)}
    lib = run_audits(rasters, audits=["transitions"])
    assert_same_frame(lib.outputs["transitions"], pyogrio.read_dataframe(out["transitions"], read_geometry=False),
                      "transitions")
    lib = run_audits(rasters, audits=["change_patches"], params={"from_classes": "1,2", "to_classes": "3"})
    patches = lib.outputs["change_patches"]
    assert len(patches) > 0
    assert_same_frame(patches, gpd.read_file(out["change_patches"]), "change_patches")
    lib = run_audits({"change_patches": str(out["change_patches"]), "approvals": f"{gpkg}:approvals",
                      "supplies": f"{gpkg}:supplies", "farmland": f"{gpkg}:farmland"}, audits=["judge_patches"])
    register = lib.outputs["patch_register"]
    assert set(register["judgement"]) >= {"unapproved_on_farmland"}
    assert_same_frame(register, gpd.read_file(out["patch_register"]), "patch_register")


@pytest.mark.qgis
@requires_qgis
def test_judge_patches_splits_an_issued_patch_layer_in_qgis(tmp_path):
    """卫片图斑研判 on the ministry's issued layer (图斑编号, 后时相日期), an approval layer and PBF, in QGIS.

    P1, 100 m x 100 m: 10 m x 10 m inside approval A1 (2020), 9 000 m2 on PBF F1, 900 m2 elsewhere. P2, 30 m x
    30 m, inside approval A2 granted 2024-07-01, a day after the layer's 后时相日期: 先建后批, unless the later
    image date is given as 2024-07-01 (AFTER_DATE), when A2 is a basis."""
    import geopandas as gpd
    import pyogrio
    from shapely.geometry import box

    from redline.pipeline import run_audits

    if "judge_patches" not in {s.id for s in _specs()}:
        pytest.skip("judge_patches is not registered")
    x, y, gk = 500_000, 3_500_000, "EPSG:4547"
    data = tmp_path / "监测.gpkg"
    gpd.GeoDataFrame({"图斑编号": ["P1", "P2"], "后时相日期": ["2024-06-30", "2024-06-30"]},
                     geometry=[box(x, y, x + 100, y + 100), box(x + 300, y, x + 330, y + 30)], crs=gk
                     ).to_file(data, layer="监测图斑")
    gpd.GeoDataFrame({"批准文号": ["A1", "A2"], "批准日期": ["2020-01-01", "2024-07-01"]},
                     geometry=[box(x, y, x + 10, y + 10), box(x + 295, y - 5, x + 335, y + 35)], crs=gk
                     ).to_file(data, layer="报批红线")
    gpd.GeoDataFrame({"图斑编号": ["F1"]}, geometry=[box(x + 10, y, x + 100, y + 100)], crs=gk
                     ).to_file(data, layer="永久基本农田")
    jobs, paths = [], {}
    for run, extra in (("issued", {}), ("dated", {"AFTER_DATE": "2024-07-01"})):
        paths[run] = {o: tmp_path / run / f"{o}.gpkg" for o in ("patch_register", "patch_pieces", "patch_rollup")}
        (tmp_path / run).mkdir()
        jobs.append({"algorithm": "redline:judge_patches", "parameters": {
            "CHANGE_PATCHES": f"{data}|layername=监测图斑", "APPROVALS": f"{data}|layername=报批红线",
            "FARMLAND": f"{data}|layername=永久基本农田", "AREA_METHOD": 1, **extra,
            **{o.upper(): str(path) for o, path in paths[run].items()},
            "REJECTED": "TEMPORARY_OUTPUT", "SUMMARY": "TEMPORARY_OUTPUT"}})
    job_file = tmp_path / "jobs.json"
    job_file.write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
    answers = harness("run", job_file)
    for answer in answers:
        assert answer["ok"], answer.get("error")
    pieces = gpd.read_file(paths["issued"]["patch_pieces"])
    p1 = pieces[pieces["patch_id"] == "P1"].groupby("judgement")["area_m2"].sum().to_dict()
    assert p1 == pytest.approx({"approved_not_supplied": 100, "unapproved_on_farmland": 9000, "unapproved": 900})
    register = gpd.read_file(paths["issued"]["patch_register"]).set_index("patch_id")["judgement"].to_dict()
    assert register == {"P1": "unapproved_on_farmland", "P2": "built_before_approval"}
    dated = gpd.read_file(paths["dated"]["patch_register"]).set_index("patch_id")["judgement"].to_dict()
    assert dated == {"P1": "unapproved_on_farmland", "P2": "approved_not_supplied"}
    rollup = pyogrio.read_dataframe(paths["issued"]["patch_rollup"], read_geometry=False)
    assert rollup["illegal_pbf_mu"].iloc[-1] == pytest.approx(13.5)  # F1's 9 000 m2
    # and every output is what the library computes on the same files
    sources = {"change_patches": f"{data}:监测图斑", "approvals": f"{data}:报批红线", "farmland": f"{data}:永久基本农田"}
    for run, params in (("issued", {}), ("dated", {"after_date": "2024-07-01"})):
        library = run_audits(sources, audits=["judge_patches"], area_method="planar", params=params)
        for name, path in paths[run].items():
            got = gpd.read_file(path) if name != "patch_rollup" else pyogrio.read_dataframe(path, read_geometry=False)
            assert_same_frame(library.outputs[name], got, f"{run}/{name}")


@pytest.mark.qgis
@requires_qgis
def test_every_shipped_style_loads_in_qgis():
    answer = harness("styles")
    assert answer, "no styles found"
    for name, (ok, renderer, _values) in answer.items():
        assert ok, f"{name} does not load: {renderer}"
    assert answer["approved_not_supplied.qml"][1] == "singleSymbol"
    # a layer where every feature is a row of the audit (idle land: every supply; alerts: every obligation)
    # is drawn by the value that makes it a finding, with a colour for every value the audit can give
    from redline.imagery.judge import JUDGEMENTS
    from redline.overlay import STATUSES
    from redline.overlay.alerts import LEVELS
    from redline.overlay.underused import JUDGEMENTS as UNDERUSED_JUDGEMENTS

    for qml, values in (("patch_register.qml", JUDGEMENTS), ("idle_land.qml", STATUSES),
                        ("deadline_alerts.qml", LEVELS), ("underused.qml", UNDERUSED_JUDGEMENTS)):
        assert answer[qml][1] == "categorizedSymbol", qml
        assert set(answer[qml][2]) == set(values), qml


@pytest.mark.qgis
@requires_qgis
def test_gbk_shapefile_without_cpg_reaches_redline_decoded(tmp_path):
    """QGIS decodes a GBK shapefile without .cpg as UTF-8 (批准文号 arrives as mojibake); redline reads the file
    itself with the encoding it detects, keeps a selection and a layer filter, and the user's layer stays as
    it was."""
    import geopandas as gpd

    shp = tmp_path / "报批红线.shp"
    gpd.GeoDataFrame({"批准文号": ["豫政土〔2020〕15号", "豫政土〔2021〕3号"], "批准日期": ["2020-03-01", "2021-05-20"]},
                     geometry=[shapely.box(500000, 3500000, 500100, 3500100),
                               shapely.box(501000, 3500000, 501050, 3500020)], crs="EPSG:4547"
                     ).to_file(shp, encoding="GBK")
    (tmp_path / "报批红线.cpg").unlink(missing_ok=True)
    answer = harness("gbk", shp, tmp_path)
    assert "批准文号" not in answer["before"]["fields"]  # the premise: QGIS alone gets it wrong
    every = gpd.read_file(tmp_path / "all.gpkg")
    assert every["approval_id"].tolist() == ["豫政土〔2020〕15号", "豫政土〔2021〕3号"]
    assert every["area_m2"].tolist() == pytest.approx([10000.0, 1000.0], rel=1e-12)
    assert gpd.read_file(tmp_path / "selected.gpkg")["approval_id"].tolist() == ["豫政土〔2021〕3号"]
    assert answer["after"] == answer["before"]
    # a filtered layer: only what the filter shows travels
    assert answer["filtered_count"] == 1
    assert gpd.read_file(tmp_path / "filtered.gpkg")["approval_id"].tolist() == ["豫政土〔2020〕15号"]


@pytest.mark.qgis
@pytest.mark.slow
@pytest.mark.skipif(_qgis_process() is None, reason="qgis_process is not installed (./run test installs qgis)")
def test_the_documented_install_leaves_qgis_own_algorithms_working(tmp_path):
    """The README's install, on a machine where redline was never installed, then QGIS as the user starts it.

    Before, the install put redline's packages on QGIS's PYTHONPATH: numpy 2 shadowed Debian's numpy 1.24
    and QGIS's own gdal:rastercalculator failed ("numpy.core.multiarray failed to import"). Now redline gets
    an environment of its own and QGIS's Python is left as it was: a core vector algorithm, a core GDAL raster
    algorithm and a redline audit all run in one profile, with nothing of redline on QGIS's path."""
    import geopandas as gpd

    from redline.example import EXAMPLE_AS_OF, example_path, write_example_rasters
    from redline.pipeline import run_audits

    home = tmp_path / "home"
    home.mkdir()
    keep = ("PATH", "LANG", "LC_ALL", "PIP_FIND_LINKS", "PIP_CERT", "PIP_DEFAULT_TIMEOUT", "PIP_INDEX_URL",
            "PIP_EXTRA_INDEX_URL", "SSL_CERT_FILE", "PIP_CONSTRAINT")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", PIP_CACHE_DIR=str(ROOT / ".cache" / "pip"))
    # the README's command, run with Debian's python3 (not QGIS's, not this test's venv)
    install = subprocess.run(["/usr/bin/python3", str(ROOT / "scripts" / "install_for_qgis.py")], env=env,
                             capture_output=True, text=True, timeout=1800)
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-3000:]
    venv = home / ".local" / "share" / "redline" / "venv"
    assert (venv / "bin" / "python").exists()
    # QGIS's Python still imports Debian's numpy, not redline's
    numpy = subprocess.run(["/usr/bin/python3", "-c", "import numpy; print(numpy.__version__, numpy.__file__)"],
                           env=env, capture_output=True, text=True)
    assert "/usr/lib/python3/dist-packages/numpy" in numpy.stdout, numpy.stdout + numpy.stderr

    zip_path = package_plugin.build(tmp_path / "dist")
    plugins = home / "qgis" / "profiles" / "default" / "python" / "plugins"
    plugins.mkdir(parents=True)
    zipfile.ZipFile(zip_path).extractall(plugins)
    env["QGIS_CUSTOM_CONFIG_PATH"] = str(home / "qgis")
    qgis_process = _qgis_process_runner(env, tmp_path)

    qgis_process("plugins", "enable", "redline_qgis")
    gpkg = example_path()
    before, _after = write_example_rasters(tmp_path / "rasters")
    # QGIS's own algorithms: a native vector one and a GDAL raster calculator (numpy inside QGIS's Python)
    qgis_process("run", "native:buffer", "--", f"INPUT={gpkg}|layername=approvals", "DISTANCE=10",
                 f"OUTPUT={tmp_path / 'buffer.gpkg'}")
    assert len(gpd.read_file(tmp_path / "buffer.gpkg")) == len(gpd.read_file(gpkg, layer="approvals"))
    qgis_process("run", "gdal:rastercalculator", "--", f"INPUT_A={before}", "BAND_A=1", "FORMULA=A*2",
                 f"OUTPUT={tmp_path / 'calc.tif'}")
    assert (tmp_path / "calc.tif").stat().st_size > 0
    # and a redline audit, run by the environment the install made (found without any setting)
    out = tmp_path / "unsupplied.gpkg"
    answer = json.loads(qgis_process("--json", "run", "redline:approved_not_supplied", "--",
                                     f"APPROVALS={gpkg}|layername=approvals", f"SUPPLIES={gpkg}|layername=supplies",
                                     "AS_OF=2026-06-30", f"APPROVED_NOT_SUPPLIED={out}",
                                     "REJECTED=TEMPORARY_OUTPUT", "SUMMARY=TEMPORARY_OUTPUT"))
    # (env holds no REDLINE_PYTHON and no PYTHONPATH: the only redline there is is the installed environment)
    assert "REDLINE_PYTHON" not in env and "PYTHONPATH" not in env
    assert answer["results"]["APPROVED_NOT_SUPPLIED"] == str(out)
    library = run_audits({"approvals": f"{gpkg}:approvals", "supplies": f"{gpkg}:supplies"},
                         audits=["approved_not_supplied"], as_of=EXAMPLE_AS_OF)
    assert_same_frame(library.outputs["approved_not_supplied"], gpd.read_file(out), "installed as documented")


# -- the case register ----------------------------------------------------------------------------------

def _disposal_steps() -> dict[str, str]:
    """Every disposal step code of redline's procedures -> the colour of the first procedure that has it."""
    from redline.register.procedures import PROCEDURES

    steps: dict[str, str] = {}
    for procedure in PROCEDURES.values():
        for step in procedure.steps:
            steps.setdefault(step.code, step.colour)
    return steps


def test_open_cases_style_has_a_class_per_disposal_step_in_its_colour():
    """styles/register_cases.qml: no disposal yet, every step of the procedures coloured by Step.colour, and
    a class for any other value (a procedure registered later is drawn, never hidden)."""
    import xml.etree.ElementTree as ET

    root = ET.parse(PLUGIN / "styles" / "register_cases.qml").getroot()
    renderer = root.find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol"
    assert renderer.get("attr") == "coalesce(\"disposal\", 'none')"
    categories = [(c.get("value"), c.get("label"), c.get("symbol")) for c in renderer.find("categories")]
    steps = _disposal_steps()
    assert [v for v, _, _ in categories] == ["none", *steps, ""]
    assert categories[0][1].startswith("未处置")
    fills = {s.get("name"): s.find("layer/Option/Option[@name='color']").get("value")
             for s in renderer.find("symbols")}
    for value, _label, symbol in categories[1:-1]:
        h = steps[value].lstrip("#")
        assert fills[symbol].split(",")[:3] == [str(int(h[i:i + 2], 16)) for i in (0, 2, 4)], value
    # 销号 closes both the idle-land and the generic procedure: one class, named after both
    closed = next(label for value, label, _ in categories if value == "closed")
    assert closed.count("销号") == 2


def _worker_run(job: dict, tmp_path: Path, progress: list | None = None) -> dict:
    """The worker's answer to ``job``; its progress messages are put into ``progress``."""
    from redline_qgis.environment import worker_command

    path = tmp_path / f"job{len(list(tmp_path.glob('job*.json')))}.json"
    path.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run(worker_command(sys.executable, "run", str(path)), capture_output=True, text=True,
                          encoding="utf-8", timeout=600)
    answers = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if progress is not None:
        progress += [a for a in answers if "progress" in a]
    answers = [a for a in answers if "progress" not in a]
    assert answers, proc.stderr[-3000:]
    return answers[-1]


def test_the_worker_records_rounds_making_the_register_first(tmp_path):
    """A job with audit null and a register runs every audit its sources allow and records the next round;
    the register is made by the first job (and the answer says so), not by the second."""
    from redline.example import example_path
    from redline.register import open_register

    gpkg = str(example_path())
    register = tmp_path / "台账.gpkg"
    job = {"sources": {n: {"path": gpkg, "layer": n} for n in ("approvals", "supplies")}, "audit": None,
           "as_of": "2026-06-30", "register": str(register)}
    progress: list = []
    first = _worker_run({**job, "out": str(tmp_path / "r1")}, tmp_path, progress)
    assert first["ok"], first
    # every message of the pipeline is a stage the plugin names in its own words, in the pipeline's order
    stages = [p["stage"] for p in progress]
    ran = [p["audit"] for p in progress if p["stage"] == "audit"]
    assert stages == ["read", "read", "validate", *["audit"] * len(ran), "register", "write", "done"], progress
    assert [p["input"] for p in progress[:2]] == ["approvals", "supplies"]
    assert set(first["outputs"]) <= {o.name for s in _specs() if s.id in ran for o in s.outputs}
    assert first["round"]["round_id"] == 1 and first["round"]["created"] is True
    assert "approved_not_supplied" in first["outputs"] and "idle_land" in first["outputs"]
    second = _worker_run({**job, "out": str(tmp_path / "r2")}, tmp_path)
    assert second["round"]["round_id"] == 2 and second["round"]["created"] is False
    reg = open_register(register)
    assert len(reg.rounds()) == 2
    open_cases = reg.cases(state="open")
    assert second["round"]["open"] == open_cases["output"].value_counts().to_dict()
    assert second["round"]["lines"][0] == "register round 2 (as of 2026-06-30)"
    assert "register round 2 (as of 2026-06-30)" in second["summary"]


def _round_params(register: Path) -> dict:
    """record_round's parameters on the example county: every layer of it an audit reads."""
    import pyogrio

    from redline.example import example_path
    from redline.registry import all_specs

    gpkg = example_path()
    layers = {str(n) for n, _ in pyogrio.list_layers(gpkg)}
    read = {i.name for s in all_specs() for i in s.inputs}
    params = {name.upper(): f"{gpkg}|layername={name}" for name in sorted(layers & read)}
    return {**params, "REGISTER": str(register), "AS_OF": "2026-06-30"}


@pytest.mark.qgis
@requires_qgis
def test_record_a_round_then_add_a_disposal_step_in_qgis_and_see_it_styled(tmp_path):
    """记录审计轮次 on the example county makes the register and records round 1; the open cases are loaded
    styled by disposal step, the disposal table editable; two entries added in QGIS (one on an open
    idle-land case, one on no case) are checked by 案件台账 未结案件, and the case is drawn in its step's class."""
    from redline.register import open_register

    register = tmp_path / "台账.gpkg"
    params_path = tmp_path / "params.json"
    params_path.write_text(json.dumps(_round_params(register), ensure_ascii=False), encoding="utf-8")
    answer = harness("register", params_path)
    assert answer["record"]["ROUND"] == 1
    log = "\n".join(answer["record_log"])
    assert "不存在, 已新建" in log and "register round 1 (as of 2026-06-30)" in log
    reg = open_register(register)
    assert len(reg.rounds()) == 1
    open_cases = reg.cases(state="open")
    assert len(open_cases) > 0
    (cases,) = answer["record_layers"]["OPEN_CASES"]
    assert cases["count"] == len(open_cases) and cases["subset"] == "\"state\" = 'open'"
    assert cases["renderer"] == "categorizedSymbol"
    assert [v for v, _ in cases["categories"]] == ["none", *_disposal_steps(), ""]
    (table,) = answer["record_layers"]["DISPOSITIONS"]
    assert table["count"] == 0 and not table["spatial"] and table["can_add"]
    # the entries QGIS wrote into the register, as the check judged them
    assert answer["committed"] is True
    case_id = answer["entered_case"]
    assert case_id.startswith("XZTD-")  # an idle-land case
    entries = {c: p for c, _status, p in answer["entries"]}
    assert set(entries) == {case_id, "NOPE-00001"}
    assert entries[case_id] in (None, "NULL") and "no case 'NOPE-00001'" in entries["NOPE-00001"]
    assert answer["open_cases"]["PROBLEMS"] == 1 and answer["open_cases"]["ROUNDS"] == 1
    assert any("NOPE-00001" in line for line in answer["open_log"])
    assert reg.case(case_id)["disposal"] == "investigation_notice"
    drawn = answer["drawn"]
    assert drawn[case_id] == ["investigation_notice", "investigation_notice"]
    assert {c for c, (_, shown) in drawn.items() if shown != "none"} == {case_id}
    # every loaded copy of the open cases is styled
    assert all(layer["renderer"] == "categorizedSymbol" for layer in answer["open_layers"]["OPEN_CASES"])


@pytest.mark.qgis
@pytest.mark.skipif(_qgis_process() is None, reason="qgis_process is not installed (./run test installs qgis)")
@requires_qgis
def test_qgis_process_records_a_round_and_shows_the_open_cases(tmp_path):
    from redline.register import open_register

    zip_path = package_plugin.build(tmp_path / "dist")
    plugins = tmp_path / "config" / "profiles" / "default" / "python" / "plugins"
    plugins.mkdir(parents=True)
    zipfile.ZipFile(zip_path).extractall(plugins)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path / "config"),
           "REDLINE_PYTHON": sys.executable}
    env.pop("PYTHONPATH", None)
    qgis_process = _qgis_process_runner(env, tmp_path)
    qgis_process("plugins", "enable", "redline_qgis")
    listed = qgis_process("list")
    assert "redline:record_round\t" in listed and "redline:open_cases\t" in listed
    register = tmp_path / "register.gpkg"
    params = _round_params(register)
    answer = json.loads(qgis_process("--json", "run", "redline:record_round", "--",
                                     *(f"{k}={v}" for k, v in params.items()), "LOAD=false"))
    assert answer["results"]["ROUND"] == 1
    assert "register round 1 (as of 2026-06-30)" in answer["results"]["SUMMARY_TEXT"]
    reg = open_register(register)
    assert len(reg.rounds()) == 1
    shown = json.loads(qgis_process("--json", "run", "redline:open_cases", "--", f"REGISTER={register}",
                                    "AS_OF=2026-07-01"))
    assert shown["results"]["ROUNDS"] == 1 and shown["results"]["PROBLEMS"] == 0
    assert shown["results"]["OPEN_CASES"] == f"{register}|layername=cases|subset=\"state\" = 'open'"
