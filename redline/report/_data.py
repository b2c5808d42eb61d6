"""What a report is built from: a run's outputs and its record, from memory or from a results GeoPackage."""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from ..errors import RedlineIOError

log = logging.getLogger("redline")

__all__ = ["ReportData", "from_results", "from_run"]


@dataclass
class ReportData:
    """A run as the report sees it (a :class:`redline.pipeline.RunResult`, or one read back from disk)."""

    outputs: dict[str, pd.DataFrame]
    rejected: pd.DataFrame
    notes: list[str]
    meta: dict[str, str]
    rules: Any = None  # RuleSet or None when it cannot be resolved
    specs: list = field(default_factory=list)
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
    source: str = ""
    #: the case-register round the run was recorded as (a :class:`redline.register.RoundReport`), if any; a
    #: results folder read back does not hold it
    round: Any = None
    #: names of the land-cover classes of the classified rasters (class value -> "建设用地" / "construction 建设用地"
    #: / (zh, en)), for the transition matrix and the change patches; unnamed classes show their value
    class_names: dict[Any, Any] = field(default_factory=dict)

    def output_spec(self, name: str) -> tuple[Any, Any]:
        """The (audit spec, output spec) of an output: the run's, else the registered audit's of that name."""
        from ..registry import all_specs

        for spec in [*self.specs, *all_specs()]:
            for out in spec.outputs:
                if out.name == name:
                    return spec, out
        return None, None

    def threshold(self, key: str, default=None, sub=None):
        if self.rules is None:
            return default
        try:
            return self.rules.value(key, sub)
        except Exception:  # a rule set without this key: the report shows what it can
            return default

    def cite(self, key: str) -> str:
        if self.rules is None:
            return ""
        try:
            return self.rules.cite(key)
        except Exception:
            return ""


def from_run(result) -> ReportData:
    """From a :class:`redline.pipeline.RunResult`."""
    meta = result.metadata()
    meta.setdefault("working_crs_name", result.working.name)
    rejected = result.rejected if result.rejected is not None else pd.DataFrame()
    return ReportData(outputs=dict(result.outputs), rejected=rejected, notes=list(result.notes), meta=meta,
                      rules=result.rules, specs=list(result.specs), layers=dict(result.layers or {}),
                      summary=list(result.summary or []), round=getattr(result, "round", None))


def from_results(path) -> ReportData:
    """From a results GeoPackage written by :func:`redline.pipeline.run_audits` (or a folder holding one)."""
    import pyogrio

    from ..pipeline import RESULTS_GPKG
    from ..registry import all_specs
    from ..rules import resolve_rules

    path = Path(os.fspath(path))
    if path.is_dir():
        path = path / RESULTS_GPKG
    if not path.exists():
        raise RedlineIOError(f"no results at {path}: run `redline audit ... --out {path.parent}` first, "
                             "or give the folder that holds redline_results.gpkg")
    if path.name == RESULTS_GPKG:  # one run's set, or refused naming the files of other runs
        from ..io.resultset import verify_set

        verify_set(path.parent)
    try:
        # layer_styles: the layers' QGIS styles (redline.styles), not results
        names = [str(n) for n, _ in pyogrio.list_layers(path) if n != "layer_styles"]
    except Exception as exc:
        raise RedlineIOError(f"cannot read {path}: {exc}") from exc
    frames: dict[str, pd.DataFrame] = {}
    for name in names:
        try:
            frame = pyogrio.read_dataframe(path, layer=name)
        except Exception as exc:
            raise RedlineIOError(f"cannot read layer {name!r} of {path}: {exc}") from exc
        if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.isna().all() and name in ("rejected", "redline_run"):
            frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        frames[name] = frame
    meta_frame = frames.pop("redline_run", None)
    meta: dict[str, str] = {}
    if meta_frame is not None and {"key", "value"} <= set(meta_frame.columns):
        meta = {str(k): str(v) for k, v in zip(meta_frame["key"], meta_frame["value"], strict=True)}
    rejected = frames.pop("rejected", pd.DataFrame(columns=["layer", "feature_id", "code", "reason"]))
    if "geometry" in rejected.columns and not isinstance(rejected, gpd.GeoDataFrame):
        rejected = rejected.drop(columns="geometry")
    audit_ids = [a.strip() for a in meta.get("audits", "").split(",") if a.strip()]
    specs = [s for s in all_specs() if s.id in audit_ids] if audit_ids else []
    rules = None
    label = meta.get("rules", "")
    if label:
        name = label.split("@")[0]
        try:
            rules = resolve_rules(name)
            if rules.label != label:
                log.warning("results were made with rules %s; the report lists the thresholds of %s", label,
                            rules.label)
                meta["rules_note"] = f"thresholds listed from {rules.label} (results made with {label})"
        except Exception as exc:  # a local rule-set file no longer at hand
            log.warning("cannot load rule set %s for the report's threshold table: %s", label, exc)
    notes = [f"working CRS: {meta['working_crs']}"] if meta.get("working_crs") else []
    notes.append(f"read from {path}")
    return ReportData(outputs=frames, rejected=rejected, notes=notes, meta=meta, rules=rules, specs=specs,
                      source=str(path), round=_round_of(meta, rules, notes))


def _round_of(meta: dict[str, str], rules: Any, notes: list[str]) -> Any:
    """The case-register round the results were recorded as, read back from the register (None, with a note
    saying why, when the register is not at hand or no longer holds the round)."""
    where, number = meta.get("register"), meta.get("register_round")
    if not where or not number:
        return None
    from ..errors import RedlineError
    from ..register import open_register

    try:
        return open_register(where).round_report(int(number), rules=rules)
    except (RedlineError, OSError, ValueError) as exc:
        notes.append(f"[register] the results were recorded as round {number} of the case register {where}, which "
                     f"cannot be read here ({exc}): the section 案件跟踪 is left out")
        log.warning("%s", notes[-1])
        return None


def as_of_text(meta: dict[str, str]) -> str:
    return meta.get("as_of") or dt.date.today().isoformat()
