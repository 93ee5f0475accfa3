"""The ``Sustainability`` pack: AWS Sustainability Scanner 1.3.0 checks and more; one rule a module."""
