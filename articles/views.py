"""Pages a visitor reads: the home page, categories and articles."""

from functools import partial

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.paginator import InvalidPage, Paginator
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from modeltranslation.utils import build_localized_fieldname

from core.languages import html_lang, language_name
from core.pagecache import remember
from core.text import storable

from . import structured_data
from .models import (
    Article,
    Category,
    Page,
    Person,
    PreviousSlug,
    Term,
    Topic,
    site_articles,
    site_query,
)


def can_preview(user):
    """Staff who may edit articles see drafts and scheduled articles."""
    return user.is_active and user.is_staff and user.has_perm("articles.change_article")


def _paginate(request, queryset):
    try:
        return Paginator(queryset, settings.ARTICLES_PER_PAGE).page(request.GET.get("page", 1))
    except InvalidPage:
        raise Http404("No such page")


def listing(language):
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


# The home page's first page shows at most this many featured articles and topics.
HOME_FEATURED, HOME_TOPICS, HOME_TOPIC_ARTICLES = 3, 3, 3


@require_safe
def home(request):
    """The editors' featured articles and a block per topic above the newest articles."""
    language = translation.get_language()
    page = _paginate(request, listing(language))
    context = {"page": page, "structured_data": structured_data.website(request)}
    if page.number == 1:
        # Read only when the page's list part is rendered again.
        context["featured"] = lambda: listing(language).filter(featured=True)[:HOME_FEATURED]
        context["topic_blocks"] = partial(_topic_blocks, language)
    return render(request, "articles/home.html", context)


def _topic_blocks(language):
    """The first topics, each with its newest articles: two queries however many."""
    topics = list(site_query(Topic).order_by("slug")[:HOME_TOPICS])
    newest = (
        listing(language)
        .filter(topics__in=topics)
        .annotate(topic_id=F("topics__id"))
        .order_by("-publish_at", "-id")[: HOME_TOPICS * HOME_TOPIC_ARTICLES * 4]
    )
    by_topic = {topic.pk: [] for topic in topics}
    for article in newest:
        if len(by_topic[article.topic_id]) < HOME_TOPIC_ARTICLES:
            by_topic[article.topic_id].append(article)
    return [(topic, by_topic[topic.pk]) for topic in topics if by_topic[topic.pk]]


@require_safe
def category_detail(request, slug):
    category = get_object_or_404(site_query(Category), slug=slug)
    articles = listing(translation.get_language()).filter(category=category)
    page = _paginate(request, articles)
    context = {
        "category": category,
        "page": page,
        "categories": site_query(Category).order_by("slug"),
    }
    return render(request, "articles/category.html", context)


@require_safe
def author_detail(request, slug):
    person = get_object_or_404(site_query(Person), slug=slug)
    articles = listing(translation.get_language())
    page = _paginate(request, articles.filter(authors=person))
    # A medical reviewer's own list: what they signed off, newest first.
    reviewed = articles.filter(reviewer=person)[: settings.ARTICLES_PER_PAGE]
    context = {"person": person, "page": page, "reviewed": reviewed}
    return render(request, "articles/author.html", context)


@require_safe
def topic_detail(request, slug):
    """A topic's articles, newest first, its lead article (the editor's choice) first."""
    topic = get_object_or_404(site_query(Topic), slug=slug)
    articles = listing(translation.get_language()).filter(topics=topic)
    lead = articles.filter(pk=topic.lead_id).first() if topic.lead_id else None
    page = _paginate(request, articles.exclude(pk=lead.pk) if lead else articles)
    context = {"topic": topic, "page": page, "lead": lead if page.number == 1 else None}
    return render(request, "articles/topic.html", context)


@require_safe
def term_detail(request, slug):
    """A glossary term's page in a language it is defined in: the definition, the other
    words for it, the words to avoid, and the newest articles that use it."""
    term = get_object_or_404(site_query(Term), slug=slug)
    if not term.definition or not term.name:
        raise Http404("This term is not defined in this language")
    language = translation.get_language()
    uses = Q()
    for form in term.forms():
        for name in ("title", "body"):
            uses |= Q(**{f"{build_localized_fieldname(name, language)}__icontains": form})
    # Read only when the cached list has to be rendered again (each form in every body).
    articles = listing(language).filter(uses)[: settings.ARTICLES_PER_PAGE]
    context = {
        "term": term,
        "articles": articles,
        "structured_data": structured_data.defined_term(request, term),
    }
    return render(request, "articles/term.html", context)


@require_safe
def page_detail(request, slug):
    """A page such as About, in the languages it is written in."""
    page = get_object_or_404(site_query(Page), slug=slug)
    title = build_localized_fieldname("title", translation.get_language())
    if not getattr(page, title):
        raise Http404("This page is not written in this language")
    return render(request, "articles/page.html", {"site_page": page})


@require_safe
def article_detail(request, slug):
    language = translation.get_language()
    preview = can_preview(request.user)
    articles = site_articles().select_related(
        "category", "main_topic", "reviewer", "translator", "translation_checker"
    )
    try:
        if preview:  # drafts and scheduled articles too, never remembered
            article = articles.get(slug=slug)
        else:
            article = remember(
                request, "article-row", {"slug": slug}, partial(_row, articles, slug)
            )
    except Article.DoesNotExist:
        previous = PreviousSlug.objects.filter(slug=slug).select_related("article").first()
        if previous is None:
            raise Http404("No such article")
        return redirect(previous.article, permanent=True)

    if not article.is_available_in(language):
        return _missing_translation(request, article, language)
    response = render_article(request, article, preview=preview and not article.is_published())
    if preview:
        patch_cache_control(response, private=True, no_store=True)
    return response


def _row(articles, slug):
    """The published article, with what every view of its page reads: its topics (its
    related cards' key names them) are stored with it."""
    article = articles.published().get(slug=slug)
    article.topic_list  # noqa: B018 (read now, remembered with the row)
    return article


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("sign_off", "sign_off"), ("send_back", "send_back")])
    note = forms.CharField(
        label=_("What must change"), required=False, max_length=1000, widget=forms.Textarea
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "send_back" and not data.get("note", "").strip():
            self.add_error("note", _("Say what must change before sending it back."))
        return data


def review(request, token):
    """A medical reviewer's link: the article as readers will see it, whatever its state,
    and a form to sign it off or send it back with a note. No account needed; the link
    names the article and the reviewer and expires (settings.REVIEW_LINK_DAYS)."""
    try:
        article, person = Article.from_review_token(token)
    except signing.SignatureExpired:
        context = {"noindex": True, "days": settings.REVIEW_LINK_DAYS}
        return render(request, "articles/review_expired.html", context, status=410)
    except (signing.BadSignature, Article.DoesNotExist, Person.DoesNotExist):
        raise Http404("No such review link")
    language = translation.get_language()
    if not article.is_available_in(language):
        available = article.available_languages()
        if not available:
            raise Http404("Nothing to review yet")
        with translation.override(available[0]):
            return redirect(reverse("articles:review", args=[token]))
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["decision"] == "sign_off":
            article.sign_off(person)
            messages.success(request, _("Thank you: your sign-off is recorded."))
        else:
            article.send_back(person, storable(form.cleaned_data["note"]).strip())
            messages.success(request, _("Thank you: the article went back to its editors."))
        return redirect(request.path)
    response = render_article(
        request, article, preview=True, status=400 if form.errors else 200,
        review={"person": person, "form": form}, noindex=True,
    )  # fmt: skip
    patch_cache_control(response, private=True, no_store=True)
    return response


def _missing_translation(request, article, language):
    """A 404 that shows the article as it exists in another language, with a link to it,
    and the newest articles in the visitor's language."""
    existing = article.available_languages()[0]
    context = {
        "article": article,
        "language_links": article.language_links(request),
        "noindex": True,
        "version": {
            "lang": html_lang(existing),
            "url": article.url_in(existing),
            "name": language_name(existing),
            **{
                name: getattr(article, build_localized_fieldname(name, existing))
                for name in ("title", "summary", "cover_alt")
            },
        },
        "newest": listing(language)[:3],
    }
    return render(request, "articles/missing_translation.html", context, status=404)


def render_article(request, article, preview=False, status=200, **extra):
    """The article page. Apps add their parts through template tags; ``extra`` reaches
    them in the context (the comments app passes a form with errors)."""
    context = {
        "article": article,
        "description": article.description,
        "language_links": SimpleLazyObject(partial(article.language_links, request)),
        "preview": preview,
        # Lazy too: built only when its cached fragment has to be rendered again.
        "structured_data": partial(structured_data.article, request, article),
        **extra,
    }
    return render(request, "articles/detail.html", context, status=status)
