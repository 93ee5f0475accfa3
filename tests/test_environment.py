"""The apps' environment: context, then the CDK CLI's account, then the placeholder."""

from __future__ import annotations

import aws_cdk as cdk
import pytest

from green_constructs.environment import DEFAULT_ACCOUNT, DEFAULT_REGION, environment_from_context


def _environment(context: dict[str, str], **options: str) -> tuple[str | None, str | None]:
    env = environment_from_context(cdk.App(context=context), **options)
    return env.account, env.region


def test_without_credentials_the_placeholder_account_and_default_region(monkeypatch) -> None:
    monkeypatch.delenv("CDK_DEFAULT_ACCOUNT", raising=False)
    assert _environment({}) == (DEFAULT_ACCOUNT, DEFAULT_REGION)


def test_the_cli_credentials_account_is_used_so_a_deploy_needs_no_flag(monkeypatch) -> None:
    monkeypatch.setenv("CDK_DEFAULT_ACCOUNT", "210987654321")
    # the CLI's default region is not: the region is a sustainability choice
    monkeypatch.setenv("CDK_DEFAULT_REGION", "ap-south-1")
    assert _environment({}, default_region="eu-north-1") == ("210987654321", "eu-north-1")


def test_context_wins(monkeypatch) -> None:
    monkeypatch.setenv("CDK_DEFAULT_ACCOUNT", "210987654321")
    context = {"account": "111111111111", "region": "eu-west-3"}
    assert _environment(context) == ("111111111111", "eu-west-3")


def test_a_bad_credentials_account_is_refused_naming_the_key(monkeypatch) -> None:
    monkeypatch.setenv("CDK_DEFAULT_ACCOUNT", "not-an-account")
    with pytest.raises(ValueError, match="^context 'account' must be a 12-digit"):
        _environment({})
