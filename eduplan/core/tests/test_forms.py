"""Forms render in Bootstrap's dress without a class attribute written per field."""

from __future__ import annotations

from django import forms


class Sample(forms.Form):
    name = forms.CharField(label="名称", help_text="全称")
    kind = forms.ChoiceField(label="类型", choices=[("a", "甲"), ("b", "乙")])
    count = forms.IntegerField(
        label="数量", min_value=0, widget=forms.NumberInput(attrs={"class": "form-control-sm"})
    )
    agreed = forms.BooleanField(label="同意", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def test_each_widget_gets_bootstraps_class_for_its_kind_and_keeps_its_own():
    form = Sample()
    assert 'class="form-control" id="id_name"' in str(form["name"])
    assert 'class="form-select" id="id_kind"' in str(form["kind"])
    assert 'class="form-control form-control-sm" min="0"' in str(form["count"])
    assert 'class="form-check-input" id="id_agreed"' in str(form["agreed"])
    assert "class=" not in str(form["token"])


def test_a_field_with_errors_is_marked_invalid_and_its_message_is_named():
    form = Sample(data={"name": "", "kind": "a", "count": "-1"})
    assert not form.is_valid()
    assert 'class="form-control is-invalid"' in str(form["name"])
    assert 'class="form-control form-control-sm is-invalid"' in str(form["count"])
    assert "is-invalid" not in str(form["kind"])
    group = form["count"].as_field_group()
    assert '<label class="form-label" for="id_count">数量</label>' in group
    assert 'aria-describedby="id_count_error"' in group
    assert '<div class="invalid-feedback" id="id_count_error">' in group


class Compact(Sample):
    widget_size = "sm"


def test_a_form_of_small_widgets_sizes_every_input_and_select_once():
    form = Compact()
    assert 'class="form-control form-control-sm" id="id_name"' in str(form["name"])
    assert 'class="form-select form-select-sm" id="id_kind"' in str(form["kind"])
    assert 'class="form-control form-control-sm" min="0"' in str(form["count"])
    assert 'class="form-check-input" id="id_agreed"' in str(form["agreed"])
    assert "class=" not in str(form["token"])


def test_a_field_group_lays_out_help_text_and_checkboxes_as_bootstrap_does():
    form = Sample()
    name = form["name"].as_field_group()
    assert '<div class="form-text" id="id_name_helptext">全称</div>' in name
    agreed = form["agreed"].as_field_group()
    assert agreed.startswith('<div class="form-check"><input type="checkbox"')
    assert '<label class="form-check-label" for="id_agreed">同意</label>' in agreed
