<?xml version="1.0" encoding="utf-8"?>
{% load static %}<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
<xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>
<xsl:template match="/">
<html lang="{{ html_lang }}">
<head>
  <meta charset="utf-8"/>
  <meta name="viewport" content="width=device-width, initial-scale=1"/>
  <meta name="robots" content="noindex"/>
  <title><xsl:value-of select="rss/channel/title|atom:feed/atom:title"/></title>
  <link rel="stylesheet" href="{% static 'css/site.css' %}"/>
</head>
<body>
<main class="wrap feed-preview">
  <p class="feed-note" role="note">{{ words.note }}</p>
  <h1 class="page-title"><xsl:value-of select="rss/channel/title|atom:feed/atom:title"/></h1>
  <p class="lead"><xsl:value-of select="rss/channel/description|atom:feed/atom:subtitle"/></p>
  <h2>{{ words.subscribe }}</h2>
  <p>{{ words.how }}</p>
  <h2>{{ words.newest }}</h2>
  <ol class="feed-items">
    <xsl:for-each select="rss/channel/item">
      <li><a href="{link}"><xsl:value-of select="title"/></a><p><xsl:value-of select="description"/></p></li>
    </xsl:for-each>
    <xsl:for-each select="atom:feed/atom:entry">
      <li><a href="{atom:link/@href}"><xsl:value-of select="atom:title"/></a><p><xsl:value-of select="atom:summary"/></p></li>
    </xsl:for-each>
  </ol>
  <p><a href="{% url 'articles:home' %}">{{ words.home }}</a></p>
</main>
</body>
</html>
</xsl:template>
</xsl:stylesheet>
