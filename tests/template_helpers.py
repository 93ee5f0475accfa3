"""Templates in tests: state machine definitions, SSL-only policies, one-stack cdk.out dirs."""

from __future__ import annotations

import json
from pathlib import Path

from aws_cdk.assertions import Match, Template

SSL_ONLY_STATEMENT = Match.object_like(
    {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
)


def state_machine_definition(template: Template) -> dict:
    """The (only) state machine's definition, CloudFormation references as ``<Ref:X>`` text."""
    [machine] = template.find_resources("AWS::StepFunctions::StateMachine").values()
    parts = machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    return json.loads("".join(p if isinstance(p, str) else _placeholder(p) for p in parts))


def _placeholder(intrinsic: dict) -> str:
    """``<Ref:X>`` or ``<Fn::GetAtt:X.Attr>``."""
    [(function, argument)] = intrinsic.items()
    return f"<{function}:{argument if isinstance(argument, str) else '.'.join(argument)}>"


def assert_encrypted_ssl_only_topic(template: Template) -> None:
    """An SNS topic with a KMS key, and a topic policy denying requests without TLS; every
    topic open to the account's CloudWatch alarms (:func:`assert_alarms_can_publish`)."""
    template.has_resource_properties("AWS::SNS::Topic", {"KmsMasterKeyId": Match.any_value()})
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {"PolicyDocument": {"Statement": Match.array_with([SSL_ONLY_STATEMENT])}},
    )
    assert_alarms_can_publish(template)


def _from_cloudwatch(statement: dict) -> bool:
    return statement.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}


def assert_alarms_can_publish(template: Template) -> None:
    """A topic policy replaces SNS's default one: each must let ``cloudwatch.amazonaws.com``
    publish (for alarms of the stack's account only), and each topic's key must let CloudWatch
    encrypt, or alarm actions never reach the topic."""
    resources = template.to_json()["Resources"]
    topics = {k: v for k, v in resources.items() if v["Type"] == "AWS::SNS::Topic"}
    assert topics
    covered = set()
    for policy in template.find_resources("AWS::SNS::TopicPolicy").values():
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        [allow] = [s for s in statements if _from_cloudwatch(s)]
        assert allow["Effect"] == "Allow" and allow["Action"] == "sns:Publish"
        assert "aws:SourceAccount" in allow["Condition"]["StringEquals"]
        assert "aws:SourceArn" in allow["Condition"]["ArnLike"]
        covered.update(t["Ref"] for t in policy["Properties"]["Topics"])
    assert covered == set(topics)
    for topic in topics.values():
        key_id = topic["Properties"]["KmsMasterKeyId"]["Fn::GetAtt"][0]
        statements = resources[key_id]["Properties"]["KeyPolicy"]["Statement"]
        [allow] = [s for s in statements if _from_cloudwatch(s)]
        assert set(allow["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}


def write_assembly(directory: Path, template: dict, *, region: str, stack: str = "S") -> Path:
    """A one-stack cdk.out in ``directory`` deploying ``template`` to ``region``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{stack}.template.json").write_text(json.dumps(template))
    manifest = {
        "version": "36.0.0",
        "artifacts": {
            stack: {
                "type": "aws:cloudformation:stack",
                "environment": f"aws://111111111111/{region}",
                "properties": {"templateFile": f"{stack}.template.json"},
            }
        },
    }
    (directory / "manifest.json").write_text(json.dumps(manifest))
    return directory


def definition_errors(definition: dict) -> list[str]:
    """What is wrong with a state machine definition: cfn-lint's schema check (E3601, which
    reads literal definitions only, so the CDK ``Fn::Join`` is flattened first) and every
    ``Next``/``Default``/choice target naming a state of its own branch."""
    from cfnlint.api import ManualArgs, lint

    template = {
        "Resources": {
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "RoleArn": "arn:aws:iam::111111111111:role/machine",
                    "DefinitionString": _pseudo_values(json.dumps(definition)),
                },
            }
        }
    }
    errors = [
        str(match)
        for match in lint(json.dumps(template), config=ManualArgs(regions=["us-east-1"]))
        if match.rule.id.startswith("E")
    ]
    return errors + _dangling_targets(definition)


_PSEUDO = {
    "<Ref:AWS::Partition>": "aws",
    "<Ref:AWS::Region>": "us-east-1",
    "<Ref:AWS::AccountId>": "111111111111",
    "<Ref:AWS::URLSuffix>": "amazonaws.com",
}


def _pseudo_values(text: str) -> str:
    """Pseudo parameters as a deployment gives them, so ARNs in the definition are checked."""
    for placeholder, value in _PSEUDO.items():
        text = text.replace(placeholder, value)
    return text


def _dangling_targets(branch: dict) -> list[str]:
    states = branch.get("States", {})
    found = [] if branch.get("StartAt") in states else [f"StartAt {branch.get('StartAt')}"]
    for name, state in states.items():
        targets = [state.get("Next"), state.get("Default")]
        targets += [choice.get("Next") for choice in state.get("Choices", [])]
        targets += [catch.get("Next") for catch in state.get("Catch", [])]
        found += [f"{name} -> {t}" for t in targets if t is not None and t not in states]
        for inner in [*state.get("Branches", []), state.get("ItemProcessor") or {}]:
            if inner:
                found += _dangling_targets(inner)
    return found
