"""Command-line options made from the audits' specs: an audit's inputs and parameters are declared once.

:class:`SpecCommand` is a click command whose input options (``--approvals FILE[:LAYER]``...) come from the
:class:`~redline.spec.InputSpec` of the audits it runs and, when asked, one option per
:class:`~redline.spec.ParamSpec` (``--gdp FILE``, ``--classification``...). The options are made when the
command is used, from the registry as it is then, so an audit added to :data:`redline.registry.AUDIT_MODULES`
appears in ``redline audit`` without another edit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import click

from .. import registry
from ..options import convert_param
from ..spec import AuditSpec, InputSpec, ParamSpec

__all__ = ["ClassesType", "FieldAlias", "SpecCommand", "command_inputs", "command_params", "input_option",
           "param_option", "param_pairs"]


@dataclass(frozen=True)
class FieldAlias:
    """A command's shorthand for ``--field INPUT.FIELD=COLUMN`` (``--code-field X`` of ``redline intensity``)."""

    option: str  # the parameter name, e.g. "code_field" (option --code-field)
    input: str
    field: str
    help: str
    metavar: str = "COLUMN"

    def pair(self, value: str) -> str:
        return f"{self.input}.{self.field}={value}"


class ClassesType(click.ParamType):
    """Class values of a classified raster (``1,2,4``), parsed by :func:`redline.options.parse_classes`."""

    name = "classes"

    def __init__(self, spec: ParamSpec) -> None:
        self.spec = spec

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return convert_param(self.spec, value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def command_inputs(specs: Sequence[AuditSpec]) -> dict[str, list[tuple[AuditSpec, InputSpec]]]:
    """``{input name: [(spec, its InputSpec), ...]}`` over ``specs``, in the order the inputs first appear."""
    out: dict[str, list[tuple[AuditSpec, InputSpec]]] = {}
    for spec in specs:
        for inp in spec.inputs:
            out.setdefault(inp.name, []).append((spec, inp))
    return out


def command_params(specs: Sequence[AuditSpec]) -> dict[str, ParamSpec]:
    """``{parameter name: its first ParamSpec}`` over ``specs``."""
    out: dict[str, ParamSpec] = {}
    for spec in specs:
        for p in spec.params:
            out.setdefault(p.name, p)
    return out


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def input_option(name: str, readers: Sequence[tuple[AuditSpec, InputSpec]], *, required: bool = False,
                 several: bool = False, general: bool = False) -> click.Option:
    """``--NAME FILE[:LAYER]``, its help made from the InputSpecs: the first reader's labels, then its help (the
    first reader's that has one) or, with ``general``, the description of the input's kind (its schema), and
    with ``several`` the audits that read it."""
    from ..schema import SCHEMAS

    first = readers[0][1]
    text = " ".join(x for x in (first.label_en, first.label_zh) if x) or name
    schema = SCHEMAS.get(first.kind)
    helps = [i.help for _, i in readers if i.help]
    described = schema.description if general and schema is not None else (helps[0] if helps else "")
    if described:
        text += f": {described}"
    if several:
        text += f" [{', '.join(s.id for s, _ in readers)}]"
    raster = all(i.kind == "raster" for _, i in readers)
    return click.Option([_flag(name), name], metavar="FILE" if raster else "FILE[:LAYER]", default=None,
                        required=required, help=text)


def param_option(p: ParamSpec) -> click.Option:
    """``--NAME VALUE`` typed by the ParamSpec: a table is an existing file, a choice a click.Choice..."""
    text = " ".join(x for x in (p.label_en, p.label_zh) if x) + (f": {p.help}" if p.help else "")
    kw: dict[str, Any] = {"default": None, "help": text or p.name}
    if p.type == "table":
        kw.update(type=click.Path(exists=True, dir_okay=False), metavar="FILE")
    elif p.type == "float":
        kw.update(type=float)
    elif p.type == "int":
        kw.update(type=int)
    elif p.type == "choice":
        kw.update(type=click.Choice([str(c) for c in p.choices]), default=p.default, show_default=True)
    elif p.type == "classes":
        kw.update(type=ClassesType(p), metavar="1,2,...")
    elif p.type == "date":
        kw.update(metavar="YYYY-MM-DD")
    elif p.type == "field":
        kw.update(metavar="COLUMN")
    if p.type == "bool":
        return click.Option([f"{_flag(p.name)}/--no-{p.name.replace('_', '-')}", p.name], default=p.default,
                            show_default=True, help=text or p.name)
    return click.Option([_flag(p.name), p.name], **kw)


def param_pairs(pairs: Sequence[str], specs: Sequence[AuditSpec] | None = None) -> dict[str, Any]:
    """``--param NAME=VALUE`` values, converted by the ParamSpecs of ``specs`` (default: every audit's)."""
    declared = command_params(registry.all_specs() if specs is None else specs)
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or name not in declared:
            raise click.BadParameter(f"{pair!r}: known parameters are {', '.join(sorted(declared))} "
                                     "(write NAME=VALUE)", param_hint="--param")
        try:
            out[name] = convert_param(declared[name], value)
        except ValueError as exc:
            raise click.BadParameter(f"{pair!r}: {exc}", param_hint="--param") from None
    return out


def param_help(specs: Sequence[AuditSpec]) -> str:
    """The help of ``--param``: every parameter the audits take, with its type."""
    kinds = {"table": "a CSV/XLSX file", "classes": "class values, e.g. 1,2,4", "choice": ""}
    parts = []
    for p in command_params(specs).values():
        kind = "|".join(map(str, p.choices)) if p.type == "choice" else kinds.get(p.type, p.type)
        parts.append(f"{p.name} ({kind})")
    return ("An audit parameter NAME=VALUE (repeatable): " + ", ".join(parts) + ".") if parts else \
        "An audit parameter NAME=VALUE (repeatable)."


class SpecCommand(click.Command):
    """A click command whose input (and parameter) options are made from the specs it runs.

    ``audits`` is the ids of those specs, or ``None`` for every registered audit. The first audit's required
    inputs are required options; ``with_params`` adds one option per ParamSpec; ``aliases`` are
    :class:`FieldAlias` shorthands. The options are made on first use from the registry as it is then (and
    made again if the registry has changed), before the command's own options."""

    def __init__(self, *args: Any, audits: Sequence[str] | None = None, with_params: bool = False,
                 aliases: Sequence[FieldAlias] = (), param_option_help: bool = False, **kwargs: Any) -> None:
        self.audits = None if audits is None else tuple(audits)
        self.with_params = with_params
        self.aliases = tuple(aliases)
        self.param_option_help = param_option_help
        self._made: dict[tuple[int, ...], list[click.Parameter]] = {}
        self._own: list[click.Parameter] = []
        super().__init__(*args, **kwargs)

    def specs(self) -> list[AuditSpec]:
        known = registry.all_specs()
        if self.audits is None:
            return known
        by_id = {s.id: s for s in known}
        return [by_id[a] for a in self.audits if a in by_id]

    @property
    def params(self) -> list[click.Parameter]:
        specs = self.specs()
        key = tuple(id(s) for s in specs)
        if key not in self._made:
            self._made[key] = self._spec_params(specs) + self._own
        return self._made[key]

    @params.setter
    def params(self, value: list[click.Parameter]) -> None:
        self._own = list(value)
        self._made = {}

    def _spec_params(self, specs: list[AuditSpec]) -> list[click.Parameter]:
        required = {i.name for i in specs[0].inputs if i.required} if self.audits is not None and specs else set()
        out: list[click.Parameter] = [
            input_option(name, readers, required=name in required, several=len(specs) > 1,
                         general=self.audits is None)
            for name, readers in command_inputs(specs).items()]
        if self.with_params:
            out += [param_option(p) for p in command_params(specs).values()]
        out += [click.Option([_flag(a.option), a.option], default=None, metavar=a.metavar, help=a.help)
                for a in self.aliases]
        if self.param_option_help:
            for p in self._own:
                if p.name == "param_pairs" and isinstance(p, click.Option):
                    p.help = param_help(specs)
        return out

    def input_names(self) -> list[str]:
        return list(command_inputs(self.specs()))

    def split(self, kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
        """The callback's keyword arguments -> (sources given, parameters given, --field pairs of the aliases);
        what is taken is removed from ``kwargs``."""
        specs = self.specs()
        sources = {n: kwargs.pop(n) for n in command_inputs(specs) if n in kwargs}
        params: dict[str, Any] = {}
        if self.with_params:
            declared = command_params(specs)
            params = {n: kwargs.pop(n) for n in declared if n in kwargs}
            # an option left at its spec's default is not a parameter given (the audit takes the default anyway):
            # it does not make the run warn that audits which do not run would have read it
            ctx = click.get_current_context(silent=True)
            if ctx is not None:
                params = {n: v for n, v in params.items()
                          if not (ctx.get_parameter_source(n) == click.core.ParameterSource.DEFAULT
                                  and v == declared[n].default)}
        fields = [a.pair(v) for a in self.aliases if (v := kwargs.pop(a.option, None))]
        return ({k: v for k, v in sources.items() if v}, {k: v for k, v in params.items() if v is not None},
                fields)


def current_command() -> SpecCommand:
    cmd = click.get_current_context().command
    assert isinstance(cmd, SpecCommand)
    return cmd


def runnable_audits(cmd: SpecCommand, sources: Mapping[str, Any]) -> list[str]:
    """The audits of a group command the inputs given allow; none: the first, whose missing inputs are then the
    error (``redline farmland`` runs 占补平衡 on its two layers without the 三区三线 ones)."""
    specs = cmd.specs()
    ready = [s.id for s in specs if s.can_run(set(sources))]
    return ready or ([specs[0].id] if specs else [])


Callback = Callable[..., Any]
