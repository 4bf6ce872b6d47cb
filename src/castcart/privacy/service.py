"""Consents, data-subject export and erasure, guest retention. Every lookup is scoped by store.

Erasure keeps the shopper row as a pseudonymous stub: orders point at it with a NOT NULL key
and tax law (e.g. EU VAT directive art. 244-249: invoices kept up to 10 years) requires the
orders, their lines and amounts to stay. What made the stub a person (email, name, password,
sessions, cart) is removed, so the orders are no longer linked to anyone identifiable.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from castcart.accounts.models import AuthToken, Shopper, Store
from castcart.commerce.models import Cart, CartLine, Order, Payment, ShareCode, ShareJoin
from castcart.commerce.schemas import OrderOut, PaymentOut
from castcart.core.errors import ConflictError, NotFoundError
from castcart.core.tenancy import get_owned
from castcart.events import DomainEvent
from castcart.events.types import ShopperErased
from castcart.privacy.errors import PrivacyErrorCode
from castcart.privacy.models import ConsentRecord, PrivacyRequest
from castcart.privacy.regimes import Model, consent_model, effective
from castcart.privacy.schemas import (
    PURPOSES,
    CartLineExport,
    ConsentOut,
    ConsentsOut,
    DecisionOut,
    ErasureOut,
    ExportOut,
    PrivacyRequestOut,
    ProfileOut,
    SessionOut,
    ShareCodeExport,
    StoreRef,
)


def get_shopper(session: Session, store_id: str, shopper_id: str) -> Shopper:
    return get_owned(
        session,
        Shopper,
        shopper_id,
        store_id,
        message="shopper not found",
        code=PrivacyErrorCode.SHOPPER_NOT_FOUND,
    )


def _active(session: Session, store_id: str, shopper_id: str, purpose: str) -> ConsentRecord | None:
    """The live decision (grant or refusal) for a purpose, if one was made."""
    return session.scalar(
        select(ConsentRecord).where(
            ConsentRecord.store_id == store_id,
            ConsentRecord.shopper_id == shopper_id,
            ConsentRecord.purpose == purpose,
            ConsentRecord.withdrawn_at.is_(None),
        )
    )


def _flush_new(session: Session, record: ConsentRecord) -> None:
    session.add(record)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent decision won the unique active index
        raise ConflictError(
            "consent changed concurrently; retry", code=PrivacyErrorCode.CONSENT_RACE
        ) from exc


def grant_consent(
    session: Session,
    store_id: str,
    shopper_id: str,
    *,
    purpose: str,
    policy_version: str,
    now: datetime,
) -> tuple[ConsentRecord, bool]:
    """Record a grant. The same grant again is a no-op (``created`` False); a grant under a
    new policy version, or after a refusal, closes the old row as superseded and opens a
    new one."""
    current = _active(session, store_id, shopper_id, purpose)
    if current is not None:
        if current.decision == "granted" and current.policy_version == policy_version:
            return current, False
        current.withdrawn_at = now
        current.end_reason = "superseded"
        session.flush()
    record = ConsentRecord(
        store_id=store_id,
        shopper_id=shopper_id,
        purpose=purpose,
        policy_version=policy_version,
        granted_at=now,
    )
    _flush_new(session, record)
    return record, True


def record_decisions(
    session: Session,
    store_id: str,
    shopper_id: str,
    *,
    choices: dict[str, bool],
    policy_version: str,
    jurisdiction: str | None,
    source: str,
    now: datetime,
) -> list[ConsentRecord]:
    """Record a banner's answer per purpose: True a grant, False a refusal. Each change is a
    new row; the row it replaces is closed (``withdrawn`` when a grant becomes a refusal,
    else ``superseded``). The same answer under the same policy version is kept as it is.
    Returns the rows written."""
    written: list[ConsentRecord] = []
    for purpose, granted in sorted(choices.items()):
        decision = "granted" if granted else "refused"
        current = _active(session, store_id, shopper_id, purpose)
        if current is not None:
            if current.decision == decision and current.policy_version == policy_version:
                continue
            current.withdrawn_at = now
            current.end_reason = (
                "withdrawn"
                if current.decision == "granted" and decision == "refused"
                else "superseded"
            )
            session.flush()
        record = ConsentRecord(
            store_id=store_id,
            shopper_id=shopper_id,
            purpose=purpose,
            policy_version=policy_version,
            granted_at=now,
            decision=decision,
            jurisdiction=jurisdiction,
            source=source,
        )
        _flush_new(session, record)
        written.append(record)
    return written


def withdraw_consent(
    session: Session, store_id: str, shopper_id: str, *, purpose: str, now: datetime
) -> ConsentRecord:
    current = _active(session, store_id, shopper_id, purpose)
    if current is None or current.decision != "granted":
        raise NotFoundError(
            f"no active consent for {purpose!r}", code=PrivacyErrorCode.CONSENT_NOT_FOUND
        )
    current.withdrawn_at = now
    current.end_reason = "withdrawn"
    session.flush()
    return current


def consent_history(session: Session, store_id: str, shopper_id: str) -> list[ConsentRecord]:
    return list(
        session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.store_id == store_id, ConsentRecord.shopper_id == shopper_id)
            .order_by(ConsentRecord.granted_at, ConsentRecord.id)
        )
    )


def consents_view(
    session: Session, store_id: str, shopper_id: str, country: str | None = None
) -> ConsentsOut:
    """Grants per purpose, the live decision per purpose, what may run for a viewer in
    ``country`` (its consent model), and the full, append-only history."""
    history = consent_history(session, store_id, shopper_id)
    live = {r.purpose: r for r in history if r.withdrawn_at is None}
    model = consent_model(country)
    return ConsentsOut(
        current={p: p in live and live[p].decision == "granted" for p in PURPOSES},
        decisions={
            p: DecisionOut(
                decision=live[p].decision,
                policy_version=live[p].policy_version,
                decided_at=live[p].granted_at,
            )
            if p in live
            else None
            for p in PURPOSES
        },
        model=model,
        effective={p: effective(model, live[p].decision if p in live else None) for p in PURPOSES},
        history=[ConsentOut.model_validate(r) for r in history],
    )


def has_consent(session: Session, store_id: str, shopper_id: str, purpose: str) -> bool:
    """An explicit, live grant (what opt-in processing needs)."""
    current = _active(session, store_id, shopper_id, purpose)
    return current is not None and current.decision == "granted"


def allows(
    session: Session,
    store_id: str,
    shopper_id: str,
    purpose: str,
    *,
    model: Model | None = None,
    country: str | None = None,
) -> bool:
    """Whether ``purpose`` (analytics, marketing, ...) may run for this shopper, under the
    consent model of their market (``model``, else from ``country``, else the shopper's
    own country): the one check analytics and reminders call before they act."""
    if model is None:
        if country is None:
            person = session.get(Shopper, shopper_id)
            country = person.country if person is not None else None
        model = consent_model(country)
    current = _active(session, store_id, shopper_id, purpose)
    return effective(model, current.decision if current is not None else None)


def erased_at(session: Session, shopper_id: str) -> datetime | None:
    return session.scalar(
        select(func.min(PrivacyRequest.completed_at)).where(
            PrivacyRequest.shopper_id == shopper_id, PrivacyRequest.kind == "erasure"
        )
    )


def export_shopper(
    session: Session, store: Store, shopper: Shopper, *, requested_by: str, now: datetime
) -> ExportOut:
    """Collect, then log the request (the log itself is part of the next export)."""
    session.add(
        PrivacyRequest(
            store_id=store.id,
            shopper_id=shopper.id,
            kind="export",
            requested_by=requested_by,
            completed_at=now,
        )
    )
    session.flush()
    orders = session.scalars(
        select(Order)
        .where(Order.store_id == store.id, Order.shopper_id == shopper.id)
        .options(selectinload(Order.lines), selectinload(Order.events))
        .order_by(Order.created_at, Order.id)
    ).all()
    order_ids = [o.id for o in orders]
    payments = (
        session.scalars(
            select(Payment).where(Payment.order_id.in_(order_ids)).order_by(Payment.created_at)
        ).all()
        if order_ids
        else []
    )
    cart_lines = session.scalars(
        select(CartLine)
        .join(Cart, Cart.id == CartLine.cart_id)
        .where(Cart.shopper_id == shopper.id)
        .order_by(CartLine.created_at)
    ).all()
    codes = session.scalars(
        select(ShareCode).where(ShareCode.owner_shopper_id == shopper.id).order_by(ShareCode.id)
    ).all()
    joined = session.scalars(
        select(ShareJoin.offer_id).where(ShareJoin.invitee_shopper_id == shopper.id)
    ).all()
    tokens = session.scalars(
        select(AuthToken).where(AuthToken.shopper_id == shopper.id).order_by(AuthToken.created_at)
    ).all()
    requests = session.scalars(
        select(PrivacyRequest)
        .where(PrivacyRequest.shopper_id == shopper.id)
        .order_by(PrivacyRequest.completed_at, PrivacyRequest.id)
    ).all()
    return ExportOut(
        generated_at=now,
        store=StoreRef(id=store.id, slug=store.slug, name=store.name),
        profile=ProfileOut(
            id=shopper.id,
            email=shopper.email,
            display_name=shopper.display_name,
            locale=shopper.locale,
            country=shopper.country,
            registered=shopper.email is not None,
            created_at=shopper.created_at,
            erased_at=erased_at(session, shopper.id),
        ),
        consents=[
            ConsentOut.model_validate(r) for r in consent_history(session, store.id, shopper.id)
        ],
        orders=[OrderOut.model_validate(o) for o in orders],
        payments=[PaymentOut.model_validate(p) for p in payments],
        cart=[
            CartLineExport(
                variant_id=line.variant_id, quantity=line.quantity, added_at=line.created_at
            )
            for line in cart_lines
        ],
        share_codes=[
            ShareCodeExport(
                code=c.code,
                offer_id=c.offer_id,
                joins_count=c.joins_count,
                redeemed_order_id=c.redeemed_order_id,
            )
            for c in codes
        ],
        joined_share_offers=list(joined),
        sessions=[
            SessionOut(
                kind=t.kind,
                created_at=t.created_at,
                expires_at=t.expires_at,
                revoked_at=t.revoked_at,
            )
            for t in tokens
        ],
        privacy_requests=[PrivacyRequestOut.model_validate(r) for r in requests],
    )


def erase_shopper(
    session: Session,
    store: Store,
    shopper: Shopper,
    *,
    requested_by: str,
    now: datetime,
    outbox: list[DomainEvent],
) -> ErasureOut:
    """Remove the person, keep the paperwork. Safe to repeat."""
    previous = erased_at(session, shopper.id)
    shopper.email = None
    shopper.password_hash = None
    shopper.display_name = ""
    shopper.locale = store.default_locale
    # ``country`` stays: it is the place-of-supply evidence behind the tax on kept orders.
    revoked = session.execute(
        update(AuthToken)
        .where(AuthToken.shopper_id == shopper.id, AuthToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.execute(delete(Cart).where(Cart.shopper_id == shopper.id))
    consents = session.scalar(
        select(func.count())
        .select_from(ConsentRecord)
        .where(ConsentRecord.shopper_id == shopper.id)
    )
    kept = session.scalar(
        select(func.count()).select_from(Order).where(Order.shopper_id == shopper.id)
    )
    if previous is None:
        session.add(
            PrivacyRequest(
                store_id=store.id,
                shopper_id=shopper.id,
                kind="erasure",
                requested_by=requested_by,
                completed_at=now,
            )
        )
        outbox.append(ShopperErased(store_id=store.id, shopper_id=shopper.id))
    session.flush()
    return ErasureOut(
        shopper_id=shopper.id,
        erased_at=previous or now,
        tokens_revoked=int(getattr(revoked, "rowcount", 0) or 0),
        consents_kept=int(consents or 0),
        orders_kept=int(kept or 0),
        already_erased=previous is not None,
    )


def purge_inactive_guests(
    session: Session, *, older_than: timedelta, now: datetime, store_id: str | None = None
) -> int:
    """Delete guest shoppers (no account) with no orders and no activity since the cutoff.

    Their sessions, carts and share codes go with them (database cascades); consent rows stay,
    detached, as proof. A guest whose share code sits on someone's order is kept, so no
    other shopper's order changes."""
    cutoff = now - older_than
    recent_token = exists().where(
        AuthToken.shopper_id == Shopper.id, AuthToken.created_at >= cutoff
    )
    recent_cart = exists().where(Cart.shopper_id == Shopper.id, Cart.updated_at >= cutoff)
    has_order = exists().where(Order.shopper_id == Shopper.id)
    code_used = exists().where(
        ShareCode.owner_shopper_id == Shopper.id, Order.share_code_id == ShareCode.id
    )
    query = select(Shopper.id).where(
        Shopper.email.is_(None),
        Shopper.created_at < cutoff,
        ~has_order,
        ~recent_token,
        ~recent_cart,
        ~code_used,
    )
    if store_id is not None:
        query = query.where(Shopper.store_id == store_id)
    ids = list(session.scalars(query))
    for start in range(0, len(ids), 500):
        session.execute(delete(Shopper).where(Shopper.id.in_(ids[start : start + 500])))
    session.flush()
    return len(ids)
