"""Where redline's own Python is, and how the plugin talks to it (no qgis import: tested without QGIS).

redline runs in an environment of its own, never inside QGIS's Python: its dependencies (numpy 2,
affine 3, wheels that bundle GDAL and PROJ) would shadow the ones QGIS was built with and break QGIS's
own algorithms (Debian 12: ``gdal:rastercalculator`` fails on numpy 2). The plugin finds that
environment's interpreter, in this order:

1. the environment variable ``REDLINE_PYTHON``;
2. the QGIS setting ``redline/python`` (Settings › Options › Advanced, or the plugin's install help);
3. the default place ``scripts/install_for_qgis.py`` installs to: ``~/.local/share/redline/venv`` on
   Linux and macOS, ``%LOCALAPPDATA%\\redline\\venv`` on Windows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(HERE, "worker.py")

__all__ = ["WORKER", "RedlineNotFound", "default_venv", "find_python", "load_catalogue", "venv_python",
           "worker_command", "worker_env"]


class RedlineNotFound(RuntimeError):
    """redline's Python is not where the plugin looks, or cannot run redline."""


def default_venv(platform: str | None = None, environ=None) -> str:
    """The folder ``scripts/install_for_qgis.py`` makes redline's environment in."""
    platform = platform or sys.platform
    environ = os.environ if environ is None else environ
    if platform.startswith("win"):
        base = environ.get("LOCALAPPDATA") or os.path.join(os.path.expanduser("~"), "AppData", "Local")
        return os.path.join(base, "redline", "venv")
    base = environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "redline", "venv")


def venv_python(venv: str, platform: str | None = None) -> str:
    platform = platform or sys.platform
    return os.path.join(venv, "Scripts", "python.exe") if platform.startswith("win") else \
        os.path.join(venv, "bin", "python")


def find_python(setting: str | None = None, environ=None) -> tuple[str | None, str]:
    """``(interpreter, how it was found)``, or ``(None, where it was looked for)``."""
    environ = os.environ if environ is None else environ
    looked = []
    for how, candidate in (("REDLINE_PYTHON", environ.get("REDLINE_PYTHON")),
                           ("the QGIS setting redline/python", setting),
                           ("the default environment", venv_python(default_venv(environ=environ)))):
        if not candidate:
            continue
        if os.path.isfile(candidate):
            return candidate, f"{how}: {candidate}"
        looked.append(f"{how} ({candidate}: not found)")
    return None, "; ".join(looked) or "no place to look"


def worker_env(environ=None) -> dict:
    """The child's environment: QGIS's Python settings removed, so the child is redline's Python alone."""
    env = dict(os.environ if environ is None else environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE"):
        env.pop(name, None)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def worker_command(python: str, *args: str) -> list[str]:
    return [python, WORKER, *args]


def load_catalogue(python: str, timeout: float = 120) -> dict:
    """Ask redline's Python for its audits (one child process); raise :class:`RedlineNotFound` if it cannot."""
    try:
        proc = subprocess.run(worker_command(python, "catalogue"), capture_output=True, text=True, encoding="utf-8",
                              env=worker_env(), timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RedlineNotFound(f"{python} cannot be started: {exc}") from None
    for line in reversed(proc.stdout.splitlines()):
        try:
            answer = json.loads(line)
        except ValueError:
            continue
        if answer.get("ok"):
            return answer
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    raise RedlineNotFound(f"redline cannot be imported by {python} (exit {proc.returncode}: {' '.join(tail)})")
