"""Text formats: YAML read with locations, name normalisation, marked maps and dates. Knows no domain."""
