# Production image of WIR-Portal: one image for web (gunicorn) and worker (celery).
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=wir_portal.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 \
      fonts-dejavu-core fonts-noto-core fonts-noto-color-emoji shared-mime-info gettext curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 1000 wir
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY --chown=wir:wir . .
COPY --from=assets --chown=wir:wir /app/node_modules ./node_modules
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost WIR_SITE_URL=http://localhost \
    python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore=node_modules \
    && mkdir -p /data/media && chown wir:wir /data/media
USER wir
EXPOSE 8000
CMD ["gunicorn", "wir_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
