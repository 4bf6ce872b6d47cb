"""Live engagement in a show: polls, giveaways with a verifiable draw, quizzes with coupon
rewards. ``service`` holds the database logic, ``draw`` and ``coalesce`` the pure parts,
``api`` the HTTP routes; frames reach viewers as ``ShowBroadcast`` events."""
