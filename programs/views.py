"""Public pages of the programme."""

from django.views.generic import TemplateView

from . import selectors


class HomeView(TemplateView):
    template_name = "programs/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["steps"] = selectors.flow_steps()
        context["regions"] = selectors.region_list()
        return context
