"""The conformance harness: runs the Gherkin rules against any connector through the adapter contract."""
