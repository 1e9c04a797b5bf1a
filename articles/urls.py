from django.urls import path

from . import feeds, views

app_name = "articles"
urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("pages/<slug:slug>/", views.page_detail, name="page"),
    path("terms/<slug:slug>/", views.term_detail, name="term"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("topics/<slug:slug>/rss.xml", feeds.TopicFeed(), name="topic-feed-rss"),
    path("topics/<slug:slug>/atom.xml", feeds.AtomTopicFeed(), name="topic-feed-atom"),
    path("review/<str:token>/", views.review, name="review"),
    path("feeds/rss.xml", feeds.ArticlesFeed(), name="feed-rss"),
    path("feeds/atom.xml", feeds.AtomArticlesFeed(), name="feed-atom"),
    path("feeds/style.xsl", feeds.feed_style, name="feed-style"),
    path("categories/<slug:slug>/rss.xml", feeds.ArticlesFeed(), name="category-feed-rss"),
    path("categories/<slug:slug>/atom.xml", feeds.AtomArticlesFeed(), name="category-feed-atom"),
]
