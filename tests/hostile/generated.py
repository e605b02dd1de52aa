"""Inputs too large to commit, written at test (or benchmark) time: huge files and big questionnaires."""

from __future__ import annotations

from pathlib import Path

MB = 1_000_000


def questionnaire_text(questions: int, *, domains: int = 20, qid: str = "generated") -> str:
    """A valid questionnaire with `questions` scored questions spread over `domains` domains."""
    lines = [
        "format: 1",
        f"id: {qid}",
        'version: "1"',
        f"title: Generated questionnaire with {questions} questions",
        "default_scale: capacity",
        "scales:",
        "  capacity:",
        "    - {value: 0, label: Not in place}",
        "    - {value: 1, label: Planned}",
        "    - {value: 2, label: Partially in place}",
        "    - {value: 3, label: Fully in place}",
        "  yes-no:",
        '    - {value: 0, label: "No"}',
        '    - {value: 1, label: "Yes"}',
        "levels:",
        "  - {id: foundational, label: Foundational, min: 0}",
        "  - {id: developing, label: Developing, min: 40}",
        "  - {id: established, label: Established, min: 70, requires_critical: true}",
        "profile:",
        "  - id: has-schools",
        "    text: Are there schools in the jurisdiction?",
        "    choices: [yes, no, unsure]",
        "domains:",
    ]
    per_domain = -(-questions // domains)
    number = 0
    for d in range(domains):
        lines += [f"  - id: domain-{d}", f"    title: Domain {d}", f"    weight: {1 + d % 3}", "    questions:"]
        for _ in range(per_domain):
            if number == questions:
                break
            lines += [
                f"      - id: question-{number}",
                f"        text: Is requirement {number} of domain {d} in place and reviewed each year?",
                "        help: Count only what is written down and known to the people who use it.",
                f"        weight: {1 + number % 4}",
            ]
            if number % 7 == 0:
                lines.append("        critical: true")
            if number % 5 == 0:
                lines.append("        scale: yes-no")
            if number % 11 == 1:
                lines.append("        when: {has-schools: [yes, unsure]}")
            number += 1
    return "\n".join(lines) + "\n"


def answers_text(questionnaire: str, questions: int) -> str:
    """Answers to every question of questionnaire_text(questions), naming it by path."""
    lines = [
        f"questionnaire: {questionnaire}",
        "agency: Generated Police Department",
        "date: 2026-11-25",
        "answers:",
        "  has-schools: yes",
    ]
    for number in range(questions):
        lines.append(f"  question-{number}: {number % 2 if number % 5 == 0 else number % 4}")
    return "\n".join(lines) + "\n"


def huge_file(path: Path, size: int, kind: str) -> Path:
    """A file of about `size` bytes that looks like the start of a real file of its kind."""
    heads = {
        "questionnaire": 'format: 1\nid: huge\nversion: "1"\ntitle: Huge\nsummary: |\n',
        "answers": "questionnaire: huge\nagency: Huge\nanswers:\n",
        "result": '{"format": 1, "id": "huge", "agency": "',
    }
    bodies = {"questionnaire": "  " + "word " * 19 + "\n", "answers": "  q: 1\n", "result": "x" * 100}
    head, body = heads[kind].encode(), bodies[kind].encode()
    with path.open("wb") as handle:
        handle.write(head)
        handle.write(body * ((size - len(head)) // len(body) + 1))
    return path
