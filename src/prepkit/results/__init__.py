"""Saved results: the model (`model`), older formats brought forward (`migrate`), the one gate every
result passes before it is trusted (`gate`), the private store of result files (`store`), and its
index of result headers, which lets commands choose results without reading them (`index`)."""
