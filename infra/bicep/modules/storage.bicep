// One StorageV2 account with shared keys disabled: model artifacts and reports (blobs), work queues,
// registry and approval tables, plus a deployment container per app (Flex Consumption).
param name string
param location string
param dataPrincipalId string

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: account
  name: 'default'
}

var containers = [ 'model-artifacts', 'reports', 'batch', 'deploy-scoring', 'deploy-pipelines', 'azure-webjobs-hosts' ]

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = [for c in containers: {
  parent: blobs
  name: c
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: account
  name: 'default'
}

// Every queue the Pipelines app triggers on or writes to (QueueDefinitionTests checks the list against its function
// metadata): batch runs and chunks, streaming scoring in and out, delayed outcomes, monitoring alerts, retraining,
// champion–challenger and promotion requests. Poison queues (`NAME-poison`) are made by the Functions host on first use.
var queues = [
  'batch-runs'
  'batch-chunks'
  'batch-chunks-poison'
  'score-requests'
  'score-results'
  'outcomes'
  'alerts'
  'retrain-requests'
  'challenger-requests'
  'promotion-requests'
]

resource workQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = [for q in queues: {
  parent: queueService
  name: q
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' = {
  parent: account
  name: 'default'
}

var tables = [ 'ModelRegistry', 'Approvals' ]

resource registryTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = [for t in tables: {
  parent: tableService
  name: t
}]

// Storage Blob Data Owner, Storage Queue Data Contributor, Storage Table Data Contributor.
var roles = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
]

resource dataRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in roles: {
  name: guid(account.id, dataPrincipalId, role)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: dataPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

output name string = account.name
output blobServiceUri string = account.properties.primaryEndpoints.blob
output queueServiceUri string = account.properties.primaryEndpoints.queue
output tableServiceUri string = account.properties.primaryEndpoints.table
output deploymentContainers object = {
  scoring: 'deploy-scoring'
  pipelines: 'deploy-pipelines'
}
