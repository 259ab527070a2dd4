"""The capture shortcut reads a pasted e-mail or chat and keeps what the customer wrote."""

from datetime import UTC, datetime

from accord.feedback.capture import parse

EMAIL = """From: "Jane Doe" <Jane.Doe@northwind-traders.com>
Sent: Tue, 14 Oct 2025 09:12:00 +0200
To: support@accord.test
Subject: RE: Fwd: Exporting reports

Hi team,

We really need to export the quarterly report to Excel. Our CFO asks every week.

> On Monday you wrote that it is planned.

Best regards,
Jane Doe
Head of Finance, Northwind
+1 555 0100

On Mon, Oct 13, 2025 at 10:00 AM Support <support@accord.test> wrote:
> Thanks for reaching out! Exports are on our roadmap.
"""


def test_an_email_gives_the_customer_title_date_and_only_the_new_text():
    c = parse(EMAIL)
    assert (c.name, c.email, c.company) == ("Jane Doe", "jane.doe@northwind-traders.com", "Northwind Traders")
    assert c.title == "Exporting reports"
    assert c.received_at == datetime(2025, 10, 14, 7, 12, tzinfo=UTC)
    assert c.text == "Hi team,\n\nWe really need to export the quarterly report to Excel. Our CFO asks every week."


def test_outlook_replies_dashes_signatures_and_mobile_footers_are_cut():
    c = parse("Dark mode please, my eyes hurt.\n-- \nBob\nACME\n")
    assert c.text == "Dark mode please, my eyes hurt."
    c = parse("Calendar sync is broken again.\n\nSent from my iPhone\n\nFrom: Support\nSent: Monday\nOld stuff")
    assert c.text == "Calendar sync is broken again."
    c = parse("Works fine.\nFrom: Support <s@x.com>\nSent: Monday\nSubject: hi\nOld")
    assert c.text == "Works fine."


def test_a_chat_snippet_takes_the_first_speaker_as_the_customer():
    chat = "[10:31] Maria Lopez: the SSO login loops forever\n[10:32] Agent Smith: sorry! which IdP?\n[10:33] Maria Lopez: Okta, since Monday"
    c = parse(chat)
    assert c.name == "Maria Lopez" and c.email == ""
    assert c.text == "the SSO login loops forever\nOkta, since Monday"


def test_free_mail_gives_no_company_and_plain_text_stays_whole():
    c = parse("From: sam.lee@gmail.com\n\nLove the app, but it needs offline mode.\nThanks!")
    assert (c.name, c.email, c.company) == ("Sam Lee", "sam.lee@gmail.com", "")
    assert c.text == "Love the app, but it needs offline mode."
    text = "Just a note from the sales call: they want API access.\nAlso SAML."
    assert parse(text).text == text
