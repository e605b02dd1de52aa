"""An agency's results over time: every result of an agency scored in order, `latest` and `previous`
(`timeline`), and two results compared question by question (`compare`)."""
