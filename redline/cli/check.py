"""`redline check`: validate layers without auditing: every problem, every feature id, and the fix."""

from __future__ import annotations

import click

from ..io import read_layer
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
    gdf = read_layer(path, layer, encoding=encoding, crs=assigned, replace_crs=replace_crs, name=kind)
    info = gdf.attrs.get("redline", {})
    with cli_fixes({kind}):
        prepared = prepare_layers({kind: (gdf, kind, fields)}, crs=crs, strict=strict)
    clean = prepared.layers[kind]
    click.echo(f"{source}: {len(gdf)} features, {len(clean)} usable, {len(prepared.rejected)} set aside")
    if info.get("encoding"):
        click.echo(f"  attribute encoding: {info['encoding']}")
    if info.get("crs_assigned"):
        click.echo(f"  CRS assigned: {info['crs_assigned']}")
    click.echo(f"  working CRS: {prepared.working}")
    for note in prepared.note_lines():
        click.echo(f"  {note}")
