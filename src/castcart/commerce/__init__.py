"""Carts, promotions (coupons, share-to-unlock), checkout, orders and payments."""
