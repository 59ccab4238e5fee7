// Test program: every rank writes long lines to stdout and stderr at once (lines must reach the terminal
// whole and in order per rank), rank 0 echoes its stdin, and each rank reports its environment and cwd.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const width = 3000;
for (let i = 0; i < 100; i++) {
  process.stdout.write(`R${comm.rank}:${i}:${"x".repeat(width)}\n`);
  if (i % 10 === 0) process.stderr.write(`E${comm.rank}:${i}\n`);
}
if (comm.rank === 0) {
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  console.log(`STDIN ${JSON.stringify(input)}`);
}
console.log(`ENV ${comm.rank} ${process.env.TSMPI_TEST_VAR ?? "unset"} ${process.cwd()}`);
process.stdout.write(`PARTIAL ${comm.rank} without newline`);
await mpi.finalize();
