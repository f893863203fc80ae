"""The governance structure: model, graph, loading, validation, path queries and sections."""
