"""The comment form: it checks what a visitor typed and nothing else.

Whether a valid comment is published, held or refused is decided in
``moderation.py``, as django-contrib-comments splits it.
"""

import re
import time
import unicodedata

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

NAME_MAX = 80
BODY_MIN = 2
BODY_MAX = 3000
TOKEN_SALT = "comments.form"
TOKEN_MAX_AGE = 24 * 60 * 60

# Embedding, override and isolate controls can make text read backwards.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)], None)


def clean_text(value, multiline):
    """Remove control characters and bidi overrides; keep line breaks where allowed."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").translate(_BIDI_CONTROLS)
    kept = []
    for char in value:
        if char == "\n" and multiline:
            kept.append(char)
        elif char in "\n\t":
            kept.append(" ")
        elif unicodedata.category(char) != "Cc":
            kept.append(char)
    value = "".join(kept)
    if multiline:
        value = re.sub(r"\n{3,}", "\n\n", value)
    return value.strip()


def make_token(article, now=None):
    """A signed token with the article and the time the form was shown."""
    return signing.dumps({"a": article.pk, "t": int(now or time.time())}, salt=TOKEN_SALT)


class CommentForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX * 4,
        error_messages={"required": _("Please enter your name.")},
    )
    email = forms.EmailField(
        label=_("Email (optional, never shown)"), required=False, max_length=254
    )
    body = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=BODY_MAX * 4,
        error_messages={"required": _("Please write your comment.")},
    )
    notify = forms.BooleanField(
        label=_("Notify me by email when my comment is approved or answered"), required=False
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    token = forms.CharField(widget=forms.HiddenInput)
    # A field people never see or fill in; bots that fill every field reveal themselves.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, article, *args, reply_to=None, seen_at=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.article = article
        self.reply_to = reply_to
        self.seen_at = seen_at  # when this browser was shown the form (comments.own)
        if not self.is_bound:
            self.initial.setdefault("token", make_token(article))
            if reply_to:
                self.initial["parent"] = reply_to.pk
        self.fields["name"].widget.attrs.update({"autocomplete": "name", "maxlength": NAME_MAX})
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        self.fields["body"].widget.attrs.update({"maxlength": BODY_MAX, "minlength": BODY_MIN})

    def clean_name(self):
        name = clean_text(self.cleaned_data["name"], multiline=False)
        if not name:
            raise forms.ValidationError(_("Please enter your name."), code="required")
        if len(name) > NAME_MAX:
            raise forms.ValidationError(
                _("Keep your name to %(max)d characters or fewer."),
                code="max_length",
                params={"max": NAME_MAX},
            )
        return name

    def clean_body(self):
        body = clean_text(self.cleaned_data["body"], multiline=True)
        if len(body) < BODY_MIN:
            raise forms.ValidationError(
                _("Write at least %(min)d characters."), code="min_length", params={"min": BODY_MIN}
            )
        if len(body) > BODY_MAX:
            raise forms.ValidationError(
                _("Keep your comment to %(max)d characters or fewer (it has %(length)d)."),
                code="max_length",
                params={"max": BODY_MAX, "length": len(body)},
            )
        return body

    def clean_token(self):
        bad = forms.ValidationError(
            _("This form could not be checked. Please send it again."), code="bad_token"
        )
        try:
            data = signing.loads(self.cleaned_data["token"], salt=TOKEN_SALT)
        except signing.BadSignature:
            raise bad
        if not isinstance(data, dict) or data.get("a") != self.article.pk:
            raise bad
        if not isinstance(data.get("t"), int) or time.time() - data["t"] > TOKEN_MAX_AGE:
            raise forms.ValidationError(
                _("This form was opened more than a day ago. Please send it again."),
                code="expired",
            )
        self.shown_at = data["t"]
        return self.cleaned_data["token"]

    def clean(self):
        data = super().clean()
        if data.get("notify") and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Give your email address to be notified, or untick the box."))
        return data

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        parent = self.article.comments.approved().filter(pk=parent_id).first()
        if parent is None:
            raise forms.ValidationError(
                _("The comment you are replying to is not available."), code="invalid_parent"
            )
        # One level of replies: a reply to a reply joins its thread.
        self.reply_to = parent.parent or parent
        return self.reply_to

    def seconds_to_fill(self):
        """Time since the visitor was shown the form: their own visit when their browser
        says (a cached page's token is as old as the cached page), else the token's."""
        shown = max(getattr(self, "shown_at", 0), self.seen_at or 0) or time.time()
        return time.time() - shown

    def fresh_token(self):
        """Give a re-rendered form a new token, so an expired form can be sent again."""
        data = self.data.copy()
        data["token"] = make_token(self.article)
        self.data = data
