"""Public pages: the project index, a project's page, region pages, the feed and the sitemap."""
