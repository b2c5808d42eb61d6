#!/usr/bin/env python3
"""Print the demo's ledger (台账) to PDF with LibreOffice and write the first page of a sheet as a PNG, for the README.

    .venv/bin/python scripts/screenshot_ledger.py                     # runs `redline demo`, docs/images/ledger_page.png
    .venv/bin/python scripts/screenshot_ledger.py --from redline-demo --sheet 批后监管预警 --out alerts.png

The ledger is converted as a technician would print it: ``soffice --headless --convert-to pdf`` (every sheet,
with the page setup the ledger declares: A4 landscape, fitted to width, title block and headers repeated, page
numbers). The sheet's first page is the first page whose title block starts with the sheet's title; it is
rendered with ``pdftocairo`` (poppler-utils). tests/test_ledger.py runs the same functions.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise SystemExit("LibreOffice (soffice) is needed: scripts/install-system-deps.sh installs it")
    return found


def ledger_pdf(xlsx: Path, outdir: Path) -> Path:
    """The ledger printed to PDF by LibreOffice headless (its own profile in ``outdir``)."""
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run([soffice(), f"-env:UserInstallation={(outdir / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(outdir), str(xlsx)],
                   check=True, timeout=600, capture_output=True)
    pdf = outdir / (xlsx.stem + ".pdf")
    if not pdf.exists():
        raise SystemExit(f"LibreOffice wrote no {pdf.name}")
    return pdf


def sheet_pages(pdf: Path, title: str) -> list[int]:
    """The (0-based) pages of the sheet ``title``: those whose repeated title block starts with it."""
    from pypdf import PdfReader

    pages = []
    for i, page in enumerate(PdfReader(pdf).pages):
        lines = [line.strip() for line in page.extract_text().splitlines()]
        # the footer (第 n 页，共 N 页) may come first; then the title, then 行政区：…
        for a, b in zip(lines, lines[1:], strict=False):
            if a == title and b.startswith("行政区"):
                pages.append(i)
                break
    return pages


def page_png(pdf: Path, page: int, png: Path, *, dpi: int = 170) -> Path:
    """Page ``page`` (0-based) of ``pdf`` as a PNG."""
    tool = shutil.which("pdftocairo")
    if not tool:
        raise SystemExit("pdftocairo is needed (poppler-utils: scripts/install-system-deps.sh installs it)")
    png.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([tool, "-png", "-singlefile", "-r", str(dpi), "-f", str(page + 1), "-l", str(page + 1),
                    str(pdf), str(png.with_suffix(""))], check=True, timeout=120, capture_output=True)
    return png


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="from_", type=Path, default=None,
                    help="a results folder from an earlier run (default: run the demo in a temporary folder)")
    ap.add_argument("--sheet", default="闲置土地", help="the sheet whose first page is shown (default 闲置土地)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "ledger_page.png")
    args = ap.parse_args(argv)

    from click.testing import CliRunner

    from redline.cli import main as cli
    from redline.pipeline import LEDGER_XLSX

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.from_
        if folder is None:
            folder = Path(tmp) / "demo"
            run = CliRunner().invoke(cli, ["demo", "--out", str(folder), "-q"])
            if run.exit_code:
                print(run.output, file=sys.stderr)
                return run.exit_code
        pdf = ledger_pdf(folder / LEDGER_XLSX, Path(tmp) / "pdf")
        pages = sheet_pages(pdf, args.sheet)
        if not pages:
            print(f"no page of the sheet {args.sheet!r} in {pdf.name}", file=sys.stderr)
            return 1
        page_png(pdf, pages[0], args.out)
    print(f"wrote {args.out} (page {pages[0] + 1} of the printed ledger, sheet {args.sheet})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
