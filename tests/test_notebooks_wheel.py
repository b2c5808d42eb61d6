"""The notebooks that start from the shipped sample rasters run from an installed wheel, not only from the source tree.

The wheel is built from this tree and installed into a folder of its own; the notebooks are executed from another
folder with only that installation of redline importable (its dependencies are this environment's). Each notebook
first checks which redline it imported.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ["01_molusce_transitions.ipynb", "02_esa_worldcover_saotome.ipynb"]

_RUN = """
import json, sys
import nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
check = nbformat.v4.new_code_cell(
    "import redline, pathlib\\n"
    f"assert pathlib.Path(redline.__file__).is_relative_to({sys.argv[2]!r}), redline.__file__")
nb.cells.insert(0, check)
NotebookClient(nb, timeout=600, resources={"metadata": {"path": "."}}).execute()
print("ran", len(nb.cells), "cells")
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    # built from a copy of the tree's files, so the build leaves nothing in the tree
    files = subprocess.run(["git", "-C", str(ROOT), "ls-files", "--cached", "--others", "--exclude-standard"],
                           check=True, capture_output=True, text=True).stdout.splitlines()
    source = base / "source"
    for name in files:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(base / "dist"), str(source)], check=True, capture_output=True, text=True, timeout=600)
    wheel = next((base / "dist").glob("redline-*.whl"))
    site = base / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, text=True, timeout=600)
    return site


def test_the_wheel_carries_the_samples(installed):
    samples = installed / "redline" / "data" / "samples"
    assert sorted(p.name for p in samples.iterdir()) == ["esa_worldcover", "molusce"]
    assert (samples / "molusce" / "init.tif").stat().st_size == (ROOT / "redline" / "data" / "samples" / "molusce"
                                                                  / "init.tif").stat().st_size


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_from_the_installed_wheel(installed, notebook, tmp_path):
    copy = tmp_path / notebook
    copy.write_text((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"), encoding="utf-8")
    json.loads(copy.read_text(encoding="utf-8"))
    env = {**os.environ, "PYTHONPATH": str(installed)}
    result = subprocess.run([sys.executable, "-c", _RUN, str(copy), str(installed)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "ran" in result.stdout
