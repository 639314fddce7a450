// /etc/pam.d/common-*: what libpam-runtime's postinst (pam-auth-update)
// writes with only pam_unix enabled. Services such as sshd and su include
// these; without them every PAM login fails.
const file = (text: string) => ({ text });

export const pamCommonFiles = {
  "pam.d/common-auth": file(`# Authentication for all services (pam-auth-update's default, written by notos).
auth	[success=1 default=ignore]	pam_unix.so nullok
auth	requisite			pam_deny.so
auth	required			pam_permit.so
`),
  "pam.d/common-account": file(`# Account checks for all services (pam-auth-update's default, written by notos).
account	[success=1 new_authtok_reqd=done default=ignore]	pam_unix.so
account	requisite			pam_deny.so
account	required			pam_permit.so
`),
  "pam.d/common-password": file(`# Password changes for all services (pam-auth-update's default, written by notos).
password	[success=1 default=ignore]	pam_unix.so obscure yescrypt
password	requisite			pam_deny.so
password	required			pam_permit.so
`),
  "pam.d/common-session": file(`# Sessions for all services (pam-auth-update's default, written by notos).
session	[default=1]			pam_permit.so
session	requisite			pam_deny.so
session	required			pam_permit.so
session	required			pam_unix.so
`),
  "pam.d/common-session-noninteractive": file(`# Non-interactive sessions (pam-auth-update's default, written by notos).
session	[default=1]			pam_permit.so
session	requisite			pam_deny.so
session	required			pam_permit.so
session	required			pam_unix.so
`),
};
