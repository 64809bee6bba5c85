"""The Faust worker: app, topics, agents, runtime services and the web endpoints."""
