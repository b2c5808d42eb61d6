"""`redline audit`: every audit the given layers allow, in one run."""

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
    parse_assign_crs,
    parse_fields,
    parse_input_pairs,
    progress_reporter,
)
from ._scale import scale_options
from ._summary import echo_run

INPUTS = [
    ("approvals", "Approval redlines 报批(征地)红线"),
    ("supplies", "Land-supply redlines 供地红线 (contracts, dates, price, investment)"),
    ("buildings", "Building footprints 建筑物 (floors, floor area)"),
    ("parcels", "Cadastral parcels 宗地 (industry, investment, tax)"),
    ("farmland", "Permanent basic farmland 永久基本农田"),
    ("growth_boundary", "Urban growth boundary 城镇开发边界"),
    ("eco_redline", "Ecological red line 生态保护红线"),
    ("landuse", "Land-use patches 地类图斑 (DLBM codes)"),
    ("admin", "Administrative units 行政区"),
    ("before", "Classified land-cover raster, first date 前时相分类影像 (with --param from_classes=.. to_classes=..)"),
    ("after", "Classified land-cover raster, second date 后时相分类影像"),
    ("change_patches", "Change patches 变化图斑 issued by the ministry, to judge against approvals"),
]


def _params(pairs) -> dict:
    """--param NAME=VALUE pairs, typed by the audits' own parameter specs."""
    from ..registry import all_specs

    types = {p.name: p.type for s in all_specs() for p in s.params}
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or name not in types:
            raise click.BadParameter(f"{pair!r}: known parameters are {', '.join(sorted(types))} (write NAME=VALUE)",
                                     param_hint="--param")
        kind = types[name]
        try:
            out[name] = (float(value) if kind == "float" else int(value) if kind == "int" else
                         value.lower() in ("1", "true", "yes", "是") if kind == "bool" else value)
        except ValueError:
            raise click.BadParameter(f"{pair!r}: {name} takes a {kind}", param_hint="--param") from None
    return out


def input_options(fn):
    for name, help_text in reversed(INPUTS):
        fn = click.option(f"--{name.replace('_', '-')}", name, metavar="FILE[:LAYER]", default=None,
                          help=help_text)(fn)
    fn = field_option(fn)
    fn = assign_crs_options(fn)
    fn = click.option("--param", "param_pairs", multiple=True, metavar="NAME=VALUE",
                      help="An audit parameter, e.g. --param from_classes=1,2 --param to_classes=3.")(fn)
    fn = click.option("--encoding", "encoding_pairs", multiple=True, metavar="INPUT=ENCODING",
                      help="Attribute encoding of a shapefile when detection is wrong, e.g. --encoding approvals=GBK.")(fn)
    return fn


def input_kinds() -> dict[str, str]:
    """``{input name: kind}`` of every vector input some audit reads (rasters have no fields, encoding or .prj)."""
    from ..registry import all_specs
    from ..schema import SCHEMAS

    return {i.name: i.kind for s in all_specs() for i in s.inputs if i.kind in SCHEMAS}


def parse_input_options(sources, field_pairs=(), encoding_pairs=(), assign_crs_pairs=(), replace_crs=False) -> dict:
    """The per-input options, checked against the inputs given: keyword arguments for ``run_audits``."""
    kinds = input_kinds()
    if replace_crs and not assign_crs_pairs:
        raise click.UsageError("--replace-crs replaces the CRS given with --assign-crs INPUT=EPSG:NNNN: give that too")
    return {"fields": parse_fields(field_pairs, kinds, sources),
            "encodings": parse_input_pairs(encoding_pairs, kinds, "--encoding", "approvals=GBK", sources),
            "assign_crs": parse_assign_crs(assign_crs_pairs, kinds, sources), "replace_crs": replace_crs}


@click.command("audit", epilog=EXIT_CODES_HELP)
@input_options
@click.option("--only", "only", multiple=True, metavar="AUDIT", help="Run only these audits (repeatable).")
@out_target_option
@common_options
@handle_errors
@scale_options
def command(out, only, field_pairs, encoding_pairs, assign_crs_pairs, replace_crs, param_pairs, as_of, rules, crs,
            area_method, strict, lang, verbose, quiet, **layers):
    """Audit your own layers: approvals x supplies x buildings x parcels, farmland and boundaries.

    Every audit whose inputs are given runs: 批而未供 and supply rates (approvals, supplies),
    供而未用 idle land and deadline alerts (supplies, buildings), 用而不足 (parcels, buildings),
    三区三线 conflicts (farmland, growth boundary, eco red line), development intensity (land use, admin).

    Example: redline audit --approvals 报批.shp --supplies 供地.gpkg --buildings jz.shp --out results
    """
    sources = {k: v for k, v in layers.items() if v}
    if not sources:
        raise click.UsageError("give at least one input layer, e.g. --approvals FILE --supplies FILE")
    per_input = parse_input_options(sources, field_pairs, encoding_pairs, assign_crs_pairs, replace_crs)
    with progress_reporter(quiet, "audit") as progress, cli_fixes(sources):
        result = run_audits(sources, out=out, audits=list(only) or None, as_of=as_of, rules=rules, crs=crs,
                            area_method=area_method, strict=strict, **per_input,
                            params=_params(param_pairs), lang=lang, progress=progress)
    echo_run(result, quiet=quiet, verbose=verbose)
