export * from "./schema.js";
export * from "./tree.js";
export * from "./build.js";
export * from "./store.js";
export * from "./progress.js";
export * from "./layer.js";
