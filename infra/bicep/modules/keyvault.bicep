// Key Vault (RBAC mode) holding the approval-link signing key; the apps read it through a Key Vault reference.
param name string
param location string
param readerPrincipalId string
param adminObjectId string

@secure()
param approvalLinkSigningKey string

@secure()
param registryAuditKey string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: true
  }
}

resource signingKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'approval-link-signing-key'
  properties: {
    value: approvalLinkSigningKey
    contentType: 'base64'
  }
}

resource auditKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'registry-audit-key'
  properties: {
    value: registryAuditKey
    contentType: 'base64'
  }
}

// Key Vault Secrets User for the apps' identity; Key Vault Secrets Officer for an optional administrator.
var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var secretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource readerRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerPrincipalId, secretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource adminRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(adminObjectId)) {
  name: guid(vault.id, adminObjectId, secretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficer)
    principalId: adminObjectId
  }
}

output name string = vault.name
output signingKeySecretUri string = signingKey.properties.secretUri
output auditKeySecretUri string = auditKey.properties.secretUri
