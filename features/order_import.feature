@import
Feature: Import lifecycle with order import enabled
  When an order is placed on Amazon and order import is enabled, it is added to the Amazon orders
  table as Pending; once Amazon moves it to Unshipped, a Magento order is created with a Processing
  status. When the Magento order is shipped, the table shows Shipped and the next cron job completes it.

  Background:
    Given the Amazon store "Main Store" is integrated
    And the Magento catalog has the product "SKU-1" priced 25.00 with some stock

  @IMP-01
  Scenario: A new Amazon order is in the Amazon orders table as Pending after the next sync
    Given a buyer orders some "SKU-1" among other items on Amazon as order "A"
    When the connector syncs
    Then the Amazon orders table shows order "A" with status "Pending"

  @IMP-02
  Scenario: A Pending order has no Magento order
    Given a buyer orders 1 x "SKU-1" on Amazon as order "A"
    When the connector syncs
    Then the Amazon orders table shows order "A" with status "Pending"
    And order "A" has no Magento order

  @IMP-03 @SET-01
  Scenario: An order Amazon moves to Unshipped becomes a Processing Magento order
    Given a buyer orders some "SKU-1" among other items on Amazon as order "A"
    And the connector syncs
    When Amazon moves order "A" to "Unshipped"
    And the connector syncs
    Then the Amazon orders table shows order "A" with status "Unshipped"
    And order "A" has exactly one Magento order with status "processing" in state "processing"
    And the Magento order for "A" has exactly the items of the Amazon order at their prices

  @IMP-04 @DEC-04
  Scenario: The order number in the table leads to the Magento order
    Given an Unshipped Amazon order "A" for some "SKU-1"
    When the connector syncs
    Then the order number of "A" in the Amazon orders table leads to its Magento order

  @IMP-04 @DEC-04 @DEC-07
  Scenario: Each row's order number leads to that order's own Magento order
    Given an Unshipped Amazon order "A" for some "SKU-1"
    And an Unshipped Amazon order "B" for some "SKU-1"
    And the connector syncs
    And an Unshipped Amazon order "C" for some "SKU-1"
    When the connector syncs
    Then the order number of "A" in the Amazon orders table leads to its Magento order
    And the order number of "B" in the Amazon orders table leads to its Magento order
    And the order number of "C" in the Amazon orders table leads to its Magento order

  @IMP-05
  Scenario: A Magento shipment reaches Amazon with its carrier and tracking number
    Given an Unshipped Amazon order "A" for 2 x "SKU-1"
    And the connector syncs
    When the merchant ships the Magento order for "A" with carrier "ups" and tracking number "1Z999AA10123456784"
    And the connector syncs
    Then Amazon has received a shipment confirmation for "A" with carrier "UPS" and tracking number "1Z999AA10123456784"
    And the Amazon orders table shows order "A" with status "Shipped"

  @IMP-05 @DEC-08
  Scenario: Every parcel of a shipment reaches Amazon with its carrier and tracking number
    Given an Unshipped Amazon order "A" for some "SKU-1" among other items
    And the connector syncs
    When the merchant ships the Magento order for "A"
    And the connector syncs
    Then Amazon has received the carrier and tracking number of every parcel of "A"
    And the Amazon orders table shows order "A" with status "Shipped"

  @IMP-05
  Scenario: A carrier Amazon has no code for is confirmed as Other with its name
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    And the connector syncs
    When the merchant ships the Magento order for "A" with the custom carrier "Harbour Lane Couriers" and tracking number "HL123456785GB"
    And the connector syncs
    Then Amazon has received a shipment confirmation for "A" with carrier code "Other", carrier name "Harbour Lane Couriers" and tracking number "HL123456785GB"

  @IMP-06
  Scenario: A shipped order is Complete in Magento after the next cron job
    Given an Unshipped Amazon order "A" for some "SKU-1"
    And the connector syncs
    When the merchant ships the Magento order for "A"
    And the connector syncs
    And the cron job runs
    Then order "A" has exactly one Magento order with status "complete" in state "complete"

  @IMP-06 @IMP-05
  Scenario: The cron job right after the shipment completes the order, with no sync in between
    Given an Unshipped Amazon order "A" for some "SKU-1" among other items
    And the connector syncs
    When the merchant ships the Magento order for "A"
    And the cron job runs
    Then order "A" has exactly one Magento order with status "complete" in state "complete"
    And Amazon has received the carrier and tracking number of every parcel of "A"

  @IMP-07
  Scenario: Repeated syncs, cron jobs and restarts never make a second Magento order
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    When the connector syncs
    And the connector syncs
    And the connector restarts
    And the cron job runs
    And the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"
    And the Magento order for "A" records the Amazon order ID

  @IMP-08
  Scenario: An order first seen already Unshipped is imported like any other
    Given a buyer orders 1 x "SKU-1" on Amazon as order "A"
    And Amazon moves order "A" to "Unshipped"
    When the connector syncs
    Then the Amazon orders table shows order "A" with status "Unshipped"
    And order "A" has exactly one Magento order with status "processing" in state "processing"

  @IMP-08
  Scenario Outline: An order first seen <status> is imported
    Given an Amazon order "A" for 2 x "SKU-1" in status "<status>"
    When the connector syncs
    Then the Amazon orders table shows order "A" with status "<status>"
    And order "A" has exactly one Magento order with status "processing" in state "processing"

    Examples:
      | status           |
      | PartiallyShipped |
      | Shipped          |

  @IMP-09
  Scenario Outline: An order in a non-importable status never creates a Magento order
    Given an Amazon order "A" for 1 x "SKU-1" in status "<status>"
    When the connector syncs
    And the connector syncs
    Then the Amazon orders table shows order "A" with status "<status>"
    And order "A" has no Magento order

    Examples:
      | status              |
      | Pending             |
      | PendingAvailability |
      | Canceled            |
      | Unfulfillable       |
      | InvoiceUnconfirmed  |

  @IMP-10
  Scenario Outline: A Fulfilled-by-Amazon order is not imported while <status>
    Given an Amazon order "F" fulfilled by Amazon for 2 x "SKU-1" in status "<status>"
    When the connector syncs
    Then the Amazon orders table shows order "F" with status "<status>"
    And order "F" has no Magento order

    Examples:
      | status           |
      | Unshipped        |
      | PartiallyShipped |

  @IMP-10
  Scenario: A Fulfilled-by-Amazon order is created Complete once Amazon ships it
    Given an Amazon order "F" fulfilled by Amazon for 1 x "SKU-1" in status "Unshipped"
    And the connector syncs
    When Amazon moves order "F" to "Shipped"
    And the connector syncs
    Then order "F" has exactly one Magento order with status "complete" in state "complete"

  @IMP-11
  Scenario: A merchant-fulfilled order takes its quantity from Magento stock
    Given an Unshipped Amazon order "A" for some "SKU-1" among other items
    When the connector syncs
    Then the salable quantity of "SKU-1" is its stock less what order "A" holds of it

  @IMP-11 @BLK-07
  Scenario: An order for just the stock on hand is imported and takes all of it
    Given an Unshipped Amazon order "A" for some "SKU-1" among other items
    And the Magento product "SKU-1" has just enough stock for order "A"
    When the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"
    And the salable quantity of "SKU-1" is 0

  @IMP-11
  Scenario: A Fulfilled-by-Amazon order's Magento order leaves Magento stock alone
    Given an Amazon order "F" fulfilled by Amazon for 3 x "SKU-1" in status "Shipped"
    When the connector syncs
    Then order "F" has exactly one Magento order with status "complete" in state "complete"
    And the salable quantity of "SKU-1" is its stock

  @IMP-12 @DEC-01
  Scenario: The Magento order shows it came from Amazon
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    When the connector syncs
    Then the Magento order for "A" is paid with the Amazon payment method
    And the Magento order for "A" records the Amazon order ID

  @IMP-13
  Scenario: The Magento order carries the buyer, the address, prices and tax as Amazon reports them
    Given an Unshipped Amazon order "A" for 2 x "SKU-1" at 24.50 with tax 3.92 bought by "Mary Ann Roe" <mary.roe@example.com>
    When the connector syncs
    Then the Magento order for "A" has the buyer "Mary Ann Roe" <mary.roe@example.com>
    And the Magento order for "A" ships to Amazon's shipping address
    And the Magento order for "A" holds 2 x "SKU-1" at 24.50
    And the Magento order for "A" has a tax amount of 3.92
    And the Magento order for "A" has Amazon's order total as grand total

  @IMP-13
  Scenario: Every item of a multi-item order is in its Magento order, and nothing else
    Given the Magento catalog has the product "SKU-2" priced 10.00 with 10 in stock
    And an Unshipped Amazon order "A" for 2 x "SKU-1" and 3 x "SKU-2" in any order
    When the connector syncs
    Then the Magento order for "A" holds exactly 2 x "SKU-1" and 3 x "SKU-2"
    And the Magento order for "A" has Amazon's order total as grand total

  @IMP-13
  Scenario: An order of another marketplace keeps Amazon's currency
    Given the Amazon store "EU Store" is integrated for the marketplace "A1PA6795UKMFR9"
    And an Unshipped Amazon order "E" for 1 x "SKU-1" at 19.90 in the store "EU Store"
    When the connector syncs
    Then the Magento order for "E" is in the currency "EUR"
    And the Magento order for "E" has Amazon's order total as grand total

  @IMP-14
  Scenario: The table follows Amazon's status and notes each change
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    And the connector syncs
    When Amazon moves order "A" to "Shipped"
    And the connector syncs
    Then the Amazon orders table shows order "A" with status "Shipped"
    And the Order Notes of order "A" include "Status updated to Shipped."

  @IMP-14
  Scenario: A canceled order's row follows Amazon
    Given a buyer orders 1 x "SKU-1" on Amazon as order "A"
    And the connector syncs
    When Amazon cancels order "A"
    And the connector syncs
    Then the Amazon orders table shows order "A" with status "Canceled"
    And the Order Notes of order "A" include "Status updated to Canceled."

  @IMP-05
  Scenario Outline: A carrier Amazon has a code for is confirmed with that code
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    And the connector syncs
    When the merchant ships the Magento order for "A" with carrier "<magento>" and tracking number "<tracking>"
    And the connector syncs
    Then Amazon has received a shipment confirmation for "A" with the carrier code "<amazon>" and tracking number "<tracking>"

    Examples:
      | magento | amazon | tracking               |
      | ups     | UPS    | 1Z999AA10123456784     |
      | usps    | USPS   | 9400111899223033005282 |
      | dhl     | DHL    | 1234567890             |
      | ontrac  | OnTrac | C11031500001879        |

  @IMP-05
  Scenario: An order shipped in two parcels reaches Amazon as two confirmations of their own items
    Given the Magento catalog has the product "SKU-2" priced 10.00 with 10 in stock
    And an Unshipped Amazon order "A" for 2 x "SKU-1" and 3 x "SKU-2"
    And the connector syncs
    When the merchant ships 3 x "SKU-2" of the Magento order for "A" with carrier "usps" and tracking number "9400111899223033005282"
    And the merchant ships 2 x "SKU-1" of the Magento order for "A" with carrier "ups" and tracking number "1Z999AA10123456784"
    And the connector syncs
    Then Amazon has received a shipment confirmation for "A" with tracking number "9400111899223033005282" for exactly 3 x "SKU-2"
    And Amazon has received a shipment confirmation for "A" with tracking number "1Z999AA10123456784" for exactly 2 x "SKU-1"
    And Amazon has received a shipment confirmation for "A" with the carrier code "USPS" and tracking number "9400111899223033005282"
    And the Amazon orders table shows order "A" with status "Shipped"

  @IMP-06
  Scenario: Each shipped order is Complete after the cron job that follows its shipment
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    And an Unshipped Amazon order "B" for 1 x "SKU-1"
    And the connector syncs
    When the merchant ships the Magento order for "A" with carrier "usps" and tracking number "9400110200881234567890"
    And the connector syncs
    And the cron job runs
    And the merchant ships the Magento order for "B" with carrier "ups" and tracking number "1Z999AA10123456784"
    And the connector syncs
    And the cron job runs
    Then order "A" has exactly one Magento order with status "complete" in state "complete"
    And order "B" has exactly one Magento order with status "complete" in state "complete"

  @IMP-05 @DEC-08
  Scenario: An order shipped part by part reaches Amazon part by part
    Given the Magento catalog has the product "SKU-2" priced 10.00 with 10 in stock
    And an Unshipped Amazon order "A" for 2 x "SKU-1" and 3 x "SKU-2"
    And the connector syncs
    When the merchant ships 3 x "SKU-2" of the Magento order for "A" with carrier "usps" and tracking number "9400111899223033005282"
    And the connector syncs
    Then the Amazon orders table shows order "A" with status "PartiallyShipped"
    When the merchant ships 2 x "SKU-1" of the Magento order for "A" with carrier "ups" and tracking number "1Z999AA10123456784"
    And the connector syncs
    Then Amazon has received a shipment confirmation for "A" with tracking number "1Z999AA10123456784" for exactly 2 x "SKU-1"
    And the Amazon orders table shows order "A" with status "Shipped"

  @IMP-05 @DEC-08 @DEC-23
  Scenario Outline: An order shipped in <parcels> parcels confirms each of its <units> units once
    Given an Unshipped Amazon order "A" for <units> x "SKU-1"
    And the connector syncs
    When the merchant ships the Magento order for "A" in <parcels> parcels
    And the connector syncs
    Then Amazon has received the carrier and tracking number of every parcel of "A"
    And Amazon has received each unit of "A" in exactly one parcel

    Examples:
      | units | parcels |
      | 3     | two     |
      | 4     | three   |

  @IMP-06 @DEC-22
  Scenario: A Magento failure completing one shipped order does not hold back the others
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    And an Unshipped Amazon order "B" for 1 x "SKU-1"
    And the connector syncs
    When the merchant ships the Magento order for "A" with carrier "usps" and tracking number "9400110200881234567890"
    And the merchant ships the Magento order for "B" with carrier "ups" and tracking number "1Z999AA10123456784"
    And the connector syncs
    And Magento answers HTTP 503 to the next invoice
    And the cron job runs
    Then order "B" has exactly one Magento order with status "complete" in state "complete"
    When the cron job runs
    Then order "A" has exactly one Magento order with status "complete" in state "complete"

  @IMP-05 @DEC-24
  Scenario: A shipment confirmation Amazon failed is sent again, one Amazon refused is not
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    And an Unshipped Amazon order "B" for 1 x "SKU-1"
    And the connector syncs
    When the merchant ships the Magento order for "A" with carrier "usps" and tracking number "9400110200881234567890"
    And the merchant ships the Magento order for "B" with carrier "ups" and tracking number "1Z999AA10123456784"
    And Amazon cancels order "B"
    And Amazon answers HTTP 503 to the next shipment confirmation
    And the connector syncs
    And the connector syncs
    And the connector syncs
    Then Amazon has received a shipment confirmation for "A" with the carrier code "USPS" and tracking number "9400110200881234567890"
    And Amazon was asked once to confirm the shipment of "B"

  @IMP-05 @DEC-24
  Scenario Outline: A shipment confirmation Amazon answers with HTTP <status> is not sent again
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    And the connector syncs
    When the merchant ships the Magento order for "A" with carrier "usps" and tracking number "9400110200881234567890"
    And Amazon answers HTTP <status> to the next shipment confirmation
    And the connector syncs
    And the connector syncs
    Then Amazon was asked once to confirm the shipment of "A"

    Examples:
      | status |
      | 400    |
      | 404    |


  @IMP-13
  Scenario: The Magento order ships to every street line of Amazon's shipping address
    Given an Unshipped Amazon order "A" for some "SKU-1"
    And Amazon's shipping address of order "A" has three street lines
    When the connector syncs
    Then the Magento order for "A" ships to every street line of Amazon's shipping address

  @IMP-03 @IMP-13
  Scenario: A buyer known by one name only gets a Magento order like any other
    Given an Unshipped Amazon order "A" for some "SKU-1" bought by "Cher" <cher@example.com>
    When the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"
    And the Magento order for "A" has exactly the items of the Amazon order at their prices
