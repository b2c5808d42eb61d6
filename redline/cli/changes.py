"""`redline changes`: change patches between two classified rasters, judged into the 卫片 register."""

from __future__ import annotations

from pathlib import Path

import click

from ..options import RunOptions, parse_classes
from ..pipeline import parse_source, run_audits, write_geopackage
from ._options import area_option, handle_errors, rules_option, verbosity_options

#: the GeoPackage `redline changes` writes in the output folder
RESULT_FILE = "redline_changes.gpkg"
#: the audits it runs: the patches, then the register judging them (redline/imagery/_specs.py)
AUDITS = ("change_patches", "judge_patches")
#: its layers under the names it has always written (output name -> layer name)
LAYER_NAMES = {"patch_register": "register"}


def _classes(ctx: click.Context, param: click.Parameter, value: str) -> list[int | float]:
    try:
        return parse_classes(value, param.name or "classes")
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command("changes")
@click.argument("before", type=click.Path(exists=True, dir_okay=False))
@click.argument("after", type=click.Path(exists=True, dir_okay=False))
@click.option("--from-classes", "from_classes", required=True, metavar="1,2,...", callback=_classes,
              help="First-date classes that count (e.g. farmland, forest).")
@click.option("--to-classes", "to_classes", required=True, metavar="3,...", callback=_classes,
              help="Second-date classes that count (e.g. construction).")
@click.option("--min-area", "min_area", type=float, default=None, metavar="M2",
              help="Minimum patch area in m² (default: the rule set's imagery.min_patch_area_m2). Smaller patches "
                   "stay in the patches layer, flagged below_min_area, and are left out of the register.")
@click.option("--to-category", "to_category", type=click.Choice(["construction", "facility_agriculture",
                                                                 "agricultural", "other"]), default=None,
              help="TD/T 1055-2019 class the patches became, whose minimum mapping area applies (default: "
                   "construction, 200 m² in cn-national).")
@click.option("--before-date", "before_date", default=None, metavar="YYYY-MM-DD",
              help="Imaging date of BEFORE (default: its TIFFTAG_DATETIME or ACQUISITION_DATE tag).")
@click.option("--after-date", "after_date", default=None, metavar="YYYY-MM-DD",
              help="Imaging date of AFTER (default: its TIFFTAG_DATETIME or ACQUISITION_DATE tag).")
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
def command(before, after, from_classes, to_classes, min_area, to_category, before_date, after_date, connectivity,
            align, approvals, supplies, farmland, out, rules, area_method, verbose, quiet):
    """Change patches (变化图斑) from BEFORE to AFTER, and the register (登记表) judging each one.

    Writes OUT/redline_changes.gpkg with layers `change_patches` (every patch) and `register` (patches at
    or above the minimum area, each judged approved_supplied / approved_not_supplied / unapproved /
    unapproved_on_farmland).
    """
    sources = {"before": before, "after": after, "approvals": approvals, "supplies": supplies, "farmland": farmland}
    sources = {name: source for name, source in sources.items() if source}
    params = {"from_classes": from_classes, "to_classes": to_classes, "min_area_m2": min_area,
              "to_category": to_category, "before_date": before_date, "after_date": after_date,
              "connectivity": connectivity, "align": align}
    result = run_audits(sources, RunOptions(audits=AUDITS, rules=rules, area_method=area_method, ledger=False,
                                            params={k: v for k, v in params.items() if v is not None}))
    patches, register = result.outputs["change_patches"], result.outputs["patch_register"]
    missing = result.log.fact("judge_patches", "layers_missing", "none")
    written = write_geopackage(result, Path(out) / RESULT_FILE, inputs=[parse_source(s)[0] for s in sources.values()],
                               layer_names=LAYER_NAMES, metadata={
        "before": before, "after": after, "pixel_area": result.log.fact("change_patches", "pixel_area_note", ""),
        "min_area": result.log.fact("change_patches", "rule", ""), "layers_missing": missing,
        # the CRS the register's overlaps were measured in (the patches' own when no vector layer is given)
        "working_crs": result.log.fact("judge_patches", "working_crs", str(result.working))})
    if not quiet:
        small = int(patches["below_min_area"].sum())
        click.echo(f"{len(patches)} change patches ({small} below the minimum area), "
                   f"{patches['area_m2'].sum():,.0f} m² = {patches['area_mu'].sum():,.2f} 亩")
        for judgement, n in register["judgement"].value_counts().items():
            click.echo(f"  {judgement}: {n}")
        if missing != "none":
            click.echo(f"  not given: {missing} (no patch can be judged against them)")
        slivers = int((register["sliver_reason"] != "").sum()) if "sliver_reason" in register else 0
        if slivers:
            click.echo(f"  {slivers} patch(es) touch a layer by slivers only: reported (sliver_reason), not counted")
        if len(result.rejected):
            click.echo(f"  {len(result.rejected)} feature(s) set aside: layer 'rejected'")
        for note in result.notes:
            if not note.startswith("working CRS:"):  # the run's metadata (redline_run) holds it
                click.echo(f"  {note}")
        click.echo(f"written: {written}")
