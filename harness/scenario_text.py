"""The Gherkin the random test prints: the example's steps so far, and the Then lines of a broken invariant,
all in the suite's own step phrases so that the scenario replays as it is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Script:
    """The example so far as Gherkin steps (keyword, text), ready to become a scenario."""

    steps: list[tuple[str, str]] = field(default_factory=list)

    def add(self, keyword: str, text: str) -> None:
        self.steps.append((keyword, text))

    def scenario(self, title: str, tags: Sequence[str], then: Sequence[str]) -> str:
        lines = ["  " + " ".join(f"@{t}" for t in tags), f"  Scenario: {title}"] if tags else [f"  Scenario: {title}"]
        lines += [f"    {k} {t}" if k != "#" else f"    # {t}" for k, t in self.steps]
        lines += [f"    # {t[1:].strip()}" if t.startswith("#") else f"    Then {t}" for t in then]
        return "\n".join(lines)


def feature(scenario: str) -> str:
    """A scenario wrapped in a Feature, as a file of ``features/`` holds it."""
    return "Feature: Found by the model-based random test\n\n" + scenario + "\n"


def one(alias: str) -> str:
    """The Then line: the order has exactly one Magento order."""
    return f'each of the orders "{alias}" has exactly one Magento order'


def each(aliases: list[str]) -> str:
    """The Then line: each of the orders has exactly one Magento order."""
    return f'each of the orders "{", ".join(aliases)}" has exactly one Magento order'


def none(alias: str) -> str:
    """The Then line: the order has no Magento order."""
    return f'order "{alias}" has no Magento order'


def row(alias: str, status: str) -> str:
    """The Then line: the table shows the order with this status."""
    return f'the Amazon orders table shows order "{alias}" with status "{status}"'


def status(alias: str, status: str) -> str:
    """The Then line: the order has exactly one Magento order with this status."""
    return f'order "{alias}" has exactly one Magento order with status "{status}"'


def message(stores: Sequence[str]) -> str:
    """The Then line: the cannot-import message names exactly these stores (none: no message)."""
    if not stores:
        return "the Magento admin shows no cannot-import message"
    return "the Magento admin shows the cannot-import message naming " + " and ".join(f'"{s}"' for s in stores)


#: The Then line: the connector refused the merchant's cancellation.
REFUSED = "the cancellation is refused"
#: The Then line: nothing that changes an order went to Amazon while Read-Only Mode was on.
NOTHING_SENT = "Amazon has received nothing that changes an order since Read-Only Mode was turned on"


def no_row(alias: str) -> str:
    """The Then line: the table has no row for the order."""
    return f'the Amazon orders table has no row for order "{alias}"'


def salable(sku: str, qty: object) -> str:
    """The Then line: the product's salable quantity."""
    return f'the salable quantity of "{sku}" is {qty}'


def confirmation(alias: str, carrier: str, tracking: str) -> str:
    """The Then line: Amazon received a shipment confirmation with this carrier and tracking number."""
    return (
        f'Amazon has received a shipment confirmation for "{alias}" with carrier "{carrier}" and '
        f'tracking number "{tracking}"'
    )


def every_parcel(alias: str) -> str:
    """The Then line: Amazon received every parcel of the order's shipment with its carrier and tracking number."""
    return f'Amazon has received the carrier and tracking number of every parcel of "{alias}"'


def canceled(alias: str, reason: str) -> str:
    """The Then line: Amazon canceled the order with this reason."""
    return f'Amazon has canceled order "{alias}" with the reason "{reason}"'
