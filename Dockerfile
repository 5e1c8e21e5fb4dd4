# syntax=docker/dockerfile:1
# One image for the apps (ingest, worker, gateway, jt808) and the simulator; docker-compose.yml picks the
# command. Build: docker build -t longgang-platform .

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps apps
COPY libs libs
COPY simulators simulators
COPY scripts scripts
COPY config config
RUN npm run build && npm prune --omit=dev --no-audit --no-fund
# What the runtime needs: compiled code (with the dashboard bundle in dist/dashboard), production modules,
# the registry and rule pack, and the simulator's scenario files.
RUN mkdir -p /out/simulators \
  && cp -r dist node_modules config package.json /out/ \
  && cp -r simulators/scenarios /out/simulators/

# `npm run backup`'s image (docker-compose.yml, service backup): the runtime plus Debian's influxdb for the
# `influxd backup -portable` tool. A stage of its own so the apps' image stays without it.
FROM node:20-bookworm-slim AS backup
RUN apt-get update \
  && apt-get install -y --no-install-recommends influxdb \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    LG_MODE=production
WORKDIR /app
COPY --from=build /out/ ./
CMD ["node", "dist/scripts/backup.js", "--help"]

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    LG_MODE=production \
    HTTP_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /out/ ./
USER node
EXPOSE 3000 3001 3002 3003 6808
# Each service of docker-compose.yml sets its own command; this default is the gateway. The heap bound is
# APP_NODE_FLAGS in libs/services/src/process.ts.
CMD ["node", "--max-old-space-size=160", "dist/apps/gateway/src/main.js"]
