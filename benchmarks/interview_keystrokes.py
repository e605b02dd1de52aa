"""Take a whole active-assailant assessment in tmux as a person would, and count every key pressed.

    python benchmarks/interview_keystrokes.py [COLUMNS ROWS]      (default 100 40; also try 60 24)

Needs tmux and prepkit installed in .venv. The store and the report go to a fresh temporary folder.
The run: agency name and respondent typed, the profile (sheriff, 100-499 officers, schools, campus,
venues), then one key and Enter per question, with one help, one skip, one N/A with a reason, one
note with evidence, one undo, a search and a jump, the outline, opening an item from the review and
going through the critical gaps; then Enter saves. Prints the keystroke count (Enter included).
"""

from __future__ import annotations

import collections
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SESSION = "prepkit-keys"
PROMPTS = ("Answer", "Your choice", "Go to", "Why does", "Note", "Evidence", "Agency name", "Respondent")


class Driver:
    def __init__(self) -> None:
        self.keys = 0
        self.log: list[str] = []

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", SESSION], capture_output=True, text=True).stdout

    def last_line(self) -> str:
        lines = [line for line in self.screen().rstrip("\n").split("\n") if line.strip()]
        return lines[-1] if lines else ""

    def section(self) -> str:
        """The section of the question on screen, from its header rule ('── Profile 3/9 ──')."""
        headers = re.findall(r"─+ (.+?) \d+/\d+ ─+", self.screen())
        return headers[-1] if headers else ""

    def wait(self, timeout: float = 30) -> str:
        end = time.time() + timeout
        while time.time() < end:
            line = self.last_line()
            if line.startswith(PROMPTS) and line.rstrip().endswith(":"):  # a prompt with nothing typed yet
                return line
            time.sleep(0.15)
        return ""

    def send(self, text: str, what: str) -> str:
        self.keys += len(text) + 1  # the text and Enter
        self.log.append(what)
        subprocess.run(["tmux", "send-keys", "-t", SESSION, "-l", text], check=True)
        subprocess.run(["tmux", "send-keys", "-t", SESSION, "Enter"], check=True)
        time.sleep(0.25)
        return self.wait()


def main() -> None:
    columns, rows = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) == 3 else (100, 40)
    work = Path(tempfile.mkdtemp(prefix="prepkit-keys-"))
    command = f"cd {work} && PREPKIT_STORE={work}/store {REPO}/.venv/bin/prepkit assess active-assailant; sleep 600"
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    subprocess.run(["tmux", "new", "-d", "-s", SESSION, "-x", str(columns), "-y", str(rows), command], check=True)
    d = Driver()
    d.wait()
    d.send("Riverbend County Sheriff's Office", "agency")
    d.send("Lt. Dana Morales", "respondent")
    while d.section() == "Profile":
        tail = "\n".join(d.screen().rstrip("\n").split("\n")[-14:])  # the question on screen
        key = "2" if "What kind of agency" in tail else "3" if "How many sworn" in tail else "1"
        d.send(key, "profile")
    events = {5: "help", 12: "skip", 21: "na", 33: "note", 47: "undo", 64: "search", 80: "outline"}
    cycle = ["2", "3", "1", "2", "3", "2", "0", "3"]
    n = 0
    while d.last_line().startswith("Answer"):
        n += 1
        yes_no = "Yes/No question" in "\n".join(d.screen().rstrip("\n").split("\n")[-14:])
        key = "1" if yes_no else cycle[n % len(cycle)]
        what = events.get(n)
        if what == "help":
            d.send("?", "help")
        elif what == "skip":
            d.send("/s", "skip")
            continue
        elif what == "na":
            if d.send("/n", "N/A").startswith("Why"):
                d.send("Handled by the state police", "N/A reason")
            else:
                d.send("/u", "don't know")
            continue
        elif what == "note":
            d.send("/c", "note")
            d.send("Draft in review with county counsel", "note text")
            d.send("binder, shift office", "evidence")
        elif what == "undo":
            d.send(key, "answer")
            d.send("/z", "undo")
            d.send("3", "answer")
            continue
        elif what == "search":
            d.send("/g tourniquet", "search")
            d.send("/g 9.1", "jump")
            d.send("3", "answer")
            continue
        elif what == "outline":
            d.send("/o", "outline")
            d.send("", "back from the outline")
        d.send(key, "answer")
    d.send("9.2", "open an item from the review")
    d.send("3", "answer")
    d.send("c", "go through the critical gaps")
    d.send("3", "answer")
    while not d.last_line().startswith("Your choice"):
        d.send("", "keep")
    d.send("", "save")
    for _ in range(120):
        if "Report:" in d.screen():
            break
        time.sleep(1)
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    saved = list((work / "store" / "results").glob("*.json"))
    print(f"{columns}x{rows}: {d.keys} keystrokes; saved {saved[0].name if saved else 'nothing'}")
    for what, count in collections.Counter(d.log).most_common():
        print(f"  {count:>4}  {what}")


if __name__ == "__main__":
    main()
