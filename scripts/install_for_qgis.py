#!/usr/bin/env python3
"""Install redline for the QGIS plugin, in an environment of its own: one command, QGIS left as it is.

    python3 scripts/install_for_qgis.py                 # Linux, macOS
    py -3 scripts\\install_for_qgis.py                   # Windows (Command Prompt, or the OSGeo4W Shell)

makes a virtual environment where the plugin looks for it (``~/.local/share/redline/venv``; Windows
``%LOCALAPPDATA%\\redline\\venv``) and installs this folder's redline into it from PyPI's wheels. The
environment is separate from QGIS's Python on purpose (no ``--system-site-packages``, nothing on
QGIS's ``PYTHONPATH``): redline's numpy 2 and its wheels' GDAL would otherwise shadow the packages QGIS
was built with, and QGIS's own algorithms (``gdal:rastercalculator`` on Debian 12) would break. The
plugin starts this environment's Python for each audit.

Options: ``--venv DIR`` another place (then tell the plugin: QGIS setting ``redline/python`` or the
environment variable ``REDLINE_PYTHON`` = DIR/bin/python); ``--source PATH`` redline's folder or a wheel
(default: the folder this script is in). Needs Python 3.11 or newer (not necessarily QGIS's), and PyPI or a
mirror (pip's own settings apply) once.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def default_venv() -> Path:
    """The place the plugin looks at by default (the same rule as ``redline_qgis/environment.py``)."""
    if sys.platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "redline" / "venv"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "redline" / "venv"


def venv_python(folder: Path) -> Path:
    return folder / ("Scripts/python.exe" if sys.platform.startswith("win") else "bin/python")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, default=None, help=f"where to make it (default {default_venv()})")
    parser.add_argument("--source", default=str(ROOT), help="redline's source folder or a wheel (default: this one)")
    args = parser.parse_args(argv)
    if sys.version_info < (3, 11):  # noqa: UP036 - users may start it with an older python3
        print(f"redline needs Python 3.11 or newer; this is {sys.version.split()[0]} ({sys.executable}). "
              "Run this script with a newer python3 (it need not be QGIS's).", file=sys.stderr)
        return 2
    folder = (args.venv or default_venv()).expanduser()
    python = venv_python(folder)
    if not python.exists():
        print(f"making {folder}")
        venv.EnvBuilder(with_pip=True, clear=False, system_site_packages=False).create(folder)
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check"]
    subprocess.run([*pip, "--quiet", "--upgrade", "pip"], check=True)
    print(f"installing redline from {args.source}")
    subprocess.run([*pip, "--quiet", args.source], check=True)
    check = subprocess.run([str(python), "-c", "import redline; print(redline.__version__)"], capture_output=True,
                           text=True)
    if check.returncode != 0:
        print(f"redline does not import in {python}:\n{check.stderr}", file=sys.stderr)
        return 1
    print(f"redline {check.stdout.strip()} is installed in {folder}.")
    if args.venv is not None and folder != default_venv():
        print(f"Tell the plugin where it is: QGIS setting redline/python = {python} "
              f"(or start QGIS with REDLINE_PYTHON={python}).")
    print("Restart QGIS; the redline algorithms are in the Processing Toolbox.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
