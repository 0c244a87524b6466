# <cluster_id>/user/<user ID>, <cluster_id>/agency/<agency ID>, <cluster_id>/other/<ID>,
# or <cluster_id>/other/<ID>/agency for an other ID that was sent as an agency.
terraform import cce_credential_revocation.alice_prod 365b5e05-846a-11ea-9fe6-0255ac101107/user/0c97ac3cb280f4d91fa7c0096739e1f8
