"""The conformance scenarios: Gherkin feature files, one per area, tagged with rule IDs."""

from pathlib import Path

FEATURES_DIR = Path(__file__).resolve().parent
