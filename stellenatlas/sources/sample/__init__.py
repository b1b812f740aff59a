"""Sample data source ("Beispieldaten"): deterministic, realistic German job postings for offline demos."""

from stellenatlas.sources.sample.generate import SOURCE, SOURCE_LABEL, generate, load_places

__all__ = ["SOURCE", "SOURCE_LABEL", "generate", "load_places"]
