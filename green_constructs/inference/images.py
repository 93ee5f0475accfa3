"""Neuron Deep Learning Container image URIs, resolved for the stack's region.

A stack with a concrete region gets a plain string; an environment-agnostic stack gets a
``Fn::FindInMap`` over the regions that host the images and offer Neuron instances, so one
template deploys to any of them. The registry accounts come from the catalog
(``catalog/data/dlc_registries.csv``), never from a constant here.
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from ..catalog import Catalog, CatalogError
from .model_source import grant_repository_pull

MAPPING_ID = "GreenConstructsNeuronDlcRegistries"
_ACCOUNT_KEY = "account"


@dataclass(frozen=True)
class DlcImage:
    """A Deep Learning Container image; ``uri``, ``account`` and ``region`` may be tokens."""

    uri: str
    account: str
    region: str
    repository: str
    tag: str

    def grant_pull(self, role: iam.IRole) -> None:
        """Let ``role`` pull this image (its repository only)."""
        grant_repository_pull(
            role, account=self.account, region=self.region, repository=self.repository
        )


def neuron_image_regions(catalog: Catalog | None = None) -> list[str]:
    """Regions that host Deep Learning Container images and offer Neuron instances."""
    catalog = catalog or Catalog.default()
    offered = {r.name for r in catalog.regions_by_intensity("inferentia")}
    return sorted(r.region for r in catalog.dlc_registries() if r.region in offered)


def neuron_dlc_image(
    scope: Construct, *, repository: str, tag: str, catalog: Catalog | None = None
) -> DlcImage:
    """The image ``repository:tag`` in the registry of ``scope``'s stack region.

    Raises ValueError naming the region, and listing the allowed ones, when a concrete region
    has no registry or no Neuron instances.
    """
    catalog = catalog or Catalog.default()
    stack = cdk.Stack.of(scope)
    allowed = neuron_image_regions(catalog)
    if cdk.Token.is_unresolved(stack.region):
        mapping = _registry_mapping(stack, allowed, catalog)
        account = mapping.find_in_map(cdk.Aws.REGION, _ACCOUNT_KEY)
        uri = cdk.Fn.join(
            "",
            [account, ".dkr.ecr.", cdk.Aws.REGION, ".", cdk.Aws.URL_SUFFIX, f"/{repository}:{tag}"],
        )
        return DlcImage(
            uri=uri, account=account, region=cdk.Aws.REGION, repository=repository, tag=tag
        )
    region = stack.region
    if region not in allowed:
        raise ValueError(
            f"region: {region} {_why_not(region, catalog)}; allowed regions: {', '.join(allowed)}"
        )
    registry = catalog.dlc_registry(region)
    uri = f"{registry.account}.dkr.ecr.{region}.{registry.domain}/{repository}:{tag}"
    return DlcImage(
        uri=uri, account=registry.account, region=region, repository=repository, tag=tag
    )


def _why_not(region: str, catalog: Catalog) -> str:
    try:
        catalog.dlc_registry(region)
    except CatalogError:
        return "has no Deep Learning Container registry"
    if catalog.region(region, fallback=True).neuron_offered is False:
        return "offers no Neuron (Inferentia2 or Trainium) instances"
    return "is not known to offer Neuron (Inferentia2 or Trainium) instances"


def _registry_mapping(stack: cdk.Stack, regions: list[str], catalog: Catalog) -> cdk.CfnMapping:
    """One mapping per stack, shared by every model in it."""
    found = stack.node.try_find_child(MAPPING_ID)
    if isinstance(found, cdk.CfnMapping):
        return found
    return cdk.CfnMapping(
        stack,
        MAPPING_ID,
        mapping={r: {_ACCOUNT_KEY: catalog.dlc_registry(r).account} for r in regions},
    )
