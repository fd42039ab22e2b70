// Syndication on Azure: a Flex Consumption Function App (.NET 10 isolated) with one managed
// identity, a private storage account without shared keys, a public account that holds only the
// feeds, Event Grid delivery of BlobCreated events to the blob triggers, Key Vault for the two
// secrets, Application Insights on Log Analytics with the runbook's alerts, and optionally Front
// Door in front of the feeds. `azd up` deploys it (see infra/README.md).

targetScope = 'subscription'

import { eventGridFunction } from 'modules/types.bicep'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; every resource name derives from it.')
param environmentName string

@minLength(1)
@description('Region of every resource; it must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
@metadata({ azd: { type: 'location' } })
param location string

@description('Resource group to create (empty: rg-{environmentName}).')
param resourceGroupName string = ''

@description('Principal id of the operator who runs azd (azd fills it in): data access to replay, rebuild and rotate. Empty: none.')
param principalId string = ''

@description('Kind of that principal.')
@allowed(['User', 'Group', 'ServicePrincipal'])
param principalType string = 'User'

@description('Create the Event Grid subscriptions. False on the first provision (the app code and its blobs_extension key do not exist yet); the postdeploy hook sets it and provisions again.')
param eventGridSubscriptionsEnabled bool = false

@description('Functions with an Event Grid-sourced blob trigger, and their containers (the subscription handshake fails for a function the app does not have).')
param eventGridFunctions eventGridFunction[] = [
  { functionName: 'IngestDroppedFile', container: 'incoming' }
  { functionName: 'CountPageViews', container: 'pageviews' }
  { functionName: 'PublishArticleChanges', container: 'articles' }
]

@secure()
@description('SendGrid API key (mail.send). Empty: no secret and no setting; newsletters go to the outbox/ container until an operator sets it.')
param sendGridApiKey string = ''

@secure()
@description('Newsletter token signing key (ring). Empty: no secret and no setting. azd generates one once (preprovision hook) and keeps it in the environment.')
param tokenSigningKey string = ''

@secure()
@description('Newsletter subscriber id key: derives ids (and suppressions) from addresses, so it must never change. azd generates one once (preprovision hook).')
param subscriberIdKey string = ''

@description('E-mail address for alerts (empty: alerts show in the portal only).')
param alertEmail string = ''

@description('Rejected files per hour above which the rejected/ alert fires (0: any).')
@minValue(0)
param rejectedPerHourThreshold int = 0

@description('Put Azure Front Door (Standard, about USD 35 a month plus traffic) in front of the feeds.')
param frontDoorEnabled bool = false

@description('Custom domain for the feeds, such as feeds.example.com (implies Front Door). Empty: none.')
param customDomain string = ''

@description('Most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 10

@description('Memory of each instance in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('NCRONTAB of the incoming sweep (it ingests drops whose event was missed).')
param sweepSchedule string = '0 */5 * * * *'

@description('NCRONTAB of the feed build.')
param feedsSchedule string = '30 */5 * * * *'

@description('NCRONTAB of the agency feed poll (each feed is still polled at most every Syndication__Upstream__MinIntervalMinutes).')
param upstreamSchedule string = '15 */5 * * * *'

@description('NCRONTAB of the status page (status/index.html): each write reads the last 48 hours of StageRuns and rejected/.')
param statusSchedule string = '45 */10 * * * *'

@description('NCRONTAB of the trending ranking (a box is rewritten only when it changed).')
param trendingSchedule string = '45 */5 * * * *'

@description('NCRONTAB of the newsletter send timer: it sends whatever issue is due at its edition\'s local hour.')
param newsletterSchedule string = '45 */5 * * * *'

@description('NCRONTAB of the breaking-news alert timer: it sends the alerts the feed build recorded as due (one query when none are).')
param alertSchedule string = '*/20 * * * * *'

@description('Site base URL: article links are {siteBaseUrl}/{section}/{slug}.')
param siteBaseUrl string = 'https://news.example.com'

@description('Channel title of the feeds.')
param siteName string = 'Syndication News'

@description('Channel description of the feeds.')
param siteDescription string = 'News by sector and edition.'

@description('Channel language of the feeds.')
param siteLanguage string = 'en'

@description('Larger dropped files are rejected unread.')
param ingestMaxFileBytes int = 5242880

@description('Items per feed.')
param feedsMaxItems int = 50

@description('RSS ttl in minutes.')
param feedsTtlMinutes int = 15

@description('Cache-Control of every feed blob.')
param feedsCacheControl string = 'public, max-age=300'

@description('From address of newsletters and alerts (its domain must be in newsletterAuthenticatedDomains); empty: the app\'s default.')
param newsletterFromAddress string = ''

@description('The publisher\'s physical postal address, in every email\'s footer: CAN-SPAM requires it, and a real send without it is refused.')
param newsletterPostalAddress string = ''

@description('From domains authenticated in SendGrid (DKIM, SPF, DMARC), comma-separated: a real send from any other domain is refused.')
param newsletterAuthenticatedDomains string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName, application: 'syndication' }

// The containers and tables of src/Syndication.Adapters/Storage/StorageNames.cs and of the stages
// to come; the app also creates what it needs on first use, idempotently.
var deploymentContainer = 'app-package'
var deadLetterContainer = 'eventgrid-deadletter'
var feedsContainer = 'feeds'
var pipelineContainers = ['incoming', 'archive', 'rejected', 'articles', 'pageviews', 'newsletters', 'outbox', 'status']
var tables = ['ArticleIndex', 'ArticleChanges', 'UpstreamFeeds', 'PageViewCounts', 'Subscribers', 'SendLedger', 'Suppressions', 'NewsletterEvents', 'RateLimits', 'StageRuns']
var useFrontDoor = frontDoorEnabled || !empty(customDomain)

// Names are known before anything is deployed, so What-If can predict every module.
var names = {
  logAnalytics: 'log-${resourceToken}'
  applicationInsights: 'appi-${resourceToken}'
  identity: 'id-func-${resourceToken}'
  storage: 'st${resourceToken}'
  feedsStorage: 'stfeeds${resourceToken}'
  keyVault: 'kv-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-${resourceToken}'
  systemTopic: 'evgt-${resourceToken}'
  frontDoor: 'afd-${resourceToken}'
  frontDoorEndpoint: 'feeds-${resourceToken}'
}

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
  }
}

module identity 'modules/identity.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.identity
  }
}

module storage 'modules/storage.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.storage
    containers: concat(pipelineContainers, [deploymentContainer, deadLetterContainer])
    tables: tables
    shortLivedContainers: [deadLetterContainer, 'outbox']
    workspaceId: monitoring.outputs.workspaceId
  }
}

module feedsStorage 'modules/feeds-storage.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.feedsStorage
    feedsContainer: feedsContainer
  }
}

module keyVault 'modules/keyvault.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.keyVault
    sendGridApiKey: sendGridApiKey
    tokenSigningKey: tokenSigningKey
    subscriberIdKey: subscriberIdKey
  }
}

module rbac 'modules/rbac.bicep' = {
  scope: rg
  params: {
    appIdentityName: names.identity
    storageAccountName: names.storage
    feedsAccountName: names.feedsStorage
    feedsContainer: feedsContainer
    keyVaultName: names.keyVault
    applicationInsightsName: names.applicationInsights
    operatorPrincipalId: principalId
    operatorPrincipalType: principalType
  }
  dependsOn: [identity, storage, feedsStorage, keyVault, monitoring]
}

module cdn 'modules/cdn.bicep' = if (useFrontDoor) {
  scope: rg
  params: {
    tags: tags
    profileName: names.frontDoor
    endpointName: names.frontDoorEndpoint
    feedsBlobEndpoint: feedsStorage.outputs.blobEndpoint
    feedsContainer: feedsContainer
    customDomain: customDomain
  }
}

var publicFeedsUrl = useFrontDoor ? cdn!.outputs.publicBaseUrl : feedsStorage.outputs.feedsUrl

module functionApp 'modules/functionapp.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    planName: names.plan
    name: names.functionApp
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    feedsBlobEndpoint: feedsStorage.outputs.blobEndpoint
    deploymentContainer: deploymentContainer
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    sendGridApiKeySecretUri: empty(sendGridApiKey) ? '' : keyVault.outputs.sendGridApiKeyUri
    tokenSigningKeySecretUri: empty(tokenSigningKey) ? '' : keyVault.outputs.tokenSigningKeyUri
    subscriberIdKeySecretUri: empty(subscriberIdKey) ? '' : keyVault.outputs.subscriberIdKeyUri
    sweepSchedule: sweepSchedule
    feedsSchedule: feedsSchedule
    upstreamSchedule: upstreamSchedule
    statusSchedule: statusSchedule
    trendingSchedule: trendingSchedule
    newsletterSchedule: newsletterSchedule
    alertSchedule: alertSchedule
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    syndicationSettings: union(empty(newsletterFromAddress) ? {} : { Syndication__Newsletter__FromAddress: newsletterFromAddress }, {
      Syndication__Newsletter__PostalAddress: newsletterPostalAddress
      Syndication__Newsletter__AuthenticatedDomains: newsletterAuthenticatedDomains
      Syndication__Site__BaseUrl: siteBaseUrl
      Syndication__Site__Name: siteName
      Syndication__Site__Description: siteDescription
      Syndication__Site__Language: siteLanguage
      Syndication__Ingest__MaxFileBytes: string(ingestMaxFileBytes)
      Syndication__Feeds__MaxItems: string(feedsMaxItems)
      Syndication__Feeds__PublicBaseUrl: publicFeedsUrl
      Syndication__Feeds__TtlMinutes: string(feedsTtlMinutes)
      Syndication__Feeds__CacheControl: feedsCacheControl
    })
  }
  // The identity can read the package, storage, secrets and telemetry before the app first starts.
  dependsOn: [rbac]
}

module eventGrid 'modules/eventgrid.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    systemTopicName: names.systemTopic
    storageAccountName: names.storage
    functionAppName: names.functionApp
    subscriptionsEnabled: eventGridSubscriptionsEnabled
    functions: eventGridFunctions
    deadLetterContainer: deadLetterContainer
  }
  dependsOn: [storage, functionApp]
}

module alerts 'modules/alerts.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    namePrefix: 'syndication-${environmentName}'
    workspaceId: monitoring.outputs.workspaceId
    systemTopicName: names.systemTopic
    alertEmail: alertEmail
    rejectedPerHourThreshold: rejectedPerHourThreshold
  }
  dependsOn: [eventGrid]
}

// azd writes these into the environment (.azure/{env}/.env); the hooks and docs use them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = names.functionApp
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output SYNDICATION_STORAGE_ACCOUNT string = storage.outputs.name
output SYNDICATION_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output SYNDICATION_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output SYNDICATION_FEEDS_STORAGE_ACCOUNT string = feedsStorage.outputs.name
output SYNDICATION_FEEDS_BLOB_ENDPOINT string = feedsStorage.outputs.blobEndpoint
output SYNDICATION_FEEDS_URL string = publicFeedsUrl
output SYNDICATION_EVENTGRID_TOPIC string = eventGrid.outputs.systemTopicName
output SYNDICATION_FRONT_DOOR_HOST string = useFrontDoor ? cdn!.outputs.endpointHostName : ''
output SYNDICATION_CUSTOM_DOMAIN_VALIDATION_TOKEN string = useFrontDoor ? cdn!.outputs.customDomainValidationToken : ''
output SYNDICATION_LOG_ANALYTICS_WORKSPACE string = monitoring.outputs.workspaceName
