"""The reference connector: Amazon orders into Magento by the rule catalogue, over HTTP only.

It knows two base URLs and credentials per store, keeps its state in SQLite, and imports
nothing from ``simulators`` or ``harness``. ``__all__`` is its public surface: the connector, its
settings, and the seams a variant builds on (one store's sync, the HTTP clients, their error, a row
of the Amazon orders table, the Seller Central link); the harness imports nothing else.
"""

from reference_impl.amazon_api import AmazonClient
from reference_impl.connector import SELLER_CENTRAL, Connector
from reference_impl.http_errors import RemoteError
from reference_impl.magento_api import MagentoClient
from reference_impl.settings import OrderSettings, StoreConfig
from reference_impl.storage import OrderRow
from reference_impl.sync import StoreSync

__all__ = [
    "SELLER_CENTRAL",
    "AmazonClient",
    "Connector",
    "MagentoClient",
    "OrderRow",
    "OrderSettings",
    "RemoteError",
    "StoreConfig",
    "StoreSync",
]
