"""Email adapters: SMTP (aiosmtplib), an outbox directory of `.eml` files, memory; Jinja2 templates."""
