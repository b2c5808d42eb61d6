"""Render the first page of a drafted document to PNG for the README, with LibreOffice headless.

    python scripts/screenshot_document.py --out docs/images/idle_fee_decision.png [--kind idle_fee_decision]

The case is a sample shaped like a register case of the example county (a made-up holder and numbers); the
document is drafted with the default template, LibreOffice prints it to PDF (``soffice --convert-to pdf``) and
poppler's ``pdftoppm`` draws the first page (Debian's Writer without a GUI has no working PNG export filter:
``--convert-to png`` says "no export filter"). Needs libreoffice-writer-nogui, fonts-noto-cjk and poppler-utils.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redline.register.documents import DOCUMENTS, document_facts, draft_document  # noqa: E402

SAMPLE_CASE = {
    "case_id": "IDLE-0003", "audit": "idle_land", "case_key": "411528-2019-004", "area_m2": 13340.52,
    "status": "idle", "status_zh": "闲置土地", "as_of": dt.date(2026, 6, 30), "rule": "《闲置土地处置办法》第二条",
    "detail": {"supply_id": "411528-2019-004", "project_name": "金桥食品加工", "holder": "河南金桥食品有限公司（示例）",
               "holder_address": "息县城关镇谯楼街1号（示例）", "district": "城关镇", "supply_date": dt.date(2019, 3, 1),
               "agreed_start_date": dt.date(2019, 9, 1), "effective_start_date": dt.date(2019, 9, 1),
               "idle_date": dt.date(2020, 9, 1), "idle_days": 2128, "price_wan": 812.0, "idle_fee": 162.4},
    "dispositions": [
        {"status": "investigation_notice", "date": dt.date(2026, 7, 3), "doc_no": "息自然资闲调〔2026〕3号"},
        {"status": "idle_determination", "date": dt.date(2026, 8, 20), "doc_no": "息自然资闲认〔2026〕3号"},
        {"status": "hearing_notice", "date": dt.date(2026, 9, 1), "doc_no": "息自然资听告〔2026〕3号"},
    ],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the PNG to write")
    parser.add_argument("--kind", default="idle_fee_decision", choices=sorted(DOCUMENTS))
    args = parser.parse_args(argv)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftoppm = shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        parser.error("needs LibreOffice (soffice, scripts/install-system-deps.sh installs it) and pdftoppm "
                     "(apt-get install poppler-utils)")
    facts = document_facts(SAMPLE_CASE, bureau="息县自然资源局", doc_no="息自然资闲费〔2026〕3号",
                           date=dt.date(2026, 9, 15))
    with tempfile.TemporaryDirectory() as tmp:
        docx = draft_document(facts, args.kind, Path(tmp) / f"{args.kind}.docx")
        subprocess.run([soffice, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", tmp, str(docx)], check=True, timeout=300,
                       capture_output=True)
        subprocess.run([pdftoppm, "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile",
                        str(Path(tmp) / f"{args.kind}.pdf"), str(Path(tmp) / "page")], check=True, timeout=120)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(tmp) / "page.png", args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
