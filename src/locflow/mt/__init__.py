"""Machine translation: providers, masking, plurals and the engine."""
