"""The example county: 息县 (Xi County, Henan, adcode 411528) with every finding planted in it.

No public Chinese approval, supply or basic-farmland data exists, so redline ships a generated,
realistic county on the real outline of 息县 (DataV GeoAtlas boundary, GCJ-02 corrected). The
generator is deterministic (seeded) and lives in :mod:`redline.example.generate`; the shipped
GeoPackage ``redline/data/example_county.gpkg`` is its output for the default seed, regenerated with::

    python -m redline.example --out redline/data/example_county.gpkg

Findings are planted relative to :data:`EXAMPLE_AS_OF` (2026-06-30); the ``planted`` table lists them.
The county audited again on 2026-09-30 and 2026-11-30 (rounds 2 and 3: cases resolved, new, recovered,
renumbered, reappearing) is :func:`example_round` (:mod:`redline.example.rounds`), each round with the
``changes`` it plants.

Examples
--------
>>> from redline.example import load_example, EXAMPLE_AS_OF
>>> supplies = load_example("supplies")          # doctest: +SKIP
>>> layers = load_example()                      # dict of every layer  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from .generate import (
    CONSTRUCTION_CODES,
    DEFAULT_SEED,
    EXAMPLE_AS_OF,
    FINDINGS,
    LANDUSE_NAMES,
    RASTER_CLASSES,
    generate,
    generate_layers,
)
from .rounds import ROUND_DATES, ExampleRound, example_round, write_round

#: the layers of the example county, by the audit input each one feeds
LAYER_KINDS = {
    "approvals": "approvals", "supplies": "supplies", "buildings": "buildings", "parcels": "parcels",
    "farmland": "farmland", "growth_boundary": "growth_boundary", "eco_redline": "eco_redline",
    "landuse": "landuse", "admin": "admin", "farmland_taken": "farmland_taken", "farmland_added": "farmland_added",
    "facility_agri": "facility_agri", "temporary_use": "temporary_use", "landuse_base": "landuse",
    "projects": "projects",
    "linkage_demolished": "linkage_demolished", "linkage_built": "linkage_built", "landuse_later": "landuse",
    "consolidation": "consolidation", "topsoil": "topsoil_stripping",
    "zones": "zones",
}

__all__ = ["CONSTRUCTION_CODES", "DEFAULT_SEED", "EXAMPLE_AS_OF", "FINDINGS", "LANDUSE_NAMES", "LAYER_KINDS",
           "RASTER_CLASSES", "ROUND_DATES", "ExampleRound", "example_path", "example_round", "generate",
           "generate_layers", "load_example", "synthetic", "write_example_rasters", "write_round"]


def example_path() -> Path:
    """Where the shipped example GeoPackage is (``redline/data/example_county.gpkg``)."""
    return Path(__file__).resolve().parent.parent / "data" / "example_county.gpkg"


def load_example(layer: str | None = None, *, path=None):
    """Read the shipped example county: one layer (GeoDataFrame / DataFrame) or a dict of all of them.

    Layers: ``county``, ``admin``, ``landuse``, ``farmland``, ``growth_boundary``, ``eco_redline``,
    ``approvals``, ``supplies``, ``buildings``, ``parcels``, ``farmland_taken``, ``farmland_added``,
    ``facility_agri`` (设施农用地备案), ``temporary_use`` (临时用地), ``landuse_base`` (2020), ``projects``
    (项目用地红线), ``linkage_demolished``, ``linkage_built``, ``landuse_later``, ``consolidation``, ``topsoil``,
    ``zones`` (开发区), ``raster_window``; tables ``stats`` (乡镇 statistics, 2020 and 2025), ``planted`` and
    ``example_info``. Field names are the Chinese names a bureau's data carries.
    """
    import pyogrio

    src = Path(path) if path is not None else example_path()
    if not src.exists():
        raise FileNotFoundError(f"{src} is missing; regenerate it with: python -m redline.example --out {src}")
    if layer is not None:
        return pyogrio.read_dataframe(src, layer=layer)
    names = [str(n) for n, _ in pyogrio.list_layers(src)]
    return {n: pyogrio.read_dataframe(src, layer=n) for n in names}


def write_example_rasters(out_dir, *, pixel_size: float = 10.0, **kwargs):
    """Write the two-date classified land-cover rasters of the example county (see :mod:`.rasters`)."""
    from .rasters import write_example_rasters as _write

    return _write(out_dir, pixel_size=pixel_size, **kwargs)


def synthetic(scale: float = 1.0, *, seed: int = 0, crs: str = "EPSG:4549"):
    """Province-scale synthetic layers with canonical field names, for benchmarks (see :mod:`.synthetic`)."""
    from .synthetic import synthetic as _synthetic

    return _synthetic(scale, seed=seed, crs=crs)
