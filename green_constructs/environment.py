"""The deployment environment of an app, explicit so that `cdk synth` needs no credentials."""

from __future__ import annotations

import os
import re

import aws_cdk as cdk

from .catalog import Catalog, CatalogError

DEFAULT_ACCOUNT = "123456789012"
"""The placeholder account of a synth without credentials."""
DEFAULT_REGION = "us-west-2"
"""The default app's region: the lowest-carbon region where all it uses is offered (``green-constructs
preflight cdk.out`` prints that list). Fine-tuning needs SageMaker training on ml.trn1, which EC2
offers on demand only in us-east-1, us-east-2 and us-west-2, and the vLLM Neuron image, which the
SageMaker SDK lists in 11 regions: us-west-2 has the cleanest grid of those."""
_ACCOUNT = re.compile(r"^\d{12}$")


def environment_from_context(
    app: cdk.App, *, default_region: str = DEFAULT_REGION
) -> cdk.Environment:
    """``-c account=... -c region=...``; else the account of the CDK CLI's credentials
    (``CDK_DEFAULT_ACCOUNT``, which ``cdk deploy`` sets), so that a deployment needs no
    flag, or a placeholder account without credentials; else ``default_region`` (a region is
    a sustainability choice, so the CLI's default region is not used). Bad values fail naming
    the key."""
    account = str(
        app.node.try_get_context("account")
        or os.environ.get("CDK_DEFAULT_ACCOUNT")
        or DEFAULT_ACCOUNT
    )
    region = str(app.node.try_get_context("region") or default_region)
    if not _ACCOUNT.match(account):
        raise ValueError(f"context 'account' must be a 12-digit AWS account id, got {account!r}")
    try:
        Catalog.default().region(region)
    except CatalogError as error:
        raise ValueError(f"context 'region': {error}") from None
    return cdk.Environment(account=account, region=region)
