"""green-constructs: AWS CDK constructs, rule packs and a lint CLI for sustainable generative AI.

Kept free of imports so the ``green-constructs`` CLI starts fast (no aws_cdk, jsii or boto3).
"""

__version__ = "0.1.0"
