"""SustainabilityMonitor's alarm settings: chained ``monitor_*`` calls, per-alarm thresholds
(values, M out of N, description, disabled) and the alarm action strategy (SNS topic, none,
custom ``IAlarmAction``, per-alarm override)."""

from __future__ import annotations

import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from green_constructs.inference import (
    AsyncInferenceEndpoint,
    HuggingFaceNeuronModel,
    RealtimeEndpoint,
)
from green_constructs.monitoring import (
    AlarmActionStrategy,
    BacklogWithoutCapacityThreshold,
    IdleThreshold,
    LowUtilizationThreshold,
    SustainabilityMonitor,
)

ENV = cdk.Environment(account="123456789012", region="eu-north-1")
SOURCE = HuggingFaceNeuronModel(
    model_id="Qwen/Qwen2.5-1.5B-Instruct", parameters_billion=1.5, server="tgi"
)
OPS_ITEM = cloudwatch_actions.SsmAction(cloudwatch_actions.OpsItemSeverity.LOW)


def _alarms(template: dict, prefix: str) -> dict[str, dict]:
    return {
        k: v["Properties"]
        for k, v in template["Resources"].items()
        if v["Type"] == "AWS::CloudWatch::Alarm" and k.startswith(prefix)
    }


def _one(alarms: dict[str, dict], resource: str, alarm: str) -> dict:
    (found,) = [v for k, v in alarms.items() if re.match(rf"Main.*{resource}\w*{alarm}Alarm", k)]
    return found


@pytest.fixture(scope="module")
def synthesized():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    chat = RealtimeEndpoint(stack, "Chat", source=SOURCE, instance_type="ml.inf2.xlarge")
    batch = AsyncInferenceEndpoint(stack, "Batch", source=SOURCE, instance_type="ml.inf2.xlarge")
    other = RealtimeEndpoint(stack, "Other", source=SOURCE, instance_type="ml.inf2.xlarge")
    team = sns.Topic(stack, "Team")
    default = SustainabilityMonitor(stack, "Main")
    chained = default.monitor_realtime_endpoint(
        chat,
        idle_alarm=IdleThreshold(after=cdk.Duration.hours(3), datapoints_to_alarm=2),
        low_utilization_alarm=LowUtilizationThreshold(
            percent=20, description="too big", action=AlarmActionStrategy.custom(OPS_ITEM)
        ),
    ).monitor_async_endpoint(
        batch,
        idle_alarm=IdleThreshold(enabled=False),
        backlog_without_capacity_alarm=BacklogWithoutCapacityThreshold(
            after=cdk.Duration.minutes(15)
        ),
    )
    quiet = SustainabilityMonitor(
        stack, "Quiet", alarm_action=AlarmActionStrategy.none()
    ).monitor_realtime_endpoint(other)
    loud = SustainabilityMonitor(
        stack, "Loud", alarm_action=AlarmActionStrategy.sns(team, on_ok=True)
    ).monitor_realtime_endpoint(chat)
    custom = SustainabilityMonitor(
        stack, "Custom", alarm_action=AlarmActionStrategy.custom(OPS_ITEM)
    ).monitor_realtime_endpoint(other)
    return {
        "template": Template.from_stack(stack).to_json(),
        "stack": stack,
        "chat": chat,
        "batch": batch,
        "team": team,
        "default": default,
        "chained": chained,
        "quiet": quiet,
        "loud": loud,
        "custom": custom,
    }


def test_monitor_calls_chain(synthesized) -> None:
    default = synthesized["default"]
    assert synthesized["chained"] is default
    assert [r.title.split(" (")[0] for r in default.monitored] == [
        "Endpoint S/Chat",
        "Endpoint S/Batch",
    ]
    assert set(default.resource(synthesized["batch"]).alarms) == {
        "low_utilization",
        "backlog_without_capacity",
    }
    with pytest.raises(ValueError, match="is not monitored by S/Main"):
        default.resource(synthesized["team"])


def test_default_action_notifies_a_new_encrypted_topic(synthesized) -> None:
    template, stack = synthesized["template"], synthesized["stack"]
    default = synthesized["default"]
    topic_id = stack.get_logical_id(default.alarm_topic.node.default_child)
    assert "KmsMasterKeyId" in template["Resources"][topic_id]["Properties"]
    idle = _one(_alarms(template, "Main"), "Chat", "Idle")
    assert idle["AlarmActions"] == [{"Ref": topic_id}]


def test_per_alarm_thresholds(synthesized) -> None:
    alarms = _alarms(synthesized["template"], "Main")
    idle = _one(alarms, "Chat", "Idle")
    assert (idle["EvaluationPeriods"], idle["DatapointsToAlarm"]) == (3, 2)
    low = _one(alarms, "Chat", "LowUtilization")
    assert (low["Threshold"], low["AlarmDescription"]) == (20, "too big")
    assert low["AlarmActions"] == [
        {
            "Fn::Join": [
                "",
                ["arn:", {"Ref": "AWS::Partition"}, ":ssm:eu-north-1:123456789012:opsitem:4"],
            ]
        }
    ]  # LOW
    assert not [k for k in alarms if "BatchIdle" in k]  # disabled
    backlog = _one(alarms, "Batch", "BacklogWithoutCapacity")
    assert backlog["EvaluationPeriods"] == 3  # 15 minutes of 5-minute periods


def test_action_strategies(synthesized) -> None:
    template, stack = synthesized["template"], synthesized["stack"]
    quiet = _alarms(template, "Quiet")
    assert len(quiet) == 2 and all("AlarmActions" not in a for a in quiet.values())
    assert synthesized["quiet"].alarm_topic is None
    assert not [k for k in template["Resources"] if k.startswith("QuietAlarm")]  # no topic made
    team = {"Ref": stack.get_logical_id(synthesized["team"].node.default_child)}
    for alarm in _alarms(template, "Loud").values():
        assert alarm["AlarmActions"] == [team] and alarm["OKActions"] == [team]
    assert synthesized["loud"].alarm_topic is synthesized["team"]
    for alarm in _alarms(template, "Custom").values():
        assert "opsitem" in str(alarm["AlarmActions"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {
                "idle_after": cdk.Duration.hours(2),
                "idle_alarm": IdleThreshold(after=cdk.Duration.hours(3)),
            },
            "idle_after, idle_alarm.after: give one",
        ),
        (
            {"idle_alarm": IdleThreshold(datapoints_to_alarm=7)},
            "datapoints_to_alarm of IdleAlarm must be a whole number from 1 to its 6 evaluation",
        ),
        (
            {"low_utilization_alarm": LowUtilizationThreshold(percent=100)},
            "low_utilization_percent must be a number between 0 and 100",
        ),
    ],
)
def test_bad_thresholds_name_the_property(kwargs, message) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    chat = RealtimeEndpoint(stack, "Chat", source=SOURCE, instance_type="ml.inf2.xlarge")
    with pytest.raises(ValueError, match=message):
        SustainabilityMonitor(stack, "M").monitor_realtime_endpoint(chat, **kwargs)


def test_bad_action_props_name_the_property() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    topic = sns.Topic(stack, "T")
    with pytest.raises(ValueError, match="alarm_action, alarm_topic: give one"):
        SustainabilityMonitor(
            stack, "A", alarm_topic=topic, alarm_action=AlarmActionStrategy.none()
        )
    with pytest.raises(TypeError, match="alarm_action must be an AlarmActionStrategy"):
        SustainabilityMonitor(stack, "B", alarm_action=topic)
    with pytest.raises(ValueError, match="give at least one cloudwatch.IAlarmAction"):
        AlarmActionStrategy.custom()
    with pytest.raises(TypeError, match="must be a cloudwatch.IAlarmAction"):
        AlarmActionStrategy.custom("arn:aws:sns:eu-north-1:123456789012:x")


def test_threshold_object_of_a_wrong_kind_is_a_type_error() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    chat = RealtimeEndpoint(stack, "Chat", source=SOURCE, instance_type="ml.inf2.xlarge")
    with pytest.raises(TypeError, match="idle_alarm must be a IdleThreshold"):
        SustainabilityMonitor(stack, "M").monitor_realtime_endpoint(
            chat, idle_alarm=LowUtilizationThreshold()
        )
    with pytest.raises(TypeError, match="datapoints_to_alarm of IdleAlarm must be a whole number"):
        SustainabilityMonitor(stack, "N").monitor_realtime_endpoint(
            chat, idle_alarm=IdleThreshold(datapoints_to_alarm="2")
        )
