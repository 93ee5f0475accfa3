"""Property: whatever the file holds, ``lint`` exits 0, 1 or 2, and never with a traceback."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from green_constructs.cli import main

_KEYS = [
    "Type", "Properties", "Metadata", "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::If",
    "AsyncInferenceConfig", "OutputConfig", "NotificationConfig", "S3FailurePath", "ErrorTopic",
    "RetentionInDays", "ProductionVariants", "InstanceType", "MinCapacity", "Default",
    "cdk_nag", "rules_to_suppress", "id", "reason", "is_reason_encoded",
]  # fmt: skip
_TYPES = [
    "AWS::Logs::LogGroup", "AWS::SageMaker::EndpointConfig", "AWS::SageMaker::Endpoint",
    "AWS::SageMaker::Model", "AWS::EC2::Instance", "AWS::Lambda::Function", "Custom::X",
]  # fmt: skip
_TAGS = ["Ref", "GetAtt", "Sub", "If", "Foo", "!binary", "!python/object"]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from([*_TYPES, "ml.inf2.xlarge", "ml.p3.2xlarge", "s3://b/k"])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)
resource = st.fixed_dictionaries(
    {"Type": st.sampled_from(_TYPES) | values},
    optional={"Properties": values, "Metadata": values},
)
templates = st.fixed_dictionaries(
    {"Resources": st.dictionaries(st.text(string.ascii_letters, min_size=1), resource | values)
     | values},
    optional={"Parameters": values, "Metadata": values},
)  # fmt: skip


def _short_forms(template: object) -> str:
    """YAML with some keys turned into short-form (and unknown) tags, often invalid."""
    text = yaml.safe_dump(template, allow_unicode=True)
    return (
        text.replace("Ref:", "!Ref")
        .replace("Fn::GetAtt:", "!GetAtt")
        .replace("Type:", "!Unknown Type:")
    )


def _deep(depth: int) -> str:
    return '{"Resources": {"A": {"Type": "AWS::Logs::LogGroup", "Properties": %s}}}' % (
        "[" * depth + "]" * depth
    )


def _huge(digits: int) -> str:
    return '{"Resources": {"A": {"Type": "AWS::Logs::LogGroup", "Properties": {"X": %s}}}}' % (
        "9" * digits
    )


contents = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    values.map(lambda v: json.dumps(v).encode()),
    templates.map(lambda t: json.dumps(t, indent=1).encode()),
    templates.map(lambda t: yaml.safe_dump(t).encode()),
    templates.map(lambda t: _short_forms(t).encode()),
    st.builds(
        "Resources:\n  A:\n    Type: {}\n    Properties: !{} {}\n".format,
        st.sampled_from(_TYPES),
        st.sampled_from(_TAGS),
        values.map(json.dumps),
    ).map(str.encode),
    st.integers(min_value=1, max_value=3000).map(lambda d: _deep(d).encode()),
    st.integers(min_value=4000, max_value=6000).map(lambda n: _huge(n).encode()),
)


@settings(
    max_examples=100, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    content=contents,
    suffix=st.sampled_from([".json", ".yaml", ".template"]),
    format=st.sampled_from(["text", "json", "sarif"]),
)
def test_lint_never_crashes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, suffix: str, format: str
) -> None:
    path = tmp_path / f"template{suffix}"
    path.write_bytes(content)
    code = main(["lint", str(path), "--format", format, "--fail-on", "info"])
    err = capsys.readouterr().err
    assert code in (0, 1, 2)
    assert "internal error" not in err and "Traceback" not in err
    if code == 2:
        assert err.startswith("green-constructs: error: ") and err.count("\n") == 1
    else:
        assert err == ""
