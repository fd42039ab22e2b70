// Event Grid delivery of BlobCreated events to the blob-triggered functions (Flex Consumption
// supports only Event Grid-sourced blob triggers). One system topic on the private account; one
// subscription per function, filtered to its container, delivering to the blob extension's
// webhook with the host's blobs_extension system key, retrying for a day and dead-lettering what
// still fails into a container of the same account.
//
// The key exists only once the app's code (with its blob trigger) has been deployed and the host
// has started, and Event Grid validates the webhook when the subscription is created: so the
// subscriptions are created on the provision after the first deploy (subscriptionsEnabled; see
// infra/README.md). Until then, and whenever an event is lost, the timer sweep ingests incoming/.

import { eventGridFunction } from 'types.bicep'

@description('Region of the system topic (that of the storage account).')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the system topic.')
param systemTopicName string

@description('Name of the private storage account the events come from.')
param storageAccountName string

@description('Name of the Function App whose blob extension receives the events.')
param functionAppName string

@description('Create the subscriptions (needs the app code deployed: the blobs_extension key and the webhook exist only then).')
param subscriptionsEnabled bool

@description('The functions with an Event Grid-sourced blob trigger and their containers.')
param functions eventGridFunction[]

@description('Container of the private account that receives undeliverable events.')
param deadLetterContainer string

@description('Delivery attempts before an event is dead-lettered.')
@minValue(1)
@maxValue(30)
param maxDeliveryAttempts int = 30

@description('Minutes an event is retried before it is dead-lettered.')
@minValue(1)
@maxValue(1440)
param eventTimeToLiveInMinutes int = 1440

var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource deadLetters 'containers' existing = {
      name: deadLetterContainer
    }
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: location
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

// The account has no shared keys: Event Grid writes dead letters with the topic's own identity,
// allowed on that one container only.
resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: account::blobService::deadLetters
  name: guid(account::blobService::deadLetters.id, topic.id, storageBlobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: topic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource subscriptions 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = [
  for f in functions: if (subscriptionsEnabled) {
    parent: topic
    name: '${toLower(f.functionName)}-blob-created'
    properties: {
      destination: {
        endpointType: 'WebHook'
        properties: {
          endpointUrl: 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${f.functionName}&code=${listKeys('${functionApp.id}/host/default', '2023-12-01').systemKeys.blobs_extension}'
          maxEventsPerBatch: 1
          preferredBatchSizeInKilobytes: 64
        }
      }
      filter: {
        includedEventTypes: ['Microsoft.Storage.BlobCreated']
        subjectBeginsWith: '/blobServices/default/containers/${f.container}/'
      }
      eventDeliverySchema: 'EventGridSchema'
      retryPolicy: {
        maxDeliveryAttempts: maxDeliveryAttempts
        eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
      }
      deadLetterWithResourceIdentity: {
        identity: { type: 'SystemAssigned' }
        deadLetterDestination: {
          endpointType: 'StorageBlob'
          properties: {
            resourceId: account.id
            blobContainerName: deadLetterContainer
          }
        }
      }
    }
    dependsOn: [deadLetterWriter]
  }
]

output systemTopicName string = topic.name
