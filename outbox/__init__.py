"""The site's outbox: every email is stored with the change that causes it and sent
right after that change is saved; whatever cannot be sent yet is sent again later.

Queue emails with ``outbox.sending.queue``; cron runs ``manage.py send_queued_email``.
"""
