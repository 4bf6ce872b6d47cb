"""The audience loop: upcoming shows with reminders (e-mail, Web Push, calendar file) and the
shoppable replay (product timeline, replay prices, captions, retention)."""
