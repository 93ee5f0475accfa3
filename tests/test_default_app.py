"""The default app synthesizes with zero findings and passes cfn-lint and AwsSolutions."""

from __future__ import annotations

import aws_cdk as cdk
import pytest

from app import build_app
from cdk_nag import AwsSolutionsChecks

from compliance import cfn_lint_errors, our_findings


@pytest.fixture(scope="module")
def assembly(tmp_path_factory):
    app = build_app({"account": "210987654321"}, outdir=str(tmp_path_factory.mktemp("default")))
    # build_app enabled our packs already; AwsSolutions errors fail this synth
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks())
    return app.synth()


def test_default_environment_is_explicit_and_overridable(assembly) -> None:
    stack = assembly.get_stack_by_name("GreenGenAI")
    assert (stack.environment.account, stack.environment.region) == ("210987654321", "eu-north-1")


def test_default_app_has_no_findings(assembly) -> None:
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"region": "mars-north-1"}, "context 'region': unknown region 'mars-north-1'"),
        ({"account": "12"}, "context 'account' must be a 12-digit AWS account id"),
    ],
)
def test_bad_environment_context_names_the_key(context, message) -> None:
    with pytest.raises(ValueError, match=message):
        build_app(context)
