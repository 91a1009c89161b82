"""Links on the public home page. Modules that add a public site register it here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PublicLink:
    title: str
    url: str
    description: str = ""
    order: int = 100


_links: list[PublicLink] = []


def register(link: PublicLink) -> PublicLink:
    _links.append(link)
    return link


def links() -> list[PublicLink]:
    return sorted(_links, key=lambda link: (link.order, link.title))
