// Watchdog started by `up({ watchPid })`: brings the cluster in <stateDir> down
// as soon as process <watchPid> is gone, however it ended (even SIGKILL, where
// no exit handler runs). Exits quietly once the cluster's state file is gone,
// i.e. after a normal `down`.
//
//   node test/cluster/reaper.ts <stateDir> <watchPid>

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { down, isAlive } from './harness.ts';

const [stateDir, pidArg] = process.argv.slice(2);
const watchPid = Number(pidArg);
if (!stateDir || !Number.isInteger(watchPid) || watchPid <= 0) {
  console.error('usage: reaper.ts <stateDir> <watchPid>');
  process.exit(2);
}

// down() signals the cluster's processes; it skips our own pid, but be explicit about SIGTERM.
process.on('SIGTERM', () => process.exit(0));

const timer = setInterval(() => {
  if (!existsSync(join(stateDir, 'state.json')) && !existsSync(join(stateDir, 'logs'))) {
    clearInterval(timer); // cluster already brought down
    return;
  }
  if (isAlive(watchPid)) return;
  clearInterval(timer);
  console.error(`reaper: process ${watchPid} is gone; stopping the cluster in ${stateDir}`);
  down(stateDir, { graceMs: 5000 }).then(
    (r) => console.error(`reaper: stopped ${r.stopped.join(', ') || 'nothing'}`),
    (e) => {
      console.error(`reaper: ${e instanceof Error ? e.message : e}`);
      process.exitCode = 1;
    },
  );
}, 1000);
