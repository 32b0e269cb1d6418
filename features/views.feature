@views
Feature: Recent Orders and All Orders
  Amazon order information, as received from Amazon, is visible in the store dashboard's Recent Orders
  and in the All Orders view, whatever the import setting.

  Background:
    Given the Amazon store "Main Store" is integrated
    And the Magento catalog has the product "SKU-1" priced 25.00 with some stock

  @VIEW-01
  Scenario Outline: Received orders are visible with import <setting>
    Given Import Amazon Orders is "<setting>" for "Main Store"
    And an Unshipped Amazon order "A" for 1 x "SKU-1"
    When the connector syncs
    Then the Amazon orders table shows order "A" with status "Unshipped"
    And Recent Orders of "Main Store" show order "A" with status "Unshipped"

    Examples:
      | setting  |
      | Enabled  |
      | Disabled |

  @VIEW-02
  Scenario: A row shows Amazon's data as received
    Given an Unshipped Amazon order "A" for 2 x "SKU-1" at 24.50 with tax 3.92 bought by "Jane Roe" <jane.roe@example.com>
    When the connector syncs
    Then the row of order "A" shows Amazon's purchase date, order number, status, buyer's name and grand total

  @VIEW-02 @IMP-14
  Scenario: The row of an order first seen Pending shows Amazon's data once Amazon has it
    Given a buyer orders some "SKU-1" among other items on Amazon as order "A"
    And the connector syncs
    When Amazon moves order "A" to "Unshipped"
    And the connector syncs
    Then the row of order "A" shows Amazon's purchase date, order number, status, buyer's name and grand total

  @VIEW-01 @VIEW-03 @DIS-01
  Scenario: Recent Orders show every recent order, first seen Pending or not, without Magento order data
    Given a buyer orders some "SKU-1" on Amazon as order "A"
    And an Unshipped Amazon order "B" for some "SKU-1"
    And a buyer orders some "SKU-1" on Amazon as order "C"
    And the connector syncs
    And Amazon moves order "A" to "Unshipped"
    And an Unshipped Amazon order "D" for some "SKU-1" among other items
    When the connector syncs
    Then Recent Orders of "Main Store" show order "A" with status "Unshipped"
    And Recent Orders of "Main Store" show order "B" with status "Unshipped"
    And Recent Orders of "Main Store" show order "C" with status "Pending"
    And Recent Orders of "Main Store" show order "D" with status "Unshipped"
    And Recent Orders of "Main Store" show order "A" without Magento order data
    And Recent Orders of "Main Store" show order "D" without Magento order data

  @VIEW-03
  Scenario: Recent Orders never show Magento order data
    Given an Unshipped Amazon order "A" for 1 x "SKU-1"
    When the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"
    And Recent Orders of "Main Store" show order "A" without Magento order data

  @VIEW-04
  Scenario: All Orders can be filtered and belongs to one Amazon store
    Given the Amazon store "EU Store" is integrated for the marketplace "A1PA6795UKMFR9"
    And an Unshipped Amazon order "A" for 1 x "SKU-1" bought by "Jane Roe" <jane.roe@example.com>
    And an Unshipped Amazon order "B" for 3 x "SKU-1" bought by "John Doe" <john.doe@example.com>
    And a buyer orders 1 x "SKU-1" on Amazon as order "C"
    And an Unshipped Amazon order "E" for 1 x "SKU-1" in the store "EU Store"
    When the connector syncs
    Then All Orders of "Main Store" show exactly the orders "A, B, C"
    And All Orders of "Main Store" filtered by status "Unshipped" show exactly the orders "A, B"
    And All Orders of "Main Store" filtered by buyer's name "jane" show exactly the orders "A"
    And All Orders of "Main Store" filtered by the order number of "B" show exactly the orders "B"
    And All Orders of "Main Store" filtered by a total from 50.00 to 100.00 show exactly the orders "B"
    And All Orders of "Main Store" filtered by the purchase dates of "B" to "C" show exactly the orders "B, C"

  @VIEW-04 @DEC-31
  Scenario: All Orders filters narrow one another, in any order, and a blank field filters nothing
    When an Unshipped Amazon order "A" for 1 x "SKU-1" at 70.00 bought by "Jane Roe" <jane.roe@example.com>
    And 2 minutes pass
    And an Unshipped Amazon order "B" for 1 x "SKU-1" at 70.00 bought by "Jane Roe" <jane.roe@example.com>
    And an Unshipped Amazon order "C" for 1 x "SKU-1" at 70.00 bought by "John Doe" <john.doe@example.com>
    And an Unshipped Amazon order "D" for 1 x "SKU-1" at 20.00 bought by "Jane Roe" <jane.roe@example.com>
    And an Unshipped Amazon order "E" for 1 x "SKU-1" at 120.00 bought by "Jane Roe" <jane.roe@example.com>
    And an Amazon order "F" for 1 x "SKU-1" at 70.00 bought by "Jane Roe" <jane.roe@example.com> in status "Shipped"
    And an Unshipped Amazon order "H" for 1 x "SKU-1" at 70.00 bought by "Jane Roe" <jane.roe@example.com>
    And 2 minutes pass
    And an Unshipped Amazon order "G" for 1 x "SKU-1" at 70.00 bought by "Jane Roe" <jane.roe@example.com>
    And the connector syncs
    Then All Orders of "Main Store" filtered by these fields at once show exactly the orders "B, H"
      | field              | value     |
      | purchase date from | B         |
      | purchase date to   | H         |
      | order number       |           |
      | buyer's name       | roe       |
      | total from         | 50.00     |
      | total to           | 100.00    |
      | status             | Unshipped |
    And All Orders of "Main Store" filtered by these fields at once show exactly the orders "H"
      | field              | value     |
      | purchase date from |           |
      | purchase date to   | H         |
      | order number       | H         |
      | buyer's name       | ROE       |
      | total from         | 50.00     |
      | total to           |           |
      | status             | Unshipped |

  @VIEW-04 @DEC-31
  Scenario Outline: The buyer's name filter takes its text as typed: <what>
    Given an Unshipped Amazon order "A" for 1 x "SKU-1" bought by "<name>" <buyer@example.com>
    And an Unshipped Amazon order "B" for 1 x "SKU-1" bought by "<other>" <other@example.com>
    When the connector syncs
    Then All Orders of "Main Store" filtered by buyer's name "<text>" show exactly the orders "A"

    Examples:
      | what           | name       | other    | text  |
      | an underscore  | Ann_Lee    | AnnoLee  | n_L   |
      | a percent sign | Ann 100%   | Ann 1000 | 100%  |
      | a backslash    | Ann\\Lee   | AnnLee   | n\\L  |
