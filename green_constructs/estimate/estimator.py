"""Estimate a synthesized design under a workload: ours, the naive baseline, comparisons.

Pure Python (no CDK, no jsii): templates come from cdk.out or template files through the lint
loader, resources are read with the rules' helpers, every number goes through
:mod:`.footprint`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..catalog import Catalog, CatalogError, UnknownRegionError
from ..lint.decode import DecodedTemplate
from ..preflight import deployable_regions, requirements
from ..rules import TemplateContext
from . import coefficients as overrides
from .baseline import ALTERNATIVES, BASELINE_REGION, alternative_plans, baseline_plan
from .comparisons import greenest_region, region_comparison, strategy_comparison
from .evaluate import CoefficientLog, evaluate
from .paths import construct_paths
from .plans import DEFAULT_STARTUP_MINUTES, STARTUP_MINUTES, bedrock_plans, resource_plans
from .ranges import compute as compute_ranges
from .results import AlternativeBaseline, Estimate, Problem, ResourceEstimate, ResourcePlan
from .workload import HOURS_PER_MONTH, Workload, WorkloadError

FALLBACK_REGION = "*"
ASSUMPTIONS = (
    f"A month is {HOURS_PER_MONTH:g} hours (8760 / 12).",
    "Emissions are location-based (annual grid averages: by default Electricity Maps' 2025 "
    "lifecycle intensity of the region's grid zone; --grid ccf: Cloud Carbon Footprint's "
    "factors), never market-based; embodied emissions are "
    "reported apart and only where the catalog has the platform's figure.",
    "Instances with no request to serve draw idle power (utilization 0); workload fields not "
    "given take their defaults, as each resource's notes show (the workload format is "
    "documented in the project's docs/WORKLOADS.md).",
    "Costs are indicative: SageMaker on-demand prices per feature from the catalog's dated "
    "snapshot (sagemaker_prices.csv); where it has no price for the feature, the price of "
    "the feature it runs as (async and transform: hosting; HyperPod: training); for the "
    "region, the us-east-1 price (marked * in the reports); for the type, the us-east-1 2023 "
    "EC2 on-demand price (lower than SageMaker's), each named in the price coefficient's "
    "basis; instances without any price are left out of the cost and listed as problems.",
)


def estimate_path(
    path: str | Path,
    *,
    workload: Workload | None = None,
    region: str | None = None,
    coefficient_overrides: Mapping[str, Any] | None = None,
    allow_unmatched: bool = False,
    grid: str | None = None,
) -> Estimate:
    """Estimate every template of a cdk.out directory or a template file.

    Raises :class:`~green_constructs.lint.decode.TemplateDecodeError` on unreadable input and
    :class:`~green_constructs.estimate.workload.WorkloadError` on bad overrides or region, and
    on workload resources that match nothing unless ``allow_unmatched``.
    """
    from ..lint.runner import load_templates

    return estimate_templates(
        load_templates([path]),
        workload=workload,
        region=region,
        coefficient_overrides=coefficient_overrides,
        allow_unmatched=allow_unmatched,
        grid=grid,
    )


def estimate_templates(
    templates: Sequence[DecodedTemplate],
    *,
    workload: Workload | None = None,
    region: str | None = None,
    coefficient_overrides: Mapping[str, Any] | None = None,
    allow_unmatched: bool = False,
    grid: str | None = None,
) -> Estimate:
    """Estimate decoded templates; ``region`` applies where the assembly does not say;
    ``grid`` names the grid factor table (``lifecycle``, the default, or ``ccf``:
    ``Catalog.with_grid``).

    A workload resource that matches no resource of the templates raises
    :class:`~green_constructs.estimate.workload.WorkloadError` (a ratio computed without the
    workload the user described would mislead), unless ``allow_unmatched``: it is then listed
    as a problem."""
    workload = workload or Workload()
    catalog = Catalog.default()
    if grid is not None:
        try:
            catalog = catalog.with_grid(grid)
        except CatalogError as error:
            raise WorkloadError(f"--grid: {error}") from None
    catalog = overrides.apply(catalog, workload.coefficients, where="workload.coefficients")
    catalog = overrides.apply(catalog, coefficient_overrides or {}, where="coefficients")
    if region is not None:
        try:
            catalog.region(region)
        except UnknownRegionError as error:
            raise WorkloadError(f"--region: {error}") from None
    problems: list[Problem] = []
    wanted: list = []
    plans = list(_plans(templates, workload, region, catalog, problems, wanted))
    plans += bedrock_plans(workload, region=_home_region(templates, region))
    log = CoefficientLog()
    ours = [evaluate(p, catalog=catalog, log=log) for p in plans]
    naive = [_naive(e, catalog, log) for e in ours]
    naive_here = [_naive(e, catalog, log, same_region=True) for e in ours]
    alternatives = _alternatives(ours, naive, naive_here, catalog, log)
    problems += _problems(ours, "")
    problems += _problems([n for n, o in zip(naive, ours) if o.estimated], "baseline: ")
    unmatched = _unmatched(workload, plans, templates)
    if unmatched and not allow_unmatched:
        raise WorkloadError(
            "; ".join(f"{p.where} {p.message}" for p in unmatched)
            + " (check the logical ids or construct paths, or pass --allow-unmatched)"
        )
    problems += unmatched
    problems += _unpriced(ours)
    deployable = deployable_regions(wanted, catalog=catalog, allow_unknown=True)
    comparisons = _comparisons(plans, workload, catalog, log, deployable)
    problems += [
        Problem(f"workload.strategies.{row['strategy']}", f"not estimated: {row['reason']}")
        for row in comparisons["strategies"]
        if not row["estimated"]
    ]
    coefficients = log.listed()
    ranges = compute_ranges(catalog, lambda variant: _scenario(ours, variant))
    return Estimate(
        ranges=ranges,
        resources=ours,
        baseline=naive,
        baseline_same_region=naive_here,
        alternative_baselines=alternatives,
        comparisons=comparisons,
        coefficients=coefficients,
        problems=problems,
        workload=workload.source,
        assumptions=[
            *ASSUMPTIONS,
            *_startup_assumed([*ours, *naive, *(e for a in alternatives for e in a.resources)]),
            *_assumed(coefficients),
            *_training_assumed(naive),
            *_range_assumed(ranges),
            *_grid_assumed(coefficients),
        ],
    )


def _plans(
    templates: Iterable[DecodedTemplate],
    workload: Workload,
    region: str | None,
    catalog: Catalog,
    problems: list[Problem],
    wanted: list,
) -> Iterable[ResourcePlan]:
    for decoded in templates:
        where = decoded.region or region
        if where is None:
            problems.append(
                Problem(
                    decoded.display_name,
                    "region unknown: the catalog's average grid intensity is used (pass --region)",
                )
            )
        elif not catalog.has_region(where):
            problems.append(
                Problem(
                    decoded.display_name,
                    f"region {where!r} is unknown to the catalog: its average grid intensity "
                    "is used",
                )
            )
        context = TemplateContext(
            decoded.template, name=decoded.display_name, region=where, catalog=catalog
        )
        wanted += requirements(context)
        yield from resource_plans(
            context,
            workload=workload,
            region=where or FALLBACK_REGION,
            paths=construct_paths(decoded),
        )


def _home_region(templates: Sequence[DecodedTemplate], region: str | None) -> str:
    """Where workload-level usage (Bedrock tokens) runs: ``--region``, else the first
    template's region, else the fallback."""
    return region or next((t.region for t in templates if t.region), None) or FALLBACK_REGION


def _naive(
    ours: ResourceEstimate, catalog: Catalog, log: CoefficientLog, *, same_region: bool = False
) -> ResourceEstimate:
    """The baseline's counterpart of one of our resources, in the baseline's region or, with
    ``same_region``, in ours: none for a resource we could not estimate, so that both totals
    leave out the same resources."""
    plan = ours.plan
    if not ours.estimated:
        plan = replace(plan, reason="not compared: our design's figure is unknown")
    naive = baseline_plan(plan, catalog)
    if same_region:
        naive = replace(naive, region=plan.region)
    return evaluate(naive, catalog=catalog, log=log)


def _alternatives(
    ours: list[ResourceEstimate],
    naive: list[ResourceEstimate],
    naive_here: list[ResourceEstimate],
    catalog: Catalog,
    log: CoefficientLog,
) -> list[AlternativeBaseline]:
    """Each alternative baseline that applies to one of our estimated resources, with the
    baseline's own figures for the others (the same resources on both sides)."""
    found = []
    plans = [alternative_plans(e.plan, catalog) if e.estimated else {} for e in ours]
    for name, description in ALTERNATIVES.items():
        if not any(name in p for p in plans):
            continue
        there, here, applies = [], [], []
        for alternative, theirs, theirs_here, mine in zip(plans, naive, naive_here, ours):
            plan = alternative.get(name)
            if plan is None:
                there.append(theirs)
                here.append(theirs_here)
                continue
            applies.append(mine.plan.resource)
            there.append(evaluate(plan, catalog=catalog, log=log))
            here.append(evaluate(replace(plan, region=mine.plan.region), catalog=catalog, log=log))
        found.append(AlternativeBaseline(name, description, there, here, applies))
    return found


def _startup_assumed(estimates: list[ResourceEstimate]) -> list[str]:
    """The start-up assumption, when an estimate counts start-ups."""
    if not any(line.phase == "start-up" for e in estimates for line in e.lines):
        return []
    per_kind = ", ".join(f"{kind} {minutes:g} min" for kind, minutes in STARTUP_MINUTES.items())
    return [
        "Instances a scaled endpoint adds run idle before they serve (start-up: provisioning, "
        f"container start, model load): {per_kind}, others {DEFAULT_STARTUP_MINUTES:g} min, "
        "an assumption (AWS documents a cold start of a few minutes; workload field "
        "startup_minutes overrides it), once per burst (bursts_per_day, default 1); after each "
        "burst they run idle for the scale-in tail of the template's scale-in policy (target "
        "tracking: its managed low alarm, 15 one-minute datapoints, plus ScaleInCooldown)."
    ]


def _scenario(ours: list[ResourceEstimate], catalog: Catalog):
    """Our plans and their baselines evaluated again under ``catalog`` (an assumption moved
    to one end of its range: :mod:`.ranges`)."""
    scratch = CoefficientLog()
    again = [evaluate(e.plan, catalog=catalog, log=scratch) for e in ours]
    return (
        again,
        [_naive(e, catalog, scratch) for e in again],
        [_naive(e, catalog, scratch, same_region=True) for e in again],
    )


def _training_assumed(naive: list[ResourceEstimate]) -> list[str]:
    """The training comparison's assumptions, when the baseline replaced Neuron training."""
    if not any("the same job on GPUs" in note for e in naive for note in e.plan.notes):
        return []
    return [
        "The training comparison rests on two assumptions: the Neuron chips' power (AWS "
        "publishes none; derived from a third-party Trainium2 figure and AWS's generation-over-"
        "generation claims, independently of the GPU baseline) and training_time_ratio_gpu, "
        "the GPU hours per Neuron hour for the same job (1.0: the same time to train; no "
        "like-for-like throughput is published). The baseline trains on demand without Spot; "
        "AWS's own energy claim for Trainium (MLSUS-12) is the low end of its power range."
    ]


def _range_assumed(ranges) -> list[str]:
    if ranges is None:
        return []
    return [
        "Ranges: the totals are also evaluated with every assumed coefficient at the low, then "
        "the high end of its range (catalog assumption_ranges.csv); drivers move one "
        "assumption at a time; overridden coefficients have no range. Utilization and "
        "start-up time are workload inputs, not ranged."
    ]


def _problems(estimates: list[ResourceEstimate], prefix: str) -> list[Problem]:
    return [
        Problem(e.plan.resource, f"{prefix}not estimated: {e.reason}")
        for e in estimates
        if not e.estimated
    ]


def _unmatched(
    workload: Workload, plans: list[ResourcePlan], templates: Sequence[DecodedTemplate]
) -> list[Problem]:
    used = {p.workload_key for p in plans}
    known_ids = {
        str(logical_id) for t in templates for logical_id in (t.template.get("Resources") or {})
    }
    return [
        Problem(f"workload.resources.{key}", "matches no estimated resource")
        for key in workload.resources
        if key not in used and key not in known_ids
    ]


def _unpriced(estimates: list[ResourceEstimate]) -> list[Problem]:
    missing = sorted(
        {
            "S3 storage" if line.phase == "storage" else line.what
            for e in estimates
            for line in e.lines
            if line.usd is None
        }
    )
    return [Problem(what, "no price in the catalog: left out of the cost") for what in missing]


def _assumed(coefficients: list) -> list[str]:
    return [
        f"{c.name} is an assumption: {c.source}" for c in coefficients if c.basis == "assumption"
    ]


def _grid_assumed(coefficients: list) -> list[str]:
    """One line per grid factor the estimate used that is not the published intensity of the
    region's own grid: a country's or the table's average, or a zone chosen for a region AWS
    does not locate precisely."""
    return [
        f"{c.name} is {c.value:g} {c.unit}, {c.basis}: {c.source}"
        for c in coefficients
        if c.name.startswith("grid intensity")
        and (c.basis.startswith(("fallback", "derived")) or "location assumed" in c.source)
    ]


def _comparisons(
    plans: list[ResourcePlan],
    workload: Workload,
    catalog: Catalog,
    log: CoefficientLog,
    deployable: list[str],
) -> dict:
    comparisons: dict = {}
    if plans:
        best, kind = greenest_region(plans, catalog, deployable)
        comparisons["greenest_region"] = {
            **region_comparison(plans, catalog=catalog, log=log, region=best),
            "accelerator": kind or "any",
        }
        comparisons["in_baseline_region"] = region_comparison(
            plans, catalog=catalog, log=log, region=BASELINE_REGION
        )
    home = next((p.region for p in plans), FALLBACK_REGION)
    comparisons["strategies"] = strategy_comparison(
        workload.strategies, region=home, catalog=catalog, log=log
    )
    return comparisons
