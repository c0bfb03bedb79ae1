# syntax=docker/dockerfile:1
# One image for every Helpline process: `serve` (web: chat, webhooks, console, API) and `worker`.
# Node 24 runs the TypeScript sources directly (type stripping), so there is no build output:
# the first stage installs production dependencies, the second copies them and the sources and
# runs as the unprivileged `node` user.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The lockfile is the truth; dev tools (tests, linters, the `node` package) stay out of the image.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HELPLINE_HOST=0.0.0.0 \
    HELPLINE_KB=/app/kb \
    HELPLINE_DATA=/data
WORKDIR /app
# Owned by root and read-only to the process: only /data is writable.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY adapters ./adapters
COPY prompts ./prompts
COPY kb ./kb
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Liveness only ("the process answers"); readiness (/readyz) is for load balancers and Kubernetes.
# A worker has no web port: compose and Kubernetes probe its HELPLINE_OPS_PORT instead.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.HELPLINE_OPS_PORT || process.env.PORT || 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/helpline.js"]
CMD ["serve"]
