"""The whole template as rules see it: resources by type, cross references, region."""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import Any, Mapping

from ..catalog import Catalog
from .intrinsics import references, resolve
from .model import Resource, RuleSettings


class TemplateContext:
    """A decoded template with intrinsics resolved once per resource.

    ``region`` is the deployment region when known (template, manifest or ``--region``).
    """

    def __init__(
        self,
        template: Mapping[str, Any],
        *,
        name: str = "template",
        region: str | None = None,
        settings: RuleSettings | None = None,
        catalog: Catalog | None = None,
    ) -> None:
        self.template = template
        self.name = name
        self.region = region
        self.settings = settings or RuleSettings()
        self.catalog = catalog or Catalog.default()
        parameters = template.get("Parameters") if isinstance(template, Mapping) else None
        self.parameters: Mapping[str, Any] = parameters if isinstance(parameters, Mapping) else {}
        self.resources: dict[str, Resource] = {}
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        raw = template.get("Resources") if isinstance(template, Mapping) else None
        for logical_id, body in (raw.items() if isinstance(raw, Mapping) else ()):
            if not isinstance(body, Mapping) or not isinstance(body.get("Type"), str):
                continue
            properties = body.get("Properties")
            metadata = body.get("Metadata")
            resource = Resource(
                logical_id=str(logical_id),
                type=body["Type"],
                properties=resolve(properties, self.parameters)
                if isinstance(properties, Mapping)
                else {},
                metadata=metadata if isinstance(metadata, Mapping) else {},
            )
            self.resources[resource.logical_id] = resource
            self._by_type[resource.type].append(resource)

    def of_type(self, *types: str) -> list[Resource]:
        """Resources of any of ``types``, in template order within each type."""
        return [r for t in types for r in self._by_type.get(t, ())]

    @cached_property
    def _referrers(self) -> dict[str, list[Resource]]:
        index: dict[str, list[Resource]] = defaultdict(list)
        for resource in self.resources.values():
            for target in references(resource.properties):
                index[target].append(resource)
        return index

    def referencing(self, logical_id: str, *types: str) -> list[Resource]:
        """Resources (optionally of ``types``) whose properties refer to ``logical_id``."""
        found = self._referrers.get(logical_id, [])
        return [r for r in found if not types or r.type in types]

    def target(self, value: Any) -> Resource | None:
        """The resource a ``Ref``/``Fn::GetAtt`` value points to, if it is in this template."""
        for logical_id in references(value):
            if logical_id in self.resources:
                return self.resources[logical_id]
        return None
