# <cluster_id>/user/<user ID>, <cluster_id>/agency/<agency ID>, <cluster_id>/other/<ID>,
# or <cluster_id>/other/<ID>/agency for an other ID that was sent as an agency.
terraform import cce_credential_revocation.alice_prod c0000000-0000-4000-8000-000000000001/user/a11ce000000000000000000000000002
