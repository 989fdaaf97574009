// ModelOps Functions on Azure: one storage account (artifacts, queues, tables, Functions state), monitoring,
// a user-assigned identity with data-plane roles, a Key Vault for the approval-link signing key, and the
// two function apps (Scoring, Pipelines) as .NET 10 isolated workers on Linux.
// Resource types and API versions follow the official Functions samples (see infra/bicep/README.md).
targetScope = 'resourceGroup'

@description('Short name used as a prefix for every resource (3–11 lower-case letters or digits).')
@minLength(3)
@maxLength(11)
param namePrefix string

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Hosting plan: FlexConsumption (FC1, the default) or ElasticPremium (always-warm instances, deployment slots; see README.md).')
@allowed([ 'FlexConsumption', 'ElasticPremium' ])
param hostingPlan string = 'FlexConsumption'

@description('Elastic Premium SKU when hostingPlan is ElasticPremium.')
@allowed([ 'EP1', 'EP2', 'EP3' ])
param premiumSku string = 'EP1'

@description('Maximum elastic workers (Elastic Premium) or instances (Flex Consumption).')
param maximumScale int = 10

@description('The approval-link signing key (at least 32 random bytes, base64). Stored only in Key Vault.')
@secure()
@minLength(44)
param approvalLinkSigningKey string

@description('The key that seals the model registry\'s audit log (at least 32 random bytes, base64). Stored only in Key Vault.')
@secure()
@minLength(44)
param registryAuditKey string

@description('SMTP server for approval e-mails; empty: the Pipelines app starts and refuses promotion requests with a 503.')
param smtpHost string = ''

@description('SMTP port.')
param smtpPort string = '587'

@description('SMTP transport security: None, StartTls or SslOnConnect.')
@allowed([ 'None', 'StartTls', 'SslOnConnect' ])
param smtpTlsMode string = 'StartTls'

@description('Sender of approval e-mails, e.g. "ModelOps <modelops@example.org>".')
param smtpFrom string = ''

@description('Public base URL of the Pipelines app\'s API that approval links point to, e.g. https://HOST/api (needed with smtpHost).')
param approvalsBaseUrl string = ''

@description('How long approvers have to decide on a promotion (d.hh:mm:ss).')
param approvalDeadline string = '3.00:00:00'

@description('OTLP collector the Scoring app also exports its meters to, e.g. http://collector:4318 (optional; Application Insights gets them regardless).')
param otlpEndpoint string = ''

@description('Jurisdiction the models serve, for the forbidden-features gate (e.g. EU; empty: none).')
param jurisdiction string = ''

@description('Inputs forbidden in that jurisdiction, comma-separated (e.g. gender,age).')
param forbiddenFeatures string = ''

@description('True only after App Service Authentication is configured on the apps (this template does not): the apps then trust the signed-in principal it names in x-ms-client-principal-name, for the audit and the approval page.')
param trustPlatformIdentity bool = false

@description('Object id of a principal allowed to manage the Key Vault secrets (optional).')
param keyVaultAdminObjectId string = ''

var suffix = uniqueString(resourceGroup().id, namePrefix)
var storageName = toLower(take('${namePrefix}${suffix}', 24))

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: '${namePrefix}-id-${suffix}'
    location: location
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: '${namePrefix}-log-${suffix}'
    appInsightsName: '${namePrefix}-ai-${suffix}'
    location: location
    publisherPrincipalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageName
    location: location
    dataPrincipalId: identity.outputs.principalId
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: take('${namePrefix}-kv-${suffix}', 24)
    location: location
    readerPrincipalId: identity.outputs.principalId
    adminObjectId: keyVaultAdminObjectId
    approvalLinkSigningKey: approvalLinkSigningKey
    registryAuditKey: registryAuditKey
  }
}

var sharedSettings = {
  identityClientId: identity.outputs.clientId
  identityId: identity.outputs.id
  appInsightsConnectionString: monitoring.outputs.connectionString
  blobServiceUri: storage.outputs.blobServiceUri
  queueServiceUri: storage.outputs.queueServiceUri
  tableServiceUri: storage.outputs.tableServiceUri
  signingKeySecretUri: vault.outputs.signingKeySecretUri
  auditKeySecretUri: vault.outputs.auditKeySecretUri
  smtpHost: smtpHost
  smtpPort: smtpPort
  smtpTlsMode: smtpTlsMode
  smtpFrom: smtpFrom
  approvalsBaseUrl: approvalsBaseUrl
  approvalDeadline: approvalDeadline
  otlpEndpoint: otlpEndpoint
  jurisdiction: jurisdiction
  forbiddenFeatures: forbiddenFeatures
  trustPlatformIdentity: trustPlatformIdentity
}

module scoring 'modules/functionapp.bicep' = {
  name: 'scoring'
  params: {
    name: '${namePrefix}-scoring-${suffix}'
    location: location
    hostingPlan: hostingPlan
    premiumSku: premiumSku
    maximumScale: maximumScale
    deploymentContainerUri: '${storage.outputs.blobServiceUri}${storage.outputs.deploymentContainers.scoring}'
    settings: sharedSettings
  }
}

module pipelines 'modules/functionapp.bicep' = {
  name: 'pipelines'
  params: {
    name: '${namePrefix}-pipelines-${suffix}'
    location: location
    hostingPlan: hostingPlan
    premiumSku: premiumSku
    maximumScale: maximumScale
    deploymentContainerUri: '${storage.outputs.blobServiceUri}${storage.outputs.deploymentContainers.pipelines}'
    settings: sharedSettings
  }
}

output scoringUrl string = 'https://${scoring.outputs.defaultHostName}'
output pipelinesUrl string = 'https://${pipelines.outputs.defaultHostName}'
output storageAccountName string = storage.outputs.name
output keyVaultName string = vault.outputs.name
