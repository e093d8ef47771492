"""The contact and payment-handle detector on the hand-written corpus
(tests/conversations/masking_corpus.py): precision and recall, and what masking leaves."""

import pytest

from campaigns.conversations.masking import PLACEHOLDER, mask
from tests.conversations import masking_corpus as corpus


def test_the_corpus_is_big_enough():
    assert len(corpus.POSITIVE) >= 50 and len(corpus.NEGATIVE) >= 50


def test_precision_and_recall_on_the_tuning_set():
    precision, recall, missed, false_alarms = corpus.measure()
    assert (missed, false_alarms) == ([], [])
    assert precision == 1.0 and recall == 1.0


def test_precision_and_recall_on_the_held_out_set():
    precision, recall, missed, false_alarms = corpus.measure_held_out()
    assert precision >= 0.95, false_alarms
    assert recall >= 0.9, missed


@pytest.mark.parametrize("sentence", corpus.POSITIVE + corpus.HELD_OUT_POSITIVE)
def test_masking_hides_every_digit_run_and_address(sentence):
    masked, kinds = mask(sentence)
    assert kinds and PLACEHOLDER in masked
    assert "@gmail" not in masked.lower() and "paypal.me/" not in masked.lower()


@pytest.mark.parametrize("sentence", corpus.NEGATIVE + corpus.HELD_OUT_NEGATIVE)
def test_ordinary_sentences_are_left_alone(sentence):
    assert mask(sentence) == (sentence, [])


def test_masking_keeps_the_rest_of_the_sentence():
    assert mask("Call +1-202-555-0175 or write to ana@example.com, thanks!") == (
        f"Call {PLACEHOLDER} or write to {PLACEHOLDER}, thanks!",
        ["email", "phone"],
    )
