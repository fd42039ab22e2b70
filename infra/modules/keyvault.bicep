// The vault of the app's two secrets. RBAC mode (no access policies): the app's identity reads
// secrets through Key Vault references in app settings, an operator sets and rotates them.
// A secret is written only when its value is given, so a later provision with an empty value
// never blanks a secret an operator set by hand.

@description('Region of the vault.')
param location string

@description('Tags for the vault.')
param tags object

@description('Globally unique name of the vault (3-24 letters, digits and hyphens).')
@minLength(3)
@maxLength(24)
param name string

@description('SendGrid API key (mail.send only). Empty: not written; the app keeps mail in the outbox/ container.')
@secure()
param sendGridApiKey string = ''

@description('Key that signs unsubscribe and confirmation tokens. Empty: not written.')
@secure()
param tokenSigningKey string = ''

@description('Key that derives subscriber ids from addresses (base64, 32+ bytes); never change it once set. Empty: not written.')
@secure()
param subscriberIdKey string = ''

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    // Always on, and it cannot be turned off again: a deleted vault or secret stays recoverable for
    // the retention period and nobody can purge it. The subscriber-id key cannot be replaced (every
    // subscriber id and suppression hangs on it), so losing it must not be possible.
    enablePurgeProtection: true
    // Public endpoint, every request authenticated by Entra ID and authorised by RBAC: without VNet
    // integration a Flex Consumption app resolves its Key Vault references over the public
    // endpoint, and App Service is not among the trusted services a firewall's bypass admits.
    publicNetworkAccess: 'Enabled'
    networkAcls: { bypass: 'AzureServices', defaultAction: 'Allow' }
  }
}

resource sendGridSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(sendGridApiKey)) {
  parent: vault
  name: 'SendGridApiKey'
  properties: {
    value: sendGridApiKey
    contentType: 'SendGrid API key (mail.send)'
  }
}

resource tokenSigningSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(tokenSigningKey)) {
  parent: vault
  name: 'TokenSigningKey'
  properties: {
    value: tokenSigningKey
    contentType: 'Newsletter token signing key ring'
  }
}

resource subscriberIdSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(subscriberIdKey)) {
  parent: vault
  name: 'SubscriberIdKey'
  properties: {
    value: subscriberIdKey
    contentType: 'Newsletter subscriber id key (never rotated)'
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
// Versionless secret URIs (whether or not the secret exists yet): the app picks up a new version
// within a day, or at once on restart.
output sendGridApiKeyUri string = '${vault.properties.vaultUri}secrets/SendGridApiKey'
output tokenSigningKeyUri string = '${vault.properties.vaultUri}secrets/TokenSigningKey'
output subscriberIdKeyUri string = '${vault.properties.vaultUri}secrets/SubscriberIdKey'
