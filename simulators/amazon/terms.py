"""Amazon's fixed terms the fake's parts share: marketplaces, cancellation reasons, the timestamp form."""

from __future__ import annotations

from datetime import UTC, datetime

MARKETPLACES: dict[str, dict[str, str]] = {
    "ATVPDKIKX0DER": {
        "country": "US",
        "currency": "USD",
        "sales_channel": "Amazon.com",
        "locale": "en_US",
        "region": "NA",
    },
    "A1PA6795UKMFR9": {
        "country": "DE",
        "currency": "EUR",
        "sales_channel": "Amazon.de",
        "locale": "de_DE",
        "region": "EU",
    },
    "A1VC38T7YXB528": {
        "country": "JP",
        "currency": "JPY",
        "sales_channel": "Amazon.co.jp",
        "locale": "ja_JP",
        "region": "FE",
    },
}
CANCEL_REASONS = frozenset(
    {
        "NoInventory",
        "ShippingAddressUndeliverable",
        "CustomerExchange",
        "BuyerCanceled",
        "GeneralAdjustment",
        "CarrierCreditDecision",
        "RiskAssessmentInformationNotValid",
        "CarrierCoverageFailure",
        "CustomerReturn",
        "MerchandiseNotReceived",
        "CannotVerifyInformation",
        "PricingError",
        "RejectOrder",
        "WeatherDelay",
    }
)


def iso_z(when: datetime) -> str:
    """Amazon's timestamp form: UTC, whole seconds, trailing Z."""
    if when.tzinfo is not None and when.utcoffset():
        when = when.astimezone(UTC)
    return when.replace(tzinfo=None, microsecond=0).isoformat() + "Z"
