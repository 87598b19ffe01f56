"""Publishing: the built site onto its own branch with git, and the keepalive commit."""
