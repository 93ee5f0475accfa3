"""Offline checks of requirements against the catalog's tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from ..catalog import Catalog
from ..catalog.records import FEATURE_NAMES
from .bedrock import TABLE_NAME, model_table, profile_serves, split_profile
from .requirements import Requirement

BLOCKER = "blocker"
UNKNOWN = "unknown"
OK = "ok"


@dataclass(frozen=True)
class Check:
    """The verdict on one requirement: ``blocker`` (will not deploy or run), ``unknown`` (no
    data to tell) or ``ok``, with the reason and the source of the fact."""

    status: str
    template: str
    resource: str
    feature: str
    subject: str
    message: str
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape of a check in ``green-constructs preflight --format json``."""
        return asdict(self)


def check_offline(
    requirement: Requirement,
    *,
    region: str | None,
    mappings: Mapping[str, Any] | None = None,
    catalog: Catalog | None = None,
) -> Check:
    """Whether ``region`` offers what ``requirement`` asks, by the catalog's tables."""
    catalog = catalog or Catalog.default()

    def verdict(status: str, message: str, source: str | None = None) -> Check:
        return Check(
            status,
            requirement.template,
            requirement.resource,
            requirement.feature,
            requirement.subject,
            message,
            source,
        )

    if region is None:
        return verdict(UNKNOWN, "the deployment region is unknown (pass --region)")
    if requirement.model is not None:
        return _check_model(requirement, region, catalog, verdict)
    if requirement.image is not None:
        return _check_image(requirement, region, mappings or {}, catalog, verdict)
    instance_type = str(requirement.instance_type)
    feature = FEATURE_NAMES[requirement.feature]
    if catalog.api_accepts(instance_type, requirement.feature) is False:
        return verdict(
            BLOCKER,
            f"{feature} do not take {instance_type} (the API's instance types, botocore)",
            "botocore sagemaker service model",
        )
    offered = catalog.offered(instance_type, requirement.feature, region)
    source = catalog.availability_source(instance_type, requirement.feature)
    if offered is None:
        return verdict(UNKNOWN, f"no availability data for {instance_type} for {feature}")
    if not offered:
        regions = catalog.offering_regions(instance_type, requirement.feature) or []
        return verdict(
            BLOCKER,
            f"{instance_type} is not offered for {feature} in {region}; offered in (greenest "
            f"first): {', '.join(regions) or 'no region'}",
            source,
        )
    return verdict(OK, f"{instance_type} is offered for {feature} in {region}", source)


def _check_model(requirement, region, catalog, verdict) -> Check:
    model = str(requirement.model)
    geography, base = split_profile(model)
    row = model_table().get(base)
    source = f"{TABLE_NAME} ({row.retrieved})" if row is not None else None
    batch = requirement.feature == "bedrock-batch"
    if row is not None and batch and not row.batch_inference:
        return verdict(
            UNKNOWN,
            f"{TABLE_NAME} does not list {base} as taking batch inference "
            f"(CreateModelInvocationJob; confidence {row.confidence})",
            source,
        )
    if geography is not None:
        if not profile_serves(geography, region):
            return verdict(
                BLOCKER,
                f"the inference profile {model} serves {geography} regions, not {region}",
                "bedrock/models.py GEOGRAPHIES",
            )
        return verdict(OK, f"the inference profile {model} serves {region}", source)
    if row is None:
        return verdict(UNKNOWN, f"Amazon Bedrock model {model} is not in {TABLE_NAME}")
    if region not in row.regions:
        return verdict(
            UNKNOWN,
            f"{TABLE_NAME} lists Amazon Bedrock model {model} in (greenest first) "
            f"{', '.join(catalog.greenest_first(row.regions))}, not {region} (confidence "
            f"{row.confidence}; the table may miss regions, a cross-region inference profile "
            "may serve others)",
            source,
        )
    return verdict(OK, f"Amazon Bedrock model {model} is offered in {region}", source)


def _check_image(requirement, region, mappings, catalog, verdict) -> Check:
    image = requirement.image
    known = catalog.dlc_image(image.repository, image.tag)
    repository_known = bool(catalog.dlc_images(image.repository))
    if image.account is not None and image.account not in catalog.dlc_accounts():
        return verdict(OK, f"{image.name} is not a Deep Learning Container: not checked")
    if known is None and not repository_known and image.account is None:
        return verdict(UNKNOWN, f"{image.name} is in no image table")
    registries = catalog.image_registries(image.repository, image.tag)
    source = known.source if known is not None else None
    if region not in registries:
        return verdict(
            BLOCKER,
            f"{image.name} is not published in {region}; published in (greenest first): "
            f"{', '.join(catalog.greenest_first(registries)) or 'no region'}",
            source,
        )
    if image.account is not None and registries[region] != image.account:
        return verdict(
            BLOCKER,
            f"{image.name} is published in {region} by registry {registries[region]}, "
            f"not {image.account}",
            source,
        )
    if image.mapping is not None:
        mapping = mappings.get(image.mapping)
        if isinstance(mapping, dict) and region not in mapping:
            return verdict(
                BLOCKER,
                f"mapping {image.mapping} has no entry for {region}: Fn::FindInMap fails",
                source,
            )
    if known is None:
        return verdict(
            UNKNOWN,
            f"{image.name}: the image tables list other tags of {image.repository} in {region}, "
            "not this one",
        )
    return verdict(OK, f"{image.name} is published in {region}", source)


def deployable_regions(
    requirements: Iterable[Requirement],
    *,
    catalog: Catalog | None = None,
    allow_unknown: bool = False,
) -> list[str]:
    """Regions, greenest first, where every requirement is met: each image published, each
    instance type offered for its feature and each Bedrock model offered (with
    ``allow_unknown``, not known to be missing). Images are checked as the
    environment-agnostic form of the app would use them (the registry of each region)."""
    catalog = catalog or Catalog.default()
    accepted = (OK, UNKNOWN) if allow_unknown else (OK,)
    movable = {
        (
            r.feature,
            r.instance_type,
            r.image and (r.image.repository, r.image.tag),
            r.model,
        ): replace(
            r,
            template="",
            resource="",
            image=replace(r.image, account=None, region=None, mapping=None) if r.image else None,
        )
        for r in requirements
    }
    return [
        region.name
        for region in catalog.regions_by_intensity()
        if all(
            check_offline(r, region=region.name, catalog=catalog).status in accepted
            for r in movable.values()
        )
    ]
