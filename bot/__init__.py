"""sagabot: a Discord bot about the November 2023 OpenAI leadership crisis."""
