"""Customer accounts: one per email and website (Magento's default "per website" account sharing)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from simulators.clock import SimClock
from simulators.magento.errors import DUPLICATE_EMAIL, INVALID_EMAIL, NO_SUCH_ENTITY, bad_request, not_found, required
from simulators.magento.stores import StoreTree

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
GENERAL_GROUP = 1


@dataclass
class CustomerBook:
    """Customers by ID, with an index on (website, lower-cased email)."""

    clock: SimClock
    stores: StoreTree
    customers: dict[int, dict[str, Any]] = field(default_factory=dict)
    _by_email: dict[tuple[int, str], int] = field(default_factory=dict)

    def create(self, data: dict[str, Any], default_store_id: int = 1) -> dict[str, Any]:
        """Create a customer from Magento's customer entity; a second account for an email is refused."""
        for name in ("email", "firstname", "lastname"):
            if not isinstance(data.get(name), str) or not data[name].strip():
                raise required(name)
        email = data["email"].strip()
        if not _EMAIL.match(email):
            raise bad_request(INVALID_EMAIL, [email])
        store = self.stores.view_by_id(int(data.get("store_id") or default_store_id))
        website_id = int(data.get("website_id") or store.website_id)
        self.stores.website_by_id(website_id)
        if (website_id, email.lower()) in self._by_email:
            raise bad_request(DUPLICATE_EMAIL)
        now = self.clock.now().strftime("%Y-%m-%d %H:%M:%S")
        customer_id = max(self.customers, default=0) + 1
        customer = {
            "id": customer_id,
            "group_id": int(data.get("group_id") or GENERAL_GROUP),
            "created_at": now,
            "updated_at": now,
            "created_in": store.name,
            "email": email,
            "firstname": data["firstname"].strip(),
            "lastname": data["lastname"].strip(),
            "store_id": store.store_id,
            "website_id": website_id,
            "addresses": [a for a in data.get("addresses") or [] if isinstance(a, dict)],
            "disable_auto_group_change": 0,
            "extension_attributes": {"is_subscribed": False},
        }
        self.customers[customer_id] = customer
        self._by_email[(website_id, email.lower())] = customer_id
        return customer

    def get(self, customer_id: int) -> dict[str, Any]:
        customer = self.customers.get(int(customer_id))
        if customer is None:
            raise not_found(NO_SUCH_ENTITY, {"fieldName": "customerId", "fieldValue": customer_id})
        return customer

    def by_email(self, email: str, website_id: int) -> dict[str, Any] | None:
        """The customer with this email on this website, if any."""
        customer_id = self._by_email.get((website_id, email.strip().lower()))
        return None if customer_id is None else self.customers[customer_id]
