"""pathgrad: an automatic-differentiation engine built to be seen."""
