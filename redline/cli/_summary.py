"""Printing a run's summary: short, in plain language, with where the files are."""

from __future__ import annotations

import click


def echo_run(result, *, quiet: bool = False, verbose: int = 0) -> None:
    if quiet:
        return
    click.echo(f"redline {result.metadata()['redline_version']} — as of {result.as_of}, rules {result.rules.label}, "
               f"areas {result.metadata()['area_method']}")
    click.echo(f"working CRS: {result.working.name}")
    for line in result.summary:
        click.echo(f"  {line}")
    if len(result.rejected):
        by_layer = result.rejected.groupby("layer").size()
        click.secho("  set aside (see the 'rejected' layer): "
                    + ", ".join(f"{n} {layer}" for layer, n in by_layer.items()), fg="yellow")
    # notes are what a technician must read (features set aside as values, dates filled, later dates left out,
    # ids numbered, CRSs assigned...): always shown; the working CRS is printed above
    for note in result.notes:
        if not str(note).startswith("working CRS:"):
            click.echo(f"  note: {note}")
    for kind, path in result.paths.items():
        click.echo(f"{kind:>7}: {path}")
