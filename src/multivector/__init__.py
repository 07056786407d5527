"""multivector: structured, measurable evidence from articles about a country's foreign policy.

The Python API mirrors the CLI: `extract` streams one `Extraction` (or `Skip`) per article,
`analyze` stores them, `Store` opens the database.
"""

from .api import RunSummary, analyze, extract, make_resources
from .errors import ConfigError, InputError, MultivectorError, PipelineError, StoreError
from .ingest import IngestOptions, read_articles
from .pipeline import Pipeline, Resources, build_pipeline
from .records import Article, Extraction, Skip
from .store import Store

__all__ = [
    "Article",
    "ConfigError",
    "Extraction",
    "IngestOptions",
    "InputError",
    "MultivectorError",
    "Pipeline",
    "PipelineError",
    "Resources",
    "RunSummary",
    "Skip",
    "Store",
    "StoreError",
    "analyze",
    "build_pipeline",
    "extract",
    "make_resources",
    "read_articles",
]
__version__ = "0.1.0"
