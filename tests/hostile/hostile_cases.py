"""What prepkit must answer to each file in cases/: exit code, where the first message points, what it says.

Each file is run as `prepkit validate FILE` from inside cases/ (so messages name it as given). A rejected
file (exit 1) must print exactly `lines` lines on stderr, the first `FILE:LINE:COLUMN: ...MESSAGE...`.
An accepted file (exit 0) is one a careless author could write on purpose: HTML, script, URLs or
right-to-left marks in text are just text, and must come out as text in the report.

`names` is the file the first message names when it is not the case file itself (an answers file whose
questionnaire is broken); such cases run on their own. `by_questionnaire` marks answers files whose fault
is the questionnaire they name, which `assess QUESTIONNAIRE --answers FILE` overrides.
"""

from __future__ import annotations

from dataclasses import dataclass

ETC_PASSWD = "../" * 20 + "etc/passwd"
ETC_PASSWD_RESOLVED = "../" * 20 + "etc/passwd"  # as the answers file names it, relative to its folder
NOT_YAML = "a questionnaire is a .yaml or .yml file, not"
SECRET = "SECRET"  # in q-shadow-like.yaml: must never reach a message


@dataclass(frozen=True)
class Case:
    file: str
    exit: int
    line: int = 0
    column: int = 0
    message: str = ""
    lines: int = 1
    names: str | None = None
    by_questionnaire: bool = False
    score_exit: int | None = None  # when `prepkit score` rightly differs from `validate`

    @property
    def kind(self) -> str:
        prefix = self.file.split("-", 1)[0]
        return {"q": "questionnaire", "r": "library", "a": "answers", "res": "result"}[prefix]

    @property
    def named(self) -> str:
        return self.names or self.file


CTRL = "is not allowed in text (only tab and line breaks are)"
NOT_TEXT = "expected text (put quotes around it if it looks like a number or a date)"

CASES: list[Case] = [
    # --- questionnaires: not YAML, or not a mapping
    Case("q-bad-indentation.yaml", 1, 5, 6, "invalid YAML: mapping values are not allowed in this context"),
    Case("q-truncated.yaml", 1, 12, 1, "invalid YAML: did not find expected ',' or '}'"),
    Case("q-unclosed-flow.yaml", 1, 4, 8, "invalid YAML: did not find expected ',' or ']'"),
    Case("q-tab-indent.yaml", 1, 14, 1, "invalid YAML: found a tab character that violates indentation"),
    Case("q-two-documents.yaml", 1, 18, 1, "invalid YAML: but found another document"),
    Case("q-empty.yaml", 1, 1, 1, "the file is empty"),
    Case("q-comments-only.yaml", 1, 1, 1, "the file is empty"),
    Case("q-scalar-top.yaml", 1, 1, 1, "expected a mapping of keys, got text"),
    Case("q-list-top.yaml", 1, 1, 1, "expected a mapping of keys, got a list"),
    Case("q-utf16.yaml", 1, 1, 1, "not UTF-8 text (byte 0xff); save the file as UTF-8"),
    Case("q-latin1.yaml", 1, 4, 16, "not UTF-8 text (byte 0xe9); save the file as UTF-8"),
    Case("q-utf8-bom-ok.yaml", 0),
    Case("q-crlf-ok.yaml", 0),
    # --- size, nesting and aliases
    Case("q-alias-bomb.yaml", 1, 1, 1, "more than 250,000 values once aliases are expanded"),
    Case("q-alias-recursive.yaml", 1, 2, 5, "nesting deeper than 40 levels is not allowed"),
    Case("q-deep-flow.yaml", 1, 3, 50, "nesting deeper than 40 levels is not allowed"),
    Case("q-deep-mapping.yaml", 1, 43, 83, "nesting deeper than 40 levels is not allowed"),
    Case("q-deeper-than-parser.yaml", 1, 3, 1009, "invalid YAML: exceeded maximum nesting depth"),
    # --- tags that would build objects, and YAML features prepkit refuses
    Case("q-python-object.yaml", 1, 2, 5, "the tag tag:yaml.org,2002:python/object/apply:os.system is not allowed"),
    Case("q-python-name.yaml", 1, 4, 8, "the tag tag:yaml.org,2002:python/name:os.system is not allowed"),
    Case("q-custom-tag.yaml", 1, 4, 8, "the tag !include is not allowed"),
    Case("q-binary-tag.yaml", 1, 4, 8, "the tag tag:yaml.org,2002:binary is not allowed"),
    Case("q-merge-key.yaml", 1, 8, 8, "keys must be plain text (merge keys '<<' are not supported)"),
    Case("q-complex-key.yaml", 1, 5, 3, "keys must be plain text"),
    Case("q-duplicate-key.yaml", 1, 5, 1, "duplicate key 'title'"),
    # numbers YAML 1.1 and 1.2 read differently, and full-width digits: refused with a hint
    Case("q-yaml11-numbers.yaml", 1, 3, 10, "'070' is a number with a leading zero", lines=3),
    Case("q-shadow-like.yaml", 1, 1, 1, "not a prepkit file (none of its keys is one prepkit uses)"),
    # --- wrong types and values
    Case("q-wrong-types.yaml", 1, 1, 9, "format: '1' is not allowed here; expected 1", lines=8),
    Case("q-format-2.yaml", 1, 1, 9, "format: 2 is not allowed here; expected 1"),
    Case("q-bad-slug.yaml", 1, 2, 5, "id: 'Hostile Questionnaire' is not a valid id"),
    Case("q-date-as-id.yaml", 1, 2, 5, f"id: {NOT_TEXT}, got datetime.date(2026, 1, 1)"),
    Case("q-unknown-key.yaml", 1, 5, 1, "unknown key 'wieght'; allowed: format, id, version"),
    Case("q-duplicate-question-ids.yaml", 1, 18, 13, "duplicate question id 'planning-policy'"),
    Case("q-duplicate-domain-ids.yaml", 1, 18, 9, "duplicate domain id 'planning'"),
    Case("q-when-cycle.yaml", 1, 18, 16, "'planning-review' comes after 'planning-policy'; a condition may only"),
    Case("q-when-self.yaml", 1, 18, 16, "'planning-policy' cannot depend on itself"),
    Case("q-when-unknown-question.yaml", 1, 20, 16, "unknown question 'planing-policy' (did you mean"),
    Case("q-when-value-outside-scale.yaml", 1, 20, 34, "'2' is not an answer of 'planning-policy'", lines=2),
    Case("q-unknown-scale.yaml", 1, 20, 16, "unknown scale 'yes-no'; scales: capacity"),
    Case("q-unknown-default-scale.yaml", 1, 5, 16, "unknown scale 'capasity' (did you mean 'capacity'?)"),
    Case("q-nan-weight.yaml", 1, 15, 13, "weight: nan: must be a finite number"),
    Case("q-inf-weight.yaml", 1, 18, 17, "weight: inf: must be a finite number"),
    Case("q-overflow-weight.yaml", 1, 18, 17, "weight: inf: must be a finite number"),
    Case("q-huge-int-weight.yaml", 1, 18, 17, "the number 9999999999999999999999999999999999999999... is too large"),
    Case("q-negative-weight.yaml", 1, 18, 17, "weight: -2 is out of range: must be greater than 0"),
    Case("q-zero-weight.yaml", 1, 15, 13, "weight: 0 is out of range: must be greater than 0"),
    Case("q-nan-scale-value.yaml", 1, 8, 15, "value: nan: must be a finite number"),
    Case("q-reserved-label.yaml", 1, 8, 25, "'N/A' is reserved for answers"),
    Case("q-duplicate-scale-option.yaml", 1, 8, 15, "value 0 appears twice in scale 'capacity'", lines=2),
    Case("q-one-option-scale.yaml", 1, 7, 5, "scale 'capacity' needs at least two options"),
    Case("q-levels-out-of-range.yaml", 1, 11, 34, "min: 170 is out of range: must be at most 100"),
    Case("q-unknown-resource.yaml", 1, 18, 21, "unknown resource 'no-such-guide'"),
    # --- text that could rewrite the terminal is refused; HTML, URLs and bidi marks are only text
    Case("q-ansi-escape-title.yaml", 1, 4, 8, f"control character U+001B {CTRL}"),
    Case("q-carriage-return-text.yaml", 1, 17, 15, f"control character U+000D {CTRL}"),
    Case("q-c1-control.yaml", 1, 4, 8, f"control character U+009B {CTRL}"),
    Case("q-escaped-nul.yaml", 1, 18, 10, f"control character U+0000 {CTRL}"),
    Case("q-html-and-urls-ok.yaml", 0),
    # --- resource libraries
    Case("r-duplicate-ids.yaml", 1, 6, 9, "duplicate resource id 'guide'"),
    Case("r-file-url.yaml", 1, 5, 10, "url: 'file:///etc/passwd' is not a web address"),
    Case("r-javascript-url.yaml", 1, 5, 10, "url: 'javascript:alert(1)' is not a web address"),
    Case("r-wrong-types.yaml", 1, 5, 11, "year: expected a number, got 'twenty twenty'", lines=2),
    Case("r-resources-mapping.yaml", 1, 3, 3, "resources: expected a list, got a mapping"),
    Case("r-truncated.yaml", 1, 5, 10, "url: 'https:/' is not a web address"),
    Case("r-osc8-hyperlink.yaml", 1, 5, 14, f"control character U+001B {CTRL}"),
    Case("r-html-text-ok.yaml", 0),
    # --- answers files (against tests/fixtures/pack/mini.yaml)
    Case("a-value-outside-scale.yaml", 1, 6, 20, "7 is not on the scale of 'planning-policy'; allowed: 0 (Not"),
    Case("a-nan-value.yaml", 1, 6, 20, "nan is not on the scale of 'planning-policy'"),
    Case("a-inf-value.yaml", 1, 6, 20, "-inf is not on the scale of 'planning-policy'"),
    Case("a-na-not-allowed.yaml", 1, 6, 20, "'planning-policy' cannot be answered N/A"),
    Case("a-unknown-question.yaml", 1, 6, 3, "unknown question 'planing-policy' (did you mean 'planning-policy'?)"),
    Case("a-duplicate-answer.yaml", 1, 7, 3, "duplicate key 'planning-policy'"),
    Case("a-when-does-not-hold.yaml", 1, 6, 3, "'schools-maps' does not apply here"),
    Case("a-profile-choice-unknown.yaml", 1, 5, 16, "'maybe' is not a choice of 'has-schools'; allowed: yes, no"),
    Case("a-detail-extra-key.yaml", 1, 6, 31, "unknown key 'exec'; allowed: value, note, evidence"),
    Case("a-impossible-date.yaml", 1, 3, 7, "invalid value '2026-02-30': day is out of range for month"),
    Case("a-empty-agency.yaml", 1, 2, 9, "agency: must not be empty"),
    Case("a-answers-list.yaml", 1, 3, 10, "answers: expected a mapping of keys to values, got a list"),
    Case("a-escape-in-value.yaml", 1, 6, 20, f"control character U+001B {CTRL}"),
    Case("a-control-in-note.yaml", 1, 6, 37, f"control character U+0007 {CTRL}"),
    # a questionnaire is named by a .yaml/.yml file only, and a file that is not ours is never quoted
    Case("a-questionnaire-dev-zero.yaml", 1, 1, 16, f"{NOT_YAML} /dev/zero", by_questionnaire=True),
    Case("a-questionnaire-etc-passwd.yaml", 1, 1, 16, f"{NOT_YAML} {ETC_PASSWD_RESOLVED}", by_questionnaire=True),
    Case(
        "a-questionnaire-shadow-like.yaml",
        1,
        1,
        1,
        "not a prepkit file (none of its keys is one prepkit uses); its content is not shown",
        names="q-shadow-like.yaml",
        by_questionnaire=True,
    ),
    Case(
        "a-questionnaire-unknown-id.yaml",
        1,
        1,
        16,
        "unknown questionnaire 'no-such-questionnaire'",
        by_questionnaire=True,
    ),
    Case(
        "a-questionnaire-broken.yaml",
        1,
        12,
        1,
        "invalid YAML: did not find expected ',' or '}'",
        names="q-truncated.yaml",
        by_questionnaire=True,
    ),
    Case("a-questionnaire-self.yaml", 1, 1, 16, "names this answers file itself", by_questionnaire=True),
    Case("a-html-note-ok.yaml", 0),
    # --- result files (made by make_result_cases.py)
    Case("res-truncated.json", 1, 135, 1, "not a valid result file (JSON): Expecting property name"),
    Case("res-empty.json", 1, 1, 1, "not a valid result file (JSON): Expecting value"),
    Case("res-yaml-not-json.json", 1, 1, 1, "not a valid result file (JSON): Expecting value"),
    Case("res-array.json", 1, 1, 1, "not a prepkit result: expected a JSON object with a 'format' key"),
    Case("res-deep-nesting.json", 1, 1, 1, "not a valid result file: nesting too deep"),
    Case("res-format-99.json", 1, 1, 1, "result format 99"),
    Case("res-wrong-types.json", 1, 4, 12, "status: 'done' is not allowed here", lines=3),
    Case("res-extra-key.json", 1, 264, 2, "unknown key 'admin'; allowed: format, id, status"),
    Case("res-id-traversal.json", 1, 3, 8, "id: '../../../etc/cron.d/evil' is not a valid id"),
    Case("res-control-in-agency.json", 1, 5, 12, f"control character U+001B {CTRL}"),
    Case("res-nan-answer.json", 1, 25, 13, "nan is not allowed; numbers must be finite"),
    Case("res-infinite-number.json", 1, 25, 13, "inf is not allowed; numbers must be finite"),
    Case("res-huge-int.json", 1, 25, 13, "not a valid result file: a number has too many digits"),
    Case("res-unknown-answer-kind.json", 1, 24, 12, "kind: 'exec' is not allowed here"),
    Case("res-answer-off-scale.json", 1, 23, 22, "99 is not on the scale of 'planning-policy'"),
    Case("res-answer-unknown-question.json", 1, 51, 21, "unknown question 'ghost-question'"),
    Case("res-profile-answer-not-a-choice.json", 1, 16, 18, "'banana' is not a choice of 'has-schools'"),
    Case("res-snapshot-hash-mismatch.json", 1, 13, 11, "does not match the questionnaire snapshot in this file"),
    Case("res-snapshot-one-option-scale.json", 1, 88, 15, "scale 'yes-no' needs at least two options"),
    Case("res-snapshot-when-cycle.json", 1, 201, 9, "'schools-drills' comes after 'schools-maps'"),
    # validate looks for the snapshot beside the file; score in the user's store, which holds this one
    Case("res-snapshot-missing.json", 1, 1, 1, "its questionnaire snapshot sha256r-", score_exit=0),
    Case("res-na-not-allowed.json", 1, 23, 22, "na is not an answer 'planning-policy' takes"),
    Case("res-answer-does-not-apply.json", 1, 34, 3, "answers 'schools-maps', which does not apply", lines=2),
    Case("res-resource-link-planted.json", 1, 13, 11, "does not match the questionnaire snapshot in this file"),
    # saved before revision 2: the hash covers the questionnaire only; still read (migrated in memory)
    Case("res-legacy-hash-ok.json", 0),
    Case("res-valid-ok.json", 0),
    Case("res-html-text-ok.json", 0),
]

# Strings from the accepted files that must reach a report as text, never as markup.
HOSTILE_MARKUP = [
    "<script>alert('title')</script>",
    "<script>document.write('x')</script>",
    '<a href="file:///etc/shadow">',
    '<img src="http://evil.example/x.png">',
    "<link rel=attachment href=file:///etc/passwd>",
    "<iframe src=file:///etc/passwd></iframe>",
    "<style>body{display:none}</style>",
    "<script>alert('note')</script>",
    "<script>x()</script>",
]
