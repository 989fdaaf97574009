// One .NET 10 isolated worker function app on Linux with identity-based storage connections.
// Flex Consumption (FC1) by default; Elastic Premium (EP1–EP3) as the alternative (README.md says when).
param name string
param location string

@allowed([ 'ElasticPremium', 'FlexConsumption' ])
param hostingPlan string
param premiumSku string
param maximumScale int

@description('The .NET version of the isolated worker stack.')
param dotnetVersion string = '10.0'

@description('Blob container URL the app package is deployed to.')
param deploymentContainerUri string

@description('Identity, telemetry, storage endpoints, the key secret URIs, and the approval e-mail settings.')
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
  // Empty: no OTLP export (Scoring's meters still go to Application Insights).
  { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: settings.otlpEndpoint }
  { name: 'Approvals__LinkSigningKey', value: '@Microsoft.KeyVault(SecretUri=${settings.signingKeySecretUri})' }
  { name: 'Registry__AuditKey', value: '@Microsoft.KeyVault(SecretUri=${settings.auditKeySecretUri})' }
  { name: 'Registry__MaxArtifactBytes', value: '268435456' }
  { name: 'Registry__TableName', value: 'ModelRegistry' }
  { name: 'Registry__ArtifactContainer', value: 'model-artifacts' }
  { name: 'Smtp__Host', value: settings.smtpHost }
  { name: 'Smtp__Port', value: settings.smtpPort }
  { name: 'Smtp__TlsMode', value: settings.smtpTlsMode }
  { name: 'Smtp__From', value: settings.smtpFrom }
  { name: 'Approvals__BaseUrl', value: settings.approvalsBaseUrl }
  { name: 'Promotion__ApprovalDeadline', value: settings.approvalDeadline }
  { name: 'Promotion__Jurisdiction', value: settings.jurisdiction }
  { name: 'Promotion__ForbiddenFeatures', value: settings.forbiddenFeatures }
  // Only App Service Authentication strips x-ms-client-principal-name from client requests; without it the header is forgeable.
  { name: 'Callers__TrustPlatformIdentity', value: string(settings.trustPlatformIdentity) }
  // The host refuses request bodies over 100 MB by default; registration takes an artifact up to
  // Registry__MaxArtifactBytes plus 1 MiB of metadata and multipart framing.
  { name: 'FUNCTIONS_REQUEST_BODY_SIZE_LIMIT', value: '269484032' }
]

// Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION as app settings
// (the runtime comes from functionAppConfig); Elastic Premium needs them.
var premiumSettings = [
  { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
  { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }
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
      linuxFxVersion: 'DOTNET-ISOLATED|${dotnetVersion}'
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
      runtime: { name: 'dotnet-isolated', version: dotnetVersion }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: commonSettings
    }
  }
}

output defaultHostName string = isFlex ? flexSite.properties.defaultHostName : premiumSite.properties.defaultHostName
output plan string = isFlex ? 'FlexConsumption' : 'ElasticPremium'
