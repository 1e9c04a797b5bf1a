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
