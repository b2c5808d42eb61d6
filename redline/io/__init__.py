"""All reading and writing lives here; audits never open a file.

- :func:`read_layer`: any OGR source, GeoParquet or PostGIS into a GeoDataFrame, decoding GBK shapefiles.
- :func:`write_layers`: several layers into one GeoPackage atomically (or PostGIS, transactionally).
- :func:`write_ledger`: the spreadsheet ledger (台账), one sheet per finding, Chinese headers.
- :mod:`redline.io.resultset`: a run's files (GeoPackage, ledger, report) swapped into its folder as one set.
"""

from .encoding import DetectedEncoding, detect_shapefile_encoding
from .ledger import LedgerSheet, write_ledger
from .vector import list_layers, read_layer, read_layer_with_info
from .write import atomic_path, write_layers

__all__ = [
    "DetectedEncoding",
    "LedgerSheet",
    "atomic_path",
    "detect_shapefile_encoding",
    "list_layers",
    "read_layer",
    "read_layer_with_info",
    "write_layers",
    "write_ledger",
]
