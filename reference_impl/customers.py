"""Customer Creation "Build New Customer Account" (SET-04): find or create the buyer's account on a website."""

from __future__ import annotations

from typing import Any

from reference_impl.http_errors import RemoteError
from reference_impl.magento_api import MagentoClient


def find_customer(magento: MagentoClient, email: str, website_id: int) -> dict[str, Any] | None:
    params = {
        "searchCriteria[filter_groups][0][filters][0][field]": "email",
        "searchCriteria[filter_groups][0][filters][0][value]": email,
        "searchCriteria[filter_groups][0][filters][0][condition_type]": "eq",
        "searchCriteria[filter_groups][1][filters][0][field]": "website_id",
        "searchCriteria[filter_groups][1][filters][0][value]": str(website_id),
        "searchCriteria[filter_groups][1][filters][0][condition_type]": "eq",
    }
    items = magento._send("customerSearch", "GET", "/V1/customers/search", params=params).get("items") or []
    return dict(items[0]) if items else None


def customer_for(
    magento: MagentoClient, *, email: str, firstname: str, lastname: str, website_id: int, store_id: int
) -> dict[str, Any]:
    """The customer with this email on the website, created first when there is none (never a second one)."""
    found = find_customer(magento, email, website_id)
    if found is not None:
        return found
    body = {
        "customer": {
            "email": email,
            "firstname": firstname,
            "lastname": lastname,
            "website_id": website_id,
            "store_id": store_id,
        }
    }
    try:
        return dict(magento._send("customerCreate", "POST", "/V1/customers", json=body))
    except RemoteError as err:
        if err.status != 400:
            raise
        found = find_customer(magento, email, website_id)  # created meanwhile by someone else
        if found is None:
            raise
        return found


def assign(entity: dict[str, Any], customer: dict[str, Any]) -> dict[str, Any]:
    """The order entity, as the customer's order instead of a guest order."""
    return {
        **entity,
        "customer_id": int(customer["id"]),
        "customer_is_guest": 0,
        "customer_group_id": int(customer.get("group_id") or 1),
        "customer_email": customer.get("email", entity.get("customer_email")),
    }
