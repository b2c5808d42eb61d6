"""Is redline importable in QGIS's Python, and new enough? If not, how to install it."""

from __future__ import annotations

import os
import platform
import sys
from contextlib import contextmanager

#: the oldest redline whose audit specs this plugin understands
MIN_REDLINE = (0, 1, 0)


def _version_tuple(text: str) -> tuple:
    parts = []
    for piece in str(text).split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


@contextmanager
def own_libraries():
    """Load compiled modules with ``RTLD_DEEPBIND`` (Linux), so each wheel uses the libraries it bundles.

    QGIS's executable links GDAL, PROJ and GEOS into the global symbol scope. Without this, the
    calls of pyproj, shapely, pyogrio or rasterio wheels resolve to QGIS's copies (another version)
    instead of their own: pyproj then crashes qgis_process at exit (double free), and rasterio
    runs its GDAL 3.10 code against QGIS's GDAL 3.6. macOS and Windows bind each library to its
    own dependencies already.
    """
    flag = getattr(os, "RTLD_DEEPBIND", 0)
    if not flag or not sys.platform.startswith("linux"):
        yield
        return
    old = sys.getdlopenflags()
    sys.setdlopenflags(old | flag)
    try:
        yield
    finally:
        sys.setdlopenflags(old)


def redline_status() -> tuple[bool, str]:
    """``(True, version)`` when redline can drive the plugin, else ``(False, why)``."""
    try:
        with own_libraries():
            import pyproj  # noqa: F401  (first imports decide how their libraries bind: see own_libraries)
            import shapely  # noqa: F401

            import redline
            from redline import registry  # noqa: F401  (the specs live here)
    except Exception as exc:  # ImportError, or a broken dependency underneath it
        return False, f"redline cannot be imported in QGIS's Python ({type(exc).__name__}: {exc})"
    version = getattr(redline, "__version__", "0")
    if _version_tuple(version) < MIN_REDLINE:
        need = ".".join(map(str, MIN_REDLINE))
        return False, f"redline {version} is too old for this plugin (it needs {need} or newer)"
    return True, version


def install_help(why: str = "") -> str:
    """Plain instructions for installing redline into the Python that QGIS runs."""
    lines = []
    if why:
        lines += [why, ""]
    lines += [
        "redline is a Python package that must be installed into the Python QGIS uses "
        "(redline 需要安装到 QGIS 所用的 Python 中).",
        "Below, REDLINE stands for your copy of redline: its source folder (a clone of the repository), "
        "or the wheel built in that folder with",
        "    python3 -m pip wheel --no-deps -w dist .     (gives dist/redline-<version>-py3-none-any.whl)",
        "",
        "Linux (Debian/Ubuntu packages of QGIS):",
        "    /usr/bin/python3 -m pip install --user REDLINE",
        "  (Debian 12 / Ubuntu 23.04 and newer refuse this without --break-system-packages; or make a venv:",
        "    /usr/bin/python3 -m venv --system-site-packages ~/redline-venv && ~/redline-venv/bin/pip install REDLINE",
        "   and start QGIS with PYTHONPATH=$(echo ~/redline-venv/lib/python3*/site-packages))",
        "Windows (OSGeo4W or the QGIS installer): open the 'OSGeo4W Shell' from the Start menu, then",
        "    python -m pip install REDLINE",
        "macOS (QGIS.app):",
        "    /Applications/QGIS.app/Contents/MacOS/bin/python3 -m pip install REDLINE",
        "",
        "Then restart QGIS. redline needs Python 3.11 or newer; this QGIS runs Python "
        f"{platform.python_version()} ({sys.executable}).",
    ]
    return "\n".join(lines)
