"""The report a director signs: its title and summary, its maps' control lines, class names, no tofu, the PDF.

The run is the hand-checked one of report_cases (squares in EPSG:4549: 100 m x 100 m = 15 亩): approval 1 is
60 % supplied, so 4 000 m2 = 6 亩 unsupplied; the five-year supply rate of all units is 21 000 / 30 000 =
70 %, 新区's 5 000 / 10 000 = 50 % is under the 60 % line.
"""

from __future__ import annotations

import re
import unicodedata

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import report_cases
from click.testing import CliRunner
from shapely.geometry import box

import redline.report as report
from redline.errors import RedlineError
from redline.pipeline import write_results
from redline.report import _figures as F
from redline.report.browser import find_chromium


def h1(path) -> str:
    return re.search(r"<h1>(.*?)</h1>", path.read_text(encoding="utf-8")).group(1)


def summary(path) -> list[str]:
    block = re.search(r'<ul class="lead" id="summary">(.*?)</ul>', path.read_text(encoding="utf-8")).group(1)
    return re.findall(r"<li>(.*?)</li>", block)


def test_title_names_the_jurisdiction_and_the_bureau(tmp_path):
    res = report_cases.audited()
    res.jurisdiction, res.bureau = "息县", "息县自然资源局"
    path = report.build(res, tmp_path / "r.html")
    assert h1(path) == "息县土地利用监管审计报告"
    text = path.read_text(encoding="utf-8")
    assert '<p class="subtitle">审计单位：息县自然资源局</p>' in text
    assert "审计单位（盖章）：</b> 息县自然资源局" in text  # the signature block
    # given to build, they replace what the run recorded
    path = report.build(res, tmp_path / "en.html", lang="en", jurisdiction="Xi County", bureau="Xi Bureau")
    assert h1(path) == "Land-use supervision audit report: Xi County"
    assert "Audited by: Xi Bureau" in path.read_text(encoding="utf-8")


def test_report_from_a_folder_takes_jurisdiction_and_bureau_from_the_command(tmp_path):
    from redline.cli import main

    res = report_cases.audited()
    res.jurisdiction = "息县"
    write_results(res, tmp_path)
    out = CliRunner().invoke(main, ["report", "--from", str(tmp_path), "-q"])
    assert out.exit_code == 0, out.output
    assert h1(tmp_path / "redline_report.html") == "息县土地利用监管审计报告"  # as the run recorded it
    out = CliRunner().invoke(main, ["report", "--from", str(tmp_path), "--jurisdiction", "潢川县",
                                    "--bureau", "潢川县自然资源局", "-q"])
    assert out.exit_code == 0, out.output
    path = tmp_path / "redline_report.html"
    assert h1(path) == "潢川县土地利用监管审计报告"
    assert "潢川县自然资源局" in path.read_text(encoding="utf-8")
    bad = CliRunner().invoke(main, ["report", "--from", str(tmp_path), "--class-names", "3:建设用地"])
    assert bad.exit_code == 2 and "VALUE=NAME" in bad.output


def test_summary_at_the_top_is_sentences_from_the_figures(tmp_path):
    zh = summary(report.build(report_cases.audited(), tmp_path / "zh.html"))
    assert zh[0].startswith("批而未供：1 宗批次有未供土地，批而未供面积 6.00 亩")
    rate = next(s for s in zh if s.startswith("供地率："))
    assert "70.0%" in rate and "1 个行政区低于 60%" in rate and "不低于 60% 的增存挂钩线" in rate
    en = summary(report.build(report_cases.audited(), tmp_path / "en.html", lang="en"))
    assert any("1 approvals with unsupplied land; unsupplied area 6.00 mu" in s for s in en)
    assert not any(re.search(r"[\u4e00-\u9fff]{4}", s.split("增存挂钩")[0]) for s in en)
    # the figures change, the sentences follow
    res = report_cases.audited()
    res.outputs["approved_not_supplied"].loc[0, "unsupplied_mu"] = 7.5
    assert "批而未供面积 7.50 亩" in summary(report.build(res, tmp_path / "z2.html"))[0]


def _lines():
    x, y = report_cases.X0, report_cases.Y0
    return {"farmland": np.array([box(x, y, x + 200, y + 200)], dtype=object),
            "eco_redline": np.array([box(x + 400, y, x + 600, y + 300)], dtype=object),
            "growth_boundary": np.array([box(x - 50, y - 50, x + 900, y + 900)], dtype=object)}


def test_maps_draw_the_three_control_lines_under_the_findings():
    from matplotlib.collections import PathCollection

    canvas = F.Canvas("zh")
    x, y = report_cases.X0, report_cases.Y0
    fig = F.map_figure(canvas, [(np.array([box(x, y, x + 50, y + 50)], dtype=object), "#d62728", "批而未供")],
                       lines=_lines())
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    wanted = [F.LINE_STYLES[k][4 if canvas.can_draw_cjk else 5] for k in ("farmland", "eco_redline",
                                                                          "growth_boundary")]
    assert labels[:3] == wanted and labels[-1] == "批而未供"
    cols = [c for c in fig.axes[0].collections if isinstance(c, PathCollection)]
    finding = max(cols, key=lambda c: c.get_zorder())
    assert all(c.get_zorder() < finding.get_zorder() for c in cols if c is not finding)
    # the ecological red line and the growth boundary are outlines: the finding inside them stays visible
    eco = cols[1]
    assert eco.get_facecolor().size == 0 or eco.get_facecolor()[0][3] == 0


def test_the_run_s_control_line_layers_reach_the_maps(tmp_path):
    res = report_cases.audited()
    lines = _lines()
    res.layers = {k: gpd.GeoDataFrame(geometry=list(v), crs=report_cases.CRS_4549) for k, v in lines.items()}
    from redline.report.sections import Ctx

    ctx = Ctx(report._data.from_run(res), "zh")
    assert list(ctx.lines) == ["farmland", "eco_redline", "growth_boundary"]
    # a folder read back has no input layers: the report says its maps lack them
    write_results(report_cases.audited(), tmp_path)
    assert "地图未绘制三条控制线" in report.build(tmp_path).read_text(encoding="utf-8")


def test_alerts_on_idle_supplies_are_outlined_over_them_not_filled():
    from matplotlib.collections import PathCollection

    x, y = report_cases.X0, report_cases.Y0
    same = np.array([box(x, y, x + 100, y + 100)], dtype=object)
    # the alerts come first, as in the report's order; the filled idle land is still drawn under their outline
    fig = F.map_figure(F.Canvas("en"), [(same, "#1f77b4", "alerts", "outline"), (same, "#d62728", "idle")])
    cols = sorted((c for c in fig.axes[0].collections if isinstance(c, PathCollection)), key=lambda c: c.get_zorder())
    idle, alerts = cols[-2], cols[-1]
    assert tuple(np.round(idle.get_facecolor()[0][:3], 3)) == tuple(np.round(F_rgb("#d62728"), 3))
    assert alerts.get_facecolor().size == 0 or alerts.get_facecolor()[0][3] == 0


def F_rgb(colour):
    from matplotlib.colors import to_rgb

    return to_rgb(colour)


def _with_transitions():
    res = report_cases.audited()
    res.outputs["transitions"] = pd.DataFrame({"before": ["1", "1", "3", "3"], "after": ["1", "3", "1", "3"],
                                               "pixels": [100, 9, 0, 50], "area_mu": [15.0, 1.35, 0.0, 7.5],
                                               "changed": [False, True, True, False]})
    return res


def test_land_cover_classes_by_name(tmp_path):
    named = report.build(_with_transitions(), tmp_path / "n.html", class_names={1: "cultivated 耕地", 3: "建设用地"})
    text = named.read_text(encoding="utf-8")
    assert "<td>3 建设用地</td>" in text and "<td>1 耕地</td>" in text
    assert "未给出地类名称" not in text
    # without names the values are shown, and the report says so
    bare = report.build(_with_transitions(), tmp_path / "b.html").read_text(encoding="utf-8")
    assert "地类以分类影像的取值显示（1, 3）" in bare and "<td>3 建设用地</td>" not in bare


def test_without_a_chinese_font_no_chart_draws_chinese(tmp_path, monkeypatch):
    monkeypatch.setattr(F, "cjk_font", lambda: None)
    canvas = F.Canvas("zh")
    assert not canvas.can_draw_cjk and canvas.lang == "en"
    m = pd.DataFrame([[1.0, 2.0], [0.0, 3.0]], index=["耕地", "建设用地"], columns=["耕地", "建设用地"])
    fig = F.heatmap(canvas, m, title="Transition matrix", unit="亩")  # a unit passed through untranslated
    from matplotlib.text import Text

    assert any("亩" in t.get_text() for t in fig.findobj(Text))  # the case to guard against
    assert F.drawable(fig, canvas) >= 1
    assert not [t.get_text() for t in fig.findobj(Text) if re.search(r"[\u2e80-\U0002ffff]", t.get_text())]
    assert any(t.get_text() == "Transition matrix (mu)" for t in fig.findobj(Text))
    # the whole report (filterwarnings=error: a missing glyph would fail here), the note said once
    text = report.build(_with_transitions(), tmp_path / "r.html").read_text(encoding="utf-8")
    assert text.count("本机未安装中文字体") == 1


def test_with_a_chinese_font_charts_keep_chinese():
    canvas = F.Canvas("zh")
    if not canvas.can_draw_cjk:
        pytest.skip("no CJK font installed (fonts-noto-cjk)")
    fig = F.heatmap(canvas, pd.DataFrame([[1.0]], index=["耕地"], columns=["耕地"]), title="地类转移矩阵", unit="亩")
    assert F.drawable(fig, canvas) == 0
    from matplotlib.text import Text

    assert any(t.get_text() == "地类转移矩阵 (亩)" for t in fig.findobj(Text))


def test_no_chromium_no_pdf_with_a_clear_message(tmp_path, monkeypatch):
    from redline.report import browser

    monkeypatch.setattr(browser, "find_chromium", lambda: None)
    with pytest.raises(RedlineError, match="Chromium not found.*HTML report is at"):
        report.build(report_cases.audited(), tmp_path / "r.html", pdf=True)
    assert (tmp_path / "r.html").exists() and not (tmp_path / "r.pdf").exists()


@pytest.mark.chromium
@pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")
def test_pdf_is_a4_with_the_headline_figures_and_no_column_cut(tmp_path):
    import pypdf

    res = report_cases.audited()
    res.jurisdiction = "息县"
    html = report.build(res, tmp_path / "redline_report.html", pdf=True)
    pdf = pypdf.PdfReader(str(tmp_path / "redline_report.pdf"))
    sizes = {tuple(sorted((round(float(p.mediabox.width)), round(float(p.mediabox.height))))) for p in pdf.pages}
    assert sizes == {(595, 842)}  # A4 in points, portrait or landscape
    # NFKC: the PDF's text maps some glyphs to Kangxi radicals (⼟ for 土)
    text = unicodedata.normalize("NFKC", re.sub(r"\s+", "", "".join(p.extract_text() for p in pdf.pages)))
    assert "息县土地利用监管审计报告" in text
    for shown in ("6.00", "70.0"):  # unsupplied 亩, the five-year rate
        assert shown in text
    # the widest table: its last header is printed (the column is not cut at the page edge)
    tables = re.findall(r"<thead><tr>(.*?)</tr></thead>", html.read_text(encoding="utf-8"))
    widest = max(tables, key=lambda t: t.count("<th>"))
    assert widest.count("<th>") > 9
    last = re.findall(r"<th>(.*?)</th>", widest)[-1]
    assert re.sub(r"\s+", "", last) in text


@pytest.mark.chromium
@pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")
def test_printing_a_results_folder_adds_the_pdf_to_its_set(tmp_path):
    """`redline report --from DIR --pdf` on a run's folder: the PDF joins the run's set (the manifest lists it, it
    carries the run's id), the folder still reads as one run; the next run into the folder takes the old PDF out
    of the set instead of leaving a print of other results beside it."""
    from redline.cli import main
    from redline.io.resultset import MANIFEST, read_run_id, verify_set

    res = report_cases.audited()
    write_results(res, tmp_path)
    run_id = verify_set(tmp_path)
    out = CliRunner().invoke(main, ["report", "--from", str(tmp_path), "--pdf"])
    assert out.exit_code == 0, out.output
    assert "pdf:" in out.output
    pdf = tmp_path / "redline_report.pdf"
    assert read_run_id(pdf) == run_id and verify_set(tmp_path) == run_id
    import json

    assert "redline_report.pdf" in json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))["files"]
    write_results(report_cases.audited(), tmp_path)
    assert not pdf.exists()
    assert verify_set(tmp_path) not in (None, run_id)
