"""The report's case-register section (案件跟踪) after the example county's three rounds.

Round 3 plants (redline.example.rounds): idle supply 411528-2020-007 recovered (its case resolved), approval
豫政土〔2024〕117号 unsupplied again (reappeared), approval 豫政土〔2017〕116号 renumbered 161号 (same geometry).
Before it, a 调查通知书 is recorded on idle case 411528-2023-001 on 2026-10-01: order 53 art. 5 gives the holder
30 days, so its deadline is 2026-10-31, passed by 30 days on round 3's date 2026-11-30.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import report_cases

import redline.report as report
from redline.register import CHANGES


class _Tables(HTMLParser):
    """The register section's tables: (class, id of the enclosing <details>, rows of cell texts)."""

    def __init__(self) -> None:
        super().__init__()
        self.in_section = False
        self.depth = 0
        self.details = ""
        self.tables: list[tuple[str, str, list[list[str]]]] = []
        self.figures: dict[str, float] = {}
        self.h2: list[str] = []
        self.images = 0
        self._cell: list[str] | None = None
        self._fig: str | None = None
        self._h2 = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            if a.get("id") == "register":
                self.in_section = True
            self.depth += self.in_section
        if tag == "h2":
            self._h2 = True
        if not self.in_section:
            return
        if tag == "details":
            self.details = a.get("id", "")
        elif tag == "table":
            self.tables.append((a.get("class", ""), self.details, []))
        elif tag == "tr":
            self.tables[-1][2].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "img":
            self.images += 1
        if "data-figure" in a:
            self.figures[a["data-figure"]] = float(a["data-value"])

    def handle_endtag(self, tag):
        if tag == "section" and self.in_section:
            self.depth -= 1
            self.in_section = self.depth > 0
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][2][-1].append("".join(self._cell).strip())
            self._cell = None
        if tag == "details":
            self.details = ""
        if tag == "h2":
            self._h2 = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._h2:
            self.h2.append(data)


def _parse(path) -> _Tables:
    page = _Tables()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _rows(page: _Tables, which: str) -> list[dict[str, str]]:
    """A table of the section as dicts by header: ``changes`` or the list in <details id="register-<which>">."""
    for css, details, rows in page.tables:
        if (which == "changes" and "register-changes" in css) or details == f"register-{which}":
            return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    raise AssertionError(f"no table {which!r} in the register section")


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    return report_cases.register_rounds(tmp_path_factory.mktemp("register"))


@pytest.fixture(scope="module")
def page(rounds, tmp_path_factory):
    result, _ = rounds
    return _parse(report.build(result, tmp_path_factory.mktemp("report") / "r.html"))


def test_the_section_comes_first_after_the_overview(page):
    assert page.h2[:3] == ["概览", "案件跟踪", "批而未供"]


def test_changes_per_output_are_the_planted_ones_and_the_rounds_summary(rounds, page):
    result, plan = rounds
    table = {r["审计项"]: r for r in _rows(page, "changes")}
    labels = {"approved_not_supplied": "批而未供", "supply_before_approval": "先供后批", "idle_land": "闲置土地"}
    assert list(table) == [*labels.values(), "合计"]
    for output, label in labels.items():
        planted = plan.changes[plan.changes["output"] == output]
        for change in ("new", "resolved", "reappeared"):  # what round 3 planted, and nothing else
            assert int(table[label][f"{CHANGES[change][0]}（件）"]) == (planted["expected"] == change).sum(), \
                (output, change)
        summary = result.round.summary[result.round.summary["output"] == output].set_index("change")
        for change, (zh, _) in CHANGES.items():
            assert int(table[label][f"{zh}（件）"]) == summary.at[change, "count"]
            assert table[label][f"{zh}（亩）"] == f"{summary.at[change, 'area_mu']:,.2f}"
        # open at the round's end: every case found in it
        found = sum(int(table[label][f"{CHANGES[c][0]}（件）"]) for c in ("new", "persisting", "reappeared"))
        assert int(table[label]["在册（件）"]) == found
    for col in table["合计"]:
        if col.endswith("（件）"):
            assert int(table["合计"][col]) == sum(int(table[lab][col]) for lab in labels.values())


def test_headline_figures(page):
    got = page.figures
    assert (got["register.new"], got["register.resolved"], got["register.reappeared"]) == (0, 1, 1)
    assert got["register.overdue"] == 1
    rows = {r["审计项"]: r for r in _rows(page, "changes")}
    assert got["register.open"] == int(rows["合计"]["在册（件）"])


def test_lists_of_new_resolved_and_renumbered_cases(rounds, page):
    result, _ = rounds
    events = result.round.events.set_index("case_key")
    (new,) = _rows(page, "new")
    assert (new["业务编号"], new["变化"]) == ("豫政土〔2024〕117号", "重新出现")
    assert new["案件编号"] == events.at["豫政土〔2024〕117号", "case_id"]
    assert new["名称"]  # the batch's name from the register
    (gone,) = _rows(page, "resolved")
    assert gone["业务编号"] == "411528-2020-007" and gone["消化原因"].startswith("已不在本期输入中")
    assert gone["面积（亩）"] == f"{events.at['411528-2020-007', 'area_mu']:,.2f}"
    (renumbered,) = _rows(page, "renumbered")
    assert (renumbered["业务编号"], renumbered["原业务编号"]) == ("豫政土〔2017〕161号", "豫政土〔2017〕116号")
    assert renumbered["匹配方式"].startswith("geometry IoU")


def test_disposal_deadline_of_the_recorded_notice(page):
    (row,) = _rows(page, "deadlines")
    assert row["业务编号"] == report_cases.NOTICE["key"]
    # 2026-10-01 + 30 days (order 53 art. 5); round 3 is as of 2026-11-30
    assert (row["期限"], row["剩余天数"], row["逾期"]) == ("2026-10-31", "-30", "已逾期")
    assert "第五条" in row["依据"]


def test_trend_charts_are_drawn(page):
    assert page.images == 2  # open cases per round; new / reappeared / resolved per round


def test_no_register_no_section(tmp_path):
    page = _parse(report.build(report_cases.audited(), tmp_path / "r.html"))
    assert "案件跟踪" not in page.h2 and not page.tables
    assert not [k for k in page.figures if k.startswith("register.")]


def test_english(rounds, tmp_path):
    result, _ = rounds
    page = _parse(report.build(result, tmp_path / "r.html", lang="en"))
    assert page.h2[1] == "Case register"
    rows = {r["audit"]: r for r in _rows(page, "changes")}
    assert rows["Idle land"]["resolved (cases)"] == "1"
    assert _rows(page, "renumbered")[0]["old key"] == "豫政土〔2017〕116号"
    # 411528-2020-007 recovered: no longer in the inputs, said in English only
    why = [r["why"] for r in _rows(page, "resolved")]
    assert why == ["no longer in the inputs: record cancelled, recovered or withdrawn"]


@pytest.fixture(scope="module")
def rebuilt(rounds, tmp_path_factory):
    """Round 3's results written to a folder, and the report rebuilt from that folder alone."""
    from redline.pipeline import write_results

    result, _ = rounds
    folder = tmp_path_factory.mktemp("results")
    write_results(result, folder, report=False)
    return folder, _parse(report.build(folder, folder / "rebuilt.html"))


def test_a_report_rebuilt_from_the_results_folder_has_the_same_section(page, rebuilt):
    _, again = rebuilt
    assert again.h2[:2] == ["概览", "案件跟踪"]
    for which in ("changes", "new", "resolved", "renumbered", "deadlines"):
        assert _rows(again, which) == _rows(page, which), which
    assert again.figures == page.figures


def test_a_rebuilt_report_without_its_register_says_so(rounds, rebuilt, tmp_path):
    import shutil

    folder, _ = rebuilt
    moved = tmp_path / "results"
    shutil.copytree(folder, moved)
    register = rounds[0].round.where
    shutil.move(register, tmp_path / "elsewhere.gpkg")
    try:
        html = report.build(moved, moved / "again.html").read_text(encoding="utf-8")
    finally:
        shutil.move(tmp_path / "elsewhere.gpkg", register)
    assert 'id="register"' not in html
    assert "the section 案件跟踪 is left out" in html
