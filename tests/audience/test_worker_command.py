"""``castcart worker reminders --once`` as its own process, on the app's database, with the
real clock: a show starting in 9.5 minutes gets its 10-minute reminder mailed to the local
SMTP server (aiosmtpd), and a second run sends nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from castcart.core.settings import Settings
from tests.audience.conftest import Inbox
from tests.helpers import Api, bearer


def test_the_worker_command_sends_a_due_reminder_once(
    api: Api, settings: Settings, inbox: Inbox, smtp_port: int, tmp_path: Path
) -> None:
    store = api.store()
    starts = datetime.now(UTC) + timedelta(minutes=9, seconds=30)
    show = api.ok(
        "POST",
        "/api/v1/shows",
        201,
        headers=store["headers"],
        json={"title": "Night market", "scheduled_at": starts.isoformat()},
    )
    slug = store["store"]["slug"]
    shopper = api.ok("POST", f"/api/v1/shop/{slug}/sessions", 201, json={"locale": "fr"})
    api.ok(
        "POST",
        f"/api/v1/shop/{slug}/shows/{show['id']}/reminders",
        201,
        headers=bearer(shopper["token"]),
        json={"channel": "email", "email": "ines@example.com", "consent": True, "lang": "fr"},
    )
    env = {
        **os.environ,
        "CASTCART_ENVIRONMENT": "test",
        "CASTCART_DATA_DIR": str(settings.data_dir),
        "CASTCART_DATABASE_URL": settings.effective_database_url,
        "CASTCART_SMTP_HOST": "127.0.0.1",
        "CASTCART_SMTP_PORT": str(smtp_port),
        "CASTCART_SMTP_STARTTLS": "false",
        "CASTCART_SMTP_FROM": settings.smtp_from,
    }
    command = [sys.executable, "-m", "castcart.cli", "worker", "reminders", "--once"]
    first = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert first.returncode == 0, first.stderr
    assert "reminders sent=1" in first.stdout
    [mail] = inbox.wait_for(1)
    assert mail["To"] == "ines@example.com"
    assert mail["Subject"] == "Dans 10 minutes : Night market"
    second = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert second.returncode == 0, second.stderr
    assert "sent=" not in second.stdout
    assert len(inbox.wait_for(2, timeout=0.5)) == 1
