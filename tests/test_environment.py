"""The test environment itself: under ./run test the venv sees Debian's site packages (for QGIS).

Debian's QGIS pulls in its own numeric stack (matplotlib 3.6, scipy 1.10, built for numpy 1.x). If one of
those modules wins over the venv's PyPI copy, redline fails in ways that have nothing to do with redline
("Unable to import Axes3D", "A NumPy version >=1.19.5 and <1.27.0 is required"). This test names the
module that leaked, so a failure points at ./run's setup_venv instead of at the report or the scale code.
"""

import importlib
import sys
from pathlib import Path

import pytest

# what redline's stack imports, directly or optionally (dask.array imports scipy.sparse when present)
STACK = ("numpy", "pandas", "shapely", "pyproj", "pyogrio", "rasterio", "matplotlib", "mpl_toolkits.mplot3d",
         "scipy", "dask", "geopandas", "attr")


@pytest.mark.parametrize("name", STACK)
def test_stack_module_comes_from_the_venv(name):
    if sys.prefix == sys.base_prefix:
        pytest.skip("not in a virtual environment")
    try:
        module = importlib.import_module(name)
    except ImportError:
        pytest.skip(f"{name} is not installed")
    paths = [Path(p) for p in getattr(module, "__path__", [])] or [Path(module.__file__)]
    prefix = Path(sys.prefix).resolve()
    outside = [str(p) for p in paths if prefix not in p.resolve().parents]
    assert not outside, f"{name} is imported from outside the venv ({sys.prefix}): {outside}"
