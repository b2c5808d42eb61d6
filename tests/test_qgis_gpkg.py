"""The results GeoPackage opened in real QGIS as it is: styled by status in the spec's colours, Chinese
field aliases (tables too), a map tip that says why (scripts/render_qgis_gpkg.py, run in a child process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest
from test_qgis_plugin import requires_qgis

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "render_qgis_gpkg.py"
pytestmark = [pytest.mark.qgis, requires_qgis]


def _script(*args) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True,
                          timeout=600, env=env, cwd=str(ROOT))


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """The example county's results, written by redline (the demo's audits of the vector layers)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import render_qgis_gpkg
    finally:
        sys.path.pop(0)
    return render_qgis_gpkg.audit_example(tmp_path_factory.mktemp("results"))


@pytest.fixture(scope="module")
def described(results):
    proc = _script(results, "--describe")
    assert "@@JSON@@" in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]
    return json.loads(proc.stdout.split("@@JSON@@", 1)[1]), proc.stderr


def test_qgis_opens_it_without_a_version_warning(results, described):
    _, stderr = described
    assert not [line for line in stderr.splitlines() if str(results) in line], stderr


def test_idle_land_is_categorised_by_status_in_the_spec_colours(described):
    from redline.registry import get_spec

    idle = next(o for o in get_spec("supplied_not_used").outputs if o.name == "idle_land")
    layer = described[0]["idle_land"]
    assert layer["valid"] and layer["renderer"] == "categorizedSymbol" and layer["attr"] == "status"
    assert layer["categories"] == [[s.code, f"{s.label_zh} {s.code}", s.colour.lower()] for s in idle.statuses]


def test_every_map_layer_has_a_style_the_chinese_aliases_and_a_map_tip(described):
    from redline.registry import all_specs
    from redline.spec import output_aliases

    layers = described[0]
    declared = {o.name: output_aliases(s, o) for s in all_specs() for o in s.outputs}
    assert set(layers) - {"rejected"} <= set(declared) and "idle_land" in layers and "rejected" in layers
    maps = {name for name, layer in layers.items() if layer["spatial"]}
    assert {"idle_land", "approved_not_supplied", "three_line_conflicts"} <= maps and "rejected" not in maps
    for name, layer in layers.items():
        assert layer["valid"] and layer["display_expression"], name
        if name in maps:
            assert layer["renderer"] in ("categorizedSymbol", "singleSymbol"), name
            assert "<table>" in layer["map_tip"], name
        for column, (label, _) in declared.get(name, {}).items():
            if column in layer["aliases"]:
                assert layer["aliases"][column] == label, (name, column)
    assert layers["idle_land"]["aliases"]["status_zh"] == "状态"
    assert layers["rejected"]["aliases"]["reason"] == "原因"


def test_the_map_tip_of_a_supply_says_its_status_dates_and_rule(results, described):
    """The first supply of the file: its tip and Identify name read back against the file's own values."""
    layer = described[0]["idle_land"]
    first = pyogrio.read_dataframe(results, layer="idle_land", max_features=1).iloc[0]
    assert layer["first_name"] == f"{first['supply_id']} {first['status_zh']}"
    tip = layer["first_tip"]
    assert tip.startswith(f"<b>闲置土地</b> {first['supply_id']}")
    assert f'<tr><th align="left">状态</th><td>{first["status_zh"]}</td></tr>' in tip
    assert f'<tr><th align="left">供地日期</th><td>{first["supply_date"]:%Y-%m-%d}</td></tr>' in tip
    assert '<th align="left">依据</th><td><small>cn-national@' in tip
    assert "[%" not in tip  # every expression evaluated


def test_the_screenshot_is_the_file_opened_as_it_is(results, tmp_path):
    png = tmp_path / "gpkg_styled.png"
    proc = _script(results, png)
    assert proc.returncode == 0, proc.stderr[-2000:]
    from PIL import Image

    image = Image.open(png).convert("RGB")
    assert image.size == (1500, 1000)
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50  # drawn, not blank
