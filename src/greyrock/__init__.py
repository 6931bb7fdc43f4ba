"""greyrock: a private, local-first toolkit for people leaving an abusive partner."""

__version__ = "0.1.0"
__all__ = ["__version__"]
