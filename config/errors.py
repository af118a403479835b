"""The 4xx pages: Django's own handlers (django.views.defaults), with `noindex` in the
context, so an error page tells robots to leave it and carries no canonical link or share
card (templates/base.html). The 500 page stays Django's: it renders with no context at all."""

from django.http import HttpResponseBadRequest, HttpResponseForbidden, HttpResponseNotFound
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def bad_request(request, exception, template_name="400.html"):
    # As Django's: no request context, since the request itself may be what is wrong (a host
    # not allowed, a broken header) and the context processors would read it again.
    return HttpResponseBadRequest(loader.get_template(template_name).render({"noindex": True}))


@requires_csrf_token
def permission_denied(request, exception, template_name="403.html"):
    context = {"exception": str(exception), "noindex": True}
    return HttpResponseForbidden(loader.get_template(template_name).render(context, request))


@requires_csrf_token
def page_not_found(request, exception, template_name="404.html"):
    context = {"request_path": request.path, "noindex": True}
    return HttpResponseNotFound(loader.get_template(template_name).render(context, request))
