# syntax=docker/dockerfile:1
# The engine's image: `loyalty worker` by default, `loyalty bridge` (or any other command) as the CMD.
# glibc base (Debian bookworm): Temporal's native Core bridge ships prebuilt for glibc, not musl/Alpine.
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: compile TypeScript and prebuild the workflow bundle (webpack) once, at image build time ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build-workflow-bundle.ts ./scripts/
COPY fixtures ./fixtures
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
RUN npm run build

# --- production dependencies only ---
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime: compiled JavaScript, no compiler, no dev tools, not root ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    LOYALTY_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    LOYALTY_RULES_FILE=/app/loyalty.config.yaml \
    LOYALTY_METRICS_ADDRESS=0.0.0.0:9464
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json loyalty.config.yaml ./
# The node image's unprivileged user (uid 1000); the application files stay owned by root and read-only to it.
# /var/lib/loyalty holds the OAuth token file: a fresh named volume mounted there takes this owner.
RUN mkdir -p /var/lib/loyalty && chown node:node /var/lib/loyalty && chmod 700 /var/lib/loyalty
USER node
EXPOSE 8080 8081 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/app/dist/src/observability/healthcheck.js"]
ENTRYPOINT ["node", "/app/dist/src/cli/main.js"]
CMD ["worker"]
