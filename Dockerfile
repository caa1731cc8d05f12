# k8s-audit's image for the in-cluster CronJob (deploy/). Two stages: compile the TypeScript with
# the dev dependencies, then copy the compiled code and the production dependencies onto a
# distroless Node.js 24 base that has no shell and no package manager, running as uid 65532.
#
#   docker build -t ghcr.io/k8s-audit/k8s-audit:0.1.0 .
#   docker run --rm -v "$HOME/.kube:/home/nonroot/.kube:ro" ghcr.io/k8s-audit/k8s-audit:0.1.0 scan

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: the dev dependency "node" would otherwise fetch a second Node.js binary.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY checks checks
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/dist dist
COPY bin bin
COPY templates templates
COPY schema schema
ENV NODE_ENV=production
# The numeric user the CronJob's securityContext expects (runAsUser: 65532, runAsNonRoot).
USER 65532:65532
# The JavaScript heap may use 75% of the memory the container may use. Node's default is half of it
# (a 1 GiB heap under the CronJob's 2 Gi limit), and a --history run of 50,000 Pods with an earlier
# run to compare with needs more: it stopped with "JavaScript heap out of memory" under that
# ceiling, and peaks at 1.55 GB under this one (README, "In-cluster CronJob", bench run 9).
ENTRYPOINT ["/nodejs/bin/node", "--max-old-space-size-percentage=75", "--max-semi-space-size=16", "/app/bin/k8s-audit.js"]
CMD ["--help"]
