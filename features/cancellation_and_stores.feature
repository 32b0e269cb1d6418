@cancellation @stores
Feature: Cancellations and store state
  An Unshipped order can be canceled from Magento with a reason; Amazon's own cancellations are
  followed. A deactivated store stops synchronising, and Read-Only Mode holds back what would change
  Amazon.

  Background:
    Given the Amazon store "Main Store" is integrated
    And the Magento catalog has the product "SKU-1" priced 25.00 with some stock

  @CAN-01 @CAN-02 @DEC-03
  Scenario: The merchant cancels an Unshipped order from Magento
    Given an Unshipped Amazon order "A" for some "SKU-1" among other items
    And the connector syncs
    When the merchant cancels order "A" from Magento with a reason
    And the connector syncs
    Then Amazon has canceled order "A" with the merchant's reason
    And the Amazon orders table shows order "A" with status "Canceled"
    And order "A" has exactly one Magento order with status "complete"

  @CAN-01
  Scenario Outline: A <status> order cannot be canceled from Magento
    Given an Amazon order "A" for 2 x "SKU-1" in status "<status>"
    And the connector syncs
    When the merchant tries to cancel order "A" from Magento with the reason "NoInventory"
    Then the cancellation is refused
    And Amazon has not canceled order "A"

    Examples:
      | status           |
      | Pending          |
      | PartiallyShipped |
      | Shipped          |

  @CAN-03
  Scenario: An order Amazon cancels before it was imported never gets a Magento order
    Given a buyer orders 1 x "SKU-1" on Amazon as order "A"
    And the connector syncs
    When Amazon cancels order "A"
    And the connector syncs
    And the cron job runs
    Then order "A" has no Magento order

  @CAN-03
  Scenario: An order Amazon cancels after import has its Magento order canceled on the next sync
    Given an Unshipped Amazon order "A" for 2 x "SKU-1"
    And the connector syncs
    When Amazon cancels order "A"
    And the connector syncs
    Then order "A" has exactly one Magento order with status "canceled" in state "canceled"
    And the salable quantity of "SKU-1" is its stock

  @CAN-03
  Scenario: An order Amazon cancels after it was invoiced has its Magento order refunded on the next sync
    Given an Unshipped Amazon order "A" for 2 x "SKU-1"
    And the connector syncs
    And the merchant invoices the Magento order for "A"
    When Amazon cancels order "A"
    And the connector syncs
    Then order "A" has exactly one Magento order with status "closed" in state "closed"

  @STO-01
  Scenario: A deactivated store does not synchronise until it is activated again
    Given the merchant deactivates the Amazon store "Main Store"
    And an Unshipped Amazon order "A" for some "SKU-1"
    When the connector syncs
    Then the Amazon orders table has no row for order "A"
    And order "A" has no Magento order
    When the merchant activates the Amazon store "Main Store"
    And the connector syncs
    Then the Amazon orders table shows order "A" with status "Unshipped"
    And order "A" has exactly one Magento order with status "processing" in state "processing"

  @STO-02
  Scenario: Read-Only Mode keeps shipment confirmations until it is turned off
    Given an Unshipped Amazon order "A" for some "SKU-1" among other items
    And the connector syncs
    And the merchant turns Read-Only Mode on
    When the merchant ships the Magento order for "A"
    And the connector syncs
    Then Amazon has received no shipment confirmation for "A"
    And Amazon has received nothing that changes an order since Read-Only Mode was turned on
    When the merchant turns Read-Only Mode off
    And the connector syncs
    Then Amazon has received the carrier and tracking number of every parcel of "A"

  @STO-02 @CAN-01 @CAN-02
  Scenario: Read-Only Mode keeps a cancellation from Magento until it is turned off
    Given an Unshipped Amazon order "A" for some "SKU-1"
    And the connector syncs
    And the merchant turns Read-Only Mode on
    When the merchant cancels order "A" from Magento with a reason
    And the connector syncs
    And the cron job runs
    Then Amazon has not canceled order "A"
    And Amazon has received nothing that changes an order since Read-Only Mode was turned on
    When the merchant turns Read-Only Mode off
    And the connector syncs
    Then Amazon has canceled order "A" with the merchant's reason
    And the Amazon orders table shows order "A" with status "Canceled"
    And order "A" has exactly one Magento order with status "complete"

  @CAN-01 @CAN-02 @IMP-14
  Scenario: A cancellation Amazon refuses because the order shipped meanwhile leaves the order shipped and open
    Given an Unshipped Amazon order "A" for some "SKU-1"
    And the connector syncs
    When Amazon moves order "A" to "Shipped"
    And the merchant tries to cancel order "A" from Magento with the reason "NoInventory"
    And the connector syncs
    And the connector syncs
    Then Amazon has not canceled order "A"
    And the Amazon orders table shows order "A" with status "Shipped"
    And order "A" has exactly one Magento order with status "processing" in state "processing"

  @IMP-07 @CAN-03
  Scenario: An order the merchant put on hold keeps its one Magento order through syncs and cron jobs
    Given an Unshipped Amazon order "A" for some "SKU-1" among other items
    And the connector syncs
    When the merchant puts the Magento order for "A" on hold
    And the connector syncs
    And the cron job runs
    And the connector restarts
    And the connector syncs
    Then order "A" has exactly one Magento order with status "holded" in state "holded"

  @STO-01 @IMP-14
  Scenario: A store deactivated for more than a day catches up on everything when activated again
    Given an Unshipped Amazon order "A" for some "SKU-1"
    And a buyer orders some "SKU-1" on Amazon as order "B"
    And the connector syncs
    And the merchant deactivates the Amazon store "Main Store"
    When Amazon moves order "B" to "Unshipped"
    And an Unshipped Amazon order "C" for some "SKU-1"
    And Amazon moves order "A" to "Shipped"
    And 30 hours pass
    And the merchant activates the Amazon store "Main Store"
    And the connector syncs
    Then the Amazon orders table shows order "A" with status "Shipped"
    And the Amazon orders table shows order "B" with status "Unshipped"
    And the Amazon orders table shows order "C" with status "Unshipped"
    And each of the orders "B, C" has exactly one Magento order

  @PRE-01 @PRE-03 @SET-02
  Scenario: A second store integrated later than the first imports only its own orders placed after its integration
    Given an Unshipped Amazon order "EARLY" for some "SKU-1"
    And an Amazon order "EU-OLD" for some "SKU-1" in status "Unshipped" in the marketplace "A1PA6795UKMFR9"
    And the connector syncs
    And the Amazon store "EU Store" is integrated for the marketplace "A1PA6795UKMFR9"
    And an Unshipped Amazon order "EU-NEW" for some "SKU-1" in the store "EU Store"
    When the connector syncs
    Then order "EARLY" has exactly one Magento order with status "processing" in state "processing"
    And order "EU-OLD" has no Magento order
    And All Orders of "EU Store" show exactly the orders "EU-NEW"
    And order "EU-NEW" has exactly one Magento order with status "processing" in state "processing"

  @CAN-02 @SYN-04
  Scenario: An order canceled from Magento before its unanswered creation was found ends complete
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    And Magento gives no answer to the next order creation
    And the connector syncs
    When the merchant cancels order "A" from Magento with the reason "ShippingAddressUndeliverable"
    And the connector syncs
    Then Amazon has canceled order "A" with the reason "ShippingAddressUndeliverable"
    And order "A" has exactly one Magento order with status "complete"

  @CAN-01 @CAN-02 @STO-02 @DEC-20 @DEC-21
  Scenario: A cancellation Amazon takes hours to process reaches Amazon once and leaves the order complete
    Given an Unshipped Amazon order "A" for some "SKU-1"
    And an Unshipped Amazon order "B" for some "SKU-1"
    And Amazon takes 3 hours to process a feed
    And the connector syncs
    When the merchant turns Read-Only Mode on
    And the merchant cancels order "B" from Magento with a reason
    And the merchant turns Read-Only Mode off
    And the merchant cancels order "A" from Magento with a reason
    And the merchant tries to cancel order "A" from Magento with the reason "NoInventory"
    And the connector syncs
    And the connector syncs a minute later
    And 6 hours pass
    And the connector syncs
    Then Amazon has canceled order "A" with the merchant's reason
    And Amazon has canceled order "B" with the merchant's reason
    And Amazon has received exactly one cancellation of order "A"
    And Amazon has received exactly one cancellation of order "B"
    And order "A" has exactly one Magento order with status "complete"
    And order "B" has exactly one Magento order with status "complete"
    And the Magento order for "A" names the merchant's reason in its comments
    And the Magento order for "B" names the merchant's reason in its comments

  @CAN-01 @CAN-02 @DEC-20 @DEC-21
  Scenario: The merchant cancels again an order whose cancellation Amazon did not take
    Given an Unshipped Amazon order "A" for some "SKU-1"
    And the connector syncs
    And Amazon answers HTTP 503 to the next cancellation request
    When the merchant cancels order "A" from Magento with a reason
    And the merchant cancels order "A" from Magento with a reason
    Then Amazon has canceled order "A" with the merchant's reason
    And Amazon has received exactly one cancellation of order "A"
    And order "A" has exactly one Magento order with status "complete"
    And the Magento order for "A" names the merchant's reason in its comments

  @CAN-02 @SYN-04 @DEC-21
  Scenario: An order canceled from Magento before its unanswered creation was found ends complete with the reason, Magento failing once
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    And Magento gives no answer to the next order creation
    And the connector syncs
    When the merchant cancels order "A" from Magento with a reason
    And Magento answers HTTP 503 to the next order comment
    And the connector syncs
    And the connector syncs
    And the cron job runs
    Then Amazon has canceled order "A" with the merchant's reason
    And order "A" has exactly one Magento order with status "complete"
    And the Magento order for "A" names the merchant's reason in its comments

  @CAN-01 @CAN-02 @STO-02 @DEC-20
  Scenario: A cancellation Amazon refuses is sent once, by the merchant or after Read-Only Mode
    Given an Unshipped Amazon order "A" for some "SKU-1"
    And an Unshipped Amazon order "B" for some "SKU-1"
    And the connector syncs
    When the merchant turns Read-Only Mode on
    And the merchant cancels order "B" from Magento with a reason
    And Amazon moves order "A" to "Shipped"
    And Amazon moves order "B" to "Shipped"
    And the merchant turns Read-Only Mode off
    And the merchant tries to cancel order "A" from Magento with the reason "NoInventory"
    And the connector syncs
    And the connector syncs
    Then the cancellation is refused
    And Amazon has received exactly one cancellation of order "A"
    And Amazon has received exactly one cancellation of order "B"
    And the Amazon orders table shows order "B" with status "Shipped"
    And order "A" has exactly one Magento order with status "processing" in state "processing"
    And order "B" has exactly one Magento order with status "processing" in state "processing"

  @CAN-01 @CAN-02 @DEC-20 @DEC-21
  Scenario: A cancellation Magento failed to record is finished by the next sync
    Given an Unshipped Amazon order "A" for some "SKU-1"
    And the connector syncs
    And Magento answers HTTP 503 to the next order comment
    When the merchant cancels order "A" from Magento with a reason
    And the connector syncs
    Then Amazon has canceled order "A" with the merchant's reason
    And Amazon has received exactly one cancellation of order "A"
    And order "A" has exactly one Magento order with status "complete"
    And the Magento order for "A" names the merchant's reason in its comments


  @CAN-01 @CAN-02 @DEC-25
  Scenario: A cancellation Amazon has not processed yet is waited for, never sent twice
    Given an Unshipped Amazon order "A" for some "SKU-1" among other items
    And the connector syncs
    And Amazon takes longer than half an hour to process a feed
    When the merchant cancels order "A" from Magento with a reason
    And the connector syncs
    Then Amazon has not canceled order "A"
    And the Amazon orders table shows order "A" with status "Unshipped"
    And order "A" has exactly one Magento order with status "processing" in state "processing"
    When Amazon has processed every feed it holds
    And the connector syncs
    Then Amazon has canceled order "A" with the merchant's reason
    And Amazon has received exactly one cancellation of order "A"
    And the Amazon orders table shows order "A" with status "Canceled"
    And order "A" has exactly one Magento order with status "complete"

  @CAN-01 @CAN-02 @DEC-25
  Scenario Outline: A cancellation whose <call> fails reaches Amazon once, by the next sync at the latest
    Given an Unshipped Amazon order "A" for some "SKU-1" among other items
    And the connector syncs
    And Amazon <fault> the next <call>
    When the merchant cancels order "A" from Magento with a reason
    And the connector syncs
    Then Amazon has canceled order "A" with the merchant's reason
    And Amazon has received exactly one cancellation of order "A"
    And the Amazon orders table shows order "A" with status "Canceled"
    And order "A" has exactly one Magento order with status "complete"

    Examples:
      | fault                 | call                       |
      | answers HTTP 503 to   | feed document creation     |
      | answers HTTP 500 to   | feed document upload       |
      | gives no answer to    | feed document upload       |
      | answers HTTP 503 to   | feed creation              |
      | gives no answer to    | feed creation              |
      | answers HTTP 503 to   | feed status read           |
      | answers HTTP 503 to   | processing report look-up  |
      | gives no answer to    | feed status read           |
      | gives no answer to    | processing report download |
      | answers HTTP 500 to   | processing report download |

  @CAN-01 @CAN-02 @DEC-27
  Scenario Outline: A cancellation whose feed ends <status> leaves the order open, and the merchant can cancel it again
    Given an Unshipped Amazon order "A" for some "SKU-1" among other items
    And the connector syncs
    And Amazon takes longer than half an hour to process a feed
    When the merchant cancels order "A" from Magento with a reason
    And the feeds in Amazon's queue end <status>
    And the connector syncs
    And the connector syncs
    Then Amazon has not canceled order "A"
    And the Amazon orders table shows order "A" with status "Unshipped"
    And order "A" has exactly one Magento order with status "processing" in state "processing"
    When the merchant cancels order "A" from Magento with a reason
    And Amazon has processed every feed it holds
    And the connector syncs
    Then Amazon has canceled order "A" with the merchant's reason
    And the Amazon orders table shows order "A" with status "Canceled"
    And order "A" has exactly one Magento order with status "complete"

    Examples:
      | status    |
      | FATAL     |
      | CANCELLED |

  @CAN-02 @DEC-26
  Scenario Outline: A Magento order whose completion after a cancellation from Magento meets a failed <call> is completed once
    Given an Unshipped Amazon order "A" for some "SKU-1" among other items
    And the connector syncs
    And Magento <fault> the next <call>
    When the merchant cancels order "A" from Magento with a reason
    And the connector syncs
    Then Amazon has canceled order "A" with the merchant's reason
    And the Amazon orders table shows order "A" with status "Canceled"
    And order "A" has exactly one Magento order with status "complete"
    And the Magento order for "A" notes the merchant's reason once, without telling the buyer

    Examples:
      | fault               | call          |
      | answers HTTP 503 to | order comment |
      | gives no answer to  | order comment |
      | answers HTTP 503 to | order read    |

  @CAN-01 @CAN-02 @DEC-27
  Scenario Outline: A cancellation Amazon rejects as invalid at its <call> is not sent again
    Given an Unshipped Amazon order "A" for some "SKU-1" among other items
    And the connector syncs
    And the merchant turns Read-Only Mode on
    And Amazon answers HTTP <status> to the next <call>
    When the merchant cancels order "A" from Magento with a reason
    And the merchant turns Read-Only Mode off
    And the connector syncs
    And the connector syncs
    Then Amazon has received no cancellation of order "A"
    And Amazon has not canceled order "A"
    And the Amazon orders table shows order "A" with status "Unshipped"
    And order "A" has exactly one Magento order with status "processing" in state "processing"

    Examples:
      | status | call                   |
      | 400    | feed document creation |
      | 404    | feed creation          |
      | 400    | feed creation          |

  @CAN-01 @CAN-02 @DEC-27
  Scenario Outline: A cancellation the merchant sends that Amazon rejects at its <call> is refused and not sent again
    Given an Unshipped Amazon order "A" for some "SKU-1" among other items
    And the connector syncs
    And Amazon answers HTTP <status> to the next <call>
    When the merchant tries to cancel order "A" from Magento with the reason "NoInventory"
    And the connector syncs
    And the connector syncs
    Then the cancellation is refused
    And Amazon has received no cancellation of order "A"
    And Amazon has not canceled order "A"
    And order "A" has exactly one Magento order with status "processing" in state "processing"

    Examples:
      | status | call                   |
      | 403    | feed document upload   |
      | 400    | feed document creation |
      | 400    | feed creation          |

  @CAN-02 @CAN-03
  Scenario: Orders canceled one after another, from Magento and by Amazon, each end as their cancellation says
    Given 4 Unshipped Amazon orders "C1..C4" for 1 x "SKU-1" each
    And the connector syncs
    When the merchant cancels order "C1" from Magento with a reason
    And the connector syncs
    And Amazon cancels order "C3"
    And the connector syncs
    And Amazon cancels order "C2"
    And Amazon cancels order "C4"
    And the connector syncs
    Then order "C1" has exactly one Magento order with status "complete"
    And order "C2" has exactly one Magento order with status "canceled" in state "canceled"
    And order "C3" has exactly one Magento order with status "canceled" in state "canceled"
    And order "C4" has exactly one Magento order with status "canceled" in state "canceled"
