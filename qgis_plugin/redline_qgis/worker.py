"""redline's side of the plugin: runs in redline's own Python, never in QGIS's (this file never imports qgis).

QGIS's Python keeps the packages QGIS was built with (Debian 12: numpy 1.24, attrs 22.2, GDAL 3.6);
redline needs newer ones (numpy 2, affine 3, wheels bundling their own GDAL and PROJ). Putting both in
one interpreter breaks one of them, so the plugin never imports redline: it starts this file with
redline's interpreter (see ``environment.py``) and talks to it in JSON lines on stdout.

    python worker.py catalogue        # every audit as a catalogue entry (what the plugin shows)
    python worker.py run JOB.json     # run one audit on the job's sources; progress lines, then the answer
    python worker.py check REGISTER AS_OF   # check a case register's disposal entries (Register.check)

A job whose ``audit`` is null runs every audit its sources allow; a job with ``register`` records the run
as the next round of that case register (a ``.gpkg`` made first when it is not there, and the answer says so).

``REDLINE_EXTRA_SPECS=/path/module.py:NAME`` adds a spec that is not in redline's registry (the plugin's
tests register a test-only audit this way).
"""

from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _emit(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def _extra_specs() -> list:
    """Specs named by ``REDLINE_EXTRA_SPECS`` (``path.py:NAME``, several separated by commas)."""
    import importlib.util

    out = []
    for item in filter(None, os.environ.get("REDLINE_EXTRA_SPECS", "").split(",")):
        path, _, name = item.rpartition(":")
        module_spec = importlib.util.spec_from_file_location(f"redline_extra_{len(out)}", path)
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
        out.append(getattr(module, name))
    return out


def _specs() -> list:
    from redline.registry import all_specs

    return [*all_specs(), *_extra_specs()]


def catalogue() -> int:
    sys.path.insert(0, HERE)
    from catalogue import build_catalogue

    import redline

    _emit({"ok": True, "python": sys.executable, **build_catalogue(_specs(), redline.__version__)})
    return 0


def _read_source(name: str, source, encodings: dict):
    """A job source: a path or ``{"path", "layer", "fids"}`` (a file layer, maybe a selection of it).

    The attribute encoding of a layer read here is put into ``encodings`` under ``name``."""
    if not isinstance(source, dict):
        return source
    from redline.io.vector import read_layer_with_info

    frame, info = read_layer_with_info(source["path"], source.get("layer"), name=name)
    encodings[name] = info.encoding
    fids = source.get("fids")
    if fids is not None:
        import numpy as np
        import pyogrio

        order = pyogrio.read_dataframe(source["path"], layer=source.get("layer"), read_geometry=False, columns=[],
                                       fid_as_index=True).index.to_numpy()
        keep = np.isin(order, np.asarray(fids, dtype=order.dtype))
        frame = frame.iloc[np.flatnonzero(keep)].reset_index(drop=True)
    return frame


#: the keys of a job file that are not run options: what to read, where to write, which audit
JOB_KEYS = ("sources", "out", "audit")


def job_options(job: dict):
    """The job's run options (:meth:`redline.options.RunOptions.from_mapping`: an unknown key is an error);
    the plugin runs one audit (``audit`` null: every audit the sources allow) and writes no ledger."""
    from redline.options import RunOptions

    missing = [k for k in JOB_KEYS if k not in job]
    if missing:
        raise ValueError(f"the job file lacks {', '.join(missing)}")
    given = {k: v for k, v in job.items() if k not in JOB_KEYS}
    audits = None if job["audit"] is None else [job["audit"]]
    return RunOptions.from_mapping({"ledger": False, **given, "audits": audits})


def _prepare_register(path) -> bool:
    """Make the register at ``path`` when there is none (True: it was made now)."""
    if path is None or os.path.exists(path) or str(path).startswith("postgresql:"):
        return False
    from redline.register import init_register

    init_register(path)
    return True


def _round(report, created: bool, where: str) -> dict:
    """The answer's account of the recorded round."""
    trend = report.trend
    last = trend[trend["round_id"] == report.round_id] if len(trend) else trend
    return {"round_id": int(report.round_id), "as_of": str(report.as_of), "created": created, "where": where,
            "lines": report.lines(), "notes": list(report.notes), "alerts": int(len(report.alerts)),
            "open": {str(r.output): int(r.open) for r in last.itertuples()}}


#: the pipeline's own progress messages (redline.pipeline.run_audits) -> the stage the plugin shows
PIPELINE_STAGES = {"validating layers": "validate", "recording the round in the case register": "register",
                   "writing results": "write", "done": "done"}


def stage_of(message: str, specs) -> dict:
    """What a progress message of ``run_audits`` reports, for the plugin to say in its own language:
    ``{"stage": "read", "input", "label_zh", "label_en"}``, ``{"stage": "audit", "audit", "label_zh",
    "label_en"}``, ``validate``, ``register``, ``write``, ``done``; anything else an audit says while it
    runs is ``{"stage": "step"}`` (shown as it is)."""
    if message in PIPELINE_STAGES:
        return {"stage": PIPELINE_STAGES[message]}
    if message.startswith("reading "):
        name = message[len("reading "):]
        inp = next((i for s in specs for i in s.inputs if i.name == name), None)
        return {"stage": "read", "input": name, "label_zh": inp.label_zh if inp else name,
                "label_en": inp.label_en if inp else name}
    for spec in specs:
        if message == f"{spec.label_zh} {spec.label_en}":
            return {"stage": "audit", "audit": spec.id, "label_zh": spec.label_zh, "label_en": spec.label_en}
    return {"stage": "step"}


def _progress(specs):
    def report(message: str, fraction: float) -> None:
        _emit({"progress": fraction, "message": message, **stage_of(message, specs)})

    return report


def run(job_path: str) -> int:
    with open(job_path, encoding="utf-8") as fh:
        job = json.load(fh)
    try:
        import redline.pipeline as pipeline
        from redline.errors import RedlineError
    except Exception as exc:
        _emit({"ok": False, "error": f"redline cannot be imported in {sys.executable}: {exc}"})
        return 1
    extra = _extra_specs()
    if extra:  # test-only audits: the pipeline runs registered ones
        registered = pipeline.all_specs
        pipeline.all_specs = lambda: [*registered(), *extra]
    try:
        options = job_options(job)
        created = _prepare_register(options.register)
        encodings: dict = {}
        sources = {name: _read_source(name, src, encodings) for name, src in job["sources"].items()}
        result = pipeline.run_audits(sources, options, out=job["out"], progress=_progress(pipeline.all_specs()))
    except (RedlineError, ValueError, OSError) as exc:
        _emit({"ok": False, "error": str(exc)})
        return 3
    answer = {"ok": True, "gpkg": result.paths["gpkg"], "outputs": sorted(result.outputs),
              "summary": result.summary, "notes": result.notes, "metadata": result.metadata(),
              "rejected": len(result.rejected), "encodings": {k: v for k, v in encodings.items() if v}}
    if result.round is not None:
        answer["round"] = _round(result.round, created, str(options.register))
    _emit(answer)
    return 0


def check(register: str, as_of: str) -> int:
    """Check the disposal entries of a register (those added in QGIS too): ``Register.check``."""
    import datetime as dt

    try:
        from redline.errors import RedlineError
        from redline.register import open_register
    except Exception as exc:
        _emit({"ok": False, "error": f"redline cannot be imported in {sys.executable}: {exc}"})
        return 1
    try:
        reg = open_register(register)
        problems = reg.check(dt.date.fromisoformat(as_of))
        rounds = reg.rounds()
    except (RedlineError, ValueError, OSError) as exc:
        _emit({"ok": False, "error": str(exc)})
        return 3
    live = rounds[rounds["undone_at"].isna()] if "undone_at" in rounds else rounds
    _emit({"ok": True, "problems": problems, "rounds": int(len(live)), "where": reg.where})
    return 0


def main(argv) -> int:
    if argv[:1] == ["catalogue"]:
        return catalogue()
    if argv[:1] == ["run"] and len(argv) == 2:
        return run(argv[1])
    if argv[:1] == ["check"] and len(argv) == 3:
        return check(argv[1], argv[2])
    if len(argv) == 1 and argv[0].endswith(".json"):  # the earlier form: worker.py JOB.json
        return run(argv[0])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
