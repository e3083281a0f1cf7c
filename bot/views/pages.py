"""Pages of a long answer, turned with buttons that only the member who asked can press."""
from __future__ import annotations

import discord

from ..answering.normalize import Locale
from ..messages import say
from ..pages import Page

TIMEOUT_SECONDS = 600


def make_embed(page: Page) -> discord.Embed:
    embed = discord.Embed(title=page.title, description=page.description or None, colour=discord.Colour.blurple())
    for name, value in page.fields:
        embed.add_field(name=name, value=value, inline=False)
    if page.footer:
        embed.set_footer(text=page.footer)
    return embed


class PageView(discord.ui.View):
    """◀ ▶ over `pages`; clicks by anyone but `owner_id` get a short ephemeral refusal."""

    def __init__(self, pages: list[Page], owner_id: int, locale: Locale) -> None:
        super().__init__(timeout=TIMEOUT_SECONDS)
        self.pages, self.owner_id, self.locale, self.index = pages, owner_id, locale, 0
        self.message: discord.InteractionMessage | None = None
        self.previous.label, self.next.label = say("pages.previous", locale), say("pages.next", locale)
        self._update_buttons()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(say("pages.not_yours", self.locale), ephemeral=True,
                                                allowed_mentions=discord.AllowedMentions.none())
        return False

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button[PageView]) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[PageView]) -> None:
        await self._show(interaction, self.index + 1)

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._update_buttons()
        await interaction.response.edit_message(embed=make_embed(self.pages[self.index]), view=self,
                                                allowed_mentions=discord.AllowedMentions.none())

    # Not `_refresh`: discord.ui.View has its own `_refresh(components)`, which this would shadow.
    def _update_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):  # the view's only items: ◀ and ▶
                item.disabled = True
        if self.message is not None:
            try:
                await self.message.edit(view=self, allowed_mentions=discord.AllowedMentions.none())
            except discord.HTTPException:
                pass  # the message may be gone; nothing to disable then
