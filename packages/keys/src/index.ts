// @notos/keys: the signing keys a notos user owns, and where everything
// that signs or checks finds them — `notos keygen`, @notos/sign's builders
// and runvm agree on one directory and two file names.
export { keygen, keyDirectory, findSigningKey, readCertificate, KEY_FILE, CERT_FILE, type SigningKey, type KeygenOptions } from "./keys.js";
export { KeyError } from "./errors.js";
