# Kudos container image.
#
#   docker build -t kudos .
#   docker run -p 3000:3000 -v kudos-data:/data --env-file .env kudos
#
# Without DATABASE_URL the app keeps an embedded database under /data (mount a volume there to keep it);
# with DATABASE_URL it uses that Postgres and /data stays empty. On start the app applies pending
# migrations and installs the ledger's SQL functions, then serves Slack (POST /slack/events), Teams (POST /api/messages), /healthz and /readyz.

# Node 24 LTS, supported until 2028-04-30 (Node 20 reached end of life on 2026-04-30; kysely wants Node 22 or
# newer). CI also runs the end-to-end /thanks tests on this major.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: compile TypeScript, then keep only production dependencies ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# `npm ci`: exactly the lockfile's versions, or fail. The lockfile records every platform's optional
# binaries, so `npm ci --ignore-scripts` succeeds on it (checked 2026-12-07; check again after changing
# dependencies). No dependency needs its install scripts.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

COPY . .
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime: compiled app and production dependencies only ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data
WORKDIR /app

# Application files stay owned by root (read-only to the app); only the data directory is writable.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The ledger's SQL functions, installed at start from their .sql files (tsc does not copy them into dist/;
# the compiled app reads them from the source tree's place, src/db/ledger).
COPY --from=build /app/src/db/ledger/*.sql ./src/db/ledger/
COPY --from=build /app/manifests ./manifests

RUN mkdir -p /data && chown node:node /data
# `kudos` on PATH for the operator commands: docker run … kudos kudos migrate (kudos --help lists them).
RUN ln -s /app/dist/src/cli.js /usr/local/bin/kudos && chmod 755 /app/dist/src/cli.js
VOLUME ["/data"]

USER node
EXPOSE 3000

# Slim images have no curl: ask node itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"

# `kudos serve`: the compiled app migrates, then serves (what `npm start` does, without rebuilding).
CMD ["node", "dist/src/cli.js", "serve"]
