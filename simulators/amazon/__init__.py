"""Fake Amazon Selling Partner API: LWA, Tokens 2021-03-01, Orders v0 and 2026-01-01, Feeds 2021-06-30
(order acknowledgements).

- ``model.py``: sellers, marketplaces, orders and their rules (no HTTP); ``auth.py``: LWA apps, sellers'
  consents (refresh tokens), access tokens and Restricted Data Tokens; ``feeds.py``: feed documents and
  order acknowledgement processing; ``ratelimit.py``: usage plans as token buckets on the simulated clock.
- ``wire.py``: the WSGI app (routes, auth, throttling, control routes); ``query.py``: order search
  parameters and page tokens; ``orders_2026.py``: the 2026-01-01 order shape.
"""
