"""Conditions: which the template decides, which are free, what is judged and how findings say
when."""

from __future__ import annotations

import time

from green_constructs.rules import evaluate, get_rule
from green_constructs.rules.conditions import Conditions, choose, qualifier

RETENTION = get_rule("Sustainability-LogGroupRetention")
EC2_GENERATION = get_rule("Sustainability-Ec2PreviousGeneration")
AUTO_SCALING = get_rule("GenAI-EndpointAutoScaling")
PARAMETERS = {"P": {"Type": "String"}, "Env": {"Type": "String"}}


def _template(conditions: dict, resources: dict) -> dict:
    return {"Parameters": PARAMETERS, "Conditions": conditions, "Resources": resources}


def _logs(properties: dict | None = None, **body) -> dict:
    return {"Type": "AWS::Logs::LogGroup", "Properties": properties or {}, **body}


def _no_value_unless(condition: str) -> dict:
    return {"RetentionInDays": {"Fn::If": [condition, 7, {"Ref": "AWS::NoValue"}]}}


def test_conditions_the_template_decides() -> None:
    template = _template(
        {
            "Literal": {"Fn::Equals": ["a", "a"]},
            "Region": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-north-1"]},
            "Parameter": {"Fn::Equals": [{"Ref": "P"}, "x"]},
            "NotLiteral": {"Fn::Not": [{"Condition": "Literal"}]},
            "OrShortCircuit": {"Fn::Or": [{"Condition": "Parameter"}, {"Condition": "Literal"}]},
            "AndUnknown": {"Fn::And": [{"Condition": "Parameter"}, {"Condition": "Literal"}]},
            "Cycle": {"Fn::Not": [{"Condition": "Cycle"}]},
        },
        {},
    )
    assert Conditions(template, "eu-north-1").known == {
        "Literal": True,
        "Region": True,
        "NotLiteral": False,
        "OrShortCircuit": True,
    }
    assert "Region" not in Conditions(template, None).known


def test_conditions_made_of_conditions_follow_them() -> None:
    """IsDev is not IsProd: the impossible 'both true' is never judged."""
    template = _template(
        {
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]},
        },
        {
            "Logs": _logs(
                {"RetentionInDays": {"Fn::If": ["IsDev", {"Ref": "AWS::NoValue"}, 7]}},
                Condition="IsProd",
            )
        },
    )
    conditions = Conditions(template, None)
    assert conditions.free == ["IsProd"]
    assert conditions.values((("IsProd", True),))["IsDev"] is False
    assert evaluate(template, [RETENTION]) == []


def test_choose_picks_branches_and_drops_no_value() -> None:
    value = {
        "A": {"Fn::If": ["C", 1, 2]},
        "B": {"Fn::If": ["C", {"Ref": "AWS::NoValue"}, "kept"]},
        "L": [{"Fn::If": ["C", {"Ref": "AWS::NoValue"}, "x"]}, "y"],
        "Odd": {"Fn::If": [{"not": "a name"}, 1, 2]},
    }
    assert choose(value, {"C": True}) == {"A": 1, "L": ["y"], "Odd": value["Odd"]}
    assert choose(value, {"C": False}) == {
        "A": 2,
        "B": "kept",
        "L": ["x", "y"],
        "Odd": value["Odd"],
    }
    untouched = {"A": [1, 2]}
    assert choose(untouched, {"C": True}) is untouched


def test_many_conditions_are_sampled_not_enumerated() -> None:
    conditions = {f"C{i}": {"Fn::Equals": [{"Ref": "P"}, str(i)]} for i in range(30)}
    resources = {f"L{i}": _logs(_no_value_unless(f"C{i}")) for i in range(30)}
    template = _template(conditions, resources)
    assert len(Conditions(template, None).assignments()) == 2 + 2 * 12
    started = time.perf_counter()
    findings = evaluate(template, [RETENTION])
    assert time.perf_counter() - started < 5  # generous: 26 evaluations of 30 resources
    assert {f.resource for f in findings} == set(resources)


def test_qualifier_names_the_fewest_deciding_conditions() -> None:
    cases = [(("A", a), ("B", b)) for a in (False, True) for b in (False, True)]
    flagged = [c for c in cases if dict(c)["A"]]
    assert qualifier(flagged, cases, ["B"]) == "when A is true"
    assert qualifier(cases, cases, ["A"]) is None
    both = [c for c in cases if dict(c)["A"] and not dict(c)["B"]]
    assert qualifier(both, cases, []) == "when A is true and B is false"


def test_finding_that_depends_on_another_resource_condition() -> None:
    """The endpoint lacks scaling only when the scalable target's condition is false; unrelated
    conditions are not named."""
    conditions = {f"C{i}": {"Fn::Equals": [{"Ref": "P"}, str(i)]} for i in range(4)}
    conditions["HasScaling"] = {"Fn::Equals": [{"Ref": "Env"}, "prod"]}
    resources = {
        f"L{i}": _logs({"RetentionInDays": {"Fn::If": [f"C{i}", 7, 14]}}) for i in range(4)
    }
    resources["Config"] = {
        "Type": "AWS::SageMaker::EndpointConfig",
        "Properties": {
            "ProductionVariants": [
                {
                    "VariantName": "AllTraffic",
                    "ModelName": "m",
                    "InstanceType": "ml.inf2.xlarge",
                    "InitialInstanceCount": 1,
                }
            ]
        },
    }
    resources["Endpoint"] = {
        "Type": "AWS::SageMaker::Endpoint",
        "Properties": {"EndpointConfigName": {"Fn::GetAtt": ["Config", "EndpointConfigName"]}},
    }
    resources["Target"] = {
        "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
        "Condition": "HasScaling",
        "Properties": {
            "ServiceNamespace": "sagemaker",
            "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
            "ResourceId": {
                "Fn::Join": [
                    "",
                    [
                        "endpoint/",
                        {"Fn::GetAtt": ["Endpoint", "EndpointName"]},
                        "/variant/AllTraffic",
                    ],
                ]
            },
            "MinCapacity": 1,
            "MaxCapacity": 4,
        },
    }
    resources["Policy"] = {
        "Type": "AWS::ApplicationAutoScaling::ScalingPolicy",
        "Condition": "HasScaling",
        "Properties": {
            "PolicyName": "p",
            "PolicyType": "TargetTrackingScaling",
            "ScalingTargetId": {"Ref": "Target"},
            "TargetTrackingScalingPolicyConfiguration": {
                "TargetValue": 70,
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"
                },
            },
        },
    }
    [finding] = evaluate(_template(conditions, resources), [AUTO_SCALING])
    assert finding.message.endswith("(when HasScaling is false).")


def test_each_branch_message_is_kept() -> None:
    template = _template(
        {"UseBig": {"Fn::Equals": [{"Ref": "P"}, "big"]}},
        {
            "Vm": {
                "Type": "AWS::EC2::Instance",
                "Properties": {"InstanceType": {"Fn::If": ["UseBig", "c4.8xlarge", "m4.large"]}},
            }
        },
    )
    [finding] = evaluate(template, [EC2_GENERATION])
    assert "c4.8xlarge" in finding.message and "m4.large" in finding.message
    assert "(when UseBig is true)" in finding.message
    assert "(when UseBig is false)" in finding.message


def test_unhashable_and_malformed_conditions_do_not_crash() -> None:
    template = _template(
        {"C": {"Fn::Equals": [{"Ref": "P"}, "x"]}},
        {
            "A": _logs({"RetentionInDays": {"Fn::If": ["C", 7, 14]}}),
            "B": _logs({"RetentionInDays": {"Fn::If": [{"a": 1}, 7, 14]}}),
            "R": _logs({"RetentionInDays": {"Ref": ["P"]}}),
        },
    )
    assert evaluate(template, [RETENTION]) == []


def test_long_condition_chains_do_not_recurse_without_bound() -> None:
    conditions = {f"C{i}": {"Condition": f"C{i + 1}"} for i in range(500)}
    conditions["C500"] = {"Fn::Equals": [{"Ref": "P"}, "x"]}
    template = _template(conditions, {"Logs": _logs(_no_value_unless("C0"))})
    [finding] = evaluate(template, [RETENTION])
    assert "(when C500 is false)" in finding.message


def test_cdk_metadata_condition_is_not_enumerated() -> None:
    template = _template(
        {"CDKMetadataAvailable": {"Fn::Equals": [{"Ref": "AWS::Region"}, "x"]}},
        {
            "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Condition": "CDKMetadataAvailable"},
            "Logs": _logs({"RetentionInDays": 7}),
        },
    )
    assert Conditions(template, None).used == []


def test_resource_condition_false_everywhere_is_not_judged() -> None:
    template = _template(
        {"Never": {"Fn::Equals": ["a", "b"]}, "P1": {"Fn::Equals": [{"Ref": "P"}, "1"]}},
        {
            "Logs": _logs(Condition="Never"),
            "Other": _logs({"RetentionInDays": {"Fn::If": ["P1", 7, 14]}}),
            "Custom": {
                "Type": "Custom::Thing",
                "Condition": "Never",
                "Properties": {"ServiceToken": "arn"},
            },
        },
    )
    from green_constructs.rules import TemplateContext, evaluate_context

    context = TemplateContext(template)
    assert evaluate_context(context, [RETENTION]) == []
    assert context.unread == []  # the custom resource is never created
