"""Campus safety (校园安全): inspection rounds, buildings and school buses, hazards
and their rectification."""
