"""Who is who: the role checks every other app builds its permissions on."""


def is_programme_staff(user) -> bool:
    """Programme staff see every region. Coordinators also have `is_staff` (to use the admin),
    so "staff" in the sense of DESIGN.md is the superuser flag, not `is_staff`."""
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)
