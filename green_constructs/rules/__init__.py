"""The rule engine: pure Python over plain template data, shared by every front end."""

from .context import TemplateContext
from .engine import evaluate, evaluate_context
from .model import Finding, NotEvaluated, Resource, Rule, RuleSettings, Severity
from .registry import PACKS, RuleSelection, all_rules, get_rule, rule, select_rules, selection

__all__ = [
    "PACKS",
    "Finding",
    "NotEvaluated",
    "Resource",
    "Rule",
    "RuleSelection",
    "RuleSettings",
    "Severity",
    "TemplateContext",
    "all_rules",
    "evaluate",
    "evaluate_context",
    "get_rule",
    "rule",
    "select_rules",
    "selection",
]
