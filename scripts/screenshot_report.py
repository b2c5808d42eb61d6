#!/usr/bin/env python3
"""Screenshot the demo's audit report in headless Chromium, for the README.

    .venv/bin/python scripts/screenshot_report.py                 # runs `redline demo`, writes docs/images/report.png
    .venv/bin/python scripts/screenshot_report.py --from redline-demo --lang en --out docs/images/report_en.png

The page is loaded through redline.report.browser (DevTools over a pipe), which also checks that
the report requested nothing from the network and logged no error; the script fails otherwise.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="from_", type=Path, default=None,
                    help="a results folder from an earlier run (default: run the demo in a temporary folder)")
    ap.add_argument("--lang", choices=["zh", "en"], default="zh")
    ap.add_argument("--out", type=Path, default=None, help="PNG to write (default docs/images/report[_en].png)")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=2400)
    ap.add_argument("--full-page", action="store_true", help="the whole page, not the first screen")
    args = ap.parse_args(argv)

    from click.testing import CliRunner

    from redline.cli import main as cli
    from redline.report import REPORT_HTML, build
    from redline.report.browser import load_page

    out = args.out or ROOT / "docs" / "images" / ("report.png" if args.lang == "zh" else "report_en.png")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.from_
        if folder is None:
            folder = Path(tmp)
            run = CliRunner().invoke(cli, ["demo", "--out", str(folder), "--lang", args.lang, "-q"])
            if run.exit_code:
                print(run.output, file=sys.stderr)
                return run.exit_code
        html = build(folder, Path(tmp) / REPORT_HTML, lang=args.lang)
        load = load_page(html, width=args.width, height=args.height, screenshot=True, full_page=args.full_page)
    if load.external_requests or load.console_errors:
        print(f"the report requested {load.external_requests} / logged {load.console_errors}", file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(load.screenshot)
    print(f"{out} ({args.width}x{args.height if not args.full_page else load.content_height}, "
          f"{len(load.figures)} headline figures, page {load.content_height} px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
