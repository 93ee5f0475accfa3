"""Where SageMaker jobs and training compute hide in a template.

Training (and transform, processing, tuning) jobs are not resources of their own: their
``Create*Job`` parameters live in Step Functions state machines (``DefinitionString`` as a string,
an ``Fn::Join`` or ``Fn::Sub`` with tokens, or ``Definition`` as an object, with
``DefinitionSubstitutions``) and in SageMaker pipeline definitions. HyperPod clusters and Batch
compute environments name training instances directly. Values this module cannot know (tokens,
``.$`` paths, JSONata, pipeline step properties) become :data:`UNRESOLVED`; test with
:func:`is_unknown`. Results are cached per template and resource: each definition is parsed once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from ..lint.decode import json_within_depth
from .context import TemplateContext
from .intrinsics import is_intrinsic
from .model import Resource

UNRESOLVED = "<<unresolved>>"
"""Stands for a value only known at deploy or run time."""

JOB_SOURCES = ("AWS::StepFunctions::StateMachine", "AWS::SageMaker::Pipeline")
TRAINING_SOURCES = (*JOB_SOURCES, "AWS::SageMaker::Cluster", "AWS::Batch::ComputeEnvironment")

_TASK_RESOURCE = re.compile(
    r"^arn:[^:]*:states:::(?:aws-sdk:)?sagemaker:(create\w+?)(?:\.sync|\.waitForTaskToken)?$"
)
_TASK_KINDS = {
    "createTrainingJob": "training",
    "createHyperParameterTuningJob": "tuning",
    "createTransformJob": "transform",
    "createProcessingJob": "processing",
}
_STEP_KINDS = {
    "Training": "training",
    "Tuning": "tuning",
    "Transform": "transform",
    "Processing": "processing",
}
_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")
_INSTANCE_PATHS = {
    "training": ("ResourceConfig.InstanceType",),
    "tuning": ("ResourceConfig.InstanceType",),
    "transform": ("TransformResources.InstanceType",),
    "processing": ("ProcessingResources.ClusterConfig.InstanceType",),
}


class Job(NamedTuple):
    """One SageMaker job request found in a workflow.

    ``kind`` is ``training``, ``tuning`` (its training job definition), ``transform`` or
    ``processing``; ``name`` is the state or pipeline step name.
    """

    kind: str
    name: str
    parameters: Mapping[str, Any]

    def get(self, path: str, default: Any = None) -> Any:
        """Parameter at a dotted path (``StoppingCondition.MaxRuntimeInSeconds``)."""
        value: Any = self.parameters
        for key in path.split("."):
            if not isinstance(value, dict) or key not in value:
                return default
            value = value[key]
        return value

    @property
    def trains(self) -> bool:
        return self.kind in ("training", "tuning")

    @property
    def instance_types(self) -> tuple[str, ...]:
        """Known instance types the job runs on (heterogeneous clusters included)."""
        found = [self.get(path) for path in _INSTANCE_PATHS[self.kind]]
        groups = self.get("ResourceConfig.InstanceGroups") if self.trains else None
        for group in groups if isinstance(groups, list) else ():
            if isinstance(group, dict):
                found.append(group.get("InstanceType"))
        return tuple(t for t in found if isinstance(t, str) and not is_unknown(t))


class TrainingInstance(NamedTuple):
    """A training instance type and where (``instance group workers``, ``compute resources``)."""

    where: str
    instance_type: str


def is_unknown(value: Any) -> bool:
    """True for values decided at deploy or run time (intrinsics, tokens, JSONata, paths)."""
    if isinstance(value, str):
        return UNRESOLVED in value or value.lstrip().startswith("{%")
    return is_intrinsic(value)


def jobs(resource: Resource, template: TemplateContext) -> tuple[Job, ...]:
    """SageMaker jobs requested by a state machine or a pipeline (cached per resource)."""
    return template.memo(("jobs", resource.logical_id), lambda: tuple(_extract(resource, template)))


def training_jobs(resource: Resource, template: TemplateContext) -> tuple[Job, ...]:
    """Training and tuning jobs of a state machine or a pipeline."""
    return tuple(j for j in jobs(resource, template) if j.trains)


def training_instances(resource: Resource) -> list[TrainingInstance]:
    """Known instance types of a HyperPod cluster or a Batch compute environment (jobs name
    theirs in :attr:`Job.instance_types`)."""
    if resource.type == "AWS::SageMaker::Cluster":
        found = []
        for key in ("InstanceGroups", "RestrictedInstanceGroups"):
            groups = resource.get(key)
            for group in groups if isinstance(groups, list) else ():
                if not isinstance(group, dict):
                    continue
                name = group.get("InstanceGroupName")
                label = f"instance group {name}" if is_known_name(name) else "an instance group"
                requirements = group.get("InstanceRequirements")  # flexible instance groups
                listed = (
                    requirements.get("InstanceTypes") if isinstance(requirements, dict) else None
                )
                for instance_type in [
                    group.get("InstanceType"),
                    *(listed if isinstance(listed, list) else ()),
                ]:
                    if is_known_name(instance_type):
                        found.append(TrainingInstance(label, instance_type))
        return found
    if resource.type == "AWS::Batch::ComputeEnvironment":
        types = resource.get("ComputeResources.InstanceTypes")
        return [
            TrainingInstance("compute resources", t)
            for t in (types if isinstance(types, list) else ())
            if is_known_name(t)
        ]
    return []


def is_known_name(value: Any) -> bool:
    """A non-empty string the template decides (an instance type, a group name...)."""
    return isinstance(value, str) and bool(value) and not is_unknown(value)


# extraction -------------------------------------------------------------------------------
def _extract(resource: Resource, template: TemplateContext) -> Iterator[Job]:
    if resource.type == "AWS::StepFunctions::StateMachine":
        definition = _state_machine_definition(resource)
        if isinstance(definition, dict):
            yield from _states_jobs(definition)
        elif definition is not None:
            template.not_evaluated(resource, "DefinitionString", _UNREADABLE)
    elif resource.type == "AWS::SageMaker::Pipeline":
        path = "PipelineDefinition.PipelineDefinitionBody"
        body = resource.get(path)
        definition = _json_object(body)
        if definition is None and body is not None:
            definition = _parse(_text_parts(body))
        if isinstance(definition, dict):
            yield from _pipeline_jobs(definition)
        elif body is not None:
            template.not_evaluated(resource, path, _UNREADABLE)


_UNREADABLE = "not JSON the template decides (a parameter, an import or a token): not checked"


def _json_object(value: Any) -> Any:
    """The object an ``Fn::ToJsonString`` (``AWS::LanguageExtensions``) encodes, with the
    intrinsics inside as :data:`UNRESOLVED`; ``None`` for other values."""
    if not (is_intrinsic(value) and "Fn::ToJsonString" in value):
        return None
    return _tokens_unresolved(value["Fn::ToJsonString"])


def _tokens_unresolved(value: Any) -> Any:
    if is_intrinsic(value):
        return UNRESOLVED
    if isinstance(value, list):
        return [_tokens_unresolved(v) for v in value]
    if isinstance(value, dict):
        return {k: _tokens_unresolved(v) for k, v in value.items()}
    return value


def _state_machine_definition(resource: Resource) -> Any:
    raw = resource.get("DefinitionSubstitutions")
    substitutions = raw if isinstance(raw, dict) else {}
    definition = resource.get("Definition")
    if isinstance(definition, dict) and not is_intrinsic(definition):
        return _substitute_object(definition, substitutions)
    text = resource.get("DefinitionString")
    if text is None:
        return None
    encoded = _json_object(text)
    if encoded is not None:
        return _substitute_object(encoded, substitutions)
    parsed = _parse(_substitute(_text_parts(text), substitutions))
    return parsed if parsed is not None else text


def _task_states(machine: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Each Task state of ``machine``, in Parallel branches and Map processors too: its name,
    its flattened ``Resource`` and its ``Parameters`` (or JSONata ``Arguments``) when a mapping."""
    states = machine.get("States")
    for name, state in states.items() if isinstance(states, dict) else ():
        if not isinstance(state, dict):
            continue
        kind = state.get("Type")
        if kind == "Task":
            parameters = state.get("Parameters", state.get("Arguments"))
            if isinstance(parameters, dict):
                yield str(name), _flatten(state.get("Resource")), parameters
        elif kind == "Parallel":
            for branch in state.get("Branches") or ():
                if isinstance(branch, dict):
                    yield from _task_states(branch)
        elif kind == "Map":
            for key in ("ItemProcessor", "Iterator"):
                if isinstance(state.get(key), dict):
                    yield from _task_states(state[key])


def _states_jobs(machine: Mapping[str, Any]) -> Iterator[Job]:
    for name, resource, parameters in _task_states(machine):
        match = _TASK_RESOURCE.match(resource)
        if match and match.group(1) in _TASK_KINDS:
            yield from _job(_TASK_KINDS[match.group(1)], name, _dynamic(parameters))


_BEDROCK_TASK = re.compile(
    r"^arn:[^:]*:states:::(?:aws-sdk:)?bedrock:(createModelInvocationJob|invokeModel)"
    r"(?:\.sync|\.waitForTaskToken)?$"
)


def bedrock_model_tasks(resource: Resource, template: TemplateContext) -> tuple[Job, ...]:
    """Bedrock requests of a state machine naming a model: ``createModelInvocationJob``
    (batch inference, kind ``bedrock-batch``) and ``invokeModel`` (kind ``bedrock``) tasks,
    with their parameters (``ModelId``; ``.$`` paths unknown). Cached per resource."""
    if resource.type != "AWS::StepFunctions::StateMachine":
        return ()

    def extract() -> tuple[Job, ...]:
        definition = _state_machine_definition(resource)
        return tuple(_bedrock_tasks(definition)) if isinstance(definition, dict) else ()

    return template.memo(("bedrock-tasks", resource.logical_id), extract)


def _bedrock_tasks(machine: Mapping[str, Any]) -> Iterator[Job]:
    for name, resource, parameters in _task_states(machine):
        match = _BEDROCK_TASK.match(resource)
        if match:
            batch = match.group(1) == "createModelInvocationJob"
            yield Job("bedrock-batch" if batch else "bedrock", name, _dynamic(parameters))


def _pipeline_jobs(definition: Mapping[str, Any]) -> Iterator[Job]:
    declared = definition.get("Parameters")
    defaults = {
        p["Name"]: p["DefaultValue"]
        for p in (declared if isinstance(declared, list) else ())
        if isinstance(p, dict) and "Name" in p and "DefaultValue" in p
    }
    yield from _steps_jobs(definition.get("Steps"), defaults)


def _steps_jobs(steps: Any, defaults: Mapping[str, Any]) -> Iterator[Job]:
    for step in steps if isinstance(steps, list) else ():
        if not isinstance(step, dict):
            continue
        arguments = _pipeline_values(step.get("Arguments"), defaults)
        kind = _STEP_KINDS.get(step.get("Type", ""))
        if kind and isinstance(arguments, dict):
            yield from _job(kind, str(step.get("Name", "?")), arguments)
        elif step.get("Type") == "Condition" and isinstance(arguments, dict):
            yield from _steps_jobs(arguments.get("IfSteps"), defaults)
            yield from _steps_jobs(arguments.get("ElseSteps"), defaults)


def _job(kind: str, name: str, parameters: Mapping[str, Any]) -> Iterator[Job]:
    if kind != "tuning":
        yield Job(kind, name, parameters)
        return
    single = parameters.get("TrainingJobDefinition")
    several = parameters.get("TrainingJobDefinitions")
    for definition in [single, *(several if isinstance(several, list) else ())]:
        if isinstance(definition, dict):
            yield Job(kind, name, definition)


def _dynamic(value: Any) -> Any:
    """Step Functions parameters with ``"Key.$": path`` entries turned into unknown ``Key``s."""
    if isinstance(value, list):
        return [_dynamic(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {
        (k[:-2] if k.endswith(".$") else k): (UNRESOLVED if k.endswith(".$") else _dynamic(v))
        for k, v in value.items()
    }


def _pipeline_values(value: Any, defaults: Mapping[str, Any]) -> Any:
    """Pipeline arguments with ``{"Get": "Parameters.X"}`` resolved to X's default."""
    if isinstance(value, list):
        return [_pipeline_values(v, defaults) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        key, arg = next(iter(value.items()))
        if key == "Get" or key.startswith("Std:"):
            if key == "Get" and isinstance(arg, str) and arg.startswith("Parameters."):
                return defaults.get(arg[len("Parameters.") :], UNRESOLVED)
            return UNRESOLVED
    return {k: _pipeline_values(v, defaults) for k, v in value.items()}


# definition text with tokens --------------------------------------------------------------
Parts = list[str | None]
"""Literal text pieces of a string, ``None`` standing for each token."""


def _text_parts(value: Any) -> Parts:
    """Literal pieces of a string-valued template value (``Fn::Join``, ``Fn::Sub``)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [str(value)]
    if not is_intrinsic(value):
        return [None]
    key, arg = next(iter(value.items()))
    if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
        delimiter, items = arg
        if isinstance(delimiter, str) and isinstance(items, list):
            parts: Parts = []
            for index, item in enumerate(items):
                if index and delimiter:
                    parts.append(delimiter)
                parts.extend(_text_parts(item))
            return parts
    if key == "Fn::Sub":
        text, variables = arg if isinstance(arg, list) and len(arg) == 2 else (arg, {})
        if isinstance(text, str) and isinstance(variables, dict):
            return _substitute([text], variables, sub=True)
    return [None]


def _substitute(parts: Parts, values: Mapping[str, Any], *, sub: bool = False) -> Parts:
    """``${Name}`` placeholders in literal parts replaced by literal values or tokens.

    For ``DefinitionSubstitutions`` names absent from ``values`` stay as text; for ``Fn::Sub``
    (``sub``) they are tokens (resources, pseudo parameters) and ``${!x}`` is the text ``${x}``.
    """
    result: Parts = []
    for part in parts:
        if part is None or "${" not in part:
            result.append(part)
            continue
        position = 0
        for match in _PLACEHOLDER.finditer(part):
            name = match.group(1)
            if name.startswith("!") or (not sub and name not in values):
                continue
            result.append(_literal(part[position : match.start()], sub))
            value = values.get(name)
            known = isinstance(value, (str, int, float)) and not isinstance(value, bool)
            result.append(str(value) if known else None)
            position = match.end()
        result.append(_literal(part[position:], sub))
    return result


def _literal(text: str, sub: bool) -> str:
    return text.replace("${!", "${") if sub else text


def _parse(parts: Parts) -> Any:
    """JSON from literal parts, each token as a placeholder string (quoted outside strings)."""
    text: list[str] = []
    in_string = escaped = False
    for part in parts:
        if part is None:
            text.append(UNRESOLVED if in_string else f'"{UNRESOLVED}"')
            continue
        text.append(part)
        for char in part:
            if escaped:
                escaped = False
            elif char == "\\" and in_string:
                escaped = True
            elif char == '"':
                in_string = not in_string
    try:
        return json_within_depth("".join(text), strict=False)
    except (ValueError, RecursionError):  # not JSON, or nested beyond the decoder's limit
        return None


def _flatten(value: Any) -> str:
    """A string value with its tokens as :data:`UNRESOLVED` (for ARNs such as a task Resource)."""
    return "".join(UNRESOLVED if p is None else p for p in _text_parts(value))


def _substitute_object(value: Any, values: Mapping[str, Any]) -> Any:
    """A ``Definition`` object with ``DefinitionSubstitutions`` applied to its strings."""
    if isinstance(value, str) and "${" in value:
        return "".join(UNRESOLVED if p is None else p for p in _substitute([value], values))
    if isinstance(value, list):
        return [_substitute_object(v, values) for v in value]
    if isinstance(value, dict) and not is_intrinsic(value):
        return {k: _substitute_object(v, values) for k, v in value.items()}
    return value
