"""How much the plugin adds to an audit: processing.run (redline's Python started as a child, the inputs
handed over by path, the results copied into QGIS's sinks) against the library reading the same
GeoPackage itself (pyogrio), in this process. Best of two runs each.

    QT_QPA_PLATFORM=offscreen .venv-test/bin/python tests/qgis/measure_overhead.py
"""

from __future__ import annotations

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def best(fn, repeat=2) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    import run_algorithms as harness

    harness.start_qgis()
    harness.register(extra=False)
    import processing

    from redline.example import EXAMPLE_AS_OF, example_path
    from redline.pipeline import run_audits
    from redline.registry import get_spec

    gpkg = str(example_path())
    for audit, inputs in [("development_intensity", ["landuse", "admin"]),
                          ("approved_not_supplied", ["approvals", "supplies"])]:
        params = {n.upper(): f"{gpkg}|layername={n}" for n in inputs}
        params.update({"AS_OF": "2026-06-30", "REJECTED": "TEMPORARY_OUTPUT", "SUMMARY": "TEMPORARY_OUTPUT"})
        params.update({o.name.upper(): "TEMPORARY_OUTPUT" for o in get_spec(audit).outputs})
        in_qgis = best(lambda: processing.run(f"redline:{audit}", params))  # noqa: B023 (used at once)
        library = best(lambda: run_audits({n: f"{gpkg}:{n}" for n in inputs}, audits=[audit],  # noqa: B023
                                          as_of=EXAMPLE_AS_OF))
        print(f"{audit}: processing.run {in_qgis:.2f} s, library run_audits {library:.2f} s "
              f"(ratio {in_qgis / library:.2f})")


if __name__ == "__main__":
    main()
    os._exit(0)
