"""Options shared by every subcommand, defined once; error handling and exit codes."""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

import click

from ..errors import EXIT_CODES, RulesError, ValidationError

EXIT_OK, EXIT_BUG, EXIT_USAGE, EXIT_INVALID, EXIT_IO, EXIT_RULES, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 5, 130

__all__ = ["EXIT_CODES_HELP", "area_option", "as_of_option", "common_options", "crs_option", "handle_errors", "main_group",
           "out_option", "out_target_option", "progress_reporter", "rules_option", "strict_option", "verbosity_options"]

#: the exit codes for the help (from :data:`redline.errors.EXIT_CODES`; \b keeps click from rewrapping)
EXIT_CODES_HELP = "\b\nExit codes:\n" + "\n".join(f"  {code:>3}  {text}" for code, text in EXIT_CODES.items())


class _Group(click.Group):
    def format_commands(self, ctx, formatter):  # keep the order a technician meets the jobs in
        order = ["demo", "audit", "farmland", "intensity", "changes", "report", "check", "rules"]
        cmds = sorted(self.list_commands(ctx), key=lambda n: (order.index(n) if n in order else 99, n))
        rows = [(n, self.get_command(ctx, n).get_short_help_str(70)) for n in cmds]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def main_group(fn):
    from .. import __version__

    fn = click.version_option(__version__, prog_name="redline")(fn)
    return click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]},
                       epilog=EXIT_CODES_HELP)(fn)


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr, force=True)


def verbosity_options(fn):
    fn = click.option("-q", "--quiet", is_flag=True, help="Print only errors.")(fn)
    fn = click.option("-v", "--verbose", count=True, help="More detail (-vv for debugging).")(fn)
    return fn


out_option = click.option("-o", "--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True,
                          help="Output folder: redline_results.gpkg and redline_ledger.xlsx (台账) are written there.")


class OutTarget(click.Path):
    """An output folder, or a PostGIS URL kept as text (as a path, its ``//`` would be folded)."""

    name = "folder|url"

    def convert(self, value, param, ctx):
        from ..io.vector import is_database_url

        if is_database_url(value):
            return value
        return super().convert(value, param, ctx)


#: ``--out`` of the commands that run audits on the user's data: a folder, or a PostGIS URL
out_target_option = click.option(
    "-o", "--out", "out", type=OutTarget(file_okay=False, path_type=Path), required=True,
    metavar="DIR|postgresql://…",
    help="Output folder (redline_results.gpkg and the ledger redline_ledger.xlsx), or a PostGIS URL "
         "postgresql://…?schema=NAME: every result layer becomes a table in that schema, written in one "
         "transaction (no ledger).")
as_of_option = click.option("--as-of", "as_of", metavar="YYYY-MM-DD", default=None,
                            help="The audit date (审计基准日); default today.")
rules_option = click.option("--rules", "rules", default="cn-national", show_default=True, metavar="NAME|FILE",
                            help="Rule set: a shipped name (see `redline rules`) or your own .toml file.")
crs_option = click.option("--crs", "crs", default=None, metavar="EPSG:NNNN",
                          help="Working CRS (projected, metres). Default: the CGCS2000 3-degree zone nearest the data.")
area_option = click.option("--area", "area_method", type=click.Choice(["ellipsoidal", "planar"]), default="ellipsoidal",
                           show_default=True, help="Area on the CGCS2000 ellipsoid (like 三调 TBMJ) or planar.")
strict_option = click.option("--strict", is_flag=True,
                             help="Reject invalid geometries instead of repairing them; any bad feature stops the run.")
lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                           help="Language of ledger headers and the report.")


def common_options(fn):
    """--as-of --rules --crs --area --strict -v -q (the output folder is added per command)."""
    for opt in reversed([as_of_option, rules_option, crs_option, area_option, strict_option, lang_option]):
        fn = opt(fn)
    return verbosity_options(fn)


def handle_errors(fn):
    """Turn redline's errors into plain messages and the documented exit codes (:data:`redline.errors.EXIT_CODES`)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        _setup_logging(kwargs.get("verbose", 0) or 0, kwargs.get("quiet", False))
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            click.secho("The input data has problems; nothing was written.", fg="red", err=True)
            click.echo(str(exc), err=True)
            sys.exit(EXIT_INVALID)
        except RulesError as exc:
            click.secho(f"Rule set problem: {exc}", fg="red", err=True)
            sys.exit(EXIT_RULES)
        except OSError as exc:  # RedlineIOError, and any read or write the OS refused
            click.secho(f"Cannot read or write: {exc}", fg="red", err=True)
            if kwargs.get("verbose") and exc.__cause__ is not None:
                import traceback

                click.echo("".join(traceback.format_exception(exc.__cause__)), err=True)
            sys.exit(EXIT_IO)
        except ValueError as exc:  # bad option values that click could not check
            click.secho(f"Error: {exc}", fg="red", err=True)
            sys.exit(EXIT_USAGE)
        except KeyboardInterrupt:
            click.secho("Interrupted; the previous results are kept.", fg="red", err=True)
            sys.exit(EXIT_INTERRUPTED)

    return wrapper


class progress_reporter:
    """A progress bar on stderr for long work (silent with -q or when not a terminal)."""

    def __init__(self, quiet: bool = False, label: str = "redline") -> None:
        self.quiet = quiet
        self.label = label
        self.bar = None
        self.done = 0

    def __enter__(self):
        if not self.quiet and sys.stderr.isatty():
            self.bar = click.progressbar(length=100, label=self.label, file=sys.stderr, show_eta=False)
            self.bar.__enter__()
        return self

    def __call__(self, message: str, fraction: float) -> None:
        if self.bar is not None:
            step = int(round(fraction * 100)) - self.done
            if step > 0:
                self.bar.update(step)
                self.done += step
            self.bar.label = f"{self.label}: {message}"[:60]
        elif not self.quiet:
            logging.getLogger("redline").info("%s", message)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
