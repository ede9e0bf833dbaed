"""Gettext catalogues (en, nb). A package only so that an install ships the `.po` files."""
