"""How rules see property values: intrinsics the template alone decides are resolved on read."""

from __future__ import annotations

from typing import Any

from green_constructs.rules import TemplateContext, evaluate, get_rule
from green_constructs.rules.intrinsics import parameter_defaults, references, resolve

PARAMETERS = {
    "Size": {"Type": "String", "Default": "ml.g5.xlarge"},
    "NoDefault": {"Type": "String"},
    "BootstrapVersion": {
        "Type": "AWS::SSM::Parameter::Value<String>",
        "Default": "/cdk-bootstrap/hnb659fds/version",
    },
}
VARIANTS = [
    {
        "VariantName": "A",
        "InstanceType": {"Ref": "Size"},
        "ModelName": {"Fn::GetAtt": ["M", "Name"]},
    },
    {"VariantName": "B", "InstanceType": {"Fn::Join": ["", ["ml.", "g5", ".xlarge"]]}},
]


def _resource(properties: dict[str, Any], parameters: dict[str, Any] | None = None):
    template = {
        "Resources": {"R": {"Type": "AWS::SageMaker::EndpointConfig", "Properties": properties}}
    }
    if parameters is not None:
        template["Parameters"] = parameters
    return TemplateContext(template).resources["R"]


def test_parameter_defaults_leave_out_ssm_parameters_and_parameters_without_default() -> None:
    assert parameter_defaults(PARAMETERS) == {"Size": "ml.g5.xlarge"}
    assert parameter_defaults("not a mapping") == {}


def test_intrinsics_read_directly_are_resolved() -> None:
    resource = _resource(
        {
            "Ref": {"Ref": "Size"},
            "Joined": {"Fn::Join": ["-", ["a", {"Fn::Join": ["", ["b", "c"]]}, 1]]},
            "Sub": {"Fn::Sub": "literal-${!Escaped}"},
            "SubWithVariable": {"Fn::Sub": "${AWS::Region}-x"},
            "Ssm": {"Ref": "BootstrapVersion"},
            "Partial": {"Fn::Join": ["", ["a", {"Ref": "AWS::Region"}]]},
        },
        PARAMETERS,
    )
    assert resource.get("Ref") == "ml.g5.xlarge"
    assert resource.get("Joined") == "a-bc-1"
    assert resource.get("Sub") == "literal-${Escaped}"
    assert resource.get("SubWithVariable") == {"Fn::Sub": "${AWS::Region}-x"}
    assert resource.get("Ssm") == {"Ref": "BootstrapVersion"}
    assert resource.get("Partial") == {"Fn::Join": ["", ["a", {"Ref": "AWS::Region"}]]}


def test_nested_values_are_resolved_when_parameters_have_defaults() -> None:
    resource = _resource({"ProductionVariants": VARIANTS}, PARAMETERS)
    variants = resource.get("ProductionVariants")
    assert [v["InstanceType"] for v in variants] == ["ml.g5.xlarge", "ml.g5.xlarge"]
    assert variants[0]["ModelName"] == {"Fn::GetAtt": ["M", "Name"]}
    assert resource.get("ProductionVariants") is variants  # resolved once per path
    assert VARIANTS[0]["InstanceType"] == {"Ref": "Size"}  # the template is not changed


def test_without_parameter_defaults_nested_values_are_returned_as_written() -> None:
    resource = _resource({"ProductionVariants": VARIANTS})
    assert resource.get("ProductionVariants") is VARIANTS


def test_paths_follow_mappings_only() -> None:
    resource = _resource(
        {"A": {"B": {"C": {"Ref": "Size"}}, "S": "text"}, "Null": None}, PARAMETERS
    )
    assert resource.get("A.B.C") == "ml.g5.xlarge"
    assert resource.get("A.S.X", "missing") == "missing"
    assert resource.get("A.Nope", "missing") == "missing"
    assert resource.get("Nope", "missing") == "missing"
    assert resource.get("Null", "missing") is None
    assert resource.properties == {"A": {"B": {"C": "ml.g5.xlarge"}, "S": "text"}, "Null": None}


def test_resolve_returns_unchanged_values_as_they_are() -> None:
    value = {"List": [{"Fn::GetAtt": ["X", "Arn"]}, "text"], "Map": {"K": 1}}
    assert resolve(value, {"Size": "x"}) is value


def test_references_cover_ref_getatt_and_sub_variables() -> None:
    value = [
        {"Ref": "A"},
        {"Fn::GetAtt": "B.Arn"},
        {"Fn::Sub": ["${C.Arn}/${D}-${!Literal}", {"D": {"Ref": "E"}}]},
    ]
    assert references(value) == {"A", "B", "C", "E"}  # D is the substitution's own variable


def test_a_parameter_default_decides_a_finding() -> None:
    """End to end: a GPU instance type given as a parameter default is judged."""
    template = {
        "Parameters": PARAMETERS,
        "Resources": {
            "Config": {
                "Type": "AWS::SageMaker::EndpointConfig",
                "Properties": {"ProductionVariants": [VARIANTS[0]]},
            }
        },
    }
    findings = evaluate(template, [get_rule("GenAI-InferenceAccelerator")])
    assert [f.resource for f in findings] == ["Config"]
    assert "ml.g5.xlarge" in findings[0].message
