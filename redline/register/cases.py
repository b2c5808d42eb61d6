"""From a run's outputs to cases, and from one round to the next: pure functions, no I/O.

:func:`findings` turns every output with a :class:`~redline.spec.CaseSpec` into rows of one table (output,
key, figures, status, the row's facts, geometry); :func:`classify` compares them with the register's cases
and says, for each, what this round changes:

- ``new`` (本期新增): a finding no case has, by key or by geometry;
- ``persisting`` (持续): an open case found again, with the change in area and in its measure (e.g. days);
- ``resolved`` (本期消化): an open case not found again, with why: the output's own status for the row
  (now supplied, now started ...), or gone from the inputs (a contract cancelled, an approval withdrawn);
- ``reappeared`` (重新出现): a resolved case found again.

A finding whose key the register does not know is matched by geometry with the cases of the same output
whose key this round no longer holds (intersection over union ≥ ``min_iou``, the best pair first): the case
keeps its id, takes the new key, and the event says the match (``matched_by``: ``geometry IoU 0.98, was …``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._frames import map_distinct
from ..spec import AuditSpec, CaseSpec, OutputSpec
from ..units import M2_PER_MU

__all__ = ["CHANGES", "CaseOutput", "Classified", "case_outputs", "classify", "finding_mask", "findings", "key_of"]

#: the change a round makes to a case: code -> (Chinese, English)
CHANGES: dict[str, tuple[str, str]] = {
    "new": ("本期新增", "new"),
    "persisting": ("持续", "persisting"),
    "resolved": ("本期消化", "resolved"),
    "reappeared": ("重新出现", "reappeared"),
}
KEY_SEPARATOR = " | "
FINDING_COLUMNS = ["output", "case_key", "label", "area_m2", "measure", "status", "status_zh", "rule", "facts"]


@dataclass(frozen=True)
class CaseOutput:
    """An output whose findings are cases: its audit, its spec and how its cases are keyed."""

    audit: AuditSpec
    output: OutputSpec

    @property
    def case(self) -> CaseSpec:
        assert self.output.case is not None
        return self.output.case

    @property
    def name(self) -> str:
        return self.output.name


def case_outputs(specs: Iterable[AuditSpec] | None = None) -> dict[str, CaseOutput]:
    """Output name -> :class:`CaseOutput`, for every output of ``specs`` (default: all audits) that holds cases."""
    if specs is None:
        from ..registry import all_specs

        specs = all_specs()
    return {o.name: CaseOutput(s, o) for s in specs for o in s.outputs if o.case is not None}


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def key_of(frame: pd.DataFrame, case: CaseSpec) -> pd.Series:
    """Each row's case key: the key columns' values as text, joined by ``" | "`` (one column: its value)."""
    missing = [c for c in case.key if c not in frame.columns]
    if missing:
        raise ValueError(f"the output lacks the case key column(s) {', '.join(missing)}")
    parts = [frame[c].map(_text) for c in case.key]
    key = parts[0]
    for p in parts[1:]:
        key = key + KEY_SEPARATOR + p
    return key


def finding_mask(frame: pd.DataFrame, out: OutputSpec) -> pd.Series:
    """The rows of an output that are findings (cases): a counted status and every ``CaseSpec.where`` value."""
    mask = pd.Series(True, index=frame.index)
    if out.status_column and out.counted and out.status_column in frame.columns:
        codes = map_distinct(frame[out.status_column], lambda v: out.row_codes(v)[0] if _text(v) else "")
        mask &= codes.isin(out.counted)
    assert out.case is not None
    for column, values in out.case.where.items():
        if column in frame.columns:
            wanted = {_text(v) for v in values}
            mask &= map_distinct(frame[column], _text).isin(wanted)
    return mask


def _reason_of(row: Mapping[str, Any], out: OutputSpec) -> tuple[str, str, str]:
    """Why a row present but not a finding closes its case: (code, Chinese, English)."""
    if out.status_column and _text(row.get(out.status_column)):
        code = out.row_codes(row.get(out.status_column))[0]
        status = out.status(code)
        if status is not None:
            return code, status.label_zh, status.label_en
    assert out.case is not None
    for column in out.case.where:
        value = _text(row.get(column))
        if value in out.case.resolved_labels:
            zh, en = out.case.resolved_labels[value]
            return value, zh, en
        if value:
            return value, f"{column} = {value}", f"{column} = {value}"
    return "not_a_finding", "不再构成", "no longer a finding"


_FACT_SKIP = {"geometry"}


def _facts(frame: pd.DataFrame) -> list[str]:
    """Each row's attributes as JSON text (dates as ISO text), for the case's documents and the ledger."""
    cols = [c for c in frame.columns if c not in _FACT_SKIP]
    records = pd.DataFrame(frame[cols]).to_dict("records")
    return [json.dumps({k: _jsonable(v) for k, v in r.items()}, ensure_ascii=False, default=str) for r in records]


def _jsonable(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float | np.floating):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10] if not hasattr(v, "hour") or (v.hour, v.minute) == (0, 0) else v.isoformat()
    return v


def findings(outputs: Mapping[str, Any], specs: Iterable[AuditSpec] | None = None) -> tuple[gpd.GeoDataFrame,
                                                                                              pd.DataFrame]:
    """A run's findings as one table, and the rows present but not findings (for the reasons cases close).

    ``outputs``: output name -> frame (a :class:`~redline.pipeline.RunResult`'s ``outputs``). The first table has
    one row per finding: ``output``, ``case_key``, ``label`` (the ``CaseSpec.label`` columns' values), ``area_m2``,
    ``measure``, ``status`` and ``status_zh``, ``rule``, ``facts`` (the row as JSON) and the geometry. A key found
    twice in one output is one finding (its areas summed, the first row's other figures). The second table:
    ``output``, ``case_key``, ``reason``, ``reason_zh``, ``reason_en``, for the rows that are not findings.
    """
    found, others = [], []
    for name, co in case_outputs(specs).items():
        frame = outputs.get(name)
        if frame is None:
            continue
        case = co.case
        keys = key_of(frame, case)
        mask = finding_mask(frame, co.output)
        rows = frame[mask.to_numpy()]
        k = keys[mask.to_numpy()]
        if len(rows):
            part = pd.DataFrame({"output": name, "case_key": k.to_numpy()})
            label_cols = [c for c in case.label if c in rows.columns]
            part["label"] = ([" ".join(t for t in (_text(v) for v in vals) if t)
                              for vals in rows[label_cols].itertuples(index=False)] if label_cols else "")
            part["area_m2"] = (pd.to_numeric(rows[case.area], errors="coerce").to_numpy(dtype=float)
                               if case.area and case.area in rows.columns else np.nan)
            part["measure"] = (pd.to_numeric(rows[case.measure], errors="coerce").to_numpy(dtype=float)
                               if case.measure and case.measure in rows.columns else np.nan)
            status_col = co.output.status_column
            part["status"] = rows[status_col].map(_text).to_numpy() if status_col in rows.columns else ""
            zh = f"{status_col}_zh"
            part["status_zh"] = rows[zh].map(_text).to_numpy() if status_col and zh in rows.columns else ""
            part["rule"] = rows["rule"].map(_text).to_numpy() if "rule" in rows.columns else ""
            part["facts"] = _facts(rows)
            geoms = rows.geometry.to_numpy() if isinstance(rows, gpd.GeoDataFrame) else np.full(len(rows), None)
            part["geometry"] = geoms
            found.append(part)
        rest = frame[~mask.to_numpy()]
        if len(rest):
            # only the columns a reason reads (the status and the case's where columns), not the whole row
            cols = [c for c in dict.fromkeys([co.output.status_column or "", *case.where]) if c in rest.columns]
            values = zip(*(rest[c].to_numpy().tolist() for c in cols), strict=True) if cols else ((),) * len(rest)
            reasons = [_reason_of(dict(zip(cols, v, strict=True)), co.output) for v in values]
            others.append(pd.DataFrame({"output": name, "case_key": keys[~mask.to_numpy()].to_numpy(),
                                        "reason": [r[0] for r in reasons], "reason_zh": [r[1] for r in reasons],
                                        "reason_en": [r[2] for r in reasons]}))
    table = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=[*FINDING_COLUMNS, "geometry"])
    table = _one_per_key(table)
    crs = next((f.crs for f in outputs.values() if isinstance(f, gpd.GeoDataFrame) and f.crs is not None), None)
    gdf = gpd.GeoDataFrame(table, geometry="geometry", crs=crs)
    rest_table = (pd.concat(others, ignore_index=True) if others
                  else pd.DataFrame(columns=["output", "case_key", "reason", "reason_zh", "reason_en"]))
    return gdf, rest_table.drop_duplicates(["output", "case_key"], ignore_index=True)


def _one_per_key(table: pd.DataFrame) -> pd.DataFrame:
    dup = table.duplicated(["output", "case_key"], keep=False)
    if not dup.any():
        return table.reset_index(drop=True)
    single = table[~dup]
    merged = []
    for _, g in table[dup].groupby(["output", "case_key"], sort=False):
        row = g.iloc[0].copy()
        row["area_m2"] = g["area_m2"].sum(min_count=1)
        row["geometry"] = shapely.union_all([x for x in g.geometry if x is not None]) if g.geometry.notna().any() \
            else None
        merged.append(row)
    return pd.concat([single, pd.DataFrame(merged)], ignore_index=True)


@dataclass
class Classified:
    """What a round changes: the events (one per case touched) and the cases to add."""

    #: one row per case touched: case_id (empty for a new case until numbered), output, case_key, change,
    #: old_key, matched_by, area_m2, measure, d_area_m2, d_measure, status, status_zh, reason, reason_zh, index
    #: (the finding's row in ``findings``, -1 for a resolved case)
    events: pd.DataFrame


EVENT_COLUMNS = ["case_id", "output", "case_key", "change", "old_key", "matched_by", "area_m2", "area_mu", "measure",
                 "d_area_m2", "d_measure", "status", "status_zh", "reason", "reason_zh", "finding"]


def classify(cases: pd.DataFrame, found: gpd.GeoDataFrame, present: pd.DataFrame, audited: Iterable[str], *,
             min_iou: float = 0.9, closed_by: Mapping[str, tuple[str, str]] | None = None) -> Classified:
    """The round's events: each finding of ``found`` against the register's ``cases``.

    ``cases``: the register's cases (``case_id``, ``output``, ``case_key``, ``state``, ``area_m2``, ``measure``,
    geometry); ``present``: the rows of this round that are not findings, with their reasons (:func:`findings`);
    ``audited``: the outputs this round made (a case of an output not made is left as it is: the round did not
    look at it); ``closed_by``: case id -> (status code, label) of the disposal that closed it, the reason given
    when it is not found again. Returns the events; a new case's ``case_id`` is empty (numbered by the store).
    """
    audited = set(audited)
    closed_by = dict(closed_by or {})
    events: list[dict[str, Any]] = []
    cases = cases[cases["output"].isin(audited)] if len(cases) else cases
    by_key = {(o, k): i for i, (o, k) in enumerate(zip(cases["output"], cases["case_key"], strict=True))} \
        if len(cases) else {}
    # the columns read row by row, as lists (a row's Series from .iloc costs more than the rest of the loop)
    case_cols = {c: (cases[c].to_numpy().tolist() if len(cases) else [])
                 for c in ("case_id", "output", "case_key", "state", "area_m2", "measure")}
    found_cols = {c: found[c].to_numpy().tolist() for c in ("output", "case_key", "area_m2", "measure", "status",
                                                             "status_zh")}

    def case_row(i: int) -> dict[str, Any]:
        return {c: v[i] for c, v in case_cols.items()}

    def found_row(j: int) -> dict[str, Any]:
        return {c: v[j] for c, v in found_cols.items()}

    by_key = {(o, k): i for i, (o, k) in enumerate(zip(case_cols["output"], case_cols["case_key"], strict=True))}
    matched_cases: set[int] = set()
    unmatched: list[int] = []
    for j, (o, k) in enumerate(zip(found_cols["output"], found_cols["case_key"], strict=True)):
        i = by_key.get((o, k))
        if i is None:
            unmatched.append(j)
        else:
            matched_cases.add(i)
            events.append(_event(case_row(i), found_row(j), j, "key", ""))
    present_keys = set(zip(found_cols["output"], found_cols["case_key"], strict=True)) | set(
        zip(present["output"].to_numpy().tolist(), present["case_key"].to_numpy().tolist(), strict=True))
    # cases whose key this round does not hold at all may have been renumbered: match them by geometry
    candidates = [i for i in range(len(cases)) if i not in matched_cases
                  and (case_cols["output"][i], case_cols["case_key"][i]) not in present_keys]
    pairs = _geometry_pairs(cases, candidates, found, unmatched, min_iou)
    by_geometry: set[int] = set()
    for i, j, iou in pairs:
        matched_cases.add(i)
        by_geometry.add(j)
        old = case_row(i)
        events.append(_event(old, found_row(j), j, f"geometry IoU {iou:.3f}, was {old['case_key']}",
                             str(old["case_key"])))
    unmatched = [j for j in unmatched if j not in by_geometry]
    for j in unmatched:
        f = found_row(j)
        events.append({"case_id": "", "output": f["output"], "case_key": f["case_key"], "change": "new", "old_key": "",
                       "matched_by": "", "area_m2": f["area_m2"], "measure": f["measure"], "d_area_m2": np.nan,
                       "d_measure": np.nan, "status": f["status"], "status_zh": f["status_zh"], "reason": "",
                       "reason_zh": "", "finding": j})
    reasons = {(o, k): (r, zh, en) for o, k, r, zh, en in zip(
        *(present[c].to_numpy().tolist() for c in ("output", "case_key", "reason", "reason_zh", "reason_en")),
        strict=True)}
    for i in range(len(cases)):
        c = case_row(i)
        if i in matched_cases or c["state"] != "open":
            continue
        if c["case_id"] in closed_by:
            code, label = closed_by[c["case_id"]]
            reason, reason_zh = f"disposed:{code}", f"已处置: {label}"
        elif (c["output"], c["case_key"]) in reasons:
            code, zh, en = reasons[(c["output"], c["case_key"])]
            reason, reason_zh = code, f"{zh} ({en})" if en and en != zh else zh
        else:
            reason, reason_zh = "gone", "已不在本期输入中 (no longer in the inputs: record cancelled, recovered or withdrawn)"
        events.append({"case_id": c["case_id"], "output": c["output"], "case_key": c["case_key"], "change": "resolved",
                       "old_key": "", "matched_by": "", "area_m2": c["area_m2"], "measure": c["measure"],
                       "d_area_m2": np.nan, "d_measure": np.nan, "status": "", "status_zh": "", "reason": reason,
                       "reason_zh": reason_zh, "finding": -1})
    frame = pd.DataFrame(events, columns=[c for c in EVENT_COLUMNS if c != "area_mu"])
    frame["area_mu"] = pd.to_numeric(frame["area_m2"], errors="coerce") / M2_PER_MU
    return Classified(frame[EVENT_COLUMNS])


def _event(case: Mapping[str, Any], f: Mapping[str, Any], j: int, matched_by: str, old_key: str) -> dict[str, Any]:
    change = "persisting" if case["state"] == "open" else "reappeared"
    d_area = f["area_m2"] - case["area_m2"] if change == "persisting" else np.nan
    d_measure = f["measure"] - case["measure"] if change == "persisting" else np.nan
    return {"case_id": case["case_id"], "output": f["output"], "case_key": f["case_key"], "change": change,
            "old_key": old_key, "matched_by": "key" if matched_by == "key" else matched_by, "area_m2": f["area_m2"],
            "measure": f["measure"], "d_area_m2": d_area, "d_measure": d_measure, "status": f["status"],
            "status_zh": f["status_zh"], "reason": "", "reason_zh": "", "finding": j}


def _geometry_pairs(cases: pd.DataFrame, candidates: list[int], found: gpd.GeoDataFrame, unmatched: list[int],
                    min_iou: float) -> list[tuple[int, int, float]]:
    """(case row, finding row, IoU) pairs of the same output overlapping by ``min_iou`` or more, best first,
    each case and finding used once."""
    if not candidates or not unmatched:
        return []
    a = np.asarray(cases["geometry"].to_numpy()[candidates], dtype=object)
    b = np.asarray(found.geometry.to_numpy()[unmatched], dtype=object)
    ok_a = ~(shapely.is_missing(a) | shapely.is_empty(a))
    ok_b = ~(shapely.is_missing(b) | shapely.is_empty(b))
    if not ok_a.any() or not ok_b.any():
        return []
    a = a.copy()
    b = b.copy()
    a[~ok_a] = None
    b[~ok_b] = None
    tree = shapely.STRtree(a)
    ib, ia = tree.query(b, predicate="intersects")
    if not len(ia):
        return []
    same = cases["output"].to_numpy()[np.asarray(candidates)[ia]] == found["output"].to_numpy()[
        np.asarray(unmatched)[ib]]
    ia, ib = ia[same], ib[same]
    inter = shapely.area(shapely.intersection(a[ia], b[ib]))
    union = shapely.area(a[ia]) + shapely.area(b[ib]) - inter
    iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    order = np.argsort(-iou, kind="stable")
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for n in order:
        if iou[n] < min_iou:
            break
        if ia[n] in used_a or ib[n] in used_b:
            continue
        used_a.add(int(ia[n]))
        used_b.add(int(ib[n]))
        pairs.append((candidates[int(ia[n])], unmatched[int(ib[n])], float(iou[n])))
    return pairs
