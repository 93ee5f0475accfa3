"""Helpers: estimate a template dict without writing files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from green_constructs.estimate.estimator import estimate_templates  # noqa: E402
from green_constructs.estimate.workload import parse_workload  # noqa: E402
from green_constructs.lint.decode import DecodedTemplate  # noqa: E402


@pytest.fixture
def run():
    def estimate(
        template: dict, workload: dict | None = None, region: str | None = "us-east-1", **kwargs
    ):
        decoded = DecodedTemplate(
            path="/nonexistent/t.template.json", template=template, region=region
        )
        return estimate_templates([decoded], workload=parse_workload(workload), **kwargs)

    return estimate
