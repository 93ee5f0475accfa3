"""Content the rules cannot read whatever they check: kept outside the template or made by code.

Each is recorded on the context as not evaluated, so that a template's silence means "checked".
Values read by rules but decided at deploy time are recorded by the engine; content a rule fails
to parse (a pipeline body, a state machine definition) by the rule's own helpers.
"""

from __future__ import annotations

from .context import TemplateContext, is_custom_resource

CDK_HOUSEKEEPING = frozenset(
    {
        "Custom::AWSCDKCfnJson",
        "Custom::AWSCDKCfnJsonStringify",
        "Custom::AWSCDKOpenIdConnectProvider",
        "Custom::CDKBucketDeployment",
        "Custom::CloudwatchLogResourcePolicy",
        "Custom::CrossRegionExportReader",
        "Custom::CrossRegionExportWriter",
        "Custom::CrossRegionStringParameterReader",
        "Custom::ECRAutoDeleteImages",
        "Custom::ElasticsearchAccessPolicy",
        "Custom::LogRetention",
        "Custom::OpenSearchAccessPolicy",
        "Custom::S3AutoDeleteObjects",
        "Custom::S3BucketNotifications",
        "Custom::SyntheticsAutoDeleteUnderlyingResources",
        "Custom::VpcRestrictDefaultSG",
    }
)
"""aws-cdk-lib's own custom resource types (the ``resourceType`` strings of its JavaScript,
2.275) that copy or delete objects, set policies, retention or notifications, or pass values
between stacks: they create no compute or storage the rules would judge, so they are not
listed. Others (``Custom::AWS``, ``Custom::Trigger``, users' own) are."""

_EXTERNAL_CONTENT = {
    "AWS::StepFunctions::StateMachine": (
        "DefinitionS3Location",
        "the state machine definition is not in the template: its SageMaker jobs are not checked",
    ),
    "AWS::SageMaker::Pipeline": (
        "PipelineDefinition.PipelineDefinitionS3Location",
        "the pipeline definition is not in the template: its steps are not checked",
    ),
}


def note_unreadable_content(context: TemplateContext) -> None:
    """Record custom resources and definitions stored outside the template."""
    for resource_type in context.resource_types():
        if is_custom_resource(resource_type) and resource_type not in CDK_HOUSEKEEPING:
            for resource in context.of_type(resource_type):
                context.not_evaluated(
                    resource,
                    "",
                    "custom resource: what its provider creates or changes is not in the template",
                )
        external = _EXTERNAL_CONTENT.get(resource_type)
        if external is not None:
            for resource in context.of_type(resource_type):
                if resource.get(external[0]) is not None:
                    context.not_evaluated(resource, external[0], external[1])
