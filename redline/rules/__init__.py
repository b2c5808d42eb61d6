"""Rule sets: the thresholds audits apply, versioned, cited and overridable.

A rule set is either a folder of TOML files (``cn-national/``, one file per topic)
or a single TOML file that ``extends`` another and overrides some thresholds.
Each threshold is a table::

    [idle.fee_rate]
    value = 0.20
    unit = "ratio of land price"
    source = "《闲置土地处置办法》第十四条 ..."
    source_zh = "《闲置土地处置办法》第十四条 ..."   # the source in Chinese, for the Chinese ledger and report
    status = "national"        # or "configurable" / "local"

``source_zh`` is optional: a bureau's own file may leave it out, and the Chinese ledger then shows
``source`` marked （无中文说明） (no Chinese text), never silently.

A file that ``extends`` another may set only the thresholds of that base (a typo such as
``[alert]``, ``warn_day_before`` or ``valeu`` would otherwise change nothing while every finding
carries the file's name): an unknown section, key or table key is a :class:`~redline.errors.RulesError`
naming the file, the line and the nearest valid key. A file that extends nothing defines its own
keys, but each threshold table needs a ``value`` and takes only ``value``, ``unit``, ``source``, ``source_zh``,
``status``.

Audits never hold bare constants: they ask ``rules.value("idle.fee_rate")`` and
record ``rules.cite("idle.fee_rate")`` in each finding, so a technician can defend it.
Each audit's spec lists the keys it may read (``AuditSpec.rules_keys``); :meth:`RuleSet.recording`
collects the keys actually read, so the list is checked against the code rather than trusted.

Examples
--------
>>> rules = load_rules()
>>> rules.name, rules.value("idle.fee_rate")
('cn-national', 0.2)
>>> load_rules(overrides={"alerts.warn_days_before": 15}).value("alerts.warn_days_before")
15
"""

from __future__ import annotations

import copy
import difflib
import threading
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import Problem, RulesError

__all__ = ["RuleSet", "Threshold", "available_rule_sets", "load_rules", "resolve_rules"]

_HERE = Path(__file__).parent
DEFAULT = "cn-national"
_RECORDING_LOCK = threading.Lock()


@dataclass(frozen=True)
class Threshold:
    """One threshold: its key, value, unit, the text it comes from (and that text in Chinese), and its status."""

    key: str
    value: Any
    unit: str = ""
    source: str = ""
    status: str = "configurable"
    source_zh: str = ""

    def source_text(self, lang: str = "en") -> str:
        """The source in ``lang``: for ``"zh"`` the Chinese text, or the source marked （无中文说明） where the
        rule set gives none (a bureau's own file need not), so the mark is seen rather than English passed off.

        >>> Threshold("x.y", 1, source="local practice").source_text("zh")
        'local practice（无中文说明）'
        """
        if lang != "zh":
            return self.source
        return self.source_zh or (f"{self.source}{NO_ZH}" if self.source else NO_ZH)

    def unit_text(self, lang: str = "en") -> str:
        """The unit in ``lang`` (:data:`UNITS_ZH` for ``"zh"``; a unit it does not know is shown as written)."""
        return UNITS_ZH.get(self.unit, self.unit) if lang == "zh" else self.unit

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
    #: the key sets of the open :meth:`recording` blocks (not part of the rule set's value: a copy has none)
    _recorders: list[set[str]] = field(default_factory=list, init=False, repr=False, compare=False)

    @contextmanager
    def recording(self) -> Iterator[set[str]]:
        """Collect the key of every threshold read from this rule set inside the block.

        Every read goes through :meth:`threshold` (so :meth:`value` and :meth:`cite` too); a key that
        does not exist is recorded as well, before the error. Blocks nest (each collects what is read
        while it is open) and reads from worker threads count; a copy made by :meth:`with_overrides`
        records nothing for the original's blocks.

        >>> rules = load_rules()
        >>> with rules.recording() as read:
        ...     _ = rules.value("idle.fee_rate"), rules.cite("alerts.warn_days_before")
        >>> sorted(read)
        ['alerts.warn_days_before', 'idle.fee_rate']
        """
        keys: set[str] = set()
        with _RECORDING_LOCK:
            self._recorders.append(keys)
        try:
            yield keys
        finally:
            with _RECORDING_LOCK:  # by identity: two open blocks may hold equal sets
                self._recorders[:] = [k for k in self._recorders if k is not keys]

    @property
    def label(self) -> str:
        """``name@version``, recorded in every finding."""
        return f"{self.name}@{self.version}"

    def threshold(self, key: str) -> Threshold:
        if self._recorders:
            with _RECORDING_LOCK:
                for keys in self._recorders:
                    keys.add(key)
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
        if isinstance(t.value, Mapping) and v is None:  # a table without a default, no entry named: all of it
            v = t.value
        where = f"[{sub}]" if isinstance(t.value, Mapping) and sub is not None and str(sub) in t.value else ""
        unit = f" {t.unit}" if t.unit and t.unit not in ("ratio", "bool", "text", "keywords") else ""
        return f"{self.label} {key}{where}={_fmt(v)}{unit} ({t.status}: {t.source})"

    def citations_zh(self, text: Any) -> Any:
        """``text`` with every citation of this rule set's thresholds (:meth:`cite`) in Chinese: the unit, the
        status and the source (``source_zh``, or the source marked （无中文说明）); other text is kept.

        >>> rules = load_rules()
        >>> rules.citations_zh(rules.cite("idle.fee_rate"))
        'cn-national@2026.1 idle.fee_rate=0.2 占土地价款的比例（国家规定：《闲置土地处置办法》第十四条(一): 未动工开发满一年的, … 按照土地出让或者划拨价款的百分之二十征缴土地闲置费）'
        """
        if not isinstance(text, str) or "(" not in text:
            return text
        for t in sorted(self.thresholds.values(), key=lambda t: -len(t.source)):
            tail = f" ({t.status}: {t.source})"
            if tail not in text:
                continue
            zh = f"（{STATUS_ZH.get(t.status, t.status)}：{t.source_text('zh')}）"
            values = [("", t.value)] + ([(f"[{k}]", x) for k, x in t.value.items()] if isinstance(t.value, Mapping)
                                        else [])
            for where, v in values:
                if _fmt(v, zh=True) != _fmt(v):
                    text = text.replace(f"{t.key}{where}={_fmt(v)}", f"{t.key}{where}={_fmt(v, zh=True)}")
            if t.unit and t.unit not in ("ratio", "bool", "text", "keywords"):
                text = text.replace(f" {t.unit}{tail}", f" {t.unit_text('zh')}{zh}")
            text = text.replace(tail, zh)
        return text

    def check_entries(self, key: str, allowed, *, complete: bool = False) -> None:
        """Refuse a table-valued threshold whose entries are not among ``allowed`` (and ``default``).

        For tables keyed by a closed set (the legal bases, TD/T 1055's land classes) an entry with a typo
        (``homstead``) would otherwise never be read, and its land would silently take the default. With
        ``complete``, each of ``allowed`` must be listed too (a rule file that replaces the table with a
        few entries would otherwise give every other one the default, not the value it had).

        >>> load_rules(overrides={"imagery.basis_may_occupy_pbf": {"homstead": True, "default": False}}
        ...            ).check_entries("imagery.basis_may_occupy_pbf", ["homestead", "approvals"])
        Traceback (most recent call last):
        ...
        redline.errors.RulesError: [rules cn-national@2026.1+local] imagery.basis_may_occupy_pbf has an entry 'homstead' that nothing reads -- fix: did you mean 'homestead'? the entries are: homestead, approvals, default
        """
        t = self.threshold(key)
        if not isinstance(t.value, Mapping):
            return
        names = [*allowed, "default"]
        problems = [Problem(
            layer=f"rules {self.label}", code="unknown_entry", message=f"{key} has an entry {k!r} that nothing reads",
            fix=" ".join(x for x in (_did_you_mean(k, names), "the entries are: " + ", ".join(names)) if x))
            for k in t.value if k not in names]
        if complete:
            problems += [Problem(
                layer=f"rules {self.label}", code="missing_entry",
                message=f"{key} lists no entry for {k!r}",
                fix=f"write {k} = ... in the [{key}] table: each of {', '.join(allowed)} is set explicitly")
                for k in allowed if k not in t.value]
        if problems:
            raise RulesError(problems)

    def with_overrides(self, overrides: Mapping[str, Any]) -> RuleSet:
        """A copy with some values replaced; the label gets ``+local``."""
        new = dict(self.thresholds)
        for key, val in overrides.items():
            if key not in new:
                near = _nearest(key, new)
                raise RulesError(Problem(
                    layer=f"rules {self.label}", code="unknown_threshold",
                    message=f"cannot override {key!r}: the rule set has no such threshold",
                    fix=(f"did you mean {near!r}? " if near else "")
                        + f"`redline rules {self.name}` lists every threshold"))
            new[key] = replace(new[key], value=val, status="configurable",
                               source=f"user override (was {_fmt(new[key].value)}): {new[key].source}",
                               source_zh=f"用户覆盖（原值 {_fmt(new[key].value)}）：{new[key].source_text('zh')}")
        return replace(self, thresholds=new, version=self.version + "+local", chain=(*self.chain, "overrides"))

    def to_records(self) -> list[dict]:
        """Every threshold as a row, for the ledger's rule sheet and the report."""
        return [{"key": t.key, "value": _fmt(t.value), "unit": t.unit, "status": t.status, "source": t.source,
                 "value_zh": _fmt(t.value, zh=True), "unit_zh": t.unit_text("zh"), "source_zh": t.source_text("zh")}
                for t in sorted(self.thresholds.values(), key=lambda t: t.key)]


def _fmt(v: Any, zh: bool = False) -> str:
    """A value as the rule sheet and citations write it; ``zh``: true/false and the category codes a table maps
    to (:data:`VALUES_ZH`) in Chinese, for the Chinese ledger."""
    if isinstance(v, bool) and zh:
        return "是" if v else "否"
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{k}: {_fmt(x, zh)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "/".join(map(str, v))
    if zh and isinstance(v, str):
        return VALUES_ZH.get(v, v)
    return str(v)


#: the category codes of the shipped tables' values in Chinese (the rule file keeps the code)
VALUES_ZH = {"industrial": "工业用地", "not_industrial": "非工业用地", "ambiguous": "存疑",
             "allowed": "允许", "review": "复核", "not_allowed": "不允许"}


#: the keys a threshold table may hold
TABLE_KEYS = ("value", "unit", "source", "status", "source_zh")
#: what the Chinese ledger and report add to a source that has no ``source_zh``
NO_ZH = "（无中文说明）"
#: the units of the shipped rule sets in Chinese (a unit not listed is shown as written)
UNITS_ZH = {
    "bool": "是/否", "codes": "代码", "codes by clause": "按条款列代码", "day": "天", "year": "年", "years": "年",
    "grade (等别; 1 best, 15 worst)": "等别（1 最好，15 最差）", "ideal value": "理想值", "keywords": "关键词",
    "m": "米", "m2": "m²", "mu": "亩", "names": "名称", "ratio": "比例", "text": "文字", "weight": "权重",
    "ratio of area due": "占应开发面积的比例", "ratio of cultivated land": "占耕地的比例",
    "ratio of farmland taken": "占所占耕地的比例", "ratio of land price": "占土地价款的比例",
    "ratio of new construction on cultivated land": "占新增建设用地占用耕地的比例",
    "ratio of the demolished area": "占拆旧面积的比例", "ratio of the farmland the new area takes": "占建新区占用耕地的比例",
    "ratio of the plot": "占地块的比例", "ratio of total investment": "占总投资的比例",
    "zone -> allowed / review / not_allowed": "分区 -> allowed（允许）/ review（复核）/ not_allowed（不允许）",
}
#: the keys of a rule set's ``[ruleset]`` table
RULESET_KEYS = ("name", "version", "title", "extends")
STATUSES = ("national", "configurable", "local")
#: a threshold's status in Chinese
STATUS_ZH = {"national": "国家规定", "configurable": "可配置", "local": "地方规定"}


def _nearest(word: str, choices) -> str | None:
    """The closest of ``choices`` to ``word`` (difflib), or None when nothing is close."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def _did_you_mean(word: str, choices) -> str:
    near = _nearest(word, choices)
    return f"did you mean {near!r}?" if near else ""


def find_line(text: str, key: str) -> int | None:
    """The 1-based line of ``text`` (a TOML file) that defines ``key`` (``"idle.fee_rate"`` or
    ``"idle.fee_rate.valeu"``): its table header, or the ``name = ...`` line under the right header.

    tomllib gives no positions, so the file is scanned: good enough to point a technician at the line.

    >>> find_line('[ruleset]\\nname = "x"\\n\\n[alerts]\\nwarn_day_before = 15\\n', "alerts.warn_day_before")
    5
    >>> find_line('[idle.fee_rate]\\nvalue = 0.3\\n', "idle.fee_rate")
    1
    """
    want = _key_parts(key)
    header: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            header = _key_parts(stripped.split("#", 1)[0].strip().strip("[]"))
            if header == want:
                return number
            continue
        name, sep, _ = stripped.partition("=")
        if sep and not name.lstrip().startswith("#") and header + _key_parts(name) == want:
            return number
    return None


def _key_parts(text: str) -> list[str]:
    return [part.strip().strip("\"'").strip() for part in text.split(".")]


def _flatten(doc: Mapping, prefix: str, out: dict[str, Threshold], origin: str, problems: list[Problem],
             where=lambda key: "") -> dict:
    """Collect the thresholds of one parsed file into ``out``; every malformed entry becomes a problem."""
    meta = {}
    for key, val in doc.items():
        if key == "ruleset" and not prefix:
            meta = dict(val) if isinstance(val, Mapping) else {}
            for k in meta:
                if k not in RULESET_KEYS:
                    problems.append(Problem(
                        layer=where(f"ruleset.{k}"), code="unknown_rule_key",
                        message=f"[ruleset] has no key {k!r}",
                        fix=" ".join(x for x in (_did_you_mean(k, RULESET_KEYS),
                                                 "[ruleset] takes " + ", ".join(RULESET_KEYS)) if x)))
            continue
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(val, Mapping) and _is_table(val):
            unknown = [k for k in val if k not in TABLE_KEYS]
            for k in unknown:
                problems.append(Problem(
                    layer=where(f"{path}.{k}"), code="unknown_rule_key",
                    message=f"the threshold table [{path}] has no key {k!r}",
                    fix=" ".join(x for x in (_did_you_mean(k, TABLE_KEYS),
                                             "a threshold table takes " + ", ".join(TABLE_KEYS)) if x)))
            if "value" not in val and not any(_nearest(k, TABLE_KEYS) == "value" for k in unknown):
                problems.append(Problem(
                    layer=where(path), code="no_value", message=f"the threshold table [{path}] has no value",
                    fix=f"add value = ... under [{path}]"))
            if "value" not in val:
                continue
            status = str(val.get("status", "configurable"))
            if status not in STATUSES:
                problems.append(Problem(
                    layer=where(f"{path}.status"), code="bad_status",
                    message=f"[{path}] status {status!r} is not one of " + ", ".join(STATUSES),
                    fix=" ".join(x for x in (_did_you_mean(status, STATUSES),
                                             "national = checked against the cited text; configurable = practice; "
                                             "local = a local bureau's figure") if x)))
            out[path] = Threshold(path, val["value"], str(val.get("unit", "")), str(val.get("source", origin)), status,
                                  str(val.get("source_zh", "")))
        elif isinstance(val, Mapping):
            _flatten(val, path, out, origin, problems, where)
        elif prefix:  # a bare value overriding a known threshold, e.g. `fee_rate = 0.3` under [idle]
            out[path] = Threshold(path, val, "", f"{origin}", "configurable")
        else:
            problems.append(Problem(layer=where(path), code="bad_rule", message=f"top-level key {key!r} is not a table",
                                    fix="put thresholds in tables, e.g. [idle.fee_rate] value = 0.2"))
    return meta


def _is_table(node: Mapping) -> bool:
    """A threshold table (value, unit, source, status; perhaps misspelt) rather than a section of thresholds."""
    return "value" in node or bool(set(node) & set(TABLE_KEYS[1:])) or any(
        not isinstance(v, Mapping) and difflib.get_close_matches(k, TABLE_KEYS, n=1, cutoff=0.8)
        for k, v in node.items())


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, Mapping):
        return "table"
    if isinstance(v, list):
        return "list"
    return "text"


def _check_against_base(own: Mapping[str, Threshold], base: RuleSet, where, problems: list[Problem]) -> None:
    """In a file that extends ``base``, every threshold must be one of the base's, with a value of the same kind."""
    known = base.thresholds
    for key, t in own.items():
        if key not in known:
            owner = next((k for k in known if key.startswith(k + ".")), None)
            if owner is not None:  # [idle.fee_rate] valeu = 0.3: a key inside a known threshold's table
                inner = key[len(owner) + 1:]
                problems.append(Problem(
                    layer=where(key), code="unknown_rule_key",
                    message=f"the threshold table [{owner}] has no key {inner!r}",
                    fix=" ".join(x for x in (_did_you_mean(inner, TABLE_KEYS),
                                             "a threshold table takes " + ", ".join(TABLE_KEYS)) if x)))
                continue
            near = _nearest(key, known)
            problems.append(Problem(
                layer=where(key), code="unknown_threshold",
                message=f"{base.label} has no threshold {key!r}: this entry would change nothing",
                fix=(f"did you mean {near!r}? " if near else "")
                    + f"`redline rules {base.name}` lists every threshold a rule set extending it can set"))
            continue
        old = known[key].value
        if _kind(old) == "table" and _kind(t.value) == "number":
            continue  # one number for a per-zone / per-industry table: the same floor for every zone
        if _kind(t.value) != _kind(old) and not (_kind(old) == "number" and _kind(t.value) == "number"):
            problems.append(Problem(
                layer=where(key), code="bad_value",
                message=f"{key} = {t.value!r} is {_kind(t.value)}, but {base.label} holds a {_kind(old)} "
                        f"({_fmt(old)})",
                fix=f"write a {_kind(old)}, e.g. {key.rsplit('.', 1)[-1]} = {_toml(old)}"))
        elif isinstance(old, Mapping) and "default" in old and "default" not in t.value:
            problems.append(Problem(
                layer=where(key), code="bad_value",
                message=f"{key}: the table has no 'default' entry, so every key it does not list would get no value",
                fix=f"add default = ... to the table (the base's default is {_fmt(old['default'])})"))


def _toml(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{k} = {_toml(x)}" for k, x in list(v.items())[:2]) + " }"
    return str(v)


#: parsed rule-set files: resolved path -> (the file's bytes, what they parse to); see :func:`_read_toml`
_PARSED: dict[str, tuple[bytes, dict]] = {}
_PARSED_LOCK = threading.Lock()


def _read_toml(path: Path) -> dict:
    """The parsed TOML of ``path``, a fresh copy each call.

    A run loads the same rule set many times (each audit, each spec): a file whose bytes are those parsed before
    is not parsed again. The file is still read every time, so an edited file is parsed anew; a copy is handed
    out so that no caller can change what the next load gets.
    """
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise RulesError(Problem(layer=str(path), code="unreadable", message=f"cannot read the rule-set file: {exc}"))\
            from None
    key = str(path.resolve())
    with _PARSED_LOCK:
        hit = _PARSED.get(key)
    if hit is not None and hit[0] == data:
        return copy.deepcopy(hit[1])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:  # TOML is UTF-8 by definition; Windows editors often save GBK
        line = data[:exc.start].count(b"\n") + 1
        raise RulesError(Problem(layer=str(path), code="bad_encoding",
                                 message=f"the rule-set file is not UTF-8 text (byte {exc.start}, line {line}): "
                                         f"{exc.reason}",
                                 fix="save the file as UTF-8 (in Notepad: 另存为, 编码 UTF-8)")) from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(Problem(layer=str(path), code="bad_toml", message=f"cannot parse the rule-set file: {exc}",
                                 fix="check the TOML syntax near the line named")) from None
    with _PARSED_LOCK:
        _PARSED[key] = (data, doc)
    return copy.deepcopy(doc)


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
        ruleset = doc.get("ruleset", {})
        ext = ruleset.get("extends") if isinstance(ruleset, Mapping) else None
        if ext:
            base = load_rules(ext, _seen=(*_seen, str(path.resolve())))
    if base is not None:
        thresholds.update(base.thresholds)
    own: dict[str, Threshold] = {}
    problems: list[Problem] = []
    for p, doc in docs:
        where = _locator(p)
        mine: dict[str, Threshold] = {}
        meta.update(_flatten(doc, "", mine, str(p.name), problems, where))
        if base is not None:
            _check_against_base(mine, base, where, problems)
        own.update(mine)
    if problems:
        raise RulesError(sorted(problems, key=_by_line))
    for key, t in own.items():
        if base is not None and key in base.thresholds and not _has_meta(docs, key):
            old = base.thresholds[key]  # bare value override keeps the base unit, and cites both
            t = replace(old, value=t.value, source=f"{t.source} (overrides {old.source})", status="configurable",
                        source_zh=f"{t.source}（覆盖 {old.source_text('zh')}）")
        thresholds[key] = t
    if "name" not in meta:
        raise RulesError(Problem(layer=str(path), code="no_name", message="the rule set has no [ruleset] name",
                                 fix='add [ruleset] name = "my-county" version = "2026.1"'))
    rules = RuleSet(name=str(meta["name"]), version=str(meta.get("version", "0")), title=str(meta.get("title", "")),
                    thresholds=thresholds, chain=((*base.chain, base.label) if base else ()))
    return rules.with_overrides(overrides) if overrides else rules


def _locator(path: Path):
    """``key -> "file.toml, line N"`` for messages (the line found by scanning the file's text)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""

    def where(key: str) -> str:
        line = find_line(text, key)
        return f"{path}, line {line}" if line else str(path)

    return where


def _by_line(problem: Problem) -> tuple:
    file, _, line = problem.layer.rpartition(", line ")
    return (file, int(line)) if line.isdigit() else (problem.layer, 0)


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
