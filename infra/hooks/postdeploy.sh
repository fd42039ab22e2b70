#!/bin/sh
# azd postdeploy hook: the Event Grid subscriptions can only be created once the app's code is
# deployed (the blob extension's webhook and its blobs_extension key exist only then). After the
# first deploy this turns them on and provisions again; later deploys find them on and do nothing.
# Until then, and for any event that is lost, the SweepIncoming timer ingests incoming/.
set -eu
if [ "$(azd env get-value SYNDICATION_EVENTGRID_SUBSCRIPTIONS 2>/dev/null || true)" != "true" ]; then
  echo "Creating the Event Grid subscriptions now that the blob trigger is deployed ..."
  azd env set SYNDICATION_EVENTGRID_SUBSCRIPTIONS true >/dev/null
  azd provision --no-prompt
fi
