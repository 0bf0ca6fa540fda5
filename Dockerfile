# relink's container: the production start path that test/e2e/production-start.test.ts exercises, step
# for step. `docker build` is not available where relink is developed, so that test is what checks it.
#
# Build stage: Node and Go. dist/ is built with the dev dependencies (TypeScript), and the embedded
# database (FerretDB) is built with Go into .cache/embedded-db/<hash>/, where relink looks for it.
FROM node:20-bookworm AS build
COPY --from=golang:1.24-bookworm /usr/local/go /usr/local/go
ENV PATH=/usr/local/go/bin:$PATH
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts scripts
COPY embedded-db embedded-db
COPY blocks blocks
COPY src src
RUN npm run build && npm run build:db

# Runtime stage: production dependencies only (no TypeScript, no Go), the built app, a non-root user.
# With MONGODB_URI set (compose.yaml, Atlas) the embedded database is never started; without it relink
# runs the prebuilt one with its data in DATA_DIR (mount a volume there).
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY scripts scripts
COPY embedded-db embedded-db
COPY --from=build /app/dist dist
COPY --from=build /app/.cache/embedded-db .cache/embedded-db
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# /healthz answers 200 once the database answers a ping (503 while it is away).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# What `npm start` runs once its prestart has found the dist/ built above. Node itself, not npm, is the
# container's process: npm exits at SIGTERM without waiting for relink, which must stop its database.
CMD ["node", "dist/src/main.js"]
