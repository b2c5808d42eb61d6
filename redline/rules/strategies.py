"""Formula variants as registered strategies, named in the rule set.

Where local practice computes a figure differently (a county that charges the idle fee on its
benchmark land price rather than on the contract price), the variant is not a fork of the audit:
it is a function registered under the rule key that names the method, and the rule set chooses it
by name::

    [idle.fee_method]
    value = "price_share"
    source = "《闲置土地处置办法》第十四条(一): ... 按照土地出让或者划拨价款的百分之二十征缴土地闲置费"

    @register_strategy("idle.fee_method", "benchmark_share")
    def fee_on_benchmark(case, rules): ...

The audit asks :func:`strategy` for the function the rule set names; a name nobody registered is a
:class:`~redline.errors.RulesError` listing the registered ones. What a strategy is given and returns
is defined by the audit that reads the key (for ``idle.fee_method``: :class:`redline.overlay.idle.FeeCase`
and :class:`redline.overlay.idle.FeeAmounts`).

>>> from redline.rules import load_rules
>>> import redline.overlay.idle  # registers the built-in idle-fee method
>>> strategy(load_rules(), "idle.fee_method").__name__
'fee_price_share'
>>> sorted(registered("idle.fee_method"))
['price_share']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import Problem, RulesError
from . import RuleSet

__all__ = ["register_strategy", "registered", "strategy", "unregister_strategy"]

F = TypeVar("F", bound=Callable[..., Any])

#: rule key -> method name -> function
_REGISTRY: dict[str, dict[str, Callable[..., Any]]] = {}


def register_strategy(key: str, name: str) -> Callable[[F], F]:
    """Decorator: register ``fn`` as method ``name`` of the rule ``key`` (``"idle.fee_method"``).

    A name already registered for the key is an error (a variant never silently replaces another);
    :func:`unregister_strategy` removes one first.
    """

    def add(fn: F) -> F:
        methods = _REGISTRY.setdefault(key, {})
        if name in methods and methods[name] is not fn:
            raise ValueError(f"{key}: a method {name!r} is already registered ({methods[name].__qualname__})")
        methods[name] = fn
        return fn

    return add


def unregister_strategy(key: str, name: str) -> None:
    """Remove method ``name`` of ``key`` (a local variant withdrawn, or a test's own)."""
    _REGISTRY.get(key, {}).pop(name, None)


def registered(key: str) -> dict[str, Callable[..., Any]]:
    """The methods registered for ``key``, by name."""
    return dict(_REGISTRY.get(key, {}))


def strategy(rules: RuleSet, key: str) -> Callable[..., Any]:
    """The function the rule set names for ``key``; an unregistered name is a RulesError listing the known ones."""
    name = str(rules.value(key))
    methods = _REGISTRY.get(key, {})
    if name not in methods:
        known = ", ".join(sorted(methods)) or "none"
        raise RulesError(Problem(
            layer=f"rules {rules.label}", code="unknown_strategy",
            message=f"{key} = {name!r} is not a registered method (registered: {known})",
            fix=f"set {key} to one of {known}, or register yours with "
                f"redline.rules.strategies.register_strategy({key!r}, {name!r}) before the run"))
    return methods[name]
