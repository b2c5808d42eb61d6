"""Open a report in headless Chromium and see it as a person would: what it requested, what it logged, a screenshot.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: JSON
messages on file descriptors 3 and 4), so no websocket library is needed. Every request the page
makes is recorded (``Network.requestWillBeSent``), as are console errors, uncaught exceptions and
browser log errors; host names resolve to nothing (``--host-resolver-rules``), so even a request
that slipped through could not reach the internet.

Used by the tests (the report must request nothing but itself) and by
``scripts/screenshot_report.py`` (the README's screenshot).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["NO_CHROMIUM", "PageLoad", "find_chromium", "load_page", "print_pdf"]

#: what to do when no browser is found
NO_CHROMIUM = ("Chromium not found: install it (Debian/Ubuntu: apt-get install chromium; or Google Chrome) or set "
               "REDLINE_CHROMIUM to the executable")

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

_FIGURES_JS = """JSON.stringify(Array.from(document.querySelectorAll('[data-figure]')).map(
    e => [e.getAttribute('data-figure'), e.textContent, e.getAttribute('data-value'),
          e.getAttribute('data-unit') || '']))"""


def find_chromium() -> str | None:
    """The Chromium (or Chrome) executable: ``$REDLINE_CHROMIUM``, else the first on PATH; None if absent."""
    env = os.environ.get("REDLINE_CHROMIUM")
    if env and Path(env).exists():
        return env
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class PageLoad:
    """What loading a page did."""

    url: str
    requests: list[str] = field(default_factory=list)  # every URL the page requested (itself included)
    failed: list[str] = field(default_factory=list)  # requests that failed, with the error text
    console_errors: list[str] = field(default_factory=list)  # console errors, exceptions, log errors
    figures: list[tuple[str, str, str, str]] = field(default_factory=list)  # (data-figure, text, value, unit)
    title: str = ""
    screenshot: bytes | None = None
    content_height: int = 0
    pdf: bytes | None = None  # the page printed (``load_page(..., pdf=True)``), by its print stylesheet

    @property
    def external_requests(self) -> list[str]:
        """Requests for anything other than the page itself and inline ``data:`` URIs."""
        return [u for u in self.requests if u != self.url and not u.startswith("data:")]


class _Process:
    """A spawned child: wait with a timeout, kill."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def kill(self) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, 9)


class _Pipe:
    def __init__(self, proc: _Process, write_fd: int, read_fd: int) -> None:
        self.proc = proc
        self.write_fd = write_fd
        self.read_fd = read_fd
        self.next_id = 0
        self.messages: queue.Queue = queue.Queue()
        self.events: list[dict] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self.read_fd, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                try:
                    self.messages.put(json.loads(raw))
                except ValueError:
                    continue
        self.messages.put(None)

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 60):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.write_fd, json.dumps(msg).encode() + b"\0")
        want = self.next_id
        deadline = time.monotonic() + timeout
        while True:
            msg = self._next(deadline, method)
            if msg.get("id") == want:
                if "error" in msg:
                    raise RuntimeError(f"DevTools {method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, name: str, timeout: float = 60) -> dict:
        for ev in self.events:
            if ev.get("method") == name:
                return ev
        deadline = time.monotonic() + timeout
        while True:
            msg = self._next(deadline, name)
            if "method" in msg:
                self.events.append(msg)
                if msg["method"] == name:
                    return msg

    def _next(self, deadline: float, what: str) -> dict:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"Chromium did not answer {what} in time")
        try:
            msg = self.messages.get(timeout=left)
        except queue.Empty:
            raise TimeoutError(f"Chromium did not answer {what} in time") from None
        if msg is None:
            raise RuntimeError(f"Chromium closed the DevTools pipe while waiting for {what}")
        return msg


def load_page(path, *, width: int = 1280, height: int = 2400, screenshot: bool = False, full_page: bool = False,
              element: str | None = None, chromium: str | None = None, timeout: float = 90,
              pdf: bool = False, pages: str = "") -> PageLoad:
    """Load a local HTML file in headless Chromium and report what happened.

    Parameters
    ----------
    path : path
        The HTML file.
    width, height : int
        The viewport in CSS pixels (the screenshot's size unless ``full_page``).
    screenshot : bool
        Capture a PNG of the viewport (``full_page``: of the whole page).
    element : str, optional
        With ``screenshot``: capture the first element matching this CSS selector (e.g. ``#register``), whole,
        instead; an error when the page has none.
    chromium : str, optional
        The browser executable (default :func:`find_chromium`).
    pdf : bool
        Also print the page to PDF (``PageLoad.pdf``) as the browser prints it: its ``@media print`` rules and
        the ``@page`` size they ask for (A4 for the report), backgrounds kept.
    pages : str
        With ``pdf``: the pages to print, e.g. ``"1"`` or ``"1-3"`` (default all).
    """
    exe = chromium or find_chromium()
    if exe is None:
        raise FileNotFoundError(NO_CHROMIUM)
    url = Path(os.fspath(path)).resolve().as_uri()
    profile = tempfile.mkdtemp(prefix="redline-chromium-")
    # fd 3: commands to Chromium, fd 4: its answers
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--disable-default-apps", "--mute-audio",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars", f"--user-data-dir={profile}",
            "--remote-debugging-pipe", f"--window-size={width},{height}", "about:blank"]

    # posix_spawn (no fork of this possibly multi-threaded process) with the pipe ends as fds 3 and 4;
    # dup them high first so that dup2 never meets its own target
    import fcntl

    high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
    high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(to_child_r)
    os.close(from_child_w)
    actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
               (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
               (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
               (os.POSIX_SPAWN_DUP2, high_r, 3), (os.POSIX_SPAWN_DUP2, high_w, 4)]
    try:
        pid = os.posix_spawn(exe, args, os.environ, file_actions=actions)
    finally:
        os.close(high_r)
        os.close(high_w)
    proc = _Process(pid)
    pipe = _Pipe(proc, to_child_w, from_child_r)
    result = PageLoad(url=url)
    try:
        target = pipe.send("Target.createTarget", {"url": "about:blank"}, timeout=timeout)["targetId"]
        session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method in ("Network.enable", "Runtime.enable", "Log.enable", "Page.enable"):
            pipe.send(method, session=session)
        pipe.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1,
                                                         "mobile": False}, session=session)
        pipe.events.clear()
        pipe.send("Page.navigate", {"url": url}, session=session, timeout=timeout)
        pipe.wait_event("Page.loadEventFired", timeout=timeout)
        value = pipe.send("Runtime.evaluate", {"expression": _FIGURES_JS, "returnByValue": True},
                          session=session)["result"]["value"]
        result.figures = [tuple(x) for x in json.loads(value)]
        result.title = pipe.send("Runtime.evaluate", {"expression": "document.title", "returnByValue": True},
                                 session=session)["result"]["value"]
        metrics = pipe.send("Page.getLayoutMetrics", session=session)
        result.content_height = int(metrics.get("cssContentSize", metrics.get("contentSize", {})).get("height", 0))
        if screenshot:
            params: dict[str, Any] = {"format": "png"}
            if element is not None:
                js = ("(() => { const e = document.querySelector(" + json.dumps(element) + "); if (!e) return null; "
                      "const r = e.getBoundingClientRect(); return [r.left + window.scrollX, r.top + window.scrollY, "
                      "r.width, r.height]; })()")
                box = pipe.send("Runtime.evaluate", {"expression": js, "returnByValue": True},
                                session=session)["result"].get("value")
                if not box:
                    raise ValueError(f"the page {url} has no element {element!r} to capture")
                params["captureBeyondViewport"] = True
                params["clip"] = {"x": box[0], "y": box[1], "width": box[2], "height": box[3], "scale": 1}
            elif full_page:
                params["captureBeyondViewport"] = True
                params["clip"] = {"x": 0, "y": 0, "width": width, "height": result.content_height, "scale": 1}
            result.screenshot = base64.b64decode(pipe.send("Page.captureScreenshot", params, session=session,
                                                           timeout=timeout)["data"])
        if pdf:
            printed = pipe.send("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True,
                                                    "displayHeaderFooter": False, "pageRanges": pages},
                                session=session, timeout=timeout)
            result.pdf = base64.b64decode(printed["data"])
        with contextlib.suppress(RuntimeError, TimeoutError):
            pipe.send("Browser.close", timeout=10)
    finally:
        if not proc.wait(timeout=10):
            proc.kill()
            proc.wait(timeout=10)
        os.close(to_child_w)
        pipe.thread.join(timeout=5)
        os.close(from_child_r)
        shutil.rmtree(profile, ignore_errors=True)
    for ev in pipe.events:
        kind, event = ev.get("method"), ev.get("params", {})
        if kind == "Network.requestWillBeSent":
            result.requests.append(event.get("request", {}).get("url", ""))
        elif kind == "Network.loadingFailed":
            result.failed.append(f"{event.get('requestId')}: {event.get('errorText')}")
        elif kind == "Runtime.consoleAPICalled" and event.get("type") in ("error", "assert"):
            result.console_errors.append(" ".join(str(a.get("value", a.get("description", "")))
                                                  for a in event.get("args", [])))
        elif kind == "Runtime.exceptionThrown":
            details = event.get("exceptionDetails", {})
            described = details.get("exception", {}).get("description", "")
            result.console_errors.append(f"{details.get('text', 'exception')} {described}".strip())
        elif kind == "Log.entryAdded" and event.get("entry", {}).get("level") == "error":
            entry = event["entry"]
            result.console_errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip())
    return result


def print_pdf(path, dest, *, chromium: str | None = None, timeout: float = 900, pages: str = "") -> Path:
    """Print a local HTML file to the PDF ``dest`` in headless Chromium (its print stylesheet, its ``@page`` size).

    A long report takes minutes to lay out on a busy machine, hence the generous ``timeout`` (seconds);
    ``pages`` (e.g. ``"1"``) prints only those.

    Raises :class:`FileNotFoundError` (:data:`NO_CHROMIUM`) when no Chromium is installed, and
    :class:`RuntimeError` when the page logged errors or asked for anything outside itself.
    """
    load = load_page(path, pdf=True, chromium=chromium, timeout=timeout, pages=pages)
    if load.external_requests or load.console_errors:
        raise RuntimeError(f"{path} requested {load.external_requests} / logged {load.console_errors}: not printed")
    assert load.pdf is not None
    out = Path(os.fspath(dest))
    out.write_bytes(load.pdf)
    return out
