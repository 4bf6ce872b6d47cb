"""The admin's "Claim evidence" tab in real Chromium: a product's copy says "cheaper than on
Amazon" (a finding to review); the seller attaches the price survey as evidence, and the
finding is resolved with the record cited. Screenshot in test-artifacts/pages/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.pages.conftest import Site
from tests.pages.test_admin_browser import _staff_token
from tests.pages.test_browser import Watch


def test_evidence_tab_clears_a_comparison_finding(
    browser: Any, site: Site, artifacts: Path
) -> None:
    with httpx.Client(base_url=site.url, timeout=10) as http:
        staff = _staff_token(http, site)
        created = http.post(
            "/api/v1/products",
            headers=staff,
            json={
                "handle": "travel-charger",
                "translations": [
                    {
                        "locale": "en",
                        "title": "Travel charger",
                        "description": "Folds flat. Cheaper than on Amazon.",
                    }
                ],
                "variants": [{"sku": "TC-1", "price_amount": 2900}],
            },
        )
        assert created.status_code == 201, created.text
        product = created.json()
        assert product["open_findings"] == 1

    owner = Watch(browser, viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        login = owner.context.request.post(
            f"{site.url}/api/v1/auth/session",
            data={
                "store": site.demo.slug,
                "email": site.demo.owner_email,
                "password": site.demo.password,
            },
        )
        assert login.status == 204
        page = owner.page()
        page.goto(f"{site.url}/admin")
        row = page.locator("#cc-products tr", has_text="travel-charger")
        row.get_by_role("button", name="Compliance findings: Travel charger: 1 to review").click()
        findings = page.locator("#cc-findings")
        claim = findings.locator("li.finding.is-open", has_text="Cheaper than on Amazon")
        claim.wait_for()

        page.get_by_role("tab", name="Claim evidence").click()
        form = page.locator("#cc-evidence-form")
        form.get_by_label("Claim", exact=True).fill("cheaper than on Amazon")
        form.get_by_label("Product").select_option(label="Travel charger")
        form.get_by_label("Evidence (what backs the claim)").fill(
            "Price survey 2026-12-03: Amazon.de 34.99 EUR"
        )
        form.get_by_label("Link to the evidence").fill("https://example.com/survey.pdf")
        until = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
        form.get_by_label("Valid until").fill(until)
        form.get_by_role("button", name="Save").click()
        page.get_by_text("Evidence saved; the product copy was checked again.").wait_for()
        record = page.locator("#cc-evidence tr", has_text="cheaper than on Amazon")
        record.wait_for()
        assert "Travel charger" in record.inner_text()
        assert record.get_by_role("link", name="https://example.com/survey.pdf").count() == 1
        page.screenshot(path=str(artifacts / "admin-evidence-tab.png"), full_page=True)

        page.get_by_role("tab", name="Catalog").click()
        findings.get_by_role("button", name="Re-check the copy").click()
        resolved = findings.locator("li.finding.is-resolved", has_text="Cheaper than on Amazon")
        resolved.wait_for()
        text = resolved.inner_text()
        assert "Substantiated by claim evidence:" in text
        assert "Price survey 2026-12-03" in text
        assert until in text
        assert findings.locator("li.finding.is-open").count() == 0
        page.screenshot(path=str(artifacts / "admin-claim-evidence.png"), full_page=True)
        assert owner.problems == []
    finally:
        owner.close()
