Feature: Import lifecycle with order import enabled
  When an order is placed on Amazon and order import is enabled, it is added to the Amazon orders
  table as Pending; once Amazon moves it to Unshipped, a Magento order is created with a Processing status.

  Background:
    Given the Amazon store "Main Store" is integrated
    And the Magento catalog has the product "SKU-1" priced 25.00 with 10 in stock

  @IMP-01
  Scenario: A new Amazon order is in the Amazon orders table as Pending after the next sync
    Given a buyer orders 2 x "SKU-1" on Amazon as order "A"
    When the connector syncs
    Then the Amazon orders table shows order "A" with status "Pending"

  @IMP-02
  Scenario: A Pending order has no Magento order
    Given a buyer orders 1 x "SKU-1" on Amazon as order "A"
    When the connector syncs
    Then the Amazon orders table shows order "A" with status "Pending"
    And order "A" has no Magento order

  @IMP-03
  Scenario: An order Amazon moves to Unshipped becomes a Processing Magento order
    Given a buyer orders 2 x "SKU-1" on Amazon as order "A"
    And the connector syncs
    When Amazon moves order "A" to "Unshipped"
    And the connector syncs
    Then the Amazon orders table shows order "A" with status "Unshipped"
    And order "A" has exactly one Magento order with status "processing" in state "processing"
    And the Magento order for "A" holds 2 x "SKU-1" at 25.00
