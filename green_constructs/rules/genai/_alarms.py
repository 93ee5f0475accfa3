"""Alarms by the endpoint their metrics name: one pass over the template's alarms, then a
lookup per endpoint, with the answers of :func:`._endpoints.watches_endpoint` on each."""

from __future__ import annotations

from ..context import TemplateContext
from ..intrinsics import attribute_references
from ..model import Resource
from ..training_jobs import is_unknown
from ._endpoints import ALARM, dimension_values, endpoint_dimension, metrics

_NEVER = float("inf")


class _AlarmIndex:
    """Endpoint dimension values of every alarm, by what they name.

    Each value has a position (alarms in template order, then metrics, then values), so that
    a lookup reads the endpoint's ``EndpointName`` exactly when the scan over alarms would:
    when a literal value comes before the first value that matches without it.
    """

    def __init__(self, template: TemplateContext) -> None:
        self.by_attribute: dict[str, int] = {}  # logical id -> first ${Id.EndpointName}/GetAtt
        self.literals: set[str] = set()
        self.first_literal = _NEVER
        self.first_unresolvable = _NEVER  # refers to nothing in the template: may be any
        position = 0
        for alarm in template.of_type(ALARM):
            for metric in metrics(alarm.properties):
                for value in dimension_values(metric, endpoint_dimension(metric)):
                    position += 1
                    if isinstance(value, str):
                        self.literals.add(value)
                        self.first_literal = min(self.first_literal, position)
                        continue
                    targets = attribute_references(value)
                    for logical_id, attribute in targets:
                        if attribute == "EndpointName":
                            self.by_attribute.setdefault(logical_id, position)
                    if not any(t in template.resources for t, _ in targets):
                        self.first_unresolvable = min(self.first_unresolvable, position)

    def watched(self, endpoint: Resource) -> bool:
        """Whether an alarm's metric names, or may name, ``endpoint``."""
        matched = min(self.by_attribute.get(endpoint.logical_id, _NEVER), self.first_unresolvable)
        if self.first_literal > matched:  # decided before any literal value
            return matched != _NEVER
        literal = endpoint.get("EndpointName")
        return (
            is_unknown(literal)
            or (isinstance(literal, str) and literal in self.literals)
            or matched != _NEVER
        )


def watched(endpoint: Resource, template: TemplateContext) -> bool:
    """Whether one of the template's alarms watches ``endpoint`` (``watches_endpoint`` of any
    alarm), from an index of the alarms built once per template."""
    return template.memo("alarms-by-endpoint", lambda: _AlarmIndex(template)).watched(endpoint)
