"""E-mail digests: `sitegen digest` mails the newest finished listing day (or week) to the owner's
recipients, once, from the same workflow that publishes the site.

- periods.py: what a digest covers and which are due (never twice, never a flood, never old days);
- content.py: the papers of a period, per section, with the feeds' readable text;
- message.py: the multipart e-mail, from templates/digest.txt and templates/digest.html;
- delivery.py: the two secrets from the environment, and SMTP;
- ledger.py: what was sent (data/digests/sent.json) and the last failure;
- run.py: the command, top to bottom.

The package itself imports nothing: the build reads `digest.ledger` for the status page, and
importing `run` here would load the renderer and the SMTP client into every build.
"""
