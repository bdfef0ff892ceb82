"""compliance: check anti-trafficking legislation against international victim-protection standards."""

__version__ = "0.2.0"
