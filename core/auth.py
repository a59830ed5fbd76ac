"""Authentication facts that several apps ask about and that need none of our models."""


def is_verified(user) -> bool:
    """Whether this session has passed the second factor (django-otp's OTPMiddleware adds
    ``is_verified``; a user object fresh from ``login()`` has not)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())
