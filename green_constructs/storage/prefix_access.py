"""Least-privilege access to one key prefix of a :class:`SustainableBucket`."""

from __future__ import annotations

import re

from aws_cdk import aws_iam as iam
from constructs import Construct

from .. import props
from ..nag.acknowledge import acknowledge
from ..nag.finding_names import resource_finding
from .sustainable_bucket import SustainableBucket

_PREFIX = re.compile(r"[^*?]+")
"""A key prefix: wildcards would widen the grant beyond it."""


def grant_prefix(
    grantee: iam.IGrantable,
    bucket: SustainableBucket,
    prefix: str,
    *,
    read: bool = False,
    write: bool = False,
) -> iam.Grant:
    """Let ``grantee`` read (get and list) and/or write (put) objects under ``prefix`` only,
    with the bucket key's matching KMS actions.

    Objects under a prefix have names known only at run time, so the grant needs the wildcard
    ``<prefix>*``; when ``grantee`` is a construct (a role) that wildcard is acknowledged on it
    for ``AwsSolutions-IAM5``, naming the prefix.
    """
    _check(grantee, bucket, prefix, read, write)
    objects = bucket.bucket.arn_for_objects(f"{prefix}*")
    actions = (["s3:GetObject"] if read else []) + (
        ["s3:PutObject", "s3:AbortMultipartUpload"] if write else []
    )
    grant = iam.Grant.add_to_principal(grantee=grantee, actions=actions, resource_arns=[objects])
    if read:
        grant = grant.combine(
            iam.Grant.add_to_principal(
                grantee=grantee,
                actions=["s3:ListBucket"],
                resource_arns=[bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{prefix}*"]}},
            )
        )
    key_actions = ["kms:Decrypt"] + (["kms:GenerateDataKey", "kms:Encrypt"] if write else [])
    grant = grant.combine(bucket.encryption_key.grant(grantee, *key_actions))
    if isinstance(grantee, Construct):
        acknowledge(
            grantee,
            "AwsSolutions-IAM5",
            f"Objects under {prefix} are named at run time; the grant reaches only that prefix "
            "of the bucket.",
            applies_to=[resource_finding(grantee, objects)],
        )
    return grant


def _check(grantee: object, bucket: object, prefix: object, read: object, write: object) -> None:
    """A ``TypeError`` or ``ValueError`` naming the argument; a token ``prefix`` is noted on
    ``bucket``."""
    props.implements("grantee", grantee, "grant_principal", "an iam.IGrantable (a role, ...)")
    checked = props.instance("bucket", bucket, SustainableBucket, "a SustainableBucket")
    if prefix != "":  # the whole bucket
        props.text(
            checked,
            "prefix",
            prefix,
            pattern=_PREFIX,
            allowed="a key prefix without '*' or '?' (e.g. 'train/', or '' for the whole bucket)",
        )
    for name, flag in (("read", read), ("write", write)):
        props.instance(name, flag, bool, "True or False")
    if not (read or write):
        raise ValueError("grant_prefix: ask for read, write or both")
