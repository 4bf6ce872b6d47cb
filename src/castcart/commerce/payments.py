"""Payment gateways behind one interface, and the webhook that confirms payment.

The built-in gateway is the **sandbox**: it moves no money. It exists so a store can be run
end to end (and tested) before a real PSP adapter is configured. Its webhooks are signed
exactly as a real adapter's must be: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>.<raw body>">`` in the ``Castcart-Signature`` header, checked in constant time, with a
five-minute tolerance against replays.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from castcart.commerce.models import Order, Payment, WebhookReceipt
from castcart.commerce.orders import OrderStatus, record_event, transition
from castcart.core.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    UnprocessableError,
)
from castcart.core.failpoints import failpoint
from castcart.events import DomainEvent
from castcart.payment_methods import PaymentMethodError, available_methods

SIGNATURE_HEADER = "Castcart-Signature"
TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class PaymentSession:
    reference: str
    checkout_url: str


@dataclass(frozen=True)
class WebhookNotice:
    event_id: str
    reference: str
    outcome: str  # succeeded | failed
    amount: int
    currency: str


class PaymentGateway(Protocol):
    name: str

    def start_payment(self, order: Order, base_url: str) -> PaymentSession: ...

    def parse_webhook(self, headers: dict[str, str], body: bytes) -> WebhookNotice: ...


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(
    secret: str,
    header: str | None,
    body: bytes,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    if not secret:  # an HMAC with an empty key proves nothing: anyone can make one
        raise AuthenticationError("webhook secret is not configured", code="signature_invalid")
    if not header:
        raise AuthenticationError("missing webhook signature", code="signature_missing")
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError) as exc:
        raise AuthenticationError("malformed webhook signature", code="signature_invalid") from exc
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        raise AuthenticationError("webhook signature does not match", code="signature_invalid")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise AuthenticationError("webhook signature is too old", code="signature_expired")


class SandboxGateway:
    """Test-mode gateway: payments succeed or fail on request, nothing is charged."""

    name = "sandbox"

    def __init__(self, secret: str) -> None:
        self._secret = secret

    def start_payment(self, order: Order, base_url: str) -> PaymentSession:
        reference = "sbx_" + secrets.token_urlsafe(18)
        return PaymentSession(
            reference=reference, checkout_url=f"{base_url}/api/v1/sandbox/payments/{reference}"
        )

    def webhook_for(self, payment: Payment, outcome: str) -> tuple[dict[str, str], bytes]:
        """What the sandbox PSP would POST to us: a signed JSON notice."""
        body = json.dumps(
            {
                "id": "evt_" + secrets.token_urlsafe(12),
                "type": f"payment.{outcome}",
                "reference": payment.reference,
                "amount": payment.amount,
                "currency": payment.currency,
            }
        ).encode()
        return {SIGNATURE_HEADER.lower(): sign(self._secret, body, int(time.time()))}, body

    def parse_webhook(self, headers: dict[str, str], body: bytes) -> WebhookNotice:
        lowered = {k.lower(): v for k, v in headers.items()}
        verify_signature(self._secret, lowered.get(SIGNATURE_HEADER.lower()), body)
        try:
            data = json.loads(body)
            outcome = str(data["type"]).removeprefix("payment.")
            if outcome not in {"succeeded", "failed"}:
                raise ValueError(outcome)
            return WebhookNotice(
                event_id=str(data["id"]),
                reference=str(data["reference"]),
                outcome=outcome,
                amount=int(data["amount"]),
                currency=str(data["currency"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise UnprocessableError("malformed webhook body", code="webhook_malformed") from exc


def payment_method_for(order: Order, requested: str | None) -> str | None:
    """The method to charge: the one asked for, else the checkout's choice, else the market's
    first. It must be offered for the order's country, currency and total."""
    if order.destination_country is None or order.total_amount <= 0:
        return requested or order.payment_method
    try:
        offered = [
            m.id
            for m in available_methods(
                order.destination_country, order.currency, order.total_amount
            )
        ]
    except PaymentMethodError as exc:
        raise UnprocessableError(exc.message, code=exc.code) from exc
    chosen = requested or order.payment_method or (offered[0] if offered else None)
    if chosen is None or chosen not in offered:
        raise UnprocessableError(
            f"{chosen!r} is not offered for {order.destination_country} in {order.currency}",
            code="payment_method_unavailable",
            details={"method": chosen, "offered": offered},
        )
    return chosen


def start_payment(
    session: Session,
    gateway: PaymentGateway,
    order: Order,
    base_url: str,
    *,
    method: str | None = None,
) -> Payment:
    """Charge the order's total in its own (presentment) currency."""
    chosen = payment_method_for(order, method)
    # Concurrent starts for one order queue on the order's row (PostgreSQL; SQLite's write
    # transaction is already exclusive), so the second sees the first's open payment.
    session.refresh(order, with_for_update=True)
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise ConflictError(
            f"order is {order.status}, not awaiting payment", code="order_not_payable"
        )
    pending = session.scalar(
        select(Payment).where(Payment.order_id == order.id, Payment.status == "pending")
    )
    if pending is not None:  # paying twice must not open a second charge
        return pending
    started = gateway.start_payment(order, base_url)
    payment = Payment(
        store_id=order.store_id,
        order_id=order.id,
        gateway=gateway.name,
        method=chosen,
        reference=started.reference,
        amount=order.total_amount,
        currency=order.currency,
        status="pending",
    )
    session.add(payment)
    session.flush()
    return payment


def apply_webhook(
    session: Session,
    gateway_name: str,
    notice: WebhookNotice,
    outbox: list[DomainEvent],
    low_stock_threshold: int,
) -> Payment | None:
    """Idempotent: a redelivered event id is acknowledged and ignored."""
    session.add(WebhookReceipt(gateway=gateway_name, event_id=notice.event_id))
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        return None
    payment = session.scalar(
        select(Payment).where(
            Payment.reference == notice.reference, Payment.gateway == gateway_name
        )
    )
    if payment is None:
        raise NotFoundError("unknown payment reference", code="payment_not_found")
    if payment.status != "pending":
        return payment
    order = session.get(Order, payment.order_id)
    assert order is not None  # noqa: S101 - FK guarantees it
    if notice.outcome == "failed":
        payment.status = "failed"
        return payment
    if notice.amount != payment.amount or notice.currency != payment.currency:
        payment.status = "amount_mismatch"
        record_event(
            session,
            order,
            order.status,
            order.status,
            actor=f"gateway:{gateway_name}",
            reason="payment amount/currency mismatch; needs review",
        )
        return payment
    if order.status != OrderStatus.PENDING_PAYMENT:
        # Money arrived for an order whose reservation already expired: flag for a refund
        # rather than shipping stock we no longer hold.
        payment.status = "refund_required"
        record_event(
            session,
            order,
            order.status,
            order.status,
            actor=f"gateway:{gateway_name}",
            reason="paid after the order was cancelled; refund required",
        )
        return payment
    failpoint("payment.after_gateway_success")  # crash tests: the money moved, we know it
    payment.status = "succeeded"
    transition(
        session,
        order,
        OrderStatus.PAID.value,
        actor=f"gateway:{gateway_name}",
        reason=f"payment {payment.reference}",
        outbox=outbox,
        low_stock_threshold=low_stock_threshold,
    )
    return payment
