"""The improvement plan (spec 7): one tracked action per gap of an agency's latest complete result.

model.py owns the items, columns, statuses, flags and counts; forward.py creates the plan from a
result and moves it forward with each newer one; changelog.py the dated log of every change; edit.py
the one check of an edited value (shared by `plan set` and `plan import`); planfile.py where a plan
lives in the store and how it is read and written; csvio.py and xlsxio.py the two file formats;
importing.py the all-or-nothing import.
"""
