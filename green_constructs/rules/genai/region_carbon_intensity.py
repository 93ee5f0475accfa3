"""The same ML workload emits several times more in a carbon-intensive region than a green one."""

from __future__ import annotations

from ...catalog import Region, UnknownRegionError
from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule
from ._compute import ML_COMPUTE_TYPES, NEURON_KINDS, usages

_CONFIG = "AWS::SageMaker::EndpointConfig"


@rule(
    id="GenAI-RegionCarbonIntensity",
    severity=Severity.WARNING,
    title="ML compute in a carbon-intensive region",
    explanation=(
        "Grid carbon intensity differs more than tenfold between AWS regions; the same training "
        "or inference emits that much more where the grid burns more fossil fuel."
    ),
    remediation=(
        "Where data residency, latency and quotas allow, deploy the ML stack in one of the "
        "greener regions the finding names (offering Neuron instances when you use them)."
    ),
    best_practices=("MLSUS-03", "SUS01-BP01"),
    resource_types=ML_COMPUTE_TYPES,
    notes=(
        "Reported once per template, on the first resource that runs ML compute (any SageMaker "
        "endpoint config, or a resource with a known instance type; Batch compute environments, "
        "EC2 instances, launch templates and Auto Scaling groups count on GPU or Neuron "
        "instances only), and only when the region is "
        "known and in the catalog. The threshold is RuleSettings.carbon_intensity_ratio (default "
        "2: more than twice the greenest region offering what the template uses: regions where "
        "no image or instance type of the template is known to be missing, by the tables "
        "green-constructs preflight uses); "
        "RuleSettings.suggested_regions sets how many greener regions are named."
    ),
)
def region_carbon_intensity(resource: Resource, template: TemplateContext) -> str | None:
    if template.region is None:
        return None
    first, neuron = template.memo("first-compute", lambda: _first_compute(template))
    if resource.logical_id != first:
        return None
    try:
        here = template.catalog.region(template.region)
    except UnknownRegionError:
        return None
    offering = template.memo("deployable-regions", lambda: _deployable(template))
    if not offering or offering[0].kgco2e_per_kwh <= 0:
        return None
    ratio = here.kgco2e_per_kwh / offering[0].kgco2e_per_kwh
    if ratio <= template.settings.carbon_intensity_ratio:
        return None
    greener = [
        f"{r.name} ({r.kgco2e_per_kwh:.3f})"
        for r in offering
        if r.kgco2e_per_kwh < here.kgco2e_per_kwh and r.name != here.name
    ][: template.settings.suggested_regions]
    scope = "regions offering what the template uses" if neuron else "regions"
    return (
        f"{resource.logical_id} runs ML compute in {here.name}, whose grid emits "
        f"{here.kgco2e_per_kwh:.3f} kgCO2e/kWh, {ratio:.0f} times the greenest of the {scope}; "
        f"consider {', '.join(greener)} if residency and latency allow."
    )


def _first_compute(template: TemplateContext) -> tuple[str | None, bool]:
    """The first compute resource of the template, and whether any compute uses Neuron."""
    first, neuron = None, False
    for candidate in template.resources.values():
        if candidate.type not in ML_COMPUTE_TYPES:
            continue
        found = usages(candidate, template)
        if first is None and (found or candidate.type == _CONFIG):
            first = candidate.logical_id
        neuron = neuron or any(u.family and u.family.kind in NEURON_KINDS for u in found)
    return first, neuron


def _deployable(template: TemplateContext) -> list[Region]:
    """Regions where nothing the template uses is known to be missing: its images published,
    its instance types offered for their SageMaker features (``green-constructs preflight``'s
    tables), greenest first."""
    from ...preflight import deployable_regions, requirements

    names = deployable_regions(requirements(template), catalog=template.catalog, allow_unknown=True)
    return [template.catalog.region(name) for name in names]
