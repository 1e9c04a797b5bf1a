from django import forms
from django.utils.translation import gettext_lazy as _

from . import text


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the articles"),
        max_length=text.MAX_QUERY_LENGTH,
        error_messages={"required": _("Type what you are looking for.")},
    )

    def clean_q(self):
        query = self.cleaned_data["q"]
        phrases = text.phrases(query)
        if not phrases:
            raise forms.ValidationError(
                _("Type a word, or at least two Chinese characters."), code="too_short"
            )
        if len(phrases) > text.MAX_PHRASES:
            raise forms.ValidationError(
                _("Search for at most %(count)d words at a time."),
                params={"count": text.MAX_PHRASES},
                code="too_many",
            )
        self.cleaned_data["phrases"] = phrases
        return query
