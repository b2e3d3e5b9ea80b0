"""shadowspend recognition engine: merchant descriptor -> vendor, software or not, category, why.

A pure library (no database, no settings, no ``app`` import). Entry points::

    from classifiers import Classifier
    result = Classifier().classify("PADDLE.NET* INCOGNI", mcc="5818")
    result.vendor_name, result.is_software, result.matched_by, result.explanation
"""

from __future__ import annotations

from classifiers.catalog import Catalog
from classifiers.classifier import CLASSIFIER_VERSION, Classifier
from classifiers.csvio import MissingColumnError, classify_csv, read_descriptors
from classifiers.evaluation import EvaluationReport, evaluate
from classifiers.models import Classification, MatchRule, Vendor
from classifiers.normalise import normalise, parse
from classifiers.taxonomy import CATEGORIES

__all__ = [
    "CATEGORIES",
    "CLASSIFIER_VERSION",
    "Catalog",
    "Classification",
    "Classifier",
    "EvaluationReport",
    "MatchRule",
    "MissingColumnError",
    "Vendor",
    "classify_csv",
    "evaluate",
    "normalise",
    "parse",
    "read_descriptors",
]
