"""The share block under an article: its link to copy, a QR code to scan with WeChat, and
Weibo's share link. Everything is on the page: no script, nothing loaded from elsewhere."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

WEIBO_SHARE = "https://service.weibo.com/share/share.php"


def qr_svg(url, label):
    """``url`` as a QR code, an inline SVG (dark on white, so that it scans in dark mode
    too) named ``label`` for screen readers."""
    import segno  # only where a page is rendered: not in every worker's memory at start

    svg = segno.make(url, error="m").svg_inline(
        scale=3, border=2, dark="#000", light="#fff", svgclass="share-qr", omitsize=False
    )
    named = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return mark_safe(named)  # noqa: S308 (segno's markup; the label is escaped)


@register.inclusion_tag("articles/_share.html")
def share_block(article):
    url = settings.SITE_URL.rstrip("/") + article.get_absolute_url()
    weibo = {"url": url, "title": article.title}
    if article.share_image:  # the picture Weibo's card shows, square as it crops it
        weibo["pic"] = settings.SITE_URL.rstrip("/") + article.share_image["src"]
    return {
        "url": url,
        "qr": qr_svg(url, _("QR code of this article’s address")),
        "weibo": f"{WEIBO_SHARE}?{urlencode(weibo)}",
    }
