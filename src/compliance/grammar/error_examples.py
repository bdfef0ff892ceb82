"""Labelled malformed norms, used to turn a parser error into a message an analyst understands.

Each key is the message; each value lists norms that fail at the point that message describes.
Keep these next to ``norm.lark``: when the grammar changes, run the tests, which check that every
example still fails with its own label.
"""

ERROR_EXAMPLES: dict[str, list[str]] = {
    "expected a modality (SHALL, SHALL NOT, MAY, NEED NOT, SHALL CONSIDER, SHALL ENDEAVOUR TO, "
    "SHOULD) after the actor; keywords are written in capitals": [
        "court shall convict victim",
        "court convict victim",
        "state provide assistance TO victim",
    ],
    "expected an action term after the modality": [
        "court SHALL",
        "court SHALL TO victim",
        "court SHALL NOT IF compelled",
    ],
    "expected a condition after IF, WHEN, WHERE, UNLESS, EXCEPT, UNTIL or DURING": [
        "court SHALL NOT convict victim IF",
        "court SHALL NOT convict victim EXCEPT",
        "court SHALL NOT convict victim IF AND compelled",
        "court SHALL NOT convict victim UNLESS",
    ],
    "expected a condition after AND, OR or NOT": [
        "court SHALL NOT convict victim IF compelled AND",
        "court SHALL NOT convict victim IF compelled OR",
        "court SHALL NOT convict victim IF NOT",
        "court SHALL NOT convict victim IF compelled AND OR direct_consequence",
    ],
    "unclosed parenthesis: a '(' has no matching ')'": [
        "court SHALL NOT convict victim IF (compelled AND direct_consequence",
        "court SHALL NOT convict victim IF (compelled",
    ],
    "unexpected ')': it closes no '('": [
        "court SHALL NOT convict victim IF compelled)",
        "court SHALL NOT convict victim IF compelled AND direct_consequence)",
    ],
    "unclosed bracket: a '[' has no matching ']'": [
        "court SHALL NOT convict victim[adult",
        "state SHALL provide assistance[accommodation, medical TO victim",
    ],
    "expected a number and a unit, e.g. 'FOR AT LEAST 30 days'": [
        "state SHALL grant recovery_period TO victim FOR",
        "state SHALL grant recovery_period TO victim FOR AT LEAST",
        "state SHALL grant recovery_period TO victim FOR 30",
        "state SHALL grant recovery_period TO victim FOR days",
    ],
    "terms are written in lower case with underscores (e.g. presumed_victim); "
    "keywords in capitals": [
        "court SHALL NOT convict Victim",
        "Court SHALL NOT convict victim",
    ],
    "a hedge (TO THE EXTENT PRACTICABLE, IN APPROPRIATE CASES, AS FAR AS POSSIBLE) must come "
    "before any IF, UNLESS or EXCEPT clause": [
        "state SHALL provide assistance TO victim IF necessary TO THE EXTENT PRACTICABLE",
        "state SHALL provide assistance TO victim IF necessary IN APPROPRIATE CASES",
    ],
    "expected the end of the norm, a target (TO, OF, FROM, FOR) or a clause (IF, UNLESS, EXCEPT)": [
        "court SHALL NOT convict victim SHALL",
        "court SHALL NOT convict victim IF compelled compelled",
    ],
}
