"""redline.plot: a run's findings drawn as the report draws them (its spec's colours and labels)."""

from __future__ import annotations

import matplotlib
import pytest
from matplotlib.colors import to_hex

from redline.example import load_example
from redline.overlay import supplied_not_used
from redline.plot import findings_map, legend_labels, run_map, save


@pytest.fixture(scope="module")
def idle():
    layers = load_example()
    return layers, supplied_not_used(layers["supplies"], layers["buildings"], as_of="2026-06-30")


def _facecolours(fig) -> set[str]:
    return {to_hex(c) for ax in fig.axes for coll in ax.collections for c in coll.get_facecolors()}


def test_findings_only_draws_the_counted_and_watched_statuses_in_their_colours(idle):
    from redline.registry import producer_of

    _, frame = idle
    out = next(o for o in producer_of("idle_land").outputs if o.name == "idle_land")
    fig = findings_map(frame, "idle_land", findings_only=True, zoom="none")
    shown = [s for s in out.statuses if (s.counted or s.watch) and (frame["status"] == s.code).any()]
    assert legend_labels(fig) == [s.label_zh for s in shown]
    assert {s.colour.lower() for s in shown} <= _facecolours(fig)
    assert "已竣工" not in legend_labels(fig)  # completed supplies are the register, not findings


def test_english_and_errors(idle, tmp_path):
    _, frame = idle
    fig = findings_map(frame, "idle_land", lang="en", findings_only=True)
    assert legend_labels(fig)[0] == "idle ≥ 2 years (recover)"  # the spec's English label of idle_recover
    with pytest.raises(ValueError, match="no audit makes the output 'idle'"):
        findings_map(frame, "idle")
    with pytest.raises(ValueError, match="no control line 'pbf'"):
        findings_map(frame, "idle_land", lines={"pbf": frame})
    path = save(fig, tmp_path / "idle.png")
    assert path.read_bytes().startswith(b"\x89PNG")


def test_run_map_uses_the_runs_units_and_control_lines():
    from redline.pipeline import run_audits

    layers = load_example()
    result = run_audits({k: layers[k] for k in ("supplies", "buildings", "admin", "farmland", "growth_boundary",
                                                "eco_redline")}, as_of="2026-06-30")
    fig = run_map(result, "idle_land", findings_only=True)
    labels = legend_labels(fig)
    assert "永久基本农田" in labels and "城镇开发边界" in labels
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []  # no pyplot state left behind
    assert matplotlib.get_backend()  # and the backend untouched


def test_a_chinese_map_saves_without_missing_glyphs(idle, tmp_path):
    """Saved (or shown by Jupyter) outside redline's font settings, the Chinese text still has its font: a glyph
    DejaVu Sans lacks would be a warning, which the suite makes an error."""
    _, frame = idle
    fig = findings_map(frame, "idle_land", findings_only=True)
    assert save(fig, tmp_path / "闲置土地.png").stat().st_size > 10_000
