"""`redline register`: the case register (案件台账) that carries every finding from one audit round to the next.

The same operations as :class:`redline.register.Register`: make a register, list its rounds and cases, record a
disposal step, compare two rounds, undo the last one, check the entries made in QGIS, list what the recorded steps
make due, and draft the bureau's documents from a case. A round itself is recorded by an audit run given
``--register`` (``redline audit … --register 台账.gpkg``).

Every subcommand but ``init``, ``steps`` and ``templates`` reads the register from ``-r/--register`` or, when that
is not given, from the environment variable ``REDLINE_REGISTER``.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ._options import EXIT_CODES_HELP, EXIT_USAGE, RegisterTarget, handle_errors, verbosity_options

ENVVAR = "REDLINE_REGISTER"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value)


def echo_table(rows: Sequence[Sequence[Any]], header: Sequence[str], *, right: Sequence[int] = ()) -> None:
    """Print rows as aligned columns (Chinese characters counted as two columns wide)."""
    cells = [[_cell(v) for v in r] for r in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(header)]

    def line(values: Sequence[str]) -> str:
        out = []
        for i, v in enumerate(values):
            pad = " " * (widths[i] - _width(v))
            out.append(pad + v if i in right else v + pad)
        return "  ".join(out).rstrip()

    click.echo(line(list(header)))
    click.echo(line(["-" * w for w in widths]))
    for r in cells:
        click.echo(line(r))


def _write_csv(frame, path: Path) -> None:
    """A table as CSV in UTF-8 with a byte-order mark, so Excel and WPS open the Chinese text right."""
    from ..io.write import atomic_path

    frame = frame.drop(columns=[c for c in ("geometry",) if c in frame.columns])
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False, encoding="utf-8-sig")
    click.echo(f"written: {path}")


def register_errors(fn):
    """A refused register operation or document is a plain message and exit code 2 (like a command-line mistake)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from ..register import RegisterError
        from ..register.documents import DocumentError

        try:
            return fn(*args, **kwargs)
        except RegisterError as exc:
            text = str(exc)
            for field, opt in (("doc_no", "--doc-no"), ("amount_wan", "--amount"), ("new_date", "--new-date")):
                text = text.replace(f"has no {field} (", f"has no {opt} (")
            click.secho(f"Refused: {text}", fg="red", err=True)
            sys.exit(EXIT_USAGE)
        except DocumentError as exc:
            click.secho(f"Cannot draft: {_cli_wording(str(exc))}", fg="red", err=True)
            sys.exit(EXIT_USAGE)

    return handle_errors(wrapper)


def _cli_wording(text: str) -> str:
    """A document error names the Python arguments; say the options of ``redline register draft`` instead."""
    text = re.sub(r"pass extra=\{'(\w+)': \.\.\.\} to document_facts", r"give --extra \1=VALUE", text)
    for arg, opt in (("bureau", "--bureau"), ("doc_no", "--doc-no"), ("date", "--date")):
        text = text.replace(f"document_facts({arg}=...)", opt)
    return text.replace("write_templates", "`redline register templates DIR`")


register_option = click.option(
    "-r", "--register", "register", type=RegisterTarget(), envvar=ENVVAR, required=True, show_envvar=True,
    metavar="FILE.gpkg|URL",
    help="The register: a .gpkg made by `redline register init`, or a postgresql://…?schema=NAME URL.")


def _open(register: str):
    from ..register import open_register

    return open_register(register)


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: write YYYY-MM-DD, e.g. 2026-10-15",
                                 param_hint=option) from None


@click.group("register", epilog=EXIT_CODES_HELP)
def command() -> None:
    """The case register (案件台账): findings kept as cases across audit rounds, with their disposal.

    \b
    1. redline register init 台账.gpkg
    2. redline audit … --register 台账.gpkg          (each run is the next round)
    3. redline register cases -r 台账.gpkg           (open cases; or set REDLINE_REGISTER=台账.gpkg)
    4. redline register set XZTD-00003 -r 台账.gpkg --status investigation_notice --date 2026-10-15 \\
          --doc-no 息自然资闲〔2026〕3号
    5. redline register draft XZTD-00003 -r 台账.gpkg --kind investigation_notice --bureau 息县自然资源局 \\
          --out 调查通知书.docx
    """


@command.command("init", epilog=EXIT_CODES_HELP)
@click.argument("register", type=RegisterTarget())
@click.option("--crs", default=None, metavar="EPSG:NNNN",
              help="The register's CRS. Default: the working CRS of its first round.")
@verbosity_options
@register_errors
def init_command(register, crs, verbose, quiet):
    """Make an empty register REGISTER: a new .gpkg file, or a postgresql://…?schema=NAME URL."""
    from ..register import init_register

    reg = init_register(register, crs=crs)
    if not quiet:
        click.echo(f"register made: {reg.where}")
        click.echo(f"record a round with: redline audit … --register {register}")


@command.command("rounds", epilog=EXIT_CODES_HELP)
@register_option
@verbosity_options
@register_errors
def rounds_command(register, verbose, quiet):
    """The rounds recorded: date, rule set, when and by whom, and what each found."""
    import json

    reg = _open(register)
    rounds = reg.rounds()
    if not len(rounds):
        click.echo(f"{reg.where}: no round yet; record one with redline audit … --register {register}")
        return
    rows = []
    for r in rounds.itertuples(index=False):
        summary = json.loads(r.summary) if isinstance(r.summary, str) and r.summary else []
        counts: dict[str, int] = {}
        for s in summary:
            counts[s["change_zh"]] = counts.get(s["change_zh"], 0) + int(s["count"])
        found = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
        state = f"undone {str(r.undone_at)[:10]}" if isinstance(r.undone_at, str) and r.undone_at else ""
        rows.append((r.round_id, r.as_of, r.rules, str(r.made_at)[:16].replace("T", " "), r.made_by, found, state))
    echo_table(rows, ["round", "as of", "rules", "made at (UTC)", "by", "cases", ""], right=(0,))


@command.command("cases", epilog=EXIT_CODES_HELP)
@register_option
@click.option("--state", type=click.Choice(["open", "resolved", "all"]), default="open", show_default=True,
              help="Which cases.")
@click.option("--output", "output", default=None, metavar="OUTPUT",
              help="Only the cases of this audit output, e.g. idle_land, approved_not_supplied.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write every column of the cases to this CSV file (UTF-8, opens in Excel/WPS).")
@verbosity_options
@register_errors
def cases_command(register, state, output, csv_path, verbose, quiet):
    """The cases: id, business key, name, state, this round's change, area, status and disposal step."""
    from ..register import case_outputs

    if output is not None and output not in case_outputs():
        from ._options import _hint

        raise click.BadParameter(f"{output!r}: " + _hint(output, case_outputs(), "the outputs that hold cases are"),
                                 param_hint="--output")
    reg = _open(register)
    cases = reg.cases(state=None if state == "all" else state, output=output)
    if csv_path is not None:
        _write_csv(cases, csv_path)
    if not len(cases):
        click.echo(f"no {'' if state == 'all' else state + ' '}cases" + (f" of {output}" if output else ""))
        return
    rows = [(c.case_id, c.case_key, c.label, c.state, c.change, c.area_mu,
             c.reason_zh if c.state == "resolved" else c.status_zh, c.disposal_zh)
            for c in cases.itertuples(index=False)]
    echo_table(rows, ["case", "key", "name", "state", "change", "亩", "status / why", "disposal"], right=(5,))
    if not quiet:
        click.echo(f"{len(cases)} case(s), {cases['area_mu'].sum():,.2f} 亩")


@command.command("show", epilog=EXIT_CODES_HELP)
@click.argument("case_id")
@register_option
@verbosity_options
@register_errors
def show_command(case_id, register, verbose, quiet):
    """One case: its figures, its history round by round, and its disposal entries."""
    reg = _open(register)
    c = reg.case(case_id)
    click.echo(f"{c['case_id']}  {c['case_key']}  {c['label'] or ''}")
    click.echo(f"  output {c['output']}, {c['state']} since round {c['changed_round']} ({c['change']}); "
               f"first found in round {c['first_round']} ({c['first_as_of']})")
    area = c["area_m2"]
    if area is not None and not (isinstance(area, float) and math.isnan(area)):
        click.echo(f"  area {area:,.1f} m² = {c['area_mu']:,.2f} 亩")
    if c.get("status_zh"):
        click.echo(f"  status {c['status_zh']} ({c['status']})")
    if c.get("reason_zh"):
        click.echo(f"  resolved: {c['reason_zh']}")
    if c.get("rule"):
        click.echo(f"  rule: {c['rule']}")
    click.echo("history:")
    echo_table([(e["round_id"], e["change_zh"], e["case_key"], e["matched_by"] or "", e["area_mu"], e["measure"],
                 e["status_zh"] or e["reason_zh"] or "") for e in c["events"]],
               ["round", "change", "key", "matched by", "亩", "measure", "status / why"], right=(0, 4, 5))
    if c["dispositions"]:
        click.echo("disposal:")
        echo_table([(d["disposition_id"], d["date"], d["status"], d["doc_no"], d["new_date"], d["amount_wan"],
                     d["who"], d["problem"] or "") for d in c["dispositions"]],
                   ["entry", "date", "step", "doc no", "new date", "万元", "who", "problem"], right=(0,))
    else:
        click.echo(f"disposal: none recorded (redline register set {case_id} --status … --date …)")


@command.command("set", epilog=EXIT_CODES_HELP)
@click.argument("case_id")
@register_option
@click.option("--status", required=True, metavar="STEP",
              help="The disposal step (`redline register steps` lists them), e.g. investigation_notice.")
@click.option("--date", "date", required=True, metavar="YYYY-MM-DD", help="The step's date (the document's date).")
@click.option("--doc-no", "doc_no", default="", metavar="TEXT", help="The document number (文号).")
@click.option("--new-date", "new_date", default=None, metavar="YYYY-MM-DD",
              help="An extension's new agreed start date (第十二条).")
@click.option("--amount", "amount_wan", type=float, default=None, metavar="万元",
              help="An amount in 万元 (the fee decided or paid).")
@click.option("--note", default="", metavar="TEXT", help="A note kept with the entry.")
@click.option("--who", default=None, metavar="NAME", help="Who enters it (default: the login name).")
@verbosity_options
@register_errors
def set_command(case_id, register, status, date, doc_no, new_date, amount_wan, note, who, verbose, quiet):
    """Record a disposal step of case CASE_ID, checked against the procedure (order, document number, limits)."""
    day = _date(date, "--date")
    new_day = _date(new_date, "--new-date")
    reg = _open(register)
    entry = reg.set_disposition(case_id, status, date=day, doc_no=doc_no, new_date=new_day, amount_wan=amount_wan,
                                note=note, who=who)
    if not quiet:
        c = reg.case(case_id)
        click.echo(f"{case_id} ({c['case_key']}): entry {entry} recorded, now {c['disposal_zh']} ({c['disposal']}) "
                   f"of {c['disposal_date']}")
        due = reg.alerts(dt.date.today())
        for r in due[due["case_id"] == case_id].itertuples(index=False):
            click.echo(f"  due {r.due}: {r.what_zh} ({r.rule})")


#: the option of `redline register set` that gives each field a step may need
_OPTION_OF = {"doc_no": "--doc-no", "new_date": "--new-date", "amount_wan": "--amount"}


@command.command("steps", epilog=EXIT_CODES_HELP)
@click.argument("output", required=False)
@verbosity_options
@handle_errors
def steps_command(output, verbose, quiet):
    """The disposal steps of the cases of OUTPUT (idle_land, approved_not_supplied …), or of every procedure."""
    from ..register import case_outputs
    from ..register.procedures import PROCEDURES, procedure_for

    if output is not None and output not in case_outputs():
        from ._options import _hint

        raise click.BadParameter(f"{output!r}: " + _hint(output, case_outputs(), "the outputs that hold cases are"),
                                 param_hint="OUTPUT")
    procedures = [procedure_for(output)] if output else list(PROCEDURES.values())
    for p in procedures:
        click.echo(f"{p.id}: {p.label_zh} ({p.label_en}){' — local practice' if p.local else ''}")
        click.echo(f"  for: {', '.join(p.outputs) or 'every other output'}")
        click.echo(f"  source: {p.source}")
        for s in p.steps:
            marks = [m for m, on in (("closes the case", s.closes), ("restarts the clock", s.restarts)) if on]
            needs = f" needs {', '.join(_OPTION_OF.get(n, n) for n in s.needs)}" if s.needs else ""
            after = f" after {' or '.join(s.after)}" if s.after else ""
            click.echo(f"  {s.code:24} {s.label_zh}{after}{needs}{' (' + ', '.join(marks) + ')' if marks else ''}")
            if verbose:
                click.echo(f"  {'':24} {s.article}")


@command.command("diff", epilog=EXIT_CODES_HELP)
@click.argument("first", type=int)
@click.argument("second", type=int)
@register_option
@click.option("--all", "show_all", is_flag=True,
              help="Also list the cases whose only change is their measure (idle days, days overdue) growing.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the comparison (every case, as with --all) to this CSV file.")
@verbosity_options
@register_errors
def diff_command(first, second, register, show_all, csv_path, verbose, quiet):
    """Compare round FIRST with round SECOND: every case new, resolved, reappeared, renumbered or changed in area
    or status between them (and, with --all, those whose days only grew)."""
    reg = _open(register)
    d = reg.diff(first, second)
    a, b = sorted((first, second))
    if csv_path is not None:
        _write_csv(d, csv_path)
    only_days = ((d["change"] == "persisting") & (d["d_area_m2"].fillna(0).abs() < 0.01)
                 & (d[f"status_{a}"].fillna("") == d[f"status_{b}"].fillna(""))
                 & (d[f"case_key_{a}"] == d[f"case_key_{b}"]))
    hidden = int(only_days.sum())
    if not show_all:
        d = d[~only_days]
    if not len(d):
        click.echo(f"rounds {a} and {b} hold the same cases with the same figures"
                   + (f" ({hidden} whose days grew: --all lists them)" if hidden else ""))
        return
    def key(r) -> str:
        old, new = r[f"case_key_{a}"], r[f"case_key_{b}"]
        if isinstance(old, str) and isinstance(new, str) and old != new:
            return f"{new} (was {old})"
        return new if isinstance(new, str) else old

    def why(r) -> str:
        if r["change"] in ("resolved", "new_and_resolved"):
            return r[f"reason_zh_{b}"] if isinstance(r[f"reason_zh_{b}"], str) else ""
        old, new = r[f"status_{a}"], r[f"status_{b}"]
        if isinstance(old, str) and isinstance(new, str) and old != new:
            return f"status {old} → {new}"
        return ""

    rows = [(r["case_id"], r["output"], key(r), r["change"], r[f"area_mu_{a}"], r[f"area_mu_{b}"],
             r["d_measure"] if r["change"] in ("persisting", "reappeared") else None, why(r))
            for _, r in d.iterrows()]
    echo_table(rows, ["case", "output", "key", f"round {a} → {b}", f"亩 ({a})", f"亩 ({b})", "Δ measure", "why / what changed"],
               right=(4, 5, 6))
    if not quiet:
        counts = d["change"].value_counts()
        click.echo(", ".join(f"{k} {v}" for k, v in counts.items())
                   + (f"; {hidden} more persisting whose days only grew (--all lists them)" if hidden and not show_all
                      else ""))


@command.command("undo", epilog=EXIT_CODES_HELP)
@click.argument("round_id", type=int, required=False)
@register_option
@click.option("--who", default=None, metavar="NAME", help="Who undoes it (default: the login name).")
@verbosity_options
@register_errors
def undo_command(round_id, register, who, verbose, quiet):
    """Undo the last round (ROUND_ID, when given, must be it): its cases put back as the round before left them.

    The round's row is kept, marked undone, so the register's history still shows it."""
    reg = _open(register)
    done = reg.undo(round_id, who=who)
    if not quiet:
        click.echo(f"round {done} undone in {reg.where}; its row is kept, marked undone")


@command.command("check", epilog=EXIT_CODES_HELP)
@register_option
@verbosity_options
@register_errors
def check_command(register, verbose, quiet):
    """Check every disposal entry (those typed into the dispositions table in QGIS too).

    A problem is written into the entry's `problem` column and printed; such an entry does not count until it is
    corrected. Exit code 3 when there is any."""
    from ._options import EXIT_INVALID

    reg = _open(register)
    problems = reg.check()
    for p in problems:
        click.echo(p)
    if problems:
        sys.exit(EXIT_INVALID)
    if not quiet:
        click.echo(f"{reg.where}: every disposal entry is valid ({len(reg.dispositions())} entries)")


@command.command("alerts", epilog=EXIT_CODES_HELP)
@register_option
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="The date to look from; default today.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the deadlines to this CSV file.")
@verbosity_options
@register_errors
def alerts_command(register, as_of, csv_path, verbose, quiet):
    """What the recorded disposal steps make due: each deadline of an open case, overdue first."""
    day = _date(as_of, "--as-of") or dt.date.today()
    reg = _open(register)
    due = reg.alerts(day)
    if csv_path is not None:
        _write_csv(due, csv_path)
    if not len(due):
        click.echo(f"nothing due as of {day}")
        return
    due = due.sort_values(["overdue", "days_left"], ascending=[False, True])
    echo_table([(r.case_id, r.case_key, r.status, r.due, r.days_left, "逾期 overdue" if r.overdue else "",
                 r.what_zh) for r in due.itertuples(index=False)],
               ["case", "key", "step", "due", "days left", "", "what"], right=(4,))
    if verbose:
        for r in due.itertuples(index=False):
            click.echo(f"  {r.case_id}: {r.rule}")


@command.command("draft", epilog=EXIT_CODES_HELP)
@click.argument("case_id")
@register_option
@click.option("--kind", required=True, type=click.Choice(["investigation_notice", "idle_determination",
                                                          "idle_fee_decision", "recovery_decision"]),
              help="The document: 闲置土地调查通知书, 闲置土地认定书, 征缴土地闲置费决定书, 收回国有建设用地使用权决定书.")
@click.option("--bureau", required=True, metavar="NAME", help="The issuing authority, e.g. 息县自然资源局.")
@click.option("-o", "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .docx to write.")
@click.option("--doc-no", "doc_no", default="", metavar="TEXT", help="This document's number (文号).")
@click.option("--date", "date", default=None, metavar="YYYY-MM-DD", help="The document's date; default today.")
@click.option("--template", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="The bureau's own template (.docx with {{ placeholders }}; `redline register templates` writes "
                   "the defaults to start from).")
@click.option("--extra", "extra_pairs", multiple=True, metavar="NAME=VALUE",
              help="A fact the register does not carry, e.g. --extra holder_address=息县工业大道1号 (repeatable).")
@click.option("--rules", default=None, metavar="NAME|FILE", help="The rule set the audit used (default cn-national).")
@verbosity_options
@register_errors
def draft_command(case_id, register, kind, bureau, out, doc_no, date, template, extra_pairs, rules, verbose, quiet):
    """Draft a document of case CASE_ID as DOCX, filled with its facts, dates, areas (m² and 亩) and articles."""
    from ..register.documents import FACTS, document_facts, draft_document

    extra: dict[str, str] = {}
    for pair in extra_pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{pair!r}: write NAME=VALUE, e.g. holder_address=息县工业大道1号",
                                     param_hint="--extra")
        if name.strip() not in FACTS:
            from ._options import _hint

            raise click.BadParameter(f"{pair!r}: " + _hint(name.strip(), FACTS, "the facts are"),
                                     param_hint="--extra")
        extra[name.strip()] = value.strip()
    reg = _open(register)
    case = reg.case(case_id)
    facts = document_facts(case, bureau=bureau, doc_no=doc_no, date=_date(date, "--date"), extra=extra,
                           rules=rules)
    path = draft_document(facts, kind, out, template=template)
    if not quiet:
        click.echo(f"{case_id} ({case['case_key']}): {kind} written to {path}")


@command.command("templates", epilog=EXIT_CODES_HELP)
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@verbosity_options
@register_errors
def templates_command(folder, verbose, quiet):
    """Write the default document templates into FOLDER, for the bureau to edit in Word or WPS and pass back with
    `redline register draft … --template FILE`. Each {{ name }} is a fact; `--verbose` lists them all."""
    from ..register.documents import FACTS, write_templates

    for path in write_templates(folder):
        click.echo(f"written: {path}")
    if verbose:
        for name, fact in FACTS.items():
            click.echo(f"  {{{{ {name} }}}}  {fact.label_zh}")
