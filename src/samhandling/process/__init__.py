"""Decision processes: definitions, the engine compiled once per definition, and cases."""
