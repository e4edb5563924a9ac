<?xml version="1.0" encoding="UTF-8"?>
<!-- Shows an RSS 2.0 or Atom feed of localfeed as a readable page in a browser. -->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  exclude-result-prefixes="atom dc">
<xsl:output method="html" encoding="UTF-8" indent="yes"/>

<xsl:template match="/">
<html lang="zh-CN">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title><xsl:value-of select="rss/channel/title|atom:feed/atom:title"/></title>
<style>
body{max-width:46em;margin:2em auto;padding:0 1em;font:16px/1.7 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;color:#222}
.note{background:#f4f4f4;padding:.6em 1em;border-radius:4px}
.item{margin:1.4em 0}
.item h2{font-size:1.15em;margin:0}
.meta{color:#666;font-size:.85em}
</style>
</head>
<body>
<p class="note">这是一个订阅源（feed）。把本页地址复制到阅读器中即可订阅。</p>
<xsl:apply-templates select="rss/channel|atom:feed"/>
</body>
</html>
</xsl:template>

<xsl:template match="channel">
<h1><xsl:value-of select="title"/></h1>
<p><xsl:value-of select="description"/></p>
<xsl:for-each select="item">
<div class="item">
<h2><a href="{link}"><xsl:value-of select="title"/></a></h2>
<p class="meta"><xsl:value-of select="pubDate"/><xsl:for-each select="dc:creator"> · <xsl:value-of select="."/></xsl:for-each></p>
<p><xsl:value-of select="description"/></p>
</div>
</xsl:for-each>
</xsl:template>

<xsl:template match="atom:feed">
<h1><xsl:value-of select="atom:title"/></h1>
<p><xsl:value-of select="atom:subtitle"/></p>
<xsl:for-each select="atom:entry">
<div class="item">
<h2><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h2>
<p class="meta"><xsl:value-of select="substring(atom:published, 1, 10)"/><xsl:for-each select="atom:author"> · <xsl:value-of select="atom:name"/></xsl:for-each></p>
<p><xsl:value-of select="atom:summary"/></p>
</div>
</xsl:for-each>
</xsl:template>
</xsl:stylesheet>
