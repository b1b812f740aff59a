"""schema.org JobPosting from career pages (JSON-LD and microdata), fetched politely and safely."""

from stellenatlas.sources.jsonld.client import CrawlStats, JsonLdCrawler, sitemap_urls
from stellenatlas.sources.jsonld.parse import SOURCE, PageResult, parse_page, to_raw

__all__ = ["SOURCE", "CrawlStats", "JsonLdCrawler", "PageResult", "parse_page", "sitemap_urls", "to_raw"]
