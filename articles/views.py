"""Pages a visitor reads: the home page, categories, articles; robots.txt and error pages."""

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe
from django.views.static import serve
from modeltranslation.utils import build_localized_fieldname

from comments.forms import CommentForm
from comments.models import Comment
from comments.moderation import comments_closed
from comments.own import own_comment_ids

from .languages import html_lang, language_links
from .models import Article, Category, PreviousSlug, site_articles

# Raster images only: an SVG or HTML file could carry script.
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp"}


def can_preview(user):
    """Staff who may edit articles see drafts and scheduled articles."""
    return user.is_active and user.is_staff and user.has_perm("articles.change_article")


def _paginate(request, queryset):
    paginator = Paginator(queryset, settings.ARTICLES_PER_PAGE)
    try:
        return paginator.page(request.GET.get("page", 1))
    except InvalidPage:
        raise Http404("No such page")


def _listing(language):
    """Published articles in ``language`` with only the columns a list shows."""
    localized = [
        build_localized_fieldname(name, language) for name in ("title", "summary", "cover_alt")
    ]
    return (
        site_articles()
        .published()
        .available_in(language)
        .select_related("category")
        .only(
            "slug",
            "publish_at",
            "cover_renditions",
            *localized,
            "category__slug",
            f"category__{build_localized_fieldname('name', language)}",
        )
    )


@require_safe
def language_redirect(request):
    """Send ``/`` to the home page in the visitor's language (Accept-Language, then default)."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        response = HttpResponseRedirect(reverse("articles:home"))
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


@require_safe
def home(request):
    page = _paginate(request, _listing(translation.get_language()))
    return render(request, "articles/home.html", {"page": page})


@require_safe
def category_detail(request, slug):
    category = get_object_or_404(Category, slug=slug)
    articles = _listing(translation.get_language()).filter(category=category)
    page = _paginate(request, articles)
    return render(request, "articles/category.html", {"category": category, "page": page})


@require_safe
def article_detail(request, slug):
    language = translation.get_language()
    articles = site_articles().select_related("category")
    preview = can_preview(request.user)
    if not preview:
        articles = articles.published()
    try:
        article = articles.get(slug=slug)
    except Article.DoesNotExist:
        previous = PreviousSlug.objects.filter(slug=slug).select_related("article").first()
        if previous is None:
            raise Http404("No such article")
        return redirect(previous.article, permanent=True)

    if not article.is_available_in(language):
        context = {
            "article": article,
            "language_links": article.language_links(request),
            "noindex": True,
        }
        return render(request, "articles/missing_translation.html", context, status=404)
    reply_to = None
    if request.GET.get("reply_to", "").isdigit():
        reply_to = article.comments.approved().filter(pk=request.GET["reply_to"]).first()
    form = CommentForm(article, reply_to=reply_to)
    response = render_article(request, article, comment_form=form)
    if preview:
        patch_cache_control(response, private=True, no_store=True)
    return response


def render_article(request, article, comment_form=None, status=200):
    """The article page: text, related articles, comments and the comment form."""
    language = translation.get_language()
    comments = Comment.objects.thread(article, own_comment_ids(request))
    context = {
        "article": article,
        "description": article.description,
        "related": article.related_for(language),
        "language_links": article.language_links(request),
        "preview": not article.is_published(),
        "comments": comments,
        "comment_count": sum(
            item["status"] == Comment.Status.APPROVED
            for comment in comments
            for item in (comment, *comment["replies"])
        ),
        "comments_closed": comments_closed(article),
        "comment_form": comment_form,
    }
    return render(request, "articles/detail.html", context, status=status)


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def media_file(request, path):
    """Serve an uploaded file from local storage, never as a page the browser would run."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.get("Content-Type") not in INLINE_TYPES:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    # Renditions are named after their content, so they never change.
    immutable = path.startswith("covers/renditions/")
    patch_cache_control(response, public=True, max_age=31536000 if immutable else 3600)
    return response


def page_not_found(request, exception):
    context = {"language_links": language_links(request), "noindex": True}
    return render(request, "404.html", context, status=404)


def bad_request(request, exception):
    return render(request, "400.html", {"noindex": True}, status=400)


def permission_denied(request, exception):
    return render(request, "403.html", {"noindex": True}, status=403)


def csrf_failure(request, reason=""):
    """A forged or cookie-less form POST: explained in the visitor's language."""
    return render(request, "403_csrf.html", {"noindex": True}, status=403)


def server_error(request):
    # No request context: nothing that failed once (database, session) is asked again.
    context = {
        "site_name": settings.SITE_NAME,
        "html_lang": html_lang(translation.get_language() or settings.LANGUAGE_CODE),
        "noindex": True,
    }
    return HttpResponseServerError(loader.render_to_string("500.html", context))
