"""Fake Amazon Selling Partner API: LWA, Tokens 2021-03-01, Orders v0 and 2026-01-01, Feeds 2021-06-30
(order acknowledgements).

- ``model.py``: sellers, marketplaces, orders and their rules (no HTTP); ``auth.py``: LWA apps, sellers'
  consents (refresh tokens), access tokens and Restricted Data Tokens; ``feeds.py``: feed documents and
  order acknowledgement processing; ``ratelimit.py``: usage plans as token buckets on the simulated clock;
  ``terms.py``: marketplaces, cancellation reasons, the timestamp form.
- ``wire.py``: the WSGI app (the SP-API routes as a table, auth, throttling); ``query.py``: order search
  parameters and page tokens; ``orders_2026.py``: the 2026-01-01 order shape.
- ``control.py``: the control routes under ``/_sim`` as a table; ``errors.py``: SP-API's and LWA's errors.

Importing the package registers the service with the sandbox (:func:`simulators.sandbox.register`).
"""

from simulators.amazon.model import AmazonModel
from simulators.amazon.wire import AmazonApp
from simulators.sandbox import Service, register

SERVICE = register(Service("amazon", lambda clock, seed: AmazonModel(clock, seed=seed), AmazonApp))
