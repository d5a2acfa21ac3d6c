"""Text as people typed it, without the invisible characters that break storage or display.

A NUL makes PostgreSQL refuse the whole row (the citizen's report would be lost with a 500),
a lone surrogate cannot be encoded at all, and other C0/C1 controls are invisible on every
page. They are dropped from every form field and Open311 parameter; tabs and line ends stay.
"""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm

#: C0 controls but tab, line feed and carriage return; DEL and C1; UTF-16 surrogates.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def without_controls(value: Any) -> Any:
    """``value`` with control characters and surrogates removed, if it is text."""
    return _INVISIBLE.sub("", value) if isinstance(value, str) else value


class CleanForm(FlaskForm):
    """A form whose every field drops control characters before validation."""

    class Meta:
        """Adds the filter to each field as it is bound."""

        def bind_field(self, form: Any, unbound_field: Any, options: dict) -> Any:
            """Bind with :func:`without_controls` first among the field's filters."""
            filters = (without_controls, *unbound_field.kwargs.get("filters", ()))
            return unbound_field.bind(form=form, filters=filters, **options)
