"""Runtime plumbing shared by every domain: settings, database, errors, clock, ids."""
