// @notos/sign/varstore: OVMF's UEFI variable store as data — reader, writer, signature lists.
export { readVarStore, writeVarStore, liveVariables, x509SignatureList, readSignatureLists, secureBootVariables, GUIDS, ATTR, AUTH_VAR_ATTRIBUTES, VAR_ADDED, type UefiVariable, type VarStore } from "../varstore.js";
