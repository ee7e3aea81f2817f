"""ctlsupport: a terminal client for a cloud provider's Zendesk-based support desk."""

__version__ = "0.1.0"
