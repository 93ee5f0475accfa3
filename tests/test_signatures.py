"""Public signatures show readable defaults: no jsii object (``cdk.Duration``...) as a default,
which ``help()`` would print as ``<aws_cdk.Duration object at 0x...>``; such parameters default
to ``None`` and document their default instead."""

from __future__ import annotations

import enum
import inspect

import pytest

import green_constructs.inference
import green_constructs.monitoring
import green_constructs.storage
import green_constructs.training

PACKAGES = (
    green_constructs.inference,
    green_constructs.monitoring,
    green_constructs.storage,
    green_constructs.training,
)


def _callables():
    for package in PACKAGES:
        for name in package.__all__:
            member = getattr(package, name)
            if inspect.isfunction(member):
                yield f"{package.__name__}.{name}", member
            elif inspect.isclass(member) and not issubclass(member, enum.Enum):
                yield f"{package.__name__}.{name}", member.__init__
                for attr, value in vars(member).items():
                    if attr.startswith("_"):
                        continue
                    function = (
                        value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
                    )
                    if inspect.isfunction(function):
                        yield f"{package.__name__}.{name}.{attr}", function


def _unreadable(default: object) -> bool:
    if default is inspect.Parameter.empty or isinstance(default, enum.Enum):
        return False
    return hasattr(type(default), "__jsii_type__") or " object at 0x" in repr(default)


CALLABLES = dict(_callables())


def test_the_packages_have_public_callables() -> None:
    assert "green_constructs.monitoring.SustainabilityMonitor.monitor_async_endpoint" in CALLABLES
    assert "green_constructs.training.TrainiumTrainingJob" in CALLABLES


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_no_jsii_object_as_a_default(name: str) -> None:
    try:
        signature = inspect.signature(CALLABLES[name])
    except (TypeError, ValueError):  # builtins (object.__init__) have none
        return
    bad = {p.name: repr(p.default) for p in signature.parameters.values() if _unreadable(p.default)}
    assert not bad, f"{name}: give these None and document the default: {bad}"
