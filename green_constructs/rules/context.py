"""The whole template as rules see it: resources by type, cross references, region."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

from ..catalog import Catalog
from .conditions import Assignment, choose
from .intrinsics import LEAVES, NO_VALUE, parameter_defaults, references
from .model import NotEvaluated, Resource, RuleSettings

T = TypeVar("T")


class TemplateContext:
    """A decoded template: its resources (properties resolved on demand, see ``Resource``),
    indexed by type, with memoized facts that rules share.

    ``region`` is the deployment region when known (template, manifest or ``--region``).
    With an ``assignment`` of conditions, the template as deployed under it: ``Fn::If``
    branches chosen, resources whose ``Condition`` is false left out (see :mod:`.conditions`).
    ``not_evaluated`` collects what the rules could not read.
    """

    settings: RuleSettings
    """The rules' tunable thresholds (the defaults unless given)."""
    catalog: Catalog
    """Instance, region and power data the rules look up (the packaged one unless given)."""

    def __init__(
        self,
        template: Mapping[str, Any],
        *,
        name: str = "template",
        region: str | None = None,
        settings: RuleSettings | None = None,
        catalog: Catalog | None = None,
        assignment: Assignment | None = None,
    ) -> None:
        self.template = template
        self.name = name
        self.region = region
        self.settings = settings or RuleSettings()
        self.catalog = catalog or Catalog.default()
        parameters = template.get("Parameters") if isinstance(template, dict) else None
        self.parameters: Mapping[str, Any] = parameters if isinstance(parameters, dict) else {}
        defaults = parameter_defaults(parameters)
        self.resources: dict[str, Resource] = {}
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        self._memo: dict[Hashable, Any] = {}
        self.assignment = assignment
        self._unread: dict[tuple[str, str], NotEvaluated] = {}
        conditions = dict(assignment) if assignment else None
        track = any(  # parameters whose value only the deployment gives (not CDK's SSM one)
            type(spec) is not dict or "Default" not in spec for spec in self.parameters.values()
        )
        raw = template.get("Resources") if isinstance(template, dict) else None
        for logical_id, body in raw.items() if isinstance(raw, dict) else ():
            if type(body) is not dict:
                continue
            resource_type = body.get("Type")
            if type(resource_type) is not str:
                continue
            if type(logical_id) is not str:  # YAML allows other key types
                logical_id = str(logical_id)
            properties = body.get("Properties")
            if conditions is not None:
                condition = body.get("Condition")
                if type(condition) is str and conditions.get(condition) is False:  # not created
                    continue
                properties = choose(properties, conditions)
            if properties == NO_VALUE:  # CloudFormation removes them
                properties = None
            metadata = body.get("Metadata")
            resource = Resource(
                logical_id,
                resource_type,
                properties if type(properties) is dict else {},
                metadata if type(metadata) is dict else {},
                defaults,
            )
            if track:
                resource.read = set()
            self.resources[logical_id] = resource
            self._by_type[resource_type].append(resource)

    def under(self, assignment: Assignment) -> TemplateContext:
        """This template as deployed under ``assignment`` of its conditions."""
        return TemplateContext(
            self.template,
            name=self.name,
            region=self.region,
            settings=self.settings,
            catalog=self.catalog,
            assignment=assignment,
        )

    def not_evaluated(self, resource: Resource | None, path: str, reason: str) -> None:
        """Record that ``path`` of ``resource`` (``None``: the template) could not be read."""
        logical_id = resource.logical_id if resource else ""
        self.add_unread(
            NotEvaluated(self.name, logical_id, resource.type if resource else "", path, reason)
        )

    def add_unread(self, note: NotEvaluated) -> None:
        """Record ``note`` unless its resource and path are already recorded."""
        self._unread.setdefault((note.resource, note.path), note)

    def deploy_time_value(self, value: Any) -> str | None:
        """Why ``value`` is only known at deploy time (a parameter without default, an import,
        a custom resource's attribute), or ``None`` when it is not such a value."""
        if type(value) is not dict or len(value) != 1:
            return None
        key, arg = next(iter(value.items()))
        if key == "Ref" and type(arg) is str and arg in self.parameters:
            declared = self.parameters[arg]
            kind = declared.get("Type") if type(declared) is dict else None
            if type(kind) is str and kind.startswith("AWS::SSM::Parameter::Value"):
                return f"the value of SSM parameter {arg}, read at deploy time"
            return f"the value of parameter {arg}, which has no default"
        if key == "Fn::ImportValue":
            return "a value imported from another stack"
        if key == "Fn::GetAtt" and type(arg) is list and arg and type(arg[0]) is str:
            source = self.resources.get(arg[0])
            if source is not None and is_custom_resource(source.type):
                return f"an attribute of custom resource {source.logical_id}"
        return None

    @property
    def unread(self) -> list[NotEvaluated]:
        """What the rules could not read, in the order it was recorded."""
        return list(self._unread.values())

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per template and ``key``: derived facts several rules share
        (a state machine's jobs, the scalable targets of an endpoint...)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def resource_types(self) -> list[str]:
        """The resource types of the template, in order of first appearance."""
        return list(self._by_type)

    def of_type(self, *types: str) -> list[Resource]:
        """Resources of any of ``types``, in template order within each type."""
        return [r for t in types for r in self._by_type.get(t, ())]

    def by_name(self, resource_type: str, name_property: str) -> dict[str, Resource]:
        """Resources of ``resource_type`` by the literal value of their ``name_property``
        (``LaunchTemplateName``...), the first of each name; built once per template."""

        def index() -> dict[str, Resource]:
            found: dict[str, Resource] = {}
            for resource in self.of_type(resource_type):
                name = resource.get(name_property)
                if isinstance(name, str):
                    found.setdefault(name, resource)
            return found

        return self.memo(("by-name", resource_type, name_property), index)

    def referencing(self, logical_id: str, *types: str) -> list[Resource]:
        """Resources (optionally of ``types``) whose properties refer to ``logical_id``."""
        return self.memo(("referrers", types), lambda: self._referrers(types)).get(logical_id, [])

    def _referrers(self, types: tuple[str, ...]) -> dict[str, list[Resource]]:
        index: dict[str, list[Resource]] = defaultdict(list)
        for resource in self.of_type(*types) if types else self.resources.values():
            for target in references(resource.raw_properties):
                index[target].append(resource)
        return index

    def target(self, value: Any) -> Resource | None:
        """The resource a ``Ref``/``Fn::GetAtt`` value points to, if it is in this template."""
        if type(value) in LEAVES:  # most values asked about are names or absent
            return None
        if type(value) is dict and len(value) == 1:  # the usual direct Ref or GetAtt
            arg = value.get("Ref", value.get("Fn::GetAtt"))
            name = arg[0] if type(arg) is list and arg else arg
            if type(name) is str:
                return self.resources.get(name.split(".", 1)[0])
        for logical_id in references(value):
            if logical_id in self.resources:
                return self.resources[logical_id]
        return None


def is_custom_resource(resource_type: str) -> bool:
    """``AWS::CloudFormation::CustomResource`` or ``Custom::*``: created by a provider's code."""
    return resource_type.startswith("Custom::") or resource_type == (
        "AWS::CloudFormation::CustomResource"
    )
