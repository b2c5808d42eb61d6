"""Every output's columns are declared once in its spec: the example county's outputs match them both ways.

One run of every audit on the example county (as ``redline demo`` runs it); each output is checked
against its ``OutputSpec.columns``: every emitted column is declared or carried from the passthrough
input, every declared non-optional column is emitted, each column's dtype fits its kind; and the
GeoPackage and the ledger written by that run show the declared labels.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pandas as pd
import pytest

from redline.schema import SCHEMAS
from redline.spec import output_aliases

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from redline.cli.demo import _readable_inputs, _with_example_rasters, example_sources
    from redline.example import EXAMPLE_AS_OF
    from redline.pipeline import run_audits

    out = tmp_path_factory.mktemp("columns")
    sources, params = _with_example_rasters(_readable_inputs(example_sources()), out / "rasters")
    return run_audits(sources, out=out, as_of=EXAMPLE_AS_OF, params=params)


def _outputs(run):
    return [(spec, o) for spec in run.specs for o in spec.outputs if o.name in run.outputs]


def _carried(run, spec, o) -> set[str]:
    """The columns an output may carry undeclared: its passthrough input's schema fields and own columns."""
    if not o.passthrough:
        return set()
    kind = spec.input(o.passthrough).kind
    given = run.layers.get(o.passthrough)
    if given is None:
        given = run.outputs.get(o.passthrough)
    return {f.name for f in SCHEMAS[kind].fields} | (set(given.columns) if given is not None else set())


def _fits(kind: str, s: pd.Series) -> bool:
    t = pd.api.types
    if kind == "date":
        return t.is_datetime64_any_dtype(s)
    if kind == "bool":
        return t.is_bool_dtype(s)
    if kind in ("mu", "m2", "wan", "float", "ratio", "int", "days"):
        return t.is_numeric_dtype(s) and not t.is_bool_dtype(s)
    # text: strings (or numbers written as codes: class values, raster patch numbers), never dates or flags
    return not (t.is_datetime64_any_dtype(s) or t.is_bool_dtype(s) or t.is_float_dtype(s))


def test_every_audit_ran(run):
    from redline.registry import all_specs

    assert {s.id for s in run.specs} == {s.id for s in all_specs()}
    missing = [o.name for s in run.specs for o in s.outputs if o.name not in run.outputs]
    assert missing == []


def test_emitted_columns_are_declared(run):
    undeclared = {}
    for spec, o in _outputs(run):
        frame = run.outputs[o.name]
        geometry = {frame.geometry.name} if hasattr(frame, "geometry") and o.geometry else set()
        extra = set(frame.columns) - {c.name for c in o.columns} - _carried(run, spec, o) - geometry
        if extra:
            undeclared[o.name] = sorted(extra)
    assert undeclared == {}


def test_declared_columns_are_emitted(run):
    missing = {}
    for _, o in _outputs(run):
        frame = run.outputs[o.name]
        gone = [c.name for c in o.columns if not c.optional and c.name not in frame.columns]
        if gone:
            missing[o.name] = gone
    assert missing == {}


def test_dtypes_fit_the_declared_kinds(run):
    wrong = {}
    for _, o in _outputs(run):
        frame = run.outputs[o.name]
        bad = [(c.name, c.kind, str(frame[c.name].dtype)) for c in o.columns
               if c.name in frame.columns and not _fits(c.kind, frame[c.name])]
        if bad:
            wrong[o.name] = bad
    assert wrong == {}


def test_ids_are_text_or_integers_and_geometry_as_declared(run):
    for _, o in _outputs(run):
        frame = run.outputs[o.name]
        assert (o.geometry and hasattr(frame, "geometry")) or not o.geometry, o.name
        for c in o.columns:
            if c.role == "id" and c.name in frame.columns:
                s = frame[c.name]
                assert pd.api.types.is_string_dtype(s) or pd.api.types.is_integer_dtype(s) \
                    or s.dtype == object, (o.name, c.name, s.dtype)


def test_declarations_are_well_formed(run):
    from redline.registry import all_specs

    for spec in all_specs():
        for o in spec.outputs:
            names = [c.name for c in o.columns]
            assert len(names) == len(set(names)), (o.name, [n for n in names if names.count(n) > 1])
            for c in o.columns:
                assert c.label_zh and c.label_en, (o.name, c.name)
                assert c.kind != "bool" or c.total is None, (o.name, c.name)
            labels = [c.label_zh for c in o.columns]
            assert len(labels) == len(set(labels)), (o.name, [n for n in labels if labels.count(n) > 1])
            if o.passthrough:
                assert spec.input(o.passthrough).kind in SCHEMAS, (o.name, o.passthrough)


def test_geopackage_has_the_declared_aliases(run):
    import pyogrio

    gpkg = run.paths["gpkg"]
    with closing(sqlite3.connect(gpkg)) as db:
        rows = db.execute("SELECT table_name, column_name, name, title, description FROM gpkg_data_columns").fetchall()
        ext = db.execute("SELECT table_name, extension_name FROM gpkg_extensions WHERE extension_name = 'gpkg_schema'")
        assert {t for t, _ in ext} == {"gpkg_data_columns", "gpkg_data_column_constraints"}
    got = {(t, c): (n, title, d) for t, c, n, title, d in rows}
    assert got[("approved_not_supplied", "unsupplied_mu")][:2] == ("未供面积(亩)", "未供面积(亩)")
    assert got[("approved_not_supplied", "unsupplied_mu")][2].startswith("Unsupplied area (亩)")
    # carried from the approvals' schema, not declared on the output
    assert got[("approved_not_supplied", "approved_area_m2")][0] == "批准面积(平方米)"
    assert got[("rejected", "reason")][0] == "原因"
    for s, out in _outputs(run):
        frame = run.outputs[out.name]
        for name, (label, _) in output_aliases(s, out).items():
            if name in frame.columns:
                assert got[(out.name, name)][0] == label, (out.name, name)
    # GDAL reads them as the fields' alternative names (what QGIS shows as aliases)
    _, table = pyogrio.read_arrow(gpkg, layer="idle_land", max_features=1)
    meta = {f.name: f.metadata or {} for f in table.schema}
    idle = next(o for _, o in _outputs(run) if o.name == "idle_land")
    assert meta["status_zh"][b"GDAL:OGR:alternative_name"].decode() == idle.column("status_zh").label_zh == "状态"
    assert meta["fee_due"][b"GDAL:OGR:comment"].decode().startswith("Idle fee due (万元)")


def test_ledger_headers_come_from_the_spec(run):
    from openpyxl import load_workbook

    from redline.io.ledger import header_row

    wb = load_workbook(run.paths["ledger"])
    for _, o in _outputs(run):
        frame = run.outputs[o.name]
        want = ["序号"] + [c.label_zh for c in o.columns if c.ledger and c.name in frame.columns]
        ws = wb[o.sheet_title("zh")]
        got = [c.value for c in ws[header_row(ws)]]
        assert got == want, o.name
        assert [c.header for c in o.ledger_columns("en")] == [c.name for c in o.columns if c.ledger]
