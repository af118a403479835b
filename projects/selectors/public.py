"""Reads for the public project index, project pages, region pages, the feed and the sitemap."""
