"""The ``GenAI`` pack: generative-AI sustainability checks; one rule a module.

Not checked, because no template can show it: Amazon Bedrock provisioned throughput (model
units paid for by the hour, with or without a commitment term). ``CreateProvisionedModelThroughput``
is an API call with no CloudFormation resource type: the ``AWS::Bedrock::*`` schemas bundled
with cfn-lint 1.58 (checked 2026-12-05) are Agent, AgentAlias, ApplicationInferenceProfile,
AutomatedReasoningPolicy(Version), Blueprint, DataAutomationLibrary, DataAutomationProject,
DataSource, EnforcedGuardrailConfiguration, Flow(Alias, Version), Guardrail(Version),
IntelligentPromptRouter, KnowledgeBase(Policy), Prompt(Version), ResourcePolicy,
RetrievalInstruction and Session. Model invocation logging is API-only too; its log group is
covered by ``Sustainability-LogGroupRetention``.
"""
