"""`redline intensity`: 土地开发强度 per administrative unit (and growth-boundary use)."""

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


@click.command("intensity", epilog=EXIT_CODES_HELP)
@click.option("--landuse", "landuse", required=True, metavar="FILE[:LAYER]",
              help="Land-use patches 地类图斑 (三调 DLTB) with land-use codes.")
@click.option("--admin", "admin", required=True, metavar="FILE[:LAYER]",
              help="Administrative units 行政区 (the denominators; id: XZQDM/adcode).")
@click.option("--gdp", "gdp", default=None, type=click.Path(exists=True, dir_okay=False),
              help="CSV: admin_code, gdp_yi_yuan (GDP in 亿元) -> construction land per unit GDP.")
@click.option("--growth-boundary", "growth_boundary", default=None, metavar="FILE[:LAYER]",
              help="Urban growth boundary 城镇开发边界: also report how much of it is built.")
@click.option("--classification", type=click.Choice(["tdt1055-2019", "ydyh2023"]), default="tdt1055-2019",
              show_default=True, help="Code table: 三调工作分类 (TD/T 1055-2019) or 用地用海分类 (2023).")
@click.option("--code-field", "code_field", default=None, metavar="COLUMN",
              help="The land-use code column when it is not DLBM/地类编码.")
@field_option
@assign_crs_options
@out_target_option
@common_options
@handle_errors
def command(landuse, admin, gdp, growth_boundary, classification, code_field, field_pairs, assign_crs_pairs,
            replace_crs, out, as_of, rules, crs, area_method, strict, lang, verbose, quiet):
    """土地开发强度: construction land ÷ total area per unit, with the 30 % warning line.

    Example: redline intensity --landuse DLTB.shp --admin XZQ.shp --gdp gdp.csv --out results
    """
    sources = {"landuse": landuse, "admin": admin}
    audits = ["development_intensity"]
    if growth_boundary:
        sources["growth_boundary"] = growth_boundary
        audits.append("growth_boundary_use")
    params = {"classification": classification}
    if gdp:
        params["gdp"] = gdp
    from .audit import parse_input_options

    if code_field:  # --code-field X is --field landuse.land_use_code=X
        field_pairs = (*field_pairs, f"landuse.land_use_code={code_field}")
    per_input = parse_input_options(sources, field_pairs, (), assign_crs_pairs, replace_crs)
    with progress_reporter(quiet, "intensity") as progress, cli_fixes(sources):
        result = run_audits(sources, out=out, audits=audits, as_of=as_of, rules=rules, crs=crs,
                            area_method=area_method, strict=strict, lang=lang, progress=progress, params=params,
                            **per_input)
    echo_run(result, quiet=quiet, verbose=verbose)
