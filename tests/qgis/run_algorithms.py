"""Run redline's QGIS algorithms in a real (headless) QGIS; print one JSON answer on stdout.

Executed by tests/test_qgis_plugin.py with the test interpreter (``sys.executable``), so a crash
inside QGIS fails one test instead of killing pytest. Usage::

    python run_algorithms.py list [LOCALE]          # the provider's algorithms and parameters
    python run_algorithms.py run JOB.json           # processing.run each job; JOB = [{"algorithm", "parameters"}]
    python run_algorithms.py dummy OUT_DIR          # the test-only audit on hand-drawn memory layers
    python run_algorithms.py missing HOME           # as if redline were not installed (an empty home)
    python run_algorithms.py locale LOCALE HOME     # the provider's language when locale/userLocale is LOCALE
    python run_algorithms.py progress OUT_DIR       # the stages of a run in Chinese; a long run cancelled
    python run_algorithms.py styles                 # load every shipped QML style
    python run_algorithms.py gbk SHP OUT_DIR        # the test audit on a GBK shapefile without .cpg
    python run_algorithms.py register PARAMS.json   # record a round, add disposal entries in QGIS, show open cases

The harness registers one extra, test-only audit spec (``dummy_area``) next to redline's own, through
``REDLINE_EXTRA_SPECS`` (read by redline's Python, the plugin's worker). redline's Python is this
interpreter (``REDLINE_PYTHON``); the QGIS process itself never imports redline.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "qgis_plugin"))
sys.path.insert(0, str(HERE))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_APP = []  # the QgsApplication must outlive every call


def start_qgis(locale: str | None = None, processing: bool = True):
    from qgis.core import QgsApplication, QgsSettings

    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    _APP.append(app)
    settings = QgsSettings()
    if locale:  # what QGIS writes at start (zh-Hans when 简体中文 is chosen); the plugin reads only this
        settings.setValue("locale/userLocale", locale)
    if processing:
        sys.path.append("/usr/share/qgis/python/plugins")
        from processing.core.Processing import Processing

        Processing.initialize()
    return app


def register(extra=True, redline=True, specs=("DUMMY_SPEC",)):
    from qgis.core import QgsApplication
    from redline_qgis.provider import RedlineProvider

    if redline:
        os.environ.setdefault("REDLINE_PYTHON", sys.executable)
    if extra:
        os.environ["REDLINE_EXTRA_SPECS"] = ",".join(f"{HERE / 'dummy_spec.py'}:{name}" for name in specs)
    else:
        os.environ.pop("REDLINE_EXTRA_SPECS", None)
    provider = RedlineProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    _APP.append(provider)
    return provider


def describe(provider) -> list[dict]:
    out = []
    for alg in provider.algorithms():
        out.append({
            "id": alg.id(), "name": alg.name(), "display": alg.displayName(), "group": alg.group(),
            "group_id": alg.groupId(), "help": alg.shortHelpString(),
            "parameters": {p.name(): {"description": p.description(), "type": p.type(),
                                      "optional": bool(p.flags() & p.FlagOptional)}
                           for p in alg.parameterDefinitions()},
            "can_execute": list(alg.canExecute()),
        })
    return out


def cmd_list(locale=None):
    start_qgis(locale)
    provider = register()
    from redline_qgis.i18n import locale_name

    return {"locale": locale_name(), "status": list(provider.status), "long_name": provider.longName(),
            "algorithms": describe(provider)}


def cmd_run(job_path):
    start_qgis()
    register()
    import processing
    from qgis.core import QgsProcessingException

    answers = []
    for job in json.loads(Path(job_path).read_text(encoding="utf-8")):
        try:
            result = processing.run(job["algorithm"], job["parameters"])
            answers.append({"algorithm": job["algorithm"], "ok": True,
                            "result": {k: (v if isinstance(v, str | int | float) or v is None else str(v))
                                       for k, v in result.items()}})
        except QgsProcessingException as exc:
            answers.append({"algorithm": job["algorithm"], "ok": False, "error": str(exc)})
    return answers


def _memory_layer(name, crs, fields, rows):
    from qgis.core import QgsFeature, QgsField, QgsGeometry, QgsVectorLayer
    from qgis.PyQt.QtCore import QVariant

    layer = QgsVectorLayer(f"Polygon?crs={crs}", name, "memory")
    types = {"str": QVariant.String, "date": QVariant.Date, "float": QVariant.Double}
    layer.dataProvider().addAttributes([QgsField(n, types[t]) for n, t in fields])
    layer.updateFields()
    features = []
    for values, wkt in rows:
        f = QgsFeature(layer.fields())
        f.setAttributes(values)
        f.setGeometry(QgsGeometry.fromWkt(wkt) if wkt else QgsGeometry())
        features.append(f)
    layer.dataProvider().addFeatures(features)
    return layer


def cmd_dummy(out_dir):
    """The test-only audit on memory layers: all features, a selection, a missing field, a null geometry."""
    start_qgis()
    register()
    import processing
    from qgis.core import (
        QgsProcessingException,
        QgsProcessingFeatureSourceDefinition,
        QgsProject,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QDate

    out = Path(out_dir)
    # two squares in CGCS2000 / 3-degree GK CM 114E: 100 m x 100 m and 50 m x 20 m
    rows = [(["批2020-01", QDate(2020, 1, 15)], "POLYGON((500000 3500000, 500100 3500000, 500100 3500100, "
                                                  "500000 3500100, 500000 3500000))"),
            (["批2021-07", QDate(2021, 7, 1)], "POLYGON((501000 3500000, 501050 3500000, 501050 3500020, "
                                                 "501000 3500020, 501000 3500000))")]
    layer = _memory_layer("审批", "EPSG:4547", [("批准文号", "str"), ("批准日期", "date")], rows)
    QgsProject.instance().addMapLayer(layer)
    answers = {}
    params = {"APPROVALS": layer, "MIN_AREA_M2": 5000, "AS_OF": "2026-06-30", "AREA_METHOD": 1,
              "DUMMY_AREAS": str(out / "all.gpkg"), "DUMMY_TOTALS": str(out / "all_totals.gpkg"),
              "REJECTED": str(out / "all_rejected.gpkg"), "SUMMARY": str(out / "all_summary.gpkg")}
    answers["all"] = processing.run("redline:dummy_area", params)
    layer.selectByIds([2])  # memory provider feature ids start at 1: the small square
    params.update({"APPROVALS": QgsProcessingFeatureSourceDefinition(layer.id(), selectedFeaturesOnly=True),
                   "DUMMY_AREAS": str(out / "selected.gpkg"), "DUMMY_TOTALS": "TEMPORARY_OUTPUT",
                   "REJECTED": "TEMPORARY_OUTPUT", "SUMMARY": "TEMPORARY_OUTPUT"})
    answers["selected"] = processing.run("redline:dummy_area", params)
    bad = _memory_layer("无文号", "EPSG:4547", [("名称", "str")], [(["x"], rows[0][1])])
    try:
        processing.run("redline:dummy_area", {"APPROVALS": bad, "DUMMY_AREAS": "TEMPORARY_OUTPUT",
                                              "DUMMY_TOTALS": "TEMPORARY_OUTPUT"})
        answers["missing_field"] = {"error": None}
    except QgsProcessingException as exc:
        answers["missing_field"] = {"error": str(exc)}
    # the same layer with its fields mapped by hand instead
    renamed = _memory_layer("自定义字段", "EPSG:4547", [("WH", "str"), ("RQ", "date")], rows)
    answers["mapped"] = processing.run("redline:dummy_area", {
        "APPROVALS": renamed, "APPROVALS_APPROVAL_ID": "WH", "APPROVALS_APPROVAL_DATE": "RQ", "AREA_METHOD": 1,
        "DUMMY_AREAS": str(out / "mapped.gpkg"), "DUMMY_TOTALS": "TEMPORARY_OUTPUT"})
    with_null = _memory_layer("空几何", "EPSG:4547", [("批准文号", "str"), ("批准日期", "date")],
                              rows + [(["批2022-02", QDate(2022, 2, 2)], None)])
    answers["null_geometry"] = processing.run("redline:dummy_area", {
        "APPROVALS": with_null, "AREA_METHOD": 1, "DUMMY_AREAS": "TEMPORARY_OUTPUT",
        "DUMMY_TOTALS": "TEMPORARY_OUTPUT", "REJECTED": str(out / "null_rejected.gpkg")})

    def plain(result):
        return {k: (v if isinstance(v, str | int | float) or v is None else
                    (v.featureCount() if isinstance(v, QgsVectorLayer) else str(v))) for k, v in result.items()}

    return {k: (plain(v) if "error" not in v else v) for k, v in answers.items()}


def cmd_gbk(shp, out_dir):
    """The test-only audit on a GBK shapefile that declares no encoding: whole layer, then a selection."""
    start_qgis()
    register()
    import processing
    from qgis.core import QgsProcessingFeatureSourceDefinition, QgsProject, QgsVectorLayer

    out = Path(out_dir)
    layer = QgsVectorLayer(shp, "gbk", "ogr")
    QgsProject.instance().addMapLayer(layer)
    seen = {"fields": [f.name() for f in layer.fields()], "encoding": layer.dataProvider().encoding()}
    params = {"APPROVALS": layer, "AREA_METHOD": 1, "DUMMY_AREAS": str(out / "all.gpkg"),
              "DUMMY_TOTALS": "TEMPORARY_OUTPUT"}
    processing.run("redline:dummy_area", params)
    layer.selectByIds([1])  # OGR shapefile feature ids start at 0: the second square
    params.update({"APPROVALS": QgsProcessingFeatureSourceDefinition(layer.id(), selectedFeaturesOnly=True),
                   "DUMMY_AREAS": str(out / "selected.gpkg")})
    processing.run("redline:dummy_area", params)
    after = {"fields": [f.name() for f in layer.fields()], "encoding": layer.dataProvider().encoding()}
    layer.removeSelection()
    filtered = QgsVectorLayer(shp, "gbk filtered", "ogr")
    filtered.setSubsetString("FID = 0")  # a layer filter (Filter... in the layer's menu): the first square only
    QgsProject.instance().addMapLayer(filtered)
    params.update({"APPROVALS": filtered, "DUMMY_AREAS": str(out / "filtered.gpkg")})
    processing.run("redline:dummy_area", params)
    return {"before": seen, "after": after, "filtered_count": filtered.featureCount()}


def _loaded(result, key) -> list[dict]:
    """The project layers loaded from output ``key``: name, rows, filter, renderer and its categories."""
    from qgis.core import QgsProject

    out = []
    for layer in QgsProject.instance().mapLayers().values():
        if layer.source() != result[key]:
            continue
        renderer = layer.renderer() if layer.isSpatial() else None
        categories = [(str(c.value()), c.label()) for c in renderer.categories()] if renderer is not None and \
            renderer.type() == "categorizedSymbol" else []
        out.append({"id": layer.id(), "name": layer.name(), "count": layer.featureCount(),
                    "subset": layer.subsetString(), "spatial": layer.isSpatial(),
                    "renderer": renderer.type() if renderer is not None else None,
                    "attr": renderer.classAttribute() if categories else None, "categories": categories,
                    "can_add": bool(layer.dataProvider().capabilities() & layer.dataProvider().AddFeatures)})
    return out


def cmd_register(params_path):
    """Record a round into a new register (loading its layers as the dialog would), add two disposal entries
    to the loaded table in QGIS (one on an open idle-land case, one on no case), then show the open cases."""
    start_qgis()
    register()
    import processing
    from qgis.core import (
        QgsExpression,
        QgsExpressionContext,
        QgsExpressionContextUtils,
        QgsFeature,
        QgsProcessingFeedback,
        QgsProject,
    )
    from qgis.PyQt.QtCore import QDate

    class Log(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.lines = []

        def pushInfo(self, info):
            self.lines.append(info)

        def pushWarning(self, warning):
            self.lines.append(warning)

    params = json.loads(Path(params_path).read_text(encoding="utf-8"))
    log = Log()
    answers = {"record": processing.runAndLoadResults("redline:record_round", params, feedback=log)}
    answers["record_log"] = log.lines
    answers["record_layers"] = {k: _loaded(answers["record"], k) for k in ("OPEN_CASES", "DISPOSITIONS")}
    project = QgsProject.instance()
    cases = project.mapLayer(answers["record_layers"]["OPEN_CASES"][0]["id"])
    idle = sorted(f["case_id"] for f in cases.getFeatures() if f["output"] == "idle_land")
    table = project.mapLayer(answers["record_layers"]["DISPOSITIONS"][0]["id"])
    table.startEditing()
    for case_id in (idle[0], "NOPE-00001"):
        entry = QgsFeature(table.fields())
        entry["case_id"] = case_id
        entry["status"] = "investigation_notice"
        entry["date"] = QDate(2026, 7, 1)
        entry["doc_no"] = "息自然资闲调〔2026〕1号"
        entry["who"] = "QGIS"
        table.addFeature(entry)
    answers["committed"] = table.commitChanges()
    answers["entered_case"] = idle[0]
    shown = processing.runAndLoadResults("redline:open_cases", {"REGISTER": params["REGISTER"],
                                                                "AS_OF": "2026-07-02"}, feedback=(log := Log()))
    answers["open_log"] = log.lines
    answers["open_cases"] = shown
    answers["open_layers"] = {k: _loaded(shown, k) for k in ("OPEN_CASES", "DISPOSITIONS")}
    cases = project.mapLayer(answers["open_layers"]["OPEN_CASES"][-1]["id"])
    renderer = cases.renderer()
    # the category QGIS draws each case in: its class expression, looked up as the renderer looks it up
    expression = QgsExpression(renderer.classAttribute())
    context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(cases))
    expression.prepare(context)
    drawn = {}
    for f in cases.getFeatures():
        context.setFeature(f)
        index = renderer.categoryIndexForValue(expression.evaluate(context))
        drawn[f["case_id"]] = [f["disposal"], str(renderer.categories()[index].value()) if index >= 0 else None]
    answers["drawn"] = drawn
    table = project.mapLayer(answers["open_layers"]["DISPOSITIONS"][-1]["id"])
    answers["entries"] = [[f["case_id"], f["status"], f["problem"]] for f in table.getFeatures()]
    return answers


def cmd_locale(locale, home):
    """The provider in QGIS whose ``locale/userLocale`` is ``locale``: which translation it loaded, and what
    it shows (from the shipped catalogue, as without redline: no worker is started)."""
    os.environ.pop("REDLINE_PYTHON", None)
    os.environ["HOME"] = os.environ["XDG_DATA_HOME"] = str(home)
    start_qgis(locale, processing=False)
    from redline_qgis import i18n

    provider = register(extra=False, redline=False)
    alg = provider.algorithm("approved_not_supplied")
    return {"locale": i18n.locale_name(), "translator": i18n.install_translator(), "display": alg.displayName(),
            "group": alg.group(), "long_name": provider.longName()}


def cmd_progress(out_dir):
    """In Chinese (zh-Hans): the stages a run shows, then a long run cancelled after its first report from
    redline's worker. The worker's process id and scratch folder are read from the log."""
    import threading
    import time

    start_qgis("zh-Hans")
    register(specs=("DUMMY_SPEC", "SLOW_SPEC"))
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    class Watch(QgsProcessingFeedback):
        def __init__(self, cancel_after=None):
            super().__init__()
            self.texts, self.values, self.log, self.cancel_after = [], [], [], cancel_after
            self.progressChanged.connect(self.values.append)

        def setProgressText(self, text):
            self.texts.append(text)
            super().setProgressText(text)
            if self.cancel_after and text.startswith(self.cancel_after) and not self.isCanceled():
                # cancel from another thread while the worker is silent, as the dialog's Cancel button does
                threading.Timer(0.5, self.cancel).start()

        def pushDebugInfo(self, info):
            self.log.append(info)

        def pushInfo(self, info):
            self.log.append(info)

    def logged(watch, prefix):
        return next((line[len(prefix):] for line in watch.log if line.startswith(prefix)), None)

    out = Path(out_dir)
    layer = _memory_layer("审批", "EPSG:4547", [("批准文号", "str"), ("批准日期", "date")], [
        (["批2020-01", None], "POLYGON((500000 3500000, 500100 3500000, 500100 3500100, 500000 3500100, "
                              "500000 3500000))")])
    done = Watch()
    processing.run("redline:dummy_area", {"APPROVALS": layer, "AREA_METHOD": 1, "AS_OF": "2026-06-30",
                                          "DUMMY_AREAS": str(out / "done.gpkg"),
                                          "DUMMY_TOTALS": "TEMPORARY_OUTPUT"}, feedback=done)
    (out / "cancelled").mkdir()
    cancelled = Watch(cancel_after="审计：测试慢速")
    started = time.monotonic()
    try:
        processing.run("redline:dummy_slow", {"APPROVALS": layer, "AREA_METHOD": 1, "AS_OF": "2026-06-30",
                                              "SLOW_AREAS": str(out / "cancelled" / "slow.gpkg"),
                                              "REJECTED": str(out / "cancelled" / "rejected.gpkg"),
                                              "SUMMARY": str(out / "cancelled" / "summary.gpkg")},
                       feedback=cancelled)
        error = None
    except QgsProcessingException as exc:
        error = str(exc)
    seconds = time.monotonic() - started
    pid = int(logged(cancelled, "redline: process "))
    try:
        os.kill(pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    scratch = logged(cancelled, "redline: scratch folder ")
    return {"done": {"texts": done.texts, "values": done.values},
            "left": sorted(str(p.relative_to(out)) for p in out.rglob("*")),
            "cancelled": {"texts": cancelled.texts, "values": cancelled.values, "error": error,
                          "seconds": seconds, "pid": pid, "alive": alive, "scratch": scratch,
                          "scratch_left": sorted(str(p) for p in Path(scratch).rglob("*")) if Path(scratch).exists()
                          else None}}


def cmd_missing(home):
    """As on a machine where redline was never installed: no REDLINE_PYTHON, an empty home folder."""
    os.environ.pop("REDLINE_PYTHON", None)
    os.environ["HOME"] = os.environ["XDG_DATA_HOME"] = str(home)
    start_qgis()
    provider = register(extra=False, redline=False)
    import processing
    from qgis.core import QgsProcessingException

    algs = describe(provider)
    try:
        processing.run(f"redline:{algs[0]['name']}", {})
        error = None
    except QgsProcessingException as exc:
        error = str(exc)
    return {"status": list(provider.status), "algorithms": algs, "error": error}


def cmd_styles():
    """Load every QML the plugin ships onto a polygon layer: (loaded, renderer type or error, the values
    of a categorized renderer's categories or a rule-based renderer's filters)."""
    start_qgis()
    from qgis.core import QgsVectorLayer

    out = {}
    for qml in sorted((ROOT / "qgis_plugin" / "redline_qgis" / "styles").glob("*.qml")):
        layer = QgsVectorLayer("MultiPolygon?crs=EPSG:4547&field=judgement:string&field=status:string"
                               "&field=level:string&field=underused:boolean", qml.stem, "memory")
        message, ok = layer.loadNamedStyle(str(qml))
        renderer = layer.renderer()
        kind = renderer.type() if ok else message
        values = []
        if ok and kind == "categorizedSymbol":
            values = [str(c.value()) for c in renderer.categories()]
        elif ok and kind == "RuleRenderer":
            values = [r.filterExpression() for r in renderer.rootRule().children()]
        out[qml.name] = [bool(ok), kind, values]
    return out


def main(argv):
    command, *rest = argv
    try:
        answer = {"list": cmd_list, "run": cmd_run, "dummy": cmd_dummy, "missing": cmd_missing,
                  "styles": cmd_styles, "gbk": cmd_gbk, "locale": cmd_locale,
                  "progress": cmd_progress,
                  "register": cmd_register}[command](*rest)
    except Exception:
        answer = {"crash": traceback.format_exc()}
    sys.stdout.write("\n@@JSON@@" + json.dumps(answer, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip QGIS's teardown, which may crash on exit in headless runs


if __name__ == "__main__":
    main(sys.argv[1:])
