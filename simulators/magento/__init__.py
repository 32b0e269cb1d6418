"""Fake Magento 2 (Adobe Commerce) REST API: stores, catalog, stock with MSI reservations, customers, orders.

- ``model``: :class:`~simulators.magento.model.MagentoModel`, the state of one namespace (no lock, no
  HTTP), built from ``stores`` (websites, groups, views), ``catalog`` (products, stock,
  reservations), ``customers``, ``statuses`` (order states and statuses) and ``orders`` (orders,
  invoices, shipments, credit memos and Magento's transitions; ``entities`` reads and shapes the
  pieces of an order entity).
- ``wire``: the WSGI app with Magento's REST routes as a table; ``companion`` the handlers of the small
  module an external connector needs (admin system messages, inventory reservations); ``payloads`` the
  wire shapes; ``search`` Magento's ``searchCriteria``; ``errors`` Magento's errors and their texts.
- ``control``: the control routes under ``/_sim/`` as a table.

Importing the package registers the service with the sandbox (:func:`simulators.sandbox.register`); the
Python control calls one part of the model answers are ``model.CALLS``.
"""

from simulators.magento.model import CALLS, MagentoModel
from simulators.magento.wire import MagentoApp
from simulators.sandbox import Service, register

SERVICE = register(Service("magento", lambda clock, seed: MagentoModel(clock), MagentoApp, CALLS))
