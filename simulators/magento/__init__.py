"""Fake Magento 2 (Adobe Commerce) REST API: stores, catalog, stock with MSI reservations, customers, orders.

- ``model``: :class:`~simulators.magento.model.MagentoModel`, the state of one namespace and the control
  plane's Python face, built from ``stores`` (websites, groups, views), ``catalog`` (products, stock,
  reservations), ``customers``, ``statuses`` (order states and statuses) and ``orders`` (orders,
  invoices, shipments, credit memos and Magento's transitions; ``entities`` reads and shapes the
  pieces of an order entity).
- ``wire``: the WSGI app with Magento's REST routes; ``companion`` the routes of the small module an
  external connector needs (admin system messages, inventory reservations); ``payloads`` the wire
  shapes; ``search`` Magento's ``searchCriteria``; ``errors`` Magento's error texts.
- ``control``: the HTTP control plane under ``/_sim/``.
"""
