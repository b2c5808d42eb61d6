"""`redline farmland`: 三区三线冲突 (and, with land use, 耕地保有量) in one run."""

from __future__ import annotations

import click

from ..pipeline import run_audits
from ._options import (
    EXIT_CODES_HELP,
    assign_crs_options,
    cli_fixes,
    common_options,
    field_option,
    handle_errors,
    out_target_option,
    progress_reporter,
)
from ._summary import echo_run


@click.command("farmland", epilog=EXIT_CODES_HELP)
@click.option("--farmland", "farmland", required=True, metavar="FILE[:LAYER]",
              help="Permanent basic farmland 永久基本农田 (id: 图斑编号/TBBH/BSM).")
@click.option("--growth-boundary", "growth_boundary", required=True, metavar="FILE[:LAYER]",
              help="Urban growth boundary 城镇开发边界.")
@click.option("--eco-redline", "eco_redline", default=None, metavar="FILE[:LAYER]",
              help="Ecological red line 生态保护红线 (optional).")
@click.option("--admin", "admin", default=None, metavar="FILE[:LAYER]",
              help="Administrative units 行政区: adds a per-unit summary (optional).")
@click.option("--landuse", "landuse", default=None, metavar="FILE[:LAYER]",
              help="Land-use patches 地类图斑 (with --admin: cultivated land and PBF against targets).")
@click.option("--targets", "targets", default=None, type=click.Path(exists=True, dir_okay=False),
              help="CSV of targets per unit: admin_code, cultivated_target_mu (耕地保有量), pbf_target_mu.")
@field_option
@assign_crs_options
@out_target_option
@common_options
@handle_errors
def command(farmland, growth_boundary, eco_redline, admin, landuse, targets, field_pairs, assign_crs_pairs,
            replace_crs, out, as_of, rules, crs, area_method, strict, lang, verbose, quiet):
    """三区三线冲突: overlaps of farmland, growth boundary and eco red line, in m² and 亩, slivers flagged.

    Example: redline farmland --farmland jbnt.shp --growth-boundary kfbj.shp --eco-redline sthx.shp
    --admin xzq.shp --out results
    """
    sources = {"farmland": farmland, "growth_boundary": growth_boundary, "eco_redline": eco_redline,
               "admin": admin, "landuse": landuse}
    sources = {k: v for k, v in sources.items() if v}
    audits = ["three_line_conflicts"]
    if landuse and admin:
        audits.append("farmland_retention")
    from .audit import parse_input_options

    per_input = parse_input_options(sources, field_pairs, (), assign_crs_pairs, replace_crs)
    with progress_reporter(quiet, "farmland") as progress, cli_fixes(sources):
        result = run_audits(sources, out=out, audits=audits, as_of=as_of, rules=rules, crs=crs,
                            area_method=area_method, strict=strict, lang=lang, progress=progress, **per_input,
                            params={"targets": targets} if targets else None)
    echo_run(result, quiet=quiet, verbose=verbose)
