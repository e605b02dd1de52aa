"""Saved results: the model (`model`), older formats brought forward (`migrate`), the one gate every
result passes before it is trusted (`gate`), and the private store of result files (`store`)."""
