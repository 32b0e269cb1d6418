"""The reference connector: Amazon orders into Magento by the rule catalogue, over HTTP only.

It knows two base URLs and credentials per store, keeps its state in SQLite, and imports
nothing from ``simulators`` or ``harness``.
"""

from reference_impl.connector import Connector
from reference_impl.settings import OrderSettings, StoreConfig

__all__ = ["Connector", "OrderSettings", "StoreConfig"]
