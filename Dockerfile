# One image for every part of Geqo Observer: `geqo up` (ingest, worker, broadcaster, REST API and
# dashboard), `geqo kafka init`, `geqo migrate`, `geqo server add`, ... The command chooses; see
# compose.yaml and the README's "Run on several machines".
#
#   docker build -t geqo .
#   docker run --rm geqo node bin/geqo.mjs --help
#
# Runtime dependencies only: tsx runs the TypeScript sources directly, and brings esbuild, with
# which `geqo up` bundles the dashboard in memory. The bundle is also written to dashboard/dist/
# here, which `geqo up` serves should esbuild ever be missing.
FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY local/package.json local/
COPY cli/package.json cli/
COPY functions/package.json functions/
COPY infra/package.json infra/
COPY dashboard/package.json dashboard/
COPY test-support/package.json test-support/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
RUN npm run build -w dashboard
USER node
# 13880: plugin WebSocket ingest; 8080: REST API, dashboard, /metrics, /healthz.
EXPOSE 13880 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.GEQO_HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "bin/geqo.mjs", "up"]
