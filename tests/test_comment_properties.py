"""Property tests: any text a visitor sends gets a clear answer and never a 500."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments.forms import BODY_MAX, BODY_MIN, NAME_MAX, clean_text, make_token
from comments.models import Comment

from .factories import ORIGIN, make_article, post_comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_flood_limit(settings):
    settings.COMMENTS_RATE = "1000000/m"  # the flood limit has its own test


nasty = st.sampled_from(
    ["腰痛", "😀", "\u202e", "\u2066", "\u200f", "\x00", "\r\n", "\n", "\t", "\x1b", " ", "<", "&"]
)
text = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(nasty, st.text(max_size=5)), max_size=60).map("".join),
    st.integers(min_value=2990, max_value=10_500).map(lambda n: "长" * n),
)


def post(article, fields):
    client = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_ORIGIN=ORIGIN)
    return post_comment(client, article, "en", fields=fields)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(name=text, body=text, email=st.sampled_from(["", "a@example.com", "bad", "x@\x00.com"]))
def test_any_unicode_gets_a_clear_answer_and_stored_body_is_the_cleaned_input(name, body, email):
    article = make_article()
    before = Comment.objects.count()
    response = post(
        article,
        {"name": name, "body": body, "email": email, "token": make_token(article), "website": ""},
    )
    assert response.status_code in (302, 400, 413)  # 413: far longer than a comment can be
    if response.status_code == 302:
        comment = Comment.objects.latest("id")
        assert comment.body == clean_text(body, multiline=True)
        assert comment.name == clean_text(name, multiline=False)
        assert BODY_MIN <= len(comment.body) <= BODY_MAX and len(comment.name) <= NAME_MAX
        assert "\x00" not in comment.body + comment.name
    else:
        assert Comment.objects.count() == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    fields=st.dictionaries(
        st.sampled_from(["name", "body", "email", "token", "website", "parent", "extra"]),
        st.one_of(st.text(max_size=50), st.lists(st.text(max_size=20), min_size=2, max_size=3)),
    )
)
def test_missing_and_duplicated_fields_never_cause_a_500(fields):
    article = make_article()
    before = Comment.objects.count()
    response = post(article, fields)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert Comment.objects.count() == before
