#!/bin/sh
# azd preprovision hook: generates the newsletter token-signing key once per environment and keeps
# it in the azd environment, so every later provision passes the same key (a new key on every
# provision would invalidate every unsubscribe link already sent). Rotation: docs/runbook.md.
set -eu
if [ -z "$(azd env get-value SYNDICATION_TOKEN_SIGNING_KEY 2>/dev/null || true)" ]; then
  key=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
  azd env set SYNDICATION_TOKEN_SIGNING_KEY "$key" >/dev/null
  echo "Generated a token-signing key for this environment (kept in .azure/$AZURE_ENV_NAME/.env, written to Key Vault)."
fi
if [ -z "$(azd env get-value SYNDICATION_SUBSCRIBER_ID_KEY 2>/dev/null || true)" ]; then
  key=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
  azd env set SYNDICATION_SUBSCRIBER_ID_KEY "$key" >/dev/null
  echo "Generated the subscriber id key for this environment; never change it (subscriber ids and suppressions depend on it)."
fi
