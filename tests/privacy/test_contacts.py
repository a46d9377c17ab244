"""The phone/e-mail/URL probe: real-looking strings and the redaction each must get."""

import pytest

from pni.privacy.contacts import find_phones, redact_contacts, regions_of

PROBE = [
    # phones, US region
    ("Call (617) 555-0143 tonight", "Call [phone] tonight"),
    ("call 555-123-4567.", "call [phone]."),
    ("617.555.0143", "[phone]"),
    ("1-800-555-0199", "[phone]"),
    ("+1 (212) 555-0100 ext. 12", "[phone]"),
    ("my cell: 6175550143", "my cell: [phone]"),
    # international, any region
    ("+49 30 1234567", "[phone]"),
    ("+44 20 7946 0958 (office)", "[phone] (office)"),
    ("+33 6 12 34 56 78", "[phone]"),
    ("+61 2 9374 4000", "[phone]"),
    ("+81 3-1234-5678", "[phone]"),
    ("+52 55 1234 5678", "[phone]"),
    ("WhatsApp +34 612 34 56 78", "WhatsApp [phone]"),
    # e-mail and web addresses
    ("mail a.b+c@school.example.org now", "mail [email] now"),
    ("<rosa.diaz@cvhs.k12.ca.us>", "<[email]>"),
    ("see https://x.example/p?q=1.", "see [url]."),
    ("www.school.org/page, ok", "[url], ok"),
    ("![t](http://example.org/pixel.png)", "![t]([url])"),
    ("data:image/png;base64,AAAA", "[url]"),
    ("(at http://a.example/b)", "(at [url])"),
    ("[x](//evil.example/track)", "[x]([url])"),
    ("<img src=//cdn.example/px.gif>", "<img src=[url]>"),
    ("and/or // not a link, 1//2", "and/or // not a link, 1//2"),
    # dates and times
    ("2019-03-14 08:15:00", "2019-03-14 08:15:00"),
    ("03/14/2019", "03/14/2019"),
    ("14.03.2019 at 8:15", "14.03.2019 at 8:15"),
    ("12:30-14:45", "12:30-14:45"),
    ("2019-2020 and 2021-2022", "2019-2020 and 2021-2022"),
    ("in 2019 2020 2021", "in 2019 2020 2021"),
    ("20190314T081500Z", "20190314T081500Z"),
    # decimals, coordinates, numbers
    ("3.14159265358", "3.14159265358"),
    ("lat 40.712776, -74.005974", "lat 40.712776, -74.005974"),
    ("1,234,567 dollars", "1,234,567 dollars"),
    ("population 8 336 817", "population 8 336 817"),
    ("scores 85 90 95 100", "scores 85 90 95 100"),
    ("scored 10 12 14 15 16", "scored 10 12 14 15 16"),
    ("0.000012345678", "0.000012345678"),
    # ids and postcodes
    ("ID 12345678", "ID 12345678"),
    ("Order 4412345678", "Order 4412345678"),
    ("ticket #40213377", "ticket #40213377"),
    ("v1.2.3456789", "v1.2.3456789"),
    ("ISBN 978-3-16-148410-0", "ISBN 978-3-16-148410-0"),
    ("zip 02139-4307", "zip 02139-4307"),
    ("SW1A 1AA", "SW1A 1AA"),
    ("grades 3-5, 6-8", "grades 3-5, 6-8"),
    ("room 101-202", "room 101-202"),
    ("R_3kTz9QmX1aB2cD4", "R_3kTz9QmX1aB2cD4"),
    ("student S-0142", "student S-0142"),
]


def test_probe_has_enough_cases() -> None:
    assert len(PROBE) >= 40


@pytest.mark.parametrize(("text", "expected"), PROBE)
def test_probe(text: str, expected: str) -> None:
    assert redact_contacts(text, "US") == expected


def test_national_numbers_need_their_region() -> None:
    # written like a national number and valid in some region: a phone whatever the region
    assert redact_contacts("06 12 34 56 78", "US") == "[phone]"
    assert redact_contacts("Ruf mich an: 030 1234 5678.", "US") == "Ruf mich an: [phone]."
    assert redact_contacts("06 12 34 56 78", "FR") == "[phone]"
    # not phones in any region: a postcode, plain groups of scores, a date
    for keep in ("zip 02139-4307", "scored 10 12 14 15 16", "on 01.02.2023"):
        assert redact_contacts(keep, "US") == keep
    assert redact_contacts("020 7946 0958 or 06 12 34 56 78", "GB,FR") == "[phone] or [phone]"
    assert regions_of(" us, fr ") == ["US", "FR"] and regions_of("") == ["US"]


def test_few_digits_are_never_phones() -> None:
    assert find_phones("call 911 or 555 1234") == []


def test_urls_can_be_kept() -> None:
    assert redact_contacts("see https://x.example", urls=False) == "see https://x.example"
