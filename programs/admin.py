"""Admin for regions, programmes, terms, the pamphlet, leads and inquiries; region scoping and
the step tracker on a row's page."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import (
    EVERYWHERE,
    StatusChangeAdmin,
    StatusChangeInline,
    lookup_column,
    run_service,
)
from accounts.roles import is_programme_staff

from . import services
from .models import (
    Inquiry,
    InquiryStatus,
    InquiryStatusChange,
    Pamphlet,
    PamphletRequest,
    PamphletRequestStatus,
    PamphletRequestStatusChange,
    Program,
    Region,
    RegionCoordinator,
    Term,
)
from .selectors import flow_steps, regions_coordinated_by


class RegionScopedAdminMixin:
    """Show a coordinator only the rows of the regions they coordinate; staff see everything.

    `region_field` is the lookup path from the model to its Region, e.g. "region",
    "project__region" or "application__project__region".
    """

    region_field: str

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_programme_staff(request.user):
            return queryset
        # The row's region id is looked up in the user's few rows of the coordinators table
        # (indexed by user), so the list and its count join neither the region nor its
        # coordinators; a subquery, unlike a join, repeats no row, so there is no .distinct().
        regions = Region.coordinators.through.objects.filter(user=request.user)
        return queryset.filter(**{f"{self.region_field}__in": regions.values("region_id")})

    def get_object(self, request, object_id, from_field=None):
        # The admin answers a missing id with a redirect and "doesn't exist" message; for a
        # coordinator a row of another region must look exactly like no row at all: 404.
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not is_programme_staff(request.user):
            raise Http404(f"No {self.opts.model_name} {object_id!r} in the user's regions")
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not is_programme_staff(request.user):
            related = db_field.related_model
            if related is Region:
                kwargs.setdefault("queryset", regions_coordinated_by(request.user))
            elif self.admin_site.is_registered(related):
                # A foreign key to another region-owned model (an entry, a project, a host)
                # offers and accepts only the rows that model's admin shows this user.
                related_admin = self.admin_site.get_model_admin(related)
                if isinstance(related_admin, RegionScopedAdminMixin):
                    kwargs.setdefault("queryset", related_admin.get_queryset(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# The eight steps on a row's page -------------------------------------------------------------

# Past the last step: all eight are done (a host between one project and its next).
ALL_DONE = len(flow_steps()) + 1


@dataclass(frozen=True)
class FlowStep:
    """Where a row stands: `step` is 1–8, ALL_DONE, or None off the path (e.g. cancelled);
    `note` says more (the cycle, the project it comes from, why it left the path)."""

    step: int | None
    note: str = ""


def step_caption(found: FlowStep) -> str:
    labels = {number: label for number, label, _text in flow_steps()}
    if found.step in labels:
        caption = gettext("Step %(number)d of %(total)d: %(label)s") % {
            "number": found.step,
            "total": len(labels),
            "label": labels[found.step],
        }
    elif found.step == ALL_DONE:
        caption = gettext("All eight steps are done.")
    else:
        caption = ""
    return " · ".join(text for text in (caption, found.note) if text)


class StepTrackerMixin:
    """Shows the eight steps on a row's page with the one it stands at; subclasses say which
    in `flow_step(obj)` (None shows no tracker)."""

    change_form_template = "admin/step_change_form.html"

    def flow_step(self, obj) -> FlowStep | None:
        raise NotImplementedError

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        found = self.flow_step(obj) if obj is not None else None
        if found is not None:
            context.update(steps=flow_steps(), step=found.step, step_caption=step_caption(found))
        return super().render_change_form(request, context, add, change, form_url, obj)


class RegionCoordinatorInline(admin.TabularInline):
    """Who coordinates the region, and whether the public pages name them. Coordinators are
    appointed and dismissed from their coordinator profile (which gives or takes the admin's
    permissions; the account signs in with two factors), so no row is added or removed here."""

    model = RegionCoordinator
    extra = 0
    # Dismissing goes through the profile too (it takes the admin rights with it).
    can_delete = False
    fields = ("user", "is_public")
    readonly_fields = ("user",)
    verbose_name_plural = _("coordinators (appointed and dismissed on their profiles)")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "slug", "position")
    # Which regions a coordinator runs. Only users who coordinate a region are offered (not
    # every user), and each region's page already names its coordinators to every coordinator.
    list_filter = (("coordinators", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "name_en", "slug")
    fields = ("name", "name_en", "slug", "description", "description_en", "position")
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = (RegionCoordinatorInline,)
    ordering = ("position", "id")


class TermInline(admin.TabularInline):
    model = Term
    extra = 0
    ordering = ("-year", "season")


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "slug")
    inlines = (TermInline,)
    ordering = ("name",)


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "program",
        "season",
        "year",
        "entry_opens_on",
        "entry_closes_on",
        "starts_on",
        "ends_on",
    )
    list_filter = ("program", "season", "year")
    list_select_related = ("program",)
    search_fields = ("program__name",)
    date_hierarchy = "starts_on"
    ordering = ("-year", "season")


@admin.register(Pamphlet)
class PamphletAdmin(admin.ModelAdmin):
    """Staff and every coordinator add versions (the pamphlet is the whole programme's); a
    version's file, language and number never change once uploaded, so what a visitor
    downloaded stays on record: a new file is a new version, a wrong one is withdrawn by
    unticking "current". Deleting is left to staff (coordinators have no delete permission)."""

    list_display = ("title", "language", "version", "is_current", "published_at", "uploaded_by")
    list_filter = ("language", "is_current")
    list_select_related = ("uploaded_by",)
    search_fields = ("title", "version")
    date_hierarchy = "published_at"
    ordering = ("language", "-published_at")
    fields = (
        "title",
        "language",
        "version",
        "file",
        "body",
        "is_current",
        "published_at",
        "uploaded_by",
    )
    # Fixed once the version exists (get_readonly_fields); stamped by the admin on upload.
    fixed_fields = ("language", "version", "file")
    readonly_fields = ("published_at", "uploaded_by")

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return (*self.fixed_fields, *readonly) if obj is not None else readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "file" in form.base_fields:
            form.base_fields["file"].help_text = gettext(
                "A PDF of up to %(megabytes)d MB. A new file is a new version: add one."
            ) % {"megabytes": settings.PAMPHLET_MAX_UPLOAD_BYTES // (1024 * 1024)}
            form.base_fields["file"].widget.attrs["accept"] = ".pdf,application/pdf"
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


class PamphletRequestStatusChangeInline(StatusChangeInline):
    model = PamphletRequestStatusChange
    status_choices = PamphletRequestStatus


@admin.register(PamphletRequest)
class PamphletRequestAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = "region"
    list_display = (
        "organization_name",
        "organization_kind",
        "contact_name",
        "email",
        "region",
        "status",
        "created_at",
        "contacted_at",
    )
    list_filter = ("status", "region", "organization_kind")
    list_select_related = ("region",)
    search_fields = ("organization_name", "contact_name", "email", "phone")
    # contacted_at is stamped by the same service that moves the status.
    readonly_fields = ("status", "created_at", "contacted_at")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    inlines = (PamphletRequestStatusChangeInline,)
    actions = ("mark_contacted", "mark_converted", "close")

    @admin.action(description=_("Mark contacted"), location=EVERYWHERE)
    def mark_contacted(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda lead: services.lead_mark_contacted(lead=lead, actor=request.user),
            _("“%(object)s” is marked contacted."),
        )

    @admin.action(description=_("Mark converted (became an inquiry or host)"), location=EVERYWHERE)
    def mark_converted(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda lead: services.lead_mark_converted(lead=lead, actor=request.user),
            _("“%(object)s” is marked converted."),
        )

    @admin.action(description=_("Close"), location=EVERYWHERE)
    def close(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda lead: services.lead_close(lead=lead, actor=request.user),
            _("“%(object)s” is closed."),
        )


@admin.register(PamphletRequestStatusChange)
class PamphletRequestStatusChangeAdmin(RegionScopedAdminMixin, StatusChangeAdmin):
    region_field = "lead__region"
    status_choices = PamphletRequestStatus
    parent = lookup_column(PamphletRequestStatusChange, "lead", PamphletRequest._meta.verbose_name)
    list_filter = (*StatusChangeAdmin.list_filter, "lead__region")
    list_select_related = ("lead", "actor")
    search_fields = ("lead__organization_name", "lead__email", "note")


class InquiryStatusChangeInline(StatusChangeInline):
    model = InquiryStatusChange
    status_choices = InquiryStatus


@admin.register(Inquiry)
class InquiryAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = "region"
    list_display = (
        "name",
        "organization_name",
        "kind",
        "region",
        "status",
        "created_at",
        "answered_at",
    )
    list_filter = ("status", "kind", "region")
    list_select_related = ("region",)
    search_fields = ("name", "organization_name", "email", "phone", "message")
    autocomplete_fields = ("lead",)
    # answered_at is stamped by the same service that moves the status.
    readonly_fields = ("status", "created_at", "answered_at")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    inlines = (InquiryStatusChangeInline,)
    actions = ("mark_answered", "close", "reopen")

    @admin.action(description=_("Mark answered"), location=EVERYWHERE)
    def mark_answered(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda inquiry: services.inquiry_mark_answered(inquiry=inquiry, actor=request.user),
            _("“%(object)s” is marked answered."),
        )

    @admin.action(description=_("Close"), location=EVERYWHERE)
    def close(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda inquiry: services.inquiry_close(inquiry=inquiry, actor=request.user),
            _("“%(object)s” is closed."),
        )

    @admin.action(description=_("Reopen"), location=EVERYWHERE)
    def reopen(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda inquiry: services.inquiry_reopen(inquiry=inquiry, actor=request.user),
            _("“%(object)s” is open again."),
        )


@admin.register(InquiryStatusChange)
class InquiryStatusChangeAdmin(RegionScopedAdminMixin, StatusChangeAdmin):
    region_field = "inquiry__region"
    status_choices = InquiryStatus
    parent = lookup_column(InquiryStatusChange, "inquiry", Inquiry._meta.verbose_name)
    list_filter = (*StatusChangeAdmin.list_filter, "inquiry__region")
    list_select_related = ("inquiry", "actor")
    search_fields = ("inquiry__name", "inquiry__email", "note")
