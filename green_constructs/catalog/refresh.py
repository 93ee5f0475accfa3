"""Regenerate the catalog's generated tables from their machine-readable sources.

- ``sagemaker_instance_types.csv``: the instance types each SageMaker API accepts, from
  botocore's SageMaker service model (one enum per API: ``ProductionVariantInstanceType`` for
  endpoints, ``TrainingInstanceType``, ``TransformInstanceType``, ``ProcessingInstanceType``,
  ``ClusterInstanceType`` for HyperPod, ``InstanceType`` for notebook instances,
  ``AppInstanceType`` for Studio apps).
- ``families.csv``: every instance family of botocore's EC2 ``InstanceType`` enum, classified
  by :mod:`.ec2_data` from the shipped ``instance_shapes.csv`` and ``family_facts.csv``.
  ``--karpenter FILE --manageiq FILE`` (with ``--karpenter-source`` and
  ``--manageiq-source``) first regenerate ``instance_shapes.csv`` from snapshots of
  aws/karpenter-provider-aws ``website/content/en/preview/reference/instance-types.md`` and
  ManageIQ/manageiq-providers-amazon ``db/fixtures/aws_instance_types.yml``.
- ``rds_instance_classes.csv``: per RDS engine, the DB instance classes some region offers,
  from the installed cfn-lint's ``aws_rds_dbinstance/dbinstanceclass_enum.json`` schema
  extension (the classes cfn-lint accepts per engine and region).
- ``dlc_images.csv``: per Neuron Deep Learning Container image (table, version, repository,
  tag), the regions it is published in, from ``sagemaker-core``'s ``image_uri_config`` JSON
  (the SageMaker Python SDK's own image tables). Tags are built as the SDK builds them.

- ``region_availability.csv``: which region offers which EC2 instance type, the bound on
  SageMaker's availability (no public machine-readable source gives SageMaker's per feature
  without credentials). ``--ec2-prices FILE`` merges an EC2 on-demand price map shaped as
  iann0036/aws-price-watcher's ``processed/ec2.json`` (``"OnDemand Linux-instancetype-<type>":
  {"<Price List location>": price}``): a type priced in a region is offered there; the rows
  other sources gave (Karpenter's generated prices, SkyPilot's offerings) are kept, and a
  region counts as offering a type when any source says so.

With AWS credentials, ``--pricing`` adds SageMaker's own availability per feature and region
from the Price List API (``boto3.client("pricing")``, service ``AmazonSageMaker``): the usage
types ``<region>-Host:``, ``-AsyncInf:``, ``-Tsform:``, ``-Train:`` and ``-TrSpt:`` name what
each region prices; those rows take precedence over the EC2 bound. The same pass rewrites
``sagemaker_prices.csv`` with the on-demand price of every catalog type per feature (``Host``
hosting, ``AsyncInf`` async, ``Tsform`` transform, ``Train`` training) and region.

- ``sagemaker_prices.csv`` without credentials: ``--sagemaker-prices FILE`` (with
  ``--sagemaker-prices-source``) converts a dated snapshot shaped as
  johbro/ocp-ai-cost-modeler's ``data/sagemaker-prices.json`` (``instances.training`` and
  ``instances.inference``, each ``[{"type", "pricePerHour"}]``, from the Price List bulk offer
  of one region; its ``cpu`` list, the lowest price over SageMaker's components, becomes
  feature ``any``).
- ``sagemaker_prices.csv`` per region without credentials: ``--sagemaker-offer FILE [FILE...]``
  (with ``--sagemaker-offer-source``) reads AWS Price List bulk offer files, the public
  ``https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonSageMaker/current/<region>/
  index.json`` (``.../current/region_index.json`` lists them): ``products`` by SKU, joined by
  SKU with ``terms.OnDemand``; the usage types map to features as above. The rows of the
  regions the files cover are replaced, every other region's kept.
- ``instances.csv`` embodied emissions: ``--ccf-embodied FILE`` (with ``--ccf-embodied-source``)
  sets ``embodied_platform_kgco2e`` and ``embodied_source`` of every ``ml.`` type from
  cloud-carbon-footprint/ccf-coefficients ``data/aws-instances-latest-2026.csv`` (its
  ``Platform Embedded Emissions (mtCo2eq)`` of the EC2 twin, in tonnes).

- ``grid_intensity.csv``: ``--electricity-maps FILE`` (with ``--electricity-maps-source``)
  writes the lifecycle grid intensity of every region of ``region_grid_zones.csv`` (region ->
  country and grid zone, with the source of each location) from an Electricity Maps yearly
  export shaped as thegreenwebfoundation/co2.js ``data/output/electricity-maps/yearly_<year>.json``;
  see :func:`grid_rows` for the fallbacks.

Run ``make catalog`` (``python -m green_constructs.catalog.refresh``). sagemaker-core is read as
data only: ``pip install --no-deps sagemaker-core`` is enough.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from . import ec2_data
from .records import version_key

if TYPE_CHECKING:
    from botocore.model import ServiceModel, StringShape

DATA = Path(__file__).parent / "data"
INSTANCE_TYPES_FILE = "sagemaker_instance_types.csv"
IMAGES_FILE = "dlc_images.csv"

FEATURE_SHAPES = {
    "hosting": "ProductionVariantInstanceType",
    "training": "TrainingInstanceType",
    "transform": "TransformInstanceType",
    "processing": "ProcessingInstanceType",
    "hyperpod": "ClusterInstanceType",
    "notebook": "InstanceType",
    "studio-app": "AppInstanceType",
}
"""Catalog feature -> botocore shape listing the instance types its API accepts. Asynchronous
endpoints are endpoints: they take ``ProductionVariantInstanceType`` too. Only ``ml.`` names
are kept (``AppInstanceType`` also lists ``system``, the default apps' placeholder)."""
RDS_FILE = "rds_instance_classes.csv"
RDS_COLUMNS = ("engine", "instance_classes", "source")
RDS_ENUM = "data/schemas/extensions/aws_rds_dbinstance/dbinstanceclass_enum.json"
"""cfn-lint's DBInstanceClass values per engine and region (its schema extension)."""
SHAPES_FILE = "instance_shapes.csv"
FAMILIES_FILE = "families.csv"
FACTS_FILE = "family_facts.csv"

NEURON_IMAGE_TABLES = (
    "huggingface-vllm-neuronx",
    "huggingface-llm-neuronx",
    "huggingface-neuronx",
    "hyperpod-recipes-neuron",
)
"""``image_uri_config`` files of the Neuron images the constructs use."""

_SDK_IN_TAG = {"huggingface-vllm-inference-neuronx", "pytorch-training-neuronx"}
"""Repositories whose tags carry the Neuron SDK version before the OS (the SDK's rule;
Hugging Face's Neuron training and inference tags carry it too)."""
_HUGGINGFACE_NEURON = {
    "huggingface-pytorch-training-neuronx",
    "huggingface-pytorch-inference-neuronx",
}

AVAILABILITY_FILE = "region_availability.csv"
AVAILABILITY_COLUMNS = ("instance_type", "feature", "region", "offered", "source")
INSTANCE_TYPE_COLUMNS = ("feature", "instance_type", "source")
IMAGE_COLUMNS = (
    "image_table",
    "scope",
    "version",
    "repository",
    "tag",
    "regions",
    "registries",
    "source",
)


def instance_type_rows(
    service_model: ServiceModel | None = None, *, today: str | None = None
) -> list[dict[str, str]]:
    """One row per (feature, instance type) the SageMaker API accepts."""
    import botocore
    import botocore.session

    model = service_model or botocore.session.get_session().get_service_model("sagemaker")
    day = today or datetime.date.today().isoformat()
    rows = []
    for feature, shape in FEATURE_SHAPES.items():
        source = f"botocore {botocore.__version__} sagemaker {model.api_version} {shape} ({day})"
        for name in sorted(_enum(model, shape)):
            if name.startswith("ml."):
                rows.append({"feature": feature, "instance_type": name, "source": source})
    return rows


def ec2_instance_types(service_model: ServiceModel | None = None) -> tuple[list[str], str]:
    """botocore's EC2 ``InstanceType`` enum, and how to cite it."""
    import botocore
    import botocore.session

    model = service_model or botocore.session.get_session().get_service_model("ec2")
    return list(_enum(model, "InstanceType")), f"botocore {botocore.__version__} ec2"


def _enum(model: ServiceModel, shape: str) -> list[str]:
    """The values of a string enum shape of a botocore service model."""
    # a cast: shape_for is typed Shape; the shapes named here are StringShapes (enums)
    return cast("StringShape", model.shape_for(shape)).enum


def family_table(data: Path, service_model: ServiceModel | None = None) -> list[dict[str, str]]:
    """The rows of ``families.csv`` for the installed botocore and the shipped shapes and
    curated facts."""
    types, source = ec2_instance_types(service_model)
    facts = {row["family"]: row for row in _read(data / FACTS_FILE)}
    return ec2_data.family_rows(types, _read(data / SHAPES_FILE), facts, source)


def shape_table(
    data: Path, karpenter: Path, manageiq: Path, sources: tuple[str, str]
) -> list[dict[str, str]]:
    """The rows of ``instance_shapes.csv`` from snapshots of Karpenter's instance-type
    reference and ManageIQ's instance types (sources cite them: repository, commit, date)."""
    import yaml

    types, _ = ec2_instance_types()
    chips = {
        row["accelerator"]: float(row["memory_gib_per_chip"])
        for row in _read(data / "accelerators.csv")
    }
    return ec2_data.shape_rows(
        types,
        ec2_data.karpenter_shapes(karpenter.read_text(encoding="utf-8")),
        yaml.safe_load(manageiq.read_text(encoding="utf-8")),
        chips,
        sources,
    )


def rds_class_rows() -> list[dict[str, str]] | None:
    """Per RDS engine, the DBInstanceClass values any region offers, from the installed
    cfn-lint's schema extension (None when cfn-lint is not installed)."""
    try:
        dist = metadata.distribution("cfn-lint")
    except metadata.PackageNotFoundError:
        return None
    package = Path(str(dist.locate_file("cfnlint")))
    by_region = json.loads((package / RDS_ENUM).read_text(encoding="utf-8"))
    schemas = json.loads((package / "data/schemas/version.json").read_text(encoding="utf-8"))
    classes: dict[str, set[str]] = {}
    for schema in by_region.values():
        for case in schema.get("allOf", []):
            engine = case["if"]["properties"].get("Engine")
            allowed = case["then"]["properties"]["DBInstanceClass"]
            if isinstance(engine, dict) and isinstance(allowed, dict) and "const" in engine:
                classes.setdefault(engine["const"], set()).update(allowed.get("enum", ()))
    source = (
        f"cfn-lint {dist.version} aws_rds_dbinstance/dbinstanceclass_enum.json "
        f"(schemas {schemas['schema_date'][:10]})"
    )
    return [
        {"engine": engine, "instance_classes": " ".join(sorted(found)), "source": source}
        for engine, found in sorted(classes.items())
    ]


def _read(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


def image_uri_config_dir() -> tuple[Path, str] | None:
    """The installed ``sagemaker-core``'s ``image_uri_config`` folder and version, or None."""
    try:
        dist = metadata.distribution("sagemaker-core")
    except metadata.PackageNotFoundError:
        return None
    folder = Path(str(dist.locate_file("sagemaker/core/image_uri_config")))
    return (folder, dist.version) if folder.is_dir() else None


def image_rows(folder: Path, version: str, *, today: str | None = None) -> list[dict[str, str]]:
    """One row per Neuron image version of the SDK's tables, with its regions."""
    day = today or datetime.date.today().isoformat()
    rows = []
    for table in NEURON_IMAGE_TABLES:
        config = json.loads((folder / f"{table}.json").read_text(encoding="utf-8"))
        source = f"sagemaker-core {version} image_uri_config/{table}.json ({day})"
        for scope, scope_config in sorted(config.items()):
            for entry_version, entry in _versions(scope_config):
                registries = entry["registries"]
                rows.append(
                    {
                        "image_table": table,
                        "scope": scope,
                        "version": entry_version,
                        "repository": entry["repository"],
                        "tag": _tag(entry_version, entry),
                        "regions": " ".join(sorted(registries)),
                        "registries": " ".join(
                            f"{region}={registries[region]}" for region in sorted(registries)
                        ),
                        "source": source,
                    }
                )
    return rows


def _versions(scope_config: Mapping) -> Iterable[tuple[str, Mapping]]:
    """(version, entry) pairs; Hugging Face tables nest one entry per base framework."""
    for version, entry in scope_config["versions"].items():
        if "repository" in entry:
            yield version, entry
            continue
        for base, nested in entry.items():
            if isinstance(nested, Mapping) and "repository" in nested:
                yield f"{version}/{base}", nested


def _tag(version: str, entry: Mapping) -> str:
    """The image tag as the SDK's ``image_uris.retrieve`` builds it for Neuron instances,
    with the newest Neuron SDK version where the table lists several."""
    repository = entry["repository"]
    py_version = (entry.get("py_versions") or [""])[0]
    container = next(iter((entry.get("container_version") or {}).values()), "")
    sdk = max(entry.get("sdk_versions") or [""], key=version_key)
    if repository in _HUGGINGFACE_NEURON:
        transformers, base = version.split("/")
        prefix = f"{base.removeprefix('pytorch')}-transformers{transformers}"
    else:
        prefix = entry.get("tag_prefix", version)
    if sdk and (repository in _SDK_IN_TAG or repository in _HUGGINGFACE_NEURON):
        container = f"{sdk}-{container}"
    return "-".join(part for part in (prefix, "neuronx", py_version, container) if part)


def price_list_regions() -> dict[str, str]:
    """Price List location name (``EU (Stockholm)``) -> region code, from botocore's
    ``endpoints.json`` region descriptions."""
    import botocore

    endpoints = json.loads(
        (Path(botocore.__file__).parent / "data" / "endpoints.json").read_text(encoding="utf-8")
    )
    names = {}
    for partition in endpoints["partitions"]:
        for code, region in partition["regions"].items():
            description = region.get("description", "")
            names[description] = code
            if description.startswith("Europe ("):  # the Price List says "EU (...)"
                names["EU (" + description.removeprefix("Europe (")] = code
    return names


def ec2_availability_rows(
    prices: Mapping[str, Mapping[str, str]], instance_types: Iterable[str], source: str
) -> list[dict[str, str]]:
    """Rows for ``instance_types`` (EC2 names) from an EC2 on-demand price map: offered where
    priced, not offered in every other region the map prices anything in."""
    names = price_list_regions()
    covered = sorted(
        {names[loc] for locations in prices.values() for loc in locations if loc in names}
    )
    rows = []
    for instance_type in sorted(set(instance_types)):
        locations = prices.get(f"OnDemand Linux-instancetype-{instance_type}", {})
        priced = {names[loc] for loc in locations if loc in names}
        rows += [
            {
                "instance_type": instance_type,
                "feature": "ec2",
                "region": region,
                "offered": "yes" if region in priced else "no",
                "source": source,
            }
            for region in covered
        ]
    return rows


PRICE_LIST_FEATURES = {
    "Host": "hosting",
    "AsyncInf": "hosting",
    "Tsform": "transform",
    "Train": "training",
    "TrSpt": "training",
}
"""SageMaker Price List usage types (``<region code>-<usage>:<instance type>``) -> feature."""


def sagemaker_availability_rows(
    pricing: Any, regions: Iterable[str], instance_types: Iterable[str], source: str
) -> list[dict[str, str]]:
    """Rows per (type, feature, region) from the Price List API (``pricing`` is a boto3
    ``pricing`` client, which needs credentials): a type is offered for a feature in a region
    when SageMaker prices that usage there."""
    wanted = set(instance_types)
    rows = []
    for region in regions:
        priced: set[tuple[str, str]] = set()
        pages = pricing.get_paginator("get_products").paginate(
            ServiceCode="AmazonSageMaker",
            Filters=[{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}],
            FormatVersion="aws_v1",
        )
        for page in pages:
            for text in page.get("PriceList", []):
                usage = json.loads(text)["product"]["attributes"].get("usagetype", "")
                kind, _, instance_type = usage.partition(":")
                feature = PRICE_LIST_FEATURES.get(kind.split("-", 1)[-1])
                if feature is not None and instance_type in wanted:
                    priced.add((instance_type, feature))
        rows += [
            {
                "instance_type": instance_type,
                "feature": feature,
                "region": region,
                "offered": "yes" if (instance_type, feature) in priced else "no",
                "source": source,
            }
            for instance_type in sorted(wanted)
            for feature in sorted(set(PRICE_LIST_FEATURES.values()))
        ]
    return rows


PRICES_FILE = "sagemaker_prices.csv"
PRICE_COLUMNS = ("instance_type", "feature", "region", "usd_per_hour", "source")
PRICE_USAGE_FEATURES = {
    "Host": "hosting",
    "AsyncInf": "async",
    "Tsform": "transform",
    "Train": "training",
}
"""Price List usage types (``<region code>-<usage>:<instance type>``) -> the feature of
``sagemaker_prices.csv``. Managed Spot training (``TrSpt``) has no fixed price and is left out."""
SNAPSHOT_FEATURES = {"inference": "hosting", "training": "training", "cpu": "any"}
"""Lists of a johbro/ocp-ai-cost-modeler price snapshot -> feature: its ``inference`` list is
the ``Hosting`` component (real-time endpoints), ``cpu`` the lowest price over components."""


def price_snapshot_rows(
    snapshot: Mapping[str, Any], instance_types: Iterable[str], region: str, source: str
) -> list[dict[str, str]]:
    """Rows of ``sagemaker_prices.csv`` for ``instance_types`` from a one-region snapshot
    shaped as johbro/ocp-ai-cost-modeler's ``data/sagemaker-prices.json``."""
    wanted = set(instance_types)
    found: dict[tuple[str, str], float] = {}
    for name, listed in snapshot.get("instances", {}).items():
        feature = SNAPSHOT_FEATURES.get(name)
        if feature is None:
            continue
        for entry in listed:
            if entry["type"] in wanted and entry.get("pricePerHour"):
                found[(entry["type"], feature)] = float(entry["pricePerHour"])
    rows = _price_rows(((t, f, region, usd) for (t, f), usd in found.items()), source)
    for row in rows:
        if row["feature"] == "any":
            row["source"] += "; its cpu list: the lowest price over SageMaker's components"
    return rows


def price_list_prices(
    items: Iterable[Mapping[str, Any]], locations: Mapping[str, str] | None = None
) -> Iterable[tuple[str, str, str, float]]:
    """(type, feature, region, USD per hour) of Price List products (GetProducts ``PriceList``
    entries, parsed, or bulk offer products joined with their terms: :func:`offer_items`) with
    an on-demand hourly price for a usage of ``PRICE_USAGE_FEATURES``. The type is the usage
    type's (``EUN1-Host:ml.g5.xlarge``), else the ``instanceName`` or ``instanceType``
    attribute; the region ``regionCode``, else the ``location`` through ``locations``
    (:func:`price_list_regions`)."""
    for item in items:
        attributes = item.get("product", {}).get("attributes", {})
        kind, _, instance_type = attributes.get("usagetype", "").partition(":")
        if not instance_type.startswith("ml."):
            instance_type = attributes.get("instanceName") or attributes.get("instanceType") or ""
        feature = PRICE_USAGE_FEATURES.get(kind.split("-", 1)[-1])
        region = attributes.get("regionCode") or (locations or {}).get(
            attributes.get("location", "")
        )
        if feature is None or not region or not instance_type.startswith("ml."):
            continue
        for term in item.get("terms", {}).get("OnDemand", {}).values():
            for dimension in term.get("priceDimensions", {}).values():
                usd = float(dimension.get("pricePerUnit", {}).get("USD", 0) or 0)
                if dimension.get("unit", "Hrs").lower().startswith("hr") and usd > 0:
                    yield instance_type, feature, region, usd


def sagemaker_price_rows(
    pricing: Any, regions: Iterable[str], instance_types: Iterable[str], source: str
) -> list[dict[str, str]]:
    """Rows of ``sagemaker_prices.csv`` from the Price List API (``pricing`` is a boto3
    ``pricing`` client, which needs credentials), one ``GetProducts`` listing per region."""
    wanted = set(instance_types)
    found = []
    for region in regions:
        pages = pricing.get_paginator("get_products").paginate(
            ServiceCode="AmazonSageMaker",
            Filters=[{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}],
            FormatVersion="aws_v1",
        )
        items = (json.loads(text) for page in pages for text in page.get("PriceList", []))
        found += [row for row in price_list_prices(items) if row[0] in wanted]
    return _price_rows(found, source)


def offer_items(offer: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """The products of a Price List bulk offer file (``AmazonSageMaker/current/<region>/
    index.json``: ``products`` by SKU, ``terms.OnDemand`` by SKU then offer term code), each
    joined with its on-demand terms by SKU, shaped as a GetProducts ``PriceList`` entry."""
    on_demand = offer.get("terms", {}).get("OnDemand", {})
    for sku, product in offer.get("products", {}).items():
        yield {"product": product, "terms": {"OnDemand": on_demand.get(sku, {})}}


def offer_regions(offer: Mapping[str, Any], locations: Mapping[str, str]) -> set[str]:
    """The regions a bulk offer file prices anything in (one, for a regional file)."""
    found = set()
    for product in offer.get("products", {}).values():
        attributes = product.get("attributes", {})
        region = attributes.get("regionCode") or locations.get(attributes.get("location", ""))
        if region:
            found.add(region)
    return found


def sagemaker_offer_rows(
    offers: Iterable[Mapping[str, Any]], instance_types: Iterable[str], source: str
) -> tuple[list[dict[str, str]], set[str]]:
    """Rows of ``sagemaker_prices.csv`` for ``instance_types`` from Price List bulk offer
    files, and the regions the files cover. Each row cites ``source`` with the file's region
    and publication date; usage types map to features as for the Price List API
    (``PRICE_USAGE_FEATURES``); a price of zero or not per hour is left out."""
    wanted = set(instance_types)
    locations = price_list_regions()
    rows, regions = [], set()
    for offer in offers:
        covered = offer_regions(offer, locations)
        regions |= covered
        published = str(offer.get("publicationDate", ""))[:10]
        cited = f"{source} ({', '.join(sorted(covered))} offer"
        cited += f", published {published})" if published else ")"
        found = price_list_prices(offer_items(offer), locations)
        rows += _price_rows((p for p in found if p[0] in wanted), cited)
    return rows, regions


def merge_prices(
    kept: Iterable[dict[str, str]], rows: Iterable[dict[str, str]], regions: set[str]
) -> list[dict[str, str]]:
    """``kept`` without its rows for ``regions``, and ``rows``: the regions' prices replaced
    by the new source's, every other region's kept; sorted as the table is."""
    merged = [row for row in kept if row["region"] not in regions] + list(rows)
    return sorted(merged, key=lambda r: (r["instance_type"], r["feature"], r["region"]))


def _price_rows(prices: Iterable[tuple[str, str, str, float]], source: str) -> list[dict[str, str]]:
    lowest: dict[tuple[str, str, str], float] = {}
    for instance_type, feature, region, usd in prices:
        key = (instance_type, feature, region)
        lowest[key] = min(usd, lowest.get(key, usd))
    return [
        {
            "instance_type": key[0],
            "feature": key[1],
            "region": key[2],
            "usd_per_hour": f"{usd:.10g}",
            "source": source,
        }
        for key, usd in sorted(lowest.items())
    ]


EMBODIED_COLUMN = "Platform Embedded Emissions (mtCo2eq)"


def ccf_embodied(text: str) -> dict[str, tuple[float, str]]:
    """EC2 type -> (platform embodied kgCO2e, platform CPU) from cloud-carbon-footprint's
    ``data/aws-instances-latest-2026.csv`` (tonnes per platform; blank values left out)."""
    found = {}
    for row in csv.DictReader(text.splitlines()):
        tonnes = (row.get(EMBODIED_COLUMN) or "").strip()
        if tonnes:
            found[row["Instance Type"].strip()] = (
                round(float(tonnes) * 1000, 3),
                row.get("Platform CPU Name", "").strip(),
            )
    return found


def instances_with_embodied(
    rows: Iterable[Mapping[str, str]], embodied: Mapping[str, tuple[float, str]], source: str
) -> list[dict[str, str]]:
    """``instances.csv`` rows with ``embodied_platform_kgco2e`` and ``embodied_source`` from
    :func:`ccf_embodied`. A type the file gives no figure keeps an older figure with its own
    source (``p3``: CCF's code), else is blank, saying so."""
    out = []
    for row in rows:
        twin = row["instance_type"].removeprefix("ml.")
        found = embodied.get(twin)
        row = dict(row)
        if found is None:
            if not (row.get("embodied_platform_kgco2e") and row.get("embodied_source")):
                row["embodied_platform_kgco2e"] = ""
                row["embodied_source"] = f"no figure for {twin} in {source}"
        else:
            kg, cpu = found
            row["embodied_platform_kgco2e"] = f"{kg:g}"
            row["embodied_source"] = f"{source}: {twin} platform ({cpu}) {kg / 1000:g} t"
        out.append(row)
    return out


GRID_FILE = "grid_intensity.csv"
GRID_ZONES_FILE = "region_grid_zones.csv"
GRID_COLUMNS = ("region", "kgco2e_per_kwh", "basis", "zone", "source")
GRID_AVERAGE = "*"


def electricity_maps_intensities(text: str) -> dict[str, tuple[float, str]]:
    """Zone -> (gCO2eq/kWh, zone name) from an Electricity Maps yearly export shaped as
    thegreenwebfoundation/co2.js ``data/output/electricity-maps/yearly_<year>.json``
    (``{"<zone>": {"zone": {"zoneName"}, "carbonIntensity": {"value", "unit"}}}``; the
    API's default: lifecycle emission factors, consumption-based). Zones without a value are
    left out."""
    found = {}
    for zone, entry in json.loads(text).items():
        intensity = entry.get("carbonIntensity") or {}
        if intensity.get("value") is None:
            continue
        if intensity.get("unit", "gCO2eq/kWh") != "gCO2eq/kWh":
            raise ValueError(f"{zone}: unexpected unit {intensity.get('unit')!r}")
        found[zone] = (float(intensity["value"]), (entry.get("zone") or {}).get("zoneName", ""))
    return found


def grid_rows(
    zones: Iterable[Mapping[str, str]], intensities: Mapping[str, tuple[float, str]], source: str
) -> list[dict[str, str]]:
    """``grid_intensity.csv`` rows: per region of ``region_grid_zones.csv``, the intensity of
    its grid zone (``published``); of its country's zone when its zone is not known or not in
    the export (``fallback-country-average``); else the mean of the published rows
    (``fallback-average``), which is also the ``*`` row for regions the catalog does not know.
    kg CO2e per kWh = the export's g / 1000."""
    rows, pending = [], []
    for row in zones:
        region, zone, country = row["region"], row["zone"], row["country_zone"]
        if zone and zone in intensities:
            grams, name = intensities[zone]
            basis, note = "published", f"zone {zone} ({name})"
        elif country and country in intensities:
            grams, name = intensities[country]
            basis = "fallback-country-average"
            note = f"country zone {country} ({name}): the region's grid zone is not published"
            zone = country
        else:
            pending.append(region)
            continue
        if "an assumption" in row.get("location_source", ""):
            note += f"; location assumed ({GRID_ZONES_FILE})"
        rows.append(
            {
                "region": region,
                "kgco2e_per_kwh": f"{grams / 1000:g}",
                "basis": basis,
                "zone": zone,
                "source": f"{source}; {note}",
            }
        )
    published = [float(r["kgco2e_per_kwh"]) for r in rows if r["basis"] == "published"]
    if not published:
        raise ValueError("no region's zone is in the export")
    average = f"{round(sum(published) / len(published), 4):g}"
    note = f"mean of the {len(published)} published rows of this table"
    for region in [*pending, GRID_AVERAGE]:
        rows.append(
            {
                "region": region,
                "kgco2e_per_kwh": average,
                "basis": "fallback-average",
                "zone": "",
                "source": f"{source}; {note}"
                + ("" if region == GRID_AVERAGE else ": the region's country is not published"),
            }
        )
    return rows


def merge_availability(
    kept: Iterable[Mapping[str, str]], new: Iterable[Mapping[str, str]]
) -> list[dict[str, str]]:
    """One row per (type, feature, region): offered when any source says so, with the
    sources behind that verdict."""
    verdicts: dict[tuple[str, str, str], dict[str, set[str]]] = {}
    for row in [*kept, *new]:
        key = (row["instance_type"], row["feature"], row["region"])
        sources = verdicts.setdefault(key, {"yes": set(), "no": set()})
        sources[row["offered"]].update(part.strip() for part in row["source"].split("; "))
    return [
        {
            "instance_type": key[0],
            "feature": key[1],
            "region": key[2],
            "offered": "yes" if found["yes"] else "no",
            "source": "; ".join(sorted(found["yes"] or found["no"])),
        }
        for key, found in sorted(verdicts.items())
    ]


def render(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    """CSV text with a header, as the catalog stores it."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Regenerate the catalog tables from the sources on the command line; return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m green_constructs.catalog.refresh", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--data", type=Path, default=DATA, help="catalog data folder")
    parser.add_argument(
        "--ec2-prices",
        type=Path,
        metavar="FILE",
        help="an EC2 on-demand price map (aws-price-watcher processed/ec2.json) to merge into "
        "the availability table for every instance type of the catalog",
    )
    parser.add_argument(
        "--ec2-prices-source",
        metavar="TEXT",
        help="how to cite --ec2-prices: repository, commit, path and date",
    )
    parser.add_argument(
        "--pricing",
        action="store_true",
        help="also ask the AWS Price List API (needs credentials) which regions price each "
        "catalog instance type for SageMaker endpoints, batch transform and training, and "
        "rewrite sagemaker_prices.csv with those prices",
    )
    parser.add_argument(
        "--sagemaker-prices",
        type=Path,
        metavar="FILE",
        help="a one-region SageMaker price snapshot (johbro/ocp-ai-cost-modeler "
        "data/sagemaker-prices.json) to write sagemaker_prices.csv from",
    )
    parser.add_argument(
        "--sagemaker-prices-source",
        metavar="TEXT",
        help="how to cite --sagemaker-prices: repository, commit, path, region and date",
    )
    parser.add_argument(
        "--sagemaker-offer",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="AWS Price List bulk offer files (AmazonSageMaker/current/<region>/index.json, "
        "public, no credentials) whose regions' rows of sagemaker_prices.csv are rewritten",
    )
    parser.add_argument(
        "--sagemaker-offer-source",
        metavar="TEXT",
        help="how to cite --sagemaker-offer: the offer's URL and the date it was downloaded",
    )
    parser.add_argument(
        "--ccf-embodied",
        type=Path,
        metavar="FILE",
        help="cloud-carbon-footprint/ccf-coefficients data/aws-instances-latest-2026.csv, to "
        "set the embodied emissions of instances.csv",
    )
    parser.add_argument("--ccf-embodied-source", metavar="TEXT", help="how to cite --ccf-embodied")
    parser.add_argument(
        "--karpenter",
        type=Path,
        metavar="FILE",
        help="Karpenter's instance-types.md, to regenerate the instance shapes (with --manageiq)",
    )
    parser.add_argument("--karpenter-source", metavar="TEXT", help="how to cite --karpenter")
    parser.add_argument(
        "--manageiq",
        type=Path,
        metavar="FILE",
        help="ManageIQ's aws_instance_types.yml, to regenerate the instance shapes",
    )
    parser.add_argument("--manageiq-source", metavar="TEXT", help="how to cite --manageiq")
    parser.add_argument(
        "--electricity-maps",
        type=Path,
        metavar="FILE",
        help="an Electricity Maps yearly export (thegreenwebfoundation/co2.js "
        "data/output/electricity-maps/yearly_<year>.json), to write grid_intensity.csv for "
        "the regions of region_grid_zones.csv",
    )
    parser.add_argument(
        "--electricity-maps-source",
        metavar="TEXT",
        help="how to cite --electricity-maps: basis, year, repository, commit, path and date",
    )
    args = parser.parse_args(argv)
    if args.sagemaker_offer is not None and not args.sagemaker_offer_source:
        parser.error("--sagemaker-offer needs --sagemaker-offer-source")  # before any write
    if args.electricity_maps is not None:
        if not args.electricity_maps_source:
            parser.error("--electricity-maps needs --electricity-maps-source")
        _refresh_grid(args.data, args.electricity_maps, args.electricity_maps_source)
    snapshots = (args.karpenter, args.karpenter_source, args.manageiq, args.manageiq_source)
    if any(snapshots):
        if not all(snapshots):
            parser.error("--karpenter and --manageiq go together, each with its -source")
        rows = shape_table(
            args.data, args.karpenter, args.manageiq, (args.karpenter_source, args.manageiq_source)
        )
        (args.data / SHAPES_FILE).write_text(render(rows, ec2_data.SHAPE_COLUMNS), encoding="utf-8")
        print(f"wrote {args.data / SHAPES_FILE} ({len(rows)} rows)")
    (args.data / FAMILIES_FILE).write_text(
        render(family_table(args.data), ec2_data.FAMILY_COLUMNS), encoding="utf-8"
    )
    print(f"wrote {args.data / FAMILIES_FILE} (botocore)")
    rds = rds_class_rows()
    if rds is None:
        print(f"kept {RDS_FILE}: cfn-lint is not installed")
    else:
        (args.data / RDS_FILE).write_text(render(rds, RDS_COLUMNS), encoding="utf-8")
        print(f"wrote {args.data / RDS_FILE} (cfn-lint)")
    if args.pricing:
        _refresh_from_price_list(args.data)
    if args.sagemaker_prices is not None:
        if not args.sagemaker_prices_source:
            parser.error("--sagemaker-prices needs --sagemaker-prices-source")
        _refresh_price_snapshot(args.data, args.sagemaker_prices, args.sagemaker_prices_source)
    if args.sagemaker_offer is not None:
        _refresh_price_offers(args.data, args.sagemaker_offer, args.sagemaker_offer_source)
    if args.ccf_embodied is not None:
        if not args.ccf_embodied_source:
            parser.error("--ccf-embodied needs --ccf-embodied-source")
        _refresh_embodied(args.data, args.ccf_embodied, args.ccf_embodied_source)
    if args.ec2_prices is not None:
        if not args.ec2_prices_source:
            parser.error("--ec2-prices needs --ec2-prices-source")
        _refresh_availability(args.data, args.ec2_prices, args.ec2_prices_source)
    (args.data / INSTANCE_TYPES_FILE).write_text(
        render(instance_type_rows(), INSTANCE_TYPE_COLUMNS), encoding="utf-8"
    )
    print(f"wrote {args.data / INSTANCE_TYPES_FILE} (botocore)")
    found = image_uri_config_dir()
    if found is None:
        print(f"kept {IMAGES_FILE}: sagemaker-core is not installed (pip install --no-deps)")
        return 0
    (args.data / IMAGES_FILE).write_text(
        render(image_rows(*found), IMAGE_COLUMNS), encoding="utf-8"
    )
    print(f"wrote {args.data / IMAGES_FILE} (sagemaker-core {found[1]})")
    return 0


def _refresh_from_price_list(data: Path) -> None:
    import boto3
    import botocore.session

    from .loader import load_instances

    regions = botocore.session.get_session().get_available_regions("sagemaker")
    source = f"AWS Price List API AmazonSageMaker usage types ({datetime.date.today()})"
    client = boto3.client("pricing", region_name="us-east-1")
    rows = sagemaker_availability_rows(client, regions, load_instances(), source)
    _merge_into(data, rows)
    price_source = f"AWS Price List API AmazonSageMaker on-demand ({datetime.date.today()})"
    prices = sagemaker_price_rows(client, regions, load_instances(), price_source)
    _write_prices(data, prices)


def _write_prices(data: Path, rows: list[dict[str, str]]) -> None:
    (data / PRICES_FILE).write_text(render(rows, PRICE_COLUMNS), encoding="utf-8")
    print(f"wrote {data / PRICES_FILE} ({len(rows)} rows)")


def _refresh_price_snapshot(data: Path, snapshot_file: Path, source: str) -> None:
    from .loader import load_instances

    snapshot = json.loads(snapshot_file.read_text(encoding="utf-8"))
    region = snapshot.get("region") or _snapshot_region(snapshot.get("source", ""))
    _write_prices(data, price_snapshot_rows(snapshot, load_instances(), region, source))


def _refresh_price_offers(data: Path, offer_files: list[Path], source: str) -> None:
    from .loader import load_instances

    offers = [json.loads(path.read_text(encoding="utf-8")) for path in offer_files]
    rows, regions = sagemaker_offer_rows(offers, load_instances(), source)
    if not regions:
        raise SystemExit("the offer files price nothing in any region: not a Price List offer?")
    _write_prices(data, merge_prices(_read(data / PRICES_FILE), rows, regions))


def _snapshot_region(text: str) -> str:
    """The region a snapshot's ``source`` sentence names (``..., us-east-1``)."""
    import re

    found = re.search(r"\b([a-z]{2}(?:-gov)?-[a-z]+-\d)\b", text)
    if found is None:
        raise SystemExit(f"the price snapshot names no region: {text!r}")
    return found.group(1)


def _refresh_embodied(data: Path, ccf_file: Path, source: str) -> None:
    path = data / "instances.csv"
    rows = _read(path)
    columns = tuple(rows[0]) if rows else ()
    if "embodied_source" not in columns:
        at = columns.index("embodied_platform_kgco2e") + 1
        columns = (*columns[:at], "embodied_source", *columns[at:])
    updated = instances_with_embodied(
        rows, ccf_embodied(ccf_file.read_text(encoding="utf-8")), source
    )
    path.write_text(render(updated, columns), encoding="utf-8")
    print(f"wrote {path} (embodied emissions of {len(updated)} types)")


def _refresh_grid(data: Path, export_file: Path, source: str) -> None:
    zones = _read(data / GRID_ZONES_FILE)
    intensities = electricity_maps_intensities(export_file.read_text(encoding="utf-8"))
    rows = grid_rows(zones, intensities, source)
    (data / GRID_FILE).write_text(render(rows, GRID_COLUMNS), encoding="utf-8")
    print(f"wrote {data / GRID_FILE} ({len(rows)} rows)")


def _merge_into(data: Path, rows: list[dict[str, str]]) -> None:
    path = data / AVAILABILITY_FILE
    kept = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    merged = merge_availability(kept, rows)
    path.write_text(render(merged, AVAILABILITY_COLUMNS), encoding="utf-8")
    print(f"wrote {path} ({len(merged)} rows)")


def _refresh_availability(data: Path, prices_file: Path, source: str) -> None:
    from .loader import load_instances

    prices = json.loads(prices_file.read_text(encoding="utf-8"))
    types = [name.removeprefix("ml.") for name in load_instances()]
    _merge_into(data, ec2_availability_rows(prices, types, source))


if __name__ == "__main__":
    raise SystemExit(main())
