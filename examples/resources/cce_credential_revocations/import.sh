# <cluster_id>/<applicant>,<applicant>,... with each applicant written user/<user ID>, agency/<agency ID>,
# other/<ID>, or other/<ID>/agency for an other ID that was sent as an agency; then, for a cluster outside
# the provider's region and project, @<region> or @<region>/<project_id>.
terraform import cce_credential_revocations.prod c0000000-0000-4000-8000-000000000001/user/a11ce000000000000000000000000002,agency/a9e00000000000000000000000000012
terraform import cce_credential_revocations.nl 0a000000-0000-4000-8000-000000000001/user/1ea7e000000000000000000000000004@eu-nl
