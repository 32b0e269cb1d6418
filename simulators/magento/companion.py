"""Routes of the companion module: what an external connector needs that Magento's REST API lacks.

A connector that runs outside Magento cannot raise an admin system message, nor hold back salable
quantity for Amazon orders that have no Magento order yet (MSI appends reservations only from its
own events; it has no public route for them). A small Magento module closes both gaps. This fake
Magento serves that module's routes, in Magento's conventions (bearer auth, ``{"message",
"parameters"}`` errors, parameters wrapped by name):

Admin system messages (``Magento_AdminNotification``'s ``system message`` list):

- ``GET /V1/adminNotification/systemMessages``: ``[{"identity", "severity", "text", "created_at"}]``,
  most severe first (1 critical, 2 major, 3 minor, 4 notice).
- ``PUT /V1/adminNotification/systemMessages/{identity}`` ``{"text", "severity"}``: raise or replace
  the message with that identity; answers ``true``.
- ``DELETE /V1/adminNotification/systemMessages/{identity}``: clear it; answers whether it existed.

Inventory reservations (MSI's ``AppendReservationsInterface`` and the ``inventory_reservation`` table):

- ``POST /V1/inventory/reservations`` ``{"reservations": [{"sku", "quantity", "stock_id"?, "metadata"?}]}``
  (a bare list is accepted too): append them all or none. A negative quantity holds stock back from
  the salable quantity, a positive one releases it; ``metadata`` is a string or an object (stored as
  JSON), e.g. ``{"event_type": "amazon_order_pending", "object_type": "amazon_order",
  "object_id": "113-..."}``. ``stock_id`` defaults to 1 (the default stock). Answers the appended
  reservations.
- ``GET /V1/inventory/reservations`` with ``searchCriteria`` (fields ``reservation_id``, ``stock_id``,
  ``sku``, ``quantity``, ``metadata``): ``{"items", "search_criteria", "total_count"}``, oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulators.magento.catalog import Reservation
from simulators.magento.errors import bad_request, invalid_type, required
from simulators.magento.model import SEVERITIES, MagentoModel
from simulators.magento.search import apply, parse_criteria
from simulators.wsgi import Call as WireCall


@dataclass
class Call(WireCall):
    """One REST call: the app, the namespace, the model, the request, its decoded body and the store view
    it addresses."""

    model: MagentoModel
    store_id: int = 1


def reservation_wire(reservation: Reservation) -> dict[str, Any]:
    return {
        "reservation_id": reservation.reservation_id,
        "stock_id": reservation.stock_id,
        "sku": reservation.sku,
        "quantity": float(reservation.quantity),
        "metadata": reservation.metadata,
    }


class CompanionRoutes:
    """Handlers of the companion module's routes (mixed into the Magento app)."""

    def op_messagesGet(self, call: Call) -> list[dict[str, Any]]:
        return [vars(m) for m in call.model.system_messages()]

    def op_messagePut(self, call: Call, identity: str) -> bool:
        body = call.body
        if not isinstance(body, dict) or not isinstance(body.get("text"), str) or not body["text"].strip():
            raise required("text")
        severity = body.get("severity", 2)
        if (
            isinstance(severity, bool)
            or not isinstance(severity, int | str)
            or str(severity) not in map(str, SEVERITIES)
        ):
            raise bad_request(
                'Invalid value of "%value" provided for the %fieldName field.',
                {"value": severity, "fieldName": "severity"},
            )
        call.model.raise_message(identity, body["text"], int(severity))
        return True

    def op_messageDelete(self, call: Call, identity: str) -> bool:
        return call.model.clear_message(identity)

    def op_reservationsAppend(self, call: Call) -> list[dict[str, Any]]:
        body = call.body
        entries = body.get("reservations") if isinstance(body, dict) else body
        if entries is None:
            raise required("reservations")
        if not isinstance(entries, list):
            raise invalid_type(entries, "InventoryReservationsApi\\Model\\ReservationInterface[]")
        return [reservation_wire(r) for r in call.model.catalog.append_reservations(entries)]

    def op_reservationsList(self, call: Call) -> dict[str, Any]:
        criteria = parse_criteria(call.request.args)
        rows = [reservation_wire(r) for r in call.model.catalog.reservations]
        items, total = apply(rows, criteria)
        return {"items": items, "search_criteria": criteria.as_dict(), "total_count": total}
