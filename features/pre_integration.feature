@pre-integration
Feature: Orders placed before the store was integrated
  Regardless of the order import settings, Amazon orders that existed in Seller Central before the
  store integration do not import.

  Background:
    Given the Magento catalog has the product "SKU-1" priced 25.00 with some stock

  @PRE-01
  Scenario Outline: An order placed before integration gets no Magento order (import <setting>)
    Given a buyer orders 1 x "SKU-1" on Amazon as order "OLD"
    And Amazon moves order "OLD" to "Unshipped"
    And the Amazon store "Main Store" is integrated
    And Import Amazon Orders is "<setting>" for "Main Store"
    When the connector syncs
    And the connector syncs
    Then order "OLD" has no Magento order

    Examples:
      | setting  |
      | Enabled  |
      | Disabled |

  @PRE-02
  Scenario: An order placed before integration stays unimported when it becomes Unshipped later
    Given a buyer orders 1 x "SKU-1" on Amazon as order "OLD"
    And the Amazon store "Main Store" is integrated
    And the connector syncs
    When Amazon moves order "OLD" to "Unshipped"
    And the connector syncs
    Then order "OLD" has no Magento order

  @PRE-03
  Scenario: Orders purchased before the integration instant are not in the table; orders at or after it are new
    Given a buyer orders 1 x "SKU-1" on Amazon as order "OLD"
    And the Amazon store "Main Store" is integrated
    And a buyer orders 1 x "SKU-1" on Amazon at the integration instant of "Main Store" as order "EDGE"
    And Amazon moves order "OLD" to "Unshipped"
    And Amazon moves order "EDGE" to "Unshipped"
    When the connector syncs
    Then the Amazon orders table has no row for order "OLD"
    And the Amazon orders table shows order "EDGE" with status "Unshipped"
    And order "EDGE" has exactly one Magento order with status "processing" in state "processing"

  @PRE-01 @PRE-02 @DIS-04
  Scenario: Enabling import later still never imports an order placed before integration
    Given a buyer orders some "SKU-1" on Amazon as order "OLD"
    And the Amazon store "Main Store" is integrated
    And Import Amazon Orders is "Disabled" for "Main Store"
    And an Unshipped Amazon order "NEW" for some "SKU-1"
    And the connector syncs
    When Amazon moves order "OLD" to "Unshipped"
    And the connector syncs
    And the merchant sets Import Amazon Orders to "Enabled" for "Main Store"
    And the connector syncs
    Then order "OLD" has no Magento order
    And order "NEW" has exactly one Magento order with status "processing" in state "processing"
    And All Orders of "Main Store" show exactly the orders "NEW"
