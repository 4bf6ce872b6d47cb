"""The FX feed the operator configures: the ECB daily reference rates
(``eurofxref-daily.xml``), fetched from a URL or read from a file, and kept with their date.

Storage is the ECB file itself, checked before it is kept: ``{data_dir}/fx/ecb-YYYY-MM-DD.xml``
per rate date plus ``latest.xml`` (replaced atomically), which the quotes read. A file that
does not parse, or is older than the one already kept, changes nothing.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from castcart.money.fx import ECB_SOURCE, FxError, FxSnapshot, parse_ecb_xml, with_supplement

LATEST = "latest.xml"
MAX_BYTES = 2_000_000  # the daily file is ~2 kB; the 90-day history ~100 kB


def fx_dir(data_dir: Path) -> Path:
    return data_dir / "fx"


def fetch(url: str, *, timeout: float = 20.0) -> bytes:
    """GET the ECB XML from ``url`` (http/https); FxError for anything but a 200."""
    import httpx

    if not url.startswith(("http://", "https://")):
        raise FxError(f"FX feed URL must be http(s): {url!r}")
    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=True)
    except httpx.HTTPError as exc:
        raise FxError(f"FX feed {url} unreachable: {exc}") from exc
    if response.status_code != 200:
        raise FxError(f"FX feed {url} answered HTTP {response.status_code}")
    if len(response.content) > MAX_BYTES:
        raise FxError(f"FX feed {url} sent more than {MAX_BYTES} bytes")
    return response.content


def stored(directory: Path) -> FxSnapshot | None:
    """The kept rates (with the supplement for currencies the ECB does not publish)."""
    path = directory / LATEST
    if not path.is_file():
        return None
    return with_supplement(parse_ecb_xml(path.read_bytes(), source=f"{ECB_SOURCE} (feed)"))


def keep(directory: Path, data: bytes) -> FxSnapshot:
    """Validate an ECB file and keep it as the latest rates (unless older than those)."""
    snapshot = parse_ecb_xml(data, source=f"{ECB_SOURCE} (feed)")
    if "USD" not in snapshot.rates:
        raise FxError("ECB file has no USD rate (needed to cross the other currencies)")
    current = stored(directory)
    if current is not None and current.as_of > snapshot.as_of:
        raise FxError(
            f"ECB file of {snapshot.as_of:%Y-%m-%d} is older than the kept "
            f"{current.as_of:%Y-%m-%d}; nothing changed"
        )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"ecb-{snapshot.as_of:%Y-%m-%d}.xml").write_bytes(data)
    handle, tmp = tempfile.mkstemp(dir=directory, prefix=".latest-", suffix=".xml")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(tmp, directory / LATEST)
    return with_supplement(snapshot)


def refresh(directory: Path, *, url: str | None = None, file: Path | None = None) -> FxSnapshot:
    """One refresh from exactly one source."""
    if url is not None and file is None:
        data = fetch(url)
    elif file is not None and url is None:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise FxError(f"cannot read {file}: {exc}") from exc
    else:
        raise FxError("give either a feed URL or a file")
    return keep(directory, data)


def age_days(snapshot: FxSnapshot, now: datetime | None = None) -> int:
    """Whole days since the rates' date (0 on the day of publication)."""
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    return (today - snapshot.as_of.astimezone(UTC).date()).days
