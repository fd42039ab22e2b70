// The Flex Consumption plan (FC1) and the Function App: .NET 10 isolated worker, one
// user-assigned identity for everything (deployment package, host storage, pipeline storage,
// Key Vault references, Entra-authenticated telemetry), no keys in any setting. azd deploys
// through the Flex deployment API with the operator's Entra sign-in: no publishing credentials.

@description('Region of the resources.')
param location string

@description('Tags for every resource; the app also gets azd-service-name so that `azd deploy` finds it.')
param tags object

@description('Name of the Flex Consumption plan.')
param planName string

@description('Globally unique name of the Function App (its host name is {name}.azurewebsites.net).')
param name string

@description('Service name in azure.yaml.')
param azdServiceName string = 'functions'

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('Blob endpoint of the private account (https://{account}.blob.core.windows.net/).')
param blobEndpoint string

@description('Queue endpoint of the private account.')
param queueEndpoint string

@description('Table endpoint of the private account.')
param tableEndpoint string

@description('Blob endpoint of the public feeds account.')
param feedsBlobEndpoint string

@description('Container of the private account that holds the deployment package.')
param deploymentContainer string

@description('Application Insights connection string (no key is usable: local auth is off).')
param applicationInsightsConnectionString string

@description('Versionless Key Vault URI of SendGridApiKey; empty: the setting is left out and mail goes to outbox/.')
param sendGridApiKeySecretUri string = ''

@description('Versionless Key Vault URI of TokenSigningKey; empty: the setting is left out.')
param tokenSigningKeySecretUri string = ''

@description('Versionless Key Vault URI of SubscriberIdKey; empty: the setting is left out.')
param subscriberIdKeySecretUri string = ''

@description('NCRONTAB of the incoming sweep.')
param sweepSchedule string

@description('NCRONTAB of the feed build.')
param feedsSchedule string

@description('NCRONTAB of the agency feed poll.')
param upstreamSchedule string

@description('NCRONTAB of the status page.')
param statusSchedule string

@description('NCRONTAB of the trending ranking.')
param trendingSchedule string

@description('NCRONTAB of the newsletter send timer.')
param newsletterSchedule string

@description('NCRONTAB of the breaking-news alert timer.')
param alertSchedule string

@description('Syndication__* settings, as documented in local.settings.sample.json.')
param syndicationSettings object

@description('Most instances the app scales out to: a ceiling on cost and on parallel storage load.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 10

@description('Memory of each instance in MB; CPU is allotted in proportion.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

var keyVaultSettings = union(
  empty(sendGridApiKeySecretUri)
    ? {}
    : { Syndication__Newsletter__SendGridApiKey: '@Microsoft.KeyVault(SecretUri=${sendGridApiKeySecretUri})' },
  empty(tokenSigningKeySecretUri)
    ? {}
    : { Syndication__Newsletter__TokenSigningKey: '@Microsoft.KeyVault(SecretUri=${tokenSigningKeySecretUri})' },
  empty(subscriberIdKeySecretUri)
    ? {}
    : { Syndication__Newsletter__SubscriberIdKey: '@Microsoft.KeyVault(SecretUri=${subscriberIdKeySecretUri})' }
)

// Flex Consumption takes the runtime from functionAppConfig and rejects FUNCTIONS_WORKER_RUNTIME,
// FUNCTIONS_EXTENSION_VERSION and WEBSITE_RUN_FROM_PACKAGE among app settings.
var appSettings = union(
  {
    // Identity-based host storage: the host and the pipeline both read these.
    AzureWebJobsStorage__blobServiceUri: blobEndpoint
    AzureWebJobsStorage__queueServiceUri: queueEndpoint
    AzureWebJobsStorage__tableServiceUri: tableEndpoint
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // The public account the feed build writes into (same identity).
    FeedsStorage__blobServiceUri: feedsBlobEndpoint
    AZURE_CLIENT_ID: identityClientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    SweepSchedule: sweepSchedule
    FeedsSchedule: feedsSchedule
    UpstreamSchedule: upstreamSchedule
    StatusSchedule: statusSchedule
    TrendingSchedule: trendingSchedule
    NewsletterSchedule: newsletterSchedule
    AlertSchedule: alertSchedule
  },
  syndicationSettings,
  keyVaultSettings
)

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': azdServiceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
  }
}

// No publishing with user names and passwords (FTP, or the deployment endpoint's basic auth): azd
// deploys with Entra ID, so nothing else needs them, and a leaked publishing profile opens nothing.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

resource settings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: appSettings
}

output id string = site.id
output name string = site.name
output defaultHostName string = site.properties.defaultHostName
