"""Preflight: what in a synthesized app will not deploy in its region.

:func:`requirements` finds what each template asks of its region (instance types per SageMaker
feature, serving and training images, Amazon Bedrock models); :func:`check_offline` checks them
against the catalog's tables (botocore's API enums, the SageMaker SDK's image tables, the
availability snapshot, ``bedrock_models.csv``);
:func:`check_account` asks an AWS account (ECR image manifests, Service Quotas).
"""

from .account import check_account, quota_name
from .checks import BLOCKER, OK, UNKNOWN, Check, check_offline, deployable_regions
from .requirements import ImageRef, Requirement, requirements

__all__ = [
    "BLOCKER",
    "OK",
    "UNKNOWN",
    "Check",
    "ImageRef",
    "Requirement",
    "check_account",
    "check_offline",
    "deployable_regions",
    "quota_name",
    "requirements",
]
