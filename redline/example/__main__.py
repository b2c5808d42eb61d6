"""``python -m redline.example --out redline/data/example_county.gpkg``: regenerate the example county."""

from __future__ import annotations

import argparse
import time

from . import DEFAULT_SEED, generate


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m redline.example", description=__doc__)
    ap.add_argument("--out", required=True, help="GeoPackage to write")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies land-use patches and random approvals")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    path = generate(args.out, seed=args.seed, scale=args.scale)
    print(f"wrote {path} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
