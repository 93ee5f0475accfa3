"""The Bedrock constructs' small functions: arm64 Python whose code is one module of this
package (a handler that needs only boto3)."""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from ..nag.acknowledge import acknowledge

RUNTIME_REASON = "Pinned to Python 3.12, a supported Lambda runtime"


@cache
def _asset_dir(module: str) -> str:
    """A directory holding only ``module``.py of this package (built once per process)."""
    root = Path(tempfile.mkdtemp(prefix=f"green-constructs-{module}-"))
    shutil.copyfile(Path(__file__).with_name(f"{module}.py"), root / f"{module}.py")
    return str(root)


def handler_function(
    scope: Construct,
    construct_id: str,
    *,
    module: str,
    description: str,
    role: iam.IRole,
    log_group: logs.ILogGroup,
    memory_size: int,
    timeout: cdk.Duration,
    runtime_reason: str,
    environment: dict[str, str] | None = None,
    retry_attempts: int | None = None,
) -> lambda_.Function:
    """An arm64 Python 3.12 function running ``<module>.handler`` from this package, logging to
    ``log_group``; ``runtime_reason`` completes the acknowledged AwsSolutions-L1 reason."""
    function = lambda_.Function(
        scope,
        construct_id,
        description=description,
        runtime=lambda_.Runtime.PYTHON_3_12,
        architecture=lambda_.Architecture.ARM_64,
        handler=f"{module}.handler",
        code=lambda_.Code.from_asset(_asset_dir(module)),
        role=role,
        log_group=log_group,
        memory_size=memory_size,
        timeout=timeout,
        environment=environment,
        retry_attempts=retry_attempts,
    )
    acknowledge(function, "AwsSolutions-L1", f"{RUNTIME_REASON}{runtime_reason}")
    return function
