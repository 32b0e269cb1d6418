@robustness
Feature: Sync robustness
  A sync never runs twice at once for a store, survives Amazon's rate limits and Magento's failures,
  reads every page, and never moves a row backwards.

  Background:
    Given the Amazon store "Main Store" is integrated
    And the Magento catalog has the product "SKU-1" priced 25.00 with 500 in stock

  @SYN-01
  Scenario: Two syncs of one store started at once make no duplicate and lose no update
    Given 5 Unshipped Amazon orders "M1..M5" for 1 x "SKU-1" each
    When two syncs of "Main Store" run at the same time
    Then each of the orders "M1..M5" has exactly one Magento order
    And the Amazon orders table shows each of the orders "M1..M5" with status "Unshipped"

  @SYN-02
  Scenario: When Amazon answers 429 QuotaExceeded, the sync backs off and resumes
    Given 3 Unshipped Amazon orders "Q1..Q3" for 1 x "SKU-1" each
    And Amazon throttles the next 3 order searches
    And Amazon throttles the next 2 order item look-ups
    When the connector syncs
    And the connector syncs
    Then each of the orders "Q1..Q3" has exactly one Magento order
    And every call Amazon throttled was made again only after time had passed

  @SYN-03
  Scenario: Every page of a large result is read
    Given 101 to 230 Unshipped Amazon orders "P*" for 1 x "SKU-1" each
    When the connector syncs
    Then the Amazon orders table shows each of the orders "P*" with status "Unshipped"
    And each of the orders "P*" has exactly one Magento order

  @SYN-04
  Scenario: Magento fails after saving the order; the next sync finds it instead of creating another
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    And Magento fails the next order creation after saving the order
    When the connector syncs
    And the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"
    And the row of order "A" carries its Magento order

  @SYN-04
  Scenario: The connector restarts after creating a Magento order it had not recorded
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    And Magento fails the next order creation after saving the order
    When the connector syncs
    And the connector restarts
    And the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"

  @SYN-04
  Scenario: An order creation Magento saved but gave no answer to is found, not made again
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    And Magento gives no answer to the next order creation
    When the connector syncs
    And the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"
    And the row of order "A" carries its Magento order

  @IMP-03
  Scenario: An order whose creation Magento refused with an error is created on a later sync
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    And Magento answers HTTP 503 to the next order creation
    When the connector syncs
    And the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"

  @SYN-05
  Scenario: A repeated or older status report does not move the row backwards
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    And the connector syncs
    And Amazon moves order "A" to "Shipped"
    And the connector syncs
    When Amazon reports order "A" again with its earlier status "Unshipped"
    And the connector syncs
    Then the Amazon orders table shows order "A" with status "Shipped"

  @IMP-03 @DEC-09
  Scenario: A creation Magento refuses does not hold back the other orders due in the same sync
    Given an Unshipped Amazon order "A" for some "SKU-1"
    And an Unshipped Amazon order "B" for some "SKU-1" among other items
    And an Unshipped Amazon order "C" for some "SKU-1"
    And Magento answers HTTP 503 to the next order creation
    When the connector syncs
    Then exactly one of the orders "A, B, C" has no Magento order
    When the connector syncs
    Then each of the orders "A, B, C" has exactly one Magento order

  @IMP-07 @SYN-04
  Scenario: An unanswered order creation whose first look-up fails is found by a later look-up, not made again
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    And Magento gives no answer to the next order creation
    And the connector syncs
    And Magento answers HTTP 503 to the next look-up of an order by Amazon order ID
    When the connector syncs
    And the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"
    And the row of order "A" carries its Magento order

  @SYN-03
  Scenario: Every page is read when Amazon's pages hold only a few orders
    Given Amazon answers order searches with a few orders a page
    And 4 to 9 Unshipped Amazon orders "S*" for 1 x "SKU-1" each
    When the connector syncs
    Then the Amazon orders table shows each of the orders "S*" with status "Unshipped"
    And each of the orders "S*" has exactly one Magento order

  @SYN-03
  Scenario: An order search that fails at a later page loses no order
    Given Amazon answers order searches with a few orders a page
    And 4 to 9 Unshipped Amazon orders "S*" for 1 x "SKU-1" each
    And Amazon answers HTTP 503 to the second page of the next order search
    When the connector syncs
    And the connector syncs
    Then the Amazon orders table shows each of the orders "S*" with status "Unshipped"
    And each of the orders "S*" has exactly one Magento order



  @SYN-05 @IMP-14
  Scenario: Two statuses Amazon stamps with the same second are ordered by the order's lifecycle
    Given a buyer orders some "SKU-1" on Amazon as order "A"
    And the connector syncs within the same second
    When Amazon moves order "A" to "Unshipped" within the same second
    And the connector syncs
    Then the Amazon orders table shows order "A" with status "Unshipped"
    When Amazon reports order "A" again with its earlier status "Pending"
    And the connector syncs
    Then the Amazon orders table shows order "A" with status "Unshipped"
