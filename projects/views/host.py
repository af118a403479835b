"""The host's pages: dashboard, project forms, preview, submission and versions."""
