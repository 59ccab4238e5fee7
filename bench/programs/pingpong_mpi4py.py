# Benchmark peer: mpi4py ping-pong, object API (pickled bytes) and buffer API (numpy), same sizes and
# repetitions as bench/programs/pingpong.ts; prints JSON lines from rank 0.
import json, sys, time
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
sizes = [int(s) for s in (sys.argv[1] if len(sys.argv) > 1 else "8,1024,65536,1048576,16777216").split(",")]
def reps_for(size): return 10000 if size <= 1024 else 800 if size <= 65536 else 100 if size <= 1048576 else 12
for mode in ("mpi4py-object", "mpi4py-buffer"):
    for size in sizes:
        buf = np.full(size, 7, dtype=np.uint8); obj = bytes(size); reps = reps_for(size); passes = []
        for p in range(6):
            comm.Barrier(); t0 = time.perf_counter()
            for _ in range(reps):
                if comm.rank == 0:
                    if mode == "mpi4py-object": comm.send(obj, 1, 0); comm.recv(source=1, tag=0)
                    else: comm.Send(buf, 1, 0); comm.Recv(buf, 1, 0)
                elif comm.rank == 1:
                    if mode == "mpi4py-object": comm.send(comm.recv(source=0, tag=0), 0, 0)
                    else: comm.Recv(buf, 0, 0); comm.Send(buf, 0, 0)
            if p >= 2: passes.append((time.perf_counter() - t0) / reps / 2 * 1e6)
        if comm.rank == 0: print(json.dumps({"mode": mode, "size": size, "oneWayUs": sorted(passes)[len(passes) // 2]}), flush=True)
