"""The All Orders view's filters (VIEW-04) as SQL over the Amazon orders table."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from reference_impl.orders import parse_time

FILTERS = ("purchase_date_from", "purchase_date_to", "order_number", "buyer_name", "total_min", "total_max", "status")


def filter_sql(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    """A WHERE fragment (starting with AND, or empty) and its parameters. Raises ValueError on bad input."""
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        raise ValueError(f"unknown All Orders filter(s) {unknown}; known: {list(FILTERS)}")
    clauses: list[str] = []
    params: list[Any] = []
    for key, value in filters.items():
        if value in (None, ""):
            continue
        if key in ("purchase_date_from", "purchase_date_to"):
            try:
                when = parse_time(str(value)).isoformat()
            except ValueError as err:
                raise ValueError(f"{key} must be an ISO 8601 date, got {value!r}") from err
            clauses.append("purchase_date >= ?" if key.endswith("from") else "purchase_date <= ?")
            params.append(when)
        elif key in ("total_min", "total_max"):
            try:
                amount = Decimal(str(value))
            except InvalidOperation as err:
                raise ValueError(f"{key} must be an amount, got {value!r}") from err
            clauses.append("total IS NOT NULL AND CAST(total AS REAL) " + (">= ?" if key == "total_min" else "<= ?"))
            params.append(float(amount))
        elif key == "buyer_name":
            clauses.append("buyer_name LIKE ? ESCAPE '\\'")
            escaped = str(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.append(f"%{escaped}%")
        else:
            clauses.append("amazon_order_id = ?" if key == "order_number" else "status = ?")
            params.append(str(value))
    return "".join(f" AND {c}" for c in clauses), params
