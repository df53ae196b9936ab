"""Post submission, fan-out and management (the heart of the product)."""
