"""Pictures: one neutral diagram model, rendered as text formats and PNG/SVG."""
