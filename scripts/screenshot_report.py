#!/usr/bin/env python3
"""Screenshot the demo's audit report in headless Chromium, for the README.

    .venv/bin/python scripts/screenshot_report.py                 # runs `redline demo`, writes docs/images/report.png
    .venv/bin/python scripts/screenshot_report.py --from redline-demo --lang en --out docs/images/report_en.png
    .venv/bin/python scripts/screenshot_report.py --register      # docs/images/report_register.png
    .venv/bin/python scripts/screenshot_report.py --print         # docs/images/report_print.png

Without ``--from`` the picture is of the report the demo itself wrote (from the run: the control lines on
its maps, the example rasters' class names). ``--print`` prints that report to PDF in headless Chromium
(redline.report.print_report, as ``redline report --pdf`` does) and renders its first page to PNG with
poppler's ``pdftoppm``.

``--register`` records the example county's three rounds (redline.example.rounds) in a case register, with a
调查通知书 entered on one idle case before round 3, and captures round 3's report section 案件跟踪 (a report
rebuilt from a results folder has no round: the section comes from the run).

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
    ap.add_argument("--register", action="store_true",
                    help="the case-register section after the example's three rounds (default "
                         "docs/images/report_register[_en].png)")
    ap.add_argument("--print", dest="printed", action="store_true",
                    help="the first printed (PDF, A4) page (default docs/images/report_print[_en].png)")
    args = ap.parse_args(argv)
    if args.printed:
        return _printed(args)
    if args.register:
        if args.from_ is not None:
            ap.error("--register runs its own rounds: it takes no --from")
        return _register(args)

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
            html = folder / REPORT_HTML  # the demo's own report, built from the run
        else:
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


def _printed(args) -> int:
    import shutil
    import subprocess

    from click.testing import CliRunner

    from redline.cli import main as cli
    from redline.report import REPORT_HTML, print_report

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        print("pdftoppm not found: install poppler-utils to render the printed page", file=sys.stderr)
        return 1
    out = args.out or ROOT / "docs" / "images" / ("report_print.png" if args.lang == "zh" else "report_print_en.png")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.from_ or Path(tmp)
        if args.from_ is None:
            run = CliRunner().invoke(cli, ["demo", "--out", str(folder), "--lang", args.lang, "-q"])
            if run.exit_code:
                print(run.output, file=sys.stderr)
                return run.exit_code
        pdf = print_report(folder / REPORT_HTML, Path(tmp) / "printed.pdf", pages="1")
        subprocess.run([pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(Path(tmp) / "page")], check=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes((Path(tmp) / "page.png").read_bytes())
    print(f"{out} (page 1 of the printed report, A4 at 80 dpi)")
    return 0


def _register(args) -> int:
    from redline.example import LAYER_KINDS
    from redline.example.rounds import example_round
    from redline.pipeline import run_audits
    from redline.register import init_register
    from redline.report import build
    from redline.report.browser import load_page

    out = args.out or ROOT / "docs" / "images" / ("report_register.png" if args.lang == "zh"
                                                  else "report_register_en.png")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "台账.gpkg"
        reg = init_register(path)
        result = None
        for n in (1, 2, 3):
            plan = example_round(n)
            if n == 3:  # a disposal step, so that the section shows a deadline
                cases = reg.cases(state="open", output="idle_land")
                case = cases.loc[cases["case_key"] == "411528-2023-001", "case_id"].iat[0]
                reg.set_disposition(case, "investigation_notice", date="2026-10-01", doc_no="息自然资闲调〔2026〕1号")
            result = run_audits({k: v for k, v in plan.layers.items() if k in LAYER_KINDS}, as_of=plan.as_of,
                                register=path)
        html = build(result, Path(tmp) / "report.html", lang=args.lang)
        load = load_page(html, width=args.width, height=args.height, screenshot=True, element="#register")
    if load.external_requests or load.console_errors:
        print(f"the report requested {load.external_requests} / logged {load.console_errors}", file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(load.screenshot)
    print(f"{out} (the section 案件跟踪 of round 3, {args.width} px wide)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
