// Client process for test/launcher/ssh.test.ts (issue 7): starts a long-running command tree on every test
// host with startOnHosts, prints "started <jobId>" once each host has printed its ready line, then waits to
// be killed (the test SIGKILLs it and checks that the guards leave nothing running on the hosts).
// Usage: node --import tsx ssh-client.fixture.ts DIR JOBID   (the hosts are those of DIR/hosts.json)
import { readFileSync } from "node:fs";
import path from "node:path";
import { startOnHosts } from "../../launcher/ssh/hosts.ts";

const [dir, jobId] = process.argv.slice(2);
const hosts: Array<{ name: string; port: number }> = JSON.parse(
  readFileSync(path.join(dir, "hosts.json"), "utf8"),
).hosts;
const ready = new Set<string>();
const job = await startOnHosts(
  hosts.map((h) => ({ host: h.name, port: h.port })),
  () => "sleep 1000 & sleep 1000 & echo ready; wait",
  {
    jobId,
    knownHostsFiles: [path.join(dir, "known_hosts")],
    keyFile: path.join(dir, "userkey"),
    home: dir,
    configPath: null,
    env: {},
    onLine: (line) => {
      if (line.text !== "ready") return;
      ready.add(line.host);
      if (ready.size === hosts.length) console.log(`started ${jobId}`);
    },
  },
);
await job.exited; // never, unless the hosts go away
