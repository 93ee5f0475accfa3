"""Notebooks and Studio apps left running overnight burn energy for nobody."""

from __future__ import annotations

from typing import Any

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ..training_jobs import is_unknown

_NOTEBOOK = "AWS::SageMaker::NotebookInstance"
_IDLE = "JupyterLabAppSettings.AppLifecycleManagement.IdleSettings.LifecycleManagement"


@rule(
    id="GenAI-NotebookIdleShutdown",
    severity=Severity.WARNING,
    title="Notebook or Studio domain without idle shutdown",
    explanation=(
        "Notebook instances and Studio JupyterLab spaces keep their instances running until "
        "someone stops them; idle notebooks are among the most common sources of idle ML compute."
    ),
    remediation=(
        "Attach a lifecycle configuration that stops idle notebook instances (the auto-stop-idle "
        "sample), and for Studio set DefaultUserSettings (or DefaultSpaceSettings)."
        "JupyterLabAppSettings.AppLifecycleManagement.IdleSettings with LifecycleManagement "
        "ENABLED and an IdleTimeoutInMinutes."
    ),
    best_practices=("MLSUS-04", "SUS02-BP03"),
    resource_types=(_NOTEBOOK, "AWS::SageMaker::Domain"),
    notes=(
        "A notebook instance passes with any LifecycleConfigName (its script is not inspected). "
        "A domain passes when JupyterLab idle shutdown is ENABLED in its default user or default "
        "space settings; a setting decided at deploy time is not reported."
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
    scopes = ("DefaultUserSettings", "DefaultSpaceSettings")
    for path in (f"{scope}.{_IDLE}" for scope in scopes):
        if _enabled_or_unknown(resource.get(path)) or resource.unknown(path):
            return None
    return (
        f"Studio domain {resource.logical_id} does not enable JupyterLab idle shutdown: set "
        f"DefaultUserSettings.{_IDLE} to ENABLED with an IdleTimeoutInMinutes."
    )


def _enabled_or_unknown(value: Any) -> bool:
    return value == "ENABLED" or is_unknown(value)
