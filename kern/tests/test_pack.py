"""The KERN crispy-forms template pack (kern/templates/kern/). The sample form is built on
the portal's form base (core.forms); the German number field's own tests are in tests/core.

The rendered HTML is parsed with the standard library's html.parser into a small tree, and
the tests check the accessibility contract: every input has a label, aria-describedby
names elements that exist, aria-invalid marks exactly the fields with errors, and the error
summary links to existing ids. None of this needs the database.
"""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Button, Fieldset, Layout, Submit
from django import forms
from django.template import RequestContext, Template
from django.test import RequestFactory

from core.forms import GermanDecimalField, KernFormMixin
from kern.templatetags.kern_tags import kern_button_class

# A small DOM ------------------------------------------------------------------------------
VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "col", "area"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag = tag
        # A bare attribute (``novalidate``) has the value "".
        self.attrs = {name: "" if value is None else value for name, value in attrs}
        self.parent = parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def has_class(self, *names) -> bool:
        return all(n in self.classes for n in names)

    @property
    def elements(self) -> list["Node"]:
        return [c for c in self.children if isinstance(c, Node)]

    def iter(self):
        for child in self.elements:
            yield child
            yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        found = []
        for node in self.iter():
            if tag and node.tag != tag:
                continue
            if cls and cls not in node.classes:
                continue
            if any(node.attrs.get(k.replace("_", "-")) != v for k, v in attrs.items()):
                continue
            found.append(node)
        return found

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    @property
    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text)
        return " ".join(" ".join(parts).split())

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def closest(self, tag=None, cls=None):
        for node in self.ancestors():
            if (tag is None or node.tag == tag) and (cls is None or cls in node.classes):
                return node
        return None

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        assert node is not self.root, f"</{tag}> closes nothing"
        self.current = node.parent

    def handle_data(self, data):
        if data.strip():
            self.current.children.append(data)


def parse(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.current is builder.root, f"unclosed element {builder.current!r}"
    return builder.root


def ids_of(dom: Node) -> dict[str, Node]:
    ids: dict[str, Node] = {}
    for node in dom.iter():
        if "id" in node.attrs:
            assert node.attrs["id"] not in ids, f"duplicate id {node.attrs['id']}"
            ids[node.attrs["id"]] = node
    return ids


def controls(dom: Node) -> list[Node]:
    """Every input the person fills in (no hidden inputs, no buttons)."""
    return [
        n
        for n in dom.iter()
        if n.tag in ("select", "textarea")
        or (n.tag == "input" and n.attrs.get("type") not in ("hidden", "submit", "button"))
    ]


# The sample form --------------------------------------------------------------------------
DISTRICTS = [("", "Bitte wählen"), ("da", "Darmstadt-Dieburg"), ("of", "Offenbach am Main")]


class SampleForm(KernFormMixin, forms.Form):
    submit_label = "Antrag speichern"

    name = forms.CharField(label="Name des Projekts", help_text="So, wie es im Antrag heißt.")
    nickname = forms.CharField(label="Kurzname", required=False)
    email = forms.EmailField(label="E-Mail-Adresse")
    participants = forms.IntegerField(label="Teilnehmende", min_value=0)
    start = forms.DateField(label="Beginn", help_text="Zum Beispiel 01.03.2026")
    district = forms.ChoiceField(label="Landkreis", choices=DISTRICTS)
    kind = forms.ChoiceField(
        label="Art des Trägers",
        widget=forms.RadioSelect,
        choices=[("kommune", "Kommune"), ("verein", "Verein")],
        help_text="Wer stellt den Antrag?",
    )
    topics = forms.MultipleChoiceField(
        label="Themen",
        widget=forms.CheckboxSelectMultiple,
        choices=[("sprache", "Sprache"), ("arbeit", "Arbeit")],
    )
    accept = forms.BooleanField(label="Ich bestätige die Richtigkeit der Angaben.")
    newsletter = forms.BooleanField(label="Newsletter", required=False)
    attachment = forms.FileField(label="Anlage", required=False, help_text="PDF, höchstens 20 MB")
    description = forms.CharField(label="Beschreibung", widget=forms.Textarea(attrs={"rows": 3}))
    amount = GermanDecimalField(label="Betrag in Euro", min_value=0)

    def build_helper(self):
        helper = super().build_helper()
        helper.layout = Layout(
            Fieldset("Angaben zum Projekt", *self.fields),
        )
        helper.add_input(Button("cancel", "Abbrechen"))
        return helper


VALID = {
    "name": "Sprachcafé",
    "nickname": "",
    "email": "kontakt@example.org",
    "participants": "12",
    "start": "01.03.2026",
    "district": "da",
    "kind": "verein",
    "topics": ["sprache"],
    "accept": "on",
    "description": "Ein Treffpunkt.",
    "amount": "1.234,56",
}
# Errors in: name (required), email (invalid), participants (negative), district (required),
# kind (required), topics (required), accept (required), amount (3 decimals).
INVALID = {
    **VALID,
    "name": "",
    "email": "kein-at",
    "participants": "-3",
    "district": "",
    "kind": "",
    "topics": [],
    "accept": "",
    "amount": "1,234",
}
ERRORED = {"name", "email", "participants", "district", "kind", "topics", "accept", "amount"}


def render(template: str, **context) -> str:
    request = RequestFactory().get("/")
    return Template("{% load crispy_forms_tags kern_tags %}" + template).render(
        RequestContext(request, context)
    )


def bound(data):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    return SampleForm(data=query)


@pytest.fixture
def unbound_dom():
    return parse(render("{% crispy form %}", form=SampleForm()))


@pytest.fixture
def invalid_form():
    form = bound(INVALID)
    form.add_error(None, "Der Antrag kann so nicht gespeichert werden.")
    return form


@pytest.fixture
def invalid_dom(invalid_form):
    return parse(render("{% crispy form %}", form=invalid_form))


# The form tag ----------------------------------------------------------------------------
def test_form_tag_is_novalidate_post_multipart_with_csrf(unbound_dom):
    form = unbound_dom.find("form")
    assert form.attrs["method"] == "post"
    assert "novalidate" in form.attrs
    assert form.attrs["enctype"] == "multipart/form-data"
    assert form.find("input", type="hidden", name="csrfmiddlewaretoken")


def test_sample_form_is_valid_with_valid_data():
    form = bound(VALID)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal("1234.56")


# Every field, unbound --------------------------------------------------------------------
def test_every_control_has_a_label(unbound_dom):
    labels = {n.attrs.get("for") for n in unbound_dom.find_all("label")}
    found = controls(unbound_dom)
    assert len(found) == 15  # 11 single controls, 2 radios, 2 checkboxes in the group
    for control in found:
        assert control.attrs.get("id"), control
        assert control.attrs["id"] in labels, f"no label for {control!r}"


def test_describedby_points_to_existing_hints(unbound_dom):
    ids = ids_of(unbound_dom)
    described = [n for n in unbound_dom.iter() if "aria-describedby" in n.attrs]
    assert described
    for node in described:
        for ref in node.attrs["aria-describedby"].split():
            assert ref in ids, f"{node!r} refers to missing {ref}"
    hint = ids["id_name-hint"]
    assert hint.has_class("kern-hint") and hint.text == "So, wie es im Antrag heißt."
    assert ids["id_name"].attrs["aria-describedby"] == "id_name-hint"


def test_no_error_markup_without_errors(unbound_dom):
    assert not [n for n in unbound_dom.iter() if "aria-invalid" in n.attrs]
    assert not unbound_dom.find(cls="kern-error")
    assert not unbound_dom.find(data_error_summary="")
    assert not [n for n in unbound_dom.iter() if any(c.endswith("--error") for c in n.classes)]


def test_text_inputs_are_kern_form_inputs(unbound_dom):
    ids = ids_of(unbound_dom)
    for field_id, input_type in [
        ("id_name", "text"),
        ("id_email", "email"),
        ("id_participants", "number"),
        ("id_start", "text"),
        ("id_amount", "text"),
    ]:
        control = ids[field_id]
        assert control.attrs["type"] == input_type
        assert control.has_class("kern-form-input__input")
        wrapper = control.closest(cls="kern-form-input")
        assert wrapper.attrs["id"] == f"div_{field_id}"
        label = wrapper.find("label", **{"for": field_id})
        assert label.has_class("kern-label")
    assert "required" in ids["id_name"].attrs
    assert ids["id_amount"].attrs["inputmode"] == "decimal"
    textarea = ids["id_description"]
    assert textarea.tag == "textarea" and textarea.has_class("kern-form-input__input")
    assert textarea.attrs["rows"] == "3"  # the widget's own attributes stay


def test_optional_marker_only_on_optional_fields(unbound_dom):
    ids = ids_of(unbound_dom)

    def label(field_id):
        return unbound_dom.find("label", **{"for": field_id})

    marker = label("id_nickname").find("span", cls="kern-label__optional")
    assert marker.text == "– optional"
    assert label("id_attachment").find(cls="kern-label__optional")
    assert not label("id_name").find(cls="kern-label__optional")
    assert "required" not in ids["id_nickname"].attrs


def test_select(unbound_dom):
    select = ids_of(unbound_dom)["id_district"]
    assert select.tag == "select" and select.has_class("kern-form-input__select")
    assert select.parent.has_class("kern-form-input__select-wrapper")
    assert select.parent.parent.has_class("kern-form-input")


def test_radios_are_a_fieldset_with_legend(unbound_dom):
    fieldset = ids_of(unbound_dom)["div_id_kind"]
    assert fieldset.tag == "fieldset" and fieldset.has_class("kern-fieldset")
    legend = fieldset.elements[0]
    assert legend.tag == "legend" and legend.has_class("kern-label")
    assert legend.text == "Art des Trägers"
    assert fieldset.attrs["aria-describedby"] == "id_kind-hint"
    assert fieldset.find(id="id_kind-hint").has_class("kern-hint")
    body = fieldset.find(cls="kern-fieldset__body")
    radios = body.find_all("input", type="radio")
    assert [r.attrs["value"] for r in radios] == ["kommune", "verein"]
    for radio in radios:
        assert radio.has_class("kern-form-check__radio")
        check = radio.parent
        assert check.has_class("kern-form-check")
        assert check.elements[1].tag == "label"
        assert check.elements[1].attrs["for"] == radio.attrs["id"]


def test_checkbox_group_is_a_fieldset(unbound_dom):
    fieldset = ids_of(unbound_dom)["div_id_topics"]
    assert fieldset.tag == "fieldset" and fieldset.has_class("kern-fieldset")
    assert fieldset.find("legend", cls="kern-label").text == "Themen"
    boxes = fieldset.find_all("input", type="checkbox")
    assert len(boxes) == 2
    assert all(b.has_class("kern-form-check__checkbox") for b in boxes)
    assert all(b.parent.has_class("kern-form-check") for b in boxes)


def test_single_checkbox_has_its_label_after_it(unbound_dom):
    box = ids_of(unbound_dom)["id_accept"]
    assert box.attrs["type"] == "checkbox" and box.has_class("kern-form-check__checkbox")
    wrapper = box.parent
    assert wrapper.has_class("kern-form-check")
    assert wrapper.elements.index(box) == 0
    label = wrapper.elements[1]
    assert label.tag == "label" and label.attrs["for"] == "id_accept"
    assert label.has_class("kern-label")


def test_file_input(unbound_dom):
    file_input = ids_of(unbound_dom)["id_attachment"]
    assert file_input.attrs["type"] == "file"
    assert file_input.has_class("kern-form-input__input")
    assert file_input.closest(cls="kern-form-input")
    assert file_input.attrs["aria-describedby"] == "id_attachment-hint"


def test_layout_fieldset_and_buttons(unbound_dom):
    fieldset = unbound_dom.find("fieldset", cls="wir-fieldset")
    assert fieldset.has_class("kern-fieldset")
    legend = fieldset.elements[0]
    assert legend.tag == "legend" and legend.has_class("kern-label")
    assert legend.text == "Angaben zum Projekt"
    assert fieldset.find(cls="kern-fieldset__body").find(id="id_name")

    submit = unbound_dom.find("button", type="submit")
    assert submit.has_class("kern-btn", "kern-btn--primary")
    assert submit.attrs["name"] == "submit"
    assert submit.elements[0].tag == "span" and submit.elements[0].has_class("kern-label")
    assert submit.text == "Antrag speichern"
    cancel = unbound_dom.find("button", type="button")
    assert cancel.has_class("kern-btn", "kern-btn--secondary")
    assert submit.parent.has_class("kern-btn-wrapper")


# Every field, with errors ----------------------------------------------------------------
def test_aria_invalid_exactly_on_errored_fields(invalid_dom):
    for control in controls(invalid_dom):
        name = control.attrs["name"]
        if name in ERRORED:
            assert control.attrs.get("aria-invalid") == "true", name
        else:
            assert "aria-invalid" not in control.attrs, name


def test_errors_are_kern_errors_tied_to_their_field(invalid_dom):
    ids = ids_of(invalid_dom)
    for name in ERRORED:
        error = ids[f"id_{name}-error"]
        assert error.tag == "p" and error.has_class("kern-error")
        assert error.attrs["role"] == "alert"
        icon = error.elements[0]
        assert icon.has_class("kern-icon", "kern-icon--danger")
        assert icon.attrs["aria-hidden"] == "true"
        assert error.text
    # The input (or the group's fieldset) names hint and error.
    assert ids["id_name"].attrs["aria-describedby"] == "id_name-hint id_name-error"
    assert ids["id_email"].attrs["aria-describedby"] == "id_email-error"
    assert ids["div_id_kind"].attrs["aria-describedby"] == "id_kind-hint id_kind-error"
    assert ids["div_id_topics"].attrs["aria-describedby"] == "id_topics-error"
    for node in invalid_dom.iter():
        for ref in node.attrs.get("aria-describedby", "").split():
            assert ref in ids, f"{node!r} refers to missing {ref}"
    assert "id_nickname-error" not in ids


def test_error_modifiers(invalid_dom):
    ids = ids_of(invalid_dom)
    assert ids["div_id_name"].has_class("kern-form-input", "kern-form-input--error")
    assert ids["id_name"].has_class("kern-form-input__input--error")
    assert not ids["div_id_nickname"].has_class("kern-form-input--error")
    assert ids["id_district"].has_class("kern-form-input__select--error")
    assert ids["div_id_kind"].has_class("kern-fieldset--error")
    assert ids["id_kind_0"].has_class("kern-form-check__radio--error")
    assert ids["div_id_accept"].has_class("kern-form-check--error")
    assert ids["id_accept"].has_class("kern-form-check__checkbox--error")
    assert ids["id_amount-error"].text == "Bitte geben Sie höchstens 2 Nachkommastellen an."


def test_error_summary(invalid_dom, invalid_form):
    summaries = invalid_dom.find_all(data_error_summary="")
    assert len(summaries) == 1
    summary = summaries[0]
    assert summary.has_class("kern-alert", "kern-alert--danger")
    assert summary.attrs["role"] == "alert"
    assert summary.attrs["tabindex"] == "-1"
    assert summary.find("h2").text == "Bitte korrigieren Sie die folgenden Angaben"
    # At the top of the form, before the first field.
    form = invalid_dom.find("form")
    assert form.find_all(cls="kern-alert")[0] is summary
    ids = ids_of(invalid_dom)
    links = summary.find_all("a")
    field_errors = sum(len(invalid_form[name].errors) for name in ERRORED)
    assert len(links) == field_errors
    for link in links:
        assert link.attrs["href"].startswith("#")
        assert link.attrs["href"][1:] in ids
    targets = [link.attrs["href"][1:] for link in links]
    assert targets[:3] == ["id_name", "id_email", "id_participants"]
    assert "id_kind_0" in targets and "id_topics_0" in targets  # groups: their first input
    assert links[0].text == "Name des Projekts: Dieses Feld ist zwingend erforderlich."
    accept = links[targets.index("id_accept")]
    assert accept.text.startswith("Ich bestätige die Richtigkeit der Angaben: ")
    items = summary.find_all("li")
    assert items[0].text == "Der Antrag kann so nicht gespeichert werden."
    assert not items[0].find("a")


def test_summary_tag_before_the_form_is_not_repeated(invalid_form):
    dom = parse(
        render("{% kern_error_summary form %}<main>{% crispy form %}</main>", form=invalid_form)
    )
    summaries = dom.find_all(data_error_summary="")
    assert len(summaries) == 1
    assert summaries[0].parent.tag == "#root"


def test_summary_include_standalone(invalid_form):
    dom = parse(render('{% include "kern/error_summary.html" with form=form %}', form=invalid_form))
    summary = dom.find(data_error_summary="")
    assert summary.has_class("kern-alert--danger")
    assert len(summary.find_all("a")) == 8


def test_summary_tag_with_title_and_several_forms(invalid_form):
    other = SampleForm(data={}, prefix="zwei")
    html = render(
        '{% kern_error_summary form other title="Angaben fehlen" %}', form=invalid_form, other=other
    )
    summary = parse(html).find(data_error_summary="")
    assert summary.find("h2").text == "Angaben fehlen"
    hrefs = [a.attrs["href"] for a in summary.find_all("a")]
    assert "#id_name" in hrefs and "#id_zwei-name" in hrefs


def test_no_summary_without_errors():
    assert render("{% kern_error_summary form %}", form=SampleForm()).strip() == ""
    assert render("{% kern_error_summary form %}", form=bound(VALID)).strip() == ""
    html = render('{% include "kern/error_summary.html" with form=form %}', form=SampleForm())
    assert html.strip() == ""


def test_crispy_filter_renders_summary_and_fields(invalid_form):
    dom = parse(render("{{ form|crispy }}", form=invalid_form))
    assert len(dom.find_all(data_error_summary="")) == 1
    assert dom.find(id="id_name").attrs["aria-invalid"] == "true"
    assert not dom.find("form")


def test_summary_can_be_switched_off(invalid_form):
    invalid_form.helper.error_summary = False
    dom = parse(render("{% crispy form %}", form=invalid_form))
    assert not dom.find(data_error_summary="")
    alert = dom.find(cls="wir-form-errors")
    assert alert.has_class("kern-alert", "kern-alert--danger")
    assert "Der Antrag kann so nicht gespeichert werden." in alert.text
    assert dom.find(id="id_name-error")


def test_rendering_leaves_widget_attrs_alone(invalid_form):
    before = {name: dict(field.widget.attrs) for name, field in invalid_form.fields.items()}
    first = render("{% crispy form %}", form=invalid_form)
    invalid_form._kern_error_summary_rendered = False
    second = render("{% crispy form %}", form=invalid_form)
    assert {name: dict(f.widget.attrs) for name, f in invalid_form.fields.items()} == before

    def without_csrf(html):
        dom = parse(html)
        token = dom.find("input", name="csrfmiddlewaretoken")
        token.parent.children.remove(token)
        return [(n.tag, n.attrs) for n in dom.iter()]

    assert without_csrf(first) == without_csrf(second)


def test_widget_classes_and_describedby_are_kept():
    class Form(forms.Form):
        code = forms.CharField(
            label="Code",
            help_text="Sechs Ziffern",
            widget=forms.TextInput(attrs={"class": "wir-code", "aria-describedby": "extra"}),
        )

    form = Form(data={})
    dom = parse(render("<p id='extra'>x</p>{{ form|crispy }}", form=form))
    code = dom.find(id="id_code")
    assert code.classes == ["wir-code", "kern-form-input__input", "kern-form-input__input--error"]
    assert code.attrs["aria-describedby"] == "extra id_code-hint id_code-error"


def test_required_select_without_empty_choice_gets_aria_required():
    class Form(forms.Form):
        size = forms.ChoiceField(label="Größe", choices=[("s", "klein"), ("l", "groß")])

    select = parse(render("{{ form|crispy }}", form=Form())).find("select")
    assert "required" not in select.attrs  # Django leaves it out: no empty first option
    assert select.attrs["aria-required"] == "true"


def test_hidden_fields_render_bare():
    class Form(forms.Form):
        token = forms.CharField(widget=forms.HiddenInput)

    dom = parse(render("{{ form|crispy }}", form=Form(initial={"token": "abc"})))
    hidden = dom.find("input")
    assert hidden.attrs["type"] == "hidden" and hidden.parent.tag == "#root"


def test_button_classes():
    assert kern_button_class(Submit("s", "Los")) == "kern-btn kern-btn--primary"
    assert kern_button_class(Button("b", "Los")) == "kern-btn kern-btn--secondary"
    assert kern_button_class(Submit("s", "Los", css_class="btn-secondary")) == (
        "kern-btn kern-btn--secondary"
    )
    tertiary = Submit("s", "Zurück", css_class="kern-btn--tertiary kern-btn--block")
    assert kern_button_class(tertiary) == "kern-btn kern-btn--tertiary kern-btn--block"


# Shared helpers --------------------------------------------------------------------------
def test_kern_form_mixin_helper():
    form = SampleForm()
    assert isinstance(form.helper, FormHelper)
    assert form.helper.form_method == "post"
    assert [i.value for i in form.helper.inputs] == ["Antrag speichern", "Abbrechen"]

    class Plain(KernFormMixin, forms.Form):
        x = forms.CharField()

    assert Plain().helper.inputs == []


def test_optional_marker_can_be_switched_off():
    form = SampleForm()
    form.helper.optional_marker = False  # e.g. drafts, where nothing is required yet
    dom = parse(render("{% crispy form %}", form=form))
    assert not dom.find(cls="kern-label__optional")


def test_helper_enctype_is_not_repeated():
    form = SampleForm()
    form.helper.attrs = {"enctype": "multipart/form-data"}
    html = render("{% crispy form %}", form=form)
    assert html.count("enctype=") == 1


def test_formset_as_table_links_summary_to_its_rows():
    class Line(forms.Form):
        description = forms.CharField(label="Beschreibung")
        amount = GermanDecimalField(label="Betrag in Euro")

    Lines = forms.formset_factory(Line, extra=0)
    formset = Lines(
        data={
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "0",
            "form-0-description": "Honorar",
            "form-0-amount": "1.500",
            "form-1-description": "",
            "form-1-amount": "12,345",
        }
    )
    helper = FormHelper()
    helper.template = "kern/table_inline_formset.html"
    dom = parse(render("{% crispy formset helper %}", formset=formset, helper=helper))
    ids = ids_of(dom)
    summary = dom.find(data_error_summary="")
    hrefs = [a.attrs["href"] for a in summary.find_all("a")]
    assert hrefs == ["#id_form-1-description", "#id_form-1-amount"]
    table = dom.find("table", cls="kern-table")
    assert [th.text for th in table.find_all("th")] == ["Beschreibung", "Betrag in Euro"]
    amount = ids["id_form-1-amount"]
    assert amount.closest("td").has_class("kern-table__cell")
    assert amount.attrs["aria-invalid"] == "true"
    assert "kern-sr-only" in dom.find("label", **{"for": "id_form-1-amount"}).classes
    assert "aria-invalid" not in ids["id_form-0-amount"].attrs


def test_file_input_with_a_stored_file_shows_its_name_not_a_link():
    class Stored:
        name = "uploads/2026/antrag.pdf"
        url = "/_private-media-not-served/uploads/2026/antrag.pdf"

    form = SampleForm(initial={"attachment": Stored()})
    dom = parse(render("{% crispy form %}", form=form))
    wrapper = ids_of(dom)["div_id_attachment"]
    assert "antrag.pdf" in wrapper.find(cls="wir-file-current").text
    assert not wrapper.find("a")  # uploads are private: no link to MEDIA_URL
    clear = wrapper.find("input", type="checkbox")
    assert clear.attrs["name"] == "attachment-clear"
    assert clear.has_class("kern-form-check__checkbox")
    assert wrapper.find("label", **{"for": clear.attrs["id"]}).text == "Datei entfernen"
    assert wrapper.find("input", type="file").has_class("kern-form-input__input")
