"""Stores (tenants), staff users with roles, shoppers, and authentication tokens."""
