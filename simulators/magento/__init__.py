"""Fake Magento 2 (Adobe Commerce) REST API: stores, catalog, stock, orders, admin messages."""
