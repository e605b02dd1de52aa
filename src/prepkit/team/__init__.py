"""Many respondents and many agencies: several answers merged into one team result (`merge`), and
results of many agencies rolled up for a region or a state board (`rollup`, `summary`)."""
