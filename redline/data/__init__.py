"""Data files shipped with redline: the example county (example_county.gpkg, see SOURCE.txt), the cited land-use
code tables, the Xi County outline, and two public land-cover raster pairs (``samples/``) the notebooks start from.

:func:`sample_path` finds a sample file wherever redline is installed (a wheel as well as the source tree).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["SAMPLES", "sample_path"]

#: the sample raster pairs shipped in ``redline/data/samples/`` (each folder's SOURCE.txt says where from)
SAMPLES = {
    "molusce": ("init.tif", "final.tif"),
    "esa_worldcover": ("clip_saotome_city_2020.tif", "clip_saotome_city_2021.tif"),
}


def sample_path(sample: str, name: str | None = None) -> Path:
    """The folder of a shipped sample (``molusce``, ``esa_worldcover``), or the file ``name`` in it.

    >>> sample_path("molusce", "init.tif").name
    'init.tif'
    >>> sample_path("landsat")
    Traceback (most recent call last):
    ...
    ValueError: no sample 'landsat': the samples are esa_worldcover, molusce
    """
    if sample not in SAMPLES:
        raise ValueError(f"no sample {sample!r}: the samples are {', '.join(sorted(SAMPLES))}")
    folder = Path(__file__).parent / "samples" / sample
    if name is None:
        return folder
    if name not in (*SAMPLES[sample], "SOURCE.txt"):
        raise ValueError(f"sample {sample!r} has no file {name!r}: it has {', '.join(SAMPLES[sample])}")
    return folder / name
