"""The page of rows of a big admin list, kept as HTML until the next write
(accounts.list_cache)."""

from django import template
from django.contrib.admin.templatetags.admin_list import result_list
from django.template.loader import select_template

from accounts import list_cache

register = template.Library()


@register.simple_tag(takes_context=True)
def cached_result_list(context, cl):
    """What Django's `{% result_list cl %}` draws, from the cache when this page of this
    list was drawn since the last write. The key holds the list's SQL (scope, filters,
    search, order), the query string (the page, "show all", the headers' sort links), the
    user (their links and checkboxes) and the language."""
    opts = cl.opts
    request = context["request"]

    def render() -> str:
        names = [
            f"admin/{opts.app_label}/{opts.model_name}/change_list_results.html",
            f"admin/{opts.app_label}/change_list_results.html",
            "admin/change_list_results.html",
        ]
        return select_template(names).render(result_list(cl), request)

    key = None
    if cl.formset is None:  # list_editable rows carry a form: never stored
        key = list_cache.key_for(
            "rows",
            cl.queryset,
            type(cl.model_admin).__qualname__,
            request.GET.urlencode(),
            request.user.pk,
            version=cl.list_version,
        )
    # A template's output (a SafeString, pickled whole by the cache): not escaped again.
    return list_cache.cached(key, render)
