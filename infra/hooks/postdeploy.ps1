# azd postdeploy hook (Windows): see postdeploy.sh.
$ErrorActionPreference = 'Stop'
$enabled = azd env get-value SYNDICATION_EVENTGRID_SUBSCRIPTIONS 2>$null
if ($LASTEXITCODE -ne 0 -or $enabled -ne 'true') {
  Write-Host 'Creating the Event Grid subscriptions now that the blob trigger is deployed ...'
  azd env set SYNDICATION_EVENTGRID_SUBSCRIPTIONS true | Out-Null
  azd provision --no-prompt
  if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}
