"""The ledger writer on a province-sized sheet: time and peak memory of :func:`redline.io.ledger.write_ledger`.

    python benchmarks/bench_ledger.py [ROWS]      (default 200 000 rows, 12 columns)

Prints seconds and the process's peak resident memory; run it before and after a change, alternating, and
compare the ratio.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from redline.io.ledger import LedgerColumn, LedgerSheet, ledger_heading, write_ledger


def frame(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    status = rng.choice(["idle", "overdue", "ok", "escalated"], n)
    return pd.DataFrame({
        "case_id": [f"PZ-{i:07d}" for i in range(n)],
        "name": [f"某某县第{i % 977}号地块建设项目（二期）" for i in range(n)],
        "status": status,
        "status_zh": pd.Series(status).map({"idle": "闲置", "overdue": "逾期", "ok": "正常", "escalated": "已升级"}),
        "area_mu": rng.random(n) * 100,
        "area_m2": rng.random(n) * 66_000,
        "price_wan": rng.random(n) * 5_000,
        "ratio": rng.random(n),
        "approved": pd.to_datetime("2018-01-01") + pd.to_timedelta(rng.integers(0, 3000, n), unit="D"),
        "days": rng.integers(0, 2000, n),
        "count": rng.integers(0, 50, n),
        "remark": np.where(rng.random(n) < 0.01, "=HYPERLINK(\"x\")", "说明文字"),
    })


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    f = frame(n)
    cols = [LedgerColumn("case_id", "批准文号"), LedgerColumn("name", "项目名称"), LedgerColumn("status", "状态"),
            LedgerColumn("status_zh", "状态（中文）"), LedgerColumn("area_mu", "面积（亩）", "mu"),
            LedgerColumn("area_m2", "面积（m²）", "m2"), LedgerColumn("price_wan", "价款（万元）", "wan"),
            LedgerColumn("ratio", "比例", "ratio"), LedgerColumn("approved", "批准日期", "date"),
            LedgerColumn("days", "天数", "days"), LedgerColumn("count", "宗数", "int"), LedgerColumn("remark", "备注")]
    sheets = [LedgerSheet("台账", f, cols, note="注：示例", status_column="status",
                          status_colours={"idle": "#d73027", "escalated": "#fc8d59"})]
    heading = ledger_heading({"jurisdiction": "某省", "as_of": "2026-06-30", "rules": "cn-national"})
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        write_ledger(sheets, Path(d) / "ledger.xlsx", info={"规则集": "cn-national"}, heading=heading, run_id="bench")
        s = time.perf_counter() - t
        size = (Path(d) / "ledger.xlsx").stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows={n} write_ledger={s:.2f}s file={size / 1e6:.1f}MB peak_rss={peak:.0f}MB")


if __name__ == "__main__":
    main()
