"""Django forms in Bootstrap's dress: the FORM_RENDERER setting names `FormRenderer`.

Every widget a form renders gets Bootstrap's class for its kind (form-control,
form-select, form-check-input) and `is-invalid` when its field has errors, added to any
class the form sets itself (`form-control-sm`); a form whose `widget_size` is "sm" or "lg"
gets the sized class on every input and select (form-control-sm, form-select-sm);
`{{ field.as_field_group }}` renders the label, the widget, the help text and the errors
as Bootstrap lays them out (core/forms/field.html). Templates then write no class
attribute per field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import Input


def widget_class(widget: forms.Widget, size: str = "") -> str:
    """Bootstrap's class for a kind of widget ("" for those it does not dress), with its
    sized variant when a size ("sm", "lg") is given: "form-control form-control-sm"."""
    if isinstance(widget, (forms.HiddenInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return ""
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return f"form-select form-select-{size}" if size else "form-select"
    if isinstance(widget, (Input, forms.Textarea)):
        return f"form-control form-control-{size}" if size else "form-control"
    return ""


class BootstrapBoundField(BoundField):
    """A field whose widget carries Bootstrap's classes, `is-invalid` when it has errors."""

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        # Attributes given here replace the widget's own: keep its classes in the result.
        own = f"{widget.attrs.get('class', '')} {attrs.get('class', '')}".split()
        size = getattr(self.form, "widget_size", "")
        classes = [widget_class(widget, size), *own, "is-invalid" if self.errors else ""]
        if any(classes):
            attrs["class"] = " ".join(dict.fromkeys(" ".join(classes).split()))
        return attrs


class FormRenderer(DjangoTemplates):
    """Django's template renderer with Bootstrap's field layout and widget classes."""

    field_template_name = "core/forms/field.html"
    bound_field_class = BootstrapBoundField
