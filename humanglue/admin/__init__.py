"""The project's admin site (``site``) and the base classes every app's admin uses (``base``).

Django's admin autodiscovery imports this package as the ``humanglue`` app's admin module: it must stay
free of registrations and of imports that need the app registry.
"""
