"""Rule id to (module, resource types): what the lint imports for a given input.

Generated from the rule modules by :func:`green_constructs.rules.registry.write_index`
(``make docs``); ``tests/rules/test_index.py`` fails when it is out of date.
"""

from __future__ import annotations

RULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "GenAI-AsyncFailureHandling": (
        "genai.async_failure_handling",
        ("AWS::SageMaker::EndpointConfig",),
    ),
    "GenAI-AsyncScaleToZero": ("genai.async_scale_to_zero", ("AWS::SageMaker::Endpoint",)),
    "GenAI-BatchGpuSpot": ("genai.batch_gpu_spot", ("AWS::Batch::ComputeEnvironment",)),
    "GenAI-DataCaptureSampling": (
        "genai.data_capture_sampling",
        ("AWS::SageMaker::EndpointConfig",),
    ),
    "GenAI-Ec2GpuAlwaysOn": (
        "genai.ec2_gpu_always_on",
        ("AWS::EC2::Instance", "AWS::EC2::LaunchTemplate", "AWS::AutoScaling::AutoScalingGroup"),
    ),
    "GenAI-EndpointAutoScaling": ("genai.endpoint_auto_scaling", ("AWS::SageMaker::Endpoint",)),
    "GenAI-EndpointMonitoring": ("genai.endpoint_monitoring", ("AWS::SageMaker::Endpoint",)),
    "GenAI-HyperPodIdleGpus": ("genai.hyperpod_idle_gpus", ("AWS::SageMaker::Cluster",)),
    "GenAI-InferenceAccelerator": (
        "genai.inference_accelerator",
        (
            "AWS::SageMaker::EndpointConfig",
            "AWS::SageMaker::InferenceComponent",
            "AWS::StepFunctions::StateMachine",
            "AWS::SageMaker::Pipeline",
        ),
    ),
    "GenAI-KnowledgeBaseVectorStore": (
        "genai.knowledge_base_vector_store",
        ("AWS::Bedrock::KnowledgeBase",),
    ),
    "GenAI-ManagedSpotTraining": (
        "genai.managed_spot_training",
        ("AWS::StepFunctions::StateMachine", "AWS::SageMaker::Pipeline"),
    ),
    "GenAI-ModelPrecision": ("genai.model_precision", ("AWS::SageMaker::Model",)),
    "GenAI-NotebookIdleShutdown": (
        "genai.notebook_idle_shutdown",
        (
            "AWS::SageMaker::NotebookInstance",
            "AWS::SageMaker::Domain",
            "AWS::SageMaker::Space",
            "AWS::SageMaker::App",
        ),
    ),
    "GenAI-PreviousGeneration": (
        "genai.previous_generation",
        (
            "AWS::SageMaker::EndpointConfig",
            "AWS::SageMaker::NotebookInstance",
            "AWS::StepFunctions::StateMachine",
            "AWS::SageMaker::Pipeline",
            "AWS::SageMaker::Cluster",
            "AWS::Batch::ComputeEnvironment",
        ),
    ),
    "GenAI-RegionCarbonIntensity": (
        "genai.region_carbon_intensity",
        (
            "AWS::SageMaker::EndpointConfig",
            "AWS::SageMaker::InferenceComponent",
            "AWS::SageMaker::NotebookInstance",
            "AWS::StepFunctions::StateMachine",
            "AWS::SageMaker::Pipeline",
            "AWS::SageMaker::Cluster",
            "AWS::Batch::ComputeEnvironment",
            "AWS::EC2::Instance",
            "AWS::EC2::LaunchTemplate",
            "AWS::AutoScaling::AutoScalingGroup",
            "AWS::Bedrock::Agent",
            "AWS::Bedrock::KnowledgeBase",
            "AWS::Bedrock::Flow",
        ),
    ),
    "GenAI-ScalingMetricDimensions": (
        "genai.scaling_metric_dimensions",
        ("AWS::CloudWatch::Alarm", "AWS::ApplicationAutoScaling::ScalingPolicy"),
    ),
    "GenAI-ShadowVariants": ("genai.shadow_variants", ("AWS::SageMaker::EndpointConfig",)),
    "GenAI-TrainingAccelerator": (
        "genai.training_accelerator",
        (
            "AWS::StepFunctions::StateMachine",
            "AWS::SageMaker::Pipeline",
            "AWS::SageMaker::Cluster",
            "AWS::Batch::ComputeEnvironment",
        ),
    ),
    "GenAI-TrainingCheckpoint": (
        "genai.training_checkpoint",
        ("AWS::StepFunctions::StateMachine", "AWS::SageMaker::Pipeline"),
    ),
    "GenAI-TrainingStoppingCondition": (
        "genai.training_stopping_condition",
        ("AWS::StepFunctions::StateMachine", "AWS::SageMaker::Pipeline"),
    ),
    "GenAI-VectorSearchStandbyReplicas": (
        "genai.vector_search_standby_replicas",
        ("AWS::OpenSearchServerless::Collection",),
    ),
    "Sustainability-ApiGatewayCompression": (
        "sustainability.api_gateway_compression",
        ("AWS::ApiGateway::RestApi",),
    ),
    "Sustainability-BatchMinvCpus": (
        "sustainability.batch_minv_cpus",
        ("AWS::Batch::ComputeEnvironment",),
    ),
    "Sustainability-CloudFrontCacheTtl": (
        "sustainability.cloudfront_cache_ttl",
        ("AWS::CloudFront::CachePolicy", "AWS::CloudFront::Distribution"),
    ),
    "Sustainability-CloudFrontCompression": (
        "sustainability.cloudfront_compression",
        ("AWS::CloudFront::Distribution",),
    ),
    "Sustainability-CodeGuruReviewer": (
        "sustainability.codeguru_reviewer",
        ("AWS::CodeCommit::Repository",),
    ),
    "Sustainability-EbsVolumeType": (
        "sustainability.ebs_volume_type",
        (
            "AWS::EC2::Volume",
            "AWS::EC2::Instance",
            "AWS::EC2::LaunchTemplate",
            "AWS::AutoScaling::LaunchConfiguration",
        ),
    ),
    "Sustainability-Ec2PreviousGeneration": (
        "sustainability.ec2_previous_generation",
        (
            "AWS::EC2::Instance",
            "AWS::EC2::LaunchTemplate",
            "AWS::AutoScaling::LaunchConfiguration",
            "AWS::AutoScaling::AutoScalingGroup",
            "AWS::EC2::EC2Fleet",
            "AWS::EC2::SpotFleet",
            "AWS::EMR::Cluster",
            "AWS::EMR::InstanceGroupConfig",
            "AWS::EMR::InstanceFleetConfig",
        ),
    ),
    "Sustainability-EcrLifecyclePolicy": (
        "sustainability.ecr_lifecycle_policy",
        ("AWS::ECR::Repository",),
    ),
    "Sustainability-EmrSpotInstances": (
        "sustainability.emr_spot_instances",
        ("AWS::EMR::InstanceGroupConfig", "AWS::EMR::InstanceFleetConfig", "AWS::EMR::Cluster"),
    ),
    "Sustainability-GlueJobCapacity": ("sustainability.glue_job_capacity", ("AWS::Glue::Job",)),
    "Sustainability-GlueJobTimeout": ("sustainability.glue_job_timeout", ("AWS::Glue::Job",)),
    "Sustainability-LambdaGraviton": ("sustainability.lambda_graviton", ("AWS::Lambda::Function",)),
    "Sustainability-LogGroupRetention": (
        "sustainability.log_group_retention",
        ("AWS::Logs::LogGroup",),
    ),
    "Sustainability-RdsGraviton": ("sustainability.rds_graviton", ("AWS::RDS::DBInstance",)),
    "Sustainability-RdsPerformanceInsights": (
        "sustainability.rds_performance_insights",
        ("AWS::RDS::DBInstance",),
    ),
    "Sustainability-RdsPreviousGeneration": (
        "sustainability.rds_previous_generation",
        ("AWS::RDS::DBInstance",),
    ),
    "Sustainability-S3BucketLifecycle": (
        "sustainability.s3_bucket_lifecycle",
        ("AWS::S3::Bucket",),
    ),
    "Sustainability-S3NoncurrentVersionExpiration": (
        "sustainability.s3_noncurrent_version_expiration",
        ("AWS::S3::Bucket",),
    ),
    "Sustainability-SshIngress": (
        "sustainability.ssh_ingress",
        ("AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"),
    ),
}
