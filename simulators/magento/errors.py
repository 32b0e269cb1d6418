"""Errors of the fake Magento, with Magento's own texts.

Magento's web API answers an error as ``{"message": ..., "parameters": ...}``, where the message may
hold ``%1`` (positional) or ``%name`` (named) placeholders filled from ``parameters`` (a list or an
object). Statuses follow Magento's exception mapping: ``NoSuchEntityException`` 404,
``AuthorizationException`` 401, ``LocalizedException``/``InputException`` 400.
"""

from __future__ import annotations

from typing import Any

from simulators.errors import ServiceError


class MagentoError(ServiceError):
    """A Magento web API error: ``{"message": ..., "parameters": ...}`` with an HTTP status."""

    def __init__(self, status: int, message: str, parameters: list[Any] | dict[str, Any] | None = None) -> None:
        super().__init__(render(message, parameters))
        self.status = status
        self.message = message
        self.parameters = parameters

    def envelope(self) -> dict[str, Any]:
        """The body Magento sends for this error."""
        body: dict[str, Any] = {"message": self.message}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def render(message: str, parameters: list[Any] | dict[str, Any] | None) -> str:
    """The message with its placeholders filled, as a client shows it."""
    if isinstance(parameters, dict):
        for key, value in parameters.items():
            message = message.replace(f"%{key}", str(value))
    elif isinstance(parameters, list):
        for index in range(len(parameters), 0, -1):
            message = message.replace(f"%{index}", str(parameters[index - 1]))
    return message


# -- routing and authentication -------------------------------------------------------------------------
NO_ROUTE = "Request does not match any route."
UNAUTHORIZED = "The consumer isn't authorized to access %resources."
BAD_CREDENTIALS = (
    "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later."
)
STORE_NOT_FOUND = "The store that was requested wasn't found. Verify the store and try again."
INTERNAL_ERROR = "Internal Error. Details are available in Magento log file. Report ID: webapi-0"
DECODING_ERROR = "Decoding error: \nSyntax error"
REQUIRED = '"%fieldName" is required. Enter and try again.'
INVALID_TYPE = 'The "%1" value\'s type is invalid. The "%2" type was expected. Verify and try again.'
INVALID_FIELD_VALUE = 'Invalid value of "%value" provided for the %fieldName field.'
NO_SUCH_ENTITY = "No such entity with %fieldName = %fieldValue"

# -- catalog and inventory ---------------------------------------------------------------------------------
PRODUCT_NOT_FOUND = "The product that was requested doesn't exist. Verify the product and try again."
SKU_NOT_FOUND = 'The Product with the "%1" SKU doesn\'t exist.'
PRODUCT_NOT_AVAILABLE = "Product that you are trying to add is not available."
OUT_OF_STOCK = "This product is out of stock."
QTY_NOT_AVAILABLE = "The requested qty is not available"
NOT_ENOUGH_SOURCE_QTY = "Not all of your products are available in the requested quantity."
NEGATIVE_QTY = "The stock quantity of a managed stock item can't be negative."
FIELD_EMPTY = '"%field" can not be empty.'
PRODUCT_SAVE_FAILED = "The product was unable to be saved. Please try again."

# -- customers ---------------------------------------------------------------------------------------------
DUPLICATE_EMAIL = "A customer with the same email address already exists in an associated website."
INVALID_EMAIL = 'Email "%1" is invalid.'

# -- orders and their documents -----------------------------------------------------------------------------
ORDER_NOT_FOUND = "The entity that was requested doesn't exist. Verify the entity and try again."
INCREMENT_ID_IN_USE = 'The order number "%1" is already in use.'
STATUS_NOT_OF_STATE = 'The "%1" status is not assigned to the "%2" state.'
STATE_NOT_INITIAL = 'A new order can\'t be created in the "%1" state.'
CANNOT_SHIP = "The order does not allow a shipment to be created."
SHIP_STATUS = "A shipment cannot be created when an order has a status of %1"
SHIP_ERRORS = "Shipment Document Validation Error(s):\n"
SHIP_NO_ITEMS = "You can't create a shipment without products."
SHIP_QTY = 'The quantity to ship must not be greater than the unshipped quantity for product SKU "%1".'
SHIP_UNKNOWN_ITEM = 'The shipment contains product item id "%1" that is not part of the original order.'
CANNOT_INVOICE = "The order does not allow an invoice to be created."
INVOICE_STATUS = "An invoice cannot be created when an order has a status of %1"
INVOICE_ERRORS = "Invoice Document Validation Error(s):\n"
INVOICE_NO_ITEMS = "The invoice can't be created without products. Add products and try again."
INVOICE_QTY = 'The quantity to invoice must not be greater than the uninvoiced quantity for product SKU "%1".'
INVOICE_UNKNOWN_ITEM = "The invoice contains one or more items that are not part of the original order."
CANNOT_REFUND = "The order does not allow a creditmemo to be created."
REFUND_STATUS = "A creditmemo can not be created when an order has a status of %1"
REFUND_ERRORS = "Creditmemo Document Validation Error(s):\n"
REFUND_NO_ITEMS = "You can't create a creditmemo without products."
REFUND_QTY = 'The quantity to creditmemo must not be greater than the unrefunded quantity for product SKU "%1".'
REFUND_UNKNOWN_ITEM = 'The creditmemo contains product item id "%1" that is not part of the original order.'
REFUND_TOO_MUCH = "The most money available to refund is %1."
REFUND_NOT_POSITIVE = "The credit memo's total must be positive."
CANNOT_CANCEL = "You cannot cancel the order."
# -- checkout (carts) ----------------------------------------------------------------------------------------
CART_ITEM_NOT_FOUND = "The %1 Cart doesn't contain the %2 item."
CUSTOMER_NOT_OF_STORE = "The customer can't be assigned to the cart. The cart belongs to a different store."
CART_HAS_CUSTOMER = "The customer can't be assigned to the cart because the cart isn't anonymous."
ADDRESS_NOT_SAVED = "The address failed to save. Verify the address and try again."
SHIPPING_INFO_NOT_SAVED = "The shipping information was unable to be saved. Verify the input data and try again."
SHIPPING_EMPTY_CART = "The shipping method can't be set for an empty cart. Add an item to cart and try again."
SHIPPING_METHOD_MISSING = "The shipping method is missing. Select the shipping method and try again."
SHIPPING_ADDRESS_MISSING = "The shipping address is missing. Set the address and try again."
CARRIER_NOT_FOUND = "Carrier with such method not found: %1, %2"
SHIPPING_ADDRESS_INVALID = "Please check the shipping address information. %1"
BILLING_ADDRESS_INVALID = "Please check the billing address information. %1"
PAYMENT_METHOD_MISSING = "Enter a valid payment method and try again."
PAYMENT_METHOD_NOT_AVAILABLE = "The requested Payment Method is not available."
CANNOT_HOLD = "A hold action is not available."
CANNOT_UNHOLD = "You cannot remove the hold."


def not_found(message: str = ORDER_NOT_FOUND, parameters: list[Any] | dict[str, Any] | None = None) -> MagentoError:
    """A 404 (Magento's ``NoSuchEntityException``)."""
    return MagentoError(404, message, parameters)


def bad_request(message: str, parameters: list[Any] | dict[str, Any] | None = None) -> MagentoError:
    """A 400 (Magento's ``LocalizedException`` and ``InputException``)."""
    return MagentoError(400, message, parameters)


def required(field_name: str) -> MagentoError:
    """Magento's answer to a missing required field."""
    return bad_request(REQUIRED, {"fieldName": field_name})


def invalid_type(value: Any, expected: str) -> MagentoError:
    """Magento's answer to a value of the wrong type (the web API's input processor)."""
    return bad_request(INVALID_TYPE, [value, expected])


def document_errors(prefix: str, messages: list[str]) -> MagentoError:
    """A ``DocumentValidationException``: every validator message after the document's prefix."""
    return bad_request(prefix + "\n".join(messages))
