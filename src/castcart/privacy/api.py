"""Privacy rights over HTTP: the shopper's own consents, export and erasure, and the store
owner's handling of requests received by other channels (email, support desk)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from castcart.accounts.models import Store
from castcart.accounts.service import Role, StaffPrincipal, get_store
from castcart.audit.service import purge_expired
from castcart.core.clock import utcnow
from castcart.core.errors import PermissionDeniedError
from castcart.privacy import service
from castcart.privacy.schemas import (
    ConsentDecisionsIn,
    ConsentIn,
    ConsentOut,
    ConsentsOut,
    ErasureOut,
    ExportOut,
    Purpose,
    RetentionIn,
    RetentionOut,
)
from castcart.web.deps import Ctx, CurrentShopper, Staff
from castcart.web.errors import ERROR_RESPONSES

ShopperId = Annotated[str, Path(max_length=32)]
ConsentCountry = Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")]

shop_router = APIRouter(
    prefix="/api/v1/shop/{store_slug}", tags=["privacy"], responses=ERROR_RESPONSES
)


@shop_router.post(
    "/consents",
    status_code=status.HTTP_201_CREATED,
    response_model=ConsentOut,
    responses={200: {"model": ConsentOut, "description": "Already granted under this policy"}},
)
def grant_consent(
    ctx: Ctx, shopper: CurrentShopper, data: ConsentIn, response: Response
) -> ConsentOut:
    with ctx.unit_of_work() as (session, _):
        record, created = service.grant_consent(
            session,
            shopper.store.id,
            shopper.shopper_id,
            purpose=data.purpose,
            policy_version=data.policy_version,
            now=utcnow(),
        )
        if not created:
            response.status_code = status.HTTP_200_OK
        return ConsentOut.model_validate(record)


@shop_router.get("/consents", response_model=ConsentsOut)
def list_consents(ctx: Ctx, shopper: CurrentShopper, country: ConsentCountry = None) -> ConsentsOut:
    """Current state per purpose and the full, append-only history; with ``country`` (the
    viewer's market), its consent model and what may run there (``effective``)."""
    with ctx.db.read() as session:
        return service.consents_view(session, shopper.store.id, shopper.shopper_id, country)


@shop_router.put("/consents", response_model=ConsentsOut)
def decide_consents(ctx: Ctx, shopper: CurrentShopper, data: ConsentDecisionsIn) -> ConsentsOut:
    """The consent banner's answer: each purpose granted (true) or refused (false), both
    recorded with the time, the policy version, the market and the source. Answering the
    same again changes nothing; a changed answer closes the previous row."""
    with ctx.unit_of_work() as (session, _):
        service.record_decisions(
            session,
            shopper.store.id,
            shopper.shopper_id,
            choices=data.choices.decided(),
            policy_version=data.policy_version,
            jurisdiction=data.country,
            source=data.source,
            now=utcnow(),
        )
        return service.consents_view(session, shopper.store.id, shopper.shopper_id, data.country)


@shop_router.delete("/consents/{purpose}", response_model=ConsentOut)
def withdraw_consent(ctx: Ctx, shopper: CurrentShopper, purpose: Purpose) -> ConsentOut:
    with ctx.unit_of_work() as (session, _):
        record = service.withdraw_consent(
            session, shopper.store.id, shopper.shopper_id, purpose=purpose, now=utcnow()
        )
        return ConsentOut.model_validate(record)


@shop_router.get("/me/export", response_model=ExportOut)
def export_me(ctx: Ctx, shopper: CurrentShopper) -> ExportOut:
    with ctx.unit_of_work() as (session, _):
        person = service.get_shopper(session, shopper.store.id, shopper.shopper_id)
        return service.export_shopper(
            session, shopper.store, person, requested_by="shopper", now=utcnow()
        )


@shop_router.post("/me/erase", response_model=ErasureOut)
def erase_me(ctx: Ctx, shopper: CurrentShopper) -> ErasureOut:
    """Erase this shopper's personal data; the session used for the call ends with it."""
    with ctx.unit_of_work() as (session, outbox):
        person = service.get_shopper(session, shopper.store.id, shopper.shopper_id)
        return service.erase_shopper(
            session, shopper.store, person, requested_by="shopper", now=utcnow(), outbox=outbox
        )


router = APIRouter(prefix="/api/v1/privacy", tags=["privacy"], responses=ERROR_RESPONSES)


def _require_owner(staff: StaffPrincipal) -> None:
    """Only the owner (the data controller's representative) handles data-subject requests."""
    if staff.role is not Role.OWNER:
        raise PermissionDeniedError(
            "only the store owner may handle privacy requests",
            details={"permission": "privacy.requests"},
        )


def _store(ctx: Ctx, store_id: str) -> Store:
    with ctx.db.read() as session:
        return get_store(session, store_id)


@router.get("/shoppers/{shopper_id}/export", response_model=ExportOut)
def staff_export(ctx: Ctx, staff: Staff, shopper_id: ShopperId) -> ExportOut:
    _require_owner(staff)
    store = _store(ctx, staff.store_id)
    with ctx.unit_of_work() as (session, _):
        person = service.get_shopper(session, store.id, shopper_id)
        return service.export_shopper(
            session, store, person, requested_by=f"staff:{staff.user_id}", now=utcnow()
        )


@router.post("/shoppers/{shopper_id}/erase", response_model=ErasureOut)
def staff_erase(ctx: Ctx, staff: Staff, shopper_id: ShopperId) -> ErasureOut:
    _require_owner(staff)
    store = _store(ctx, staff.store_id)
    with ctx.unit_of_work() as (session, outbox):
        person = service.get_shopper(session, store.id, shopper_id)
        return service.erase_shopper(
            session,
            store,
            person,
            requested_by=f"staff:{staff.user_id}",
            now=utcnow(),
            outbox=outbox,
        )


@router.post("/retention/run", response_model=RetentionOut)
def run_retention(ctx: Ctx, staff: Staff, data: RetentionIn) -> RetentionOut:
    """Delete this store's idle guest shoppers without orders and the audit logs of shows
    past the store's audit retention (also callable from a job: ``castcart audit purge``)."""
    _require_owner(staff)
    with ctx.unit_of_work() as (session, _):
        now = utcnow()
        deleted = service.purge_inactive_guests(
            session,
            older_than=timedelta(days=data.older_than_days),
            now=now,
            store_id=staff.store_id,
        )
        audit = purge_expired(session, now=now, store_id=staff.store_id)
        return RetentionOut(deleted_guests=deleted, deleted_audit_entries=audit)
