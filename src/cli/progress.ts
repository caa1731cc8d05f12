import { oneLine } from '../report/escape.ts';
import type { ProgressEvent } from '../collect/cluster.ts';

/**
 * Progress on stderr while collecting: which kinds are being listed, their
 * counts and the time taken. Only when stderr is a terminal and not --quiet.
 */
export function progressReporter(stream: NodeJS.WriteStream): (e: ProgressEvent) => void {
  const t0 = performance.now();
  const active = new Set<string>();
  let done = 0;
  let objects = 0;
  const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)}s`;
  const line = (s: string) => stream.write(`\r\u001b[2K${s}`);
  return (e) => {
    if (e.type === 'connected') {
      stream.write(`connected to ${oneLine(e.server)}${e.version ? ` (${oneLine(e.version)})` : ''}\n`);
    } else if (e.type === 'kind-start') {
      active.add(e.kind);
      line(`listing ${[...active].join(', ')} … ${done} kinds, ${objects} objects, ${elapsed()}`);
    } else {
      active.delete(e.kind);
      done++;
      objects += e.collection.count;
      if (e.collection.state !== 'ok') line(`${e.kind}: ${e.collection.state}${e.collection.reason ? ` — ${oneLine(e.collection.reason)}` : ''}\n`);
      line(active.size ? `listing ${[...active].join(', ')} … ${done} kinds, ${objects} objects, ${elapsed()}` : `listed ${done} kinds, ${objects} objects in ${elapsed()}\n`);
    }
  };
}
