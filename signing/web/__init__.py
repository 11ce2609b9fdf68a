"""The pages: one blueprint per feature, registered by ``signing.create_app``."""
