"""CodeCommit repositories should have their code reviewed for inefficiencies (CodeGuru
Reviewer, which takes no new associations since November 2025, or another way)."""

from __future__ import annotations

from ..context import TemplateContext
from ..intrinsics import is_intrinsic
from ..model import Resource, Severity
from ..registry import rule

ASSOCIATION = "AWS::CodeGuruReviewer::RepositoryAssociation"


def _covers(association: Resource, repository: Resource, template: TemplateContext) -> bool:
    kind = association.get("Type")
    if isinstance(kind, str) and kind != "CodeCommit":
        return False
    name = association.get("Name")
    if is_intrinsic(name):
        target = template.target(name)
        return target is None or target is repository
    repository_name = repository.get("RepositoryName")
    return is_intrinsic(repository_name) or name == repository_name


@rule(
    id="Sustainability-CodeGuruReviewer",
    severity=Severity.INFO,
    title="CodeCommit repository without a CodeGuru Reviewer association",
    explanation=(
        "CodeGuru Reviewer points at inefficient code (wasteful loops, resource leaks), the code "
        "that consumes the most time and resources once deployed. It is a paid service, and "
        "since 7 November 2025 it accepts no new repository associations."
    ),
    remediation=(
        "Keep an existing AWS::CodeGuruReviewer::RepositoryAssociation (Type: CodeCommit, Name: "
        "the repository's name, for example !GetAtt Repository.Name). New associations can no "
        "longer be created: review the code for inefficiencies with another code reviewer or "
        "profiler instead, and acknowledge this finding naming it."
    ),
    best_practices=("SUS03-BP03",),
    resource_types=("AWS::CodeCommit::Repository",),
    equivalents=("sustainability-scanner:check_codeguru_association",),
    notes=(
        "Kept for parity with the scanner's check, whose meaning it keeps. CodeGuru Reviewer "
        "has accepted no new repository associations since 7 November 2025 (AWS CodeGuru "
        "Reviewer API Reference, AssociateRepository; 'Amazon CodeGuru Reviewer availability "
        "change' in its User Guide), so a repository without one can only be reviewed another "
        "way, which this rule cannot see: acknowledge it with that reason. "
        "The scanner compares names only. Here an association also counts when its Name refers "
        "to the repository (Ref/GetAtt), is otherwise unknown, or the repository's name is "
        "unknown; associations of another Type (Bitbucket, S3Bucket...) do not count."
    ),
)
def codeguru_reviewer(resource: Resource, template: TemplateContext) -> str | None:
    if any(_covers(a, resource, template) for a in template.of_type(ASSOCIATION)):
        return None
    return (
        f"CodeCommit repository {resource.logical_id} has no CodeGuru Reviewer association. "
        "CodeGuru Reviewer accepts no new associations since 7 November 2025: review the code "
        "for inefficiencies another way and acknowledge this finding naming how."
    )
