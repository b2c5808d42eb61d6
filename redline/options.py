"""The options of one run, in one object: the command line, the QGIS plugin's worker and Python build it alike.

:func:`redline.pipeline.run_audits` takes a :class:`RunOptions` (or today's keyword arguments, which it
turns into one), so what a run may be asked for, and what is checked about it, is written here once::

    >>> opts = RunOptions(as_of="2026-06-30", area_method="planar", audits=["approved_not_supplied"])
    >>> opts.as_of, opts.audits
    (datetime.date(2026, 6, 30), ('approved_not_supplied',))
    >>> RunOptions.from_mapping({"as_of": "2026-06-30", "area": "planar"})
    Traceback (most recent call last):
    ...
    ValueError: unknown run option(s): area (did you mean 'area_method'?); the options are: as_of, rules, crs, \
area_method, strict, fields, encodings, assign_crs, replace_crs, params, lang, audits, ledger, with_report, report_title, \
report_templates, backend, register, jurisdiction, bureau

Parameters of the audits (:class:`redline.spec.ParamSpec`) are given in ``params`` and converted by their
declared type in :func:`convert_param`: one parser of class lists (``"1,2,4"``), one of dates, tables
(``table``: a CSV or Excel file) read by :func:`redline.io.tables.read_table`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from .area import AreaMethod, check_area_method
from .audit_date import to_date

if TYPE_CHECKING:
    from .rules import RuleSet
    from .scale import Backend
    from .spec import AuditSpec, ParamSpec

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

__all__ = ["LANGS", "Lang", "RunKeywords", "RunOptions", "convert_param", "parse_classes", "resolve_params", "unread_params"]


class RunKeywords(TypedDict, total=False):
    """The keyword arguments :func:`redline.pipeline.run_audits` accepts besides ``out`` and ``progress``."""

    as_of: dt.date | str | None
    rules: RuleSet | str | Path | None
    crs: Any
    area_method: AreaMethod
    strict: bool
    fields: Mapping[str, Mapping[str, str]] | None
    encodings: Mapping[str, str] | None
    assign_crs: Mapping[str, Any] | None
    replace_crs: bool
    params: Mapping[str, Any] | None
    lang: Lang
    audits: Iterable[str] | None
    ledger: bool
    with_report: bool
    report_title: str | None
    report_templates: str | os.PathLike[str] | None
    backend: Backend | None
    register: str | os.PathLike[str] | None
    jurisdiction: str | None
    bureau: str | None


_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _empty() -> Mapping[str, Any]:
    return _EMPTY


@dataclass(frozen=True)
class RunOptions:
    """What one run is asked for; checked when made (a wrong value is a ``ValueError`` naming it).

    Attributes
    ----------
    as_of : date, optional
        The audit date (审计基准日); ``None``: today, when the run starts. Text is read as ``YYYY-MM-DD``.
    rules : RuleSet, name or path, optional
        The rule set (default ``cn-national``); resolved when the run starts.
    crs : optional
        The working CRS (default: the CGCS2000 3-degree zone nearest the data).
    area_method : {"ellipsoidal", "planar"}
    strict : bool
        Reject rather than repair invalid geometries; any feature problem stops the run.
    fields, encodings, assign_crs : mapping
        Per input: a field mapping ``{canonical: column}``, an attribute encoding, the CRS of a layer that
        declares none (``replace_crs=True``: also replace a declared one).
    params : mapping
        Audit parameters by name (:class:`redline.spec.ParamSpec`), e.g. ``{"gdp": "gdp.csv"}``.
    lang : {"zh", "en"}
        Language of the ledger headers and the report.
    audits : tuple of str, optional
        Audit ids to run; ``None``: every audit the inputs allow.
    ledger, with_report, report_title
        Write the ledger (default) and the HTML report (titled ``report_title``) with the results.
    backend : redline.scale.Backend, optional
        Compute the overlays' pairs partition-wise on a Dask cluster (``redline audit --scheduler``); the same
        results. A live client, so never part of a job file. ``None``: on this machine.
    register : path or URL, optional
        A case register (:mod:`redline.register`: a ``.gpkg`` made by ``redline register init`` or a
        ``postgresql://…?schema=`` URL): the run is recorded there as the next round, and the ledger gains
        its sheets 本期新增 / 本期消化.
    jurisdiction, bureau : str, optional
        The area audited (e.g. ``息县``) and the authority that made the audit (e.g. ``息县自然资源局``): printed in
        the title block of the ledger's sheets and the report, and kept in the run's metadata.
    """

    as_of: dt.date | None = None
    rules: RuleSet | str | Path | None = None
    crs: Any = None
    area_method: AreaMethod = "ellipsoidal"
    strict: bool = False
    fields: Mapping[str, Mapping[str, str]] = field(default_factory=_empty)
    encodings: Mapping[str, str] = field(default_factory=_empty)
    assign_crs: Mapping[str, Any] = field(default_factory=_empty)
    replace_crs: bool = False
    params: Mapping[str, Any] = field(default_factory=_empty)
    lang: Lang = "zh"
    audits: tuple[str, ...] | None = None
    ledger: bool = True
    with_report: bool = False
    report_title: str | None = None
    #: a folder of report templates replacing the shipped ones of the same name (see :func:`redline.report.build`)
    report_templates: str | os.PathLike[str] | None = None
    backend: Backend | None = None
    register: str | os.PathLike[str] | None = None
    jurisdiction: str | None = None
    bureau: str | None = None

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        if self.as_of is not None:
            put("as_of", to_date(self.as_of))
        check_area_method(self.area_method)
        if self.lang not in LANGS:
            raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {self.lang!r}")
        for name in ("strict", "replace_crs", "ledger", "with_report"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false, not {getattr(self, name)!r}")
        if self.backend is not None:
            from .scale import Backend

            if not isinstance(self.backend, Backend):
                raise ValueError(f"backend must be a redline.scale.Backend (a Dask client), not {self.backend!r}")
        if self.register is not None and not isinstance(self.register, str | os.PathLike):
            raise ValueError(f"register must be a .gpkg path or a postgresql:// URL, not {self.register!r}")
        for name in ("report_title", "jurisdiction", "bureau"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{name} must be text, not {value!r}")
            if isinstance(value, str):
                put(name, value.strip() or None)
        if self.audits is not None:
            audits = (self.audits,) if isinstance(self.audits, str) else tuple(self.audits)
            bad = [a for a in audits if not isinstance(a, str) or not a]
            if bad:
                raise ValueError(f"audits: give audit ids (text), not {bad!r}")
            put("audits", audits)
        fields = _mapping("fields", self.fields)
        for name, mapping in fields.items():
            inner = _mapping(f"fields[{name!r}]", mapping)
            if any(not isinstance(k, str) or not isinstance(v, str) for k, v in inner.items()):
                raise ValueError(f"fields[{name!r}]: give {{canonical field: column name}} as text")
        put("fields", MappingProxyType({n: MappingProxyType(dict(m)) for n, m in fields.items()}))
        for name in ("encodings", "assign_crs", "params"):
            put(name, MappingProxyType(_mapping(name, getattr(self, name))))

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The options' names, in their order."""
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], *, base: RunOptions | None = None) -> RunOptions:
        """Options from a mapping (a job file, keyword arguments), on top of ``base`` (default: the defaults).

        An unknown key is a ``ValueError`` that names it and the nearest known one; a ``None`` value keeps
        the base's (``{"crs": None}`` is "no working CRS given")."""
        if not isinstance(mapping, Mapping):
            raise ValueError(f"run options: give a mapping of option -> value, not {type(mapping).__name__}")
        known = cls.names()
        unknown = [k for k in mapping if k not in known]
        if unknown:
            hints = []
            for k in unknown:
                near = [n for n in known if n.startswith(str(k))] or difflib.get_close_matches(
                    str(k), known, n=1, cutoff=0.6)
                hints.append(f"{k} (did you mean {near[0]!r}?)" if near else str(k))
            raise ValueError(f"unknown run option(s): {', '.join(hints)}; the options are: {', '.join(known)}")
        given = {k: v for k, v in mapping.items() if v is not None}
        return dataclasses.replace(base, **given) if base is not None else cls(**given)

    def replace(self, **changes: Any) -> RunOptions:
        """A copy with ``changes`` (checked like the original)."""
        return RunOptions.from_mapping(changes, base=self)


def _mapping(name: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"{name} must be a mapping (input name -> value), not {type(value).__name__}")
    return dict(value)


# -- the audits' parameters, converted by their declared type ---------------------------------------------


def parse_classes(value: Any, name: str = "classes") -> list[int | float]:
    """Class values of a classified raster: ``"1,2,4"`` / ``"1;2"`` / ``[1, 2, 4]`` / ``3`` -> a list.

    >>> parse_classes("1, 2;4"), parse_classes(3), parse_classes("0.5")
    ([1, 2, 4], [3], [0.5])
    >>> parse_classes("forest", "from_classes")
    Traceback (most recent call last):
    ...
    ValueError: from_classes: 'forest' is not a class value; write e.g. 1,2,4
    """
    if value is None or value == "":
        raise ValueError(f"give the {name}, e.g. {name}=1,2 (class values of the classified rasters)")
    if isinstance(value, bool):
        raise ValueError(f"{name}: {value!r} is not a class value; write e.g. 1,2,4")
    if isinstance(value, int | float):
        return [value]
    if isinstance(value, str):
        out: list[int | float] = []
        for part in value.replace(";", ",").split(","):
            part = part.strip()
            if part:
                try:
                    out.append(int(part))
                except ValueError:
                    try:
                        out.append(float(part))
                    except ValueError:
                        raise ValueError(f"{name}: {part!r} is not a class value; write e.g. 1,2,4") from None
        if not out:
            raise ValueError(f"give at least one value for {name}")
        return out
    return list(value)


_TRUE, _FALSE = ("1", "true", "yes", "y", "on", "是"), ("0", "false", "no", "n", "off", "否")


def convert_param(spec: ParamSpec, value: Any) -> Any:
    """``value`` as the audit parameter ``spec`` takes it (text from a command line or a job file, or a value).

    ``date`` -> a date, ``float``/``int``/``bool`` from text, ``choice`` checked, ``classes`` -> a list of
    class values, ``table`` -> a DataFrame read by :func:`redline.io.tables.read_table` (a frame is kept);
    ``str`` and ``field`` are kept as text. A value that does not fit is a ``ValueError`` naming the parameter.

    >>> from redline.spec import ParamSpec
    >>> convert_param(ParamSpec("by_district", "bool"), "no"), convert_param(ParamSpec("n", "int"), "3")
    (False, 3)
    >>> convert_param(ParamSpec("min_area_m2", "float"), "ten")
    Traceback (most recent call last):
    ...
    ValueError: min_area_m2 takes a float, not 'ten'
    """
    if value is None:
        return None
    kind = spec.type
    text = value.strip() if isinstance(value, str) else None
    try:
        if kind == "date":
            return to_date(value, name=spec.name)
        if kind == "float" and text is not None:
            return float(text)
        if kind == "int" and text is not None:
            return int(text)
        if kind == "bool" and text is not None:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError(text)
    except ValueError:
        if kind == "date":
            raise
        raise ValueError(f"{spec.name} takes a {kind}, not {value!r}") from None
    if kind == "choice" and spec.choices and str(value) not in {str(c) for c in spec.choices}:
        raise ValueError(f"{spec.name} is one of {', '.join(map(str, spec.choices))}, not {value!r}")
    if kind == "classes":
        return parse_classes(value, spec.name)
    if kind == "table":
        from .io.tables import read_table

        return read_table(value, name=spec.name)
    return value


def resolve_params(specs: Sequence[AuditSpec], params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The run's parameters converted by the types the audits ``specs`` declare (:func:`convert_param`).

    A parameter that no audit declares at all is a ``ValueError`` naming the ones that exist (a typo, or
    one the audits do not read, would otherwise change nothing). One declared only by audits outside
    ``specs`` is passed on unchanged: the pipeline notes it as ignored (:func:`unread_params`)."""
    from .registry import all_specs

    declared: dict[str, ParamSpec] = {}
    for spec in (*specs, *all_specs()):
        for p in spec.params:
            declared.setdefault(p.name, p)
    unknown = sorted(set(params or {}) - set(declared))
    if unknown:
        import difflib

        hints = [f"{u!r} (did you mean {near[0]!r}?)" if (near := difflib.get_close_matches(u, declared, 1)) else
                 repr(u) for u in unknown]
        raise ValueError(f"no audit has the parameter(s) {', '.join(hints)}; the parameters are: "
                         f"{', '.join(sorted(declared))}")
    return {name: convert_param(declared[name], value) for name, value in (params or {}).items()}


def unread_params(specs: Sequence[AuditSpec], params: Mapping[str, Any]) -> list[str]:
    """The parameters given that no audit of ``specs`` reads (they belong to audits not run)."""
    mine = {p.name for spec in specs for p in spec.params}
    return sorted(set(params) - mine)
