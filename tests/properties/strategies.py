"""Hypothesis strategies shared by the property tests: template values, templates, intrinsics."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import strategies as st

LOGICAL_IDS = st.text(string.ascii_letters + string.digits, min_size=1, max_size=12)
"""Logical ids as CloudFormation allows them (alphanumeric)."""

TYPES = [
    "AWS::Logs::LogGroup", "AWS::S3::Bucket", "AWS::SageMaker::EndpointConfig",
    "AWS::SageMaker::Endpoint", "AWS::SageMaker::Model", "AWS::SageMaker::TrainingJob",
    "AWS::Lambda::Function", "AWS::EC2::Instance", "AWS::StepFunctions::StateMachine",
    "AWS::ApplicationAutoScaling::ScalableTarget", "AWS::CloudWatch::Alarm", "Custom::X",
]  # fmt: skip

_NAMES = st.sampled_from(["A", "B", "Model", "Config", "AWS::Region", "AWS::NoValue", "P"])

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False)
    | st.text(max_size=16)
    | st.sampled_from(["ml.inf2.xlarge", "ml.g5.2xlarge", "ml.p3.2xlarge", "ml.m4.xlarge",
                       "ml.trn1.32xlarge", "s3://b/k", "arm64", "x86_64", "DISABLED", "7", ""])
)  # fmt: skip
"""Scalars JSON can hold (no NaN: a template with NaN is not JSON)."""


def _intrinsics(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.builds(lambda n: {"Ref": n}, _NAMES),
        st.builds(lambda n, a: {"Fn::GetAtt": [n, a]}, _NAMES, st.text(max_size=8)),
        st.builds(lambda s: {"Fn::Sub": s}, st.text(max_size=16)),
        st.builds(lambda parts: {"Fn::Join": ["", parts]}, st.lists(inner, max_size=3)),
        st.builds(lambda c, a, b: {"Fn::If": [c, a, b]}, _NAMES, inner, inner),
        st.builds(lambda i, items: {"Fn::Select": [i, items]}, st.integers(-1, 3), st.lists(inner, max_size=3)),
        st.builds(lambda n: {"Condition": n}, _NAMES),
    )  # fmt: skip


values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=10), inner, max_size=4)
        | _intrinsics(inner)
    ),
    max_leaves=20,
)
"""Any JSON value, intrinsic functions included."""

resources = st.fixed_dictionaries(
    {"Type": st.sampled_from(TYPES)},
    optional={"Properties": st.dictionaries(st.text(max_size=12), values, max_size=5),
              "Condition": _NAMES, "Metadata": values},
)  # fmt: skip

templates = st.fixed_dictionaries(
    {"Resources": st.dictionaries(LOGICAL_IDS, resources, max_size=6)},
    optional={"Parameters": st.dictionaries(LOGICAL_IDS, values, max_size=3),
              "Conditions": st.dictionaries(LOGICAL_IDS, values, max_size=3)},
)  # fmt: skip
"""Templates of the right shape with values of any shape (intrinsics included)."""
