"""POST data for an admin change form, read back from the page the admin served
(its form's and inline formsets' initial values), for tests that change one thing."""


def changeform_data(page, **changes):
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for i, inline_form in enumerate(formset.forms):
            for name in inline_form.fields:
                value = inline_form.initial.get(name)
                if name == "id":
                    value = inline_form.instance.pk
                if value is not None:
                    data[f"{formset.prefix}-{i}-{name}"] = value
    data.update(changes)
    return data
