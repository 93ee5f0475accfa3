"""Writes a deterministic 500-resource CloudFormation template for the lint benchmarks.

The template mixes the resource types that both the AWS Sustainability Scanner and our
``Sustainability``/``GenAI`` packs check (log groups, S3 buckets, Lambda functions, RDS instances,
API Gateway REST APIs, security groups, EMR, Glue jobs, CloudFront, EC2 volumes, SageMaker models,
endpoint configs, endpoints and their scalable targets), some compliant and some not, with the intrinsics a synthesized
template has (``Ref``, ``Fn::GetAtt``, ``Fn::Join``, ``Fn::Sub``) and CDK-style metadata.

It is built from 20 blocks of 25 resources; block ``i`` picks its variants from ``i`` alone, so
the output is byte-identical on every run and machine.

    python benchmarks/generate_template.py [OUT.json] [--resources N]

``N`` must be a multiple of 25 (default 500). Without ``OUT`` the template goes to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

BLOCK_SIZE = 25
DEFAULT_RESOURCES = 500

_LAMBDA_RUNTIMES = ("python3.12", "nodejs22.x", "python3.11")
_RDS_CLASSES = ("db.r6g.large", "db.m5.large", "db.t4g.medium", "db.r5.xlarge")
_GPU_INSTANCES = ("ml.g5.xlarge", "ml.p4d.24xlarge", "ml.g4dn.2xlarge")
_INF_INSTANCES = ("ml.inf2.xlarge", "ml.inf2.8xlarge")
_IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1.2-optimum0.0.27-neuronx-py310-ubuntu22.04"


def _meta(path: str) -> dict[str, Any]:
    return {"aws:cdk:path": f"Bench/{path}/Resource"}


def _block(i: int) -> dict[str, dict[str, Any]]:
    """The 25 resources of block ``i``."""
    b = f"B{i:02d}"
    res: dict[str, dict[str, Any]] = {}

    def add(name: str, type_: str, props: dict[str, Any], **extra: Any) -> str:
        logical_id = f"{b}{name}"
        res[logical_id] = {
            "Type": type_,
            "Properties": props,
            **extra,
            "Metadata": _meta(logical_id),
        }
        return logical_id

    # --- CloudWatch log groups (3): one with retention, one without, one alternating ----------
    add(
        "AppLogs", "AWS::Logs::LogGroup", {"LogGroupName": f"/bench/{b}/app", "RetentionInDays": 14}
    )
    add("AuditLogs", "AWS::Logs::LogGroup", {"LogGroupName": f"/bench/{b}/audit"})
    debug: dict[str, Any] = {"LogGroupName": f"/bench/{b}/debug"}
    if i % 2:
        debug["RetentionInDays"] = 7
    add("DebugLogs", "AWS::Logs::LogGroup", debug)

    # --- S3 buckets (3) ------------------------------------------------------------------------
    add(
        "DataBucket",
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}
                ]
            },
            "LifecycleConfiguration": {
                "Rules": [
                    {
                        "Id": "tiering",
                        "Status": "Enabled",
                        "Transitions": [
                            {"StorageClass": "INTELLIGENT_TIERING", "TransitionInDays": 0}
                        ],
                        "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                    }
                ]
            },
            "VersioningConfiguration": {"Status": "Enabled"},
        },
        UpdateReplacePolicy="Retain",
        DeletionPolicy="Retain",
    )
    add("ScratchBucket", "AWS::S3::Bucket", {"Tags": [{"Key": "block", "Value": b}]})
    artifacts: dict[str, Any] = {"VersioningConfiguration": {"Status": "Enabled"}}
    if i % 3 == 0:
        artifacts["LifecycleConfiguration"] = {
            "Rules": [{"Status": "Enabled", "ExpirationInDays": 90}]
        }
    add("ArtifactBucket", "AWS::S3::Bucket", artifacts)

    # --- IAM role + Lambda functions (1 + 3) -------------------------------------------------
    role = add(
        "FnRole",
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                    }
                ],
                "Version": "2012-10-17",
            },
            "ManagedPolicyArns": [
                {
                    "Fn::Join": [
                        "",
                        [
                            "arn:",
                            {"Ref": "AWS::Partition"},
                            ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                        ],
                    ]
                }
            ],
        },
    )
    for n, arch in enumerate((["arm64"], ["x86_64"], None)):
        props: dict[str, Any] = {
            "Code": {"ZipFile": "def handler(event, context):\n    return event\n"},
            "Handler": "index.handler",
            "Role": {"Fn::GetAtt": [role, "Arn"]},
            "Runtime": _LAMBDA_RUNTIMES[(i + n) % len(_LAMBDA_RUNTIMES)],
            "MemorySize": (128, 1024, 3008)[(i + n) % 3],
            "Timeout": 30,
            "Environment": {"Variables": {"BUCKET": {"Ref": f"{b}DataBucket"}}},
        }
        if arch is not None:
            props["Architectures"] = arch
        add(f"Fn{n}", "AWS::Lambda::Function", props)

    # --- RDS (2) -------------------------------------------------------------------------------
    for n in range(2):
        props = {
            "DBInstanceClass": _RDS_CLASSES[(i + 2 * n) % len(_RDS_CLASSES)],
            "Engine": "postgres",
            "AllocatedStorage": "100",
            "StorageType": "gp3" if n == 0 else "gp2",
            "MasterUsername": "bench",
            "ManageMasterUserPassword": True,
        }
        if (i + n) % 2 == 0:
            props["EnablePerformanceInsights"] = True
        add(
            f"Db{n}",
            "AWS::RDS::DBInstance",
            props,
            DeletionPolicy="Snapshot",
            UpdateReplacePolicy="Snapshot",
        )

    # --- API Gateway REST API (1): compression in range, out of range, or absent ----------------
    api: dict[str, Any] = {"Name": f"bench-{b}"}
    compression = (1024, None, 10, 4096)[i % 4]
    if compression is not None:
        api["MinimumCompressionSize"] = compression
    add("Api", "AWS::ApiGateway::RestApi", api)

    # --- Security groups (2): one opens SSH, one HTTPS only ------------------------------------
    add(
        "SshSg",
        "AWS::EC2::SecurityGroup",
        {
            "GroupDescription": "admin access",
            "SecurityGroupIngress": [
                {
                    "IpProtocol": "tcp",
                    "FromPort": 22 if i % 2 == 0 else 20,
                    "ToPort": 22 if i % 2 == 0 else 30,
                    "CidrIp": "10.0.0.0/8",
                }
            ],
            "VpcId": "vpc-0123456789abcdef0",
        },
    )
    add(
        "WebSg",
        "AWS::EC2::SecurityGroup",
        {
            "GroupDescription": "web",
            "SecurityGroupIngress": [
                {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}
            ],
            "VpcId": "vpc-0123456789abcdef0",
        },
    )

    # --- EMR cluster + task instance group (2) -------------------------------------------------
    cluster = add(
        "Emr",
        "AWS::EMR::Cluster",
        {
            "Name": f"bench-{b}",
            "ReleaseLabel": "emr-7.1.0",
            "JobFlowRole": "EMR_EC2_DefaultRole",
            "ServiceRole": "EMR_DefaultRole",
            "Instances": {
                "MasterInstanceGroup": {
                    "InstanceCount": 1,
                    "InstanceType": "m6g.xlarge" if i % 2 else "m5.xlarge",
                },
                "CoreInstanceGroup": {
                    "InstanceCount": 2,
                    "InstanceType": "r6g.xlarge" if i % 2 else "r5.xlarge",
                    **({"Market": "SPOT"} if i % 3 == 0 else {}),
                },
            },
        },
    )
    task: dict[str, Any] = {
        "InstanceCount": 4,
        "InstanceRole": "TASK",
        "InstanceType": "c6g.2xlarge" if i % 2 else "c5.2xlarge",
        "JobFlowId": {"Ref": cluster},
    }
    if i % 2 == 0:
        task["Market"] = "SPOT"
        task["BidPrice"] = "0.20"
    add("EmrTasks", "AWS::EMR::InstanceGroupConfig", task)

    # --- Glue job (1) -------------------------------------------------------------------------
    glue: dict[str, Any] = {
        "Command": {
            "Name": "glueetl",
            "ScriptLocation": {"Fn::Sub": f"s3://${{{b}ArtifactBucket}}/etl.py"},
        },
        "Role": {"Fn::GetAtt": [role, "Arn"]},
        "GlueVersion": "4.0",
    }
    if i % 2 == 0:
        glue.update({"Timeout": 60, "WorkerType": "G.1X", "NumberOfWorkers": 4})
    else:
        glue.update({"WorkerType": "G.2X"})
    add("Etl", "AWS::Glue::Job", glue)

    # --- CloudFront cache policy + distribution (2) --------------------------------------------
    policy = add(
        "CachePolicy",
        "AWS::CloudFront::CachePolicy",
        {
            "CachePolicyConfig": {
                "Name": f"bench-{b}",
                "DefaultTTL": 86400 if i % 2 == 0 else 60,
                "MaxTTL": 31536000,
                "MinTTL": 0,
                "ParametersInCacheKeyAndForwardedToOrigin": {
                    "CookiesConfig": {"CookieBehavior": "none"},
                    "HeadersConfig": {"HeaderBehavior": "none"},
                    "QueryStringsConfig": {"QueryStringBehavior": "none"},
                    "EnableAcceptEncodingGzip": True,
                    "EnableAcceptEncodingBrotli": True,
                },
            }
        },
    )
    behavior: dict[str, Any] = {
        "TargetOriginId": "origin",
        "ViewerProtocolPolicy": "redirect-to-https",
        "CachePolicyId": {"Ref": policy},
    }
    if i % 2 == 0:
        behavior["Compress"] = True
    add(
        "Cdn",
        "AWS::CloudFront::Distribution",
        {
            "DistributionConfig": {
                "Enabled": True,
                "DefaultCacheBehavior": behavior,
                "CacheBehaviors": [
                    {**behavior, "PathPattern": "/static/*", "Compress": i % 3 != 1}
                ],
                "Origins": [
                    {
                        "Id": "origin",
                        "DomainName": {"Fn::GetAtt": [f"{b}DataBucket", "RegionalDomainName"]},
                        "S3OriginConfig": {},
                    }
                ],
            }
        },
    )

    # --- EC2 volume (1) -------------------------------------------------------------------------
    add(
        "Volume",
        "AWS::EC2::Volume",
        {
            "AvailabilityZone": "us-east-1a",
            "Size": 200,
            "VolumeType": ("gp3", "gp2", "io1", "st1")[i % 4],
            **({"Iops": 3000} if i % 4 == 2 else {}),
        },
    )

    # --- SageMaker model, endpoint config, endpoint (3) ----------------------------------------
    model = add(
        "Model",
        "AWS::SageMaker::Model",
        {
            "ExecutionRoleArn": {"Fn::GetAtt": [role, "Arn"]},
            "PrimaryContainer": {
                "Image": _IMAGE,
                "ModelDataUrl": {"Fn::Sub": f"s3://${{{b}DataBucket}}/model.tar.gz"},
                "Environment": {"HF_MODEL_ID": "meta-llama/Llama-3.1-8B-Instruct"},
            },
        },
    )
    variant = {
        "ModelName": {"Fn::GetAtt": [model, "ModelName"]},
        "VariantName": "AllTraffic",
        "InitialVariantWeight": 1,
    }
    kind = i % 5
    config: dict[str, Any]
    if kind == 0:  # real-time on GPUs
        config = {
            "ProductionVariants": [
                {**variant, "InstanceType": _GPU_INSTANCES[i % 3], "InitialInstanceCount": 2}
            ]
        }
    elif kind == 1:  # real-time on Inferentia2
        config = {
            "ProductionVariants": [
                {**variant, "InstanceType": _INF_INSTANCES[i % 2], "InitialInstanceCount": 1}
            ]
        }
    elif kind == 2:  # async, failure path and error topic set
        config = {
            "ProductionVariants": [
                {**variant, "InstanceType": "ml.inf2.xlarge", "InitialInstanceCount": 1}
            ],
            "AsyncInferenceConfig": {
                "OutputConfig": {
                    "S3OutputPath": {"Fn::Sub": f"s3://${{{b}DataBucket}}/out/"},
                    "S3FailurePath": {"Fn::Sub": f"s3://${{{b}DataBucket}}/failed/"},
                    "NotificationConfig": {
                        "ErrorTopic": {
                            "Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:errors"
                        }
                    },
                },
                "ClientConfig": {"MaxConcurrentInvocationsPerInstance": 4},
            },
        }
    elif kind == 3:  # async without failure handling, on GPUs
        config = {
            "ProductionVariants": [
                {**variant, "InstanceType": "ml.g5.2xlarge", "InitialInstanceCount": 1}
            ],
            "AsyncInferenceConfig": {
                "OutputConfig": {"S3OutputPath": {"Fn::Sub": f"s3://${{{b}DataBucket}}/out/"}}
            },
        }
    else:  # serverless
        config = {
            "ProductionVariants": [
                {**variant, "ServerlessConfig": {"MaxConcurrency": 5, "MemorySizeInMB": 4096}}
            ]
        }
    endpoint_config = add("EndpointConfig", "AWS::SageMaker::EndpointConfig", config)
    endpoint = add(
        "Endpoint",
        "AWS::SageMaker::Endpoint",
        {"EndpointConfigName": {"Fn::GetAtt": [endpoint_config, "EndpointConfigName"]}},
    )

    # --- Application Auto Scaling target of the endpoint's variant (1) ------------------------
    # Async endpoints may scale to zero (kind 2 does, kind 3 does not); real-time ones keep 1.
    add(
        "EndpointScaling",
        "AWS::ApplicationAutoScaling::ScalableTarget",
        {
            "MaxCapacity": 4,
            "MinCapacity": 0 if kind == 2 else 1,
            "ResourceId": {
                "Fn::Join": [
                    "",
                    [
                        "endpoint/",
                        {"Fn::GetAtt": [endpoint, "EndpointName"]},
                        "/variant/AllTraffic",
                    ],
                ]
            },
            "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
            "ServiceNamespace": "sagemaker",
        },
    )

    assert len(res) == BLOCK_SIZE, len(res)
    return res


def generate(resources: int = DEFAULT_RESOURCES) -> dict[str, Any]:
    """The benchmark template as a dict (``resources`` must be a multiple of 25)."""
    if resources <= 0 or resources % BLOCK_SIZE:
        raise ValueError(f"resources must be a positive multiple of {BLOCK_SIZE}, got {resources}")
    body: dict[str, Any] = {}
    for i in range(resources // BLOCK_SIZE):
        body.update(_block(i))
    return {
        "Description": f"green-constructs benchmark template ({resources} resources)",
        "Resources": body,
        "Parameters": {
            "BootstrapVersion": {
                "Type": "AWS::SSM::Parameter::Value<String>",
                "Default": "/cdk-bootstrap/hnb659fds/version",
            }
        },
        "Rules": {
            "CheckBootstrapVersion": {
                "Assertions": [
                    {
                        "Assert": {
                            "Fn::Not": [
                                {
                                    "Fn::Contains": [
                                        ["1", "2", "3", "4", "5"],
                                        {"Ref": "BootstrapVersion"},
                                    ]
                                }
                            ]
                        },
                        "AssertDescription": "CDK bootstrap stack version 6 required.",
                    }
                ]
            }
        },
    }


def render(resources: int = DEFAULT_RESOURCES) -> str:
    """The template as JSON text, laid out as ``cdk synth`` writes it (indent 1)."""
    return json.dumps(generate(resources), indent=1) + "\n"


def write(path: Path, resources: int = DEFAULT_RESOURCES) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(resources), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, help="output file (default: stdout)")
    parser.add_argument("--resources", type=int, default=DEFAULT_RESOURCES)
    args = parser.parse_args(argv)
    try:
        text = render(args.resources)
    except ValueError as exc:
        parser.error(str(exc))
    if args.out is None:
        sys.stdout.write(text)
    else:
        write(args.out, args.resources)
        print(f"{args.out}: {args.resources} resources", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
