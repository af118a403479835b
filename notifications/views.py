"""The notifications page, mark-read, email preferences and the signed unsubscribe link."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from . import selectors, services
from .delivery import render_subject
from .events import EVENTS, event_label
from .forms import PreferencesForm
from .models import NotificationPreference


class NotificationListView(LoginRequiredMixin, View):
    template_name = "notifications/notification_list.html"

    def get(self, request):
        page = Paginator(selectors.inbox(request.user), 20).get_page(request.GET.get("page"))
        items = [
            {"row": row, "title": render_subject(row), "label": event_label(row.event)}
            for row in page.object_list
        ]
        return render(request, self.template_name, {"page": page, "items": items})


class NotificationMarkReadView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        if not selectors.inbox(request.user).filter(pk=pk).exists():
            raise Http404
        services.notification_mark_read(user=request.user, notification_id=pk)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = reverse("notifications:notification-list")
        return HttpResponseRedirect(target)


class NotificationMarkAllReadView(LoginRequiredMixin, View):
    def post(self, request):
        count = services.notification_mark_all_read(user=request.user)
        messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
        return HttpResponseRedirect(reverse("notifications:notification-list"))


class PreferencesView(LoginRequiredMixin, View):
    template_name = "notifications/preferences.html"

    def _enabled(self, user) -> dict[str, bool]:
        rows = NotificationPreference.objects.filter(user=user).values_list(
            "event", "email_enabled"
        )
        return dict(rows)

    def _render(self, request, form, status: int = 200):
        always = [event.label for event in EVENTS.values() if not event.optional]
        return render(request, self.template_name, {"form": form, "always": always}, status=status)

    def get(self, request):
        return self._render(request, PreferencesForm(enabled=self._enabled(request.user)))

    def post(self, request):
        form = PreferencesForm(request.POST, enabled=self._enabled(request.user))
        if not form.is_valid():
            return self._render(request, form, status=400)
        for name, wanted in form.cleaned_data.items():
            services.preference_set(user_id=request.user.pk, event=name, email_enabled=wanted)
        messages.success(request, _("Your email preferences were saved."))
        return HttpResponseRedirect(reverse("notifications:preferences"))


@method_decorator(csrf_exempt, name="dispatch")  # a mail client's one-click POST has no token
class UnsubscribeView(View):
    """GET shows what the link turns off and a button; POST turns it off. No login needed.

    A forged or expired link gives 404; so does one whose account has been deleted or whose
    kind of email cannot be stopped, with a page that says there is nothing to stop.
    """

    template_name = "notifications/unsubscribe.html"

    def _read(self, token: str) -> services.UnsubscribeLink:
        try:
            return services.unsubscribe_read(token)
        except signing.BadSignature:
            raise Http404 from None

    def _show(self, request, link: services.UnsubscribeLink, *, done: bool):
        context = {
            "label": event_label(link.event),
            "done": done,
            "for_address": link.user_id is None,
        }
        return render(request, self.template_name, context)

    def _nothing(self, request):
        return render(request, self.template_name, {"nothing": True}, status=404)

    def get(self, request, token: str):
        link = self._read(token)
        try:
            services.unsubscribe_check(link)
        except services.NothingToUnsubscribe:
            return self._nothing(request)
        return self._show(request, link, done=False)

    def post(self, request, token: str):
        link = self._read(token)
        try:
            services.unsubscribe_apply(link=link)
        except services.NothingToUnsubscribe:
            return self._nothing(request)
        return self._show(request, link, done=True)
