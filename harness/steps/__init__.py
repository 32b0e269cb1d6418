"""The step library, grouped by domain. Every step acts on the World, never on raw HTTP."""

STEP_MODULES = (
    "harness.steps.store_steps",
    "harness.steps.catalog_steps",
    "harness.steps.amazon_steps",
    "harness.steps.connector_steps",
    "harness.steps.table_steps",
    "harness.steps.magento_steps",
)
