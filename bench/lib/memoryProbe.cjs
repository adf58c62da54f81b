/*
 * Preloaded into the backend by bench/production-footprint.mjs: on SIGUSR2
 * it writes where the process's memory is to the file named by
 * BENCH_MEMORY_REPORT (JSON: process.memoryUsage(), V8's heap spaces, the
 * number of loaded CommonJS modules and their source size, in all and per
 * package), then the same after a full garbage collection when the
 * backend runs with --expose-gc (what is live, not just not yet
 * collected), and with
 * BENCH_HEAP_SNAPSHOT set also a heap snapshot into that folder.
 */
const { writeFileSync, statSync } = require('node:fs');
const { join } = require('node:path');
const v8 = require('node:v8');

const report = process.env.BENCH_MEMORY_REPORT;

/*
 * BENCH_HEAP_SAMPLING=<folder>: V8's sampling heap profiler runs from the
 * start, counting also what was collected since, and the first report
 * writes what was allocated where until then to <folder>/start.heapprofile
 * (for Chrome's DevTools, Memory tab): what the start allocates, garbage
 * included, which the heap's size after start follows.
 */
const samplingFolder = process.env.BENCH_HEAP_SAMPLING;
let sampling;
if (samplingFolder) {
  const { Session } = require('node:inspector');
  sampling = new Session();
  sampling.connect();
  sampling.post('HeapProfiler.startSampling', {
    samplingInterval: 32768,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
}
function writeSampling() {
  if (!sampling) {
    return;
  }
  const session = sampling;
  sampling = undefined;
  session.post('HeapProfiler.stopSampling', (error, result) => {
    if (!error) {
      writeFileSync(
        join(samplingFolder, 'start.heapprofile'),
        JSON.stringify(result.profile),
      );
    }
    session.disconnect();
  });
}
if (report) {
  process.on('SIGUSR2', () => {
    writeSampling();
    const before = {
      memoryUsage: process.memoryUsage(),
      heapSpaces: v8.getHeapSpaceStatistics(),
    };
    let afterGc;
    if (global.gc) {
      global.gc();
      afterGc = {
        memoryUsage: process.memoryUsage(),
        heapSpaces: v8.getHeapSpaceStatistics(),
      };
    }
    const modules = Object.keys(require.cache);
    let sourceBytes = 0;
    const packages = new Map();
    for (const file of modules) {
      let size = 0;
      try {
        size = statSync(file).size;
      } catch {
        // a file gone since
      }
      sourceBytes += size;
      const name = packageOf(file);
      const entry = packages.get(name) ?? { modules: 0, sourceBytes: 0 };
      entry.modules += 1;
      entry.sourceBytes += size;
      packages.set(name, entry);
    }
    const snapshotFolder = process.env.BENCH_HEAP_SNAPSHOT;
    const snapshot = snapshotFolder
      ? v8.writeHeapSnapshot(
          join(snapshotFolder, `backend-${Date.now()}.heapsnapshot`),
        )
      : undefined;
    writeFileSync(
      report,
      JSON.stringify({
        ...before,
        afterGc,
        heap: v8.getHeapStatistics(),
        modules: {
          count: modules.length,
          sourceBytes,
          packages: [...packages]
            .map(([name, entry]) => ({ name, ...entry }))
            .sort((a, b) => b.sourceBytes - a.sourceBytes),
        },
        snapshot,
      }),
    );
  });
}

/** The package a module file belongs to: the last node_modules/<name>, else its workspace folder. */
function packageOf(file) {
  const installed = file.match(/.*node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (installed) {
    return installed[1];
  }
  const workspace = file.match(/\/(plugins|packages)\/([^/]+)\//);
  return workspace ? `${workspace[1]}/${workspace[2]}` : file;
}
