@blockers
Feature: Order creation blockers
  Magento orders are not created while an ordered item does not exist in the catalog, is disabled or is
  out of stock. A system message names the Amazon stores with such orders, and once the cause is
  resolved the Magento order is created on the next sync.

  Background:
    Given the Amazon store "Main Store" is integrated
    And the Magento catalog has the product "SKU-1" priced 25.00 with 10 in stock
    And the Magento catalog has the product "SKU-2" priced 10.00 with 10 in stock

  @BLK-06
  Scenario Outline: A <problem> product blocks the order and the row says why
    Given the Magento product "SKU-2" is <problem>
    And an Unshipped Amazon order "A" for some "SKU-2" among other items
    When the connector syncs
    Then order "A" has no Magento order
    And the Order Notes of order "A" include "<note>"

    @BLK-01
    Examples: missing
      | problem | note                                                        |
      | missing | Cannot create sales order: Product "SKU-2" does not exist. |

    @BLK-02
    Examples: disabled
      | problem  | note                                                                 |
      | disabled | Cannot create sales order: Product "SKU-2" in order is not salable. |

    @BLK-03
    Examples: out of stock
      | problem      | note                                                                 |
      | out of stock | Cannot create sales order: Product "SKU-2" in order is not salable. |

  @BLK-08
  Scenario Outline: One <problem> item blocks a multi-item order as a whole
    Given the Magento product "SKU-2" is <problem>
    And an Unshipped Amazon order "A" for 2 x "SKU-1" and 1 x "SKU-2" in any order
    When the connector syncs
    Then order "A" has no Magento order
    And the salable quantity of "SKU-1" is 10

    @BLK-01
    Examples: missing
      | problem |
      | missing |

    @BLK-02
    Examples: disabled
      | problem  |
      | disabled |

    @BLK-03
    Examples: out of stock
      | problem      |
      | out of stock |

  @BLK-04 @DEC-02
  Scenario: The admin message names the Amazon store with an order that cannot be imported
    Given the Magento product "SKU-2" is disabled
    And an Unshipped Amazon order "A" for 1 x "SKU-2"
    When the connector syncs
    Then the Magento admin shows the cannot-import message naming "Main Store"

  @BLK-04 @DEC-02
  Scenario: The admin message names every Amazon store with such orders
    Given the Amazon store "EU Store" is integrated for the marketplace "A1PA6795UKMFR9"
    And the Magento product "SKU-2" is disabled
    And an Unshipped Amazon order "A" for 1 x "SKU-2"
    And an Unshipped Amazon order "B" for 1 x "SKU-2" in the store "EU Store"
    When the connector syncs
    Then the Magento admin shows the cannot-import message naming "Main Store" and "EU Store"

  @BLK-05
  Scenario Outline: Once the <problem> product is fixed, the Magento order is created on the next sync, not before
    Given the Magento product "SKU-2" is <problem>
    And an Unshipped Amazon order "A" for 1 x "SKU-2" among other items
    And the connector syncs
    When the merchant <fix>
    Then order "A" has no Magento order
    When the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"

    Examples:
      | problem      | fix                                                               |
      | missing      | creates the Magento product "SKU-2" priced 10.00 with 5 in stock |
      | disabled     | enables the Magento product "SKU-2"                               |
      | out of stock | sets the stock of "SKU-2" to 5                                    |

  @BLK-07
  Scenario: An order above the salable quantity is blocked as out of stock
    Given the Magento product "SKU-2" has 1 in stock
    And an Unshipped Amazon order "A" for 2 x "SKU-2"
    When the connector syncs
    Then order "A" has no Magento order
    And the Order Notes of order "A" include "Cannot create sales order: Product "SKU-2" in order is not salable."

  @BLK-07 @BLK-03
  Scenario: An order for one unit more than the stock on hand is blocked as out of stock
    Given an Unshipped Amazon order "A" for some "SKU-2" among other items
    And the Magento product "SKU-2" has one unit less in stock than order "A" holds
    When the connector syncs
    Then order "A" has no Magento order
    And the Order Notes of order "A" include "Cannot create sales order: Product "SKU-2" in order is not salable."
    And the Magento admin shows the cannot-import message naming "Main Store"

  @BLK-05
  Scenario: A sync one minute after the fix creates the order
    Given the Magento product "SKU-2" is disabled
    And an Unshipped Amazon order "A" for some "SKU-2" among other items
    And the connector syncs
    When the merchant enables the Magento product "SKU-2"
    And the connector syncs a minute later
    Then order "A" has exactly one Magento order with status "processing" in state "processing"
    And the Magento admin shows no cannot-import message

  @BLK-07
  Scenario: A product that does not manage stock is never out of stock
    Given the Magento product "SKU-2" has 0 in stock and does not manage stock
    And an Unshipped Amazon order "A" for 3 x "SKU-2"
    When the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"

  @BLK-09
  Scenario: A blocked order does not hold back the others
    Given the Magento product "SKU-2" is disabled
    And an Unshipped Amazon order "A" for 1 x "SKU-2" among other items
    And an Unshipped Amazon order "B" for some "SKU-1"
    When the connector syncs
    Then order "A" has no Magento order
    And order "B" has exactly one Magento order with status "processing" in state "processing"

  @BLK-09 @BLK-08
  Scenario: Blocked orders between importable ones hold none of them back
    Given the Magento product "SKU-2" is disabled
    And the Magento product "SKU-1" has 100 in stock
    And an Unshipped Amazon order "B1" for some "SKU-1"
    And an Unshipped Amazon order "A1" for some "SKU-2" among other items
    And an Unshipped Amazon order "B2" for some "SKU-1" among other items
    And an Unshipped Amazon order "A2" for some "SKU-1" and 1 x "SKU-2" in any order
    And an Unshipped Amazon order "B3" for some "SKU-1"
    When the connector syncs
    Then order "A1" has no Magento order
    And order "A2" has no Magento order
    And each of the orders "B1..B3" has exactly one Magento order

  @BLK-10
  Scenario: The message disappears after the first sync with nothing blocked
    Given the Magento product "SKU-2" is disabled
    And an Unshipped Amazon order "A" for 1 x "SKU-2"
    And the connector syncs
    When the merchant enables the Magento product "SKU-2"
    Then the Magento admin shows the cannot-import message naming "Main Store"
    When the connector syncs
    Then the Magento admin shows no cannot-import message

  @BLK-10
  Scenario: When one of two stores is cleared, the message names only the other
    Given the Amazon store "EU Store" is integrated for the marketplace "A1PA6795UKMFR9"
    And the Magento product "SKU-2" is disabled
    And an Unshipped Amazon order "A" for 1 x "SKU-1" and 1 x "SKU-2"
    And the Magento catalog has no product "SKU-3"
    And an Unshipped Amazon order "B" for 1 x "SKU-3" in the store "EU Store"
    And the connector syncs
    When the merchant enables the Magento product "SKU-2"
    And the connector syncs
    Then the Magento admin shows the cannot-import message naming "EU Store"

  @BLK-11
  Scenario: A blocked order that Amazon cancels is no longer retried nor counted
    Given the Magento product "SKU-2" is disabled
    And an Unshipped Amazon order "A" for 1 x "SKU-2"
    And the connector syncs
    When Amazon cancels order "A"
    And the connector syncs
    Then the Magento admin shows no cannot-import message
    When the merchant enables the Magento product "SKU-2"
    And the connector syncs
    Then order "A" has no Magento order

  @IMP-10 @IMP-11 @DEC-32
  Scenario Outline: A Fulfilled-by-Amazon order Amazon has shipped is imported though its Magento product is <problem>
    Given the Magento product "SKU-2" is <problem>
    And an Amazon order "F" fulfilled by Amazon for 2 x "SKU-2" in status "Shipped"
    When the connector syncs
    Then order "F" has exactly one Magento order with status "complete" in state "complete"
    And the Magento admin shows no cannot-import message

    Examples:
      | problem      |
      | disabled     |
      | out of stock |

  @BLK-03 @BLK-07 @BLK-09
  Scenario: Two orders in one sync for more than the stock on hand: one is imported, the other is blocked
    Given the Magento product "SKU-2" has 3 in stock
    And an Unshipped Amazon order "A" for 2 x "SKU-2"
    And an Unshipped Amazon order "B" for 2 x "SKU-2"
    When the connector syncs
    Then exactly one of the orders "A, B" has no Magento order
    And the salable quantity of "SKU-2" is 1
    And the Magento admin shows the cannot-import message naming "Main Store"

  @BLK-01 @BLK-08 @DEC-32
  Scenario: A Fulfilled-by-Amazon order with a product missing from Magento is blocked, whatever its other items
    Given the Magento catalog has no product "SKU-3"
    And an Amazon order "F" fulfilled by Amazon for 1 x "SKU-1" and 1 x "SKU-3" in status "Shipped"
    When the connector syncs
    Then order "F" has no Magento order
