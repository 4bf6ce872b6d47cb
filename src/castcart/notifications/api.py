"""Staff API for an order's mails: which were sent (confirmation, shipping notice, ...),
when, with what result and how many failed tries, and "resend" to queue one again. The
admin order view reads and writes them here (session cookie + CSRF header, like every
admin write); the rows stay the notifications domain's own (``service.order_mails``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict

from castcart.commerce import orders
from castcart.core.clock import utcnow
from castcart.notifications import service
from castcart.notifications.subscriber import OrderMails
from castcart.web.deps import Ctx, Staff
from castcart.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["notifications"], responses=ERROR_RESPONSES)
ObjectId = Annotated[str, Path(max_length=32)]
MailKind = Literal["order_paid", "order_shipped", "order_cancelled", "order_refunded"]


class MailStatusOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None
    sending: bool


@router.get("/orders/{order_id}/mails", response_model=list[MailStatusOut])
def list_order_mails(ctx: Ctx, staff: Staff, order_id: ObjectId) -> list[MailStatusOut]:
    """The order's mails: kind, status (pending, sent, failed, skipped), failed attempts
    with the last error, and when each was asked for, sent or is tried next."""
    staff.require("orders.read")
    with ctx.db.read() as session:
        orders.get_order(session, staff.store_id, order_id)  # 404 for another store's
        return [
            MailStatusOut.model_validate(m)
            for m in service.order_mails(session, staff.store_id, order_id)
        ]


@router.post(
    "/orders/{order_id}/mails/{kind}/resend", response_model=MailStatusOut, status_code=202
)
def resend_order_mail(
    ctx: Ctx, staff: Staff, request: Request, order_id: ObjectId, kind: MailKind
) -> MailStatusOut:
    """Queue the mail again (pending, due now, attempts reset); it goes out shortly. 404
    for a mail the order never had, 409 while it is being sent or when its shopper was
    erased. Needs ``orders.write``."""
    staff.require("orders.write")
    with ctx.db.read() as session:
        orders.get_order(session, staff.store_id, order_id)
    status = service.resend(
        ctx.db,
        store_id=staff.store_id,
        order_id=order_id,
        kind=kind,
        actor=staff.user_id,
        now=utcnow(),
    )
    mails = ctx.services.get(OrderMails)
    if mails is not None:
        mails.queue(staff.store_id, order_id, kind)
    return MailStatusOut.model_validate(status)
