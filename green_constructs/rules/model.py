"""What a rule is, what it sees and what it reports: plain data, no jsii.

Records are ``NamedTuple``s and a slotted class rather than dataclasses: the lint's cold start
would spend more on creating dataclasses (and importing ``dataclasses``) than on its rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any, NamedTuple

from .intrinsics import NO_VALUE, is_intrinsic, resolve

if TYPE_CHECKING:
    from .context import TemplateContext


class Severity(str, Enum):
    """How much a finding matters; ``error`` fails synth and, by default, the lint."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Order of the severities: info 1, warning 2, error 3."""
        return _RANKS[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        """The severity named ``value`` (any case); ``ValueError`` naming the allowed ones."""
        try:
            return cls(value.lower())
        except ValueError:
            allowed = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r}; allowed: {allowed}") from None


_RANKS = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}


_MISSING = object()


class Resource:
    """One template resource; its properties read with intrinsics resolved where the template
    alone decides them (``resolve``).

    Resolution is lazy, since most properties are never read: ``get`` resolves the value it
    returns, once per path. An intrinsic read directly is always resolved. Lists and mappings
    are walked for nested intrinsics only when the template's parameters have defaults: the
    other nested intrinsics a template alone decides (a join of literals, a substitution
    without variables) are only ever written by hand, never synthesized by CDK, and walking
    every value for them would cost rules more than all their checks.
    """

    __slots__ = (  # built for every resource of every template: kept cheap
        "logical_id",
        "type",
        "raw_properties",
        "metadata",
        "parameter_defaults",
        "_by_path",
        "_properties",
        "read",
    )

    logical_id: str
    """The resource's logical id in the template."""
    type: str
    """The resource type (``AWS::SageMaker::Endpoint``...)."""
    raw_properties: Mapping[str, Any]
    """The properties as written in the template, intrinsics unresolved."""

    def __init__(
        self,
        logical_id: str,
        type: str,
        raw_properties: Mapping[str, Any],
        metadata: Mapping[str, Any] | None = None,
        parameter_defaults: Mapping[str, Any] | None = None,
    ) -> None:
        self.logical_id = logical_id
        self.type = type
        self.raw_properties = raw_properties
        self.metadata: Mapping[str, Any] = {} if metadata is None else metadata
        self.parameter_defaults: Mapping[str, Any] = (
            {} if parameter_defaults is None else parameter_defaults
        )
        self._by_path: dict[str, Any] | None = None
        self._properties: Mapping[str, Any] | None = None
        self.read: set[str] | None = None
        """Top-level properties the rules read, when the context tracks them (templates with
        values only known at deploy time); ``None`` otherwise."""

    def __repr__(self) -> str:
        return f"Resource({self.logical_id!r}, {self.type!r})"

    @property
    def properties(self) -> Mapping[str, Any]:
        """All properties, resolved as ``get`` resolves each (once)."""
        if self._properties is None:
            self._properties = {key: self.get(key) for key in self.raw_properties}
        return self._properties

    def get(self, path: str, default: Any = None) -> Any:
        """Property at a dotted path (``AsyncInferenceConfig.OutputConfig.S3FailurePath``).

        The path is followed in the raw properties: resolving only ever turns an intrinsic
        into a scalar, which a longer path cannot enter either way.
        """
        head, _, rest = path.partition(".")
        if self.read is not None:
            self.read.add(head)
        value = self.raw_properties.get(head, _MISSING)
        if rest:
            for key in rest.split("."):
                if type(value) is not dict:
                    return default
                value = value.get(key, _MISSING)
        if value is _MISSING:
            return default
        kind = type(value)
        if kind is not dict and kind is not list:  # scalars (YAML adds dates)
            return value
        if not self.parameter_defaults and (
            kind is list or len(value) != 1 or not is_intrinsic(value)
        ):
            return value  # not walked: see the class docstring
        cache = self._by_path
        if cache is None:
            cache = self._by_path = {}
        elif path in cache:
            return cache[path]
        resolved = cache[path] = resolve(value, self.parameter_defaults)
        if resolved == NO_VALUE:
            return default  # CloudFormation removes the property
        return resolved

    def unknown(self, path: str) -> bool:
        """True when the template alone cannot tell the value at ``path``: the path runs into
        an intrinsic that does not resolve (``Fn::If``, ``Fn::ImportValue``, a ``Ref`` to a
        parameter without default...). ``get`` then returns its default or the intrinsic."""
        value: Any = self.raw_properties
        for key in path.split("."):
            if is_intrinsic(value):
                break
            if type(value) is not dict or key not in value:
                return False
            value = value[key]
        return is_intrinsic(value) and is_intrinsic(resolve(value, self.parameter_defaults))


Check = Callable[[Resource, "TemplateContext"], "str | None"]
"""A rule's test: ``None`` when the resource complies, else the finding's message."""


class Rule(NamedTuple):
    """A check with its metadata (as cfn-lint keeps metadata with the rule)."""

    id: str
    pack: str
    severity: Severity
    title: str
    explanation: str
    remediation: str
    best_practices: tuple[str, ...]
    resource_types: tuple[str, ...]
    check: Check
    equivalents: tuple[str, ...] = ()
    notes: str = ""

    def applies_to(self, resource_type: str) -> bool:
        """Whether the rule checks resources of ``resource_type``."""
        return "*" in self.resource_types or resource_type in self.resource_types

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape of ``green-constructs rules --format json``."""
        return {
            "id": self.id,
            "pack": self.pack,
            "severity": self.severity.value,
            "title": self.title,
            "explanation": self.explanation,
            "remediation": self.remediation,
            "resource_types": list(self.resource_types),
            "best_practices": list(self.best_practices),
            "equivalents": list(self.equivalents),
            "notes": self.notes,
        }


class Finding(NamedTuple):
    """One rule's verdict on one resource."""

    rule: Rule
    template: str
    resource: str
    resource_type: str
    message: str
    acknowledged: bool = False
    reason: str | None = None
    line: int | None = None

    @property
    def severity(self) -> Severity:
        """The severity of the rule that made the finding."""
        return self.rule.severity

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape of a finding in ``green-constructs lint --format json``."""
        return {
            "rule_id": self.rule.id,
            "severity": self.severity.value,
            "template": self.template,
            "resource": self.resource,
            "resource_type": self.resource_type,
            "message": self.message,
            "best_practices": list(self.rule.best_practices),
            "acknowledged": self.acknowledged,
            "reason": self.reason,
            "line": self.line,
        }


class NotEvaluated(NamedTuple):
    """Something the rules could not read, so their silence about it means nothing: content
    kept outside the template, a value only known at deploy time, an unexpanded transform.

    ``resource`` is empty for the template as a whole; ``path`` names the property, if any.
    """

    template: str
    resource: str
    resource_type: str
    path: str
    reason: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape of ``not_evaluated`` in ``green-constructs lint --format json``."""
        return self._asdict()


class RuleSettings(NamedTuple):
    """Tunable thresholds of the rules.

    ``carbon_intensity_ratio``: ``GenAI-RegionCarbonIntensity`` flags a region whose grid
    intensity is more than this many times that of the greenest region of the same geography
    and partition known to offer what the template uses (default 2.0), when its intensity is
    also above ``carbon_intensity_floor`` (kg CO2e per kWh, lifecycle; default 0.3).
    ``suggested_regions``: how many greener regions a finding names (default 3).
    """

    carbon_intensity_ratio: float = 2.0
    suggested_regions: int = 3
    carbon_intensity_floor: float = 0.3
