"""Yimatong feedback service: reports, officers, enterprises, search."""
