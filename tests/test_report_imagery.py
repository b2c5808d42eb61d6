"""卫片执法 in the report and the ledger: what a county is judged on, from a small judged set checkable on paper.

Two townships side by side (东镇 x < 200 m, 西镇 x >= 200 m) in a metric CRS (EPSG:4547):

- patch P1, 120 m x 50 m = 6 000 m2 = 9 亩, all cultivated land (0101); an approval and a supply granted
  before the later image cover 100 m x 50 m of it = 5 000 m2 (7.5 亩) legal, the other 1 000 m2 (1.5 亩)
  is 违法占用耕地;
- patch P2, 60 m x 50 m = 3 000 m2 = 4.5 亩 on permanent basic farmland (forest in the survey), no basis.

So 6 亩 unexplained, 4.5 亩 of it on PBF, 1.5 亩 on cultivated land; the ratio 1 000 / 6 000 = 16.7 %, at
the accountability ratio (15 %) but not at the interview line (1.5 亩 is not over 100 亩).
"""

from __future__ import annotations

import datetime as dt
import math

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import load_workbook
from pyproj import CRS
from shapely.geometry import box
from test_report import figures, parse

import redline.report as report
from redline.crs import WorkingCRS
from redline.imagery.judge import judge_register
from redline.io.ledger import header_row
from redline.pipeline import RunResult, write_results
from redline.registry import get_spec
from redline.report.sections import Ctx, build_section
from redline.rules import resolve_rules

GK = "EPSG:4547"
X, Y = 500_000.0, 3_500_000.0


def b(x0, y0, x1, y1):
    return box(X + x0, Y + y0, X + x1, Y + y1)


def judged_run(*, landuse: bool = True) -> RunResult:
    patches = gpd.GeoDataFrame({"patch_id": ["P1", "P2"], "after_date": ["2024-06-30"] * 2},
                               geometry=[b(0, 0, 120, 50), b(250, 0, 310, 50)], crs=GK)
    approvals = gpd.GeoDataFrame({"approval_id": ["批A"], "approval_date": ["2020-01-01"]},
                                 geometry=[b(0, 0, 100, 50)], crs=GK)
    supplies = gpd.GeoDataFrame({"supply_id": ["供A"], "supply_date": ["2021-01-01"]},
                                geometry=[b(0, 0, 100, 50)], crs=GK)
    farmland = gpd.GeoDataFrame({"farmland_id": ["F1"]}, geometry=[b(250, 0, 310, 50)], crs=GK)
    survey = gpd.GeoDataFrame({"patch_id": ["L1", "L2"], "land_use_code": ["0101", "0301"]},
                              geometry=[b(0, 0, 120, 50), b(250, 0, 310, 50)], crs=GK)
    admin = gpd.GeoDataFrame({"admin_code": ["001", "002"], "admin_name": ["东镇", "西镇"], "level": ["镇", "镇"]},
                             geometry=[b(-50, -50, 200, 100), b(200, -50, 400, 100)], crs=GK)
    j = judge_register(patches, approvals=approvals, supplies=supplies, farmland=farmland, admin=admin,
                       landuse=survey if landuse else None, area_method="planar")
    return RunResult(outputs={"patch_register": j.register, "patch_pieces": j.pieces, "patch_rollup": j.rollup},
                     rejected=pd.DataFrame(columns=["layer", "feature_id", "code", "reason"]), notes=[],
                     working=WorkingCRS(CRS.from_epsg(4547), "given"), rules=resolve_rules(None),
                     as_of=dt.date(2026, 6, 30), area_method="planar", specs=[get_spec("judge_patches")],
                     layers={"admin": admin})


@pytest.fixture(scope="module")
def run():
    return judged_run()


@pytest.fixture(scope="module")
def page(run, tmp_path_factory):
    return report.build(run, tmp_path_factory.mktemp("imagery") / "r.html")


def section_html(text: str, title: str) -> str:
    start = text.index(f"<h2>{title}</h2>")
    return text[start:text.index("</section>", start)]


def test_the_register_shows_what_the_county_is_judged_on(page):
    got = figures(parse(page))
    assert got["patch_register.count"] == 2
    assert got["patch_register.unexplained_mu"] == pytest.approx(6.0)  # (1 000 + 3 000) m2
    assert got["patch_register.unexplained_pbf_mu"] == pytest.approx(4.5)
    assert got["patch_register.unexplained_cultivated_mu"] == pytest.approx(1.5)
    assert got["patch_register.illegal_cultivated_ratio"] == pytest.approx(1_000 / 6_000)
    assert got["patch_rollup.illegal_cultivated_ratio"] == pytest.approx(1_000 / 6_000)
    assert got["patch_rollup.units_over"] == 1  # 东镇; 西镇 occupies no cultivated land
    register = section_html(page.read_text(encoding="utf-8"), "卫片图斑研判表")
    assert "违法占用耕地比例（达到问责比例 ≥ 15%）" in register
    # the line and where it comes from
    assert "imagery.accountability_ratio=0.15" in register and "第十一条" in register
    assert "imagery.interview_min_mu=100" in register


def test_the_roll_up_is_a_table_per_township_with_its_own_total(page):
    rollup = section_html(page.read_text(encoding="utf-8"), "卫片执法统计")
    rows = rollup[rollup.index("<tbody>"):].split("<tr>")[1:]
    assert [r.split("</td>")[1].split(">")[-1] for r in rows] == ["东镇", "西镇", "全部图斑"]
    assert rollup.count(">合计<") == 2  # the 合计 row's code and level, in one row
    assert "16.7 %" in rows[0] and "16.7 %" in rows[2]
    assert "无法计算" in rows[1] and "0.0 %" not in rows[1]  # no cultivated land: no ratio, not 0 %


def test_the_judgement_bars_are_the_pieces_area(run, monkeypatch):
    from redline.imagery import _report
    from redline.report import _data

    charts, maps = [], []
    monkeypatch.setattr(_report.F, "bar_chart", lambda canvas, labels, values, **kw: charts.append(
        (kw.get("title"), list(labels), list(values))))
    monkeypatch.setattr(Ctx, "map", lambda self, layers, title="", zoom="auto": maps.append(layers))
    ctx = Ctx(_data.from_run(run), "en")
    build_section(ctx, "patch_pieces", run.outputs["patch_pieces"])
    (title, labels, values), = charts
    # gravest first; P1 counts twice (7.5 亩 legal, 1.5 亩 on cultivated land): areas, not patch counts
    assert labels == ["unapproved on farmland", "unapproved on cultivated land", "approved, supplied"]
    assert values == pytest.approx([4.5, 1.5, 7.5])
    # each piece in its judgement's colour: P1 is drawn in two layers
    (layers,) = maps
    assert [(label, len(g)) for g, _colour, label in layers] == [
        ("unapproved on farmland", 1), ("unapproved on cultivated land", 1), ("approved, supplied", 1)]
    assert {round(g[0].area) for g, _c, _l in layers} == {3_000, 1_000, 5_000}


def test_the_pieces_map_and_charts_are_on_the_page(page):
    pieces = section_html(page.read_text(encoding="utf-8"), "卫片图斑登记表")
    assert "分割块研判分布" in pieces and "各研判结果的分割块面积（亩，不含碎片）" in pieces
    assert pieces.count("<img") == 2


def test_not_measured_is_said_never_zero(tmp_path):
    run = judged_run(landuse=False)
    for lang, missing, cannot in (("zh", "未量算", "无法计算"), ("en", "not measured", "not measured")):
        page = parse(report.build(run, tmp_path / f"{lang}.html", lang=lang))
        shown = {key: (text, value) for key, text, value, _unit in page.figures}
        assert shown["patch_register.unexplained_cultivated_mu"] == (missing, "")
        assert shown["patch_register.illegal_cultivated_ratio"] == (cannot, "")
        assert math.isnan(figures(page)["patch_rollup.illegal_cultivated_ratio"])
        assert float(shown["patch_register.unexplained_pbf_mu"][1]) == pytest.approx(4.5)  # PBF was given


def test_the_english_report_says_the_status_against_the_line(run, tmp_path):
    text = report.build(run, tmp_path / "en.html", lang="en").read_text(encoding="utf-8")
    assert "illegal share of cultivated land occupied (at the accountability ratio ≥ 15%)" in text


def test_the_ledger_sheets(run, tmp_path):
    wb = load_workbook(write_results(run, tmp_path)["ledger"])
    assert {"卫片图斑研判表", "卫片图斑登记表", "卫片执法统计"} <= set(wb.sheetnames)
    pieces = wb["卫片图斑登记表"]
    h = header_row(pieces)  # under the title block
    heads = [c.value for c in pieces[h]]
    assert heads[:5] == ["序号", "图斑编号", "分割块号", "图斑研判结论", "分割块研判结论"]
    col = {h: i + 1 for i, h in enumerate(heads)}
    rows = [[pieces.cell(r, col[h]).value for h in ("图斑编号", "图斑研判结论", "分割块研判结论", "占用耕地", "面积(亩)")]
            for r in range(h + 1, h + 4)]
    assert rows == [["P1", "违法占用耕地", "已批已供", "是", 7.5], ["P1", "违法占用耕地", "违法占用耕地", "是", 1.5],
                    ["P2", "未批占用永久基本农田", "未批占用永久基本农田", "否", 4.5]]
    total = h + 4
    assert pieces.cell(total, 1).value == "合计" and pieces.cell(total, col["面积(亩)"]).value == pytest.approx(13.5)
    assert pieces.cell(total, col["分割块号"]).value is None  # piece numbers are not summed
    roll = wb["卫片执法统计"]
    h = header_row(roll)
    heads = [c.value for c in roll[h]]
    ratio = heads.index("违法占用耕地比例") + 1
    column_a = [roll.cell(r, 1).value for r in range(h + 1, roll.max_row + 1)]
    assert [roll.cell(r, 2).value for r in range(h + 1, h + 4)] == ["001", "002", "合计"]
    assert "合计" not in column_a  # the roll-up's own 合计 row, no second totals row under it
    assert roll.cell(h + 1, ratio).value == pytest.approx(1 / 6) and roll.cell(h + 1, ratio).number_format == "0.0%"
    assert roll.cell(h + 2, ratio).value is None  # 西镇: not measured, not 0 %


def test_a_ledger_total_of_areas_not_measured_is_empty(tmp_path):
    wb = load_workbook(write_results(judged_run(landuse=False), tmp_path)["ledger"])
    ws = wb["卫片图斑研判表"]
    h = header_row(ws)
    heads = [c.value for c in ws[h]]
    total = next(r for r in range(h + 1, ws.max_row + 1) if ws.cell(r, 1).value == "合计")
    got = {h: ws.cell(total, heads.index(h) + 1).value for h in ("违法占用耕地(亩)", "占用耕地(亩)",
                                                                   "违法占用永久基本农田(亩)", "违法面积(亩)")}
    assert got == {"违法占用耕地(亩)": None, "占用耕地(亩)": None, "违法占用永久基本农田(亩)": pytest.approx(4.5),
                   "违法面积(亩)": pytest.approx(6.0)}
