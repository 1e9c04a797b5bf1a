"""Fields that exist once per language (modeltranslation adds title_en, title_zh_hans, …)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Article, BodyImage, Category, Page, Person, Reference, Term, Topic


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Person)
class PersonTranslationOptions(TranslationOptions):
    fields = ("name", "bio", "job_title", "credentials", "institution")


@register(Page)
class PageTranslationOptions(TranslationOptions):
    fields = ("title", "body")


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "body", "cover_alt", "cover_credit", "meta_description")


@register(BodyImage)
class BodyImageTranslationOptions(TranslationOptions):
    fields = ("alt", "caption", "credit")


@register(Reference)
class ReferenceTranslationOptions(TranslationOptions):
    # A title or journal may be given in each language (a Chinese journal's English name).
    fields = ("title", "container", "note")


@register(Term)
class TermTranslationOptions(TranslationOptions):
    fields = ("name", "synonyms", "avoid", "definition")


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("name", "description", "cover_alt")
