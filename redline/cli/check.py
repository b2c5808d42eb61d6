"""`redline check`: validate layers without auditing: every problem, every feature id, and the fix."""

from __future__ import annotations

import click

from ..io import read_layer
from ..pipeline import parse_source
from ..schema import SCHEMAS
from ..validate import prepare_layers
from ._options import crs_option, handle_errors, strict_option, verbosity_options


@click.command("check")
@click.argument("source")
@click.option("--kind", type=click.Choice(sorted(SCHEMAS)), required=True, help="What the layer is.")
@click.option("--encoding", default=None, help="Attribute encoding, when detection is wrong (e.g. GBK).")
@crs_option
@strict_option
@verbosity_options
@handle_errors
def command(source, kind, encoding, crs, strict, verbose, quiet):
    """Check one layer (FILE[:LAYER]) for what would stop or change an audit."""
    path, layer = parse_source(source)
    gdf = read_layer(path, layer, encoding=encoding)
    info = gdf.attrs.get("redline", {})
    prepared = prepare_layers({kind: (gdf, kind)}, crs=crs, strict=strict)
    clean = prepared.layers[kind]
    click.echo(f"{source}: {len(gdf)} features, {len(clean)} usable, {len(prepared.rejected)} set aside")
    if info.get("encoding"):
        click.echo(f"  attribute encoding: {info['encoding']}")
    click.echo(f"  working CRS: {prepared.working}")
    click.echo("  geometry validated and repaired in the working CRS, as the audits do; an audit whose other layers "
               "move the data's centre may choose another zone: give that one with --crs to check in it")
    for note in prepared.note_lines():
        click.echo(f"  {note}")
