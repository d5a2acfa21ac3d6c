"""Automatic monitoring data (HJ 212-2017): frames and CSV exports in, one store behind them.

``protocol`` (frames and their CRC), ``sources`` (reading files), ``checks`` (what is accepted),
``store`` (the one module that knows the database), ``importer`` and ``command``
(``yimatong monitoring import``). See docs/monitoring.md.
"""
