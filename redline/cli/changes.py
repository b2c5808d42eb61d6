"""`redline changes`: the 卫片 register of change patches, extracted from two classified rasters or issued.

The patches come either from two classified rasters (``BEFORE AFTER``: the ``change_patches`` audit extracts
them) or from the layer the ministry issued (``--patches 监测图斑.shp``, read like any input, as kind
``change_patches``); ``judge_patches`` then splits each by its legal bases and judges every piece. The options
of the bases and land layers are made from ``judge_patches``'s InputSpecs (redline/imagery/_specs.py), so a
basis added there is an option here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from ..options import RunOptions, parse_classes
from ..pipeline import parse_source, run_audits, write_geopackage
from ._options import (
    area_option,
    assign_crs_options,
    cli_fixes,
    field_option,
    handle_errors,
    register_option,
    rules_option,
    verbosity_options,
)
from .audit import encoding_option, parse_input_options

#: the GeoPackage `redline changes` writes in the output folder
RESULT_FILE = "redline_changes.gpkg"
#: the audits it runs from two rasters: the patches, then the register judging them (redline/imagery/_specs.py)
AUDITS = ("change_patches", "judge_patches")
#: the audits it runs on an issued patch layer
PATCH_AUDITS = ("judge_patches",)
#: its layers under the names it has always written (output name -> layer name)
LAYER_NAMES = {"patch_register": "register"}
#: the input of judge_patches that --patches (or the raster path) feeds
PATCHES_INPUT = "change_patches"
#: the options that only make sense with BEFORE AFTER (parameter name -> flag), refused with --patches
RASTER_ONLY = {"from_classes": "--from-classes", "to_classes": "--to-classes", "min_area": "--min-area",
               "to_category": "--to-category", "before_date": "--before-date", "connectivity": "--connectivity",
               "align": "--align"}


def _judge_spec():
    from ..imagery._specs import SPECS

    return next(s for s in SPECS if s.id == "judge_patches")


def _input_help(inp) -> str:
    """What a basis / land layer is and the fields the judgement reads from it (from its schema and the bases)."""
    from ..imagery.bases import BASES
    from ..schema import SCHEMAS, ids_only

    full = SCHEMAS[inp.kind]
    schema = ids_only(inp.kind) if inp.ids_only else full
    needed = [f for f in schema.fields if f.required]
    basis = next((b for b in BASES if b.kind == inp.kind), None)
    dated = [f for f in full.fields if basis is not None and f.name in (basis.date_field, basis.end_field)
             and f not in needed]
    text = f"{inp.label_zh}: {full.description.rstrip('.')}."  # the schema's description is in English
    if basis is None and inp.help:
        text += f" {inp.help}."
    text += " Needs " + ", ".join(f"{f.label_zh} ({f.name})" for f in needed)
    if dated:
        text += "; its " + " and ".join(f"{f.label_zh} ({f.name})" for f in dated) + \
                " compared with the later image when present"
    return text + "."


def basis_options(fn):
    """One ``--NAME FILE[:LAYER]`` per input of judge_patches other than the patches, in the spec's order."""
    inputs = [i for i in _judge_spec().inputs if i.name != PATCHES_INPUT]
    for inp in reversed(inputs):
        fn = click.option("--" + inp.name.replace("_", "-"), inp.name, metavar="FILE[:LAYER]", default=None,
                          help=_input_help(inp))(fn)
    return fn


def _classes(ctx: click.Context, param: click.Parameter, value: str | None) -> list[int | float] | None:
    if value is None:
        return None
    try:
        return parse_classes(value, param.name or "classes")
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


class ChangesCommand(click.Command):
    """``redline changes``, its help in sections a technician reads in order: what to judge, the raster-only
    options, the bases, how the layers are read, the run."""

    def sections(self) -> list[tuple[str, set[str]]]:
        bases = {i.name for i in _judge_spec().inputs if i.name != PATCHES_INPUT}
        return [
            ("Patches to judge (give BEFORE AFTER, or --patches)", {"patches", "after_date"}),
            ("From two rasters only (refused with --patches)", set(RASTER_ONLY)),
            ("Legal bases and land (each optional; a layer not given is a basis nobody holds)", bases),
            ("Reading the layers", {"field_pairs", "encoding_pairs", "assign_crs_pairs", "replace_crs"}),
        ]

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return ["[OPTIONS]", "(BEFORE AFTER | --patches FILE[:LAYER])", "-o OUT"]

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        params = [p for p in self.get_params(ctx) if isinstance(p, click.Option)]
        placed: set[str] = set()
        for title, names in [*self.sections(), ("Run and output", None)]:
            rows = [rec for p in params if (names is None and p.name not in placed) or (names and p.name in names)
                    if (rec := p.get_help_record(ctx)) is not None]
            placed |= {p.name for p in params if names and p.name in names}
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


@click.command("changes", cls=ChangesCommand)
@click.argument("before", required=False, type=click.Path(exists=True, dir_okay=False))
@click.argument("after", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--patches", "patches", metavar="FILE[:LAYER]", default=None,
              help="The change patches as the ministry issued them (监测图斑, shapefile or GeoPackage layer) instead "
                   "of BEFORE AFTER. Needs 图斑编号 (patch_id); 前时相日期 / 后时相日期 (before_date / after_date, "
                   "also QSXRQ / HSXRQ) are read when present. Its fields are input change_patches, e.g. "
                   "--field change_patches.patch_id=JCBH.")
@click.option("--after-date", "after_date", default=None, metavar="YYYY-MM-DD",
              help="Date of the later image (后时相), for every patch: a basis counts only if granted by then. "
                   "Default: AFTER's TIFFTAG_DATETIME or ACQUISITION_DATE tag, or each issued patch's 后时相日期.")
@click.option("--from-classes", "from_classes", default=None, metavar="1,2,...", callback=_classes,
              help="First-date classes that count (e.g. farmland, forest). Required with BEFORE AFTER.")
@click.option("--to-classes", "to_classes", default=None, metavar="3,...", callback=_classes,
              help="Second-date classes that count (e.g. construction). Required with BEFORE AFTER.")
@click.option("--min-area", "min_area", type=float, default=None, metavar="M2",
              help="Minimum patch area in m² (default: the rule set's imagery.min_patch_area_m2). Smaller patches "
                   "stay in the patches layer, flagged below_min_area, and are left out of the register.")
@click.option("--to-category", "to_category", type=click.Choice(["construction", "facility_agriculture",
                                                                 "agricultural", "other"]), default=None,
              help="TD/T 1055-2019 class the patches became, whose minimum mapping area applies (default: "
                   "construction, 200 m² in cn-national).")
@click.option("--before-date", "before_date", default=None, metavar="YYYY-MM-DD",
              help="Imaging date of BEFORE (default: its TIFFTAG_DATETIME or ACQUISITION_DATE tag).")
@click.option("--connectivity", type=click.Choice(["8", "4"]), default="8", show_default=True,
              help="8 joins pixels touching at a corner.")
@click.option("--align", type=click.Choice(["nearest", "refuse"]), default="nearest", show_default=True,
              help="Rasters on different grids: resample AFTER onto BEFORE's grid, or stop.")
@basis_options
@field_option
@encoding_option
@assign_crs_options
@click.option("-o", "--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help=f"Output folder: {RESULT_FILE} is written there.")
@register_option
@rules_option
@area_option
@verbosity_options
@handle_errors
def command(before, after, patches, after_date, from_classes, to_classes, min_area, to_category, before_date,
            connectivity, align, field_pairs, encoding_pairs, assign_crs_pairs, replace_crs, out, register, rules,
            area_method, verbose, quiet, **bases):
    """卫片执法: change patches (变化图斑) judged into the register (登记表) by their legal bases.

    The patches are either extracted from two classified rasters, BEFORE and AFTER (with --from-classes and
    --to-classes), or the layer the ministry issued (--patches). Each patch is split by the bases in force on
    the later image (供地, 农转用, 先行用地, 增减挂钩, 宅基地, 设施农用地, 临时用地, 土地整治), PBF and
    cultivated land, and judged by its gravest piece.

    Writes OUT/redline_changes.gpkg: change_patches (from rasters only: every patch, small ones flagged),
    register (one row per patch judged), patch_pieces (every piece), patch_rollup (per township and the county:
    违法占用耕地比例 against the rule set's lines), rejected and redline_run.

    \b
    Examples:
      redline changes 2023.tif 2024.tif --from-classes 1,2 --to-classes 3 --approvals bp.shp -o out
      redline changes --patches 监测图斑.shp --approvals bp.shp --supplies gd.shp --farmland jbnt.shp
        --landuse dltb.shp --admin xzq.shp --after-date 2024-06-30 -o out
    """
    ctx = click.get_current_context()
    rasters = [x for x in (before, after) if x]
    if patches and rasters:
        raise click.UsageError(f"give either BEFORE AFTER (two classified rasters) or --patches (an issued patch "
                               f"layer), not both: got {' '.join(rasters)} and --patches {patches}")
    if not patches and len(rasters) != 2:
        raise click.UsageError("give either BEFORE AFTER (two classified rasters) or --patches FILE (an issued "
                               "patch layer)" + (f": only one raster given ({rasters[0]})" if rasters else ""))
    layers = {name: source for name, source in bases.items() if source}
    if patches:
        given = [flag for name, flag in RASTER_ONLY.items()
                 if ctx.get_parameter_source(name) not in (None, ParameterSource.DEFAULT)]
        if given:
            raise click.UsageError(f"{', '.join(given)}: only for BEFORE AFTER (patches extracted from rasters); "
                                   "--patches judges the issued patches as they are, each with its own 前时相日期 "
                                   "(the later image date may be given with --after-date)")
        sources: dict[str, Any] = {PATCHES_INPUT: patches, **layers}
        audits: tuple[str, ...] = PATCH_AUDITS
        params = {"after_date": after_date}
    else:
        missing = [flag for value, flag in ((from_classes, "--from-classes"), (to_classes, "--to-classes"))
                   if value is None]
        if missing:
            raise click.UsageError(f"BEFORE AFTER need {' and '.join(missing)}: the classes that count on each "
                                   "date, e.g. --from-classes 1,2 --to-classes 3")
        sources = {"before": before, "after": after, **layers}
        audits = AUDITS
        params = {"from_classes": from_classes, "to_classes": to_classes, "min_area_m2": min_area,
                  "to_category": to_category, "before_date": before_date, "after_date": after_date,
                  "connectivity": connectivity, "align": align}
    per_input = parse_input_options(sources, field_pairs, encoding_pairs, assign_crs_pairs, replace_crs)
    with cli_fixes(sources):
        result = run_audits(sources, RunOptions(audits=audits, rules=rules, area_method=area_method, ledger=False,
                                                params={k: v for k, v in params.items() if v is not None},
                                                register=register, **per_input))
    missing_layers = result.log.fact("judge_patches", "layers_missing", "none")
    metadata = {"layers_missing": missing_layers,
                # the CRS the register's overlaps were measured in (the patches' own when no vector layer is given)
                "working_crs": result.log.fact("judge_patches", "working_crs", str(result.working))}
    if patches:
        metadata.update(patches=patches, after_date=str(result.log.fact("judge_patches", "after_date", "")))
    else:
        metadata.update(before=before, after=after,
                        pixel_area=result.log.fact("change_patches", "pixel_area_note", ""),
                        min_area=result.log.fact("change_patches", "rule", ""))
    written = write_geopackage(result, Path(out) / RESULT_FILE, inputs=[parse_source(s)[0] for s in sources.values()],
                               layer_names=LAYER_NAMES, metadata=metadata)
    if not quiet:
        _echo_summary(result.outputs, result, issued=bool(patches), missing=missing_layers)
        if result.round is not None:
            for line in result.round.lines():
                click.echo(line)
        click.echo(f"written: {written}")


def _mu(value: float) -> str:
    return f"{value:,.2f} 亩"


def _echo_summary(outputs: Mapping[str, Any], result, *, issued: bool, missing: str) -> None:
    """The patches, the judgements, the unexplained 亩 (on PBF, on cultivated land), the county ratio, the
    layers not given and the notes."""
    register = outputs["patch_register"]
    if issued:
        click.echo(f"{len(register)} issued change patches, {register['area_m2'].sum():,.0f} m² = "
                   f"{_mu(register['area_mu'].sum())}")
    else:
        extracted = outputs["change_patches"]
        small = int(extracted["below_min_area"].sum())
        click.echo(f"{len(extracted)} change patches ({small} below the minimum area), "
                   f"{extracted['area_m2'].sum():,.0f} m² = {_mu(extracted['area_mu'].sum())}")
    names = dict(zip(register["judgement"], register["judgement_zh"], strict=False))
    for judgement, n in register["judgement"].value_counts().items():
        click.echo(f"  {judgement} {names.get(judgement, '')}: {n}")

    def on(column: str, layer: str) -> str:
        values = register[column]
        return "not measured (no --" + layer + ")" if len(values) and values.isna().all() else _mu(values.sum())

    click.echo(f"  without a basis in force: {_mu(register['unexplained_mu'].sum())}; of which on permanent basic "
               f"farmland {on('unexplained_pbf_mu', 'farmland')}, on cultivated land "
               f"{on('unexplained_cultivated_mu', 'landuse')}")
    rollup = outputs.get("patch_rollup")
    if rollup is not None and len(rollup):
        total = rollup.iloc[-1]  # the last row is every patch (合计)
        ratio = total["illegal_cultivated_ratio"]
        shown = "not measured" if ratio != ratio else f"{ratio:.1%}"
        click.echo(f"  违法占用耕地比例 (all patches): {shown} — {total['status_zh']}: {total['reason']}")
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
