"""What every register admin shares: a reason for every change and deletion, a
department scope checked on the server for changing, picking and reading history,
read-only history pages, and 404 (not 500) for an id that cannot be one, in the
address or in a picker."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Benefit, Department, Programme, StaleEdit
from .scope import departments_touched, is_within, user_departments

REASON_HELP = (
    "Say why (a typo corrected, a new release, an approved change). It is kept in "
    "the change history with your name."
)
# Form fields that are not the record's own: left off the read-only old version.
FORM_ONLY_FIELDS = {"change_reason", "expected_version"}


def pk_or_404(model, object_id):
    """The primary key an admin URL names, or 404 when it cannot be one ("abc")."""
    try:
        return model._meta.pk.to_python(unquote(str(object_id)))
    except (ValidationError, ValueError, TypeError):
        raise Http404(
            f"There is no {model._meta.verbose_name} with the id {object_id!r}."
        ) from None


class CheckedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete picker, which on a form sent back with an id that
    cannot be one ("abc") shows the form's "Select a valid choice" instead of
    failing (500) as it looks that id up to show it as chosen."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field
        key = target.model._meta.get_field(target.field_name)
        readable = []
        for item in value:
            try:
                key.run_validators(key.to_python(item))  # a number in the key's range
            except ValidationError:
                continue
            readable.append(item)
        return super().optgroups(name, readable, attr)


class CheckedAutocompleteMixin:
    """Every autocomplete picker of this admin or inline is a
    CheckedAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class NumericIdsMixin(CheckedAutocompleteMixin):
    """Every object page of this admin answers 404 for an id that is not one."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None:
            pk_or_404(self.model, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        pk_or_404(self.model, object_id)
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        pk_or_404(self.model, object_id)
        return super().delete_view(request, object_id, extra_context)


class VersionForm(forms.ModelForm):
    """A model form (an inline row too) that carries the version the editor started
    from, so a save over someone else's is refused (optimistic locking)."""

    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and hasattr(self.instance, "version"):
            self.fields["expected_version"].initial = self.instance.version

    def clean_expected_version(self):
        expected = self.cleaned_data.get("expected_version")
        model = type(self.instance)
        if self.instance.pk and hasattr(self.instance, "version"):
            current = (
                model.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if expected is None:
                expected = current
            elif current is not None and current != expected:
                raise forms.ValidationError(
                    "Someone else changed this record after you opened it. Your change "
                    "was not saved: reload the page to see theirs, then make yours again."
                )
        return expected


class ReasonForm(VersionForm):
    """A model form that asks why, whenever an existing row is saved."""

    change_reason = forms.CharField(
        label="Reason for this change",
        max_length=500,
        required=False,
        help_text=REASON_HELP,
        widget=forms.TextInput(attrs={"size": 80}),
    )

    def clean_change_reason(self):
        reason = self.cleaned_data["change_reason"].strip()
        if self.instance.pk and not reason:
            raise forms.ValidationError(
                "Give a reason for changing this record; the history keeps it."
            )
        return reason or "Created"


class ReadOnlyHistoryMixin(NumericIdsMixin):
    """For a SimpleHistoryAdmin: the history pages are read-only for everyone (an
    old version has no POST at all) and readable only where the user could change
    the record (its department scope, `is_within`)."""

    def has_view_history_permission(self, request, obj=None):
        return self.has_view_permission(request, obj) and (
            obj is None or is_within(request.user, obj)
        )

    def has_change_history_permission(self, request, obj=None):
        return False

    def has_view_history_or_change_history_permission(self, request, obj=None):
        return self.has_view_history_permission(request, obj)

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """An old version, shown read-only. simple-history's own view saves a posted
        form after checking only view permission; this one has no POST at all."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        history_model = self.model.history.model
        record = get_object_or_404(
            history_model,
            **{
                self.model._meta.pk.attname: pk_or_404(self.model, object_id),
                "history_id": pk_or_404(history_model, version_id),
            },
        )
        obj = record.instance
        obj._state.adding = False
        if not self.has_view_history_permission(request, obj):
            raise PermissionDenied
        fieldsets = []
        for name, options in self.get_fieldsets(request, obj):
            fields = [
                f
                for f in options["fields"]
                if (set(f) if isinstance(f, tuple) else {f}).isdisjoint(
                    FORM_ONLY_FIELDS
                )
            ]
            if fields:
                fieldsets.append((name, {**options, "fields": fields}))
        form = forms.modelform_factory(self.model, fields=[])(instance=obj)
        adminform = admin.helpers.AdminForm(
            form, fieldsets, {}, flatten_fieldsets(fieldsets), model_admin=self
        )
        opts = self.model._meta
        info = opts.app_label, opts.model_name
        context = {
            **self.admin_site.each_context(request),
            "title": f"{opts.verbose_name.capitalize()} as it was: {obj}",
            "adminform": adminform,
            "record": record,
            "object_id": obj.pk,
            "original": obj,
            "original_opts": opts,
            "opts": opts,
            "app_label": opts.app_label,
            "is_popup": False,
            "add": False,
            "change": True,
            "has_view_permission": True,
            "has_add_permission": False,
            "has_change_permission": False,
            "has_delete_permission": False,
            "has_editable_inline_admin_formsets": False,
            "revert_disabled": True,
            "media": self.media + adminform.media,
            "changelist_url": reverse("admin:{}_{}_changelist".format(*info)),
            "change_url": reverse("admin:{}_{}_change".format(*info), args=[obj.pk]),
            "history_url": reverse("admin:{}_{}_history".format(*info), args=[obj.pk]),
            **(extra_context or {}),
        }
        return render(request, "simple_history/object_history_form.html", context)


class ReasonAdmin(ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    """Saves and deletions carry a reason into the history. The history pages are
    read-only, and readable only where the user could change the record (its
    department scope, `history_in_scope`)."""

    form = ReasonForm
    delete_confirmation_template = "admin/programmes/delete_with_reason.html"

    def save_model(self, request, obj, form, change):
        services.save_with_reason(
            obj,
            reason=form.cleaned_data.get("change_reason") or "Created",
            user=request.user,
            expected_version=form.cleaned_data.get("expected_version")
            if change and hasattr(obj, "save_checked")
            else None,
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A save that lost the race, or that a service refused, is refused whole
        # (the admin's transaction rolls back) and explained, never a 500.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (StaleEdit, services.EntryRefused) as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(request.path)

    def save_formset(self, request, form, formset, change):
        """Inline rows are saved with the main form's reason and, row by row, the
        same version check (VersionForm)."""
        reason = form.cleaned_data.get("change_reason") or "Created"
        changed = {id(obj) for obj in formset.save(commit=False)}
        for row_form in formset.forms:
            obj = row_form.instance
            if id(obj) not in changed:
                continue
            self.prepare_inline_row(obj, form.instance)
            services.save_with_reason(
                obj,
                reason=reason,
                user=request.user,
                expected_version=row_form.cleaned_data.get("expected_version")
                if obj.pk and hasattr(obj, "save_checked")
                else None,
            )
        for obj in formset.deleted_objects:
            services.save_with_reason(
                obj, reason=f"Deleted: {reason}", user=request.user, delete=True
            )
        formset.save_m2m()

    def prepare_inline_row(self, obj, parent):
        """Fill in what an inline row takes from its parent before it is saved."""

    # Deleting: one at a time, with a reason (no bulk action that asks for none).

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST" and not request.POST.get("reason", "").strip():
            pk_or_404(self.model, object_id)
            if not self.has_delete_permission(request):
                raise PermissionDenied
            self.message_user(
                request,
                "Nothing was deleted: give the reason for deleting it; the history keeps it.",
                messages.ERROR,
            )
            return redirect(request.get_full_path())
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        services.save_with_reason(
            obj,
            reason=f"Deleted: {request.POST['reason'].strip()}",
            user=request.user,
            delete=True,
        )


class ScopedQuerysetMixin(CheckedAutocompleteMixin):
    """Programme admins see and pick only their departments' programmes (and their
    benefits, and departments); superusers see everything. `department_path` leads
    from the row to its department; None marks a record every department shares."""

    department_path = "programme__department"
    # Picker -> how its choices reach a department, and what the user may choose.
    SCOPED_CHOICES = {
        Programme: ("department", "programmes of your own departments"),
        Benefit: ("programme__department", "benefits of your own programmes"),
        Department: ("pk", "your own departments"),
    }

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser or self.department_path is None:
            return queryset
        return queryset.filter(
            **{f"{self.department_path}__in": user_departments(request.user)}
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        path, allowed = self.SCOPED_CHOICES.get(db_field.related_model, (None, ""))
        if path and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model.objects.filter(
                **{f"{path}__in": user_departments(request.user)}
            )
            kwargs["error_messages"] = {
                "invalid_choice": (
                    f"You can choose only {allowed}: the one with id %(value)s "
                    "is not one of them."
                )
            }
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DepartmentScopedMixin(ScopedQuerysetMixin):
    """Also refuses, on the server, changes to rows that touch departments other
    than the user's (programmes.scope), and deletion to all but superusers."""

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return is_within(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None:
            self.refuse_out_of_scope(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def refuse_out_of_scope(self, request, object_id):
        """A record that exists but lies outside the user's departments is refused
        with whose it is and which departments they can edit, not "not found"."""
        pk = pk_or_404(self.model, object_id)
        if self.get_queryset(request).filter(pk=pk).exists():
            return
        obj = self.model._default_manager.filter(pk=pk).first()
        if obj is None:
            return  # really not there: the admin says so
        raise PermissionDenied(out_of_scope_message(request.user, obj))


def out_of_scope_message(user, obj):
    owners = Department.objects.filter(pk__in=departments_touched(obj))
    mine = Department.objects.filter(pk__in=user_departments(user))
    whose = ", ".join(d.name for d in owners) or "another department"
    editable = ", ".join(d.name for d in mine) or "none yet"
    return (
        f"{obj._meta.verbose_name.capitalize()} “{obj}” belongs to {whose}. "
        f"You can edit the records of: {editable}."
    )
