"""Unit shares stage: women's share and segregation class of every occupation or field."""
