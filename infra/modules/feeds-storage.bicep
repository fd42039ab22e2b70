// The public storage account: it holds nothing but the feeds/ container, whose blobs (not its
// listing) anyone may read anonymously. Keeping it apart from the private account means no
// setting on the private account ever allows anonymous access, and a policy exemption for
// public blob access covers this one account only. Shared keys are off here too: anonymous
// reads do not use them, and the pipeline writes with its managed identity.

@description('Region of the resources.')
param location string

@description('Tags for every resource.')
param tags object

@description('Globally unique name of the account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('The public container the feed files live in.')
param feedsContainer string = 'feeds'

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: true
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    // Web-based readers fetch feeds from the browser: allow simple cross-origin GETs, nothing else.
    cors: {
      corsRules: [
        {
          allowedOrigins: ['*']
          allowedMethods: ['GET', 'HEAD', 'OPTIONS']
          allowedHeaders: ['If-None-Match', 'If-Modified-Since']
          exposedHeaders: ['ETag', 'Last-Modified', 'Content-Type', 'Cache-Control']
          maxAgeInSeconds: 3600
        }
      ]
    }
  }
}

resource feeds 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: feedsContainer
  properties: { publicAccess: 'Blob' }
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output feedsContainerId string = feeds.id
output feedsUrl string = '${account.properties.primaryEndpoints.blob}${feedsContainer}'
