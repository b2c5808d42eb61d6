"""Rule sets: the thresholds audits apply, versioned, cited and overridable.

A rule set is either a folder of TOML files (``cn-national/``, one file per topic)
or a single TOML file that ``extends`` another and overrides some thresholds.
Each threshold is a table::

    [idle.fee_rate]
    value = 0.20
    unit = "ratio of land price"
    source = "《闲置土地处置办法》第十四条 ..."
    status = "national"        # or "configurable" / "local"

Audits never hold bare constants: they ask ``rules.value("idle.fee_rate")`` and
record ``rules.cite("idle.fee_rate")`` in each finding, so a technician can defend it.

Examples
--------
>>> rules = load_rules()
>>> rules.name, rules.value("idle.fee_rate")
('cn-national', 0.2)
>>> load_rules(overrides={"alerts.warn_days_before": 15}).value("alerts.warn_days_before")
15
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import Problem, RulesError

__all__ = ["RuleSet", "Threshold", "available_rule_sets", "load_rules", "resolve_rules"]

_HERE = Path(__file__).parent
DEFAULT = "cn-national"


@dataclass(frozen=True)
class Threshold:
    """One threshold: its key, value, unit, the text it comes from, and its status."""

    key: str
    value: Any
    unit: str = ""
    source: str = ""
    status: str = "configurable"

    def for_key(self, sub: str | None) -> Any:
        """For a table-valued threshold (per industry, per zone), the value for ``sub`` or the default."""
        if isinstance(self.value, Mapping):
            if sub is not None and str(sub) in self.value:
                return self.value[str(sub)]
            return self.value.get("default")
        return self.value


@dataclass(frozen=True)
class RuleSet:
    """A named, versioned set of thresholds."""

    name: str
    version: str
    title: str = ""
    thresholds: Mapping[str, Threshold] = field(default_factory=dict)
    chain: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``name@version``, recorded in every finding."""
        return f"{self.name}@{self.version}"

    def threshold(self, key: str) -> Threshold:
        try:
            return self.thresholds[key]
        except KeyError:
            raise RulesError(Problem(
                layer=f"rules {self.label}", code="missing_threshold",
                message=f"the rule set has no threshold {key!r}",
                fix=f"add a [{key}] table with a value to your rule-set file, or extend {DEFAULT!r}")) from None

    def value(self, key: str, sub: str | None = None) -> Any:
        """The threshold's value (for table-valued thresholds, the entry for ``sub`` or the default)."""
        return self.threshold(key).for_key(sub)

    def cite(self, key: str, sub: str | None = None) -> str:
        """A one-line citation: ``cn-national@2026.1 idle.fee_rate=0.2 (ratio of land price; 《...》)``."""
        t = self.threshold(key)
        v = t.for_key(sub)
        where = f"[{sub}]" if isinstance(t.value, Mapping) and sub is not None and str(sub) in t.value else ""
        unit = f" {t.unit}" if t.unit and t.unit not in ("ratio", "bool", "text", "keywords") else ""
        return f"{self.label} {key}{where}={_fmt(v)}{unit} ({t.status}: {t.source})"

    def with_overrides(self, overrides: Mapping[str, Any]) -> RuleSet:
        """A copy with some values replaced; the label gets ``+local``."""
        new = dict(self.thresholds)
        for key, val in overrides.items():
            if key not in new:
                raise RulesError(Problem(
                    layer=f"rules {self.label}", code="unknown_threshold",
                    message=f"cannot override {key!r}: the rule set has no such threshold",
                    fix="known thresholds: " + ", ".join(sorted(new))))
            new[key] = replace(new[key], value=val, status="configurable",
                               source=f"user override (was {_fmt(new[key].value)}): {new[key].source}")
        return replace(self, thresholds=new, version=self.version + "+local", chain=(*self.chain, "overrides"))

    def to_records(self) -> list[dict]:
        """Every threshold as a row, for the ledger's rule sheet and the report."""
        return [{"key": t.key, "value": _fmt(t.value), "unit": t.unit, "status": t.status, "source": t.source}
                for t in sorted(self.thresholds.values(), key=lambda t: t.key)]


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{k}: {_fmt(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "/".join(map(str, v))
    return str(v)


def _flatten(doc: Mapping, prefix: str, out: dict[str, Threshold], origin: str) -> dict:
    meta = {}
    for key, val in doc.items():
        if key == "ruleset" and not prefix:
            meta = dict(val)
            continue
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(val, Mapping) and "value" in val:
            out[path] = Threshold(path, val["value"], str(val.get("unit", "")), str(val.get("source", origin)),
                                  str(val.get("status", "configurable")))
        elif isinstance(val, Mapping):
            _flatten(val, path, out, origin)
        elif prefix:  # a bare value overriding a known threshold, e.g. `fee_rate = 0.3` under [idle]
            out[path] = Threshold(path, val, "", f"{origin}", "configurable")
        else:
            raise RulesError(Problem(layer=origin, code="bad_rule", message=f"top-level key {key!r} is not a table",
                                     fix="put thresholds in tables, e.g. [idle.fee_rate] value = 0.2"))
    return meta


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(Problem(layer=str(path), code="bad_toml", message=f"cannot parse the rule-set file: {exc}",
                                 fix="check the TOML syntax near the line named")) from None
    except OSError as exc:
        raise RulesError(Problem(layer=str(path), code="unreadable", message=f"cannot read the rule-set file: {exc}"))\
            from None


def available_rule_sets() -> list[str]:
    """Names of the rule sets shipped with redline."""
    names = [p.name for p in _HERE.iterdir() if p.is_dir() and (p / "meta.toml").exists()]
    names += [p.stem for p in _HERE.glob("*.toml")]
    return sorted(names)


def load_rules(name: str | Path = DEFAULT, *, overrides: Mapping[str, Any] | None = None, _seen=()) -> RuleSet:
    """Load a rule set by name (shipped) or path (a folder or a ``.toml`` file that may ``extends`` another).

    Parameters
    ----------
    name : str or Path
        ``"cn-national"`` (default), another shipped name (see :func:`available_rule_sets`),
        or a path to the user's own file.
    overrides : mapping, optional
        ``{"idle.fee_rate": 0.2, ...}`` applied last.
    """
    path = Path(name)
    if not path.exists():
        if (_HERE / str(name)).is_dir():
            path = _HERE / str(name)
        elif (_HERE / f"{name}.toml").exists():
            path = _HERE / f"{name}.toml"
        else:
            raise RulesError(Problem(layer=str(name), code="unknown_rule_set",
                                     message=f"no rule set called {str(name)!r}",
                                     fix="use one of " + ", ".join(available_rule_sets())
                                         + " or the path of your own .toml file"))
    if str(path.resolve()) in _seen:
        raise RulesError(Problem(layer=str(path), code="extends_cycle", message="rule sets extend each other in a cycle"))
    thresholds: dict[str, Threshold] = {}
    if path.is_dir():
        docs = [(p, _read_toml(p)) for p in sorted(path.glob("*.toml"))]
    else:
        docs = [(path, _read_toml(path))]
    meta: dict = {}
    base: RuleSet | None = None
    for _p, doc in docs:
        ext = doc.get("ruleset", {}).get("extends")
        if ext:
            base = load_rules(ext, _seen=(*_seen, str(path.resolve())))
    if base is not None:
        thresholds.update(base.thresholds)
    own: dict[str, Threshold] = {}
    for p, doc in docs:
        meta.update(_flatten(doc, "", own, str(p.name)))
    for key, t in own.items():
        if base is not None and key in base.thresholds and not _has_meta(docs, key):
            old = base.thresholds[key]  # bare value override keeps the base unit, and cites both
            t = replace(old, value=t.value, source=f"{t.source} (overrides {old.source})", status="configurable")
        thresholds[key] = t
    if "name" not in meta:
        raise RulesError(Problem(layer=str(path), code="no_name", message="the rule set has no [ruleset] name",
                                 fix='add [ruleset] name = "my-county" version = "2026.1"'))
    rules = RuleSet(name=str(meta["name"]), version=str(meta.get("version", "0")), title=str(meta.get("title", "")),
                    thresholds=thresholds, chain=((*base.chain, base.label) if base else ()))
    return rules.with_overrides(overrides) if overrides else rules


def _has_meta(docs, key: str) -> bool:
    for _, doc in docs:
        node = doc
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                node = None
                break
            node = node[part]
        if isinstance(node, Mapping) and "value" in node:
            return True
    return False


def resolve_rules(rules: RuleSet | str | Path | None) -> RuleSet:
    """Accept what users pass as ``rules=`` (a RuleSet, a name, a path or None) and return a RuleSet."""
    if rules is None:
        return load_rules()
    if isinstance(rules, RuleSet):
        return rules
    return load_rules(rules)
