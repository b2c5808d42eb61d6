"""`redline check`: validate layers without auditing: every problem, every feature id, and the fix."""

from __future__ import annotations

import click

from ..io import read_layer_with_info
from ..pipeline import parse_source
from ..schema import SCHEMAS
from ..validate import prepare_layers
from ._options import (
    EXIT_CODES_HELP,
    cli_fixes,
    crs_option,
    field_option,
    handle_errors,
    parse_fields,
    strict_option,
    verbosity_options,
)

#: What an audit cannot judge for a feature whose optional fields are empty (or missing from the layer):
#: ``{audit id: [(layer kind, fields that are all empty, unless one of these is set, consequence)]}``.
#: `redline check` counts those features, so a layer that is "usable" does not hide what it cannot show.
CANNOT_JUDGE: dict[str, list[tuple[str, tuple[str, ...], tuple[str, ...], str]]] = {
    "supplied_not_used": [
        ("supplies", ("agreed_start_date",), ("actual_start_date", "actual_completion_date"),
         "not judged: without the agreed start date nobody can say the start is overdue (状态 未判定 undetermined, "
         "unless buildings show development)"),
        ("supplies", ("price_wan",), (), "no idle fee (土地闲置费 = 20 % of the price) if found idle"),
    ],
    "deadline_alerts": [
        ("supplies", ("agreed_handover_date", "agreed_payment_date", "agreed_start_date", "agreed_completion_date"),
         (), "nothing to check: no agreed date at all"),
        ("supplies", ("agreed_start_date",), (), "no 开工 (start) alert"),
        ("supplies", ("agreed_completion_date",), (), "no 竣工 (completion) alert"),
    ],
    "underused": [
        ("parcels", ("total_investment_wan",), (), "投资强度 investment intensity not checked"),
        ("parcels", ("tax_wan", "output_wan"), (), "亩均税收 / 亩均产值 (tax, output per mu) not checked"),
        ("parcels", ("industry",), (), "plot ratio checked against the default floor, not its industry's"),
    ],
}


def cannot_judge_lines(frame, kind: str) -> list[str]:
    """``CANNOT_JUDGE`` applied to one layer (canonical fields): a line per consequence that touches features."""
    from ..registry import all_specs
    from ..schema import SCHEMAS

    specs = {s.id: s for s in all_specs()}
    schema = SCHEMAS[kind]
    lines = []
    for audit, entries in CANNOT_JUDGE.items():
        spec = specs.get(audit)
        if spec is None or kind not in {i.kind for i in spec.inputs}:
            continue
        for entry_kind, fields, unless, consequence in entries:
            if entry_kind != kind:
                continue
            empty = _all_empty(frame, fields) & ~_any_set(frame, unless)
            if not empty.any():
                continue
            named = " and ".join(f"{schema.field(f).label_zh} ({f}" + (", no such column)" if f not in frame.columns
                                                                        else ")") for f in fields)
            unless_text = (" and no " + " or ".join(schema.field(f).label_zh for f in unless)) if unless else ""
            lines.append(f"{spec.label_zh} {audit}: {int(empty.sum())} of {len(frame)} without {named}"
                         f"{unless_text}: {consequence}")
    return lines


def _all_empty(frame, fields):
    import numpy as np

    out = np.ones(len(frame), dtype=bool)
    for f in fields:
        if f in frame.columns:
            col = frame[f]
            out &= (col.isna() | (col.astype(str).str.strip() == "")).to_numpy()
    return out


def _any_set(frame, fields):
    import numpy as np

    return ~_all_empty(frame, fields) if fields else np.zeros(len(frame), dtype=bool)


def _assign_crs(values, kind: str) -> str | None:
    """``--assign-crs`` of `redline check`: ``EPSG:4547``, or ``KIND=EPSG:4547`` as `redline audit` takes it."""
    from ._options import parse_assign_crs

    plain = [v for v in values if v.partition("=")[0].strip() not in SCHEMAS]
    pairs = [v for v in values if v not in plain]
    if plain and len(values) == 1:
        pairs = [f"{kind}={plain[0]}"]
    elif plain:
        raise click.BadParameter(f"{plain[0]!r}: write --assign-crs EPSG:NNNN once (or {kind}=EPSG:NNNN)",
                                 param_hint="--assign-crs")
    return parse_assign_crs(pairs, SCHEMAS, {kind}).get(kind)


@click.command("check", epilog=EXIT_CODES_HELP)
@click.argument("source")
@click.option("--kind", type=click.Choice(sorted(SCHEMAS)), required=True, help="What the layer is.")
@click.option("--encoding", default=None, help="Attribute encoding, when detection is wrong (e.g. GBK).")
@field_option
@click.option("--assign-crs", "assign_crs", multiple=True, metavar="EPSG:NNNN",
              help="The CRS of a layer that declares none (a shapefile without .prj), e.g. --assign-crs EPSG:4547 "
                   "(KIND=EPSG:4547 as in `redline audit` also works). It names the coordinates' CRS, it does not "
                   "reproject them.")
@click.option("--replace-crs", "replace_crs", is_flag=True,
              help="With --assign-crs: also replace a CRS the layer declares, when its .prj is wrong (coordinates "
                   "kept). Without it, assigning a CRS to a layer that declares a different one is an error.")
@crs_option
@strict_option
@verbosity_options
@handle_errors
def command(source, kind, encoding, field_pairs, assign_crs, replace_crs, crs, strict, verbose, quiet):
    """Check one layer (FILE[:LAYER]) for what would stop or change an audit."""
    fields = parse_fields(field_pairs, {kind: kind}, {kind}).get(kind)
    assigned = _assign_crs(assign_crs, kind)
    if replace_crs and assigned is None:
        raise click.UsageError("--replace-crs replaces the CRS given with --assign-crs EPSG:NNNN: give that too")
    path, layer = parse_source(source)
    gdf, info = read_layer_with_info(path, layer, encoding=encoding, crs=assigned, replace_crs=replace_crs,
                                     name=kind)
    with cli_fixes({kind}):
        prepared = prepare_layers({kind: (gdf, kind, fields)}, crs=crs, strict=strict)
    clean = prepared.layers[kind]
    click.echo(f"{source}: {len(gdf)} features, {len(clean)} usable, {len(prepared.rejected)} set aside")
    if info.encoding:
        click.echo(f"  attribute encoding: {info.encoding}")
    if info.crs_assigned:
        click.echo(f"  CRS assigned: {info.crs_assigned}")
    click.echo(f"  working CRS: {prepared.working}")
    click.echo("  geometry validated and repaired in the working CRS, as the audits do; an audit whose other layers "
               "move the data's centre may choose another zone: give that one with --crs to check in it")
    for note in prepared.note_lines():
        click.echo(f"  {note}")
    lines = cannot_judge_lines(clean, kind)
    if lines:
        click.secho("  what the audits cannot judge (optional fields empty or missing):", fg="yellow")
        for line in lines:
            click.echo(f"    {line}")
