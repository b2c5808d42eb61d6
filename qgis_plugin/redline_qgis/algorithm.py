"""One Processing algorithm per redline audit, built from the audit's spec.

``AuditSpec.inputs`` become feature-source (or raster) parameters, with optional field-mapping
parameters for each layer's required fields; ``AuditSpec.params`` become date / number / text /
enum / field parameters; the shared options (as-of date, rule set, area method, working CRS,
strict) are the same for every audit; ``AuditSpec.outputs`` become feature sinks, plus the
rejected features and a run summary. Vector layers travel as WKB (see :mod:`.convert`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import traceback

from qgis.core import (
    QgsFeatureRequest,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
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
)
from qgis.PyQt.QtGui import QIcon

from .catalogue import GROUPS, is_raster_input, spec_entry
from .encoding import decoded_as_detected
from .i18n import pick, tr
from .status import install_help, own_libraries

HERE = os.path.dirname(__file__)
STYLES = os.path.join(HERE, "styles")
AREA_METHODS = ("ellipsoidal", "planar")


_post_processors: list = []  # Processing keeps only a pointer: keep them alive here


def group_label(group: str) -> str:
    zh, en = GROUPS.get(group, (group, group))
    return pick(zh, en, f"group:{group}")


def icon() -> QIcon:
    return QIcon(os.path.join(HERE, "icon.svg"))



def style_path(output) -> str | None:
    """The QML shipped for an output: its spec's ``style``, else ``<output name>.qml``, else the generic one."""
    names = [output.style] if getattr(output, "style", "") else []
    names += [f"{output.name}.qml", "finding.qml" if output.geometry else ""]
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

    def shortHelpString(self):
        text = pick(self.entry.get("description_zh", ""), self.entry.get("description_en", ""),
                    f"description:{self.entry['id']}")
        if not text:
            text = self.entry.get("description_zh") or self.entry.get("description_en") or ""
        return text


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
    """A redline audit as a Processing algorithm, generated from its :class:`redline.spec.AuditSpec`."""

    SHARED = ("AS_OF", "RULES", "RULES_FILE", "AREA_METHOD", "CRS", "STRICT")

    def __init__(self, spec):
        super().__init__(spec_entry(spec))
        self.spec = spec

    def createInstance(self):
        return AuditAlgorithm(self.spec)

    def _input_label(self, inp) -> str:
        return pick(inp.label_zh, inp.label_en, f"input:{self.spec.id}.{inp.name}") or inp.name

    def _output_label(self, output) -> str:
        return pick(output.label_zh, output.label_en, f"output:{self.spec.id}.{output.name}") or output.name

    # -- parameter names ---------------------------------------------------------------------
    def _output_param(self, output) -> str:
        taken = {i.name.upper() for i in self.spec.inputs} | {p.name.upper() for p in self.spec.params}
        taken |= set(self.SHARED)
        name = output.name.upper()
        return "OUTPUT_" + name if name in taken else name

    def _field_params(self):
        """(parameter name, input name, canonical field, label) for each vector input's required fields."""
        from redline.schema import SCHEMAS

        out = []
        for inp in self.spec.inputs:
            schema = SCHEMAS.get(inp.kind)
            if schema is None or is_raster_input(self.spec, inp):
                continue
            for f in schema.fields:
                if f.required:
                    label = tr("{field} field in {layer} (optional: found by name)").format(
                        field=f"{f.label_zh} {f.name}", layer=self._input_label(inp))
                    out.append((f"{inp.name}_{f.name}".upper(), inp.name, f.name, label))
        return out

    # -- definition ----------------------------------------------------------------------------
    def initAlgorithm(self, config=None):
        from redline.rules import DEFAULT, available_rule_sets
        from redline.schema import SCHEMAS

        advanced = QgsProcessingParameterDefinition.FlagAdvanced
        for inp in self.spec.inputs:
            label = self._input_label(inp)
            if is_raster_input(self.spec, inp):
                param = QgsProcessingParameterRasterLayer(inp.name.upper(), label, optional=not inp.required)
            else:
                schema = SCHEMAS.get(inp.kind)
                polygon = schema is not None and schema.geometry == "polygon"
                types = [QgsProcessing.TypeVectorPolygon if polygon else QgsProcessing.TypeVectorAnyGeometry]
                param = QgsProcessingParameterFeatureSource(inp.name.upper(), label, types, optional=not inp.required)
            if inp.help:
                param.setHelp(inp.help)
            self.addParameter(param)
        for p in self.spec.params:
            self.addParameter(self._param(p))
        for name, inp_name, _field, label in self._field_params():
            param = QgsProcessingParameterField(name, label, parentLayerParameterName=inp_name.upper(), optional=True)
            param.setFlags(param.flags() | advanced)
            self.addParameter(param)
        if self.spec.needs_as_of:
            self.addParameter(QgsProcessingParameterDateTime(
                "AS_OF", tr("As-of date (empty: today)"), type=QgsProcessingParameterDateTime.Date, optional=True))
        rule_sets = available_rule_sets()
        self.rule_sets = rule_sets
        self.addParameter(QgsProcessingParameterEnum(
            "RULES", tr("Rule set"), options=rule_sets,
            defaultValue=rule_sets.index(DEFAULT) if DEFAULT in rule_sets else 0))
        rules_file = QgsProcessingParameterFile("RULES_FILE", tr("Rule set file (.toml, overrides the rule set)"),
                                                extension="toml", optional=True)
        rules_file.setFlags(rules_file.flags() | advanced)
        self.addParameter(rules_file)
        self.addParameter(QgsProcessingParameterEnum(
            "AREA_METHOD", tr("Area method"), options=[tr("ellipsoidal (CGCS2000)"), tr("planar")], defaultValue=0))
        crs = QgsProcessingParameterCrs("CRS", tr("Working CRS (empty: the CGCS2000 3-degree zone of the data)"),
                                        optional=True)
        crs.setFlags(crs.flags() | advanced)
        self.addParameter(crs)
        strict = QgsProcessingParameterBoolean(
            "STRICT", tr("Strict: reject invalid geometries instead of repairing them"), defaultValue=False)
        strict.setFlags(strict.flags() | advanced)
        self.addParameter(strict)
        for k, o in enumerate(self.spec.outputs):
            # the first output is the finding itself; the others (e.g. supply outside approvals) are made by
            # default in the dialog but may be left out in qgis_process, batch mode and models
            kind = QgsProcessing.TypeVectorAnyGeometry if o.geometry else QgsProcessing.TypeVector
            self.addParameter(QgsProcessingParameterFeatureSink(self._output_param(o), self._output_label(o),
                                                                kind, optional=k > 0, createByDefault=True))
        self.addParameter(QgsProcessingParameterFeatureSink(
            "REJECTED", tr("Rejected features"), QgsProcessing.TypeVector, optional=True, createByDefault=True))
        self.addParameter(QgsProcessingParameterFeatureSink(
            "SUMMARY", tr("Run summary"), QgsProcessing.TypeVector, optional=True, createByDefault=True))
        self.addOutput(QgsProcessingOutputString("SUMMARY_TEXT", tr("Summary text")))
        self.addOutput(QgsProcessingOutputNumber("REJECTED_COUNT", tr("Rejected feature count")))

    def _param(self, p):
        label = pick(p.label_zh, p.label_en, f"param:{self.spec.id}.{p.name}") or p.name
        name = p.name.upper()
        optional = p.default is None
        if p.type == "date":
            param = QgsProcessingParameterDateTime(name, label, type=QgsProcessingParameterDateTime.Date,
                                                   optional=True)
        elif p.type in ("float", "int"):
            kind = QgsProcessingParameterNumber.Double if p.type == "float" else QgsProcessingParameterNumber.Integer
            param = QgsProcessingParameterNumber(name, label, type=kind, defaultValue=p.default, optional=optional)
        elif p.type == "bool":
            param = QgsProcessingParameterBoolean(name, label, defaultValue=bool(p.default))
        elif p.type == "choice":
            choices = [str(c) for c in p.choices]
            default = choices.index(str(p.default)) if p.default is not None and str(p.default) in choices else None
            param = QgsProcessingParameterEnum(name, label, options=choices, defaultValue=default,
                                               optional=default is None)
        elif p.type == "field":
            param = QgsProcessingParameterField(name, label, defaultValue=p.default,
                                                parentLayerParameterName=p.parent_input.upper(), optional=True)
        else:
            param = QgsProcessingParameterString(name, label, defaultValue=p.default, optional=True)
        if p.help:
            param.setHelp(p.help)
        return param

    def shortHelpString(self):
        lines = [super().shortHelpString()]
        if self.spec.inputs:
            lines.append("<b>" + tr("Inputs") + "</b>: " + ", ".join(
                f"{self._input_label(i)} ({i.kind})" for i in self.spec.inputs))
        lines.append("<b>" + tr("Outputs") + "</b>: " + ", ".join(
            f"{self._output_label(o)} [{o.name}]" for o in self.spec.outputs))
        if self.spec.rules_keys:
            lines.append("<b>" + tr("Rules") + "</b>: " + ", ".join(self.spec.rules_keys))
        return "<br><br>".join(x for x in lines if x)

    def helpUrl(self):
        return "https://example.invalid/redline#qgis"

    # -- running -------------------------------------------------------------------------------
    def _options(self, parameters, context) -> dict:
        options: dict = {}
        if self.spec.needs_as_of:
            when = self.parameterAsDateTime(parameters, "AS_OF", context)
            options["as_of"] = when.date().toPyDate() if when.isValid() else dt.date.today()
        rules_file = self.parameterAsFile(parameters, "RULES_FILE", context)
        rule_sets = getattr(self, "rule_sets", None)
        if rule_sets is None:
            from redline.rules import available_rule_sets

            rule_sets = available_rule_sets()
        options["rules"] = rules_file or rule_sets[self.parameterAsEnum(parameters, "RULES", context)]
        options["area_method"] = AREA_METHODS[self.parameterAsEnum(parameters, "AREA_METHOD", context)]
        crs = self.parameterAsCrs(parameters, "CRS", context)
        if crs.isValid():
            from .convert import qgis_crs_to_pyproj

            options["crs"] = qgis_crs_to_pyproj(crs)
        options["strict"] = self.parameterAsBoolean(parameters, "STRICT", context)
        fields: dict = {}
        for name, inp_name, canonical, _label in self._field_params():
            chosen = self.parameterAsFields(parameters, name, context)
            if chosen:
                fields.setdefault(inp_name, {})[canonical] = chosen[0]
        options["fields"] = fields or None
        params: dict = {}
        for p in self.spec.params:
            pname = p.name.upper()
            if parameters.get(pname) is None and p.type != "bool":
                continue
            if p.type == "date":
                when = self.parameterAsDateTime(parameters, pname, context)
                value = when.date().toPyDate() if when.isValid() else None
            elif p.type == "float":
                value = self.parameterAsDouble(parameters, pname, context)
            elif p.type == "int":
                value = self.parameterAsInt(parameters, pname, context)
            elif p.type == "bool":
                value = self.parameterAsBoolean(parameters, pname, context)
            elif p.type == "choice":
                value = [str(c) for c in p.choices][self.parameterAsEnum(parameters, pname, context)]
            elif p.type == "field":
                chosen = self.parameterAsFields(parameters, pname, context)
                value = chosen[0] if chosen else None
            else:
                value = self.parameterAsString(parameters, pname, context) or None
            if value is not None:
                params[p.name] = value
        options["params"] = params or None
        return options

    def processAlgorithm(self, parameters, context, feedback):
        from redline.errors import RedlineError

        options = self._options(parameters, context)
        feedback.pushInfo(f"redline {self._redline_version()}: {self.spec.id} ({self.spec.label_zh} "
                          f"{self.spec.label_en})")
        raster = any(is_raster_input(self.spec, i) for i in self.spec.inputs)
        try:
            if raster:
                run = self._run_in_child(parameters, context, feedback, options)
            else:
                with own_libraries():
                    run = self._run_here(parameters, context, feedback, options)
        except QgsProcessingException:
            raise
        except (RedlineError, ValueError, OSError) as exc:
            raise QgsProcessingException(str(exc)) from None
        except Exception as exc:
            feedback.reportError(traceback.format_exc())
            raise QgsProcessingException(f"redline failed unexpectedly: {type(exc).__name__}: {exc} -- please "
                                         "report it with the log above") from None
        return self._write_outputs(run, parameters, context, feedback)

    @staticmethod
    def _redline_version() -> str:
        import redline

        return redline.__version__

    def _progress(self, feedback):
        def report(message: str, fraction: float) -> None:
            if feedback.isCanceled():
                raise QgsProcessingException(tr("cancelled"))
            feedback.setProgressText(str(message))
            feedback.setProgress(100.0 * max(0.0, min(1.0, float(fraction))))
        return report

    def _run_here(self, parameters, context, feedback, options) -> dict:
        """Vector audits: in this process, layers as WKB; redline's pipeline does the rest."""
        from redline.pipeline import run_audits

        from .convert import source_to_frame

        sources = {}
        for inp in self.spec.inputs:
            source, request = self._vector_source(parameters, inp.name.upper(), inp.name, context, feedback)
            if source is None:
                if inp.required:
                    raise QgsProcessingException(self.invalidSourceError(parameters, inp.name.upper()))
                continue
            sources[inp.name] = source_to_frame(source, inp.name, feedback, request=request)
            feedback.pushInfo(f"{inp.name}: {len(sources[inp.name])} features")
        result = run_audits(sources, audits=[self.spec.id], progress=self._progress(feedback), ledger=False,
                            **options)
        return {"outputs": result.outputs, "rejected": result.rejected, "summary": result.summary,
                "notes": result.notes, "metadata": result.metadata()}

    def _vector_source(self, parameters, pname: str, name: str, context, feedback):
        """``(feature source, request)`` of a vector input, or ``(None, None)`` when it is not given.

        Usually the source Processing hands out (a selection, a memory layer, PostGIS...). A shapefile whose
        encoding is declared nowhere is read through a copy opened with the encoding redline detects
        (:mod:`.encoding`); a "selected features only" choice carries over as a filter on the same ids.
        """
        source = self.parameterAsSource(parameters, pname, context)
        if source is None:
            return None, None
        definition = parameters.get(pname)
        selection = isinstance(definition, QgsProcessingFeatureSourceDefinition)
        layer = (QgsProcessingUtils.mapLayerFromString(definition.source.staticValue(), context) if selection
                 else self.parameterAsVectorLayer(parameters, pname, context))
        copy = decoded_as_detected(layer, name, feedback)
        if copy is None:
            return source, QgsFeatureRequest()
        request = QgsFeatureRequest()
        if selection and definition.selectedFeaturesOnly:
            request.setFilterFids(layer.selectedFeatureIds())
        return copy, request

    def _run_in_child(self, parameters, context, feedback, options) -> dict:
        """Raster audits: in a child Python, so rasterio's GDAL never shares a process with QGIS's GDAL."""
        tmp = tempfile.mkdtemp(prefix="redline_qgis_")
        sources = {}
        for inp in self.spec.inputs:
            pname = inp.name.upper()
            if is_raster_input(self.spec, inp):
                layer = self.parameterAsRasterLayer(parameters, pname, context)
                if layer is None:
                    if inp.required:
                        raise QgsProcessingException(self.invalidRasterError(parameters, pname))
                    continue
                path = layer.source().split("|")[0]
                if layer.providerType() != "gdal" or not os.path.exists(path):
                    raise QgsProcessingException(
                        f"[{inp.name}] raster {layer.name()} is not a file redline can read ({layer.source()}) -- fix: "
                        "save it as GeoTIFF (Export > Save As...) and use that")
                sources[inp.name] = path
            else:
                source, request = self._vector_source(parameters, pname, inp.name, context, feedback)
                if source is None:
                    if inp.required:
                        raise QgsProcessingException(self.invalidSourceError(parameters, pname))
                    continue
                sources[inp.name] = _save_source(source, request, os.path.join(tmp, f"{inp.name}.gpkg"), context)
        job = {"sources": sources, "audit": self.spec.id, "out": tmp,
               "as_of": options.get("as_of").isoformat() if options.get("as_of") else None,
               "rules": str(options["rules"]), "area_method": options["area_method"],
               "crs": options["crs"].to_wkt() if options.get("crs") is not None else None,
               "strict": options["strict"], "fields": options["fields"],
               "params": {k: (v.isoformat() if isinstance(v, dt.date) else v)
                          for k, v in (options["params"] or {}).items()}}
        job_path = os.path.join(tmp, "job.json")
        with open(job_path, "w", encoding="utf-8") as fh:
            json.dump(job, fh, ensure_ascii=False)
        answer = run_worker(job_path, feedback)
        if not answer.get("ok"):
            raise QgsProcessingException(answer.get("error", "redline failed"))
        gpkg = answer["gpkg"]
        outputs = {}
        for o in self.spec.outputs:
            if o.name in answer["outputs"]:
                outputs[o.name] = _read_gpkg_layer(gpkg, o.name)
        return {"outputs": outputs, "rejected": _read_gpkg_layer(gpkg, "rejected"), "summary": answer["summary"],
                "notes": answer["notes"], "metadata": answer["metadata"]}

    def _write_outputs(self, run, parameters, context, feedback) -> dict:
        import pandas as pd

        from .convert import frame_to_sink

        results: dict = {}
        for o in self.spec.outputs:
            frame = run["outputs"].get(o.name)
            pname = self._output_param(o)
            if frame is None:
                feedback.pushWarning(f"{o.name}: the audit produced no such output")
                continue
            aliases = {c.name: c.header for c in o.columns}
            dest = frame_to_sink(frame, self, parameters, pname, context, aliases, geometry=o.geometry,
                                 feedback=feedback)
            if dest is None:
                continue
            results[pname] = dest
            feedback.pushInfo(f"{o.name}: {len(frame)} rows")
            if context.willLoadLayerOnCompletion(dest):
                details = context.layerToLoadOnCompletionDetails(dest)
                details.name = self._output_label(o)
                processor = StyleAndName(style_path(o))
                _post_processors.append(processor)
                details.setPostProcessor(processor)
        rejected = run["rejected"]
        if rejected is None:
            rejected = pd.DataFrame({"layer": [], "feature_id": [], "code": [], "reason": []})
        rejected = pd.DataFrame(rejected.drop(columns=[c for c in ("geometry",) if c in rejected.columns]))
        dest = frame_to_sink(rejected, self, parameters, "REJECTED", context, geometry=False)
        if dest is not None:
            results["REJECTED"] = dest
        if len(rejected):
            feedback.pushWarning(f"{len(rejected)} feature(s) set aside, see the rejected table:")
            for row in rejected.head(20).itertuples():
                feedback.pushWarning(f"  [{row.layer}] {row.feature_id}: {row.reason}")
        lines = list(run["summary"]) + list(run["notes"])
        for line in lines:
            feedback.pushInfo(str(line))
        items = [(k, str(v)) for k, v in run["metadata"].items()]
        items += [("summary", str(s)) for s in run["summary"]] + [("note", str(n)) for n in run["notes"]]
        summary = pd.DataFrame({"item": [k for k, _ in items], "value": [v for _, v in items]})
        dest = frame_to_sink(summary, self, parameters, "SUMMARY", context, geometry=False)
        if dest is not None:
            results["SUMMARY"] = dest
        results["SUMMARY_TEXT"] = "\n".join(map(str, lines))
        results["REJECTED_COUNT"] = len(rejected)
        return results


def _save_source(source, request, path: str, context) -> str:
    """A feature source as a GeoPackage for the child process (written by QGIS's own GDAL)."""
    layer = source.materialize(request) if hasattr(source, "materialize") else None
    if layer is None:
        raise QgsProcessingException(f"cannot copy {path}")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.fileEncoding = "UTF-8"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(layer, path, context.transformContext(), options)
    if error[0] != QgsVectorFileWriter.NoError:
        raise QgsProcessingException(f"cannot write {path}: {error[1]}")
    return path


def _read_gpkg_layer(gpkg: str, name: str):
    """A layer of the child's GeoPackage, read by QGIS, as a GeoDataFrame (or DataFrame for tables)."""
    import pandas as pd

    from .convert import source_to_frame

    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    if not layer.isValid():
        return None
    frame = source_to_frame(layer, name)
    if not layer.isSpatial():
        frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return frame


def python_executable() -> str:
    """The Python interpreter of the running QGIS (sys.executable is QGIS itself when embedded)."""
    if os.path.basename(sys.executable).lower().startswith("python"):
        return sys.executable
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [os.path.join(sys.prefix, "python.exe"), os.path.join(sys.prefix, "bin", f"python{version}"),
                  os.path.join(sys.prefix, "bin", "python3"), os.path.join(sys.exec_prefix, "bin", "python3")]
    for candidate in candidates:
        if os.path.exists(candidate):
            return candidate
    raise QgsProcessingException("cannot find QGIS's Python interpreter to run the raster audit\n\n" + install_help())


def run_worker(job_path: str, feedback) -> dict:
    """Run :mod:`.worker` on a job file in a child Python; relay its progress; return its answer."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    env.pop("PYTHONHOME", None)
    worker = os.path.join(HERE, "worker.py")
    proc = subprocess.Popen([python_executable(), worker, job_path], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env)
    answer = None
    for line in proc.stdout:
        if feedback.isCanceled():
            proc.kill()
            raise QgsProcessingException(tr("cancelled"))
        try:
            message = json.loads(line)
        except ValueError:
            feedback.pushInfo(line.rstrip())
            continue
        if "progress" in message:
            feedback.setProgressText(message.get("message", ""))
            feedback.setProgress(100.0 * float(message["progress"]))
        else:
            answer = message
    stderr = proc.stderr.read()
    proc.wait()
    if answer is None:
        raise QgsProcessingException(f"redline's worker stopped without an answer (exit {proc.returncode}):\n{stderr}")
    return answer
