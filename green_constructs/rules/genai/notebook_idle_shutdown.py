"""Notebooks and Studio apps left running overnight burn energy for nobody."""

from __future__ import annotations

from typing import Any

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ..training_jobs import is_unknown
from ._compute import GPU_KINDS

_NOTEBOOK = "AWS::SageMaker::NotebookInstance"
_DOMAIN = "AWS::SageMaker::Domain"
_SPACE = "AWS::SageMaker::Space"
_APP = "AWS::SageMaker::App"
_IDLE = "AppLifecycleManagement.IdleSettings.LifecycleManagement"
_SETTINGS = {"JupyterLab": "JupyterLabAppSettings", "CodeEditor": "CodeEditorAppSettings"}
"""Space app type -> its settings key."""
_DOMAIN_PATHS = {
    "JupyterLab": (
        f"DefaultUserSettings.JupyterLabAppSettings.{_IDLE}",
        f"DefaultSpaceSettings.JupyterLabAppSettings.{_IDLE}",
    ),
    "CodeEditor": (f"DefaultUserSettings.CodeEditorAppSettings.{_IDLE}",),
}
"""Where a domain enables idle shutdown per app type, by the CloudFormation schema cfn-lint
bundles (user profiles and spaces cannot set it in CloudFormation: they inherit it)."""


@rule(
    id="GenAI-NotebookIdleShutdown",
    severity=Severity.WARNING,
    title="Notebook, Studio domain, space or GPU app without idle shutdown",
    explanation=(
        "Notebook instances and Studio JupyterLab and Code Editor spaces keep their instances "
        "running until someone stops them; idle notebooks are among the most common sources "
        "of idle ML compute, and idle GPUs the most wasteful."
    ),
    remediation=(
        "Attach a lifecycle configuration that stops idle notebook instances (the auto-stop-idle "
        "sample). For Studio, set the domain's DefaultUserSettings (or DefaultSpaceSettings)."
        "JupyterLabAppSettings and DefaultUserSettings.CodeEditorAppSettings."
        "AppLifecycleManagement.IdleSettings with LifecycleManagement ENABLED and an "
        "IdleTimeoutInMinutes. Delete Studio apps on GPU instances when idle, or develop on the "
        "CPU type the finding names and run GPU work as jobs."
    ),
    best_practices=("MLSUS-04", "SUS02-BP03"),
    resource_types=(_NOTEBOOK, _DOMAIN, _SPACE, _APP),
    notes=(
        "A notebook instance passes with any LifecycleConfigName (its script is not inspected). "
        "A domain passes when JupyterLab or Code Editor idle shutdown is ENABLED in its default "
        "user or default space settings. A JupyterLab or Code Editor space passes when its "
        "domain enables idle shutdown for its app type; a space whose domain is not in the "
        "template is not judged. An app (Studio Classic: CloudFormation creates no JupyterLab "
        "or Code Editor apps) is reported only on a GPU instance type, with a CPU type of the "
        "same vCPUs and memory that AppInstanceType offers (Catalog.comparable). A setting "
        "decided at deploy time is not reported."
    ),
)
def notebook_idle_shutdown(resource: Resource, template: TemplateContext) -> str | None:
    if resource.type == _NOTEBOOK:
        if resource.get("LifecycleConfigName"):
            return None
        return (
            f"Notebook instance {resource.logical_id} has no LifecycleConfigName: attach a "
            "lifecycle configuration that stops it when idle."
        )
    if resource.type == _DOMAIN:
        if any(_enabled(resource, path) for paths in _DOMAIN_PATHS.values() for path in paths):
            return None
        return (
            f"Studio domain {resource.logical_id} enables idle shutdown for neither JupyterLab "
            f"nor Code Editor: set DefaultUserSettings.JupyterLabAppSettings.{_IDLE} and "
            f"DefaultUserSettings.CodeEditorAppSettings.{_IDLE} to ENABLED with an "
            "IdleTimeoutInMinutes."
        )
    if resource.type == _SPACE:
        return _space(resource, template)
    return _app(resource, template)


def _space(space: Resource, template: TemplateContext) -> str | None:
    app_type = space.get("SpaceSettings.AppType")
    if app_type is None:  # a space set up for one app only
        found = [t for t, key in _SETTINGS.items() if space.get(f"SpaceSettings.{key}")]
        app_type = found[0] if len(found) == 1 else None
    domain = template.target(space.get("DomainId"))
    if app_type not in _DOMAIN_PATHS or domain is None or domain.type != _DOMAIN:
        return None
    if any(_enabled(domain, path) for path in _DOMAIN_PATHS[app_type]):
        return None
    key = _SETTINGS[app_type]
    instance_type = space.get(f"SpaceSettings.{key}.DefaultResourceSpec.InstanceType")
    return (
        f"{app_type} space {space.logical_id} runs until someone stops it: its domain "
        f"{domain.logical_id} does not enable {app_type} idle shutdown (set "
        f"DefaultUserSettings.{key}.{_IDLE} to ENABLED with an IdleTimeoutInMinutes)"
        f"{_gpu_advice(instance_type, template)}."
    )


def _app(app: Resource, template: TemplateContext) -> str | None:
    instance_type = app.get("ResourceSpec.InstanceType")
    advice = _gpu_advice(instance_type, template)
    if not advice:
        return None
    return (
        f"Studio app {app.logical_id} ({app.get('AppType')}) runs until it is deleted, and "
        f"apps created by CloudFormation have no idle shutdown{advice}."
    )


def _gpu_advice(instance_type: Any, template: TemplateContext) -> str:
    """For a GPU type: the CPU type of the same vCPUs and memory Studio apps offer."""
    if not isinstance(instance_type, str) or is_unknown(instance_type):
        return ""
    catalog = template.catalog
    family = catalog.find_family(instance_type)
    if family is None or family.kind not in GPU_KINDS:
        return ""
    cpu = catalog.comparable(
        instance_type, "studio-app", catalog.current_families(["cpu", "graviton"]), across=True
    )
    instead = f"develop on {cpu} and run GPU work as jobs" if cpu else "run GPU work as jobs"
    return f"; it holds a GPU ({instance_type}): {instead}"


def _enabled(resource: Resource, path: str) -> bool:
    """ENABLED, or decided at deploy time (not judged)."""
    value = resource.get(path)
    return value == "ENABLED" or is_unknown(value) or resource.unknown(path)
