"""Run one redline audit in a child Python, outside QGIS (this file never imports qgis).

Used for the raster audits: rasterio bundles its own GDAL, and inside the QGIS process its calls
resolve to QGIS's GDAL instead (a different version), so raster work runs here, in a process that
holds one GDAL. Usage: ``python worker.py job.json``. Progress lines and the final answer are
JSON objects on stdout, one per line.
"""

from __future__ import annotations

import json
import sys


def _emit(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def main(job_path: str) -> int:
    with open(job_path, encoding="utf-8") as fh:
        job = json.load(fh)
    try:
        from redline.errors import RedlineError
        from redline.pipeline import run_audits
    except Exception as exc:
        _emit({"ok": False, "error": f"redline cannot be imported: {exc}"})
        return 1
    try:
        result = run_audits(job["sources"], audits=[job["audit"]], out=job["out"], as_of=job.get("as_of"),
                            rules=job.get("rules"), crs=job.get("crs"), area_method=job.get("area_method", "ellipsoidal"),
                            strict=bool(job.get("strict")), fields=job.get("fields"), params=job.get("params"),
                            progress=lambda message, fraction: _emit({"progress": fraction, "message": message}),
                            ledger=False)
    except (RedlineError, ValueError, OSError) as exc:
        _emit({"ok": False, "error": str(exc)})
        return 3
    _emit({"ok": True, "gpkg": result.paths["gpkg"], "outputs": sorted(result.outputs), "summary": result.summary,
           "notes": result.notes, "metadata": result.metadata()})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
