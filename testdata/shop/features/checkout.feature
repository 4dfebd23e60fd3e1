@orders @spec-003
Feature: Checkout
  As a logged-in shopper
  I want to place, list and cancel orders
  So that I can buy things and change my mind before they ship

  Background:
    Given a registered shopper "ana@example.com" with password "correct-horse-1"
    And she is logged in

  @FR-013 @smoke
  Scenario: Placing an order computes the total in cents
    When she places an order for 2 "mug-01" at 1250 cents and 1 "tee-m" at 1999 cents
    Then the response status is 201
    And the order total is 4499 cents
    And the order status is "pending"

  @FR-014
  Scenario Outline: Invalid orders are rejected
    When she places an order for <quantity> "mug-01" at <price> cents
    Then the response status is 422
    And the error code is "invalid_order"

    Examples:
      | quantity | price |
      | 0        | 1250  |
      | 1000     | 1250  |
      | 1        | -1    |

  @FR-015
  Scenario: Orders are listed newest first
    Given she has placed 3 orders
    When she lists her orders with page size 2
    Then she sees 2 orders, the newest first
    And the total is 3

  @FR-017
  Scenario: Cancelling a pending order
    Given she has a pending order
    When she cancels it with reason "changed my mind"
    Then the order status is "cancelled"
    And the cancel reason is "changed my mind"

  @FR-018 @wip
  Scenario: A shipped order cannot be cancelled
    Given she has an order that has shipped
    When she cancels it
    Then the response status is 409
    And the error code is "not_cancellable"
    And the order status is still "shipped"

  @FR-002 @sessions
  Scenario: An expired session cannot place orders
    Given her session expired 1 minute ago
    When she places an order for 1 "mug-01" at 1250 cents
    Then the response status is 401
    And the error code is "session_expired"
