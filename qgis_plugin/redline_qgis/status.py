"""Is redline's own Python there, and new enough? If not, how to install it (no qgis import)."""

from __future__ import annotations

import platform
import sys

from .environment import RedlineNotFound, default_venv, find_python, load_catalogue

#: the oldest redline whose catalogue this plugin understands
MIN_REDLINE = (0, 1, 0)

_CACHE: dict = {}


def _version_tuple(text: str) -> tuple:
    parts = []
    for piece in str(text).split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def redline_status(setting: str | None = None, *, refresh: bool = False) -> tuple[bool, str, dict | None]:
    """``(True, "<version>", catalogue)`` when redline's Python answers (``catalogue["python"]`` is it), else
    ``(False, why, None)``. The answer is kept for the session (QGIS asks on every provider refresh)."""
    python, how = find_python(setting)
    if python is None:
        return False, f"redline's Python was not found (looked at {how})", None
    if not refresh and python in _CACHE:
        return _CACHE[python]
    try:
        catalogue = load_catalogue(python)
    except RedlineNotFound as exc:
        answer = (False, str(exc), None)
    else:
        version = str(catalogue.get("redline_version", "0"))
        if _version_tuple(version) < MIN_REDLINE:
            need = ".".join(map(str, MIN_REDLINE))
            answer = (False, f"redline {version} in {python} is too old for this plugin (it needs {need})", None)
        else:
            answer = (True, version, catalogue)
    _CACHE[python] = answer
    return answer


def install_help(why: str = "") -> str:
    """Plain instructions: one command makes redline's own environment, which QGIS's Python never sees."""
    lines = [why, ""] if why else []
    lines += [
        "redline runs in a Python environment of its own, beside QGIS, never inside QGIS's Python "
        "(redline 安装在独立的 Python 环境中, 不改动 QGIS 自带的 Python): its newer numpy and GDAL would break "
        "QGIS's own algorithms.",
        "REDLINE below is your copy of redline: its source folder (a clone of the repository).",
        "One command installs it (Python 3.11 or newer, from your system or python.org; the internet or a "
        "PyPI mirror is needed once):",
        "",
        "Linux:    python3 REDLINE/scripts/install_for_qgis.py",
        "macOS:    python3 REDLINE/scripts/install_for_qgis.py",
        "Windows:  py -3 REDLINE\\scripts\\install_for_qgis.py      (Command Prompt; or the OSGeo4W Shell's python)",
        "",
        f"It makes {default_venv()} and installs redline there; the plugin finds it by itself. "
        "Another environment: set the environment variable REDLINE_PYTHON to its python, or the QGIS setting "
        "redline/python (in QGIS's Python console: QgsSettings().setValue('redline/python', '/path/to/python')). "
        "Then restart QGIS "
        f"(this QGIS runs Python {platform.python_version()} from {sys.executable}, which stays as it is).",
    ]
    return "\n".join(lines)
