"""`redline audit`: every audit the given layers allow, in one run."""

from __future__ import annotations

from collections.abc import Sequence

import click

from ..options import RunOptions
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
    register_option,
)
from ._scale import scale_options
from ._specs import FieldAlias, SpecCommand, current_command, runnable_audits
from ._specs import param_pairs as parse_param_pairs
from ._summary import echo_run


def _params(pairs) -> dict:
    """--param NAME=VALUE pairs, typed by the audits' own parameter specs."""
    return parse_param_pairs(pairs)


param_pairs_option = click.option("--param", "param_pairs", multiple=True, metavar="NAME=VALUE",
                                  help="An audit parameter, e.g. --param from_classes=1,2 --param to_classes=3.")
encoding_option = click.option(
    "--encoding", "encoding_pairs", multiple=True, metavar="INPUT=ENCODING",
    help="Attribute encoding of a shapefile when detection is wrong, e.g. --encoding approvals=GBK.")


def input_options(fn):
    """The per-input options of a run, beside the input options the specs make (:class:`SpecCommand`):
    --field, --assign-crs, --replace-crs, --param, --encoding."""
    fn = field_option(fn)
    fn = assign_crs_options(fn)
    fn = param_pairs_option(fn)
    return encoding_option(fn)


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


@click.command("audit", cls=SpecCommand, epilog=EXIT_CODES_HELP, param_option_help=True)
@input_options
@click.option("--only", "only", multiple=True, metavar="AUDIT", help="Run only these audits (repeatable).")
@out_target_option
@register_option
@common_options
@handle_errors
@scale_options
def command(out, only, register, field_pairs, encoding_pairs, assign_crs_pairs, replace_crs, param_pairs, as_of,
            rules, crs, area_method, strict, lang, jurisdiction, bureau, verbose, quiet, backend, **layers):
    """Audit your own layers: approvals x supplies x buildings x parcels, farmland and boundaries.

    Every audit whose inputs are given runs: 批而未供 and supply rates (approvals, supplies),
    供而未用 idle land and deadline alerts (supplies, buildings), 用而不足 (parcels, buildings),
    三区三线 conflicts (farmland, growth boundary, eco red line), development intensity (land use, admin).
    Each input option says which audits read it.

    Example: redline audit --approvals 报批.shp --supplies 供地.gpkg --buildings jz.shp --out results

    With --register 台账.gpkg the run is also recorded as the next round of that case register.
    """
    sources, _, _ = current_command().split(layers)
    if not sources:
        raise click.UsageError("give at least one input layer, e.g. --approvals FILE --supplies FILE")
    per_input = parse_input_options(sources, field_pairs, encoding_pairs, assign_crs_pairs, replace_crs)
    options = RunOptions(audits=tuple(only) or None, as_of=as_of, rules=rules, crs=crs, area_method=area_method,
                         strict=strict, params=_params(param_pairs), lang=lang, backend=backend,
                         register=register, jurisdiction=jurisdiction, bureau=bureau, **per_input)
    with progress_reporter(quiet, "audit") as progress, cli_fixes(sources):
        result = run_audits(sources, options, out=out, progress=progress)
    echo_run(result, quiet=quiet, verbose=verbose)


def group_command(name: str, audits: Sequence[str], doc: str, *, aliases: Sequence[FieldAlias] = ()) -> click.Command:
    """A command that runs the audits ``audits`` (the first always, the others when their inputs are given),
    its input and parameter options made from their specs: ``redline farmland``, ``redline intensity``."""

    def callback(field_pairs, assign_crs_pairs, replace_crs, out, register, as_of, rules, crs, area_method, strict,
                 lang, jurisdiction, bureau, verbose, quiet, **given):
        cmd = current_command()
        sources, params, alias_fields = cmd.split(given)
        per_input = parse_input_options(sources, (*field_pairs, *alias_fields), (), assign_crs_pairs, replace_crs)
        options = RunOptions(audits=tuple(runnable_audits(cmd, sources)), as_of=as_of, rules=rules, crs=crs,
                             area_method=area_method, strict=strict, lang=lang, params=params, register=register,
                             jurisdiction=jurisdiction, bureau=bureau, **per_input)
        with progress_reporter(quiet, name) as progress, cli_fixes(sources):
            result = run_audits(sources, options, out=out, progress=progress)
        echo_run(result, quiet=quiet, verbose=verbose)

    callback.__doc__ = doc
    fn = handle_errors(callback)
    for decorate in (common_options, register_option, out_target_option, assign_crs_options, field_option):
        fn = decorate(fn)
    return click.command(name, cls=SpecCommand, epilog=EXIT_CODES_HELP, audits=audits, with_params=True,
                         aliases=aliases)(fn)
