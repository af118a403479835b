# syntax=docker/dockerfile:1
# One image for every Python container: web (gunicorn, the default CMD), worker, beat and the
# one-shot migrate service; docker-compose.yml only changes the command. See docs/deployment.md.

# ------------------------------------------------------------------------------
# Stage 1: resolve uv.lock into /app/.venv (runtime dependencies only)
# https://docs.astral.sh/uv/guides/integration/docker/
# ------------------------------------------------------------------------------
FROM python:3.12-slim AS build

COPY --from=ghcr.io/astral-sh/uv:0.13 /uv /uvx /bin/

# Bytecode is compiled once here, not by every container start; copy (not hard-link) out of the
# cache mount; use the image's Python 3.12, never download one.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=python3.12 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /app

# Only the lock and the manifest are needed, so this layer survives every source change.
# The project itself is not a package (tool.uv.package = false): nothing else to install.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    uv sync --frozen --no-dev --no-install-project

# ------------------------------------------------------------------------------
# Stage 2: the runtime image (no uv, no build cache)
# ------------------------------------------------------------------------------
FROM python:3.12-slim AS runtime

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH="/app/.venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=config.settings.production

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /home/app --create-home \
       --shell /usr/sbin/nologin app

WORKDIR /app

COPY --from=build /app/.venv /app/.venv
# The code stays owned by root: the app user can read it, not change it.
COPY . .

# Static files are collected (hashed and compressed by whitenoise's manifest storage) at build
# time, with production settings so the manifest matches what runs. The secret is a throwaway:
# collectstatic touches neither the database nor the broker. Translations (.mo) are committed.
# MEDIA_ROOT (/app/media) is the only folder the app writes to; a new named volume mounted
# there copies this owner.
RUN DJANGO_SECRET_KEY=collectstatic-build-only-not-a-secret \
    MFA_ENCRYPTION_KEYS=Y29sbGVjdHN0YXRpYy1idWlsZC1vbmx5LW5vdC1rZXk= \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown app:app /app/media

USER app

EXPOSE 8000

# Host 127.0.0.1 must be in DJANGO_ALLOWED_HOSTS; /healthz is exempt from the SSL redirect.
# Any non-2xx answer (503 when the database or Redis is down) raises, so the check fails.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=5)"]

# sh -c for the ${WEB_CONCURRENCY:-3} default; exec so gunicorn is PID 1 and gets SIGTERM.
CMD ["sh", "-c", "exec gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --access-logfile -"]
