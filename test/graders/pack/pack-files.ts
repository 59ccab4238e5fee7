// The fixed files of a student pack: README.md (what is inside, how to run, type-check and grade),
// tsconfig.json (strict, NodeNext, the options the starters need) and package.json (an ES module folder).
import * as path from "node:path";
import type { Exercise } from "./catalogue.ts";

const inPack = (file: string) => file.replace(/^exercises\//, "");

function exerciseRow(ex: Exercise): string {
  const files = ex.references.map((r) => `\`${inPack(r)}\``).join(", ");
  const grade = ex.graders.map((g) => `\`${g.id}\``).join(", ");
  return `| ${ex.id} | [handout](${inPack(ex.handout)}) | ${files} | ${grade} |`;
}

export function packReadme(packed: Exercise[], projectRoot: string): string {
  return `# tsmpi exercises: student pack

Each exercise has a handout (\`<family>/handouts/<id>.md\`: the statement, the exact lines to print, how to
run and grade) and starter programs: complete programs where the part you write is marked \`// TODO\`.
Keep the file names: the grader finds your programs by them.

| id | handout | files | grader ids |
|---|---|---|---|
${packed.map(exerciseRow).join("\n")}

## Running

MPI programs run under tsmpi's launcher, from the family's folder:

    cd mpi
    tsrun -np 4 ring.ts

Socket and salad programs are plain Node programs; each handout gives the command (\`npx tsx FILE …\`).

## Setting up and type-checking

    npm install                   # the packages the socket and salad helpers import (package.json)
    npx tsc --noEmit              # strict TypeScript, as tsconfig.json says

## Grading

The graders live in the tsmpi repository (where this pack was built: \`${projectRoot}\`; use your own
clone's path). From the folder holding your file:

    npm --prefix ${path.resolve(projectRoot)} run grade -- 10.3 --program ring.ts

\`--program\` is relative to the folder you ran the command from. Each check prints \`*** <check>\` then
\`--- PASS\` or \`--- FAIL: <what was measured> vs expected <what was expected>. <hint>\`; a run that failed is
shown whole with the command that reproduces it. Add \`--json result.json\` for a machine-readable result,
\`--np 2,4\` to choose process counts. For an exercise with several programs (a server and a client),
\`--program\` may name the folder holding them all.
`;
}

export function packTsconfig(): string {
  const config = {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      types: ["node"],
      lib: ["ES2023"],
    },
    include: ["**/*.ts"],
  };
  return JSON.stringify(config, null, 2) + "\n";
}

/** The npm packages the shipped programs import ("yargs", "ws", "@scope/name"), tsmpi and node built-ins aside. */
export function bareImports(texts: string[]): string[] {
  const names = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(/^\s*(?:import|export)[^"'`;]*?from\s*["']([^"'.][^"']*)["']/gm)) {
      const spec = m[1];
      if (spec.startsWith("node:") || spec === "tsmpi" || spec.startsWith("tsmpi/")) continue;
      names.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
    }
  }
  return [...names].sort();
}

/**
 * An ES-module folder whose dependencies are the packages the shipped programs import, at tsmpi's own
 * versions, with their type packages and TypeScript for `npx tsc --noEmit`.
 */
export function packPackageJson(
  imports: string[],
  project: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> },
): string {
  const all = { ...project.dependencies, ...project.devDependencies };
  const pick = (names: string[]) =>
    Object.fromEntries(
      names
        .filter((n) => all[n])
        .sort()
        .map((n) => [n, all[n]]),
    );
  const types = [
    "@types/node",
    "typescript",
    ...imports.map((n) => `@types/${n.replace(/^@/, "").replace("/", "__")}`),
  ];
  return (
    JSON.stringify(
      {
        name: "tsmpi-exercises",
        private: true,
        type: "module",
        dependencies: pick(imports),
        devDependencies: pick(types),
      },
      null,
      2,
    ) + "\n"
  );
}
