@settings
Feature: Order settings of an Amazon store
  Each Amazon store has its own order settings: whether orders are imported, into which store view,
  with or without a customer account, under which order number and status, and whether quantity is
  reserved for orders not yet imported. A change applies from the next sync on.

  Background:
    Given the Magento catalog has the product "SKU-1" priced 25.00 with 10 in stock

  @SET-01
  Scenario: After integration, Import Amazon Orders is Enabled
    Given the Amazon store "Main Store" is integrated
    And an Unshipped Amazon order "A" for 1 x "SKU-1"
    When the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"

  @SET-02
  Scenario: Two stores hold different settings
    Given the Amazon store "Main Store" is integrated
    And the Amazon store "EU Store" is integrated for the marketplace "A1PA6795UKMFR9"
    And Import Amazon Orders is "Disabled" for "EU Store"
    And an Unshipped Amazon order "A" for 1 x "SKU-1"
    And an Unshipped Amazon order "B" for 1 x "SKU-1" in the store "EU Store"
    When the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"
    And order "B" has no Magento order

  @SET-02
  Scenario: A change of settings applies from the next sync on
    Given the Amazon store "Main Store" is integrated
    And an Unshipped Amazon order "A" for 1 x "SKU-1"
    And the connector syncs
    When the merchant sets Import Amazon Orders to "Disabled" for "Main Store"
    And an Unshipped Amazon order "B" for 1 x "SKU-1"
    And the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"
    And order "B" has no Magento order

  @SET-03
  Scenario: By default orders go to the default store view of the integrated website
    Given Magento has the store view "second" named "Second View" in the website "base"
    And the Amazon store "Main Store" is integrated
    And an Unshipped Amazon order "A" for 1 x "SKU-1"
    When the connector syncs
    Then the Magento order for "A" belongs to the store view "default"

  @SET-03
  Scenario: Orders go to the store view chosen in the settings
    Given Magento has the store view "second" named "Second View" in the website "base"
    And the Amazon store "Main Store" is integrated
    And the merchant sets the order settings of "Main Store" to
      | setting                                 | value  |
      | Import Amazon Orders Into Magento Store | second |
    And an Unshipped Amazon order "A" for 1 x "SKU-1"
    When the connector syncs
    Then the Magento order for "A" belongs to the store view "second"

  @SET-04
  Scenario: By default the Magento order is a guest order
    Given the Amazon store "Main Store" is integrated
    And an Unshipped Amazon order "A" for 1 x "SKU-1" bought by "Jane Roe" <jane.roe@example.com>
    When the connector syncs
    Then the Magento order for "A" is a guest order
    And Magento has no customer with the email "jane.roe@example.com"

  @SET-04
  Scenario: Build New Customer Account assigns the order to the buyer's one customer account
    Given the Amazon store "Main Store" is integrated
    And the merchant sets the order settings of "Main Store" to
      | setting           | value                      |
      | Customer Creation | Build New Customer Account |
    And an Unshipped Amazon order "A" for 1 x "SKU-1" bought by "Jane Roe" <jane.roe@example.com>
    And an Unshipped Amazon order "B" for 1 x "SKU-1" bought by "Jane Roe" <jane.roe@example.com>
    When the connector syncs
    Then Magento has exactly one customer with the email "jane.roe@example.com"
    And the Magento order for "A" belongs to the customer with the email "jane.roe@example.com"
    And the Magento order for "B" belongs to the customer with the email "jane.roe@example.com"

  @SET-04
  Scenario: Build New Customer Account reuses an existing customer of the website
    Given Magento has the customer "Jane Roe" with the email "jane.roe@example.com"
    And the Amazon store "Main Store" is integrated
    And the merchant sets the order settings of "Main Store" to
      | setting           | value                      |
      | Customer Creation | Build New Customer Account |
    And an Unshipped Amazon order "A" for 1 x "SKU-1" bought by "Jane Roe" <jane.roe@example.com>
    When the connector syncs
    Then Magento has exactly one customer with the email "jane.roe@example.com"
    And the Magento order for "A" belongs to the customer with the email "jane.roe@example.com"

  @SET-05
  Scenario Outline: The Magento order number comes from <source>
    Given the Amazon store "Main Store" is integrated
    And the merchant sets the order settings of "Main Store" to
      | setting             | value    |
      | Order Number Source | <source> |
    And an Unshipped Amazon order "A" for 1 x "SKU-1"
    When the connector syncs
    Then the Magento order number of "A" <expectation> the Amazon order ID

    Examples:
      | source                  | expectation |
      | Magento Increment ID    | differs from |
      | Amazon Order Number     | equals      |

  @SET-06
  Scenario: A custom order status replaces Processing
    Given Magento has the order status "amazon_imported" of the state "processing"
    And the Amazon store "Main Store" is integrated
    And the merchant sets the order settings of "Main Store" to
      | setting      | value           |
      | Order Status | amazon_imported |
    And an Unshipped Amazon order "A" for 1 x "SKU-1"
    When the connector syncs
    Then order "A" has exactly one Magento order with status "amazon_imported" in state "processing"

  @SET-07 @DEC-05
  Scenario: Reserve Quantity holds back an order's quantity until its Magento order takes the stock
    Given the Amazon store "Main Store" is integrated
    And the merchant sets the order settings of "Main Store" to
      | setting        | value            |
      | Pending Orders | Reserve Quantity |
    And a buyer orders 3 x "SKU-1" on Amazon as order "A"
    When the connector syncs
    Then order "A" has no Magento order
    And the salable quantity of "SKU-1" is 7
    When Amazon moves order "A" to "Unshipped"
    And the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"
    And the salable quantity of "SKU-1" is 7

  @SET-07 @DEC-05
  Scenario: An order's own hold does not keep it from being imported at its Amazon prices
    Given the Amazon store "Main Store" is integrated
    And the Magento product "SKU-1" has 3 in stock
    And the merchant sets the order settings of "Main Store" to
      | setting        | value            |
      | Pending Orders | Reserve Quantity |
    And a buyer orders 3 x "SKU-1" on Amazon as order "A"
    And the connector syncs
    When Amazon moves order "A" to "Unshipped"
    And the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"
    And the Magento order for "A" holds 3 x "SKU-1" at 25.00
    And the salable quantity of "SKU-1" is 0

  @SET-07 @DEC-05
  Scenario: Reserve Quantity releases the hold when Amazon cancels the order
    Given the Amazon store "Main Store" is integrated
    And the merchant sets the order settings of "Main Store" to
      | setting        | value            |
      | Pending Orders | Reserve Quantity |
    And a buyer orders 3 x "SKU-1" on Amazon as order "A"
    And the connector syncs
    When Amazon cancels order "A"
    And the connector syncs
    Then the salable quantity of "SKU-1" is 10

  @SET-07 @DEC-05
  Scenario: Do Not Reserve Quantity leaves salable quantity alone until the Magento order
    Given the Amazon store "Main Store" is integrated
    And the merchant sets the order settings of "Main Store" to
      | setting        | value                   |
      | Pending Orders | Do Not Reserve Quantity |
    And a buyer orders 3 x "SKU-1" on Amazon as order "A"
    When the connector syncs
    Then the salable quantity of "SKU-1" is 10

  @SET-06 @IMP-10
  Scenario: A custom order status leaves a Fulfilled-by-Amazon order Complete
    Given Magento has the order status "amazon_imported" of the state "processing"
    And the Amazon store "Main Store" is integrated
    And the merchant sets the order settings of "Main Store" to
      | setting      | value           |
      | Order Status | amazon_imported |
    And an Amazon order "F" fulfilled by Amazon for some "SKU-1" among other items in status "Unshipped"
    And an Unshipped Amazon order "A" for some "SKU-1"
    And the connector syncs
    When Amazon moves order "F" to "Shipped"
    And the connector syncs
    Then order "F" has exactly one Magento order with status "complete" in state "complete"
    And order "A" has exactly one Magento order with status "amazon_imported" in state "processing"

  @SET-07 @DEC-05
  Scenario: Reserve Quantity holds back every item of a multi-item order until its Magento order
    Given the Magento catalog has the product "SKU-2" priced 10.00 with 10 in stock
    And the Amazon store "Main Store" is integrated
    And the merchant sets the order settings of "Main Store" to
      | setting        | value            |
      | Pending Orders | Reserve Quantity |
    And a buyer orders some "SKU-1" and some "SKU-2" in any order on Amazon as order "A"
    When the connector syncs
    Then the salable quantity of "SKU-1" is 10 less what order "A" holds of it
    And the salable quantity of "SKU-2" is 10 less what order "A" holds of it
    When Amazon moves order "A" to "Unshipped"
    And the connector syncs
    Then the Magento order for "A" has exactly the items of the Amazon order at their prices
    And the salable quantity of "SKU-1" is 10 less what order "A" holds of it
    And the salable quantity of "SKU-2" is 10 less what order "A" holds of it

  @SET-07 @SET-02 @DEC-05
  Scenario: Switching Reserve Quantity off releases the holds from the next sync on
    Given the Amazon store "Main Store" is integrated
    And the merchant sets the order settings of "Main Store" to
      | setting        | value            |
      | Pending Orders | Reserve Quantity |
    And a buyer orders some "SKU-1" among other items on Amazon as order "A"
    And the connector syncs
    When the merchant sets the order settings of "Main Store" to
      | setting        | value                   |
      | Pending Orders | Do Not Reserve Quantity |
    And the connector syncs
    Then the salable quantity of "SKU-1" is 10
    When Amazon moves order "A" to "Unshipped"
    And the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"
    And the salable quantity of "SKU-1" is 10 less what order "A" holds of it

  @SET-07 @DEC-05
  Scenario: A hold whose change Magento did not answer is neither lost nor doubled
    Given the Amazon store "Main Store" is integrated
    And the Magento catalog has the product "SKU-2" priced 10.00 with 10 in stock
    And the merchant sets the order settings of "Main Store" to
      | setting        | value            |
      | Pending Orders | Reserve Quantity |
    And a buyer orders 3 x "SKU-1" and 2 x "SKU-2" on Amazon as order "A"
    And Magento gives no answer to the next reservation change
    When the connector syncs
    And the connector syncs
    Then the salable quantity of "SKU-1" is 7
    And the salable quantity of "SKU-2" is 8
    When Amazon cancels order "A"
    And the connector syncs
    Then the salable quantity of "SKU-1" is 10
    And the salable quantity of "SKU-2" is 10

  @SET-04
  Scenario: Build New Customer Account picks the buyer's own account among other customers
    Given Magento has the customer "John Doe" with the email "john.doe@example.com"
    And Magento has the customer "Jane Roe" with the email "jane.roe@example.com"
    And Magento has the customer "Mary Major" with the email "mary.major@example.com"
    And the Amazon store "Main Store" is integrated
    And the merchant sets the order settings of "Main Store" to
      | setting           | value                      |
      | Customer Creation | Build New Customer Account |
    And an Unshipped Amazon order "A" for 1 x "SKU-1" bought by "Jane Roe" <jane.roe@example.com>
    When the connector syncs
    Then Magento has exactly one customer with the email "jane.roe@example.com"
    And the Magento order for "A" belongs to the customer with the email "jane.roe@example.com"
    And the Magento order for "A" has the buyer "Jane Roe" <jane.roe@example.com>

  @SET-07 @DEC-05
  Scenario: Reserve Quantity holds back every Pending order, not only the first
    Given the Amazon store "Main Store" is integrated
    And the merchant sets the order settings of "Main Store" to
      | setting        | value            |
      | Pending Orders | Reserve Quantity |
    And a buyer orders 3 x "SKU-1" on Amazon as order "A"
    And the connector syncs
    When a buyer orders 2 x "SKU-1" on Amazon as order "B"
    And the connector syncs
    Then order "B" has no Magento order
    And the salable quantity of "SKU-1" is 5

  @SET-07 @DEC-05
  Scenario: A hold Magento refused is placed on the next sync
    Given the Amazon store "Main Store" is integrated
    And the merchant sets the order settings of "Main Store" to
      | setting        | value            |
      | Pending Orders | Reserve Quantity |
    And a buyer orders 3 x "SKU-1" on Amazon as order "A"
    And Magento answers HTTP 503 to the next reservation change
    When the connector syncs
    And the connector syncs
    Then order "A" has no Magento order
    And the salable quantity of "SKU-1" is 7

  @SET-07 @DEC-05 @IMP-13
  Scenario: An order with two lines of the same product holds back and takes the quantity of both
    Given the Amazon store "Main Store" is integrated
    And the merchant sets the order settings of "Main Store" to
      | setting        | value            |
      | Pending Orders | Reserve Quantity |
    And a buyer orders 2 x "SKU-1" and 3 x "SKU-1" on Amazon as order "A"
    And the connector syncs
    Then the salable quantity of "SKU-1" is 5
    When Amazon moves order "A" to "Unshipped"
    And the connector syncs
    Then the Magento order for "A" holds exactly 2 x "SKU-1" and 3 x "SKU-1"
    And the salable quantity of "SKU-1" is 5

  @SET-04 @DEC-30
  Scenario: Build New Customer Account uses the buyer's account on the store's own website, as it is
    Given Magento has the store view "outlet_en" named "Outlet English" in the website "outlet"
    And Magento has the customer "Jane Roe" with the email "jane.roe@example.com"
    And Magento has the customer "Jane Roe" with the email "Jane.Roe@Example.com" in the group "Wholesale" on the website "outlet"
    And the Amazon store "Outlet Store" is integrated into the Magento website "outlet"
    And the merchant sets the order settings of "Outlet Store" to
      | setting           | value                      |
      | Customer Creation | Build New Customer Account |
    And an Unshipped Amazon order "A" for 1 x "SKU-1" bought by "Jane Roe" <jane.roe@example.com>
    When the connector syncs
    Then the Magento order for "A" belongs to the store view "outlet_en"
    And the Magento order for "A" belongs to the account of "jane.roe@example.com" on the website "outlet", with that account's email and customer group
    And Magento has exactly one customer with the email "jane.roe@example.com" on the website "outlet"
    And Magento has exactly one customer with the email "jane.roe@example.com" on the website "base"

  @SET-04 @DEC-30
  Scenario: Build New Customer Account creates the buyer's account on the store's website when only another website has one
    Given Magento has the store view "outlet_en" named "Outlet English" in the website "outlet"
    And Magento has the customer "Jane Roe" with the email "jane.roe@example.com" in the group "Retailer" on the website "base"
    And the Amazon store "Outlet Store" is integrated into the Magento website "outlet"
    And the merchant sets the order settings of "Outlet Store" to
      | setting           | value                      |
      | Customer Creation | Build New Customer Account |
    And an Unshipped Amazon order "A" for 1 x "SKU-1" bought by "Jane Roe" <jane.roe@example.com>
    When the connector syncs
    Then Magento has exactly one customer with the email "jane.roe@example.com" on the website "outlet"
    And Magento has exactly one customer with the email "jane.roe@example.com" on the website "base"
    And the Magento order for "A" belongs to the account of "jane.roe@example.com" on the website "outlet", with that account's email and customer group

  @SET-04
  Scenario: Build New Customer Account takes the account another process created just before it
    Given the Amazon store "Main Store" is integrated
    And the merchant sets the order settings of "Main Store" to
      | setting           | value                      |
      | Customer Creation | Build New Customer Account |
    And an Unshipped Amazon order "A" for 1 x "SKU-1" bought by "Jane Roe" <jane.roe@example.com>
    And another process creates the buyer's Magento account just before the connector does
    When the connector syncs
    Then order "A" has exactly one Magento order with status "processing" in state "processing"
    And Magento has exactly one customer with the email "jane.roe@example.com"
    And the Magento order for "A" belongs to the customer with the email "jane.roe@example.com"



  @SET-07 @DEC-05
  Scenario Outline: A release whose change Magento <fault> gives back exactly what the order held, every line of it
    Given the Amazon store "Main Store" is integrated
    And the merchant sets the order settings of "Main Store" to
      | setting        | value            |
      | Pending Orders | Reserve Quantity |
    And a buyer orders some "SKU-1" and some "SKU-1" on Amazon as order "A"
    When the connector syncs
    Then the salable quantity of "SKU-1" is 10 less what order "A" holds of it
    Given Magento <fault> the next reservation change
    When Amazon cancels order "A"
    And the connector syncs
    And the connector syncs
    Then the salable quantity of "SKU-1" is 10

    Examples:
      | fault               |
      | answers HTTP 503 to |
      | gives no answer to  |
