"""Form fields shared by every app."""

from django import forms

# The range of a 64-bit primary key: anything outside is not an id of ours.
_MAX_ID = 2**63 - 1


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows that refuses values which cannot be ids before any query
    (SQLite raises OverflowError for integers beyond 64 bits in an `__in` lookup)."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not (text.isascii() and text.isdigit()) or int(text) > _MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
