// Running commands and programs for tests: a command, or a program through the real tsrun, with a hang
// guard, its output captured and its whole process group killed on timeout. Tests import these from here;
// the implementation is shared with the graders (test/graders/lib/run.ts, which also holds the command
// wrapper of class grading), so a test and a grader start processes the same way.
export { runCommand, runTsrun, freePort, type RunResult, type RunOptions } from "../graders/lib/run.ts";
export { projectRoot, tsrunBin } from "./paths.ts";
