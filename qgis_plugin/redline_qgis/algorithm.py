"""One Processing algorithm per redline audit, built from the audit's catalogue entry.

The entry (written by redline's own Python from the audit's spec, see ``worker.py catalogue``) lists the
inputs, which become feature-source (or raster) parameters, with optional field-mapping parameters for
each layer's required fields; the params, which become date / number / text / enum / field parameters;
the shared options (as-of date, rule set, area method, working CRS, strict), the same for every audit;
and the outputs, which become feature sinks, plus the rejected features and a run summary.

Running never imports redline here: the inputs are handed to redline's Python (``worker.py run``) as
files — a file layer by its path, with the ids of a selection or a filter; any other layer (memory,
PostGIS, WFS...) saved by QGIS as a GeoPackage — and its GeoPackage of results is copied into the sinks
by QGIS. So QGIS's Python keeps its own numpy and GDAL, and redline its own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingUtils,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QUrl, QVariant
from qgis.PyQt.QtGui import QIcon

from .catalogue import GROUPS, SHARED_HELP, SHARED_PARAMS, first_sentence, output_param_name
from .encoding import encoding_advice
from .environment import worker_command, worker_env
from .i18n import is_chinese, pick, tr
from .status import install_help

HERE = os.path.dirname(__file__)
STYLES = os.path.join(HERE, "styles")
HELP = os.path.join(HERE, "help")
AREA_METHODS = ("ellipsoidal", "planar")


_post_processors: list = []  # Processing keeps only a pointer: keep them alive here


def group_label(group: str) -> str:
    zh, en = GROUPS.get(group, (group, group))
    return pick(zh, en, f"group:{group}")


def icon() -> QIcon:
    return QIcon(os.path.join(HERE, "icon.svg"))



def help_page(algorithm_id: str, chinese: bool | None = None) -> str:
    """The shipped help page of an algorithm (``help/zh/<id>.html`` or ``help/en/<id>.html``)."""
    chinese = is_chinese() if chinese is None else chinese
    return os.path.join(HELP, "zh" if chinese else "en", f"{algorithm_id}.html")


def input_help(inp: dict) -> str:
    """A vector input's help: the fields it must have (their Chinese labels), then the spec's own help."""
    parts = []
    fields = inp.get("required_fields") or ()
    if fields:
        parts.append(tr("Required fields: {fields} (found by name or alias, or chosen in the advanced parameters)")
                     .format(fields=", ".join(f"{f['label_zh']} {f['name']}" for f in fields)))
    if inp.get("help"):
        parts.append(inp["help"])
    return "\n".join(parts)


def param_help(p: dict) -> str:
    """A parameter's help: its default and choices, then the spec's own help."""
    parts = []
    if p.get("default") not in (None, "", []):
        parts.append(tr("Default: {value}").format(value=p["default"]))
    if p.get("choices"):
        parts.append(tr("Choices: {values}").format(values=", ".join(str(c) for c in p["choices"])))
    if p.get("help"):
        parts.append(p["help"])
    return "\n".join(parts)


def shared_help(param):
    """``param`` (a shared option: AS_OF, RULES ...) with its help set, in the interface language."""
    zh, en = SHARED_HELP[param.name()]
    param.setHelp(pick(zh, en, f"shared:{param.name()}"))
    return param


def style_path(output: dict) -> str | None:
    """The QML shipped for an output: its spec's ``style``, else ``<output name>.qml``, else the generic one."""
    names = [output["style"]] if output.get("style") else []
    names += [f"{output['name']}.qml", "finding.qml" if output.get("geometry", True) else ""]
    for name in names:
        if name:
            path = os.path.join(STYLES, name if name.endswith(".qml") else name + ".qml")
            if os.path.exists(path):
                return path
    return None


class StyleAndName(QgsProcessingLayerPostProcessorInterface):
    """After a run, give a loaded output its QML style."""

    def __init__(self, qml: str | None):
        super().__init__()
        self.qml = qml

    def postProcessLayer(self, layer, context, feedback):
        if self.qml and layer is not None and layer.isValid():
            _, ok = layer.loadNamedStyle(self.qml)
            if not ok:
                feedback.pushInfo(f"style {os.path.basename(self.qml)} not applied")
            layer.triggerRepaint()


class _Base(QgsProcessingAlgorithm):
    """What redline's algorithms share: ids, groups, icon, help."""

    def __init__(self, entry: dict):
        super().__init__()
        self.entry = entry  # id, label_zh, label_en, group, description_zh, description_en

    def name(self):
        return self.entry["id"]

    def displayName(self):
        return pick(self.entry["label_zh"], self.entry["label_en"], f"audit:{self.entry['id']}")

    def group(self):
        return group_label(self.entry["group"])

    def groupId(self):
        return self.entry["group"]

    def tags(self):
        return ["redline", self.entry["id"], self.entry["label_zh"], self.entry["label_en"]]

    def icon(self):
        return icon()

    def _description(self) -> str:
        text = pick(self.entry.get("description_zh", ""), self.entry.get("description_en", ""),
                    f"description:{self.entry['id']}")
        return text or self.entry.get("description_zh") or self.entry.get("description_en") or ""

    def shortDescription(self):
        return first_sentence(self._description())

    def shortHelpString(self):
        return self._description()

    def helpUrl(self):
        """The shipped page of this algorithm, in the interface language (none for an audit without one)."""
        path = help_page(self.entry["id"])
        return QUrl.fromLocalFile(path).toString() if os.path.isfile(path) else ""


class MissingRedlineAlgorithm(_Base):
    """Shown when redline is missing or too old: it explains how to install redline."""

    def __init__(self, entry: dict, why: str):
        super().__init__(entry)
        self.why = why

    def createInstance(self):
        return MissingRedlineAlgorithm(self.entry, self.why)

    def initAlgorithm(self, config=None):
        for inp in self.entry.get("inputs", ()):
            label = pick(inp.get("label_zh", ""), inp.get("label_en", ""),
                         f"input:{self.entry['id']}.{inp['name']}") or inp["name"]
            if inp.get("raster"):
                param = QgsProcessingParameterRasterLayer(inp["name"].upper(), label, optional=not inp["required"])
            else:
                param = QgsProcessingParameterFeatureSource(inp["name"].upper(), label,
                                                            [QgsProcessing.TypeVectorAnyGeometry],
                                                            optional=not inp["required"])
            self.addParameter(param)

    def shortHelpString(self):
        return super().shortHelpString() + "\n\n" + install_help(self.why).replace("\n", "<br>")

    def canExecute(self):
        return False, install_help(self.why)

    def checkParameterValues(self, parameters, context):
        return False, install_help(self.why)

    def processAlgorithm(self, parameters, context, feedback):
        raise QgsProcessingException(install_help(self.why))



class AuditAlgorithm(_Base):
    """A redline audit as a Processing algorithm, generated from its catalogue entry (see the module text)."""

    SHARED = SHARED_PARAMS

    def __init__(self, entry: dict, python: str, rule_sets=("cn-national",), default_rules: str = "cn-national"):
        super().__init__(entry)
        self.python = python
        self.rule_sets = list(rule_sets) or [default_rules]
        self.default_rules = default_rules

    def createInstance(self):
        return AuditAlgorithm(self.entry, self.python, self.rule_sets, self.default_rules)

    def _input_label(self, inp: dict) -> str:
        return pick(inp.get("label_zh", ""), inp.get("label_en", ""), f"input:{self.entry['id']}.{inp['name']}") \
            or inp["name"]

    def _output_label(self, output: dict) -> str:
        return pick(output.get("label_zh", ""), output.get("label_en", ""),
                    f"output:{self.entry['id']}.{output['name']}") or output["name"]

    # -- parameter names ---------------------------------------------------------------------
    def _output_param(self, output: dict) -> str:
        return output_param_name(self.entry, output["name"])

    def _field_params(self):
        """(parameter name, input name, canonical field, label) for each vector input's required fields."""
        out = []
        for inp in self.entry["inputs"]:
            if inp.get("raster"):
                continue
            for f in inp.get("required_fields", ()):
                label = tr("{field} field in {layer} (optional: found by name)").format(
                    field=f"{f['label_zh']} {f['name']}", layer=self._input_label(inp))
                out.append((f"{inp['name']}_{f['name']}".upper(), inp["name"], f["name"], label))
        return out

    # -- definition ----------------------------------------------------------------------------
    def initAlgorithm(self, config=None):
        advanced = QgsProcessingParameterDefinition.FlagAdvanced
        for inp in self.entry["inputs"]:
            label = self._input_label(inp)
            name = inp["name"].upper()
            if inp.get("raster"):
                param = QgsProcessingParameterRasterLayer(name, label, optional=not inp["required"])
            else:
                types = [QgsProcessing.TypeVectorPolygon if inp.get("polygon") else QgsProcessing.TypeVectorAnyGeometry]
                param = QgsProcessingParameterFeatureSource(name, label, types, optional=not inp["required"])
            param.setHelp(input_help(inp))
            self.addParameter(param)
        for p in self.entry["params"]:
            self.addParameter(self._param(p))
        for name, inp_name, _field, label in self._field_params():
            param = QgsProcessingParameterField(name, label, parentLayerParameterName=inp_name.upper(), optional=True)
            inp = next(i for i in self.entry["inputs"] if i["name"] == inp_name)
            field_label = next((f["label_zh"] for f in inp.get("required_fields", ()) if f["name"] == _field), "")
            param.setHelp(tr("The field of {layer} that holds {field}; empty: found by its name or an alias").format(
                layer=self._input_label(inp), field=f"{field_label} {_field}".strip()))
            param.setFlags(param.flags() | advanced)
            self.addParameter(param)
        if self.entry.get("needs_as_of", True):
            self.addParameter(shared_help(QgsProcessingParameterDateTime(
                "AS_OF", tr("As-of date (empty: today)"), type=QgsProcessingParameterDateTime.Date, optional=True)))
        default = self.rule_sets.index(self.default_rules) if self.default_rules in self.rule_sets else 0
        self.addParameter(shared_help(QgsProcessingParameterEnum("RULES", tr("Rule set"), options=self.rule_sets,
                                                                 defaultValue=default)))
        rules_file = QgsProcessingParameterFile("RULES_FILE", tr("Rule set file (.toml, overrides the rule set)"),
                                                extension="toml", optional=True)
        rules_file.setFlags(rules_file.flags() | advanced)
        self.addParameter(shared_help(rules_file))
        self.addParameter(shared_help(QgsProcessingParameterEnum(
            "AREA_METHOD", tr("Area method"), options=[tr("ellipsoidal (CGCS2000)"), tr("planar")], defaultValue=0)))
        crs = QgsProcessingParameterCrs("CRS", tr("Working CRS (empty: the CGCS2000 3-degree zone of the data)"),
                                        optional=True)
        crs.setFlags(crs.flags() | advanced)
        self.addParameter(shared_help(crs))
        strict = QgsProcessingParameterBoolean(
            "STRICT", tr("Strict: reject invalid geometries instead of repairing them"), defaultValue=False)
        strict.setFlags(strict.flags() | advanced)
        self.addParameter(shared_help(strict))
        for k, o in enumerate(self.entry["outputs"]):
            # the first output is the finding itself; the others (e.g. supply outside approvals) are made by
            # default in the dialog but may be left out in qgis_process, batch mode and models
            kind = QgsProcessing.TypeVectorAnyGeometry if o.get("geometry", True) else QgsProcessing.TypeVector
            self.addParameter(QgsProcessingParameterFeatureSink(self._output_param(o), self._output_label(o),
                                                                kind, optional=k > 0, createByDefault=True))
        self.addParameter(QgsProcessingParameterFeatureSink(
            "REJECTED", tr("Rejected features"), QgsProcessing.TypeVector, optional=True, createByDefault=True))
        self.addParameter(QgsProcessingParameterFeatureSink(
            "SUMMARY", tr("Run summary"), QgsProcessing.TypeVector, optional=True, createByDefault=True))
        self.addOutput(QgsProcessingOutputString("SUMMARY_TEXT", tr("Summary text")))
        self.addOutput(QgsProcessingOutputNumber("REJECTED_COUNT", tr("Rejected feature count")))

    def _param(self, p: dict):
        label = pick(p.get("label_zh", ""), p.get("label_en", ""), f"param:{self.entry['id']}.{p['name']}") \
            or p["name"]
        name = p["name"].upper()
        default = p.get("default")
        optional = default is None
        kind = p["type"]
        if kind == "date":
            param = QgsProcessingParameterDateTime(name, label, type=QgsProcessingParameterDateTime.Date,
                                                   optional=True)
        elif kind in ("float", "int"):
            number = QgsProcessingParameterNumber.Double if kind == "float" else QgsProcessingParameterNumber.Integer
            param = QgsProcessingParameterNumber(name, label, type=number, defaultValue=default, optional=optional)
        elif kind == "bool":
            param = QgsProcessingParameterBoolean(name, label, defaultValue=bool(default))
        elif kind == "choice":
            choices = [str(c) for c in p.get("choices", ())]
            index = choices.index(str(default)) if default is not None and str(default) in choices else None
            param = QgsProcessingParameterEnum(name, label, options=choices, defaultValue=index,
                                               optional=index is None)
        elif kind == "field":
            param = QgsProcessingParameterField(name, label, defaultValue=default,
                                                parentLayerParameterName=p.get("parent_input", "").upper(),
                                                optional=True)
        else:
            param = QgsProcessingParameterString(name, label, defaultValue=default, optional=True)
        param.setHelp(param_help(p))
        return param

    def shortHelpString(self):
        """The description, each input with the fields it must have, the outputs, the thresholds read, and
        where the full page is (all from the spec, in the interface language)."""
        lines = [super().shortHelpString()]
        if self.entry["inputs"]:
            items = []
            for i in self.entry["inputs"]:
                fields = "、".join(f"{f['label_zh']} <code>{f['name']}</code>" for f in i.get("required_fields", ()))
                items.append(f"<li><b>{self._input_label(i)}</b> <code>{i['name'].upper()}</code>"
                             + (f": {fields}" if fields else "") + "</li>")
            lines.append("<b>" + tr("Inputs") + "</b><ul style=\"margin-top:0\">" + "".join(items) + "</ul>")
        lines.append("<b>" + tr("Outputs") + "</b>: " + ", ".join(
            f"{self._output_label(o)} <code>{self._output_param(o)}</code>" for o in self.entry["outputs"]))
        if self.entry.get("rules_keys"):
            lines.append("<b>" + tr("Rules") + "</b>: " + ", ".join(self.entry["rules_keys"]))
        if self.helpUrl():
            lines.append(tr("The Help button opens the full page: every field, output column and threshold, "
                            "with the article it quotes"))
        return "".join(x if x.startswith("<b>" + tr("Inputs")) else f"<p>{x}</p>" for x in lines if x)

    # -- running -------------------------------------------------------------------------------
    def _options(self, parameters, context) -> dict:
        options: dict = {}
        if self.entry.get("needs_as_of", True):
            when = self.parameterAsDateTime(parameters, "AS_OF", context)
            options["as_of"] = (when.date().toPyDate() if when.isValid() else dt.date.today()).isoformat()
        rules_file = self.parameterAsFile(parameters, "RULES_FILE", context)
        options["rules"] = rules_file or self.rule_sets[self.parameterAsEnum(parameters, "RULES", context)]
        options["area_method"] = AREA_METHODS[self.parameterAsEnum(parameters, "AREA_METHOD", context)]
        crs = self.parameterAsCrs(parameters, "CRS", context)
        options["crs"] = None
        if crs.isValid():
            from qgis.core import QgsCoordinateReferenceSystem

            authid = crs.authid()
            options["crs"] = authid if authid.upper().startswith("EPSG:") else \
                crs.toWkt(QgsCoordinateReferenceSystem.WKT2_2019)
        options["strict"] = self.parameterAsBoolean(parameters, "STRICT", context)
        fields: dict = {}
        for name, inp_name, canonical, _label in self._field_params():
            chosen = self.parameterAsFields(parameters, name, context)
            if chosen:
                fields.setdefault(inp_name, {})[canonical] = chosen[0]
        options["fields"] = fields or None
        params: dict = {}
        for p in self.entry["params"]:
            pname, kind = p["name"].upper(), p["type"]
            if parameters.get(pname) is None and kind != "bool":
                continue
            if kind == "date":
                when = self.parameterAsDateTime(parameters, pname, context)
                value = when.date().toPyDate().isoformat() if when.isValid() else None
            elif kind == "float":
                value = self.parameterAsDouble(parameters, pname, context)
            elif kind == "int":
                value = self.parameterAsInt(parameters, pname, context)
            elif kind == "bool":
                value = self.parameterAsBoolean(parameters, pname, context)
            elif kind == "choice":
                value = [str(c) for c in p.get("choices", ())][self.parameterAsEnum(parameters, pname, context)]
            elif kind == "field":
                chosen = self.parameterAsFields(parameters, pname, context)
                value = chosen[0] if chosen else None
            else:
                value = self.parameterAsString(parameters, pname, context) or None
            if value is not None:
                params[p["name"]] = value
        options["params"] = params or None
        return options

    def processAlgorithm(self, parameters, context, feedback):
        options = self._options(parameters, context)
        feedback.pushInfo(f"redline: {self.entry['id']} ({self.entry['label_zh']} {self.entry['label_en']}), "
                          f"run by {self.python}")
        tmp = tempfile.mkdtemp(prefix="redline_qgis_")
        answer = self._run_job({"audit": self.entry["id"], **options}, parameters, context, feedback, tmp)
        return self._write_outputs(answer, parameters, context, feedback)

    def _run_job(self, job: dict, parameters, context, feedback, tmp: str) -> dict:
        """Hand the inputs and ``job`` (the run options, the audit) to redline's Python; its answer, or an error."""
        sources, layers = {}, {}
        feedback.setProgressText(tr("Reading the input layers"))
        for inp in self.entry["inputs"]:
            pname = inp["name"].upper()
            if inp.get("raster"):
                layer = self.parameterAsRasterLayer(parameters, pname, context)
                if layer is None:
                    if inp["required"]:
                        raise QgsProcessingException(self.invalidRasterError(parameters, pname))
                    continue
                path = layer.source().split("|")[0]
                if layer.providerType() != "gdal" or not os.path.exists(path):
                    raise QgsProcessingException(
                        f"[{inp['name']}] raster {layer.name()} is not a file redline can read ({layer.source()}) "
                        "-- fix: save it as GeoTIFF (Export > Save As...) and use that")
                sources[inp["name"]] = path
                continue
            given = self._vector_source(parameters, pname, inp["name"], context, tmp)
            if given is None:
                if inp["required"]:
                    raise QgsProcessingException(self.invalidSourceError(parameters, pname))
                continue
            sources[inp["name"]], layers[inp["name"]] = given
            if feedback.isCanceled():
                raise QgsProcessingException(tr("cancelled"))
        feedback.pushDebugInfo(f"redline: scratch folder {tmp}")
        job = {"sources": sources, "out": tmp, **job}
        job_path = os.path.join(tmp, "job.json")
        with open(job_path, "w", encoding="utf-8") as fh:
            json.dump(job, fh, ensure_ascii=False)
        try:
            answer = run_worker(self.python, job_path, feedback,
                                labels={i["name"]: self._input_label(i) for i in self.entry["inputs"]})
        except QgsProcessingException:
            if feedback.isCanceled():  # the killed run's scratch folder (its job, a half-read copy) goes too
                shutil.rmtree(tmp, ignore_errors=True)
            raise
        if not answer.get("ok"):
            raise QgsProcessingException(answer.get("error", "redline failed"))
        for name, described in (answer.get("encodings") or {}).items():
            layer = layers.get(name)
            if layer is not None and isinstance(sources.get(name), dict):
                for line in encoding_advice(name, sources[name]["path"], layer.dataProvider().encoding(), described):
                    feedback.pushWarning(line)
        return answer

    def _vector_source(self, parameters, pname: str, name: str, context, tmp: str):
        """``(job source, QGIS layer or None)`` of a vector input, or None when it is not given.

        A layer read from a file by QGIS's OGR provider goes by its path, with the ids of a "selected
        features only" choice or of the layer's filter, so redline reads the file itself (and decodes a
        shapefile's text by its own detection). Anything else is saved by QGIS as a GeoPackage first.
        """
        source = self.parameterAsSource(parameters, pname, context)
        if source is None:
            return None
        definition = parameters.get(pname)
        selection = isinstance(definition, QgsProcessingFeatureSourceDefinition)
        layer = (QgsProcessingUtils.mapLayerFromString(definition.source.staticValue(), context) if selection
                 else self.parameterAsVectorLayer(parameters, pname, context))
        on_disk = _ogr_file(layer)
        if on_disk is not None:
            path, layername = on_disk
            fids = None
            if selection and definition.selectedFeaturesOnly:
                fids = sorted(int(i) for i in layer.selectedFeatureIds())
            elif layer.subsetString():
                request = QgsFeatureRequest().setNoAttributes().setFlags(QgsFeatureRequest.NoGeometry)
                fids = [int(f.id()) for f in layer.getFeatures(request)]
            return {"path": path, "layer": layername, "fids": fids}, layer
        return _save_source(source, os.path.join(tmp, f"{name}.gpkg"), context), layer

    def _write_outputs(self, answer: dict, parameters, context, feedback) -> dict:
        gpkg = answer["gpkg"]
        results: dict = {}
        feedback.setProgressText(tr("Copying the results into QGIS"))
        outputs = self.entry["outputs"]
        for k, o in enumerate(outputs):
            feedback.setProgress(WORKER_SHARE + (100.0 - WORKER_SHARE) * k / max(len(outputs), 1))
            pname = self._output_param(o)
            if o["name"] not in answer["outputs"]:
                feedback.pushWarning(f"{o['name']}: the audit produced no such output")
                continue
            written = _copy_layer(self, gpkg, o["name"], parameters, pname, context, o.get("aliases") or {},
                                  geometry=o.get("geometry", True), feedback=feedback)
            if written is None:
                continue
            dest, count = written
            results[pname] = dest
            feedback.pushInfo(f"{o['name']}: {count} rows")
            if context.willLoadLayerOnCompletion(dest):
                details = context.layerToLoadOnCompletionDetails(dest)
                details.name = self._output_label(o)
                processor = StyleAndName(style_path(o))
                _post_processors.append(processor)
                details.setPostProcessor(processor)
        rejected = QgsVectorLayer(f"{gpkg}|layername=rejected", "rejected", "ogr")
        written = _copy_layer(self, gpkg, "rejected", parameters, "REJECTED", context, {}, geometry=False)
        if written is not None:
            results["REJECTED"] = written[0]
        count = int(answer.get("rejected", 0))
        if count and rejected.isValid():
            feedback.pushWarning(f"{count} feature(s) set aside, see the rejected table:")
            for k, f in enumerate(rejected.getFeatures()):
                if k == 20:
                    break
                feedback.pushWarning(f"  [{f['layer']}] {f['feature_id']}: {f['reason']}")
        lines = [str(x) for x in (*answer.get("summary", ()), *answer.get("notes", ()))]
        for line in lines:
            feedback.pushInfo(line)
        items = [(k, str(v)) for k, v in (answer.get("metadata") or {}).items()]
        items += [("summary", str(s)) for s in answer.get("summary", ())]
        items += [("note", str(n)) for n in answer.get("notes", ())]
        fields = QgsFields()
        fields.append(QgsField("item", QVariant.String))
        fields.append(QgsField("value", QVariant.String))
        sink, dest = self.parameterAsSink(parameters, "SUMMARY", context, fields, QgsWkbTypes.NoGeometry,
                                          QgsCoordinateReferenceSystem())
        if sink is not None:
            for item, value in items:
                feature = QgsFeature(fields)
                feature.setAttributes([item, value])
                sink.addFeature(feature, QgsFeatureSink.FastInsert)
            results["SUMMARY"] = dest
        results["SUMMARY_TEXT"] = "\n".join(lines)
        results["REJECTED_COUNT"] = count
        feedback.setProgress(100.0)
        return results


#: the QML of the register's open cases, one class per disposal step (written by scripts/package_plugin.py)
CASES_STYLE = os.path.join(STYLES, "register_cases.qml")


def register_layers(register: str) -> dict[str, str]:
    """The register's layers as QGIS sources: its open cases (a filter on ``cases``) and its disposal table.

    Both read the register itself, not a copy: a disposal step added to the table is written into it."""
    return {"OPEN_CASES": f"{register}|layername=cases|subset=\"state\" = 'open'",
            "DISPOSITIONS": f"{register}|layername=dispositions"}


def _load_register_layers(register: str, context, feedback) -> dict:
    """Load the open cases (styled by disposal step) and the disposal table when the algorithm completes."""
    results = {}
    for key, source in register_layers(register).items():
        layer = QgsVectorLayer(source, key, "ogr")
        if not layer.isValid():
            raise QgsProcessingException(f"{register} has no readable {key.lower()} layer: is it a case register?")
        results[key] = source
        name = tr("Open cases") if key == "OPEN_CASES" else tr("Disposal entries")
        feedback.pushInfo(f"{name}: {layer.featureCount()} rows ({source})")
        details = QgsProcessingContext.LayerDetails(name, context.project(), key)
        details.layerTypeHint = QgsProcessingUtils.LayerHint.Vector
        if key == "OPEN_CASES":
            processor = StyleAndName(CASES_STYLE)
            _post_processors.append(processor)
            details.setPostProcessor(processor)
        context.addLayerToLoadOnCompletion(source, details)
    return results


def _as_of(algorithm, parameters, name: str, context) -> str:
    when = algorithm.parameterAsDateTime(parameters, name, context)
    return (when.date().toPyDate() if when.isValid() else dt.date.today()).isoformat()


class RecordRoundAlgorithm(AuditAlgorithm):
    """Every audit the inputs allow, recorded as the next round of a case register (``run_audits(register=)``).

    Its inputs are every input an audit reads, all optional (their fields found by name); its shared
    options are the audits'. The round's summary goes to the log; the open cases and the disposal table
    are loaded when it completes."""

    def createInstance(self):
        return RecordRoundAlgorithm(self.entry, self.python, self.rule_sets, self.default_rules)

    def _input_label(self, inp: dict) -> str:
        return pick(inp.get("label_zh", ""), inp.get("label_en", ""), inp.get("key")) or inp["name"]

    def _field_params(self):
        return []  # fields are found by name: one mapping parameter per field of every layer would be unusable

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFile(
            "REGISTER", tr("Case register (.gpkg; made when it does not exist)"), extension="gpkg"))
        super().initAlgorithm(config)
        self.addParameter(QgsProcessingParameterBoolean(
            "LOAD", tr("Load the open cases and the disposal table"), defaultValue=True))
        self.addOutput(QgsProcessingOutputNumber("ROUND", tr("Round")))
        self.addOutput(QgsProcessingOutputVectorLayer("OPEN_CASES", tr("Open cases")))
        self.addOutput(QgsProcessingOutputVectorLayer("DISPOSITIONS", tr("Disposal entries"),
                                                      QgsProcessing.TypeVector))

    def shortHelpString(self):
        return _Base.shortHelpString(self)

    def processAlgorithm(self, parameters, context, feedback):
        register = self.parameterAsFile(parameters, "REGISTER", context)
        if not register.lower().endswith(".gpkg"):
            raise QgsProcessingException(f"the case register is a .gpkg file, not {register!r}")
        register = os.path.abspath(register)
        options = self._options(parameters, context)
        feedback.pushInfo(f"redline: {self.entry['label_zh']} {self.entry['label_en']} into {register}, "
                          f"run by {self.python}")
        tmp = tempfile.mkdtemp(prefix="redline_qgis_")
        answer = self._run_job({"audit": None, "register": register, **options}, parameters, context, feedback, tmp)
        recorded = answer.get("round")
        if not recorded:
            raise QgsProcessingException(f"redline ran the audits but recorded no round in {register}")
        if recorded.get("created"):
            feedback.pushInfo(f"案件台账 {register} 不存在, 已新建 (the register did not exist: made it)")
        results = self._write_outputs(answer, parameters, context, feedback)
        feedback.pushInfo(f"第{recorded['round_id']}轮 round {recorded['round_id']} recorded in {recorded['where']} "
                          f"(as of {recorded['as_of']}): open cases "
                          + (", ".join(f"{k} {v}" for k, v in recorded.get("open", {}).items()) or "none")
                          + (f"; {recorded['alerts']} disposal deadline alert(s)" if recorded.get("alerts") else ""))
        results["ROUND"] = int(recorded["round_id"])
        if self.parameterAsBoolean(parameters, "LOAD", context):
            results.update(_load_register_layers(register, context, feedback))
        return results


class OpenCasesAlgorithm(_Base):
    """The register's open cases styled by disposal step, and its disposal table to add steps to.

    The entries are checked first (``Register.check`` in redline's Python): those added in QGIS since the
    last check get their ``problem`` written, and each case's ``disposal`` is refreshed from the valid ones."""

    def __init__(self, entry: dict, python: str):
        super().__init__(entry)
        self.python = python

    def createInstance(self):
        return OpenCasesAlgorithm(self.entry, self.python)

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFile("REGISTER", tr("Case register (.gpkg)"), extension="gpkg"))
        self.addParameter(QgsProcessingParameterDateTime(
            "AS_OF", tr("Check the disposal entries as of (empty: today)"),
            type=QgsProcessingParameterDateTime.Date, optional=True))
        self.addOutput(QgsProcessingOutputVectorLayer("OPEN_CASES", tr("Open cases")))
        self.addOutput(QgsProcessingOutputVectorLayer("DISPOSITIONS", tr("Disposal entries"),
                                                      QgsProcessing.TypeVector))
        self.addOutput(QgsProcessingOutputNumber("PROBLEMS", tr("Disposal entries with a problem")))
        self.addOutput(QgsProcessingOutputNumber("ROUNDS", tr("Rounds recorded")))

    def processAlgorithm(self, parameters, context, feedback):
        register = self.parameterAsFile(parameters, "REGISTER", context)
        if not os.path.isfile(register):
            raise QgsProcessingException(f"no case register at {register!r}: record a round into it first "
                                         "(记录审计轮次 Record an audit round makes it)")
        register = os.path.abspath(register)
        answer = run_worker(self.python, None, feedback, ("check", register, _as_of(self, parameters, "AS_OF",
                                                                                   context)))
        if not answer.get("ok"):
            raise QgsProcessingException(answer.get("error", "redline failed"))
        problems = answer.get("problems") or []
        for line in problems:
            feedback.pushWarning(line)
        feedback.pushInfo(f"{answer['where']}: {answer['rounds']} round(s), {len(problems)} disposal entry problem(s)")
        results = _load_register_layers(register, context, feedback)
        results.update({"PROBLEMS": len(problems), "ROUNDS": int(answer["rounds"])})
        return results


def _ogr_file(layer) -> tuple[str, str | None] | None:
    """``(path, layer name)`` of a vector layer QGIS reads from a plain file with OGR, else None."""
    if layer is None or not isinstance(layer, QgsVectorLayer) or layer.providerType() != "ogr":
        return None
    path, *options = layer.source().split("|")
    if not os.path.isfile(path):
        return None
    layername = None
    for option in options:
        key, _, value = option.partition("=")
        if key == "layername":
            layername = value
        elif key == "layerid" and value.isdigit() and path.lower().endswith((".gpkg", ".sqlite", ".gdb")):
            return None  # a layer by index in a multi-layer file: saved as it is seen instead
        elif key not in ("layerid", "subset"):
            return None  # geometrytype=..., uniqueGeometryType: a view of the file; save what QGIS sees
    return path, layername


def _save_source(source, path: str, context) -> str:
    """A feature source (a memory layer, PostGIS, a selection of one...) as a GeoPackage, written by QGIS."""
    layer = source.materialize(QgsFeatureRequest()) if hasattr(source, "materialize") else None
    if layer is None:
        raise QgsProcessingException(f"cannot copy {path}")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.fileEncoding = "UTF-8"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(layer, path, context.transformContext(), options)
    if error[0] != QgsVectorFileWriter.NoError:
        raise QgsProcessingException(f"cannot write {path}: {error[1]}")
    return path


def _copy_layer(algorithm, gpkg: str, name: str, parameters, pname: str, context, aliases: dict, *,
                geometry: bool = True, feedback=None):
    """Copy layer ``name`` of redline's GeoPackage into sink ``pname``: ``(destination, rows)`` or None."""
    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    if not layer.isValid():
        return None
    fields, keep = QgsFields(), []
    for index, field in enumerate(layer.fields()):
        if field.name().lower() == "fid":  # the GeoPackage's key, not a column of the finding
            continue
        copy = QgsField(field)
        if aliases.get(field.name()):
            copy.setAlias(aliases[field.name()])
        fields.append(copy)
        keep.append(index)
    spatial = geometry and layer.isSpatial()
    wkb = layer.wkbType() if spatial else QgsWkbTypes.NoGeometry
    crs = layer.crs() if spatial else QgsCoordinateReferenceSystem()
    sink, dest = algorithm.parameterAsSink(parameters, pname, context, fields, wkb, crs)
    if sink is None:
        return None
    rows = 0
    for feature in layer.getFeatures():
        out = QgsFeature(fields)
        values = feature.attributes()
        out.setAttributes([values[i] for i in keep])
        if spatial:
            out.setGeometry(feature.geometry())
        if not sink.addFeature(out, QgsFeatureSink.FastInsert):
            raise QgsProcessingException(f"could not write a feature to {pname}: {sink.lastError()}")
        rows += 1
        if feedback is not None and feedback.isCanceled():
            raise QgsProcessingException(tr("cancelled"))
    return dest, rows


#: the share of the progress bar redline's own run takes; copying its results into QGIS takes the rest
WORKER_SHARE = 90.0


def stage_text(message: dict, labels: dict | None = None) -> str:
    """What a progress message of redline's worker (``worker.stage_of``) says, in the interface language;
    an input layer by its label in the algorithm (``labels``: input name -> label) when it has one."""
    stage = message.get("stage")
    label = pick(message.get("label_zh", ""), message.get("label_en", ""))
    if stage == "read":
        return tr("Reading the layer {layer}").format(layer=(labels or {}).get(message.get("input"), label))
    if stage == "validate":
        return tr("Checking the layers: fields, geometries, coordinate system")
    if stage == "audit":
        return tr("Auditing: {audit}").format(audit=label)
    if stage == "register":
        return tr("Recording the round in the case register")
    if stage == "write":
        return tr("Writing the results")
    if stage == "done":
        return tr("redline finished")
    return str(message.get("message", ""))  # an audit's own step (it names itself in both languages)


def _kill(proc) -> None:
    """Stop the worker and whatever it started: its process group on Linux and macOS, the process on Windows."""
    if proc.poll() is not None:
        return
    if os.name == "posix":
        import contextlib
        import signal

        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    else:
        proc.kill()
    proc.wait()


def run_worker(python: str, job_path: str | None, feedback, args: tuple[str, ...] = (),
               labels: dict | None = None) -> dict:
    """Run :mod:`.worker` on a job file (or with ``args``: ``("check", REGISTER, AS_OF)``) in redline's Python;
    show its stages (progress bar and text); return its answer.

    Cancelling in QGIS stops the worker within a tenth of a second, even in the middle of a long stage
    (it is killed with the processes it started), and raises: nothing is taken from a run that did not
    finish, and redline writes its results as one set (swapped in only when all are written), so a killed
    run leaves none behind."""
    import queue
    import threading

    command = args or ("run", str(job_path))
    proc = subprocess.Popen(worker_command(python, *command), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8", env=worker_env(), start_new_session=os.name == "posix")
    feedback.pushDebugInfo(f"redline: process {proc.pid}")
    lines: queue.Queue = queue.Queue()
    errors: list[str] = []

    def pump_stdout():
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    def pump_stderr():  # read all along: a worker writing much to stderr would otherwise block on a full pipe
        errors.extend(proc.stderr)

    readers = [threading.Thread(target=pump_stdout, daemon=True), threading.Thread(target=pump_stderr, daemon=True)]
    for reader in readers:
        reader.start()
    answer, shown = None, 0.0
    try:
        while True:
            if feedback.isCanceled():
                _kill(proc)
                raise QgsProcessingException(tr("cancelled"))
            try:
                line = lines.get(timeout=0.1)
            except queue.Empty:
                continue
            if line is None:  # the worker closed its output: it has finished
                break
            try:
                message = json.loads(line)
            except ValueError:
                feedback.pushInfo(line.rstrip())
                continue
            if "progress" in message:
                feedback.setProgressText(stage_text(message, labels))
                shown = max(shown, WORKER_SHARE * float(message["progress"]))  # an audit's steps restart at 0
                feedback.setProgress(shown)
            else:
                answer = message
    except BaseException:  # cancelled, or QGIS failed relaying: never leave the worker running
        _kill(proc)
        raise
    proc.wait()
    readers[1].join(timeout=5)
    if answer is None:
        raise QgsProcessingException(f"redline's worker ({python}) stopped without an answer "
                                     f"(exit {proc.returncode}):\n{''.join(errors)}\n\n{install_help()}")
    return answer
