"""Markdown of the page texts to safe HTML: markdown-it-py without raw HTML (typed tags are
shown as text), then nh3 (a sanitiser) keeps only the tags and attributes listed here."""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

TAGS = {"h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "a", "br", "blockquote", "code"}
ATTRIBUTES = {"a": {"href"}}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})


def render_markdown(text: str) -> SafeString:
    html = _markdown.render(text or "")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"https", "http", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    # KERN's classes for the content of a page.
    clean = (
        clean.replace("<h2>", '<h2 class="kern-heading-medium">')
        .replace("<h3>", '<h3 class="kern-heading-small">')
        .replace("<p>", '<p class="kern-body">')
        .replace("<ul>", '<ul class="kern-list kern-list--bullet">')
        .replace("<a ", '<a class="kern-link" ')
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
