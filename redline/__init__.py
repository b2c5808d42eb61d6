"""redline: land-use supervision audits for Chinese natural-resources bureaus.

批而未供 approved-not-supplied, 供而未用 idle land, 用而不足 under-used land, 三区三线 conflicts,
development intensity and 卫片执法 change patches, from the layers a bureau already has, in one run,
every finding naming the rule and threshold that produced it.

The top level holds the shared core; the audits live in :mod:`redline.overlay`,
:mod:`redline.farmland`, :mod:`redline.boundaries` and :mod:`redline.imagery`.
"""

from __future__ import annotations

from .area import measure_area
from .crs import choose_working_crs
from .errors import (
    CRSError,
    EncodingError,
    GeometryError,
    Problem,
    RedlineError,
    RedlineIOError,
    RulesError,
    SchemaError,
    ValidationError,
)
from .gcj02 import gcj02_to_wgs84, geometry_gcj02_to_wgs84
from .rules import load_rules
from .units import M2_PER_MU, m2_to_mu

__version__ = "0.1.0"


def __getattr__(name):
    # I/O is imported on first use, so `import redline` inside QGIS loads no second GDAL (pyogrio).
    if name in ("read_layer", "write_layers"):
        from . import io

        return getattr(io, name)
    raise AttributeError(f"module 'redline' has no attribute {name!r}")


__all__ = [
    "M2_PER_MU",
    "CRSError",
    "EncodingError",
    "GeometryError",
    "Problem",
    "RedlineError",
    "RedlineIOError",
    "RulesError",
    "SchemaError",
    "ValidationError",
    "__version__",
    "choose_working_crs",
    "gcj02_to_wgs84",
    "geometry_gcj02_to_wgs84",
    "load_rules",
    "m2_to_mu",
    "measure_area",
    "read_layer",
    "write_layers",
]
