"""Moderators work the queue in one click per row, and can undo a click."""

import pytest

from comments.models import Comment

from .factories import make_article, make_comment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_in_english")]


def test_the_queue_has_status_tabs_with_counts_and_row_buttons(client, moderator):
    article = make_article()
    pending = make_comment(article, body="Please approve me", spam_reason="too many links")
    make_comment(article, status=Comment.Status.APPROVED)
    make_comment(article, status=Comment.Status.SPAM)
    client.force_login(moderator)
    page = client.get("/admin/comments/comment/").content.decode()
    tabs = page.split('class="status-tabs"')[1].split("</nav>")[0]
    assert (
        "Pending · 1" in tabs
        and "Approved · 1" in tabs
        and "Spam · 1" in tabs
        and "Rejected · 0" in tabs
    )
    (row,) = [chunk for chunk in page.split("</tr>") if "Please approve me" in chunk]
    assert f'formaction="/admin/comments/comment/{pending.pk}/moderate/approved/"' in row
    assert 'formmethod="post"' in row and "too many links" in row
    assert f'href="/admin/comments/comment/{pending.pk}/change/#replies-group"' in row


def test_one_click_approves_and_the_message_undoes_it(client, moderator):
    article = make_article()
    comment = make_comment(article, body="Approve me in one click")
    client.force_login(moderator)
    response = client.post(f"/admin/comments/comment/{comment.pk}/moderate/approved/", follow=True)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED and comment.moderated_by == moderator
    page = response.content.decode()
    assert f'action="/admin/comments/comment/{comment.pk}/moderate/pending/"' in page
    assert "Approve me in one click" in client.get(f"/en/articles/{article.slug}/").content.decode()

    client.post(f"/admin/comments/comment/{comment.pk}/moderate/pending/")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_click_never_changes_anything_by_get_or_for_someone_without_rights(
    client, editor, moderator
):
    comment = make_comment(make_article())
    client.force_login(moderator)
    assert client.get(f"/admin/comments/comment/{comment.pk}/moderate/approved/").status_code == 404
    assert (
        client.post(f"/admin/comments/comment/{comment.pk}/moderate/nonsense/").status_code == 404
    )
    client.force_login(editor)
    assert client.post(f"/admin/comments/comment/{comment.pk}/moderate/spam/").status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_rows_count_the_senders_other_comments_and_link_to_them(client, moderator):
    article = make_article()
    first = make_comment(article, body="First from Li", email="li@example.com")
    make_comment(article, body="Second from Li", email="li@example.com")
    make_comment(article, body="Same address", ip_hash="abc")
    make_comment(article, body="From someone else", email="wang@example.com")
    make_comment(article, body="Also this address", ip_hash="abc")
    client.force_login(moderator)
    page = client.get("/admin/comments/comment/").content.decode()
    (row,) = [chunk for chunk in page.split("</tr>") if "First from Li" in chunk]
    assert f'href="/admin/comments/comment/?sender={first.pk}">1 other</a>' in row
    listed = client.get("/admin/comments/comment/", {"sender": first.pk}).content.decode()
    assert "First from Li" in listed and "Second from Li" in listed
    assert "From someone else" not in listed and "Same address" not in listed


def test_view_on_site_of_a_waiting_comment_shows_it_in_place_to_moderators_only(client, moderator):
    from django.test import Client

    article = make_article()
    comment = make_comment(article, body="Waiting to be seen", language="en")
    url = comment.get_absolute_url()
    assert url == f"/en/articles/{article.slug}/?moderating={comment.pk}#comment-{comment.pk}"
    assert "Waiting to be seen" not in Client().get(url).content.decode()
    client.force_login(moderator)
    page = client.get(url).content.decode()
    assert "Waiting to be seen" in page and "visitors do not see it yet" in page


def test_staff_replies_are_signed_with_a_name_not_the_login(client, moderator):
    comment = make_comment(make_article())
    client.force_login(moderator)
    page = client.get(f"/admin/comments/comment/{comment.pk}/change/").content.decode()
    assert 'value="Editorial team"' in page and 'value="moderator"' not in page
