"""The token inspector: any pasted token or link, decoded without trusting it."""
