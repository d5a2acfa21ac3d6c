"""Printable signboards: the gate sign of each unit and a prompt or warning sign per outlet.

One layout model (layout.py, built by signboards.py) is drawn twice: SVG (svg.py) and the
PDF print master (pdf.py). See docs/signs.md.
"""

from generator.signs.command import signs_command, write_signs
from generator.signs.signboards import SignOptions, gate_sign, outlet_sign, unit_signs

__all__ = ["SignOptions", "gate_sign", "outlet_sign", "signs_command", "unit_signs", "write_signs"]
