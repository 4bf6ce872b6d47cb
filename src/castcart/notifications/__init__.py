"""Mails to shoppers: the order confirmation on ``order.paid`` and the shipping notice on
``order.fulfilled``, through the operator's SMTP server, at most once per (order, kind)."""
