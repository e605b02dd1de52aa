"""Content: what a questionnaire pack says, read safely and checked.

YAML in (`yamlio`), pydantic models (`models`), error positions (`validation`), the cross-reference
rules and warnings of spec 1.1 to 1.3 (`rules`), skip logic (`applicability`), finding and loading
questionnaires and resource libraries (`questionnaire`, `library`), answers files (`answers`),
opening whatever a user names for `validate` and `score` (`sources`), the JSON Schemas generated from
the models (`schemas`) and the bundled example answers files (`examples`).
"""
