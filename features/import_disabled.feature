@import-disabled
Feature: Order import disabled
  With Import Amazon Orders disabled, Amazon orders appear in Recent Orders and All Orders as view-only
  information, the order number leads to Seller Central, and no Magento order is created.

  Background:
    Given the Amazon store "Main Store" is integrated
    And Import Amazon Orders is "Disabled" for "Main Store"
    And the Magento catalog has the product "SKU-1" priced 25.00 with 10 in stock

  @DIS-01 @VIEW-01
  Scenario: Received orders appear in Recent Orders and All Orders with their Amazon status
    Given a buyer orders 1 x "SKU-1" on Amazon as order "A"
    And an Unshipped Amazon order "B" for 1 x "SKU-1"
    When the connector syncs
    Then the Amazon orders table shows order "A" with status "Pending"
    And the Amazon orders table shows order "B" with status "Unshipped"
    And Recent Orders of "Main Store" show order "A" with status "Pending"
    And Recent Orders of "Main Store" show order "B" with status "Unshipped"

  @DIS-02
  Scenario Outline: No Magento order is created, whatever status the order reaches (<status>)
    Given an Amazon order "A" for 2 x "SKU-1" in status "<status>"
    When the connector syncs
    And the cron job runs
    Then order "A" has no Magento order
    And the salable quantity of "SKU-1" is 10

    Examples:
      | status           |
      | Unshipped        |
      | PartiallyShipped |
      | Shipped          |

  @DIS-03 @DEC-04
  Scenario: The orders are view-only and the order number leads to Seller Central
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    When the connector syncs
    Then the order number of "A" in the Amazon orders table leads to Amazon Seller Central
    And the row of order "A" carries no Magento order

  @DIS-04
  Scenario: Enabling import imports every post-integration order that is now importable
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    And a buyer orders 1 x "SKU-1" on Amazon as order "P"
    And the connector syncs
    When the merchant sets Import Amazon Orders to "Enabled" for "Main Store"
    And the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"
    And order "P" has no Magento order
    When Amazon moves order "P" to "Unshipped"
    And the connector syncs
    Then order "P" has exactly one Magento order with status "processing" in state "processing"

  @DIS-02 @IMP-14 @DIS-01
  Scenario: Status changes while import is disabled are followed in the table and create nothing
    Given a buyer orders some "SKU-1" among other items on Amazon as order "A"
    And an Unshipped Amazon order "B" for some "SKU-1"
    And the connector syncs
    When Amazon moves order "A" to "Unshipped"
    And the connector syncs
    And Amazon moves order "A" to "Shipped"
    And Amazon cancels order "B"
    And the connector syncs
    And the cron job runs
    Then the Amazon orders table shows order "A" with status "Shipped"
    And the Order Notes of order "A" include "Status updated to Shipped."
    And the Amazon orders table shows order "B" with status "Canceled"
    And Recent Orders of "Main Store" show order "A" with status "Shipped"
    And order "A" has no Magento order
    And order "B" has no Magento order
    And the salable quantity of "SKU-1" is 10

  @SET-08
  Scenario: With import disabled, the other order settings have no effect
    Given the merchant sets the order settings of "Main Store" to
      | setting             | value               |
      | Pending Orders      | Reserve Quantity    |
      | Order Number Source | Amazon Order Number |
    And a buyer orders 2 x "SKU-1" on Amazon as order "A"
    When the connector syncs
    Then the salable quantity of "SKU-1" is 10
    When Amazon moves order "A" to "Unshipped"
    And the connector syncs
    Then order "A" has no Magento order

  @DEC-06 @CAN-03
  Scenario: An order Amazon canceled while import was disabled has its Magento order canceled once import is enabled again
    Given Import Amazon Orders is "Enabled" for "Main Store"
    And an Unshipped Amazon order "A" for 1 x "SKU-1"
    And the connector syncs
    And Import Amazon Orders is "Disabled" for "Main Store"
    When Amazon cancels order "A"
    And the connector syncs
    And the merchant sets Import Amazon Orders to "Enabled" for "Main Store"
    And the connector syncs
    Then order "A" has exactly one Magento order with status "canceled" in state "canceled"
    And the salable quantity of "SKU-1" is 10

  @DEC-06 @IMP-05 @IMP-06
  Scenario: A shipment made while import was disabled reaches Amazon once import is enabled again
    Given Import Amazon Orders is "Enabled" for "Main Store"
    And an Unshipped Amazon order "A" for 1 x "SKU-1"
    And the connector syncs
    And Import Amazon Orders is "Disabled" for "Main Store"
    When the merchant ships the Magento order for "A" with carrier "ups" and tracking number "1Z999AA10123456784"
    And the connector syncs
    And the cron job runs
    And the merchant sets Import Amazon Orders to "Enabled" for "Main Store"
    And the connector syncs
    And the cron job runs
    Then Amazon has received a shipment confirmation for "A" with carrier "UPS" and tracking number "1Z999AA10123456784"
    And order "A" has exactly one Magento order with status "complete" in state "complete"

  @DIS-03 @DEC-04
  Scenario: An order imported before import was disabled leads to Seller Central while import is disabled
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    When the merchant sets Import Amazon Orders to "Enabled" for "Main Store"
    And the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"
    When the merchant sets Import Amazon Orders to "Disabled" for "Main Store"
    And the connector syncs
    Then the order number of "A" in the Amazon orders table leads to Amazon Seller Central
    And the row of order "A" carries no Magento order
