"""Every failure becomes an `ApiError` here, and every `ApiError` one JSON response:
{code, message, transaction_id?} (validation errors also list `errors` by field)."""
from .api_error import ApiError, Disposition, ErrorBody, FieldError
from .mapping import to_api_error

__all__ = ["ApiError", "Disposition", "ErrorBody", "FieldError", "to_api_error"]
