"""A test-only audit spec (never shipped): the area of each approval, and a totals table.

It lets the plugin's machinery (parameters from a spec, WKB transfer, sinks, field mapping,
selections, rejected features) be tested on a case a person checks on paper, independently of
which real audits are registered.
"""

from __future__ import annotations

import time

import geopandas as gpd
import pandas as pd

from redline.area import piece_areas
from redline.spec import AuditSpec, Column, InputSpec, OutputSpec, ParamSpec
from redline.units import M2_PER_MU


def _run(layers, params, ctx):
    approvals = layers["approvals"]
    area = piece_areas(approvals.geometry.values, ctx.crs.crs, ctx.area_method)
    threshold = float(params["min_area_m2"])
    areas = gpd.GeoDataFrame({
        "approval_id": approvals["approval_id"].astype(str).to_numpy(),
        "approval_date": approvals["approval_date"].to_numpy(),
        "area_m2": area, "area_mu": area / M2_PER_MU, "large": area >= threshold,
        "rule": f"test: area >= {threshold:g} m2",
    }, geometry=approvals.geometry.values, crs=approvals.crs)
    totals = pd.DataFrame({"approvals": [len(areas)], "area_m2": [float(area.sum())],
                           "as_of": [ctx.as_of.isoformat()]})
    return {"dummy_areas": areas, "dummy_totals": totals}


DUMMY_SPEC = AuditSpec(
    id="dummy_area", label_zh="测试面积", label_en="Test area", group="overlay",
    inputs=(InputSpec("approvals", "approvals", True, "批准用地", "Approvals"),),
    outputs=(OutputSpec("dummy_areas", "测试面积明细", "Test areas", True,
                        (Column("approval_id", "text", "批准文号", "Approval number", "id", ledger=True),
                         Column("approval_date", "date", "批准日期", "Approval date"),
                         Column("area_m2", "m2", "面积(平方米)", "Area", ledger=True),
                         Column("area_mu", "mu", "面积(亩)", "Area"),
                         Column("large", "bool", "不小于最小面积", "At least the minimum area"),
                         Column("rule", "text", "依据", "Rule"))),
             OutputSpec("dummy_totals", "测试合计", "Test totals", False,
                        (Column("approvals", "int", "批准用地宗数", "Approvals"),
                         Column("area_m2", "m2", "面积(平方米)", "Area"),
                         Column("as_of", "text", "审计日期", "As of")))),
    runner=_run,
    params=(ParamSpec("min_area_m2", "float", 400.0, "最小面积(平方米)", "Minimum area (m²)"),),
    description_zh="测试用", description_en="for tests",
    summary=lambda out: [f"测试 test: {len(out['dummy_areas'])} approvals"],
)


def _run_slow(layers, params, ctx):
    """The test audit, after a long wait: for cancelling while redline works (a report, then silence)."""
    ctx.report("测试慢速 slow test: waiting", 0.5)
    time.sleep(float(params["seconds"]))
    return {"slow_areas": _run(layers, {"min_area_m2": 0.0}, ctx)["dummy_areas"]}


SLOW_SPEC = AuditSpec(
    id="dummy_slow", label_zh="测试慢速", label_en="Slow test", group="overlay",
    inputs=(InputSpec("approvals", "approvals", True, "批准用地", "Approvals"),),
    outputs=(OutputSpec("slow_areas", "测试慢速明细", "Slow test areas", True, DUMMY_SPEC.outputs[0].columns),),
    runner=_run_slow,
    params=(ParamSpec("seconds", "float", 120.0, "等待秒数", "Seconds to wait"),),
    description_zh="测试用: 等待后计算面积", description_en="for tests: waits, then the areas",
)
