// @playwright/test is installed under tools/ (tools/package.json), not beside the specs, and
// Node resolves a bare "@playwright/test" only from node_modules folders above the importing
// file. The config and every spec import it through this file instead.
export * from "../../tools/node_modules/@playwright/test/index.mjs";
