"""Yimatong generator: content model, validation and static site build."""
