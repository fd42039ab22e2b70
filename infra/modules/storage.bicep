// The private storage account: the Functions host's own storage (AzureWebJobsStorage), the
// pipeline's containers and tables, and the deployment package. Shared keys are off, so every
// caller authenticates with Entra ID; nothing in it can be made public.

@description('Region of the resources.')
param location string

@description('Tags for every resource.')
param tags object

@description('Globally unique name of the account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Blob containers to create, all private.')
param containers string[]

@description('Tables to create.')
param tables string[]

@description('Containers whose blobs are deleted this many days after their last change (dead letters, mail sink).')
param shortLivedContainers string[] = []

@description('Days after which blobs in the short-lived containers are deleted.')
param shortLivedDays int = 30

@description('Container of original files, moved to the cool tier after archiveCoolAfterDays (it is read only to replay).')
param archiveContainer string = 'archive'

@description('Days after which archived originals move to the cool tier.')
param archiveCoolAfterDays int = 30

@description('Log Analytics workspace that receives write/delete logs of blobs and queues (for the rejected/ and poison-queue alerts).')
param workspaceId string

@description('Storage SKU. LRS is enough: everything but subscribers can be rebuilt from the archive.')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_RAGRS'])
param skuName string = 'Standard_LRS'

var shortLivedPrefixes = [for c in shortLivedContainers: '${c}/']

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: skuName }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    // A deleted article, subscriber export or archived original can be undeleted for a week.
    deleteRetentionPolicy: { enabled: true, days: 7 }
    containerDeleteRetentionPolicy: { enabled: true, days: 7 }
  }
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [
  for container in containers: {
    parent: blobService
    name: container
    properties: { publicAccess: 'None' }
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-01-01' = {
  parent: account
  name: 'default'
}

resource storageTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-01-01' = [
  for table in tables: {
    parent: tableService
    name: table
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-01-01' = {
  parent: account
  name: 'default'
}

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: concat(
        [
          {
            name: 'archive-to-cool'
            enabled: true
            type: 'Lifecycle'
            definition: {
              filters: { blobTypes: ['blockBlob'], prefixMatch: ['${archiveContainer}/'] }
              actions: { baseBlob: { tierToCool: { daysAfterModificationGreaterThan: archiveCoolAfterDays } } }
            }
          }
        ],
        empty(shortLivedContainers)
          ? []
          : [
              {
                name: 'expire-short-lived'
                enabled: true
                type: 'Lifecycle'
                definition: {
                  filters: { blobTypes: ['blockBlob'], prefixMatch: shortLivedPrefixes }
                  actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: shortLivedDays } } }
                }
              }
            ]
      )
    }
  }
  dependsOn: [blobContainers]
}

// Writes and deletes only (reads are the bulk and tell an operator nothing here): what lands in
// rejected/ and what the blob trigger moves to its poison queue become queryable for alerts.
resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: blobService
  name: 'to-log-analytics'
  properties: {
    workspaceId: workspaceId
    logs: [
      { category: 'StorageWrite', enabled: true }
      { category: 'StorageDelete', enabled: true }
    ]
  }
}

resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: queueService
  name: 'to-log-analytics'
  properties: {
    workspaceId: workspaceId
    logs: [
      { category: 'StorageWrite', enabled: true }
    ]
  }
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
