// Where things are, for tests: the project's root, the real tsrun, and the runtime's public entry.
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const tsrunBin = path.join(projectRoot, "launcher/bin/tsrun.mjs");
