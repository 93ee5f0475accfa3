"""Whether an OpenSearch Serverless collection keeps compute (OCUs) running when idle.

OCUs of classic collections always exist, even without indexing or search (OpenSearch Service
developer guide, serverless-scaling); collections of a ``NEXTGEN`` collection group whose
minimum indexing and search OCUs are 0 (the default for NextGen groups) scale to zero after 10
idle minutes (serverless-scale-to-zero). Property names from cfn-lint's
``AWS::OpenSearchServerless::Collection`` and ``CollectionGroup`` schemas.
"""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource
from ..values import as_int

COLLECTION = "AWS::OpenSearchServerless::Collection"
COLLECTION_GROUP = "AWS::OpenSearchServerless::CollectionGroup"
_MINIMUMS = ("CapacityLimits.MinIndexingCapacityInOcu", "CapacityLimits.MinSearchCapacityInOcu")


def collection_group(collection: Resource, template: TemplateContext) -> Resource | None:
    """The in-template collection group ``collection`` belongs to, if any."""
    name = collection.get("CollectionGroupName")
    found = template.target(name)
    if found is not None and found.type == COLLECTION_GROUP:
        return found
    return template.by_name(COLLECTION_GROUP, "Name").get(name) if isinstance(name, str) else None


def never_idles(collection: Resource, template: TemplateContext) -> bool | None:
    """True when the collection's OCUs run around the clock, False when it scales to zero,
    ``None`` when the template cannot tell (its collection group defined elsewhere)."""
    if collection.get("CollectionGroupName") is None:
        return True
    group = collection_group(collection, template)
    if group is None or any(group.unknown(path) for path in ("Generation", *_MINIMUMS)):
        return None
    if group.get("Generation") != "NEXTGEN":
        return True
    return any(group.get(path) is not None and as_int(group.get(path)) != 0 for path in _MINIMUMS)
