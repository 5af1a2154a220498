"""Fixtures shared by service tests: the real SMTP server and HTTP gateway of delivery tests."""

from tests.services.notify_receivers import http_receiver, smtp_server

__all__ = ["http_receiver", "smtp_server"]
