"""Resources paired with their logical ids by tree order, and Aspect visits applied by stack."""

from __future__ import annotations

import aws_cdk as cdk
import jsii
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct, IConstruct

from green_constructs.nag.tree_order import jsii_key, logical_ids, own_resources
from green_constructs.nag.visits import Visits


def _app() -> tuple[cdk.App, cdk.Stack, cdk.Stack]:
    app = cdk.App()
    stack = cdk.Stack(app, "Main")
    logs.LogGroup(stack, "Logs")
    group = Construct(stack, "Group")
    sqs.Queue(
        group,
        "Queue",
        dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=sqs.Queue(group, "Dlq")),
    )
    cdk.CfnResource(stack, "Custom", type="Custom::Thing", properties={"ServiceToken": "arn"})
    nested = cdk.NestedStack(stack, "Nested")
    s3.Bucket(nested, "Bucket")
    s3.CfnBucket(stack, "After")
    other = cdk.Stack(app, "Other")
    logs.LogGroup(other, "More")
    return app, stack, nested


def _template(stack: cdk.Stack) -> list[tuple[str, str]]:
    resources = cdk.assertions.Template.from_stack(stack).to_json()["Resources"]
    return [(logical_id, body["Type"]) for logical_id, body in resources.items()]


def test_tree_order_gives_each_resource_its_logical_id() -> None:
    app, stack, nested = _app()
    for scope in (stack, nested):
        template = _template(scope)
        paired = logical_ids(scope, template)
        assert paired is not None and len(paired) == len(template)
        for resource in own_resources(scope):
            assert paired[jsii_key(resource)] == scope.resolve(scope.get_logical_id(resource))
    kinds = [kind for _, kind in _template(stack)]
    assert kinds.count("AWS::S3::Bucket") == 1  # After; the nested stack's is in its own


def test_no_pairing_when_the_template_differs() -> None:
    _, stack, _ = _app()
    template = _template(stack)
    assert logical_ids(stack, template[:-1]) is None
    swapped = [template[1], template[0], *template[2:]]
    assert swapped[0][1] != swapped[1][1]
    assert logical_ids(stack, swapped) is None


@jsii.implements(cdk.IAspect)
class _Aspect:
    def __init__(self, visits: Visits) -> None:
        self._visits = visits

    def visit(self, node: IConstruct) -> None:
        self._visits.visit(node)


def _applied(*scopes: str) -> dict[str, list[str]]:
    app, _, _ = _app()
    seen: dict[str, list[str]] = {}
    visits = Visits(
        lambda stack, nodes: seen.setdefault(stack.node.path, []).extend(n.node.path for n in nodes)
    )
    for path in scopes:
        scope = app.node.find_child(path.split("/")[0])
        for part in path.split("/")[1:]:
            scope = scope.node.find_child(part)
        cdk.Aspects.of(scope).add(_Aspect(visits))
    app.synth()
    return seen


def test_a_visited_stack_is_applied_whole_in_tree_order() -> None:
    seen = _applied("Main")
    assert seen["Main"] == [
        "Main/Logs/Resource",
        "Main/Group/Dlq/Resource",
        "Main/Group/Queue/Resource",
        "Main/Custom",
        "Main/Nested.NestedStack/Nested.NestedStackResource",
        "Main/After",
    ]
    assert seen["Main/Nested"] == ["Main/Nested/Bucket/Resource"]
    assert "Other" not in seen


def test_resources_below_a_stack_and_in_several_scopes_are_applied() -> None:
    assert _applied("Main/Group") == {
        "Main": ["Main/Group/Dlq/Resource", "Main/Group/Queue/Resource"]
    }
    assert _applied("Other", "Main/Group") == {
        "Other": ["Other/More/Resource"],
        "Main": ["Main/Group/Dlq/Resource", "Main/Group/Queue/Resource"],
    }
