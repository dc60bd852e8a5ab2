"""Django forms in Bootstrap's dress: the FORM_RENDERER setting names `FormRenderer`.

Every widget a form renders gets Bootstrap's class for its kind (form-control,
form-select, form-check-input) and `is-invalid` when its field has errors, added to any
class the form sets itself (`form-control-sm`); `{{ field.as_field_group }}` renders the
label, the widget, the help text and the errors as Bootstrap lays them out
(core/forms/field.html). Templates then write no class attribute per field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import Input


def widget_class(widget: forms.Widget) -> str:
    """Bootstrap's class for a kind of widget ("" for those it does not dress)."""
    if isinstance(widget, (forms.HiddenInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return ""
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    if isinstance(widget, (Input, forms.Textarea)):
        return "form-control"
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
        classes = [widget_class(widget), *own, "is-invalid" if self.errors else ""]
        if any(classes):
            attrs["class"] = " ".join(dict.fromkeys(c for c in classes if c))
        return attrs


class FormRenderer(DjangoTemplates):
    """Django's template renderer with Bootstrap's field layout and widget classes."""

    field_template_name = "core/forms/field.html"
    bound_field_class = BootstrapBoundField
