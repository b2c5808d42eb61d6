"""The case register: rounds, cases, their changes and their disposal, on a GeoPackage or PostGIS store.

Every operation is one transaction of the store: a round recorded, a disposal entered, a round undone
either happens whole or not at all (a process killed half-way leaves the register as it was; the tests kill
:meth:`Register.record_round` at its phases ``register:round``, ``register:events`` and ``register:commit``
with ``REDLINE_TEST_KILL_AT``, see :func:`redline.io.resultset.phase`). A round
takes the register for itself (no two rounds at once, and disposal entries wait for it), and two entries
on the same case both stay (entries are appended, never rewritten).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import RedlineError
from ..io.resultset import phase
from ..units import M2_PER_MU
from .cases import CHANGES, case_outputs, classify, findings
from .layout import CASES, DISPOSITIONS, EVENTS, ROUNDS
from .store import Store, _now, open_store

__all__ = ["Register", "RegisterError", "RoundReport", "fingerprint"]

#: intersection over union a finding must reach with a case whose key has gone, to be taken as that case
DEFAULT_MIN_IOU = 0.9


class RegisterError(RedlineError, ValueError):
    """A register operation refused: a case or round that does not exist, an undo out of order, a bad entry.

    A ValueError too, like every mistake in what was asked (the command line's exit code 2)."""


@dataclass
class RoundReport:
    """What recording a round did: its id, the events, the counts and areas per output and change, notes."""

    round_id: int
    as_of: dt.date
    events: pd.DataFrame
    summary: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    alerts: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: per round and output: open cases and the changes (:func:`redline.register.views.trend`)
    trend: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: case id -> its name (project, holder, batch) for the ledger
    labels: dict[str, str] = field(default_factory=dict)
    where: str = ""

    def lines(self) -> list[str]:
        """The round in a few lines, for the command line."""
        out = [f"register round {self.round_id} (as of {self.as_of})"]
        for output, g in self.summary.groupby("output", sort=False):
            parts = []
            for change in CHANGES:
                r = g[g["change"] == change]
                if len(r) and int(r["count"].iat[0]):
                    mu = r["area_mu"].iat[0]
                    area = "" if pd.isna(mu) else f" ({mu:,.1f} 亩)"
                    parts.append(f"{CHANGES[change][0]} {int(r['count'].iat[0])}{area}")
            if parts:
                out.append(f"  {output}: " + ", ".join(parts))
        return out


def _who(who: str | None) -> str:
    if who:
        return who
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container): say so rather than guess
        return "unknown"


def fingerprint(source: Any) -> str:
    """sha256 of an input: a file's bytes (a shapefile's .shp and .dbf), or a layer's attributes and geometry."""
    h = hashlib.sha256()
    if isinstance(source, pd.DataFrame):
        frame = source.drop(columns=[source.geometry.name]) if isinstance(source, gpd.GeoDataFrame) else source
        h.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
        if isinstance(source, gpd.GeoDataFrame):
            for wkb in shapely.to_wkb(source.geometry.to_numpy()):
                h.update(wkb or b"")
        return "layer:" + h.hexdigest()
    text = os.fspath(source) if isinstance(source, str | os.PathLike) else str(source)
    from ..io.vector import is_database_url

    if is_database_url(text):
        from ..io.postgis import redact

        return "database:" + redact(text)
    path = Path(text)
    if not path.exists():
        head, _, _ = text.rpartition(":")
        path = Path(head)
    files = [path] + ([path.with_suffix(s) for s in (".dbf",)] if path.suffix.lower() == ".shp" else [])
    for f in files:
        if f.is_file():
            with open(f, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
    return "sha256:" + h.hexdigest()


def _date(v: Any) -> dt.date | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT or v is pd.NA or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


def _iso(v: Any) -> str | None:
    d = _date(v)
    return d.isoformat() if d else None


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _multi(g: Any) -> Any:
    if g is None or shapely.is_missing(g):
        return None
    if g.geom_type == "Polygon":
        return shapely.MultiPolygon([g])
    if g.geom_type == "GeometryCollection":
        polys = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
        return _multi(shapely.union_all(polys)) if polys else None
    return g if g.geom_type == "MultiPolygon" else None


class Register:
    """A case register (:mod:`redline.register`): open one with :meth:`open` or make one with :meth:`init`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- making and opening ------------------------------------------------------------------------------------
    @classmethod
    def init(cls, target: str | os.PathLike[str], *, crs: Any = None) -> Register:
        """Make an empty register at ``target`` (a new ``.gpkg`` file, or a ``postgresql://…?schema=`` URL).

        ``crs``: the register's CRS; by default the working CRS of its first round."""
        store = open_store(target)
        store.create()
        reg = cls.open(store)
        if crs is not None:
            with store.transaction() as tx:
                store.set_crs(tx, crs)
                store.set_meta(tx, {"crs": str(crs)})
        return reg

    @classmethod
    def open(cls, target: str | os.PathLike[str] | Store) -> Register:
        store = open_store(target)
        store.open()  # type: ignore[attr-defined]
        return cls(store)

    @property
    def where(self) -> str:
        return self.store.where

    # -- reading ----------------------------------------------------------------------------------------------
    def _frame(self, tx: Any, table: Any, where: str = "", params: Iterable[Any] = ()) -> pd.DataFrame:
        s = self.store
        cols = [c.name for c in table.columns]
        select = ", ".join(s.geom_out(f'"{c}"') + ' AS "geom"' if c == "geom" else f'"{c}"' for c in cols)
        rows = s.query(tx, f"SELECT {select} FROM {{{table.name}}} {where} ORDER BY {table.key or 'key'}",
                       tuple(params))
        frame = pd.DataFrame(rows, columns=cols)
        if "geom" in cols:
            wkb = [s.from_value(v) for v in frame["geom"]]
            geoms = shapely.from_wkb(np.asarray(wkb, dtype=object)) if len(wkb) else np.array([], dtype=object)
            frame = gpd.GeoDataFrame(frame.drop(columns="geom"), geometry=gpd.GeoSeries(geoms, index=frame.index),
                                     crs=self._crs())
        for c in table.columns:
            if c.type == "DATE" and c.name in frame.columns:
                frame[c.name] = frame[c.name].map(_date)
        return frame

    def _crs(self) -> Any:
        srid = self.store.srid
        if not srid or srid >= 990000:
            return None
        return f"EPSG:{srid}"

    def rounds(self) -> pd.DataFrame:
        """Every round recorded, in order (an undone round marked by ``undone_at``)."""
        with self.store.transaction() as tx:
            return self._frame(tx, ROUNDS)

    def cases(self, *, state: str | None = None, output: str | None = None) -> gpd.GeoDataFrame:
        """The cases (``state`` ``"open"`` or ``"resolved"``; ``output`` one audit output), with their geometry."""
        where: list[str] = []
        params: list[Any] = []
        if state is not None:
            if state not in ("open", "resolved"):
                raise RegisterError(f"state is 'open' or 'resolved', not {state!r}")
            where.append("state = ?")
            params.append(state)
        if output is not None:
            where.append("output = ?")
            params.append(output)
        with self.store.transaction() as tx:
            frame = self._frame(tx, CASES, ("WHERE " + " AND ".join(where)) if where else "", params)
        return gpd.GeoDataFrame(frame.drop(columns="fid"), geometry="geometry", crs=frame.crs)

    def events(self, *, round_id: int | None = None, case_id: str | None = None) -> gpd.GeoDataFrame:
        where: list[str] = []
        params: list[Any] = []
        if round_id is not None:
            where.append("round_id = ?")
            params.append(int(round_id))
        if case_id is not None:
            where.append("case_id = ?")
            params.append(case_id)
        with self.store.transaction() as tx:
            frame = self._frame(tx, EVENTS, ("WHERE " + " AND ".join(where)) if where else "", params)
        return frame

    def dispositions(self, case_id: str | None = None) -> pd.DataFrame:
        with self.store.transaction() as tx:
            return self._frame(tx, DISPOSITIONS, "WHERE case_id = ?" if case_id else "",
                               (case_id,) if case_id else ())

    def case(self, case_id: str) -> dict[str, Any]:
        """One case as a record: its row, the facts of its last finding, its events and its disposal entries."""
        with self.store.transaction() as tx:
            found = self._frame(tx, CASES, "WHERE case_id = ?", (case_id,))
            if not len(found):
                raise RegisterError(self._unknown_case(tx, case_id))
            events = self._frame(tx, EVENTS, "WHERE case_id = ?", (case_id,))
            disp = self._frame(tx, DISPOSITIONS, "WHERE case_id = ?", (case_id,))
            rounds = self._frame(tx, ROUNDS)
        record = found.drop(columns=["fid", "geometry"]).iloc[0].to_dict()
        facts: dict[str, Any] = next((json.loads(f) for f in events["facts"][::-1] if isinstance(f, str) and f), {})
        as_of = dict(zip(rounds["round_id"], rounds["as_of"], strict=True))
        record.update({"detail": facts, "geometry": found.geometry.iat[0],
                       "first_as_of": as_of.get(record["first_round"]), "as_of": as_of.get(record["last_round"]),
                       "events": events.drop(columns=["geometry", "facts"]).to_dict("records"),
                       "dispositions": disp.to_dict("records")})
        return record

    def _unknown_case(self, tx: Any, case_id: str) -> str:
        import difflib

        ids = [r[0] for r in self.store.query(tx, "SELECT case_id FROM {cases}")]
        close = difflib.get_close_matches(case_id, ids, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else " (list them with `redline register cases`)"
        return f"no case {case_id!r} in the register {self.where}{hint}"

    # -- recording a round ------------------------------------------------------------------------------------
    def check_as_of(self, as_of: dt.date) -> None:
        """Refuse (:class:`RegisterError`) a round as of ``as_of`` before the last round's: checked by a run before
        its work, and again when the round is recorded."""
        with self.store.transaction() as tx:
            self._refuse_earlier(self._frame(tx, ROUNDS), as_of)

    def _refuse_earlier(self, rounds: pd.DataFrame, as_of: dt.date) -> None:
        live = rounds[rounds["undone_at"].isna()]
        if len(live) and live["as_of"].iat[-1] is not None and as_of < live["as_of"].iat[-1]:
            raise RegisterError(
                f"the register's last round ({int(live['round_id'].iat[-1])}) is as of {live['as_of'].iat[-1]}; "
                f"a round as of {as_of} would record an earlier state after a later one: undo the later "
                "round(s) first (`redline register undo`)")

    def record_round(self, result: Any, *, sources: Mapping[str, Any] | None = None, made_by: str | None = None,
                     note: str = "", min_iou: float = DEFAULT_MIN_IOU) -> RoundReport:
        """Record a run (a :class:`~redline.pipeline.RunResult`) as the next round, in one transaction.

        Every finding of the outputs that hold cases is matched with the register's cases (by key, then by
        geometry), and every case of an output the run made is classified: new, persisting, resolved (why),
        reappeared. A round's audit date may not be before the last round's (a past state is not recorded
        after a later one: undo the later rounds first)."""
        outputs = result.outputs
        made = [name for name in case_outputs(result.specs) if name in outputs]
        found, present = findings(outputs, result.specs)
        if found.crs is None and getattr(result, "working", None) is not None and result.working.crs is not None:
            found = found.set_crs(result.working.crs)
        s = self.store
        with s.transaction() as tx:
            s.lock(tx)
            rounds = self._frame(tx, ROUNDS)
            self._refuse_earlier(rounds, result.as_of)
            notes = self._check(tx, result.as_of)
            if s.srid is None and found.crs is not None and found.geometry.notna().any():
                s.set_crs(tx, found.crs)
                s.set_meta(tx, {"crs": found.crs.to_string()})
            elif s.srid is not None and found.crs is not None and self._crs() is not None:
                found = found.to_crs(self._crs())
            cases = self._frame(tx, CASES)
            closed_by = self._closed_by(tx)
            events = classify(cases, found, present, made, min_iou=min_iou, closed_by=closed_by).events
            round_id = int(max(rounds["round_id"], default=0)) + 1
            self._number(tx, events, cases)
            summary = _summary(events)
            fps = {name: fingerprint(src) for name, src in (sources or {}).items() if src is not None}
            s.execute(tx, "INSERT INTO {rounds} (round_id, as_of, rules, rules_chain, redline_version, audits, "
                          "outputs, fingerprints, summary, made_at, made_by, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                          "?, ?, ?)",
                      (round_id, result.as_of.isoformat(), result.rules.label,
                       " <- ".join((*result.rules.chain, result.rules.label)), _version(),
                       ", ".join(sp.id for sp in result.specs), ", ".join(made), json.dumps(fps, ensure_ascii=False),
                       summary.to_json(orient="records", force_ascii=False), _now(), _who(made_by), note))
            phase("register:round")
            self._write_events(tx, round_id, result.as_of, events, found, cases, made)
            phase("register:events")
            notes += _still_found_after_closing(events, closed_by)
            notes += self._extension_notes(tx, events, found)
            touch = getattr(s, "touch", None)
            if touch is not None:
                touch(tx)
            trend_frame = self._trend(tx)
            labels = dict(s.query(tx, "SELECT case_id, label FROM {cases}"))
            phase("register:commit")
        skipped = sorted(set(case_outputs()) - set(made))
        report = RoundReport(round_id, result.as_of, events, summary, notes, trend=trend_frame, labels=labels,
                             where=self.where)
        if skipped and len(cases):
            held = cases[cases["output"].isin(skipped) & (cases["state"] == "open")]
            if len(held):
                report.notes.append(f"[register] {len(held)} open case(s) of {', '.join(sorted(set(held['output'])))}"
                                    " not audited in this round: carried as they were")
        report.alerts = self.alerts(result.as_of, rules=result.rules)
        return report

    def round_report(self, round_id: int | None = None, *, rules: Any = None) -> RoundReport:
        """The :class:`RoundReport` of a recorded round (default the last one not undone), read back from the
        register: what a report rebuilt from a results folder shows (``redline report --from DIR``).

        Its events, summary and labels are the round's; its trend stops at the round; its disposal deadlines are
        those of the entries dated on or before the round's audit date, under ``rules`` (default: the shipped rule
        set the round was recorded with; a round made with a rule-set file needs it given)."""
        from ..rules import resolve_rules
        from .cases import EVENT_COLUMNS

        with self.store.transaction() as tx:
            rounds = self._frame(tx, ROUNDS)
            live = rounds[rounds["undone_at"].isna()]
            if round_id is None:
                if not len(live):
                    raise RegisterError(f"the register {self.where} has no round")
                round_id = int(live["round_id"].iat[-1])
            row = rounds[rounds["round_id"] == int(round_id)]
            if not len(row):
                raise RegisterError(f"no round {round_id} in {self.where} (rounds: "
                                    f"{', '.join(str(x) for x in rounds['round_id']) or 'none'})")
            if row["undone_at"].notna().iat[0]:
                raise RegisterError(f"round {round_id} of {self.where} was undone")
            as_of = row["as_of"].iat[0]
            events = pd.DataFrame(self._frame(tx, EVENTS, "WHERE round_id = ?", (int(round_id),)).drop(
                columns=["geometry", "facts"]))
            outputs = dict(self.store.query(tx, "SELECT case_id, output FROM {cases}"))
            labels = dict(self.store.query(tx, "SELECT case_id, label FROM {cases}"))
            trend_frame = self._trend(tx)
            cases = self._frame(tx, CASES)
            disp = self._frame(tx, DISPOSITIONS)
        if rules is None:
            label = str(row["rules"].iat[0] or "")
            try:
                rules = resolve_rules(label.split("@")[0] or None)
            except Exception as exc:  # a local rule-set file not at hand
                raise RegisterError(f"round {round_id} was recorded with the rules {label}, which cannot be loaded "
                                    f"here ({exc}): give them (rules=...)") from None
        else:
            rules = resolve_rules(rules)
        events["output"] = events["case_id"].map(outputs)
        events["finding"] = -1
        events = events[[c for c in EVENT_COLUMNS if c in events.columns]]
        summary = pd.DataFrame(json.loads(row["summary"].iat[0] or "[]"),
                               columns=["output", "change", "change_zh", "count", "area_mu"])
        trend_frame = trend_frame[trend_frame["round_id"] <= int(round_id)]
        found = set(events.loc[events["change"] != "resolved", "case_id"])
        alerts = _deadlines(cases[cases["case_id"].isin(found)], disp[disp["date"] <= as_of], rules, as_of)
        return RoundReport(int(round_id), as_of, events.reset_index(drop=True), summary, [], alerts=alerts,
                           trend=trend_frame.reset_index(drop=True), labels=labels, where=self.where)

    def trend(self) -> pd.DataFrame:
        """Per round and output: the cases open at its end and its new, reappeared and resolved cases."""
        with self.store.transaction() as tx:
            return self._trend(tx)

    def _trend(self, tx: Any) -> pd.DataFrame:
        from .views import trend

        rows = self.store.query(tx, "SELECT e.round_id, e.case_id, e.change, e.area_mu, c.output FROM {case_events} e "
                                    "JOIN {cases} c ON c.case_id = e.case_id ORDER BY e.fid")
        events = pd.DataFrame(rows, columns=["round_id", "case_id", "change", "area_mu", "output"])
        return trend(events, self._frame(tx, ROUNDS))

    def _number(self, tx: Any, events: pd.DataFrame, cases: pd.DataFrame) -> None:
        """Give each new case its id: its output's prefix and the next number."""
        new = events["change"] == "new"
        if not new.any():
            return
        prefixes = {name: co.case.prefix for name, co in case_outputs().items()}
        used: dict[str, int] = {}
        for cid in cases["case_id"] if len(cases) else ():
            p, _, n = str(cid).rpartition("-")
            if n.isdigit():
                used[p] = max(used.get(p, 0), int(n))
        ids = []
        for output in events.loc[new, "output"]:
            p = prefixes[output]
            used[p] = used.get(p, 0) + 1
            ids.append(f"{p}-{used[p]:05d}")
        events.loc[new, "case_id"] = ids

    def _write_events(self, tx: Any, round_id: int, as_of: dt.date, events: pd.DataFrame, found: gpd.GeoDataFrame,
                      cases: pd.DataFrame, made: list[str]) -> None:
        s = self.store
        geom_sql = s.geom_in()
        current = dict(zip(cases["case_id"], shapely.to_wkb(cases.geometry.to_numpy()), strict=True)) \
            if len(cases) else {}
        audit_of = {name: co.audit.id for name, co in case_outputs().items()}
        new_rows: list[tuple] = []
        update_rows: list[tuple | None] = []
        event_rows: list[tuple] = []
        fwkb: Any = (shapely.to_wkb(np.asarray([_multi(g) for g in found.geometry.to_numpy()], dtype=object))
                     if len(found) else [])
        # the finding's columns read per event, as lists (a row's Series from .iloc costs more than the rest)
        fcols = {c: found[c].to_numpy().tolist() for c in ("label", "rule", "facts")}
        for e in events.itertuples(index=False):
            j = int(e.finding)
            f: Any = {c: v[j] for c, v in fcols.items()} if j >= 0 else None
            wkb = fwkb[j] if j >= 0 else None
            changed_geom = wkb if (wkb is not None and current.get(e.case_id) != wkb) else None
            area = _num(e.area_m2)
            figures = (e.case_key, area, None if area is None else area / M2_PER_MU, _num(e.measure), e.status,
                       e.status_zh)
            if e.change == "new":
                new_rows.append((e.case_id, e.output, audit_of[e.output], *figures[:1], f["label"], "open", "new",
                                 round_id, round_id, round_id, as_of.isoformat(), *figures[1:], f["rule"], "", "",
                                 s.to_param(wkb)))
            elif e.change in ("persisting", "reappeared"):
                update_rows.append((e.case_key, f["label"], e.change, round_id, round_id, as_of.isoformat(),
                                    *figures[1:], f["rule"], s.to_param(wkb), e.case_id))
            else:
                update_rows.append(None)
                s.execute(tx, "UPDATE {cases} SET state = 'resolved', change = 'resolved', changed_round = ?, "
                              "reason = ?, reason_zh = ? WHERE case_id = ?", (round_id, e.reason, e.reason_zh,
                                                                               e.case_id))
            event_rows.append((e.case_id, round_id, e.change, CHANGES[e.change][0], e.case_key, e.old_key or None,
                               e.matched_by or None, area, None if area is None else area / M2_PER_MU, _num(e.measure),
                               _num(e.d_area_m2), _num(e.d_measure), e.status or None, e.status_zh or None,
                               e.reason or None, e.reason_zh or None, f["facts"] if f is not None else None,
                               s.to_param(changed_geom)))
        cols = ("case_id, output, audit, case_key, label, state, change, first_round, last_round, changed_round, "
                "as_of, area_m2, area_mu, measure, status, status_zh, rule, reason, reason_zh, geom")
        s.executemany(tx, f"INSERT INTO {{cases}} ({cols}) VALUES ({', '.join(['?'] * 19)}, {geom_sql})", new_rows)
        s.executemany(tx, "UPDATE {cases} SET case_key = ?, label = ?, state = 'open', change = ?, last_round = ?, "
                          "changed_round = ?, as_of = ?, area_m2 = ?, area_mu = ?, measure = ?, status = ?, "
                          f"status_zh = ?, rule = ?, reason = NULL, reason_zh = NULL, geom = {geom_sql} "
                          "WHERE case_id = ?", [r for r in update_rows if r is not None])
        ecols = ("case_id, round_id, change, change_zh, case_key, old_key, matched_by, area_m2, area_mu, measure, "
                 "d_area_m2, d_measure, status, status_zh, reason, reason_zh, facts, geom")
        s.executemany(tx, f"INSERT INTO {{case_events}} ({ecols}) VALUES ({', '.join(['?'] * 17)}, {geom_sql})",
                      event_rows)

    # -- disposal ---------------------------------------------------------------------------------------------
    def _closed_by(self, tx: Any) -> dict[str, tuple[str, str]]:
        """Case id -> the step that closed it, for the open cases whose latest disposal step closes them."""
        from .procedures import procedure_for

        rows = self.store.query(tx, "SELECT c.case_id, c.output, c.disposal FROM {cases} c WHERE c.state = 'open' "
                                    "AND c.disposal IS NOT NULL")
        out = {}
        for case_id, output, code in rows:
            try:
                step = procedure_for(output).step(code)
            except ValueError:
                continue
            if step.closes:
                out[case_id] = (code, step.label_zh)
        return out

    def set_disposition(self, case_id: str, status: str, *, date: Any, doc_no: str = "", new_date: Any = None,
                        amount_wan: float | None = None, note: str = "", who: str | None = None,
                        today: dt.date | None = None) -> int:
        """Record a disposal step of a case; returns the entry's number.

        ``status`` is a step of the case's procedure (:mod:`redline.register.procedures`); ``date`` its date
        (the document's date): not after today. The step is checked against the steps before it (order,
        required document number, the extension's limit): a problem is a :class:`RegisterError` and nothing is
        written."""
        from .procedures import check_steps, procedure_for

        day = _date(date)
        if day is None:
            raise RegisterError(f"case {case_id}: give the step's date (--date YYYY-MM-DD)")
        today = today or dt.date.today()
        if day > today:
            raise RegisterError(f"case {case_id}: the date {day} of {status} is after today ({today}): a step is "
                                "recorded once it is taken")
        s = self.store
        with s.transaction() as tx:
            s.lock_case(tx, case_id)
            row = s.query(tx, "SELECT output FROM {cases} WHERE case_id = ?", (case_id,))
            if not row:
                raise RegisterError(self._unknown_case(tx, case_id))
            procedure = procedure_for(row[0][0])
            try:
                procedure.step(status)
            except ValueError as exc:
                raise RegisterError(f"case {case_id}: {exc}") from None
            earlier = self._frame(tx, DISPOSITIONS, "WHERE case_id = ?", (case_id,))
            entries = [_entry(r) for r in earlier.to_dict("records") if not r.get("problem")]
            entry = {"status": status, "date": day, "doc_no": doc_no or "", "new_date": _date(new_date),
                     "amount_wan": amount_wan}
            problems = check_steps(procedure, [*entries, entry])
            mine = [p for p in problems if p not in check_steps(procedure, entries)]
            if mine:
                raise RegisterError(f"case {case_id}: " + "; ".join(mine))
            s.execute(tx, "INSERT INTO {dispositions} (case_id, status, date, doc_no, new_date, amount_wan, note, who, "
                          "entered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      (case_id, status, day.isoformat(), doc_no or None, _iso(new_date), _num(amount_wan),
                       note or None, _who(who), _now()))
            self._refresh_disposal(tx, [case_id])
            rid = s.query(tx, "SELECT max(disposition_id) FROM {dispositions} WHERE case_id = ?", (case_id,))
        return int(rid[0][0])

    def _refresh_disposal(self, tx: Any, case_ids: Iterable[str] | None = None) -> None:
        """Set each case's current disposal from its latest valid entry (by date, then entry number)."""
        s = self.store
        frame = self._frame(tx, DISPOSITIONS)
        frame = frame[frame["problem"].isna() | (frame["problem"] == "")]
        if case_ids is not None:
            ids = list(case_ids)
            frame = frame[frame["case_id"].isin(ids)]
        else:
            ids = [r[0] for r in s.query(tx, "SELECT case_id FROM {cases} WHERE disposal IS NOT NULL")]
        latest = frame.sort_values(["date", "disposition_id"]).groupby("case_id").tail(1)
        from .procedures import procedure_for

        outputs = dict(s.query(tx, "SELECT case_id, output FROM {cases}"))
        rows = []
        for r in latest.itertuples(index=False):
            try:
                label = procedure_for(outputs.get(r.case_id, "")).step(r.status).label_zh
            except ValueError:
                label = r.status
            rows.append((r.status, label, _iso(r.date), r.case_id))
        cleared = sorted(set(ids) - set(latest["case_id"]))
        s.executemany(tx, "UPDATE {cases} SET disposal = ?, disposal_zh = ?, disposal_date = ? WHERE case_id = ?",
                      rows)
        s.executemany(tx, "UPDATE {cases} SET disposal = NULL, disposal_zh = NULL, disposal_date = NULL "
                          "WHERE case_id = ?", [(c,) for c in cleared])

    def check(self, as_of: dt.date | None = None) -> list[str]:
        """Check every disposal entry (as entered from QGIS too): each problem written in its ``problem``
        column and returned; the cases' current disposal refreshed from the valid entries."""
        with self.store.transaction() as tx:
            return self._check(tx, as_of or dt.date.today())

    def _check(self, tx: Any, as_of: dt.date) -> list[str]:
        from .procedures import check_steps, procedure_for

        s = self.store
        frame = self._frame(tx, DISPOSITIONS)
        if not len(frame):
            return []
        outputs = dict(s.query(tx, "SELECT case_id, output FROM {cases}"))
        problems: dict[int, str] = {}
        for case_id, g in frame.groupby("case_id", sort=False):
            if case_id not in outputs:
                for i in g["disposition_id"]:
                    problems[int(i)] = f"no case {case_id!r} in the register: correct the case_id"
                continue
            procedure = procedure_for(outputs[case_id])
            good: list[dict[str, Any]] = []
            for r in g.sort_values("disposition_id").to_dict("records"):
                rid = int(r["disposition_id"])
                try:
                    procedure.step(str(r["status"] or ""))
                except ValueError as exc:
                    problems[rid] = str(exc)
                    continue
                d = r["date"]
                if d is None:
                    problems[rid] = "no date: give the step's date (YYYY-MM-DD)"
                    continue
                if d > dt.date.today():
                    problems[rid] = f"the date {d} is after today"
                    continue
                entry = _entry(r)
                new = [p for p in check_steps(procedure, [*good, entry]) if p not in check_steps(procedure, good)]
                if new:
                    problems[rid] = "; ".join(new)
                else:
                    good.append(entry)
        rows = [(problems.get(int(i)), int(i)) for i in frame["disposition_id"]]
        changed = [r for r, old in zip(rows, frame["problem"], strict=True) if (r[0] or None) != (old or None)]
        s.executemany(tx, "UPDATE {dispositions} SET problem = ? WHERE disposition_id = ?", changed)
        self._refresh_disposal(tx)
        by_id = frame.set_index("disposition_id")
        return [f"[register] disposal entry {i} ({by_id.at[i, 'case_id']}, {by_id.at[i, 'status']}): {p}; it is "
                f"not counted until corrected" for i, p in problems.items()]

    def alerts(self, as_of: dt.date, *, rules: Any = None) -> pd.DataFrame:
        """What the recorded procedural steps make due, as of ``as_of``: one row per deadline of an open case
        (``case_id``, ``case_key``, ``label``, ``step``, ``due``, ``what_zh``, ``days_left``, ``overdue``, ``rule``)."""
        from ..rules import resolve_rules

        rules = resolve_rules(rules)
        with self.store.transaction() as tx:
            cases = self._frame(tx, CASES, "WHERE state = 'open' AND disposal IS NOT NULL")
            disp = self._frame(tx, DISPOSITIONS)
        return _deadlines(cases, disp, rules, as_of)

    # -- undo and diff ----------------------------------------------------------------------------------------
    def undo(self, round_id: int | None = None, *, who: str | None = None) -> int:
        """Undo the last round (or ``round_id``, which must be the last): its events removed, every case it
        touched put back as the round before left it, its new cases removed; its row kept, marked undone."""
        s = self.store
        with s.transaction() as tx:
            s.lock(tx)
            rounds = self._frame(tx, ROUNDS)
            live = rounds[rounds["undone_at"].isna()]
            if not len(live):
                raise RegisterError(f"the register {self.where} has no round to undo")
            last = int(live["round_id"].iat[-1])
            if round_id is not None and int(round_id) != last:
                raise RegisterError(f"round {round_id} is not the last round ({last}): undo {last} first, then the "
                                    "rounds before it one by one")
            events = self._frame(tx, EVENTS, "WHERE round_id = ?", (last,))
            new_ids = list(events.loc[events["change"] == "new", "case_id"])
            if new_ids:
                held = s.query(tx, "SELECT DISTINCT case_id FROM {dispositions} WHERE case_id IN (" +
                               ", ".join("?" * len(new_ids)) + ")", new_ids)
                if held:
                    raise RegisterError(
                        f"round {last} made case(s) {', '.join(r[0] for r in held)} which have disposal entries "
                        "since: undoing it would leave those entries without a case; remove them first")
            touched = [c for c in events["case_id"] if c not in set(new_ids)]
            s.execute(tx, "DELETE FROM {case_events} WHERE round_id = ?", (last,))
            if new_ids:
                s.executemany(tx, "DELETE FROM {cases} WHERE case_id = ?", [(c,) for c in new_ids])
            for case_id in touched:
                self._restore(tx, case_id)
            s.execute(tx, "UPDATE {rounds} SET undone_at = ?, undone_by = ? WHERE round_id = ?",
                      (_now(), _who(who), last))
            touch = getattr(s, "touch", None)
            if touch is not None:
                touch(tx)
        return last

    def _restore(self, tx: Any, case_id: str) -> None:
        """Put a case back as its remaining events leave it."""
        s = self.store
        ev = self._frame(tx, EVENTS, "WHERE case_id = ?", (case_id,))
        rounds = self._frame(tx, ROUNDS)
        as_of = dict(zip(rounds["round_id"], rounds["as_of"], strict=True))
        last = ev.iloc[-1]
        seen = ev[ev["change"] != "resolved"]
        found = seen.iloc[-1]
        geoms = ev[ev.geometry.notna()]
        wkb = shapely.to_wkb(geoms.geometry.iat[-1]) if len(geoms) else None
        facts = json.loads(found["facts"]) if isinstance(found["facts"], str) else {}
        label = s.query(tx, "SELECT label FROM {cases} WHERE case_id = ?", (case_id,))[0][0]
        state = "resolved" if last["change"] == "resolved" else "open"
        s.execute(tx, "UPDATE {cases} SET case_key = ?, state = ?, change = ?, last_round = ?, changed_round = ?, "
                      "as_of = ?, area_m2 = ?, area_mu = ?, measure = ?, status = ?, status_zh = ?, rule = ?, "
                      f"reason = ?, reason_zh = ?, label = ?, geom = {s.geom_in()} WHERE case_id = ?",
                  (found["case_key"], state, last["change"], int(found["round_id"]), int(last["round_id"]),
                   _iso(as_of.get(int(found["round_id"]))), _num(found["area_m2"]), _num(found["area_mu"]),
                   _num(found["measure"]), found["status"], found["status_zh"], facts.get("rule"),
                   last["reason"] if state == "resolved" else None, last["reason_zh"] if state == "resolved" else None,
                   label, s.to_param(wkb), case_id))

    def diff(self, first: int, second: int) -> pd.DataFrame:
        """Every case whose state or figures differ between round ``first`` and round ``second``: its state and
        figures as each round left them, and the change (new since, resolved since, reappeared, area/measure)."""
        if first == second:
            raise RegisterError("diff compares two different rounds")
        a, b = sorted((int(first), int(second)))
        with self.store.transaction() as tx:
            rounds = self._frame(tx, ROUNDS)
            for r in (a, b):
                row = rounds[rounds["round_id"] == r]
                if not len(row):
                    raise RegisterError(f"no round {r} in {self.where} (rounds: "
                                        f"{', '.join(str(x) for x in rounds['round_id']) or 'none'})")
                if row["undone_at"].notna().iat[0]:
                    raise RegisterError(f"round {r} was undone: it has no state to compare")
            ev = self._frame(tx, EVENTS, "WHERE round_id <= ?", (b,))
            labels = dict(s for s in self.store.query(tx, "SELECT case_id, label FROM {cases}"))
            outputs = dict(s for s in self.store.query(tx, "SELECT case_id, output FROM {cases}"))
        ev = pd.DataFrame(ev.drop(columns=["geometry", "facts"]))

        def state_at(r: int) -> pd.DataFrame:
            e = ev[ev["round_id"] <= r].groupby("case_id").tail(1).set_index("case_id")
            e["state"] = np.where(e["change"] == "resolved", "resolved", "open")
            return e[["state", "case_key", "area_m2", "area_mu", "measure", "status", "reason_zh"]]

        sa, sb = state_at(a), state_at(b)
        both = sa.join(sb, how="outer", lsuffix=f"_{a}", rsuffix=f"_{b}")
        sa_state, sb_state = both[f"state_{a}"], both[f"state_{b}"]
        change = np.select(
            [sa_state.isna() & (sb_state == "open"), (sa_state == "open") & (sb_state == "resolved"),
             (sa_state == "resolved") & (sb_state == "open"), sa_state.isna() & (sb_state == "resolved"),
             (sa_state == sb_state) & (sb_state == "open")],
            ["new", "resolved", "reappeared", "new_and_resolved", "persisting"], default="unchanged")
        both["change"] = change
        both["d_area_m2"] = both[f"area_m2_{b}"] - both[f"area_m2_{a}"]
        both["d_measure"] = both[f"measure_{b}"] - both[f"measure_{a}"]
        keep = (both["change"] != "unchanged") & ~((both["change"] == "persisting")
                                                   & (both["d_area_m2"].fillna(0).abs() < 0.01)
                                                   & (both["d_measure"].fillna(0) == 0)
                                                   & (both[f"status_{a}"].fillna("") == both[f"status_{b}"].fillna(""))
                                                   & (both[f"case_key_{a}"] == both[f"case_key_{b}"]))
        out = both[keep].reset_index()
        out.insert(1, "output", out["case_id"].map(outputs))
        out.insert(2, "label", out["case_id"].map(labels))
        return out

    def _extension_notes(self, tx: Any, events: pd.DataFrame, found: gpd.GeoDataFrame) -> list[str]:
        """An extension recorded in the register that the supplies layer does not carry: the audit read the old date."""
        from .procedures import procedure_for

        disp = self._frame(tx, DISPOSITIONS)
        disp = disp[(disp["problem"].isna() | (disp["problem"] == "")) & disp["new_date"].notna()]
        notes: list[str] = []
        if not len(disp):
            return notes
        seen = events[events["finding"] >= 0].set_index("case_id")["finding"]
        for r in disp.sort_values("disposition_id").groupby("case_id").tail(1).itertuples(index=False):
            if r.case_id not in seen.index:
                continue
            f = found.iloc[int(seen[r.case_id])]
            try:
                step = procedure_for(f["output"]).step(r.status)
            except ValueError:
                continue
            if not step.restarts:
                continue
            facts = json.loads(f["facts"])
            given = _date(facts.get("extended_start_date"))
            if given != r.new_date:
                notes.append(f"[register] {r.case_id} ({f['case_key']}): the register records {step.label_zh} to "
                             f"{r.new_date}, the supplies layer's 补充协议约定动工开发日期 (extended_start_date) is "
                             f"{given or 'empty'}: the audit read the layer; enter the agreed date there")
        return notes


def _deadlines(cases: pd.DataFrame, disp: pd.DataFrame, rules: Any, as_of: dt.date) -> pd.DataFrame:
    """What the valid disposal entries ``disp`` of ``cases`` make due as of ``as_of``: one row per deadline."""
    from .procedures import deadlines, procedure_for

    disp = disp[disp["problem"].isna() | (disp["problem"] == "")]
    by_case = {k: g for k, g in disp.groupby("case_id")}
    rows = []
    for c in cases.itertuples(index=False):
        g = by_case.get(c.case_id)
        if g is None:
            continue
        steps = [_entry(r) for r in g.sort_values("disposition_id").to_dict("records")]
        for d in deadlines(procedure_for(c.output), steps, rules, as_of):
            rows.append({"case_id": c.case_id, "case_key": c.case_key, "label": c.label, **d})
    return pd.DataFrame(rows, columns=["case_id", "case_key", "label", "status", "due", "what_zh", "days_left",
                                       "overdue", "rule"])


def _entry(r: Mapping[str, Any]) -> dict[str, Any]:
    return {"status": r.get("status"), "date": _date(r.get("date")), "doc_no": r.get("doc_no") or "",
            "new_date": _date(r.get("new_date")), "amount_wan": _num(r.get("amount_wan"))}


def _still_found_after_closing(events: pd.DataFrame, closed_by: Mapping[str, tuple[str, str]]) -> list[str]:
    seen = events[events["change"].isin(["persisting", "reappeared"]) & events["case_id"].isin(list(closed_by))]
    return [f"[register] {r.case_id} ({r.case_key}) is recorded as {closed_by[r.case_id][1]} but this round still "
            "finds it: check the disposal or the inputs" for r in seen.itertuples(index=False)]


def _summary(events: pd.DataFrame) -> pd.DataFrame:
    """Per output and change: the count and area (亩) of the cases."""
    rows = []
    for output, g in events.groupby("output", sort=False):
        # an output without an area (deadline alerts) has none, not 0 亩
        has_area = pd.to_numeric(g["area_mu"], errors="coerce").notna().any()
        for change in CHANGES:
            part = g[g["change"] == change]
            area = float(pd.to_numeric(part["area_mu"], errors="coerce").sum()) if has_area else float("nan")
            rows.append({"output": output, "change": change, "change_zh": CHANGES[change][0], "count": len(part),
                         "area_mu": area})
    return pd.DataFrame(rows, columns=["output", "change", "change_zh", "count", "area_mu"])


def _version() -> str:
    from .. import __version__

    return __version__
