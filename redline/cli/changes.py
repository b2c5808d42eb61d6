"""`redline changes`: change patches between two classified rasters, judged into the 卫片 register."""

from __future__ import annotations

from pathlib import Path

import click

from ..io import read_layer, write_layers
from ..pipeline import parse_source
from ..rules import resolve_rules
from ..validate import rejected_frame
from ._options import area_option, handle_errors, rules_option, verbosity_options

#: the GeoPackage `redline changes` writes in the output folder
RESULT_FILE = "redline_changes.gpkg"


def _classes(value: str) -> list:
    out: list[int | float] = []
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(int(part))
        except ValueError:
            try:
                out.append(float(part))
            except ValueError:
                raise click.BadParameter(f"{part!r} is not a class value; write e.g. 1,2,4") from None
    if not out:
        raise click.BadParameter("give at least one class value, e.g. 1,2,4")
    return out


@click.command("changes")
@click.argument("before", type=click.Path(exists=True, dir_okay=False))
@click.argument("after", type=click.Path(exists=True, dir_okay=False))
@click.option("--from-classes", "from_classes", required=True, metavar="1,2,...",
              help="First-date classes that count (e.g. farmland, forest).")
@click.option("--to-classes", "to_classes", required=True, metavar="3,...",
              help="Second-date classes that count (e.g. construction).")
@click.option("--min-area", "min_area", type=float, default=None, metavar="M2",
              help="Minimum patch area in m² (default: the rule set's imagery.min_patch_area_m2). Smaller patches "
                   "stay in the patches layer, flagged below_min_area, and are left out of the register.")
@click.option("--connectivity", type=click.Choice(["8", "4"]), default="8", show_default=True,
              help="8 joins pixels touching at a corner.")
@click.option("--align", type=click.Choice(["nearest", "refuse"]), default="nearest", show_default=True,
              help="Rasters on different grids: resample AFTER onto BEFORE's grid, or stop.")
@click.option("--approvals", metavar="FILE[:LAYER]", default=None, help="Approval redlines 报批(征地)红线.")
@click.option("--supplies", metavar="FILE[:LAYER]", default=None, help="Land-supply redlines 供地红线.")
@click.option("--farmland", metavar="FILE[:LAYER]", default=None, help="Permanent basic farmland 永久基本农田.")
@click.option("-o", "--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help=f"Output folder: {RESULT_FILE} is written there.")
@rules_option
@area_option
@verbosity_options
@handle_errors
def command(before, after, from_classes, to_classes, min_area, connectivity, align, approvals, supplies, farmland,
            out, rules, area_method, verbose, quiet):
    """Change patches (变化图斑) from BEFORE to AFTER, and the register (登记表) judging each one.

    Writes OUT/redline_changes.gpkg with layers `change_patches` (every patch) and `register` (patches at
    or above the minimum area, each judged approved_supplied / approved_not_supplied / unapproved /
    unapproved_on_farmland).
    """
    from ..imagery import change_patches, judge_patches
    from ..result import AuditLog

    ruleset = resolve_rules(rules)
    vectors, inputs = {}, [before, after]
    for kind, source in (("approvals", approvals), ("supplies", supplies), ("farmland", farmland)):
        if source:
            path, layer = parse_source(source)
            vectors[kind] = read_layer(path, layer, name=kind)  # validated by judge_patches, as audit does
            inputs.append(path)
    patches = change_patches(before, after, from_classes=_classes(from_classes), to_classes=_classes(to_classes),
                             min_area_m2=min_area, connectivity=int(connectivity), align=align, rules=ruleset,
                             log=(log := AuditLog()))
    register = judge_patches(patches[~patches["below_min_area"]], rules=ruleset, area_method=area_method, **vectors,
                             log=log)
    dest = Path(out) / RESULT_FILE
    dest.parent.mkdir(parents=True, exist_ok=True)
    rejected = rejected_frame(log.rejected)
    facts = {**log.facts["change_patches"], **log.facts["judge_patches"]}
    written = write_layers({"change_patches": patches, "register": register, "rejected": rejected}, dest,
                           inputs=inputs, metadata={
        "rules": ruleset.label, "before": before, "after": after, "pixel_area": facts["pixel_area_note"],
        "min_area": facts["rule"], "working_crs": facts.get("working_crs", ""),
        "area_method": area_method, "layers_missing": facts.get("layers_missing", ""),
        "rejected_features": str(len(rejected)),
    })
    if not quiet:
        small = int(patches["below_min_area"].sum())
        click.echo(f"{len(patches)} change patches ({small} below the minimum area), "
                   f"{patches['area_m2'].sum():,.0f} m² = {patches['area_mu'].sum():,.2f} 亩")
        for judgement, n in register["judgement"].value_counts().items():
            click.echo(f"  {judgement}: {n}")
        if facts.get("layers_missing", "none") != "none":
            click.echo(f"  not given: {facts['layers_missing']} (no patch can be judged against them)")
        slivers = int((register["sliver_reason"] != "").sum()) if "sliver_reason" in register else 0
        if slivers:
            click.echo(f"  {slivers} patch(es) touch a layer by slivers only: reported (sliver_reason), not counted")
        if len(rejected):
            click.echo(f"  {len(rejected)} feature(s) set aside: layer 'rejected'")
        for note in log.notes:
            click.echo(f"  {note}")
        click.echo(f"written: {written}")
