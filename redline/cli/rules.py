"""`redline rules`: list the shipped rule sets, or show every threshold of one with its source."""

from __future__ import annotations

import click

from ..rules import available_rule_sets, load_rules
from ._options import handle_errors, verbosity_options


@click.command("rules")
@click.argument("name", required=False)
@verbosity_options
@handle_errors
def command(name, verbose, quiet):
    """List rule sets, or show the thresholds of NAME (a shipped name or your .toml file)."""
    if not name:
        for n in available_rule_sets():
            r = load_rules(n)
            click.echo(f"{r.label:32} {r.title}")
        return
    r = load_rules(name)
    click.echo(f"{r.label} {r.title}")
    if r.chain:
        click.echo(f"extends: {' <- '.join(r.chain)}")
    for row in r.to_records():
        click.echo(f"  {row['key']:45} {row['value']:>10} {row['unit']:<14} [{row['status']}] {row['source']}")
