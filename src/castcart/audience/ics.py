"""A show as an iCalendar file (RFC 5545), built with ``icalendar``: one VEVENT in UTC with
the show page as URL and an alarm ten minutes before."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event

DEFAULT_DURATION = timedelta(hours=1)


def show_calendar(
    *,
    show_id: str,
    host: str,
    title: str,
    description: str,
    starts_at: datetime,
    url: str,
    store_name: str,
    products: list[str],
    stamp: datetime,
    alarm_text: str,
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//castcart//live shows//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"show-{show_id}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + DEFAULT_DURATION)
    event.add("summary", f"{title} · {store_name}")
    lines = [description] if description else []
    lines.extend(f"- {p}" for p in products)
    lines.append(url)
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("location", url)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", alarm_text)
    alarm.add("trigger", -timedelta(minutes=10))
    event.add_component(alarm)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
