# Grootboek's own image for docker-compose.yaml: chaincode servers
# (python -m grootboek.chaincode.shim) and REST gateways (python -m grootboek.api serve).
# docker compose builds it on first use; by hand: docker build -t grootboek:0.1.0 .

# Swagger UI for the gateways' /docs, at the versions its lock file pins, as `make install` gets it:
# the image serves it itself, so /docs works without internet access.
FROM node:20-slim AS docs
WORKDIR /ui
COPY api/openapi/swagger-ui/package.json api/openapi/swagger-ui/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

# The package as a wheel: only its modules and data files reach the image, not the work tree.
FROM python:3.11-slim AS wheel
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY grootboek/ grootboek/
COPY network/ network/
COPY chaincode/ chaincode/
COPY client/ client/
COPY api/ api/
COPY --from=docs /ui/node_modules/swagger-ui-dist/swagger-ui.css /ui/node_modules/swagger-ui-dist/swagger-ui-bundle.js api/openapi/static/
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# The exact, tested dependency set first: this layer survives changes to our code.
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir -r /tmp/requirements.lock && rm /tmp/requirements.lock
COPY --from=wheel /wheels /tmp/wheels
RUN pip install --no-cache-dir --no-deps /tmp/wheels/*.whl && rm -rf /tmp/wheels
# Runs as root, like Fabric's images: the keys bind-mounted from the deployment directory are
# 0600 and owned by whoever ran `grootboek network prepare`.
WORKDIR /var/grootboek
CMD ["grootboek", "--help"]
