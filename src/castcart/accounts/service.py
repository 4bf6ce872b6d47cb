"""Sign-up, login, staff and shopper sessions. Every lookup is scoped by store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from castcart.accounts.errors import AccountsErrorCode
from castcart.accounts.models import AuthToken, Shopper, StaffUser, Store
from castcart.accounts.roles import Role as Role  # re-exported: callers import it from here
from castcart.accounts.security import hash_password, token_digest, verify_password
from castcart.core.clock import utcnow
from castcart.core.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from castcart.core.ids import new_token

# What each role may do. Owners do everything; hosts run shows; moderators read and moderate.
PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.OWNER: frozenset(
        {
            "catalog.read",
            "catalog.write",
            "shows.read",
            "shows.write",
            "shows.run",
            "promotions.read",
            "promotions.write",
            "orders.read",
            "orders.write",
            "staff.write",
            "audit.read",
            "audit.write",
        }
    ),
    Role.HOST: frozenset(
        {"catalog.read", "shows.read", "shows.run", "promotions.read", "orders.read"}
    ),
    Role.MODERATOR: frozenset({"catalog.read", "shows.read"}),
}


@dataclass(frozen=True)
class StaffPrincipal:
    store_id: str
    user_id: str
    role: Role

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS[self.role]

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise PermissionDeniedError(
                f"role {self.role.value!r} may not do {permission!r}",
                details={"permission": permission},
            )


@dataclass(frozen=True)
class ShopperPrincipal:
    store_id: str
    shopper_id: str


def create_store(
    session: Session,
    *,
    slug: str,
    name: str,
    currency: str,
    country: str,
    default_locale: str,
    owner_email: str,
    owner_password: str,
) -> tuple[Store, StaffUser]:
    if session.scalar(select(Store.id).where(Store.slug == slug)) is not None:
        raise ConflictError(f"store slug {slug!r} is taken", code=AccountsErrorCode.SLUG_TAKEN)
    store = Store(
        slug=slug, name=name, currency=currency, country=country, default_locale=default_locale
    )
    session.add(store)
    session.flush()
    owner = StaffUser(
        store_id=store.id,
        email=owner_email.lower(),
        password_hash=hash_password(owner_password),
        role=Role.OWNER.value,
        display_name=owner_email.split("@")[0],
    )
    session.add(owner)
    try:
        session.flush()
    except IntegrityError as exc:  # two sign-ups racing for one slug
        raise ConflictError(
            f"store slug {slug!r} is taken", code=AccountsErrorCode.SLUG_TAKEN
        ) from exc
    return store, owner


def add_staff(
    session: Session, store_id: str, *, email: str, password: str, role: Role, display_name: str
) -> StaffUser:
    email = email.lower()
    existing = session.scalar(
        select(StaffUser.id).where(StaffUser.store_id == store_id, StaffUser.email == email)
    )
    if existing is not None:
        raise ConflictError(
            f"{email} is already on this store's staff", code=AccountsErrorCode.EMAIL_TAKEN
        )
    user = StaffUser(
        store_id=store_id,
        email=email,
        password_hash=hash_password(password),
        role=role.value,
        display_name=display_name or email.split("@")[0],
    )
    session.add(user)
    session.flush()
    return user


def get_store(session: Session, store_id: str) -> Store:
    """The store (tenant) ``store_id``; the other domains' one way to read it."""
    store = session.get(Store, store_id)
    if store is None:
        raise NotFoundError("store not found", code=AccountsErrorCode.STORE_NOT_FOUND)
    return store


def get_store_by_slug(session: Session, slug: str) -> Store:
    store = session.scalar(select(Store).where(Store.slug == slug))
    if store is None:
        raise NotFoundError(f"no store {slug!r}", code=AccountsErrorCode.STORE_NOT_FOUND)
    return store


def _issue_token(
    session: Session,
    *,
    prefix: str,
    kind: str,
    store_id: str,
    ttl: timedelta,
    staff_id: str | None = None,
    shopper_id: str | None = None,
) -> str:
    token = new_token(prefix)
    session.add(
        AuthToken(
            token_hash=token_digest(token),
            kind=kind,
            store_id=store_id,
            staff_id=staff_id,
            shopper_id=shopper_id,
            expires_at=utcnow() + ttl,
        )
    )
    session.flush()
    return token


def login_staff(
    session: Session, *, store_slug: str, email: str, password: str, ttl: timedelta
) -> tuple[str, StaffUser]:
    store = session.scalar(select(Store).where(Store.slug == store_slug))
    user = None
    if store is not None:
        user = session.scalar(
            select(StaffUser).where(
                StaffUser.store_id == store.id, StaffUser.email == email.lower()
            )
        )
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise AuthenticationError(
            "wrong store, email or password", code=AccountsErrorCode.INVALID_CREDENTIALS
        )
    token = _issue_token(
        session, prefix="ccs", kind="staff", store_id=user.store_id, staff_id=user.id, ttl=ttl
    )
    return token, user


def start_guest_session(
    session: Session,
    store: Store,
    *,
    locale: str,
    country: str | None,
    display_name: str,
    ttl: timedelta,
) -> tuple[str, Shopper]:
    shopper = Shopper(store_id=store.id, locale=locale, country=country, display_name=display_name)
    session.add(shopper)
    session.flush()
    token = _issue_token(
        session, prefix="ccg", kind="shopper", store_id=store.id, shopper_id=shopper.id, ttl=ttl
    )
    return token, shopper


def register_shopper(session: Session, shopper_id: str, *, email: str, password: str) -> Shopper:
    """Turn the current guest into an account, keeping its cart and orders."""
    shopper = session.get(Shopper, shopper_id)
    if shopper is None:
        raise NotFoundError("shopper not found")
    if shopper.email is not None:
        raise ConflictError(
            "this session already has an account", code=AccountsErrorCode.ALREADY_REGISTERED
        )
    taken = session.scalar(
        select(Shopper.id).where(
            Shopper.store_id == shopper.store_id, Shopper.email == email.lower()
        )
    )
    if taken is not None:
        raise ConflictError(
            "an account with this email exists; log in", code=AccountsErrorCode.EMAIL_TAKEN
        )
    shopper.email = email.lower()
    shopper.password_hash = hash_password(password)
    session.flush()
    return shopper


def login_shopper(
    session: Session, store: Store, *, email: str, password: str, ttl: timedelta
) -> tuple[str, Shopper]:
    shopper = session.scalar(
        select(Shopper).where(Shopper.store_id == store.id, Shopper.email == email.lower())
    )
    # Always one hash verification (a dummy one for an unknown e-mail): same time either way.
    verified = verify_password(shopper.password_hash if shopper else None, password)
    if shopper is None or not verified:
        raise AuthenticationError(
            "wrong email or password", code=AccountsErrorCode.INVALID_CREDENTIALS
        )
    token = _issue_token(
        session, prefix="ccg", kind="shopper", store_id=store.id, shopper_id=shopper.id, ttl=ttl
    )
    return token, shopper


def resolve_token(session: Session, token: str) -> AuthToken:
    row = session.scalar(select(AuthToken).where(AuthToken.token_hash == token_digest(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        raise AuthenticationError("invalid or expired token", code=AccountsErrorCode.INVALID_TOKEN)
    return row


def staff_principal(session: Session, token: str) -> StaffPrincipal:
    row = resolve_token(session, token)
    if row.kind != "staff" or row.staff_id is None:
        raise AuthenticationError("a staff token is required", code=AccountsErrorCode.INVALID_TOKEN)
    return _staff_of(
        session, row.staff_id, "invalid or expired token", AccountsErrorCode.INVALID_TOKEN
    )


def _staff_of(
    session: Session, staff_id: str, message: str, code: AccountsErrorCode
) -> StaffPrincipal:
    user = session.get(StaffUser, staff_id)
    if user is None:
        raise AuthenticationError(message, code=code)
    return StaffPrincipal(store_id=user.store_id, user_id=user.id, role=Role(user.role))


def shopper_principal(session: Session, token: str, store_id: str) -> ShopperPrincipal:
    row = resolve_token(session, token)
    if row.kind != "shopper" or row.shopper_id is None or row.store_id != store_id:
        raise AuthenticationError(
            "a shopper session for this store is required", code=AccountsErrorCode.INVALID_TOKEN
        )
    return ShopperPrincipal(store_id=row.store_id, shopper_id=row.shopper_id)


LIVE_TICKET_KIND = "live_ticket"
LIVE_TICKET_TTL = timedelta(seconds=60)


def issue_live_ticket(session: Session, principal: StaffPrincipal | ShopperPrincipal) -> str:
    """A single-use, one-minute ticket that admits its holder to a show's live channel once.

    Browsers cannot set headers on a WebSocket, so whatever authenticates the socket travels
    in its URL and ends up in access logs and proxies; a ticket that is spent on first use
    and dies within a minute is worthless there, where a bearer token is not."""
    staff_id = principal.user_id if isinstance(principal, StaffPrincipal) else None
    shopper_id = principal.shopper_id if isinstance(principal, ShopperPrincipal) else None
    return _issue_token(
        session,
        prefix="cct",
        kind=LIVE_TICKET_KIND,
        store_id=principal.store_id,
        staff_id=staff_id,
        shopper_id=shopper_id,
        ttl=LIVE_TICKET_TTL,
    )


def redeem_live_ticket(session: Session, ticket: str) -> StaffPrincipal | ShopperPrincipal:
    """Spend ``ticket`` and say whose it was: one conditional UPDATE, so of two sockets racing
    with the same ticket (on any node) exactly one is admitted."""
    now = utcnow()
    digest = token_digest(ticket)
    spent = session.execute(
        update(AuthToken)
        .where(
            AuthToken.token_hash == digest,
            AuthToken.kind == LIVE_TICKET_KIND,
            AuthToken.revoked_at.is_(None),
            AuthToken.expires_at > now,
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(spent, "rowcount", 0) != 1:
        raise AuthenticationError(
            "invalid, expired or used ticket", code=AccountsErrorCode.INVALID_TICKET
        )
    row = session.scalar(select(AuthToken).where(AuthToken.token_hash == digest))
    if row is None:  # pragma: no cover - the UPDATE just matched it
        raise AuthenticationError(
            "invalid, expired or used ticket", code=AccountsErrorCode.INVALID_TICKET
        )
    if row.shopper_id is not None:
        return ShopperPrincipal(store_id=row.store_id, shopper_id=row.shopper_id)
    if row.staff_id is None:  # pragma: no cover - issued for a staff member or a shopper
        raise AuthenticationError(
            "invalid, expired or used ticket", code=AccountsErrorCode.INVALID_TICKET
        )
    return _staff_of(
        session, row.staff_id, "invalid, expired or used ticket", AccountsErrorCode.INVALID_TICKET
    )


EXPIRED_TOKENS_KEPT = timedelta(days=1)  # a little history for support, then gone


def purge_expired_tokens(session: Session, now: datetime) -> int:
    """Delete tokens and tickets that expired more than a day ago; the number deleted."""
    result = session.execute(
        delete(AuthToken)
        .where(AuthToken.expires_at < now - EXPIRED_TOKENS_KEPT)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def revoke_token(session: Session, token: str) -> None:
    row = resolve_token(session, token)
    row.revoked_at = utcnow()
