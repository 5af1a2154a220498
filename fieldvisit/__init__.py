"""FieldVisit (外访助手): plan, check, protect and record home visits of collection teams."""

__version__ = "0.1.0"
