// @notos/disk/gpt: the GUID partition table as data — layout, the bytes
// around the partitions, the reader — and content-derived GUIDs.
export { gptLayout, gptStructures, readGpt, minimumDiskSize, SECTOR, ALIGN, LEGACY_BIOS_BOOTABLE, type PartitionSpec, type GptLayout, type GptPartition, type GptTable, type GptEntry } from "../gpt.js";
export { guidFrom, guidToBytes, guidFromBytes, PARTITION_TYPES, type Guid } from "../guid.js";
export { crc32 } from "../crc32.js";
