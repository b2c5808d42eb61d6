"""A result set: the files one run writes into its output folder (GeoPackage, ledger, report), all new or all old.

A run writes every file of its set into a temporary folder beside the output folder
(``.<folder>.redline-<run id>``), each file stamped with the run's id (the GeoPackage's ``redline_run``
layer, the ledger's document property *identifier* and its 说明 sheet, the report's
``<meta name="redline-run">``). Only when all are written does it swap them in:

1. ``swap.json`` in the temporary folder records which files the output folder held;
2. each of them is hard-linked (or copied) into ``previous/`` in the temporary folder;
3. each new file is moved in with :func:`os.replace`; files of the old set that the new one lacks are removed;
4. the manifest ``redline_manifest.json`` (run id, files) is moved in last: that is the commit;
5. the temporary folder is removed.

A failure before the commit (a file that cannot be written, a ledger held open or read-only, a directory
in a file's place) restores the old files from ``previous/`` and removes the temporary folder: the old
set is left as it was. A run killed on the way leaves its temporary folder; the next run into the
folder, or the next reader (:func:`verify_set`, which ``redline report --from`` uses), rolls it back
(before the commit) or tidies it away (after). A folder whose files carry different run ids is refused
by :func:`verify_set`, naming the files.

On POSIX the output folder is locked (``flock``) while a set is written, so two runs cannot interleave
and a live run's temporary folder is never taken for a dead one's; Windows has no such lock here: do not
run two audits into one folder at once there.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import signal
import sqlite3
import stat
import uuid
import zipfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import RedlineIOError

log = logging.getLogger("redline")

MANIFEST = "redline_manifest.json"
#: the files a result set may hold, in the order they are swapped in (the manifest comes last)
SET_FILES = ("redline_results.gpkg", "redline_ledger.xlsx", "redline_report.html")
#: files a set holds only when asked for (the report printed to PDF), swapped in after the others
EXTRA_FILES = ("redline_report.pdf",)
_ALL_FILES = SET_FILES + EXTRA_FILES
#: test hook: the name of a write phase at which the process kills itself with SIGKILL (used only by tests)
KILL_ENV = "REDLINE_TEST_KILL_AT"
#: the phases a set write passes, in order (``replaced:<file>`` after each file is moved in)
PHASES = ("begin", "gpkg", "ledger.partial", "ledger", "report", "ready", "backup",
          *(f"replaced:{n}" for n in SET_FILES), "committed")

__all__ = ["EXTRA_FILES", "MANIFEST", "PHASES", "SET_FILES", "ResultSet", "new_run_id", "read_run_id", "recover", "verify_set"]


def new_run_id() -> str:
    """A run id: UTC time and a random suffix, e.g. ``20260630T101500Z-1a2b3c4d``."""
    return f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def phase(name: str) -> None:
    """Mark a write phase; under the test hook ``REDLINE_TEST_KILL_AT=<name>`` the process dies here."""
    if os.environ.get(KILL_ENV) == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def read_run_id(path: str | os.PathLike) -> str | None:
    """The run id stamped in a result file (GeoPackage, ledger, report or manifest); None when it has none.

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "redline_report.html"
    >>> _ = p.write_text('<html><head><meta name="redline-run" content="R1"></head></html>')
    >>> read_run_id(p)
    'R1'
    """
    path = Path(os.fspath(path))
    suffix = path.suffix.lower()
    try:
        if path.name == MANIFEST:
            return json.loads(path.read_text(encoding="utf-8")).get("run_id")
        if suffix == ".gpkg":
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                row = con.execute("SELECT value FROM redline_run WHERE key = 'run_id'").fetchone()
            except sqlite3.Error:
                return None
            finally:
                con.close()
            return row[0] if row else None
        if suffix == ".xlsx":
            from xml.etree import ElementTree

            with zipfile.ZipFile(path) as z:
                core = ElementTree.fromstring(z.read("docProps/core.xml"))
            found = core.find("{http://purl.org/dc/elements/1.1/}identifier")
            return found.text if found is not None and found.text else None
        if suffix == ".pdf":
            import pypdf

            try:
                info = pypdf.PdfReader(path).metadata
            except pypdf.errors.PyPdfError as exc:
                raise ValueError(f"not a readable PDF ({exc})") from exc
            return str(info["/RedlineRun"]) if info is not None and "/RedlineRun" in info else None
        if suffix in (".html", ".htm"):
            with open(path, encoding="utf-8", errors="replace") as fh:
                head = fh.read(8192)
            m = re.search(r'<meta name="redline-run" content="([^"]*)"', head)
            return m.group(1) if m else None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, sqlite3.Error, SyntaxError) as exc:
        raise RedlineIOError(f"cannot read the run id of {path}: {exc}") from exc
    return None


class _Lock:
    """An exclusive, non-blocking ``flock`` on a folder (POSIX); a no-op where there is none."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.fd: int | None = None

    def acquire(self) -> bool:
        try:
            import fcntl
        except ImportError:  # Windows
            return True
        self.fd = os.open(self.folder, os.O_RDONLY)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            self.fd = None
            return False
        return True

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor releases the lock
            self.fd = None


def _temp_folders(out: Path) -> list[Path]:
    found = list(out.parent.glob(f".{out.name}.redline-*"))
    if out.is_dir():
        found += list(out.glob(".redline-*"))
    return sorted(p for p in found if p.is_dir())


def recover(out: str | os.PathLike) -> list[str]:
    """Roll back (or, after its commit, tidy away) what an interrupted run left in folder ``out``.

    Call it only while no run is writing into ``out`` (the writers hold the folder's lock). Returns
    one line per temporary folder dealt with.
    """
    out = Path(os.fspath(out))
    done = []
    for tmp in _temp_folders(out):
        journal = tmp / "swap.json"
        if not journal.exists():  # killed before the swap began: the output folder was not touched
            shutil.rmtree(tmp, ignore_errors=True)
            done.append(f"removed the unfinished result set {tmp.name} (the run stopped before the swap)")
            continue
        j = json.loads(journal.read_text(encoding="utf-8"))
        manifest = out / MANIFEST
        committed = manifest.exists() and read_run_id(manifest) == j["run_id"]
        if not committed:
            _roll_back(out, tmp, j)
            done.append(f"rolled back the interrupted swap of run {j['run_id']}: the previous set is in place")
        else:
            done.append(f"removed the temporary folder of run {j['run_id']} (its set was in place)")
        shutil.rmtree(tmp, ignore_errors=True)
    for line in done:
        log.warning("%s: %s", out, line)
    return done


def _roll_back(out: Path, tmp: Path, journal: dict) -> None:
    existed = set(journal["existed"])
    for name in journal["touched"]:
        target = out / name
        if name in existed:
            backup = tmp / "previous" / name
            if backup.exists():  # no backup: the swap had not reached this file, it is the old one
                os.replace(backup, target)
        elif target.exists() and target.is_file():
            target.unlink()  # a file the old set did not have


def _check_replaceable(target: Path) -> None:
    if not target.exists() and not target.is_symlink():
        return
    if target.is_dir():
        raise RedlineIOError(f"cannot replace {target}: a folder is in its place; move it away and run again")
    if not target.stat().st_mode & stat.S_IWUSR:
        raise RedlineIOError(f"cannot replace {target}: the file is read-only; make it writable or choose "
                             "another output folder")
    try:
        with open(target, "r+b"):
            pass
    except OSError as exc:  # e.g. held open by Excel / WPS on Windows
        raise RedlineIOError(f"cannot replace {target} (is it open in Excel/WPS/QGIS?): {exc}") from exc


class ResultSet:
    """Write a result set into folder ``out``, all files or none (see the module's description).

    Parameters
    ----------
    out : path
        The output folder (created if missing).
    run_id : str, optional
        The run's id (a new one by default). Adding a file to an existing set (a report built from it)
        passes that set's id with ``keep=True``.
    keep : bool
        Keep the folder's other set files (add to the set) instead of replacing the whole set.
    inputs : iterable
        The run's input sources: a set file that would land on one of them is refused.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "results"
    >>> with ResultSet(out, run_id="R1") as rs:
    ...     _ = rs.path("redline_report.html").write_text('<meta name="redline-run" content="R1">')
    >>> sorted(p.name for p in out.iterdir())
    ['redline_manifest.json', 'redline_report.html']
    >>> verify_set(out)
    'R1'
    """

    def __init__(self, out: str | os.PathLike, *, run_id: str | None = None, keep: bool = False,
                 inputs: Iterable = ()) -> None:
        self.out = Path(os.fspath(out))
        self.run_id = run_id or new_run_id()
        self.keep = keep
        self.inputs = list(inputs)
        self.removed: list[str] = []
        self.recovered: list[str] = []  # what an interrupted earlier run left, and what was done about it
        self.tmp: Path | None = None
        self._lock: _Lock | None = None

    def __enter__(self) -> ResultSet:
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RedlineIOError(f"cannot create the output folder {self.out}: {exc}") from exc
        from .write import check_not_input

        for name in _ALL_FILES:
            check_not_input(self.out / name, self.inputs)
        self._lock = _Lock(self.out)
        if not self._lock.acquire():
            raise RedlineIOError(f"another redline run is writing into {self.out}; wait for it to finish")
        try:
            self.recovered = recover(self.out)
            tmp = self.out.parent / f".{self.out.name}.redline-{self.run_id}"
            try:
                tmp.mkdir()
                beside = os.stat(tmp).st_dev == os.stat(self.out).st_dev
                if not beside:  # the output folder is a mount point: os.replace cannot cross it
                    tmp.rmdir()
            except OSError:  # a parent folder we may not write in
                beside = False
            if not beside:
                tmp = self.out / f".redline-{self.run_id}"
                tmp.mkdir()
            self.tmp = tmp
        except BaseException:
            self._lock.release()
            raise
        phase("begin")
        return self

    def path(self, name: str) -> Path:
        """Where to write set file ``name`` (one of :data:`SET_FILES` or :data:`EXTRA_FILES`) before the swap."""
        if name not in _ALL_FILES:
            raise ValueError(f"{name!r} is not a result-set file; one of {', '.join(_ALL_FILES)}")
        return self._staging() / name

    def _staging(self) -> Path:
        if self.tmp is None:
            raise RuntimeError("a ResultSet is written inside its `with` block")
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self._commit()
        except BaseException:
            self._cleanup()
            raise
        else:
            self._cleanup()

    def _cleanup(self) -> None:
        if self.tmp is not None and self.tmp.exists():
            shutil.rmtree(self.tmp, ignore_errors=True)
            if self.tmp.exists():
                log.warning("could not remove the temporary folder %s; delete it by hand", self.tmp)
        if self._lock is not None:
            self._lock.release()

    def _commit(self) -> None:
        tmp = self._staging()
        new = [n for n in _ALL_FILES if (tmp / n).exists()]
        if not new:
            raise RedlineIOError("nothing to write")
        for name in new:
            stamped = read_run_id(tmp / name)
            if stamped != self.run_id:  # a writer that forgot the stamp would make a set no reader accepts
                raise RedlineIOError(f"{name} carries run id {stamped!r}, not this run's {self.run_id!r}")
        old_manifest = self.out / MANIFEST
        listed = []
        if old_manifest.exists():
            try:
                listed = list(json.loads(old_manifest.read_text(encoding="utf-8")).get("files", []))
            except (OSError, ValueError):
                listed = []
        old = [n for n in _ALL_FILES if (self.out / n).exists() or (self.out / n).is_symlink()]
        files = sorted(set(new) | (set(old) & set(listed) if self.keep else set()), key=_ALL_FILES.index)
        remove = [] if self.keep else [n for n in old if n not in new]
        manifest = {"run_id": self.run_id, "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "files": files}
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        phase("ready")
        touched = [*new, *remove, MANIFEST]
        for name in touched:
            _check_replaceable(self.out / name)
        existed = [n for n in touched if (self.out / n).exists()]
        journal = {"run_id": self.run_id, "existed": existed, "touched": touched}
        _write_durably(tmp / "swap.json", json.dumps(journal))
        try:
            previous = tmp / "previous"
            previous.mkdir()
            for name in existed:
                _link_or_copy(self.out / name, previous / name)
            phase("backup")
            for name in new:
                os.replace(tmp / name, self.out / name)
                phase(f"replaced:{name}")
            for name in remove:
                (self.out / name).unlink()
            os.replace(tmp / MANIFEST, self.out / MANIFEST)  # the commit
        except BaseException as exc:
            _roll_back(self.out, tmp, journal)
            if isinstance(exc, OSError | RedlineIOError):
                raise RedlineIOError(f"cannot swap the new results into {self.out} ({exc}); the previous "
                                     "results are left as they were") from exc
            raise
        phase("committed")
        self.removed = remove
        if remove:
            log.warning("removed %s from %s: it belonged to the replaced results", ", ".join(remove), self.out)


def _write_durably(path: Path, text: str) -> None:
    part = path.with_name(path.name + ".part")
    with open(part, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(part, path)


def _link_or_copy(src: Path, dest: Path) -> None:
    try:
        os.link(src, dest)
    except OSError:  # no hard links here (FAT, some shares): a copy, renamed whole into place
        part = dest.with_name(dest.name + ".part")
        shutil.copy2(src, part)
        os.replace(part, dest)


def verify_set(out: str | os.PathLike) -> str | None:
    """Check that the result files in folder ``out`` belong to one run; return its id.

    First rolls back what an interrupted run left (when no run is writing there now). Refuses, naming
    the files, a folder whose files carry different run ids or ids other than the manifest's. A folder
    written before result sets had ids (no manifest, no ids) is accepted as it is: None is returned.
    """
    out = Path(os.fspath(out))
    lock = _Lock(out)
    if out.is_dir() and lock.acquire():
        try:
            recover(out)
        finally:
            lock.release()
    manifest = out / MANIFEST
    expected = read_run_id(manifest) if manifest.exists() else None
    ids = {n: read_run_id(out / n) for n in _ALL_FILES if (out / n).is_file()}
    if expected is None and not any(ids.values()):
        return None
    runs = {v for v in ids.values()} | ({expected} if expected else set())
    if len(runs) > 1:
        said = ", ".join(f"{n} is from run {v or '(none: an older or foreign file)'}" for n, v in ids.items())
        if expected:
            said += f"; {MANIFEST} names run {expected}"
        busy = " (a run is writing into the folder right now: wait and try again)" if _temp_folders(out) else ""
        raise RedlineIOError(f"the results in {out} are a mix of different runs: {said}{busy}. Run the audit "
                             "again into this folder, or use a folder holding one run's files")
    return runs.pop()
