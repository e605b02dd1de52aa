"""Taking an assessment: the interview state machine (`interview`), saving after every answer and
finding unfinished assessments again (`autosave`), and reruns from an earlier result (`rerun`)."""
