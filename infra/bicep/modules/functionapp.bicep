// One function app on Linux running a self-contained custom handler (host.json customHandler), with
// identity-based storage connections. Elastic Premium is the documented plan for Linux custom handlers;
// Flex Consumption is optional and needs the spike described in README.md before production use.
param name string
param location string

@allowed([ 'ElasticPremium', 'FlexConsumption' ])
param hostingPlan string
param premiumSku string
param maximumScale int

@description('The handler executable at the package root (host.json customHandler.description.defaultExecutablePath).')
param handlerExecutable string

@description('Blob container URL the app package is deployed to.')
param deploymentContainerUri string

@description('Identity, telemetry, storage endpoints and the signing key secret URI.')
param settings object

var isFlex = hostingPlan == 'FlexConsumption'

// Settings both plans share. Every name here also appears in local.settings.sample.json, except the
// platform-only ones listed in tests (identity-based AzureWebJobsStorage__* replaces the local connection string).
var commonSettings = [
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: settings.identityClientId }
  { name: 'AzureWebJobsStorage__blobServiceUri', value: settings.blobServiceUri }
  { name: 'AzureWebJobsStorage__queueServiceUri', value: settings.queueServiceUri }
  { name: 'AzureWebJobsStorage__tableServiceUri', value: settings.tableServiceUri }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: settings.appInsightsConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${settings.identityClientId};Authorization=AAD' }
  { name: 'Approvals__LinkSigningKey', value: '@Microsoft.KeyVault(SecretUri=${settings.signingKeySecretUri})' }
  { name: 'Registry__AuditKey', value: '@Microsoft.KeyVault(SecretUri=${settings.auditKeySecretUri})' }
  { name: 'Registry__MaxArtifactBytes', value: '268435456' }
  { name: 'Registry__TableName', value: 'ModelRegistry' }
  { name: 'Registry__ArtifactContainer', value: 'model-artifacts' }
]

// Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION as app settings
// (the runtime comes from functionAppConfig); Elastic Premium needs them.
var premiumSettings = [
  { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
  { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'custom' }
  { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '${deploymentContainerUri}/${name}.zip' }
  { name: 'WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID', value: settings.identityId }
]

resource premiumPlan 'Microsoft.Web/serverfarms@2022-03-01' = if (!isFlex) {
  name: '${name}-plan'
  location: location
  kind: 'elastic'
  sku: { tier: 'ElasticPremium', name: premiumSku, family: 'EP' }
  properties: {
    reserved: true
    maximumElasticWorkerCount: maximumScale
  }
}

resource flexPlan 'Microsoft.Web/serverfarms@2024-04-01' = if (isFlex) {
  name: '${name}-flexplan'
  location: location
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: {
    reserved: true
  }
}

resource premiumSite 'Microsoft.Web/sites@2022-03-01' = if (!isFlex) {
  name: name
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${settings.identityId}': {} }
  }
  properties: {
    serverFarmId: premiumPlan.id
    httpsOnly: true
    keyVaultReferenceIdentity: settings.identityId
    siteConfig: {
      // A self-contained linux-x64 handler needs no language stack from the image.
      linuxFxVersion: ''
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      appSettings: concat(commonSettings, premiumSettings)
    }
  }
}

resource flexSite 'Microsoft.Web/sites@2024-04-01' = if (isFlex) {
  name: name
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${settings.identityId}': {} }
  }
  properties: {
    serverFarmId: flexPlan.id
    httpsOnly: true
    keyVaultReferenceIdentity: settings.identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUri
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: settings.identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: max(40, maximumScale)
        instanceMemoryMB: 2048
      }
      // Unverified for plain (non-MCP) custom handlers on Flex: see README.md before relying on it.
      runtime: { name: 'custom', version: '1.0' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: commonSettings
    }
  }
}

output defaultHostName string = isFlex ? flexSite.properties.defaultHostName : premiumSite.properties.defaultHostName
output handlerExecutable string = handlerExecutable
