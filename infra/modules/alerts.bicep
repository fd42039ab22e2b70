// Alerts for the cases docs/runbook.md walks through. Each is a log search over the workspace
// that receives both the app's telemetry (workspace-based Application Insights) and the private
// account's write logs; the queries are the runbook's, so what pages and what an operator runs
// to look are the same thing.

@description('Region of the alert rules.')
param location string

@description('Tags for every resource.')
param tags object

@description('Prefix of the alert rule names.')
param namePrefix string

@description('Log Analytics workspace the rules query.')
param workspaceId string

@description('Event Grid system topic whose dead-lettered events raise an alert (empty: no such alert).')
param systemTopicName string = ''

@description('E-mail address that receives alerts (empty: no action group; alerts still show in the portal).')
param alertEmail string = ''

@description('Rejected files in one hour above which the rejected/ alert fires (0: any).')
@minValue(0)
param rejectedPerHourThreshold int = 0

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${namePrefix}-operators'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take('syndication', 12)
    enabled: true
    emailReceivers: [
      {
        name: 'operators'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var actions = empty(alertEmail) ? {} : { actionGroups: [actionGroup.id] }

var rules = [
  {
    name: 'rejected-files'
    displayName: 'Syndication: files are landing in rejected/'
    description: 'A dropped file could not be read and was kept in rejected/ with a .error.json reason. Runbook: "rejected/ grows".'
    severity: 3
    frequency: 'PT1H'
    window: 'PT1H'
    threshold: rejectedPerHourThreshold
    dimensions: []
    query: '''
StorageBlobLogs
| where OperationName in ("PutBlob", "PutBlockList")
| where StatusText == "Success"
| where ObjectKey has "/rejected/" and ObjectKey endswith ".error.json"
| project TimeGenerated, ObjectKey
'''
  }
  {
    name: 'poison-blobs'
    displayName: 'Syndication: blob trigger gave up on a blob (webjobs-blobtrigger-poison)'
    description: 'The blob trigger failed on a blob as many times as poisonBlobThreshold allows and moved its message to the poison queue. Runbook: "the poison queue has messages".'
    severity: 2
    frequency: 'PT15M'
    window: 'PT15M'
    threshold: 0
    dimensions: []
    query: '''
StorageQueueLogs
| where OperationName == "PutMessage"
| where ObjectKey contains "/webjobs-blobtrigger-poison"
| project TimeGenerated, ObjectKey
'''
  }
  {
    name: 'sendgrid-errors'
    displayName: 'Syndication: SendGrid refuses or fails sends'
    description: 'The newsletter stage logged an error about SendGrid (a send that failed after its retries). Runbook: "SendGrid returns errors".'
    severity: 2
    frequency: 'PT15M'
    window: 'PT15M'
    threshold: 0
    dimensions: []
    query: '''
union isfuzzy=true
  (AppTraces | where SeverityLevel >= 3 and Message has "SendGrid" | project TimeGenerated, OperationName, Text = Message),
  (AppExceptions | where SeverityLevel >= 3 and (OuterMessage has "SendGrid" or InnermostMessage has "SendGrid" or OuterType has "SendGrid") | project TimeGenerated, OperationName, Text = OuterMessage)
'''
  }
  {
    name: 'newsletter-spam-rate'
    displayName: 'Syndication: a newsletter issue passed a 0.1% spam rate'
    description: 'SendGrid events show spam reports for more than 0.1% of the delivered emails of an issue, the line Gmail draws for bulk senders (0.3% is its limit). Runbook: "the spam rate passes 0.1%".'
    severity: 2
    frequency: 'PT15M'
    window: 'PT15M'
    threshold: 0
    dimensions: []
    query: '''
AppTraces
| where Message has "Newsletter spam rate over 0.1%"
| project TimeGenerated, Message
'''
  }
  {
    name: 'function-failures'
    displayName: 'Syndication: function invocations fail'
    description: 'A function invocation ended in an exception (a rejected file is not a failure: it is handled). Runbook: "a function fails".'
    severity: 2
    frequency: 'PT15M'
    window: 'PT15M'
    threshold: 0
    dimensions: [
      {
        name: 'OperationName'
        operator: 'Include'
        values: ['*']
      }
    ]
    query: '''
AppRequests
| where Success == false
| project TimeGenerated, OperationName, ResultCode
'''
  }
]

resource logAlerts 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = [
  for rule in rules: {
    name: '${namePrefix}-${rule.name}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: true
      evaluationFrequency: rule.frequency
      windowSize: rule.window
      scopes: [workspaceId]
      // A new workspace has no StorageQueueLogs or AppTraces rows yet; the rules must not fail
      // to create for want of a table that the first log lines create.
      skipQueryValidation: true
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: rule.threshold
            dimensions: rule.dimensions
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: actions
    }
  }
]

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = if (!empty(systemTopicName)) {
  name: systemTopicName
}

// Events Event Grid could not deliver within its retry policy land in the dead-letter container;
// the sweep still ingests those drops, but an operator should know the webhook is failing.
resource deadLetterAlert 'Microsoft.Insights/metricAlerts@2026-01-01' = if (!empty(systemTopicName)) {
  name: '${namePrefix}-eventgrid-dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'Event Grid dead-lettered BlobCreated events: the blob webhook did not accept them for a day. Runbook: "Event Grid dead letters".'
    severity: 2
    enabled: true
    scopes: [systemTopic.id]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricName: 'DeadLetteredCount'
          metricNamespace: 'Microsoft.EventGrid/systemTopics'
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Total'
        }
      ]
    }
    actions: empty(alertEmail) ? [] : [{ actionGroupId: actionGroup.id }]
  }
}

output ruleNames string[] = [for rule in rules: '${namePrefix}-${rule.name}']
