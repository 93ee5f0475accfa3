"""The same ML workload emits several times more in a carbon-intensive region than in a green
one nearby.

The rule flags a region only when both hold (grid factors: the catalog's lifecycle table,
Electricity Maps 2025):

- its grid emits more than ``RuleSettings.carbon_intensity_floor`` (default 0.3 kg CO2e/kWh,
  below the world's lifecycle average of about 0.47 and near the mean of AWS's regions, 0.37):
  a region already cleaner than that is not worth a move;
- a region of the same geography and partition (North America, South America, Europe, Middle
  East, Africa, Asia Pacific; China, GovCloud, the ISO partitions and the European Sovereign
  Cloud only among themselves), known to offer every instance type, image and Amazon Bedrock
  model the template uses, has a grid more than ``carbon_intensity_ratio`` (default 2) times
  cleaner: a move that residency, latency and quotas can plausibly allow, and that halves the
  emissions at least.

Before, any region more than twice the greenest region anywhere was flagged (36 of 37 regions
for a GPU endpoint, because Stockholm's grid is an order of magnitude cleaner than most); now 6
of the catalog's 46 regions are, for a GPU or Inferentia2 endpoint.
"""

from __future__ import annotations

from ...catalog import Region, UnknownRegionError
from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ..training_jobs import bedrock_model_tasks
from ._compute import (
    BEDROCK_MODEL_TYPES,
    BEDROCK_WORKLOAD_TYPES,
    ML_COMPUTE_TYPES,
    NEURON_KINDS,
    usages,
)

_CONFIG = "AWS::SageMaker::EndpointConfig"


@rule(
    id="GenAI-RegionCarbonIntensity",
    severity=Severity.WARNING,
    title="ML compute or Amazon Bedrock models in a carbon-intensive region",
    explanation=(
        "Grid carbon intensity differs more than tenfold between AWS regions, even within one "
        "geography; the same training or inference emits that much more where the grid burns "
        "more fossil fuel."
    ),
    remediation=(
        "Where data residency, latency and quotas allow, deploy the ML stack in one of the "
        "greener regions of the same geography the finding names (each offers the instance "
        "types, images and Amazon Bedrock models the template uses)."
    ),
    best_practices=("MLSUS-03", "SUS01-BP01"),
    resource_types=(*ML_COMPUTE_TYPES, *BEDROCK_WORKLOAD_TYPES),
    notes=(
        "Reported once per template, on the first resource that runs ML compute (any SageMaker "
        "endpoint config, or a resource with a known instance type; Batch compute environments, "
        "EC2 instances, launch templates and Auto Scaling groups count on GPU or Neuron "
        "instances only) or invokes an Amazon Bedrock model (agents, knowledge bases, flows; "
        "batch inference jobs have no CloudFormation type and state machines that create them "
        "are not reported, nor are intelligent prompt routers, though the models both name "
        "narrow the regions suggested), and only when the region is "
        "known and in the catalog. It flags a region whose lifecycle grid intensity is above "
        "RuleSettings.carbon_intensity_floor (default 0.3 kgCO2e/kWh) and more than "
        "RuleSettings.carbon_intensity_ratio (default 2) times that of the greenest region of the "
        "same geography and partition (North America, South America, Europe, Middle East, "
        "Africa, Asia Pacific; China, GovCloud, ISO and the European Sovereign Cloud apart) "
        "known to offer every instance type, image and Bedrock model of the template (the tables "
        "green-constructs preflight uses; Bedrock models from bedrock_models.csv, so a model the "
        "table does not list leaves no region to suggest and nothing is reported). "
        "RuleSettings.suggested_regions sets how many greener regions are named."
    ),
)
def region_carbon_intensity(resource: Resource, template: TemplateContext) -> str | None:
    if template.region is None:
        return None
    first, neuron, bedrock = template.memo("first-compute", lambda: _first_compute(template))
    if resource.logical_id != first:
        return None
    try:
        here = template.catalog.region(template.region)
    except UnknownRegionError:
        return None
    if here.kgco2e_per_kwh <= template.settings.carbon_intensity_floor:
        return None
    area = geography(here.name)
    offering = [
        r
        for r in template.memo("deployable-regions", lambda: _deployable(template))
        if geography(r.name) == area
    ]
    if not offering or offering[0].kgco2e_per_kwh <= 0:
        return None
    ratio = here.kgco2e_per_kwh / offering[0].kgco2e_per_kwh
    if ratio <= template.settings.carbon_intensity_ratio:
        return None
    greener = [
        f"{r.name} ({r.kgco2e_per_kwh:.3f})"
        for r in offering
        if r.kgco2e_per_kwh * template.settings.carbon_intensity_ratio < here.kgco2e_per_kwh
    ][: template.settings.suggested_regions]
    scope = (
        "offering what the template uses" if neuron or bedrock else "offering its instance types"
    )
    bedrock_resource = resource.type in BEDROCK_WORKLOAD_TYPES
    what = "invokes Amazon Bedrock models" if bedrock_resource else "runs ML compute"
    return (
        f"{resource.logical_id} {what} in {here.name}, whose grid emits "
        f"{here.kgco2e_per_kwh:.3f} kgCO2e/kWh (lifecycle), {ratio:.1f} times the greenest "
        f"region of the same geography ({_AREA_NAMES.get(area, area)}) {scope}; "
        f"consider {', '.join(greener)} if residency and latency allow."
    )


_AREAS = {
    "us": "north-america",
    "ca": "north-america",
    "mx": "north-america",
    "sa": "south-america",
    "eu": "europe",
    "il": "middle-east",
    "me": "middle-east",
    "af": "africa",
    "ap": "asia-pacific",
}
"""Region name prefix -> geography, as the AWS Regions page groups the commercial regions
(Israel with the Middle East)."""
_AREA_NAMES = {a: a.replace("-", " ").title() for a in _AREAS.values()}


def geography(region: str) -> str:
    """The geography and partition ``region`` belongs to, by AWS's region naming: a
    commercial region's continent; ``china``, ``us-gov`` and ``eusc`` (separate partitions);
    an ISO region only with itself (no move to another ISO partition is suggested)."""
    if region.startswith("cn-"):
        return "china"
    if region.startswith("us-gov-"):
        return "us-gov"
    if region.startswith("eusc-"):
        return "eusc"
    if "-iso" in region:
        return region
    return _AREAS.get(region.split("-", 1)[0], region)


def _first_compute(template: TemplateContext) -> tuple[str | None, bool, bool]:
    """The first compute resource of the template (a Bedrock agent, knowledge base or flow
    counts; a prompt router or a state machine creating batch inference jobs does not),
    whether any compute uses Neuron, and whether the template names Bedrock models."""
    first, neuron, bedrock = None, False, False
    for candidate in template.resources.values():
        if candidate.type in BEDROCK_WORKLOAD_TYPES:
            first = first or candidate.logical_id
            bedrock = True
            continue
        if candidate.type not in ML_COMPUTE_TYPES:
            continue
        found = usages(candidate, template)
        if first is None and (found or candidate.type == _CONFIG):
            first = candidate.logical_id
        neuron = neuron or any(u.family and u.family.kind in NEURON_KINDS for u in found)
        bedrock = bedrock or bool(bedrock_model_tasks(candidate, template))
    bedrock = bedrock or bool(template.of_type(*BEDROCK_MODEL_TYPES))
    return first, neuron, bedrock


def _deployable(template: TemplateContext) -> list[Region]:
    """Regions known to offer the template's instance types for their SageMaker features and
    where none of its images is known to be missing (``green-constructs preflight``'s tables),
    greenest first. A region whose availability of an instance type the tables do not cover
    (a new region, for one) is never suggested; images outside the tables (most GPU images)
    do not rule a region out."""
    from ...preflight import deployable_regions, requirements

    needed = requirements(template)
    catalog = template.catalog
    offering = set(deployable_regions([r for r in needed if r.image is None], catalog=catalog))
    names = [
        name
        for name in deployable_regions(needed, catalog=catalog, allow_unknown=True)
        if name in offering
    ]
    return [template.catalog.region(name) for name in names]
