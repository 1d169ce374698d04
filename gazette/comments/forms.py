from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator

# Control characters other than tab and newline (C0, DEL and C1, which includes NEL) and the
# Unicode line and paragraph separators: no place in a name, and a header-injection risk
# should a name ever reach an e-mail header.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


class CommentForm(forms.Form):
    """The public "Leave a comment" form. Labels and order follow the reference page."""

    body = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 8, "cols": 45}),
        error_messages={"required": "Please type your comment."},
    )
    name = forms.CharField(
        label="Name",
        max_length=100,
        error_messages={"required": "Please enter your name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        error_messages={
            "required": "Please enter your email address. It will not be published.",
            "invalid": "Please enter a valid email address, like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    website = forms.URLField(
        label="Website",
        required=False,
        max_length=500,
        assume_scheme="https",
        # No extra URLValidator(schemes=...) here: with URLField's own validator it gave
        # every bad address the same message twice. clean_website refuses non-http(s).
        error_messages={"invalid": "Please enter a web address starting with http:// or https://."},
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )

    notify = forms.BooleanField(
        label="Email me when someone replies to my comment",
        required=False,
        help_text="We will send a link to confirm your address first. No other mail.",
    )
    # The comment being answered, if any (checks.check_reply refuses impossible replies).
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # The form's signed render time (checks.check_form), and a honeypot: a field hidden
    # from people and from assistive technology (form_fields.html), that robots fill in.
    form_token = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    url = forms.CharField(
        label="Leave this field empty",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    # Rendered apart from the visible fields (form_fields.html).
    GUARD_FIELDS = ("url",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The limit is a setting, so it is applied here rather than in the class body.
        limit = settings.GAZETTE_COMMENT_MAX_LENGTH
        body = self.fields["body"]
        body.max_length = limit
        body.widget.attrs["maxlength"] = str(limit)
        body.validators.append(
            MaxLengthValidator(
                limit,
                message=f"Your comment is too long: please keep it under {limit:,} characters.",
            )
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if _CONTROL.search(name) or "\n" in name or "\r" in name:
            raise forms.ValidationError("Please use only letters, numbers and punctuation.")
        return name

    def clean_website(self) -> str:
        website = self.cleaned_data["website"]
        # Django's URLField would quietly prepend https:// to "javascript:alert(1)" and
        # accept it; refuse anything that does not name http(s) itself.
        raw = (self.data.get(self.add_prefix("website")) or "").strip()
        if raw and ":" in raw.split("/")[0] and not raw.lower().startswith(("http:", "https:")):
            raise forms.ValidationError(
                "Please enter a web address starting with http:// or https://."
            )
        return website
