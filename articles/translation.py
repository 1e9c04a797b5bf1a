"""Fields that exist once per language (modeltranslation adds title_en, title_zh_hans, …)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Article, BodyImage, Category, Page, Person


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Person)
class PersonTranslationOptions(TranslationOptions):
    fields = ("name", "bio")


@register(Page)
class PageTranslationOptions(TranslationOptions):
    fields = ("title", "body")


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "body", "cover_alt", "meta_description")


@register(BodyImage)
class BodyImageTranslationOptions(TranslationOptions):
    fields = ("alt", "caption")
