"""Neuron Deep Learning Container image URIs, resolved for the stack's region.

The regions an image is published in and its registry account there come from the SageMaker
Python SDK's own image tables (``catalog/data/dlc_images.csv``, generated from sagemaker-core's
``image_uri_config``). A stack with a concrete region gets a plain string, or fails synth when
the image is not published there; an environment-agnostic stack gets a ``Fn::FindInMap`` over
the regions that publish the image, so one template deploys to any of them. A tag the tables
do not list takes the regions of its repository's listed versions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from ..availability import NotOfferedError, not_offered_message, note_unchecked
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


def image_registries(repository: str, tag: str, catalog: Catalog | None = None) -> dict[str, str]:
    """Region -> registry account publishing ``repository:tag`` (see
    :meth:`Catalog.image_registries`)."""
    return (catalog or Catalog.default()).image_registries(repository, tag)


def image_regions(repository: str, tag: str, catalog: Catalog | None = None) -> list[str]:
    """Regions publishing ``repository:tag``, greenest first."""
    catalog = catalog or Catalog.default()
    return catalog.greenest_first(image_registries(repository, tag, catalog))


def mapping_id(repository: str, tag: str) -> str:
    """The ``Mappings`` entry of one image: region -> registry account."""
    digest = hashlib.sha256(f"{repository}:{tag}".encode()).hexdigest()[:8].upper()
    return f"{MAPPING_ID}{digest}"


def neuron_dlc_image(
    scope: Construct,
    *,
    repository: str,
    tag: str,
    property_name: str = "image_tag",
    catalog: Catalog | None = None,
) -> DlcImage:
    """The image ``repository:tag`` in the registry of ``scope``'s stack region.

    Raises :class:`~green_constructs.availability.NotOfferedError` naming ``property_name``,
    the region and the regions that publish the image (greenest first) when a concrete region
    does not publish it.
    """
    catalog = catalog or Catalog.default()
    stack = cdk.Stack.of(scope)
    registries = image_registries(repository, tag, catalog)
    if cdk.Token.is_unresolved(stack.region):
        note_unchecked(stack, f"image {repository}:{tag} (published in {len(registries)} regions)")
        mapping = _registry_mapping(stack, mapping_id(repository, tag), registries)
        mapped = mapping.find_in_map(cdk.Aws.REGION, _ACCOUNT_KEY)
        uri = cdk.Fn.join(
            "",
            [mapped, ".dkr.ecr.", cdk.Aws.REGION, ".", cdk.Aws.URL_SUFFIX, f"/{repository}:{tag}"],
        )
        return DlcImage(
            uri=uri, account=mapped, region=cdk.Aws.REGION, repository=repository, tag=tag
        )
    region = stack.region
    account = registries.get(region)
    if account is None:
        raise NotOfferedError(
            not_offered_message(
                property_name,
                f"image {repository}:{tag}",
                region,
                catalog.greenest_first(registries),
                verb="published",
            )
        )
    uri = f"{account}.dkr.ecr.{region}.{_domain(region, catalog)}/{repository}:{tag}"
    return DlcImage(uri=uri, account=account, region=region, repository=repository, tag=tag)


def _domain(region: str, catalog: Catalog) -> str:
    try:
        return catalog.dlc_registry(region).domain
    except CatalogError:
        return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"


def _registry_mapping(
    stack: cdk.Stack, construct_id: str, registries: dict[str, str]
) -> cdk.CfnMapping:
    """One mapping per image and stack, shared by every construct using the image."""
    found = stack.node.try_find_child(construct_id)
    if isinstance(found, cdk.CfnMapping):
        return found
    return cdk.CfnMapping(
        stack,
        construct_id,
        mapping={r: {_ACCOUNT_KEY: registries[r]} for r in sorted(registries)},
    )
