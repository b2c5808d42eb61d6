"""Writing one file of a result set in a helper process while this process writes another.

A province's GeoPackage and its ledger each take tens of seconds, and neither writer can use a second core:
GDAL writes the GeoPackage while holding the interpreter's lock, so a thread making the ledger's rows waits
for it, and the ledger's rows are made in Python. :class:`Beside` runs a function (writing the GeoPackage) in a
forked copy of this process, which has the run's results in memory already (nothing is copied or sent), while
this process goes on (making the ledger); :meth:`Beside.wait` then returns what the helper measured, or raises
the error it met, as if the function had run here. The file is the one the function writes here, byte for byte.

The helper is used only where forking is safe and cheap: on Linux, when this process runs no other Python thread
(a forked copy of a threaded process can find a lock held by a thread it does not have; a cluster client, a
report server or a thread pool left running means the file is written here, one after the other, as before), and
not inside a desktop application (QGIS or another Qt program, whose threads Python does not see).
The helper dies with this process (a run killed while writing leaves no writer behind), and a helper that fails
leaves its error to be raised here, with the file it was writing left in the set's temporary folder (removed
with it).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["Beside", "can_fork"]

#: whether files may be written by a helper process at all (tests switch it off to check the plain path)
ENABLED = True


#: modules whose presence says this is a desktop application's process (QGIS, a Qt program), whose own threads
#: Python does not see: such a process is never forked
_GUI_MODULES = ("qgis.core", "PyQt5.QtCore", "PyQt6.QtCore", "PySide2.QtCore", "PySide6.QtCore")


def can_fork() -> bool:
    """Whether a helper process can be forked safely here: Linux, no Python thread but this one, and not a desktop
    application's process."""
    return (ENABLED and sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1
            and not any(m in sys.modules for m in _GUI_MODULES))


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this (forked) process when its parent dies (``PR_SET_PDEATHSIG``), and leave at once if
    the parent died before it was asked."""
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):  # no prctl: the pipe's closing still tells the parent
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _memory_mb() -> dict[str, float]:
    """This process's high-water mark (resident, shared pages with the parent included) and its own pages now
    (``Private_Clean + Private_Dirty``: what it added to the machine's memory), in MB of 2^20 bytes."""
    found: dict[str, float] = {}
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    found["peak_mb"] = int(line.split()[1]) / 1024
        private = 0
        with open("/proc/self/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(("Private_Clean:", "Private_Dirty:")):
                    private += int(line.split()[1])
        found["private_mb"] = private / 1024
    except OSError:  # pragma: no cover - not Linux's /proc
        pass
    return found


def _trim() -> None:
    """Return the memory this process has freed but its C allocator keeps (``malloc_trim``, glibc) to the system
    before forking: the helper then shares only pages in use, and a page the parent reuses for something else is
    not copied for a helper that never needed it."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class Beside:
    """``fn()`` run in a forked helper process (see the module's text), or here at once when that is not safe.

    >>> done = Beside.start(lambda: None, "nothing").wait()
    >>> sorted(k for k in done if k in ("seconds", "helper"))
    ['helper', 'seconds']
    """

    def __init__(self, what: str) -> None:
        self.what = what
        self.pid: int | None = None
        self.fd: int | None = None
        self.result: dict[str, Any] = {}

    @property
    def running(self) -> bool:
        """Whether a helper process is (or was, until :meth:`wait`) running the function."""
        return self.pid is not None

    @classmethod
    def start(cls, fn: Callable[[], Any], what: str, *, fork: bool = True) -> Beside:
        """Start ``fn`` in a helper process when ``fork`` and :func:`can_fork`, else run it here now (its error
        raised now)."""
        self = cls(what)
        if not (fork and can_fork()):
            clock = time.perf_counter()
            fn()
            self.result = {"seconds": time.perf_counter() - clock, "helper": False}
            return self
        _trim()
        read, write = os.pipe()
        parent = os.getpid()
        # the objects alive now are kept out of the helper's garbage collections, which would otherwise write to
        # each of them (and so copy the memory it shares with this process page by page); here they are unfrozen
        gc.freeze()
        try:
            pid = os.fork()
        except BaseException:
            gc.unfreeze()
            raise
        if pid == 0:  # the helper: run, report on the pipe, leave without running the parent's exit handlers
            code = 1
            try:
                os.close(read)
                _die_with_parent(parent)
                clock = time.perf_counter()
                fn()
                cpu = os.times()
                payload: dict[str, Any] = {"ok": True, "seconds": time.perf_counter() - clock,
                                           "cpu_s": cpu.user + cpu.system, **_memory_mb()}
                code = 0
            except BaseException as exc:  # every error is the parent's to raise
                payload = {"ok": False, "text": f"{type(exc).__name__}: {exc}"}
                with contextlib.suppress(Exception):  # an error that cannot be sent is sent as its text
                    payload["error"] = pickle.loads(pickle.dumps(exc))
            try:
                data = pickle.dumps(payload)
                while data:
                    data = data[os.write(write, data):]
                os.close(write)
            finally:
                os._exit(code)
        gc.unfreeze()
        os.close(write)
        self.pid, self.fd = pid, read
        return self

    def wait(self) -> dict[str, Any]:
        """What the helper measured (``seconds``, ``cpu_s``, ``peak_mb``, ``private_mb``; ``helper``: whether it
        ran in a helper at all), once it has ended; its error raised here if it failed."""
        if self.pid is None:
            return self.result
        chunks = []
        assert self.fd is not None
        while block := os.read(self.fd, 1 << 16):
            chunks.append(block)
        os.close(self.fd)
        _, status = os.waitpid(self.pid, 0)
        self.pid = self.fd = None
        from ..errors import RedlineIOError

        if not chunks:
            raise RedlineIOError(f"the helper process writing {self.what} ended without a word "
                                 f"(wait status {status}); nothing was written in its place")
        payload = pickle.loads(b"".join(chunks))
        if not payload["ok"]:
            error = payload.get("error")
            if isinstance(error, BaseException):
                raise error
            raise RedlineIOError(f"writing {self.what}: {payload['text']}")
        self.result = {k: v for k, v in payload.items() if k != "ok"} | {"helper": True}
        return self.result

    def cancel(self) -> None:
        """Stop the helper (this process failed: what it writes will not be used) and wait for it to end."""
        if self.pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        assert self.fd is not None
        os.close(self.fd)
        os.waitpid(self.pid, 0)
        self.pid = self.fd = None
