# azd preprovision hook (Windows): see preprovision.sh.
$ErrorActionPreference = 'Stop'
$existing = azd env get-value SYNDICATION_TOKEN_SIGNING_KEY 2>$null
if ($LASTEXITCODE -ne 0 -or [string]::IsNullOrEmpty($existing)) {
  $key = [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32))
  azd env set SYNDICATION_TOKEN_SIGNING_KEY $key | Out-Null
  Write-Host "Generated a token-signing key for this environment (kept in .azure/$env:AZURE_ENV_NAME/.env, written to Key Vault)."
}
$existing = azd env get-value SYNDICATION_SUBSCRIBER_ID_KEY 2>$null
if ($LASTEXITCODE -ne 0 -or [string]::IsNullOrEmpty($existing)) {
  $key = [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32))
  azd env set SYNDICATION_SUBSCRIBER_ID_KEY $key | Out-Null
  Write-Host "Generated the subscriber id key for this environment; never change it (subscriber ids and suppressions depend on it)."
}
