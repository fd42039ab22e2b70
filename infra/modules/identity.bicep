// The Function App's user-assigned identity. It exists before the app, so its role assignments
// are in place when the app first starts, and the same identity reads the deployment package,
// the storage, the vault and writes telemetry.

@description('Region of the resource.')
param location string

@description('Tags for the resource.')
param tags object

@description('Name of the identity.')
param name string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
