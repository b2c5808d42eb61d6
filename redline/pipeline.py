"""One run: read the layers, validate them together, run every audit they allow, write the results.

This is the only place that ties I/O to the audits; the CLI, the demo, the QGIS plugin's
"run all" and the report call it. Audits themselves stay pure functions of GeoDataFrames.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Unpack

import geopandas as gpd
import numpy as np
import pandas as pd

from ._frames import map_distinct
from .area import AreaMethod, method_label
from .audit_date import as_of_warnings, to_date
from .crs import WorkingCRS
from .io import LedgerSheet, read_layer_with_info, write_layers, write_ledger
from .io.ledger import NOT_GIVEN, LedgerColumn, ledger_heading
from .io.vector import is_database_url
from .options import RunKeywords, RunOptions, resolve_params, unread_params
from .registry import all_specs, in_dependency_order
from .result import AuditLog
from .rules import STATUS_ZH, RuleSet, resolve_rules
from .schema import LayerSchema
from .spec import AuditSpec, OutputSpec, RunContext, output_aliases
from .validate import prepare_layers
from .zh_text import to_zh

log = logging.getLogger("redline")

RESULTS_GPKG = "redline_results.gpkg"
LEDGER_XLSX = "redline_ledger.xlsx"

__all__ = ["LEDGER_XLSX", "RESULTS_GPKG", "RunOptions", "RunResult", "parse_source", "run_audits", "run_options",
           "to_date", "write_geopackage"]


def parse_source(text) -> tuple[Any, str | None]:
    """``"file.gpkg:layer"`` -> (path, layer); a plain path or URL -> (path, None)."""
    if not isinstance(text, str | os.PathLike) or isinstance(text, gpd.GeoDataFrame):
        return text, None
    s = os.fspath(text)
    if is_database_url(s) or Path(s).exists():
        return s, None
    head, sep, tail = s.rpartition(":")
    if sep and head and Path(head).exists():
        return head, tail
    return s, None


@dataclass
class RunResult:
    """What a run produced: every output frame, the rejected features, notes and the files written."""

    outputs: dict[str, gpd.GeoDataFrame | pd.DataFrame]
    rejected: pd.DataFrame
    notes: list[str]
    working: WorkingCRS
    rules: RuleSet
    as_of: dt.date
    area_method: AreaMethod
    specs: list[AuditSpec]
    paths: dict[str, str] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    run_id: str = ""  # set when the results are written: stamped in every file of the set
    #: audit id -> the rule keys it read in this run (see :meth:`redline.rules.RuleSet.recording`)
    rules_read: dict[str, frozenset[str]] = field(default_factory=dict)
    #: the run's log: what the audits reported besides their frames (its ``facts`` per audit id)
    log: AuditLog = field(default_factory=AuditLog)
    #: the round recorded in the case register (``register=``), if any: a :class:`redline.register.RoundReport`
    round: Any = None
    #: the area audited and the authority that audited it (``jurisdiction=``, ``bureau=``), for title blocks
    jurisdiction: str | None = None
    bureau: str | None = None
    #: seconds spent in each phase of the run, in order: read, validate, ``audit <id>`` for each audit,
    #: register, gpkg, ledger, report (logged at INFO level as each ends: ``redline audit -v`` prints them); when a
    #: helper process wrote the GeoPackage while the ledger was made, ``write`` is the wall time of the two (gpkg
    #: and ledger overlap within it)
    timings: dict[str, float] = field(default_factory=dict)
    #: what a helper process writing a file of the set measured (:class:`redline.io.beside.Beside`), per file kind
    helper: dict[str, dict[str, Any]] = field(default_factory=dict)

    def metadata(self) -> dict[str, str]:
        return {
            **({"run_id": self.run_id} if self.run_id else {}),
            "redline_version": _version(),
            "as_of": self.as_of.isoformat(),
            "rules": self.rules.label,
            "rules_chain": " <- ".join((*self.rules.chain, self.rules.label)),
            "working_crs": str(self.working),
            "area_method": method_label(self.area_method),
            "audits": ", ".join(s.id for s in self.specs),
            "rejected_features": str(len(self.rejected)),
            **({"jurisdiction": self.jurisdiction} if self.jurisdiction else {}),
            **({"bureau": self.bureau} if self.bureau else {}),
            # the case-register round this run was recorded as: `redline report --from` reads it back from there
            **({"register": _register_where(self.round.where), "register_round": str(self.round.round_id)}
               if self.round is not None else {}),
            # the phases timed so far (the GeoPackage is written before its own and the ledger's time is known)
            **({"timings": "; ".join(f"{k} {v:.2f} s" for k, v in self.timings.items())} if self.timings else {}),
        }


def _timed(timings: dict[str, float], name: str, start: float) -> float:
    """Record phase ``name`` as ended now (it began at ``start``), log it, and return now."""
    now = time.perf_counter()
    timings[name] = timings.get(name, 0.0) + now - start
    log.info("timing %s: %.2f s", name, now - start)
    return now


def _register_where(where: str) -> str:
    """Where a register is, so that another folder finds it: a GeoPackage's absolute path, a URL as it is."""
    from .io.vector import is_database_url

    return where if is_database_url(where) else str(Path(where).resolve())


def _version() -> str:
    from . import __version__

    return __version__


def run_options(options: RunOptions | None = None, keywords: Mapping[str, Any] | None = None) -> RunOptions:
    """``options`` with ``keywords`` (run_audits' keyword arguments) applied; an unknown keyword is a TypeError."""
    if options is not None and not isinstance(options, RunOptions):
        raise TypeError(f"options must be a RunOptions, not {type(options).__name__} (the output folder is out=...)")
    try:
        return RunOptions.from_mapping(keywords or {}, base=options)
    except ValueError as exc:
        if str(exc).startswith("unknown run option"):
            raise TypeError(f"run_audits: {exc}") from None
        raise


def run_audits(sources: Mapping[str, Any], options: RunOptions | None = None, *,
               out: str | os.PathLike[str] | None = None, progress: Callable[[str, float], None] | None = None,
               **keywords: Unpack[RunKeywords]) -> RunResult:
    """Run the audits the given layers allow, and write the results when ``out`` is given.

    Parameters
    ----------
    sources : mapping
        Input name -> source: a path, ``"file.gpkg:layer"``, a PostGIS URL or a GeoDataFrame. Names are
        the audits' input names: ``approvals``, ``supplies``, ``buildings``, ``parcels``, ``farmland``,
        ``growth_boundary``, ``eco_redline``, ``landuse``, ``admin``, ...
    options : RunOptions, optional
        What the run is asked for (:class:`redline.options.RunOptions`); the keyword arguments below
        are the same options one by one, and given with ``options`` they replace its values.
    out : path, optional
        Output folder: ``redline_results.gpkg`` (one layer per finding, plus ``rejected`` and ``redline_run``)
        and ``redline_ledger.xlsx`` (台账) are written there as one set (see :func:`write_results`).
    progress : callable, optional
        ``progress(message, fraction)``, called as the run goes.
    audits : iterable of str, optional
        Audit ids to run; by default every audit whose required inputs are present.
    as_of : date or str, optional
        The date the audit is made at (default today).
    rules : RuleSet, name or path, optional
        The rule set (default ``cn-national``).
    crs : optional
        The working CRS (default: the CGCS2000 3-degree zone nearest the data).
    area_method : {"ellipsoidal", "planar"}
    strict : bool
        Reject rather than repair invalid geometries; any feature problem stops the run.
    fields, encodings : mapping, optional
        Per input: a field mapping ``{canonical: column}``, an attribute encoding.
    params : mapping, optional
        Extra audit parameters by name (e.g. ``{"gdp": table}``), converted by the types the audits'
        :class:`~redline.spec.ParamSpec` declare (a ``table`` parameter may be a CSV/XLSX path or a DataFrame).
    ledger, with_report : bool
        Write the ledger (default) and the HTML report ``redline_report.html`` (titled ``report_title``)
        into ``out``, in the same set as the GeoPackage.
    assign_crs : mapping, optional
        Per input: the CRS of a layer that declares none (``{"approvals": "EPSG:4547"}``); see
        :func:`redline.io.read_layer`. ``replace_crs=True`` also replaces a declared CRS (a wrong .prj).

    An audit date after today, or before every date in the data, is a warning (logged and in the notes).
    """
    opts = run_options(options, keywords)
    audits, as_of, rules, crs, area_method = opts.audits, opts.as_of, opts.rules, opts.crs, opts.area_method
    strict, fields, encodings, params, lang = opts.strict, opts.fields, opts.encodings, opts.params, opts.lang
    ledger, with_report, report_title = opts.ledger, opts.with_report, opts.report_title
    report_templates = opts.report_templates
    assign_crs, replace_crs = opts.assign_crs, opts.replace_crs
    from .area import check_area_method

    check_area_method(area_method)
    as_of = to_date(as_of)
    ruleset = resolve_rules(rules)
    register = None
    if opts.register is not None:  # opened first: a register that is not there stops the run before the work
        from .register import open_register

        register = open_register(opts.register)
        register.check_as_of(as_of)
    specs = all_specs()
    if audits is not None:
        wanted = list(audits)
        unknown = [a for a in wanted if a not in {s.id for s in specs}]
        if unknown:
            raise ValueError(f"unknown audit(s): {', '.join(unknown)}; known: {', '.join(s.id for s in specs)}")
        specs = [s for s in specs if s.id in wanted]
    kinds: dict[str, str] = {}
    for spec in specs:
        for inp in spec.inputs:
            kinds.setdefault(inp.name, inp.kind)
    unknown_inputs = [n for n in sources if n not in kinds]
    if unknown_inputs:
        raise ValueError(f"no audit reads input(s) {', '.join(unknown_inputs)}; inputs: {', '.join(sorted(kinds))}")
    report = progress or (lambda msg, frac: None)
    raw: dict[str, gpd.GeoDataFrame] = {}
    rasters: dict[str, Any] = {}
    read_notes: list[str] = []
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    for name, src in sources.items():
        if src is None:
            continue
        if kinds[name] == "raster":  # rasters are read block by block by the audit itself
            path = os.fspath(src) if isinstance(src, str | os.PathLike) else src
            if isinstance(path, str) and not Path(path).exists():
                from .errors import RedlineIOError

                raise RedlineIOError(f"[{name}] raster not found: {path}")
            rasters[name] = path
            continue
        report(f"reading {name}", 0.0)
        path, layer = parse_source(src)
        gdf, info = read_layer_with_info(path, layer, encoding=(encodings or {}).get(name), name=name,
                                         crs=(assign_crs or {}).get(name), replace_crs=replace_crs)
        if info.encoding:
            read_notes.append(f"[{name}] attribute encoding: {info.encoding}")
        if info.crs_assigned:
            read_notes.append(f"[{name}] CRS assigned by the user: {info.crs_assigned}")
        raw[name] = gdf
    clock = _timed(timings, "read", clock)
    # A spec's outputs can be a later spec's inputs (change patches -> judged register) or be used by it
    # (the 批而未供 overlay -> 供地率): such a spec runs after the one making them, and is handed them.
    specs = in_dependency_order(specs)
    available = set(raw) | set(rasters)
    runnable = []
    left_out: list[str] = []
    for s in specs:
        if s.can_run(available, named=audits is not None):
            lacking = [p for p in s.params if p.required and (params or {}).get(p.name) is None]
            if audits is None and lacking:  # chosen by its inputs, but it cannot run without these: say so
                left_out.append(f"[{s.id}] {s.label_zh} not run: its inputs are given but it needs "
                                + ", ".join(f"{p.name} ({p.label_zh or p.label_en})" for p in lacking)
                                + " -- fix: give " + " ".join(f"--param {p.name}=…" for p in lacking)
                                + ", or run it on its own with them (in QGIS: its own algorithm)")
                continue
            runnable.append(s)
            available |= {o.name for o in s.outputs}
    if audits is not None:
        missing = [s for s in specs if s not in runnable]
        if missing:
            need = {i.name for s in missing for i in s.needed(named=True)} - set(raw) or {
                "one of " + "/".join(i.name for i in s.inputs) for s in missing}  # all inputs optional
            raise ValueError(f"audit(s) {', '.join(s.id for s in missing)} need input(s): {', '.join(sorted(need))}")
    if not runnable and left_out:
        raise ValueError("; ".join(left_out))
    if not runnable:
        raise ValueError("the inputs given allow no audit: give at least approvals and supplies, supplies, "
                         "parcels and buildings, farmland and a growth boundary, or land use and admin units")
    params = resolve_params(runnable, params)  # typed by the specs: tables read, class lists parsed
    report("validating layers", 0.05)
    clock = time.perf_counter()
    if raw:
        prepared = prepare_layers({n: (g, _validated_as(n, kinds[n], runnable), (fields or {}).get(n))
                                   for n, g in raw.items()}, crs=crs, strict=strict)
    else:  # rasters only: the imagery audits work in the rasters' own grid
        from .crs import WorkingCRS
        from .validate import Prepared

        prepared = Prepared({}, WorkingCRS(None, "rasters only: areas in the rasters' own grid"))
    clock = _timed(timings, "validate", clock)
    run_warnings = left_out + as_of_warnings(as_of, {n: (g, kinds[n]) for n, g in prepared.layers.items()})
    for what, given in (("fields", fields), ("encodings", encodings), ("assign_crs", assign_crs)):
        stray = sorted(set(given or {}) - {n for n, src in sources.items() if src is not None})
        if stray:  # a per-input option for no input of this run would change nothing: say so
            run_warnings.append(f"{what} given for {', '.join(stray)}, which this run does not read: ignored "
                                f"(its inputs: {', '.join(sorted(raw) + sorted(rasters))})")
    unread = unread_params(runnable, params)
    if unread:
        run_warnings.append(f"parameter(s) {', '.join(unread)} given for audits this run does not run: ignored "
                            f"(it runs: {', '.join(s.id for s in runnable)})")
    for note in run_warnings:
        log.warning("%s", note)
    ctx = RunContext(as_of=as_of, rules=ruleset, area_method=area_method, crs=prepared.working, strict=strict,
                     progress=progress, backend=opts.backend)
    outputs: dict[str, Any] = {}
    summary: list[str] = []
    rules_read: dict[str, frozenset[str]] = {}
    for k, spec in enumerate(runnable):
        report(f"{spec.label_zh} {spec.label_en}", 0.1 + 0.8 * k / len(runnable))
        layers = {}
        for i in spec.inputs:
            if i.name in rasters:
                layers[i.name] = rasters[i.name]
            elif i.name in prepared.layers:
                layers[i.name] = prepared.layers[i.name]
            elif i.name in outputs:  # made earlier in this run
                layers[i.name] = outputs[i.name]
            else:
                layers[i.name] = None
        layers.update({name: outputs[name] for name in spec.uses if name in outputs})
        clock = time.perf_counter()
        with ruleset.recording() as read:
            produced = spec.run(layers, params, ctx)
        _timed(timings, f"audit {spec.id}", clock)
        rules_read[spec.id] = frozenset(read)
        outputs.update(produced)
        if spec.summary_with_log is not None:
            summary += spec.summary_with_log(produced, ctx.log)
        elif spec.summary is not None:
            summary += spec.summary(produced)
    rejected = prepared.rejected
    if ctx.log.rejected:  # features an audit set aside itself (in a layer made earlier in the run)
        rejected = pd.concat([rejected, ctx.log.rejected_frame()], ignore_index=True).drop_duplicates(
            subset=["layer", "feature_id", "code"], ignore_index=True)
    result = RunResult(outputs=outputs, rejected=rejected,
                       notes=run_warnings + read_notes + [f"working CRS: {prepared.working}"] + prepared.note_lines()
                       + list(ctx.log.notes),
                       working=prepared.working, rules=ruleset, as_of=as_of, area_method=area_method, specs=runnable,
                       summary=summary, layers=prepared.layers, rules_read=rules_read, log=ctx.log,
                       jurisdiction=opts.jurisdiction, bureau=opts.bureau, timings=timings)
    if register is not None:
        report("recording the round in the case register", 0.92)
        clock = time.perf_counter()
        result.round = register.record_round(result, sources=sources)
        _timed(timings, "register", clock)
        result.summary += result.round.lines()
        result.notes += result.round.notes
    if out is not None:
        report("writing results", 0.95)
        write_results(result, out, inputs=[parse_source(s)[0] for s in sources.values()], lang=lang, ledger=ledger,
                      report=with_report, report_title=report_title, report_templates=report_templates)
    report("done", 1.0)
    return result


def _validated_as(name: str, kind: str, specs: list[AuditSpec]) -> str | LayerSchema:
    """The schema input ``name`` is validated with: only its id field required when every audit of the run
    that reads it reads no more (:class:`~redline.spec.InputSpec` ``ids_only``), else its kind's."""
    readers = [i for s in specs for i in s.inputs if i.name == name]
    if readers and all(i.ids_only for i in readers):
        from .schema import ids_only

        return ids_only(kind)
    return kind


def write_results(result: RunResult, out, *, inputs=(), lang: str = "zh", ledger: bool = True,
                  report: bool = False, report_title: str | None = None,
                  report_templates: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Write a run's GeoPackage, ledger and (with ``report``) HTML report into folder ``out``, as one set.

    The files are written into a temporary folder beside ``out``, each stamped with the run's id
    (``result.run_id``), and swapped in only when all are written (:class:`redline.io.resultset.ResultSet`):
    ``out`` then holds all the new files or, after any failure, all the old ones as they were; a failure
    is a :class:`~redline.errors.RedlineIOError`. Returns the paths.

    ``out`` may also be a PostGIS URL (``postgresql://...?schema=results``): the layers, ``rejected`` and
    ``redline_run`` are written there in one transaction (no ledger: there is no folder to put it in)."""
    from .errors import RedlineError, RedlineIOError
    from .io.resultset import ResultSet, phase

    if is_database_url(out):
        layers = dict(result.outputs)
        layers["rejected"] = result.rejected
        result.paths["postgis"] = write_layers(layers, out, inputs=inputs, metadata=result.metadata())
        return result.paths
    out = Path(os.fspath(out))
    result.run_id = ""
    names = {"gpkg": RESULTS_GPKG, **({"ledger": LEDGER_XLSX} if ledger else {})}
    if report:
        from .report import REPORT_HTML

        names["report"] = REPORT_HTML
    try:
        with ResultSet(out, inputs=inputs) as rs:
            result.run_id = rs.run_id
            result.notes += [f"{out}: {line}" for line in rs.recovered]
            _write_set(result, rs, lang=lang, ledger=ledger, report=report, report_title=report_title,
                       report_templates=report_templates,
                       inputs=inputs, phase=phase)
    except (RedlineError, KeyboardInterrupt):
        result.run_id = ""
        raise
    except Exception as exc:  # any writer's failure is a write failure (exit code 4), the old set kept
        result.run_id = ""
        raise RedlineIOError(f"cannot write the results into {out}: {type(exc).__name__}: {exc}; the previous "
                             "results there are left as they were") from exc
    for kind, name in names.items():
        result.paths[kind] = str(out / name)
    if rs.removed:
        result.notes.append(f"removed from {out}: {', '.join(rs.removed)} (it described the replaced results)")
    return result.paths


#: the ``rejected`` layer's columns: (Chinese alias, English description)
_REJECTED_ALIASES = {"layer": ("图层", "Input layer"), "feature_id": ("要素编号", "Feature id"),
                     "code": ("问题代码", "Problem code"), "reason": ("原因", "Reason")}


def _aliases(result: RunResult) -> dict[str, dict[str, tuple[str, str]]]:
    """The GeoPackage field aliases of a run's layers, from the outputs' declared columns."""
    found = {o.name: output_aliases(spec, o) for spec in result.specs for o in spec.outputs
             if o.name in result.outputs}
    found["rejected"] = dict(_REJECTED_ALIASES)
    return found


def write_geopackage(result: RunResult, dest: str | os.PathLike[str], *, inputs: Iterable[Any] = (),
                     layer_names: Mapping[str, str] | None = None,
                     metadata: Mapping[str, str] | None = None) -> str:
    """A run's layers, its ``rejected`` features and ``redline_run`` (its metadata) in one GeoPackage ``dest``.

    The file is written whole or not at all (:func:`redline.io.write_layers`) but on its own, outside a
    result set: the set files of the folder (:mod:`redline.io.resultset`) are left as they are, so
    ``redline changes`` can write ``redline_changes.gpkg`` beside the results of ``redline audit``.
    ``layer_names`` renames layers (output name -> layer name); ``metadata`` adds rows to ``redline_run``.
    Each map layer's QGIS style (:func:`redline.styles.result_styles`) is its default in ``layer_styles``.
    Returns where the file was written."""
    names = dict(layer_names or {})
    layers = {names.get(n, n): frame for n, frame in result.outputs.items()}
    layers["rejected"] = result.rejected
    aliases = {names.get(n, n): found for n, found in _aliases(result).items()}
    from .styles import result_styles

    return write_layers(layers, dest, inputs=inputs, metadata={**result.metadata(), **(metadata or {})},
                        aliases=aliases, styles=result_styles(result, aliases=aliases, layer_names=names))


def _write_set(result: RunResult, rs, *, lang, ledger, report, report_title, inputs, phase,
               report_templates=None) -> None:
    """The set's files. With a ledger or report to write, the GeoPackage is written by a helper process meanwhile
    (:class:`redline.io.beside.Beside`; here, one after the other, where that is not safe): ``timings`` then hold
    each file's own time and ``write``, the wall time of the files written at once."""
    from .io.beside import Beside

    start = clock = time.perf_counter()
    gpkg = rs.path(RESULTS_GPKG)

    def write_gpkg() -> None:
        write_geopackage(result, gpkg, inputs=inputs)

    # a helper only when there is something to write meanwhile
    beside = Beside.start(write_gpkg, RESULTS_GPKG, fork=bool(ledger or report))
    if not beside.running:  # written here already: the order and the times as one after the other
        clock = _timed(result.timings, "gpkg", clock)
        phase("gpkg")
    else:
        result.timings["gpkg"] = 0.0  # its place among the phases; its time once the helper is done
    try:
        if ledger:
            sheets, info = ledger_sheets(result, lang)
            write_ledger(sheets, rs.path(LEDGER_XLSX), inputs=inputs, info=info, run_id=result.run_id,
                         heading=ledger_heading(result.metadata(), lang=lang), lang=lang)
            clock = _timed(result.timings, "ledger", clock)
            phase("ledger")
        if report:
            from .report import REPORT_HTML, build

            build(result, rs.path(REPORT_HTML), lang=lang, title=report_title, in_set=True,
                  templates=report_templates)
            clock = _timed(result.timings, "report", clock)
            phase("report")
    except BaseException:
        beside.cancel()
        raise
    if beside.running:
        done = beside.wait()
        result.timings["gpkg"] = done["seconds"]
        result.helper = {"gpkg": done}
        log.info("timing gpkg: %.2f s (a helper process, beside the ledger)", done["seconds"])
        _timed(result.timings, "write", start)
        phase("gpkg")


def _finding_sheets(o: OutputSpec, frame: pd.DataFrame, lang: str) -> list[LedgerSheet]:
    """An output's sheets: its findings alone, then (when some rows are not findings) every row on a sheet
    of its own, ``<title>（全部）``.

    The findings are the rows the case register counts (:func:`redline.register.cases.finding_mask`: a
    counted status and the ``CaseSpec.where`` values), most serious status first (the order the spec declares
    its statuses: 闲置满两年 before 闲置, 警示 before 已逾期 and 即将到期). An output that holds no cases is one
    sheet, as it is."""
    zh = lang == "zh"
    cols = o.ledger_columns(lang)

    def sheet(title: str, rows: pd.DataFrame, note: str) -> LedgerSheet:
        return LedgerSheet(title, rows, cols, note=note, status_column=o.status_column,
                           status_colours=o.status_colours, status_separator=o.status_separator)

    description = o.description if zh else (o.description_en or o.description)
    if o.case is None:
        return [sheet(o.sheet_title(lang), frame, description)]
    from .register.cases import finding_mask

    mask = finding_mask(frame, o)
    rows = np.flatnonzero(np.asarray(mask, dtype=bool))
    if o.status_column and o.status_column in frame.columns:
        rank = {code: i for i, code in enumerate(o.status_codes)}
        order = map_distinct(frame[o.status_column].iloc[rows],
                             lambda v: rank.get(o.row_codes(v)[0], len(rank)))
        rows = rows[np.argsort(order.to_numpy(dtype=np.int64), kind="stable")]
    found = frame.take(rows)  # the findings in that order, copied once
    if len(found) == len(frame):
        return [sheet(o.sheet_title(lang), found, description)]
    title = o.sheet_title(lang)
    everything = f"{title[:27]}（全部）" if zh else f"{title[:25]} (all)"
    what = [s.label(lang) for s in o.statuses if s.code in o.counted]
    if zh:
        only = (f"本表仅列认定的{len(found)}条（共{len(frame)}条"
                + (f"；认定：{'、'.join(what)}" if what else "") + f"），全部记录见「{everything}」表。")
        all_note = f"全部{len(frame)}条记录，其中{len(found)}条认定见「{title}」表。"
    else:
        only = (f"Findings only: {len(found)} of {len(frame)} rows" + (f" ({', '.join(what)})" if what else "")
                + f"; every row is on the sheet '{everything}'.")
        all_note = f"All {len(frame)} rows; the {len(found)} findings are on the sheet '{title}'."
    return [sheet(title, found, f"{description} {only}".strip()),
            sheet(everything, frame, f"{description} {all_note}".strip())]


def ledger_sheets(result: RunResult, lang: str = "zh") -> tuple[list[LedgerSheet], dict[str, str]]:
    """A run's ledger: the sheets (the findings of each output, the full registers, 剔除要素, 规则 and the
    case register's round) and the 说明 sheet's items, in Chinese (``lang="zh"``) or English."""
    zh = lang == "zh"
    sheets: list[LedgerSheet] = []
    for spec in result.specs:
        for o in spec.outputs:
            if o.name in result.outputs and o.ledger_columns(lang):
                frame = result.outputs[o.name]
                sheets += _finding_sheets(o, _zh_rules(frame, o, result.rules) if zh else frame, lang)
    sheets.append(LedgerSheet("剔除要素" if zh else "rejected", result.rejected, [
        LedgerColumn("layer", "图层" if zh else "layer"),
        LedgerColumn("feature_id", "要素编号" if zh else "feature id"),
        LedgerColumn("code", "问题代码" if zh else "code"),
        LedgerColumn("reason", "原因" if zh else "reason")]))
    sheets.append(rules_sheet(result.rules, lang))
    if result.round is not None:
        from .register.views import ledger_sheets as round_sheets

        sheets[-2:-2] = round_sheets(result.round, lang)
    md = result.metadata()
    if zh:
        info = {"审计基准日": md["as_of"], "规则集": md["rules"], "行政区": md.get("jurisdiction") or NOT_GIVEN["zh"],
                "填报单位": md.get("bureau") or NOT_GIVEN["zh"], "工作坐标系": to_zh(str(result.working)),
                "面积算法": to_zh(md["area_method"]), "剔除要素": str(len(result.rejected)), "redline 版本": _version()}
        if result.round is not None:
            info["案件台账"] = f"{result.round.where}，第{result.round.round_id}轮"
        info.update({f"说明 {i + 1}": to_zh(n, result.rules) for i, n in enumerate(result.notes)})
    else:
        info = {"as of": md["as_of"], "rule set": md["rules"], "jurisdiction": md.get("jurisdiction") or NOT_GIVEN["en"],
                "bureau": md.get("bureau") or NOT_GIVEN["en"], "working CRS": str(result.working),
                "area method": md["area_method"], "rejected features": str(len(result.rejected)),
                "redline": _version()}
        if result.round is not None:
            info["case register"] = f"{result.round.where}, round {result.round.round_id}"
        info.update({f"note {i + 1}": n for i, n in enumerate(result.notes)})
    return sheets, info


#: a threshold's status (:data:`redline.rules.STATUSES`) in the Chinese ledger
RULE_STATUS_ZH = STATUS_ZH


def zh_rule_text(text: Any, rules: RuleSet | None = None) -> Any:
    """A rule citation for the Chinese ledger. With the run's ``rules``, every citation of one of its thresholds
    is given its Chinese unit, status and source (:meth:`RuleSet.citations_zh`: ``source_zh``, or the source
    marked （无中文说明）) and the method text its Chinese form (:func:`redline.zh_text.to_zh`); a status left over (a citation of another rule set) is said in Chinese
    (``(national: 《闲置土地处置办法》第十四条…)`` -> ``（国家规定：《闲置土地处置办法》第十四条…)``).

    >>> zh_rule_text("cn-national@2026.1 idle.fee_rate=0.2 (national: 《闲置土地处置办法》第十四条)")
    'cn-national@2026.1 idle.fee_rate=0.2（国家规定：《闲置土地处置办法》第十四条)'
    """
    if not isinstance(text, str):
        return text
    if rules is not None:
        text = to_zh(text, rules)
    for code, label in RULE_STATUS_ZH.items():
        text = text.replace(f" ({code}: ", f"（{label}：").replace(f"({code}: ", f"（{label}：")
    return text


def _zh_rules(frame: pd.DataFrame, o: OutputSpec, rules: RuleSet | None = None) -> pd.DataFrame:
    """The output's rule columns (role ``rule``) with :func:`zh_rule_text`, for the Chinese ledger."""
    rule_cols = [c.name for c in o.columns if c.role == "rule" and c.ledger and c.name in frame.columns]
    if not rule_cols:
        return frame
    # the other columns shared with the output, not copied (a province's outputs are held for the whole ledger)
    return frame.assign(**{name: map_distinct(frame[name], lambda v: zh_rule_text(v, rules)) for name in rule_cols})


def rules_sheet(rules, lang: str = "zh") -> LedgerSheet:
    """The 规则 sheet: every threshold of the rule set, its value, unit, status (in Chinese for ``lang="zh"``)
    and source."""
    zh = lang == "zh"
    frame = pd.DataFrame(rules.to_records(), columns=["key", "value", "unit", "status", "source", "value_zh",
                                                      "unit_zh", "source_zh"])
    if zh:
        frame["status"] = frame["status"].map(lambda s: RULE_STATUS_ZH.get(s, s))
        frame["value"], frame["unit"], frame["source"] = frame["value_zh"], frame["unit_zh"], frame["source_zh"]
    return LedgerSheet("规则" if zh else "rules", frame, [
        LedgerColumn("key", "规则项" if zh else "key"), LedgerColumn("value", "取值" if zh else "value"),
        LedgerColumn("unit", "单位" if zh else "unit"), LedgerColumn("status", "性质" if zh else "status"),
        LedgerColumn("source", "依据" if zh else "source")])
