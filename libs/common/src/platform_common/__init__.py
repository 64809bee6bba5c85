"""What the platform's services genuinely share: contracts and cross-cutting helpers.

Nothing here belongs to one service: settings base, event envelope and schemas, the transform
spec, token verification, logging with request ids, the error shape, health/metrics, S3 and the
transactional outbox.
"""
