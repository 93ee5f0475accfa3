"""CodeCommit repositories should have their code reviewed for inefficiencies (CodeGuru
Reviewer, which takes no new associations since November 2025, or another way)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from ..context import TemplateContext
from ..intrinsics import is_intrinsic
from ..model import Resource, Severity
from ..registry import rule

ASSOCIATION = "AWS::CodeGuruReviewer::RepositoryAssociation"


_NEVER = float("inf")


class _Associations:
    """The template's CodeCommit associations by what their ``Name`` names, each at its
    position in template order: a lookup reads the repository's ``RepositoryName`` exactly
    when a scan over the associations would (a literal name before the first match)."""

    def __init__(self, template: TemplateContext) -> None:
        self.by_target: dict[str, int] = {}
        self.first_untargeted = _NEVER  # an intrinsic naming no resource here: may be any
        self.first_literal = _NEVER
        self.literals: set[Hashable] = set()
        self.unhashable: list[Any] = []  # names written as lists or mappings
        for position, association in enumerate(template.of_type(ASSOCIATION)):
            kind = association.get("Type")
            if isinstance(kind, str) and kind != "CodeCommit":
                continue
            name = association.get("Name")
            if not is_intrinsic(name):
                if isinstance(name, Hashable):
                    self.literals.add(name)
                else:
                    self.unhashable.append(name)
                self.first_literal = min(self.first_literal, position)
                continue
            target = template.target(name)
            if target is None:
                self.first_untargeted = min(self.first_untargeted, position)
            else:
                self.by_target.setdefault(target.logical_id, position)

    def covers(self, repository: Resource) -> bool:
        """Whether an association covers ``repository``, or may."""
        matched = min(self.by_target.get(repository.logical_id, _NEVER), self.first_untargeted)
        if self.first_literal > matched:
            return matched != _NEVER
        repository_name = repository.get("RepositoryName")
        if is_intrinsic(repository_name) or matched != _NEVER:
            return True
        if isinstance(repository_name, Hashable):
            return repository_name in self.literals
        return repository_name in self.unhashable


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
    if template.memo("codeguru-associations", lambda: _Associations(template)).covers(resource):
        return None
    return (
        f"CodeCommit repository {resource.logical_id} has no CodeGuru Reviewer association. "
        "CodeGuru Reviewer accepts no new associations since 7 November 2025: review the code "
        "for inefficiencies another way and acknowledge this finding naming how."
    )
