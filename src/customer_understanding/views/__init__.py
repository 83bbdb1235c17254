"""Views that put the areas together for people: one account as every discipline sees it."""

from customer_understanding.views._account_view import AccountView, account_view

__all__ = ["AccountView", "account_view"]
