"""Workload profiles: how much work a design does in a month (YAML or JSON).

::

    default:                      # applies to every resource the profile does not name
      utilization: 0.5
    resources:
      Llm:                        # a logical id, a construct path, or a construct id in it
        requests_per_day: 2000
        active_hours_per_day: 6
        seconds_per_request: 4
      Finetune:
        training_hours_per_month: 12
        nodes: 1
      Summaries:
        jobs_per_day: 1
        job_hours: 2
    strategies:                   # declared compute per customization strategy (optional)
      rag: {instance_type: ml.inf2.xlarge, hours_per_month: 30}
    coefficients:                 # overrides, same shape as a --coefficients file
      grid_intensity: {eu-north-1: 0.02}

Every field is optional; docs/WORKLOADS.md lists the defaults. A bad value raises
:class:`WorkloadError` naming the field: ``workload.resources.Llm.utilization: must be between
0 and 1, got 1.5``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

HOURS_PER_MONTH = 730.0
"""8760 hours a year over 12 months."""
DAYS_PER_MONTH = HOURS_PER_MONTH / 24

STRATEGIES = ("prompt_engineering", "rag", "peft", "full_fine_tuning", "pre_training")
"""Customization strategies, from the least to the most compute they usually need."""


class WorkloadError(ValueError):
    """A workload profile that cannot be used; the message names the field."""


@dataclass(frozen=True)
class ResourceProfile:
    """What one resource does in a month; ``None`` means the documented default.

    ``seconds_per_request`` is the instance time one request occupies (batching included).
    ``utilization`` is the average utilization of a running instance while it works (0..1).
    ``bursts_per_day`` is how many times a day demand starts after a quiet spell (each one a
    scale-out from the idle floor, with its start-up and scale-in tail); ``startup_minutes``
    is how long a new instance runs before it serves (provisioning, container, model load).
    """

    requests_per_day: float | None = None
    active_hours_per_day: float | None = None
    seconds_per_request: float | None = None
    utilization: float | None = None
    jobs_per_day: float | None = None
    job_hours: float | None = None
    training_hours_per_month: float | None = None
    nodes: int | None = None
    hours_per_month: float | None = None
    storage_gb: float | None = None
    bursts_per_day: float | None = None
    startup_minutes: float | None = None

    def merged_over(self, base: ResourceProfile) -> ResourceProfile:
        """This profile with its unset fields taken from ``base``."""
        return replace(
            base,
            **{
                f.name: getattr(self, f.name)
                for f in fields(self)
                if getattr(self, f.name) is not None
            },
        )


@dataclass(frozen=True)
class BedrockUsage:
    """A day's tokens of one Amazon Bedrock model (on demand, or ``batch`` inference)."""

    name: str
    model: str
    input_tokens_per_day: float = 0.0
    output_tokens_per_day: float = 0.0
    batch: bool = False


@dataclass(frozen=True)
class Strategy:
    """What one customization strategy runs in a month: ``nodes`` x ``instance_type`` for
    ``hours_per_month`` hours at ``utilization`` (training or hosting), Bedrock tokens
    (``tokens``: generation, and embeddings for retrieval), and OpenSearch Serverless capacity
    kept up for retrieval (``vector_store_ocus``; 0 for S3 Vectors, which has none)."""

    name: str
    instance_type: str | None = None
    hours_per_month: float = 0.0
    nodes: int = 1
    utilization: float | None = None
    tokens: tuple[BedrockUsage, ...] = ()
    vector_store_ocus: float = 0.0


@dataclass(frozen=True)
class Workload:
    """A parsed workload profile."""

    default: ResourceProfile = field(default_factory=ResourceProfile)
    resources: Mapping[str, ResourceProfile] = field(default_factory=dict)
    strategies: tuple[Strategy, ...] = ()
    coefficients: Mapping[str, Any] = field(default_factory=dict)
    source: str | None = None
    bedrock: tuple[BedrockUsage, ...] = ()

    def match(self, *, logical_id: str, path: str | None) -> str | None:
        """The ``resources`` key that applies to a resource: its logical id, its construct path
        (with or without the stack), or a construct above it; the most specific key wins."""
        names = _path_forms(path)
        matching = []
        for key in self.resources:
            if key == logical_id:
                return key
            wanted = key.strip("/")
            if any(n == wanted or n.startswith(wanted + "/") for n in names):
                matching.append(key)
        return max(matching, key=lambda k: len(k.strip("/")), default=None)

    def profile(self, key: str | None) -> ResourceProfile:
        """The profile of a ``resources`` key (None: the default) over the default section."""
        return self.default if key is None else self.resources[key].merged_over(self.default)


def _path_forms(path: str | None) -> list[str]:
    """``Stack/Llm/Config`` and ``Llm/Config`` for the construct path ``/Stack/Llm/Config``."""
    if not path:
        return []
    full = path.strip("/")
    return [full, full.partition("/")[2]] if "/" in full else [full]


MAX_NODES = 10_000
"""Most instances a workload declares, or an estimate sizes, for one resource."""

# field name -> (lowest, highest, integer); the upper bounds (docs/WORKLOADS.md) keep every
# product of the estimate finite
_LIMITS: dict[str, tuple[float, float, bool]] = {
    "requests_per_day": (0, 1e10, False),
    "active_hours_per_day": (0, 24, False),
    "seconds_per_request": (0, 3600, False),
    "utilization": (0, 1, False),
    "jobs_per_day": (0, 1440, False),
    "job_hours": (0, 24, False),
    "training_hours_per_month": (0, HOURS_PER_MONTH, False),
    "nodes": (1, MAX_NODES, True),
    "hours_per_month": (0, HOURS_PER_MONTH, False),
    "storage_gb": (0, 1e9, False),
    "bursts_per_day": (0, 1440, False),
    "startup_minutes": (0, 180, False),
}
_POSITIVE = ("active_hours_per_day", "seconds_per_request", "bursts_per_day")
_SECTIONS = ("default", "resources", "bedrock", "strategies", "coefficients")
MAX_TOKENS_PER_DAY = 1e13
"""Most tokens a day a workload declares for one model (about a hundred billion a second)."""
MAX_OCUS = 10_000.0


REFERENCE_WORKLOADS = Path(__file__).with_name("workloads")
"""The reference workloads shipped with the package, one YAML file per name."""


def reference_workloads() -> list[str]:
    """Names of the packaged reference workloads (``bursty-chat``...)."""
    return sorted(p.stem for p in REFERENCE_WORKLOADS.glob("*.yaml"))


def workload_path(value: str | Path) -> Path:
    """``value`` as a file when one exists there, else the packaged reference workload of
    that name; a value that is neither stays as given (reading it reports it missing)."""
    path = Path(value)
    if path.exists() or path.suffix:
        return path
    packaged = REFERENCE_WORKLOADS / f"{path.name}.yaml"
    return packaged if packaged.is_file() and str(value) == path.name else path


def load_workload(path: str | Path) -> Workload:
    """Read and validate a YAML or JSON workload file, or a reference workload by name
    (:func:`reference_workloads`)."""
    from ..lint.decode import TemplateDecodeError, load_data

    path = workload_path(path)
    if not os.path.exists(path):
        raise WorkloadError(
            f"{path}: workload file not found (reference workloads by name: "
            f"{', '.join(reference_workloads())})"
        )
    try:
        data = load_data(path)
    except TemplateDecodeError as error:
        raise WorkloadError(str(error)) from None
    return parse_workload(data, source=str(path))


def parse_workload(data: Any, *, source: str | None = None) -> Workload:
    """Validate decoded workload data (an empty document is an empty workload)."""
    if data is None:
        return Workload(source=source)
    if not isinstance(data, dict):
        raise WorkloadError(f"workload: must be a mapping, got {_kind(data)}")
    for key in data:
        if key not in _SECTIONS:
            raise WorkloadError(
                f"workload.{field_name(key)}: unknown section; allowed: {', '.join(_SECTIONS)}"
            )
    resources = {} if data.get("resources") is None else data["resources"]
    if not isinstance(resources, dict):
        raise WorkloadError(f"workload.resources: must be a mapping, got {_kind(resources)}")
    coefficients = {} if data.get("coefficients") is None else data["coefficients"]
    if not isinstance(coefficients, dict):
        raise WorkloadError(f"workload.coefficients: must be a mapping, got {_kind(coefficients)}")
    return Workload(
        default=_profile(data.get("default"), "workload.default"),
        resources={
            str(name): _profile(entry, f"workload.resources.{field_name(name)}")
            for name, entry in resources.items()
        },
        strategies=_strategies(data.get("strategies"), "workload.strategies"),
        coefficients=coefficients,
        source=source,
        bedrock=tuple(
            _usage(name, entry, f"workload.bedrock.{field_name(name)}")
            for name, entry in _mapping(data.get("bedrock"), "workload.bedrock").items()
        ),
    )


def _mapping(section: Any, where: str) -> dict[Any, Any]:
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise WorkloadError(f"{where}: must be a mapping, got {_kind(section)}")
    return section


_USAGE_FIELDS = ("model", "input_tokens_per_day", "output_tokens_per_day", "batch")


def _usage(
    name: Any, entry: Any, where: str, fields: tuple[str, ...] = _USAGE_FIELDS
) -> BedrockUsage:
    """A :class:`BedrockUsage` from ``entry``, whose keys must be among ``fields``."""
    entry = _mapping(entry, where)
    for key in entry:
        if key not in fields:
            raise WorkloadError(
                f"{where}.{field_name(key)}: unknown field; allowed: {', '.join(fields)}"
            )
    model = entry.get("model")
    if not isinstance(model, str) or not model.strip() or len(model) > 2048:
        raise WorkloadError(
            f"{where}.model: required, a Bedrock model id such as amazon.nova-lite-v1:0"
        )
    batch = entry.get("batch", False)
    if not isinstance(batch, bool):
        raise WorkloadError(f"{where}.batch: must be true or false, got {_kind(batch)}")
    tokens = {
        key: _number(entry.get(key, 0), f"{where}.{key}", 0, MAX_TOKENS_PER_DAY, False)
        for key in ("input_tokens_per_day", "output_tokens_per_day")
    }
    return BedrockUsage(name=str(name), model=model.strip(), batch=batch, **tokens)


def _profile(entry: Any, where: str) -> ResourceProfile:
    if entry is None:
        return ResourceProfile()
    if not isinstance(entry, dict):
        raise WorkloadError(f"{where}: must be a mapping, got {_kind(entry)}")
    values: dict[str, Any] = {}  # an int for a whole-number field, else a float
    for key, value in entry.items():
        if key not in _LIMITS:
            raise WorkloadError(
                f"{where}.{field_name(key)}: unknown field; allowed: {', '.join(_LIMITS)}"
            )
        values[key] = _number(value, f"{where}.{key}", *_LIMITS[key], positive=key in _POSITIVE)
    return ResourceProfile(**values)


_STRATEGY_COMPUTE = ("instance_type", "hours_per_month", "nodes", "utilization")


def _strategies(section: Any, where: str) -> tuple[Strategy, ...]:
    if section is None:
        return ()
    if not isinstance(section, dict):
        raise WorkloadError(
            f"{where}: must be a mapping of strategy to compute, got {_kind(section)}"
        )
    found = []
    for name, entry in section.items():
        here = f"{where}.{field_name(name)}"
        if name not in STRATEGIES:
            raise WorkloadError(f"{here}: unknown strategy; allowed: {', '.join(STRATEGIES)}")
        if not isinstance(entry, dict):
            raise WorkloadError(f"{here}: must be a mapping, got {_kind(entry)}")
        allowed = (*_STRATEGY_COMPUTE, "bedrock", "vector_store_ocus")
        for key in entry:
            if key not in allowed:
                raise WorkloadError(
                    f"{here}.{field_name(key)}: unknown field; allowed: {', '.join(allowed)}"
                )
        tokens = tuple(
            _usage(model_name, usage, f"{here}.bedrock.{field_name(model_name)}")
            for model_name, usage in _mapping(entry.get("bedrock"), f"{here}.bedrock").items()
        )
        instance_type = entry.get("instance_type")
        if instance_type is None and not tokens:
            raise WorkloadError(
                f"{here}: needs instance_type (with hours_per_month) or bedrock (tokens)"
            )
        if instance_type is not None and (not isinstance(instance_type, str) or not instance_type):
            raise WorkloadError(f"{here}.instance_type: an instance type such as ml.trn1.32xlarge")
        if instance_type is not None and "hours_per_month" not in entry:
            raise WorkloadError(f"{here}.hours_per_month: required with instance_type")
        found.append(
            Strategy(
                name=name,
                instance_type=instance_type,
                hours_per_month=_number(
                    entry.get("hours_per_month", 0),
                    f"{here}.hours_per_month",
                    *_LIMITS["hours_per_month"],
                ),
                nodes=int(_number(entry.get("nodes", 1), f"{here}.nodes", *_LIMITS["nodes"])),
                utilization=(
                    None
                    if entry.get("utilization") is None
                    else _number(
                        entry["utilization"], f"{here}.utilization", *_LIMITS["utilization"]
                    )
                ),
                tokens=tokens,
                vector_store_ocus=_number(
                    entry.get("vector_store_ocus", 0),
                    f"{here}.vector_store_ocus",
                    0,
                    MAX_OCUS,
                    False,
                ),
            )
        )
    order = {name: index for index, name in enumerate(STRATEGIES)}
    return tuple(sorted(found, key=lambda s: order[s.name]))


def _number(
    value: Any,
    where: str,
    lowest: float,
    highest: float,
    integer: bool,
    *,
    positive: bool = False,
) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise WorkloadError(f"{where}: must be a number, got {value!r}{_text_hint(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise WorkloadError(f"{where}: must be a finite number, got {value!r}")
    if integer and int(value) != value:
        raise WorkloadError(f"{where}: must be a whole number, got {value!r}")
    if positive and value <= 0:
        raise WorkloadError(f"{where}: must be greater than 0, got {value!r}")
    if not lowest <= value <= highest:
        raise WorkloadError(f"{where}: must be between {lowest:g} and {highest:g}, got {value!r}")
    return int(value) if integer else float(value)


def _text_hint(value: Any) -> str:
    """A hint for a number YAML 1.1 read as text (``1e6``, ``"3000"``), else nothing."""
    try:
        number = float(value) if isinstance(value, str) else math.nan
    except ValueError:
        return ""
    if not math.isfinite(number):
        return ""
    return " (YAML 1.1 reads 1e6 and quoted numbers as text: write 1.0e+6 or 1000000)"


def field_name(key: Any) -> str:
    """A key as messages show it: as written when printable, else quoted with escapes."""
    return key if isinstance(key, str) and key.isprintable() and key else repr(key)


_KINDS: dict[type, str] = {list: "a list", str: "a string", dict: "a mapping"}


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), type(value).__name__)
