"""Checks that need an AWS account: image manifests in ECR and SageMaker Service Quotas."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .checks import BLOCKER, OK, UNKNOWN, Check
from .requirements import Requirement

QUOTA_USAGE = {
    "hosting": "endpoint usage",
    "training": "training job usage",
    "transform": "transform job usage",
    "hyperpod": "cluster usage",
}
"""SageMaker's Service Quotas are named ``<instance type> for <usage>``: ``ml.inf2.xlarge for
endpoint usage``, ``ml.trn1.32xlarge for spot training job usage``..."""
SAGEMAKER_SERVICE_CODE = "sagemaker"


def quota_name(requirement: Requirement) -> str:
    """The Service Quotas name bounding ``requirement``'s instances."""
    usage = QUOTA_USAGE[requirement.feature]
    spot = "spot " if requirement.spot and requirement.feature == "training" else ""
    return f"{requirement.instance_type} for {spot}{usage}"


def check_account(requirements: Iterable[Requirement], *, region: str, session: Any) -> list[Check]:
    """Ask the account behind ``session``: does each Deep Learning Container image exist
    (``ecr:BatchGetImage`` on its registry), and is each instance quota at least what the
    stack needs at most (instances of one type and usage added up)?"""
    requirements = list(requirements)
    from ..catalog import Catalog

    registries = Catalog.default().dlc_accounts()
    checks = [
        _image_exists(r, region, session)
        for r in requirements
        if r.image is not None and (r.image.account is None or r.image.account in registries)
    ]
    needed: dict[str, list[Requirement]] = defaultdict(list)
    for requirement in requirements:
        if requirement.instance_type is not None:
            needed[quota_name(requirement)].append(requirement)
    if needed:
        checks += _quotas(needed, region, session)
    return checks


def _image_exists(requirement: Requirement, region: str, session: Any) -> Check:
    image = requirement.image
    assert image is not None
    account = image.account or _registry(image, region)

    def verdict(status: str, message: str) -> Check:
        return Check(
            status,
            requirement.template,
            requirement.resource,
            requirement.feature,
            image.name,
            message,
            f"ecr:BatchGetImage on registry {account} in {region}",
        )

    if account is None:
        return verdict(UNKNOWN, f"no registry known for {image.name} in {region}")
    try:
        answer = session.client("ecr", region_name=region).batch_get_image(
            registryId=account,
            repositoryName=image.repository,
            imageIds=[{"imageTag": image.tag}],
        )
    except (ClientError, BotoCoreError) as error:
        return verdict(UNKNOWN, f"could not ask ECR for {image.name}: {error}")
    if answer.get("images"):
        return verdict(OK, f"{image.name} exists in registry {account}")
    reasons = "; ".join(
        f"{f.get('failureCode')}: {f.get('failureReason')}" for f in answer.get("failures", [])
    )
    return verdict(BLOCKER, f"{image.name} is not in registry {account} ({reasons or 'no image'})")


def _registry(image: Any, region: str) -> str | None:
    from ..catalog import Catalog

    return Catalog.default().image_registries(image.repository, image.tag).get(region)


def _quotas(needed: dict[str, list[Requirement]], region: str, session: Any) -> list[Check]:
    failure: str | None
    try:
        client = session.client("service-quotas", region_name=region)
        values = {
            quota["QuotaName"]: quota.get("Value")
            for page in client.get_paginator("list_service_quotas").paginate(
                ServiceCode=SAGEMAKER_SERVICE_CODE
            )
            for quota in page.get("Quotas", [])
        }
    except (ClientError, BotoCoreError) as error:
        values, failure = {}, str(error)
    else:
        failure = None
    checks = []
    for name, users in needed.items():
        total = sum(r.count for r in users)
        first = users[0]

        def verdict(status: str, message: str, first: Requirement = first) -> Check:
            return Check(
                status,
                first.template,
                first.resource,
                first.feature,
                str(first.instance_type),
                message,
                f"service-quotas ListServiceQuotas {SAGEMAKER_SERVICE_CODE} in {region}",
            )

        value = values.get(name)
        if value is None:
            why = f"could not list quotas: {failure}" if failure else "no such quota listed"
            checks.append(verdict(UNKNOWN, f"quota '{name}': {why}"))
        elif value < total:
            checks.append(
                verdict(
                    BLOCKER,
                    f"quota '{name}' is {value:g}, the stack needs up to {total}: request an "
                    "increase in Service Quotas",
                )
            )
        else:
            checks.append(verdict(OK, f"quota '{name}' is {value:g} (needs up to {total})"))
    return checks
