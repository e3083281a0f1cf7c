"""Discord views (buttons): they translate clicks into domain calls and nothing more."""
