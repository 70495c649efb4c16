"""The venue texts of imported statements, as fact-checkers' feeds and desks' spreadsheets word
them ("a tweet", "a TV ad", "an interview on CNN"), each with the venue and outlet it means.

The same classifier reads the words around a cue in a story (test_extraction) and the venue
texts of imported files. These cases are written in the style of such files' "context" columns,
not taken from any of them.
"""

import pytest

from factcheck.extraction import classify_venue
from factcheck.models import Venue

SOCIAL, DOCUMENT, INTERVIEW, PUBLIC = (
    Venue.SOCIAL_MEDIA_POST,
    Venue.OFFICIAL_DOCUMENT,
    Venue.INTERVIEW,
    Venue.PUBLIC_REMARKS,
)
PRESS_CONFERENCE, TO_US, AD = Venue.PRESS_CONFERENCE, Venue.STATEMENT_TO_OUTLET, Venue.ADVERTISEMENT


@pytest.mark.parametrize(
    ("text", "venue", "outlet"),
    [
        ("a tweet", SOCIAL, "X"),
        ("a tweet.", SOCIAL, "X"),
        ("tweets", SOCIAL, "X"),
        ("a Facebook post", SOCIAL, "Facebook"),
        ("a post on Facebook", SOCIAL, "Facebook"),
        ("an Instagram post", SOCIAL, "Instagram"),
        ("a YouTube video", SOCIAL, "YouTube"),
        ("a Truth Social post", SOCIAL, "Truth Social"),
        ("a viral image", SOCIAL, None),
        ("a meme", SOCIAL, None),
        ("a chain email", SOCIAL, None),
        ("a viral post", SOCIAL, None),
        ("a web video", SOCIAL, None),
        ("a press release", DOCUMENT, None),
        ("a news release", DOCUMENT, None),
        ("a campaign press release", DOCUMENT, None),
        ("a newsletter", DOCUMENT, None),
        ("an op-ed", DOCUMENT, None),
        ("an op-ed in the Washington Post", DOCUMENT, "Washington Post"),
        ("a letter to constituents", DOCUMENT, None),
        ("a fundraising letter", DOCUMENT, None),
        ("a report", DOCUMENT, None),
        ("a campaign website", DOCUMENT, None),
        ("a blog post", DOCUMENT, None),
        ("a book", DOCUMENT, None),
        ("a court filing", DOCUMENT, None),
        ("testimony before Congress", DOCUMENT, None),
        ("a fundraising email", DOCUMENT, None),
        ("an email to supporters", DOCUMENT, None),
        ("a TV ad", AD, None),
        ("a television ad", AD, None),
        ("a radio ad", AD, None),
        ("a campaign ad", AD, None),
        ("a campaign mailer", AD, None),
        ("a mailer", AD, None),
        ("a campaign commercial", AD, None),
        ("a TV commercial", AD, None),
        ("an ad on Facebook", AD, "Facebook"),
        ("a web ad", AD, None),
        ("a campaign flyer", AD, None),
        ("a billboard", AD, None),
        ("a robocall", AD, None),
        ("an interview on CNN", INTERVIEW, "CNN"),
        ("an interview with Fox News", INTERVIEW, "Fox News"),
        ("a TV interview", INTERVIEW, None),
        ("a radio interview", INTERVIEW, None),
        ("an interview on MSNBC's Morning Joe", INTERVIEW, "MSNBC"),
        ("comments on CNN's State of the Union", INTERVIEW, "CNN"),
        ("an appearance on Meet the Press", INTERVIEW, "Meet the Press"),
        ("remarks on Fox News Sunday", INTERVIEW, "Fox News"),
        ("a podcast", INTERVIEW, None),
        ("an editorial board meeting", INTERVIEW, None),
        ("a speech", PUBLIC, None),
        ("a floor speech", PUBLIC, None),
        ("a speech on the Senate floor", PUBLIC, None),
        ("the State of the Union address", PUBLIC, None),
        ("a debate", PUBLIC, None),
        ("a Republican presidential debate", PUBLIC, None),
        ("a town hall meeting", PUBLIC, None),
        ("a campaign rally", PUBLIC, None),
        ("remarks to reporters", PUBLIC, None),
        ("a campaign event", PUBLIC, None),
        ("a speech at a rally", PUBLIC, None),
        ("a committee hearing", PUBLIC, None),
        ("a news conference", PRESS_CONFERENCE, None),
        ("a press conference", PRESS_CONFERENCE, None),
        ("a White House briefing", PRESS_CONFERENCE, None),
        ("a conference call with reporters", PRESS_CONFERENCE, None),
        ("a statement", DOCUMENT, None),
        ("a written statement", DOCUMENT, None),
        ("a statement to PolitiFact", TO_US, "PolitiFact"),
        ("comments to the Associated Press", TO_US, "Associated Press"),
        ("an article", DOCUMENT, None),
        ("a column", DOCUMENT, None),
        ("a campaign video", AD, None),
    ],
)
def test_a_venue_text_is_classified_with_its_outlet(text, venue, outlet):
    assert classify_venue(text) == (venue, outlet)


@pytest.mark.parametrize(
    ("text", "venue", "outlet"),
    [
        # Programmes named in quotes, as fact-checkers' "context" columns write them.
        ("comments on 'Meet the Press'", INTERVIEW, "Meet the Press"),
        ("a discussion on CNN's 'State of the Union'", INTERVIEW, "CNN"),
        ("on 'The Daily Show'", INTERVIEW, "Daily Show"),
        ('an interview on "Fox News Sunday"', INTERVIEW, "Fox News"),
        ("a TV appearance", INTERVIEW, None),
        ("a talk show", INTERVIEW, None),
        ("a TV show", INTERVIEW, None),
        # What circulates, alone or with its article.
        ("a video", SOCIAL, None),
        ("a photo", SOCIAL, None),
        ("an image", SOCIAL, None),
        ("a graphic", SOCIAL, None),
        ("a chart", SOCIAL, None),
        ("a post", SOCIAL, None),
        ("a text message", SOCIAL, None),
        ("in a video posted on Telegram", SOCIAL, "Telegram"),
        # Papers and events.
        ("a questionnaire", DOCUMENT, None),
        ("an opinion piece", DOCUMENT, None),
        ("a fundraising appeal", DOCUMENT, None),
        ("a press call", PRESS_CONFERENCE, None),
        ("a campaign stop", PUBLIC, None),
        ("a presentation", PUBLIC, None),
        ("a webinar", PUBLIC, None),
        ("a eulogy", PUBLIC, None),
        ("a sermon", PUBLIC, None),
        # Campaign material.
        ("a poster", AD, None),
        ("a bumper sticker", AD, None),
        ("a T-shirt", AD, None),
        # What was said in public, passed on by an outlet, is no report of the outlet's.
        ("comments reported by the Guardian", PUBLIC, None),
        ("in remarks reported by Reuters", PUBLIC, None),
        ("a report by Reuters", Venue.RELAYED_REPORT, "Reuters"),
    ],
)
def test_more_venue_texts_of_fact_checkers_files_are_classified(text, venue, outlet):
    assert classify_venue(text) == (venue, outlet)
