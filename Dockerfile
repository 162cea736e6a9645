# syntax=docker/dockerfile:1
# One Dockerfile, two images, sharing the `build` stage:
#   target `runtime` (the default, last stage): a Parley node, also used by the `migrate` service
#   target `web`: nginx with the built client and nginx/ (the edge in front of the nodes)

# --- build: every dependency, then the client bundle (client/dist) ---------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx vite build --config client/vite.config.ts

# --- production dependencies only (tsx is one: nodes run the TypeScript sources) -------------
FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- web: the edge ----------------------------------------------------------------------------
FROM nginx:1.27-bookworm AS web
# The image's default site would answer on port 80 next to ours.
RUN rm -f /etc/nginx/conf.d/default.conf
COPY nginx/nginx.conf /etc/nginx/nginx.conf
COPY nginx/parley.conf /etc/nginx/conf.d/parley.conf
COPY nginx/snippets/ /etc/nginx/snippets/
COPY --from=build /app/client/dist/ /usr/share/nginx/html/

# --- runtime: a Parley node -------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json tsconfig.base.json ./
COPY shared/ shared/
COPY actors/ actors/
COPY server/ server/
# Code and dependencies stay root-owned and read-only; the process runs as the image's `node`
# user and writes nothing to disk (PostgreSQL and Redis hold all state in this deployment).
USER node
EXPOSE 3000
# Exec form, so SIGTERM reaches node itself (through compose's `init: true`) and it drains.
CMD ["node", "--import", "tsx", "server/main.ts"]
