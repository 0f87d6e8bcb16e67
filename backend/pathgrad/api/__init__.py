"""The HTTP layer: it only translates between requests and :mod:`pathgrad.service`."""
