// Optional: Azure Front Door (Standard) in front of the public feeds container, for a custom
// domain with a managed certificate and edge caching. The origin is the public feeds account
// (anonymous blob read), so Front Door needs no credentials and no Private Link (Premium).
// Front Door honours the feeds' Cache-Control (public, max-age=300) and answers conditional
// requests itself.

@description('Tags for every resource.')
param tags object

@description('Name of the Front Door profile.')
param profileName string

@description('Name of the endpoint ({name}-{hash}.z01.azurefd.net).')
param endpointName string

@description('Blob endpoint of the public feeds account (https://{account}.blob.core.windows.net/).')
param feedsBlobEndpoint string

@description('The public container the feeds live in.')
param feedsContainer string = 'feeds'

@description('Custom domain for the feeds, such as feeds.example.com (empty: none). Its CNAME must point at the endpoint and a TXT record must prove ownership: see infra/README.md.')
param customDomain string = ''

var originHost = split(replace(feedsBlobEndpoint, 'https://', ''), '/')[0]

resource profile 'Microsoft.Cdn/profiles@2025-06-01' = {
  name: profileName
  location: 'global'
  tags: tags
  sku: { name: 'Standard_AzureFrontDoor' }
}

resource endpoint 'Microsoft.Cdn/profiles/afdEndpoints@2025-06-01' = {
  parent: profile
  name: endpointName
  location: 'global'
  tags: tags
  properties: { enabledState: 'Enabled' }
}

resource originGroup 'Microsoft.Cdn/profiles/originGroups@2025-06-01' = {
  parent: profile
  name: 'feeds'
  properties: {
    loadBalancingSettings: {
      sampleSize: 4
      successfulSamplesRequired: 3
      additionalLatencyInMilliseconds: 50
    }
    healthProbeSettings: {
      probePath: '/${feedsContainer}/rss.xml'
      probeRequestType: 'HEAD'
      probeProtocol: 'Https'
      probeIntervalInSeconds: 240
    }
  }
}

resource origin 'Microsoft.Cdn/profiles/originGroups/origins@2025-06-01' = {
  parent: originGroup
  name: 'feeds-storage'
  properties: {
    hostName: originHost
    originHostHeader: originHost
    httpPort: 80
    httpsPort: 443
    priority: 1
    weight: 1000
    enforceCertificateNameCheck: true
  }
}

resource domain 'Microsoft.Cdn/profiles/customDomains@2025-06-01' = if (!empty(customDomain)) {
  parent: profile
  name: replace(customDomain, '.', '-')
  properties: {
    hostName: customDomain
    tlsSettings: {
      certificateType: 'ManagedCertificate'
      minimumTlsVersion: 'TLS12'
    }
  }
}

resource route 'Microsoft.Cdn/profiles/afdEndpoints/routes@2025-06-01' = {
  parent: endpoint
  name: 'feeds'
  properties: {
    originGroup: { id: originGroup.id }
    originPath: '/${feedsContainer}'
    supportedProtocols: ['Http', 'Https']
    patternsToMatch: ['/*']
    forwardingProtocol: 'HttpsOnly'
    httpsRedirect: 'Enabled'
    linkToDefaultDomain: 'Enabled'
    customDomains: empty(customDomain) ? [] : [{ id: domain.id }]
    cacheConfiguration: {
      queryStringCachingBehavior: 'IgnoreQueryString'
      compressionSettings: {
        isCompressionEnabled: true
        contentTypesToCompress: [
          'application/rss+xml'
          'application/atom+xml'
          'application/feed+json'
          'application/json'
          'application/xml'
          'text/xml'
        ]
      }
    }
  }
  dependsOn: [origin]
}

output endpointHostName string = endpoint.properties.hostName
output publicBaseUrl string = empty(customDomain) ? 'https://${endpoint.properties.hostName}' : 'https://${customDomain}'
output customDomainValidationToken string = empty(customDomain) ? '' : domain!.properties.validationProperties.validationToken
