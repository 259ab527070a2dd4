"""The similarity pages and fragments, signed in, through the whole Django stack."""

from django.urls import reverse

from .test_similarity import INVOICES, NOISE, OFFLINE


def signed_in(client, cast, role="editor"):
    client.login(username=f"{role}@acme.test", password=cast.password)
    return client


def test_one_click_links_a_related_item_and_it_leaves_the_list(client, cast, say, idea):
    items = [say(t) for t in OFFLINE + INVOICES + NOISE]
    offline = idea("Offline listening", "Download music and play it without a connection.")
    signed_in(client, cast, "contributor")
    fragment = reverse("idea_related_feedback", args=["acme", offline.pk])

    page = client.get(fragment)
    assert page.status_code == 200
    assert f'data-feedback-id="{items[0].pk}"' in page.content.decode()

    linked = client.post(reverse("idea_link_feedback", args=["acme", offline.pk]),
                         {"feedback_ids": [items[0].pk], "importance": "important"})
    assert linked.status_code == 302

    after = client.get(fragment).content.decode()
    assert f'data-feedback-id="{items[0].pk}"' not in after
    assert f'data-feedback-id="{items[1].pk}"' in after
    assert offline.feedback_links.filter(feedback=items[0]).exists()


def test_a_viewer_sees_suggestions_without_link_buttons(client, cast, say, idea):
    say(OFFLINE[0])
    offline = idea("Offline listening")
    html = signed_in(client, cast, "viewer").get(reverse("idea_related_feedback", args=["acme", offline.pk])).content.decode()
    assert 'data-testid="related-item"' in html
    assert 'data-testid="related-link"' not in html


def test_the_idea_page_loads_the_related_panel(client, cast, idea):
    offline = idea("Offline listening")
    html = signed_in(client, cast).get(reverse("idea_detail", args=["acme", offline.pk])).content.decode()
    assert reverse("idea_related_feedback", args=["acme", offline.pk]) in html


def test_a_feedback_page_shows_its_duplicate_and_its_idea(client, cast, say, idea):
    offline = idea("Offline listening", "Download music and play it without a connection.")
    first = say("Please add an export of the roadmap to Excel.")
    second = say("Could you add a way to export the roadmap into Excel?")
    third = say("On the plane I cannot play my songs because there is no internet.")
    signed_in(client, cast)

    html = client.get(reverse("feedback_similar", args=["acme", second.pk])).content.decode()
    assert reverse("feedback_detail", args=["acme", first.pk]) in html
    html = client.get(reverse("feedback_similar", args=["acme", third.pk])).content.decode()
    assert reverse("idea_detail", args=["acme", offline.pk]) in html
    assert reverse("feedback_similar", args=["acme", third.pk]) in client.get(
        reverse("feedback_detail", args=["acme", third.pk])).content.decode()


def test_the_themes_page_lists_groups_with_label_and_size(client, cast, say):
    for t in OFFLINE + INVOICES + NOISE:
        say(t)
    html = signed_in(client, cast, "viewer").get(reverse("feedback_themes", args=["acme"])).content.decode()
    assert html.count('data-testid="theme"') == 2
    assert "3 items" in html and "invoice" in html


def test_the_progress_bar_shows_while_items_wait_and_goes_when_done(client, cast):
    from accord.feedback.models import Feedback
    from accord.feedback.similarity import indexing

    Feedback.objects.bulk_create(Feedback(workspace=cast.workspace, text=t) for t in OFFLINE)
    url = reverse("feedback_index_status", args=["acme"])
    html = signed_in(client, cast, "viewer").get(url).content.decode()
    assert 'data-testid="index-status"' in html and "<strong>0</strong> of 4" in html
    indexing.index_pending(cast.workspace.pk)
    assert 'data-testid="index-status"' not in client.get(url).content.decode()


def test_another_workspace_s_idea_is_not_found(client, cast):
    from accord.ideas import services as idea_services

    theirs = idea_services.idea_create(member=cast.outsider, title="Secret")
    assert signed_in(client, cast).get(reverse("idea_related_feedback", args=["acme", theirs.pk])).status_code == 404


def test_an_item_waiting_for_its_vector_says_so(client, cast):
    from accord.feedback.models import Feedback

    fb = Feedback.objects.create(workspace=cast.workspace, text="Offline mode please.")  # not embedded yet
    html = signed_in(client, cast).get(reverse("feedback_similar", args=["acme", fb.pk])).content.decode()
    assert "being indexed" in html
