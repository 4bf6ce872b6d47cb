"""The admin order view's mails in real Chromium (issue 10): the confirmation that could
not be sent (SMTP down) shows as waiting, with its failed try and the error; the owner
clicks "Resend" once the server is back (session cookie + CSRF header, as every admin
write) and the row turns to "Sent" with its time; the mail arrives at a real local SMTP
server (aiosmtpd). Screenshots: test-artifacts/pages/admin-mails-{failed,resent}.png."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from castcart.core.settings import Settings
from castcart.demo.seed import seed_demo
from castcart.notifications.subscriber import OrderMails
from castcart.pages.i18n import catalog
from castcart.web.app import create_app
from tests.cluster import free_port
from tests.conftest import LiveServer
from tests.helpers import Api
from tests.notifications.test_order_mails import Inbox
from tests.pages.conftest import Site
from tests.pages.test_browser import Watch

EN = catalog("en")


@pytest.fixture(scope="module")
def smtp_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, smtp_port: int) -> Iterator[Site]:
    """The demo store with SMTP configured on a port where nothing listens yet."""
    settings = Settings(  # type: ignore[call-arg]
        environment="test",
        data_dir=tmp_path_factory.mktemp("mails"),
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_starttls=False,
        smtp_from="Shop <orders@shop.example>",
        notifications_retry_seconds=3600,  # no sweep: only "Resend" sends it again
    )
    app = create_app(settings, background_tasks=False)
    demo = seed_demo(app.state.ctx.db)
    with LiveServer(app) as server:
        yield Site(server.url, app, settings, demo)


def _paid_order(site: Site) -> dict[str, Any]:
    with httpx.Client(base_url=site.url, timeout=30) as client:
        api = Api(client)  # type: ignore[arg-type]
        shopper = api.shopper({"store": {"slug": site.demo.slug}}, country="DE")
        show = api.ok("GET", f"/api/v1/shop/{site.demo.slug}/shows/{site.demo.show_id}")
        variant = next(
            v for p in show["products"] for v in p["variants"] if (v.get("available") or 0) > 0
        )
        api.add_to_cart(shopper, variant["id"], 1)
        order = api.checkout(
            shopper, country="DE", payment_method="card", contact_email="lena@example.com"
        )
        api.pay(shopper, order["id"])
    site.app.state.ctx.services.get(OrderMails).flush()  # the first try: SMTP is down
    return dict(order)


def test_owner_sees_a_failed_mail_and_resends_it(
    browser: Any, site: Site, smtp_port: int, artifacts: Path
) -> None:
    order = _paid_order(site)
    admin = Watch(browser, viewport={"width": 1280, "height": 900}, locale="en-US")
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    try:
        login = admin.context.request.post(
            f"{site.url}/api/v1/auth/session",
            data={"store": site.demo.slug, "email": site.demo.owner_email,
                  "password": site.demo.password},
        )  # fmt: skip
        assert login.status == 204
        page = admin.page()
        page.goto(f"{site.url}/admin#orders")
        page.get_by_role("button", name=f"Order {order['number']}").click()
        mails = page.locator("#cc-order-mails")
        row = mails.locator("tr[data-kind=order_paid]")
        row.wait_for()
        cells = row.locator("th, td").all_inner_texts()
        assert cells[0] == EN["admin.mail_kind.order_paid"]
        assert cells[1] == EN["admin.mail_status.pending"]
        assert cells[2].startswith("Next try ")
        assert cells[3].startswith("Failed attempts: 1 · Last error: ")
        page.screenshot(path=str(artifacts / "admin-mails-failed.png"), full_page=True)

        controller.start()  # the SMTP server is back
        with page.expect_response("**/mails/order_paid/resend") as answer:
            row.get_by_role("button", name="Resend: Order confirmation").click()
        assert answer.value.status == 202
        assert answer.value.request.headers.get("x-csrf-token")
        page.locator("#cc-admin-msg", has_text="Order confirmation queued").wait_for()
        for _ in range(100):
            site.app.state.ctx.services.get(OrderMails).flush()
            if box.messages:
                break
            time.sleep(0.05)
        assert [m["Subject"] for m in box.messages] == [f"Order {order['number']} confirmed"]
        page.get_by_role("button", name=f"Order {order['number']}").click()
        page.locator("#cc-order-mails tr[data-status=sent]").wait_for()
        cells = (
            page.locator("#cc-order-mails tr[data-kind=order_paid]")
            .locator("th, td")
            .all_inner_texts()
        )
        assert cells[1] == EN["admin.mail_status.sent"]
        assert cells[2].startswith("Sent ")
        assert cells[3] == ""
        page.screenshot(path=str(artifacts / "admin-mails-resent.png"), full_page=True)
        assert admin.problems == []
    finally:
        admin.close()
        controller.stop()
