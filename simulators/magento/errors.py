"""Errors of the fake Magento, with Magento's own texts."""

from __future__ import annotations

from typing import Any


class MagentoError(Exception):
    """A Magento web API error: ``{"message": ..., "parameters": ...}`` with an HTTP status."""

    def __init__(self, status: int, message: str, parameters: list[Any] | dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameters = parameters

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


PRODUCT_NOT_FOUND = "The product that was requested doesn't exist. Verify the product and try again."
NO_ROUTE = "Request does not match any route."
UNAUTHORIZED = "The consumer isn't authorized to access %resources."
BAD_CREDENTIALS = (
    "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later."
)
PRODUCT_NOT_AVAILABLE = "Product that you are trying to add is not available."
QTY_NOT_AVAILABLE = "The requested qty is not available"
ORDER_NOT_FOUND = "The entity that was requested doesn't exist. Verify the entity and try again."
CANNOT_SHIP = "The order does not allow a shipment to be created."
CANNOT_INVOICE = "The order does not allow an invoice to be created."
CANNOT_CANCEL = "You cannot cancel the order."


def not_found(message: str = ORDER_NOT_FOUND) -> MagentoError:
    return MagentoError(404, message)


def bad_request(message: str, parameters: list[Any] | dict[str, Any] | None = None) -> MagentoError:
    return MagentoError(400, message, parameters)
