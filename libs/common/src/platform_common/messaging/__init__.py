"""The platform's one messaging core: publisher, typed subscriber, outbox and its relay
(outbox_loops), the PostgreSQL wake-ups that cross processes, and the one backoff all their loops
share. Nothing is imported here: a process pays only for the modules it uses (the images API
writes outbox rows but never loads aiokafka)."""
